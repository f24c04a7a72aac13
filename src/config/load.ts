// loadConfig: a mirrorwatch YAML file, or an mm2.properties file used as is, to a validated
// MirrorwatchConfig. Every problem found is reported at once in one ConfigError.
//
// Precedence with `mm2Properties:` in YAML: the properties file says which clusters and flows
// exist and how MM2 runs them (bootstrap servers, client security, topic filters, replication
// policy, heartbeat emission, offset-syncs location). YAML `clusters` / `flows` entries then
// refine those, matched by alias / source+target, field by field; YAML wins. An entry that matches
// nothing in the properties file is an error. Everything else (poll, http, granularity...) is
// YAML only.
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import type { AuditConfig, ConfigWarning, DiscoveryConfig, FlowConfig, MirrorwatchConfig, PartitionRegion, ReplicationPolicyConfig } from '../core/types.js';
import { DEFAULTS, topicsExcludeDefault } from './defaults.js';
import type { ClusterDraft, FileRef, FlowDraft, MskIamDraft, OAuthDraft, SaslDraft, TlsDraft, Where } from './drafts.js';
import { formatDuration } from './duration.js';
import { editDistance } from './editDistance.js';
import { resolveHttpProtection } from './httpProtection.js';
import { importMm2Properties, type Mm2Import } from './mm2Import.js';
import { ConfigError, type ConfigProblem } from './problems.js';
import { resolveCluster } from './resolve.js';
import { SecretReader, yamlSecret, yamlStore } from './secrets.js';
import { importStrimziMirrorMaker2, isStrimziMirrorMaker2 } from './strimzi.js';
import { configSchema, schemaProblems, type YamlCluster, type YamlConfig, type YamlFlow, type YamlRegion } from './schema.js';

export { ConfigError } from './problems.js';
export type { ConfigProblem } from './problems.js';

/** A path from a config file, relative to that file's directory. */
function relativeTo(file: string, p: string): string {
  return path.isAbsolute(p) ? p : path.join(path.dirname(file), p);
}

function readConfigFile(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory, not a file' : `cannot read it (${code ?? String(e)})`;
    throw new ConfigError([{ file, message: why }]);
  }
}

export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): MirrorwatchConfig {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.properties') return fromProperties(file, readConfigFile(file), env);
  if (ext === '.yaml' || ext === '.yml') return fromYaml(file, readConfigFile(file).toString('utf8'), env);
  throw new ConfigError([
    { file, message: 'unknown file type: expected a mirrorwatch .yaml/.yml file or an MM2 .properties file' },
  ]);
}

function fromProperties(file: string, bytes: Buffer, env: NodeJS.ProcessEnv): MirrorwatchConfig {
  const imported = importMm2Properties(bytes, file, { env });
  if (imported.problems.length > 0) throw new ConfigError(imported.problems);
  return build(file, {}, imported, env);
}

function fromYaml(file: string, text: string, env: NodeJS.ProcessEnv): MirrorwatchConfig {
  let doc: unknown;
  try {
    doc = yaml.load(text, { filename: file });
  } catch (e) {
    if (e instanceof yaml.YAMLException) {
      const line = e.mark ? e.mark.line + 1 : undefined;
      const col = e.mark ? ` (column ${e.mark.column + 1})` : '';
      throw new ConfigError([{ file, line, message: `YAML syntax error: ${e.reason}${col}` }]);
    }
    throw e;
  }
  if (doc === undefined || doc === null) throw new ConfigError([{ file, message: 'the file is empty' }]);
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ConfigError([{ file, message: 'expected a mapping of settings (clusters:, flows:, ...) at the top level' }]);
  }
  if (isStrimziMirrorMaker2(doc)) {
    const imported = importStrimziMirrorMaker2(doc, file, { env });
    if (imported.problems.length > 0) throw new ConfigError(imported.problems);
    return build(file, {}, imported, env);
  }
  const flowsSetting = takeFlowsDiscover(doc as Record<string, unknown>, file);
  const parsed = configSchema.safeParse(flowsSetting.rest, { reportInput: true });
  if (!parsed.success || flowsSetting.problems.length > 0) {
    throw new ConfigError([...flowsSetting.problems, ...(parsed.success ? [] : schemaProblems(parsed.error, file))]);
  }
  const cfg = parsed.data;
  let imported: Mm2Import | undefined;
  if (cfg.mm2Properties !== undefined) {
    const propsFile = relativeTo(file, cfg.mm2Properties);
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(propsFile);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new ConfigError([
        { file, path: 'mm2Properties', message: `cannot read ${propsFile}: ${code === 'ENOENT' ? 'file not found' : (code ?? String(e))}` },
      ]);
    }
    imported = importReferenced(bytes, propsFile, env, cfg.mm2Version);
    if (imported.problems.length > 0) throw new ConfigError(imported.problems);
  }
  return build(file, cfg, imported, env, flowsSetting.discover);
}

