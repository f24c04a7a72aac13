// Rendering the mixin: rule files as Prometheus YAML (with the comments that explain each rule),
// and the Alertmanager inhibit rules that go with them.
import yaml from 'js-yaml';
import type { MixinConfig } from './config.js';
import { buildRuleFiles } from './rules.js';
import type { RuleSpec } from './rules.js';

const comment = (text: string, indent: string): string =>
  text
    .split('\n')
    .map((l) => (l === '' ? `${indent}#` : `${indent}# ${l}`))
    .join('\n') + '\n';

/** A one-line scalar, quoted only where YAML needs it (single quotes preferred). */
function scalar(value: string): string {
  return yaml.dump(value, { lineWidth: -1, quotingType: "'" }).trimEnd();
}

/** A folded (`>-`) block, wrapped at spaces near `width` columns; YAML joins its lines with spaces. */
function folded(value: string, indent: string, width = 100): string {
  const lines: string[] = [];
  let line = '';
  for (const word of value.split(' ')) {
    if (line !== '' && indent.length + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  lines.push(line);
  return `>-\n${lines.map((l) => `${indent}${l}`).join('\n')}`;
}

/** Literal block (`|`) for multi-line expressions, as written by hand; one line otherwise. */
function expression(value: string, indent: string): string {
  if (!value.includes('\n')) return scalar(value);
  const body = value.replace(/\n$/, '');
  return `|\n${body
    .split('\n')
    .map((l) => (l === '' ? '' : `${indent}${l}`))
    .join('\n')}`;
}

function ruleYaml(rule: RuleSpec, indent: string): string {
  const i2 = `${indent}  `;
  const lines: string[] = [];
  if (rule.alert !== undefined) lines.push(`${indent}- alert: ${scalar(rule.alert)}`);
  if (rule.record !== undefined) lines.push(`${indent}- record: ${scalar(rule.record)}`);
  lines.push(`${i2}expr: ${expression(rule.expr, `${i2}  `)}`);
  if (rule.for !== undefined) lines.push(`${i2}for: ${rule.for}`);
  if (rule.keep_firing_for !== undefined) lines.push(`${i2}keep_firing_for: ${rule.keep_firing_for}`);
  for (const key of ['labels', 'annotations'] as const) {
    const map = rule[key];
    if (!map) continue;
    lines.push(`${i2}${key}:`);
    for (const [k, v] of Object.entries(map)) {
      const long = k === 'description' || `${i2}  ${k}: ${v}`.length > 160;
      lines.push(`${i2}  ${k}: ${long ? folded(v, `${i2}    `) : scalar(v)}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** File name -> YAML text of each rule file. */
export function renderRuleFiles(config: MixinConfig): Record<string, string> {
  const out: Record<string, string> = {};
  for (const file of buildRuleFiles(config)) {
    let text = comment(file.header, '');
    text += 'groups:\n';
    file.groups.forEach((group, gi) => {
      if (gi > 0) text += '\n';
      text += `  - name: ${group.name}\n    rules:\n`;
      group.rules.forEach((rule, ri) => {
        if (ri > 0) text += '\n';
        if (rule.comment) text += comment(rule.comment, '      ');
        text += ruleYaml(rule, '      ');
      });
    });
    out[file.file] = text;
  }
  return out;
}

/** Every group of every rule file in one document, e.g. for a PrometheusRule or `--set-file`. */
export function renderSingleRuleFile(config: MixinConfig): string {
  return Object.values(renderRuleFiles(config))
    .map((text, i) => (i === 0 ? text : text.replace(/^(#.*\n)*groups:\n/, '')))
    .join('\n');
}

export interface InhibitRule {
  source_matchers: string[];
  target_matchers: string[];
  equal: string[];
}

/**
 * The inhibit rules that belong to the alert rules: `equal` always lists the deployment labels, so
 * that an alert of one environment never silences another's (Alertmanager treats a label missing
 * on both alerts as equal).
 */
export function inhibitRules(c: MixinConfig): InhibitRule[] {
  const d = c.deploymentLabels;
  const rules: InhibitRule[] = [];
  if (c.inhibitedByClusterUnreachable.length > 0) {
    const targets = `alertname =~ "${c.inhibitedByClusterUnreachable.join('|')}"`;
    for (const side of ['source', 'target'] as const) {
      rules.push({ source_matchers: ['alertname = "MirrorwatchClusterUnreachable"'], target_matchers: [targets], equal: [side, ...d] });
    }
  }
  rules.push(
    { source_matchers: ['alertname = "MirrorwatchClusterUnreachable"'], target_matchers: ['alertname = "MirrorwatchPollsFailing"'], equal: ['cluster', ...d] },
    { source_matchers: ['alertname = "Mm2HeartbeatStale"'], target_matchers: ['alertname = "Mm2FlowNotFailoverReady"'], equal: ['source', 'target', ...d] },
    // The fast page already speaks for a silent flow: the slower heartbeat page and the readiness
    // ticket it causes add nothing.
    { source_matchers: ['alertname = "Mm2FlowNotCopying"'], target_matchers: ['alertname =~ "Mm2HeartbeatStale|Mm2FlowNotFailoverReady"'], equal: ['source', 'target', ...d] },
  );
  return rules;
}

export function renderInhibitRules(c: MixinConfig): string {
  return yaml.dump({ inhibit_rules: inhibitRules(c) }, { lineWidth: -1, quotingType: "'", flowLevel: 3 });
}
