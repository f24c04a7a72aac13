{{- define "mirrorwatch.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "mirrorwatch.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "mirrorwatch.selectorLabels" -}}
app.kubernetes.io/name: {{ include "mirrorwatch.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "mirrorwatch.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "mirrorwatch.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: mirrorwatch
{{- end -}}

{{- define "mirrorwatch.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "mirrorwatch.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "mirrorwatch.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository $tag -}}
{{- end -}}
{{- end -}}

{{/* Which configuration source is used; fails on none or several. */}}
{{- define "mirrorwatch.configSource" -}}
{{- $c := .Values.config -}}
{{- if $c.existingConfigMap.name -}}
{{- if or $c.mirrorwatch $c.mm2Properties $c.kafkaMirrorMaker2 -}}
{{- fail "config.existingConfigMap.name is set: leave config.mirrorwatch, config.mm2Properties and config.kafkaMirrorMaker2 empty" -}}
{{- end -}}
existing
{{- else if $c.kafkaMirrorMaker2 -}}
{{- if or $c.mirrorwatch $c.mm2Properties -}}
{{- fail "config.kafkaMirrorMaker2 is set: leave config.mirrorwatch and config.mm2Properties empty" -}}
{{- end -}}
strimzi
{{- else if $c.mirrorwatch -}}
yaml
{{- else if $c.mm2Properties -}}
properties
{{- else -}}
{{- fail "set one of config.mirrorwatch, config.mm2Properties, config.kafkaMirrorMaker2 or config.existingConfigMap.name" -}}
{{- end -}}
{{- end -}}

{{/* The file, under /etc/mirrorwatch, that mirrorwatch loads. */}}
{{- define "mirrorwatch.configFile" -}}
{{- $src := include "mirrorwatch.configSource" . -}}
{{- if eq $src "existing" -}}{{ .Values.config.existingConfigMap.file }}
{{- else if eq $src "strimzi" -}}kafkamirrormaker2.yaml
{{- else -}}mirrorwatch.yaml
{{- end -}}
{{- end -}}

{{/* mirrorwatch.yaml for the "yaml" and "properties" sources. */}}
{{- define "mirrorwatch.configYaml" -}}
{{- $cfg := deepCopy (default (dict) .Values.config.mirrorwatch) -}}
{{- if and .Values.config.mm2Properties (not (hasKey $cfg "mm2Properties")) -}}
{{- $_ := set $cfg "mm2Properties" "mm2.properties" -}}
{{- end -}}
{{- toYaml $cfg -}}
{{- end -}}