const DISCOVER = 'discover';

/**
 * `flows: discover` instead of a list: taken out before the schema sees the file, so that a list
 * of flows keeps the schema's detailed messages. Any other text is an error that says both forms.
 */
export function takeFlowsDiscover(doc: Record<string, unknown>, file: string): { rest: Record<string, unknown>; discover: boolean; problems: ConfigProblem[] } {
  const value = doc.flows;
  if (typeof value !== 'string') return { rest: doc, discover: false, problems: [] };
  const { flows: _flows, ...rest } = doc;
  if (value.trim() === DISCOVER) return { rest, discover: true, problems: [] };
  const near = editDistance(value.trim().toLowerCase(), DISCOVER) <= 3 ? ' (did you mean "discover"?)' : '';
  return {
    rest,
    discover: false,
    problems: [{ file, path: 'flows', message: `expected a list of flows (source and target cluster aliases) or the word discover (find them from MM2's topics), got a string${near}` }],
  };
}

/** `mm2Properties:` names an mm2.properties file or a Strimzi KafkaMirrorMaker2 resource. */
function importReferenced(bytes: Buffer, file: string, env: NodeJS.ProcessEnv, mm2Version: string | undefined): Mm2Import {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.yaml' || ext === '.yml') {
    let doc: unknown;
    try {
      doc = yaml.load(bytes.toString('utf8'), { filename: file });
    } catch (e) {
      if (e instanceof yaml.YAMLException) throw new ConfigError([{ file, line: e.mark ? e.mark.line + 1 : undefined, message: `YAML syntax error: ${e.reason}` }]);
      throw e;
    }
    if (!isStrimziMirrorMaker2(doc)) throw new ConfigError([{ file, message: 'expected an mm2.properties file or a Strimzi resource of kind KafkaMirrorMaker2' }]);
    return importStrimziMirrorMaker2(doc, file, { env, mm2Version });
  }
  return importMm2Properties(bytes, file, { env, mm2Version });
}

function yamlTls(file: string, base: string, t: YamlCluster['tls']): TlsDraft | undefined {
  if (t === undefined || t === false) return undefined;
  if (t === true) return { rejectUnauthorized: true };
  const ref = (p: string | undefined, key: string): FileRef | undefined =>
    p === undefined ? undefined : { path: relativeTo(file, p), where: { file, path: `${base}.tls.${key}` } };
  const out: TlsDraft = { rejectUnauthorized: t.rejectUnauthorized ?? true };
  const ca = ref(t.caFile, 'caFile');
  const cert = ref(t.certFile, 'certFile');
  const key = ref(t.keyFile, 'keyFile');
  if (ca) out.caFile = ca;
  if (cert) out.certFile = cert;
  if (key) out.keyFile = key;
  const stores = t as Record<string, unknown>;
  const keystore = yamlStore(file, `${base}.tls`, stores, 'keystore');
  const truststore = yamlStore(file, `${base}.tls`, stores, 'truststore');
  if (keystore) out.keystore = keystore;
  if (truststore) out.truststore = truststore;
  const keyPassword = keystore ? undefined : yamlSecret(file, `${base}.tls`, stores, 'keyPassword');
  if (keyPassword) out.keyPassword = keyPassword;
  if (t.servername !== undefined) out.servername = t.servername;
  return out;
}

function yamlSasl(file: string, base: string, s: NonNullable<YamlCluster['sasl']>): SaslDraft {
  const where: Where = { file, path: `${base}.sasl` };
  const out: SaslDraft = { mechanism: s.mechanism, where };
  if (s.mechanism === 'oauthbearer') {
    const secret = yamlSecret(file, `${base}.sasl`, s as Record<string, unknown>, 'clientSecret');
    // The schema requires all three; a refused file never gets here.
    if (s.tokenEndpointUrl === undefined || s.clientId === undefined || !secret) return out;
    const oauth: OAuthDraft = { tokenEndpointUrl: s.tokenEndpointUrl, clientId: s.clientId, clientSecret: secret };
    if (s.scope !== undefined) oauth.scope = s.scope;
    if (s.extensions !== undefined) oauth.extensions = s.extensions;
    if (s.headerUrlencode !== undefined) oauth.headerUrlencode = s.headerUrlencode;
    if (s.refreshWindowFactor !== undefined) oauth.refreshWindowFactor = s.refreshWindowFactor;
    if (s.retryBackoff !== undefined) oauth.retryBackoffMs = s.retryBackoff;
    if (s.retryBackoffMax !== undefined) oauth.retryBackoffMaxMs = s.retryBackoffMax;
    out.oauth = oauth;
    return out;
  }
  if (s.mechanism === 'aws-msk-iam') {
    const iam: MskIamDraft = {};
    if (s.region !== undefined) iam.region = s.region;
    if (s.profile !== undefined) iam.profile = s.profile;
    if (s.roleArn !== undefined) iam.roleArn = s.roleArn;
    if (s.roleSessionName !== undefined) iam.roleSessionName = s.roleSessionName;
    out.iam = iam;
    return out;
  }
  if (s.username !== undefined) out.username = s.username;
  if (s.passwordEnv !== undefined) out.passwordEnv = { name: s.passwordEnv, where: { file, path: `${base}.sasl.passwordEnv` } };
  if (s.passwordFile !== undefined) {
    out.passwordFile = { path: relativeTo(file, s.passwordFile), where: { file, path: `${base}.sasl.passwordFile` } };
  }
  if (s.password !== undefined) out.passwordVariables = { text: s.password, where: { file, path: `${base}.sasl.password` } };
  return out;
}

/** Applies the fields a YAML cluster entry sets over a draft (or builds one). */
function applyYamlCluster(file: string, i: number, c: YamlCluster, onto: ClusterDraft | undefined): ClusterDraft {
  const base = `clusters[${i}]`;
  const out: ClusterDraft = onto ? { ...onto } : { alias: c.alias, where: { file, path: base }, bootstrapServers: [] };
  if (c.bootstrapServers !== undefined) out.bootstrapServers = c.bootstrapServers;
  if (c.clientId !== undefined) out.clientId = c.clientId;
  if (c.connectionTimeout !== undefined) out.connectionTimeoutMs = c.connectionTimeout;
  if (c.requestTimeout !== undefined) out.requestTimeoutMs = c.requestTimeout;
  if (c.tls !== undefined) {
    const tls = yamlTls(file, base, c.tls);
    if (tls) out.tls = tls;
    else delete out.tls;
  }
  if (c.sasl !== undefined) out.sasl = yamlSasl(file, base, c.sasl);
  return out;
}

function build(file: string, cfg: YamlConfig, imported: Mm2Import | undefined, env: NodeJS.ProcessEnv, discover = false): MirrorwatchConfig {
  const problems: ConfigProblem[] = [];
  const warnings: ConfigWarning[] = imported ? [...imported.warnings] : [];
  const propsName = imported?.file;

  // ---- clusters
  const drafts: ClusterDraft[] = imported ? imported.clusters.map((c) => ({ ...c })) : [];
  if (!imported && (cfg.clusters === undefined || cfg.clusters.length === 0)) {
    problems.push({ file, path: 'clusters', message: 'required: list the Kafka clusters (alias and bootstrapServers), or set mm2Properties' });
  }
  const seenAlias = new Map<string, number>();
  (cfg.clusters ?? []).forEach((c, i) => {
    const prev = seenAlias.get(c.alias);
    if (prev !== undefined) {
      problems.push({ file, path: `clusters[${i}].alias`, message: `duplicate alias "${c.alias}" (also clusters[${prev}])` });
      return;
    }
    seenAlias.set(c.alias, i);
    if (imported) {
      const idx = drafts.findIndex((d) => d.alias === c.alias);
      if (idx < 0) {
        problems.push({
          file,
          path: `clusters[${i}].alias`,
          message: `cluster "${c.alias}" is not in ${propsName} (its clusters: ${drafts.map((d) => d.alias).join(', ')})`,
        });
        return;
      }
      drafts[idx] = applyYamlCluster(file, i, c, drafts[idx]);
    } else {
      if (c.bootstrapServers === undefined) {
        problems.push({ file, path: `clusters[${i}].bootstrapServers`, message: 'required: a list of host:port or one comma-separated string' });
      }
      drafts.push(applyYamlCluster(file, i, c, undefined));
    }
  });
  const aliases = drafts.map((d) => d.alias);

  // ---- replication policy
  let replicationPolicy: ReplicationPolicyConfig = imported?.replicationPolicy ?? {
    kind: 'default',
    separator: DEFAULTS.replicationSeparator,
  };
  if (cfg.replicationPolicy) {
    const fromYaml: ReplicationPolicyConfig = {
      kind: cfg.replicationPolicy.class,
      separator: cfg.replicationPolicy.separator ?? DEFAULTS.replicationSeparator,
    };
    const internal = cfg.replicationPolicy.internalTopicSeparatorEnabled ?? replicationPolicy.internalTopicSeparatorEnabled;
    if (internal !== undefined) fromYaml.internalTopicSeparatorEnabled = internal;
    if (imported && (fromYaml.kind !== replicationPolicy.kind || fromYaml.separator !== replicationPolicy.separator)) {
      warnings.push({
        file,
        key: 'replicationPolicy',
        message: `replicationPolicy (${fromYaml.kind}, separator "${fromYaml.separator}") overrides ${propsName} (${replicationPolicy.kind}, separator "${replicationPolicy.separator}"); remote topic names follow the YAML setting`,
      });
    }
    replicationPolicy = fromYaml;
  }

  // ---- flows
  const flowDrafts: FlowDraft[] = imported ? imported.flows.map((f) => ({ ...f })) : [];
  const overrides = new Map<FlowDraft, { f: YamlFlow; i: number }>();
  if (discover && imported) {
    problems.push({ file, path: 'flows', message: `flows: discover cannot be used with mm2Properties: ${propsName} already says which flows MM2 runs (remove one of the two)` });
  } else if (!discover && !imported && (cfg.flows === undefined || cfg.flows.length === 0)) {
    problems.push({ file, path: 'flows', message: 'required: list at least one flow (source and target cluster aliases), set flows: discover, or set mm2Properties' });
  }
  let discovery: DiscoveryConfig | undefined;
  if (discover && !imported) {
    const intervalMs = cfg.discovery?.interval ?? DEFAULTS.discoveryIntervalMs;
    if (intervalMs < 1000) problems.push({ file, path: 'discovery.interval', message: `discovery.interval (${formatDuration(intervalMs)}) must be at least 1s` });
    discovery = { intervalMs, policyConfigured: cfg.replicationPolicy !== undefined, topics: [...DEFAULTS.topics], topicsExclude: topicsExcludeDefault(cfg.mm2Version) };
  } else if (cfg.discovery !== undefined) {
    warnings.push({ file, key: 'discovery', message: 'discovery settings are used only with flows: discover; ignored here' });
  }
  const seenFlow = new Map<string, number>();
  (cfg.flows ?? []).forEach((f, i) => {
    const name = `${f.source}->${f.target}`;
    let ok = true;
    for (const side of ['source', 'target'] as const) {
      if (!aliases.includes(f[side])) {
        ok = false;
        problems.push({
          file,
          path: `flows[${i}].${side}`,
          message: `cluster "${f[side]}" is not defined${aliases.length ? ` (clusters: ${aliases.join(', ')})` : ''}`,
        });
      }
    }
    if (f.source === f.target) {
      ok = false;
      problems.push({ file, path: `flows[${i}]`, message: `source and target are the same cluster "${f.source}"` });
    }
    const prev = seenFlow.get(name);
    if (prev !== undefined) {
      problems.push({ file, path: `flows[${i}]`, message: `duplicate flow ${name} (also flows[${prev}])` });
      return;
    }
    seenFlow.set(name, i);
    if (!ok) return;
    if (imported) {
      const d = flowDrafts.find((x) => x.source === f.source && x.target === f.target);
      if (!d) {
        problems.push({
          file,
          path: `flows[${i}]`,
          message: `flow ${name} is not enabled in ${propsName} (its flows: ${flowDrafts.map((x) => `${x.source}->${x.target}`).join(', ') || 'none'})`,
        });
        return;
      }
      overrides.set(d, { f, i });
    } else {
      const d: FlowDraft = {
        source: f.source,
        target: f.target,
        where: { file, path: `flows[${i}]` },
        topics: [...DEFAULTS.topics],
        topicsExclude: topicsExcludeDefault(cfg.mm2Version),
        // Without an mm2.properties to read, nothing says whether a heartbeat emitter is deployed
        // (Connect mode often has none): decided at run time unless `heartbeats` says.
        heartbeatsExpected: true,
        heartbeatsAuto: true,
        offsetSyncsTopicLocation: 'source',
      };
      flowDrafts.push(d);
      overrides.set(d, { f, i });
    }
  });
  const flows: FlowConfig[] = flowDrafts.map((d) => {
    const o = overrides.get(d);
    const f = o?.f;
    let heartbeatsExpected = d.heartbeatsExpected;
    let heartbeatsAuto = d.heartbeatsAuto === true;
    if (f?.heartbeats !== undefined && f.heartbeats !== 'auto') {
      heartbeatsAuto = false;
      if (imported && f.heartbeats !== d.heartbeatsExpected) {
        warnings.push({
          file,
          key: `flows[${o!.i}].heartbeats`,
          message: `heartbeats: ${f.heartbeats} overrides what ${propsName} implies for ${d.source}->${d.target} (${d.heartbeatsExpected ? 'heartbeats emitted' : 'no heartbeats'})`,
        });
      }
      heartbeatsExpected = f.heartbeats;
    }
    const out: FlowConfig = {
      source: d.source,
      target: d.target,
      topics: f?.topics ?? d.topics,
      topicsExclude: f?.topicsExclude ?? d.topicsExclude,
      heartbeatsExpected,
      offsetSyncsTopicLocation: f?.offsetSyncsTopicLocation ?? d.offsetSyncsTopicLocation,
      groups: f?.groups ?? [],
      maxLagRecords: f?.maxLagRecords ?? DEFAULTS.maxLagRecords,
      maxHeartbeatAgeSeconds: f?.maxHeartbeatAge !== undefined ? f.maxHeartbeatAge / 1000 : DEFAULTS.maxHeartbeatAgeSeconds,
    };
    if (heartbeatsExpected && heartbeatsAuto) out.heartbeatsAuto = true;
    if (f?.maxCheckpointAge !== undefined) out.maxCheckpointAgeSeconds = f.maxCheckpointAge / 1000;
    const connectOffsetsTopic = f?.connectOffsetsTopic ?? d.connectOffsetsTopic;
    if (connectOffsetsTopic !== undefined) out.connectOffsetsTopic = connectOffsetsTopic;
    const sourceConnectorName = f?.sourceConnectorName ?? d.sourceConnectorName;
    if (sourceConnectorName !== undefined) out.sourceConnectorName = sourceConnectorName;
    return out;
  });

  // ---- poll
  const intervalMs = cfg.poll?.interval ?? DEFAULTS.pollIntervalMs;
  const timeoutMs = cfg.poll?.timeout ?? DEFAULTS.pollTimeoutMs;
  if (timeoutMs >= intervalMs) {
    const t = cfg.poll?.timeout === undefined ? ` (default ${formatDuration(timeoutMs)})` : ` (${formatDuration(timeoutMs)})`;
    const iv = cfg.poll?.interval === undefined ? ` (default ${formatDuration(intervalMs)})` : ` (${formatDuration(intervalMs)})`;
    problems.push({
      file,
      path: 'poll.timeout',
      message: `poll.timeout${t} must be shorter than poll.interval${iv}, so that one poll ends before the next begins`,
    });
  }

  const follow = cfg.poll?.follow ?? true;
  // The default shrinks with short intervals (tests, demos) so a round always fits between polls.
  const followMaxWaitMs = cfg.poll?.followMaxWait ?? Math.min(DEFAULTS.followMaxWaitMs, Math.floor(intervalMs / 2));
  if (followMaxWaitMs >= intervalMs) {
    problems.push({ file, path: 'poll.followMaxWait', message: `poll.followMaxWait (${formatDuration(followMaxWaitMs)}) must be shorter than poll.interval (${formatDuration(intervalMs)})` });
  }
  const replicationState = {
    silentAfterMs: cfg.replicationState?.silentAfter ?? DEFAULTS.silentAfterMs,
    stalledAfterMs: cfg.replicationState?.stalledAfter ?? DEFAULTS.stalledAfterMs,
  };

  const regions = cfg.regions ? expandRegions(file, cfg.regions, problems) : undefined;
  const audit = cfg.audit ? resolveAuditConfig(cfg.audit) : undefined;
  if (audit && audit.bucketMs < 1000) problems.push({ file, path: 'audit.bucket', message: `audit.bucket (${formatDuration(audit.bucketMs)}) must be at least 1s` });
  const secrets = new SecretReader(env);
  const httpProtection = resolveHttpProtection(file, cfg.http, problems, secrets);

  // ---- secrets and PEM files last: only worth reading when the rest holds together
  const clusters = problems.length === 0 ? drafts.map((d) => resolveCluster(d, env, problems, secrets)) : [];
  if (problems.length > 0) throw new ConfigError(problems);
  for (const c of clusters) {
    if (c.requestTimeoutMs >= timeoutMs) {
      warnings.push({
        file,
        key: `clusters.${c.alias}.requestTimeout`,
        message: `cluster ${c.alias}: requestTimeout (${formatDuration(c.requestTimeoutMs)}) is not below poll.timeout (${formatDuration(timeoutMs)}): a hung request makes the whole poll time out`,
      });
    }
  }

  return {
    file: path.resolve(file),
    clusters,
    flows,
    replicationPolicy,
    poll: { intervalMs, timeoutMs, follow, followMaxWaitMs },
    replicationState,
    http: { host: cfg.http?.host ?? DEFAULTS.httpHost, port: cfg.http?.port ?? DEFAULTS.httpPort, ...httpProtection },
    granularity: cfg.granularity ?? DEFAULTS.granularity,
    maxSeries: cfg.maxSeries ?? DEFAULTS.maxSeries,
    logLevel: cfg.logLevel ?? DEFAULTS.logLevel,
    warnings,
    ...(regions ? { regions } : {}),
    ...(cfg.shard ? { shard: { index: cfg.shard.index, count: cfg.shard.count } } : {}),
    ...(audit ? { audit } : {}),
    ...(discovery ? { discovery } : {}),
  };
}

/** The audit settings with their defaults (also for a config without an `audit` section). */
export function resolveAuditConfig(section: NonNullable<YamlConfig['audit']> | undefined): AuditConfig {
  const d = DEFAULTS.audit;
  return {
    enabled: section?.enabled ?? d.enabled,
    bucketMs: section?.bucket ?? d.bucketMs,
    settleMs: section?.settle ?? d.settleMs,
    judgeAfterMs: section?.judgeAfter ?? d.judgeAfterMs,
    countMaxOffsets: section?.countMaxOffsets ?? d.countMaxOffsets,
  };
}

/** One entry per partition; a partition given two different regions is a problem. */
function expandRegions(file: string, list: YamlRegion[], problems: ConfigProblem[]): PartitionRegion[] {
  const seen = new Map<string, { region: string; i: number }>();
  const out: PartitionRegion[] = [];
  list.forEach((r, i) => {
    for (const partition of r.partitions) {
      const key = `${r.topic}\u0000${partition}`;
      const prev = seen.get(key);
      if (prev && prev.region !== r.region) {
        problems.push({ file, path: `regions[${i}].partitions`, message: `partition ${r.topic}-${partition} is already in region "${prev.region}" (regions[${prev.i}])` });
        continue;
      }
      if (prev) continue;
      seen.set(key, { region: r.region, i });
      out.push({ topic: r.topic, partition, region: r.region });
    }
  });
  return out;
}
