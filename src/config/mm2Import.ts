// mm2.properties -> clusters, flows and warnings, from what MM2 will
// actually run (mm2Model.ts), with a warning for each value Java reads differently than its author
// meant and for each value Kafka refuses, saying what MM2 will do about it.
import type { ConfigWarning, ReplicationPolicyConfig } from '../core/types.js';
import { DEFAULTS, DEFAULT_REPLICATION_POLICY_CLASS, IDENTITY_REPLICATION_POLICY_CLASS, topicsExcludeDefault } from './defaults.js';
import type { ClusterDraft, FlowDraft } from './drafts.js';
import { parseJavaProperties, type PropertyEntry } from './javaProperties.js';
import { configDefBoolean, configDefList, hasInlineComment, intendedValue, javaTrim } from './javaValues.js';
import { declaredProviders, hasVariable, providerProblem, substituteVariables } from './configProviders.js';
import { importClientSettings, type PropValue } from './mm2Clients.js';
import { ProviderReader } from './providerReaders.js';
import type { ConfigProblem } from './problems.js';
import {
  connectorSetting,
  describeConnectors,
  describeDifferences,
  flowHeartbeats,
  modelAll,
  topicFilters,
  type Lookup,
  type Mm2PairOutcome,
  type Mm2Rejection,
  type Setting,
} from './mm2Model.js';
import { filterListProblem } from './regex.js';

export type { Mm2Connector, Mm2PairOutcome, Mm2Rejection } from './mm2Model.js';

export interface Mm2Import {
  file: string;
  clusters: ClusterDraft[];
  /** Flows mirrorwatch should watch, in `clusters` order. */
  flows: FlowDraft[];
  replicationPolicy: ReplicationPolicyConfig;
  /** Every ordered pair, as MM2 will run it (for lint and explanations). */
  pairs: Mm2PairOutcome[];
  warnings: ConfigWarning[];
  /** Problems that make the file unusable for monitoring (missing clusters, bad regexes...). */
  problems: ConfigProblem[];
}

/** What an importer returns before it has read anything: no clusters, no flows, the default policy. */
export function emptyMm2Import(file: string, warnings: ConfigWarning[], problems: ConfigProblem[]): Mm2Import {
  return { file, clusters: [], flows: [], replicationPolicy: { kind: 'default', separator: DEFAULTS.replicationSeparator }, pairs: [], warnings, problems };
}

const CLIENT_KEY = /^(security\.protocol|sasl\..+|ssl\..+)$/;
const SECRET_KEY = /password|jaas|secret|credential|(^|\.)key$|token/i;
/** Keys MirrorMakerConfig reads with Boolean.parseBoolean (untrimmed) to create herders. */
const HERDER_BOOLEAN = /^(([^.]+->[^.]+\.)?emit\.heartbeats\.enabled|[^.]+->[^.]+\.enabled)$/;

/** What the helpers below share while importing one file. */
interface Ctx {
  file: string;
  byKey: Map<string, PropertyEntry>;
  raw: Lookup;
  lineOf: (key: string) => number;
  prop: (key: string) => PropValue | undefined;
  warnings: ConfigWarning[];
  problems: ConfigProblem[];
  /** A client setting (bootstrap.servers, security.protocol, sasl.*, ssl.*), variables resolved when the loader asks. */
  client: (key: string) => PropValue | undefined;
  /** Kafka version of the MM2 that runs the file (Mm2ImportOptions.mm2Version). */
  mm2Version?: string;
}

/** Keys mirrorwatch reads besides client settings, where a variable is read as written. */
const MODELLED_KEY = /(^|\.)(clusters|topics|topics\.exclude|topics\.blacklist|enabled|emit\.heartbeats\.enabled|heartbeats\.replication\.enabled|replication\.policy\.[a-z.]+|offset-syncs\.topic\.location|offset\.storage\.topic|source\.cluster\.alias)$/;

/**
 * MirrorMakerConfig transforms client settings with the providers of `config.providers`. The
 * loader does the same for the client settings mirrorwatch uses; a variable it cannot resolve is a
 * problem naming the key and line, since MM2 would use the text as written.
 */
function setUpProviders(ctx: Ctx, options: Mm2ImportOptions): void {
  for (const [key, e] of ctx.byKey) {
    if (MODELLED_KEY.test(key) && !key.startsWith('config.providers') && hasVariable(e.value)) {
      ctx.warnings.push({
        file: ctx.file,
        line: e.line,
        key,
        message: `${key} holds a config provider variable; mirrorwatch resolves variables only in client settings (bootstrap.servers, security.protocol, sasl.*, ssl.*) and reads this value as written`,
      });
    }
  }
  const env = options.env;
  if (!env) return;
  const providers = declaredProviders((k) => ctx.prop(k), ctx.byKey.keys());
  const reader = new ProviderReader(providers, { env, baseDir: process.cwd(), undeclared: (v) => providerProblem(v, providers) ?? 'unknown provider' });
  const reported = new Set<string>();
  ctx.client = (k) => {
    const p = ctx.prop(k);
    if (!p || !hasVariable(p.value)) return p;
    const s = substituteVariables(p.value, reader.lookup);
    for (const u of s.unresolved) {
      const id = `${p.key}\u0000${u.variable.text}`;
      if (reported.has(id)) continue;
      reported.add(id);
      ctx.problems.push({ file: ctx.file, line: p.line, path: p.key, message: `${u.variable.text} cannot be resolved: ${u.reason}` });
    }
    return { key: p.key, value: s.value, line: p.line, written: p.value };
  };
}

export interface Mm2ImportOptions {
  /**
   * Resolve config provider variables in client settings, reading files and this environment
   * (the loader). Without it (lint) values stay as written and nothing outside the file is read.
   */
  env?: NodeJS.ProcessEnv;
  /** Kafka version of the MM2 that runs this file (the `topics.exclude` default differs before 4.0). */
  mm2Version?: string;
}

export function importMm2Properties(input: Buffer | string, file: string, options: Mm2ImportOptions = {}): Mm2Import {
  const parsed = parseJavaProperties(input);
  const ctx: Ctx = {
    file,
    byKey: new Map(),
    raw: (k) => ctx.byKey.get(k)?.value,
    lineOf: (k) => ctx.byKey.get(k)?.line ?? 0,
    prop: (k) => {
      const e = ctx.byKey.get(k);
      return e ? { key: k, value: e.value, line: e.line } : undefined;
    },
    warnings: [],
    problems: parsed.problems.map((p) => ({ file, line: p.line, message: p.message })),
    client: (k) => ctx.prop(k),
    mm2Version: options.mm2Version,
  };
  for (const e of parsed.entries) {
    const prev = ctx.byKey.get(e.key);
    if (prev) {
      ctx.warnings.push({
        file,
        line: e.line,
        key: e.key,
        message: `${e.key} is set twice (lines ${prev.line} and ${e.line}); MM2 uses the value of line ${e.line}`,
      });
    }
    ctx.byKey.set(e.key, e);
  }
  const result = emptyMm2Import(file, ctx.warnings, ctx.problems);
  const aliases = importAliases(ctx);
  if (!aliases) return result;
  setUpProviders(ctx, options);
  result.clusters = importClusters(ctx, aliases);
  result.replicationPolicy = importPolicy(ctx);

  // What MM2 will run, and what the author meant (inline comments and stray whitespace removed).
  const actual = modelAll(ctx.raw, ctx.lineOf, aliases);
  const cleaned: Lookup = (k) => {
    const v = ctx.raw(k);
    return v === undefined ? undefined : intendedValue(v);
  };
  const meant = modelAll(cleaned, ctx.lineOf, aliases);
  explainValues(ctx, aliases, actual, cleaned);
  result.pairs = [...actual.values()];
  result.flows = importFlows(ctx, aliases, actual, meant, result.clusters);
  if (result.flows.length === 0 && ctx.problems.length === 0) {
    ctx.problems.push({
      file,
      message: `no replication flow is enabled (set \`<source>-><target>.enabled = true\` for at least one pair of ${aliases.join(', ')})`,
    });
  }
  return result;
}

function importAliases(ctx: Ctx): string[] | undefined {
  const entry = ctx.byKey.get('clusters');
  if (!entry) {
    ctx.problems.push({ file: ctx.file, path: 'clusters', message: 'missing: MM2 needs `clusters = <alias>, <alias>, ...`' });
    return undefined;
  }
  const aliases = [...new Set(configDefList(entry.value).filter((a) => a !== ''))];
  if (aliases.length < 2) {
    ctx.problems.push({
      file: ctx.file,
      line: entry.line,
      path: 'clusters',
      message: `lists ${aliases.length === 0 ? 'no cluster' : 'one cluster'}; replication needs at least two`,
    });
    return undefined;
  }
  return aliases;
}

function importClusters(ctx: Ctx, aliases: string[]): ClusterDraft[] {
  const { file } = ctx;
  const clusters: ClusterDraft[] = [];
  for (const alias of aliases) {
    // MirrorMakerConfig.clusterProps: `<alias>.x`, else the top-level client setting `x`.
    const bs = ctx.client(`${alias}.bootstrap.servers`) ?? ctx.client('bootstrap.servers');
    const servers = bs ? configDefList(bs.value).filter((x) => x !== '') : [];
    if (!bs || servers.length === 0) {
      ctx.problems.push({
        file,
        line: bs?.line ?? ctx.lineOf('clusters'),
        path: `${alias}.bootstrap.servers`,
        message: `cluster ${alias} has no bootstrap servers: set ${alias}.bootstrap.servers = host:port,...`,
      });
      continue;
    }
    const clientKeys = new Set<string>();
    for (const k of ctx.byKey.keys()) {
      if (CLIENT_KEY.test(k)) clientKeys.add(k);
      if (k.startsWith(`${alias}.`) && CLIENT_KEY.test(k.slice(alias.length + 1))) clientKeys.add(k.slice(alias.length + 1));
    }
    const client = importClientSettings(alias, (k) => ctx.client(`${alias}.${k}`) ?? ctx.client(k), clientKeys, file);
    ctx.warnings.push(...client.warnings);
    clusters.push({
      alias,
      where: { file, line: bs.line, path: bs.key },
      bootstrapServers: servers,
      ...(client.tls ? { tls: client.tls } : {}),
      ...(client.sasl ? { sasl: client.sasl } : {}),
    });
  }
  return clusters;
}

/** One warning per value that Java reads differently than meant, or that Kafka refuses. */
function explainValues(ctx: Ctx, aliases: string[], actual: Map<string, Mm2PairOutcome>, cleaned: Lookup): void {
  const { file, raw, lineOf } = ctx;
  const explained = new Set<string>();
  for (const e of ctx.byKey.values()) {
    const comment = hasInlineComment(e.value);
    const herderBool = HERDER_BOOLEAN.test(e.key) && e.value !== javaTrim(e.value);
    if (!comment && !herderBool) continue;
    const onlyThisCleaned: Lookup = (k) => (k === e.key ? cleaned(k) : raw(k));
    const consequences = describeDifferences(modelAll(onlyThisCleaned, lineOf, aliases), actual, aliases);
    const rejections = [...actual.values()].flatMap((p) =>
      p.rejections.filter((r) => r.key === e.key).map((r) => ({ pair: `${p.source}->${p.target}`, r })),
    );
    let msg: string;
    if (SECRET_KEY.test(e.key)) {
      msg = `${e.key} looks like it ends with an inline comment; Java properties have no inline comments, so the comment is part of the value`;
    } else if (comment) {
      msg = `${e.key} has the value "${e.value}": Java properties have no inline comments, so MM2 reads the whole rest of the line as the value`;
    } else {
      msg = `${e.key} has the value "${e.value}" with surrounding whitespace, which Java keeps; MirrorMakerConfig decides which herders to create with Boolean.parseBoolean, which does not trim, so there it does not count as true`;
    }
    if (rejections.length > 0) {
      const pairs = [...new Set(rejections.map((x) => x.pair))];
      const first = rejections[0]!.r;
      msg += `. That is ${first.reason}, so MM2 rejects ${describeConnectors(first.connectors, pairs)}`;
    }
    if (consequences.length > 0) msg += `. Consequence: ${consequences.join('; ')}`;
    if (comment) msg += '. Put comments on their own line';
    ctx.warnings.push({ file, line: e.line, key: e.key, message: `${msg}.` });
    explained.add(e.key);
  }
  // Invalid values that no inline comment or whitespace explains (e.g. `A->B.enabled = yes`).
  const rejectedKeys = new Map<string, { r: Mm2Rejection; pairs: string[] }>();
  for (const p of actual.values()) {
    for (const r of p.rejections) {
      if (explained.has(r.key)) continue;
      const entry = rejectedKeys.get(r.key) ?? { r, pairs: [] };
      entry.pairs.push(`${p.source}->${p.target}`);
      rejectedKeys.set(r.key, entry);
    }
  }
  for (const [key, { r, pairs }] of rejectedKeys) {
    const withoutIt: Lookup = (k) => (k === key ? undefined : raw(k));
    const consequences = describeDifferences(modelAll(withoutIt, lineOf, aliases), actual, aliases);
    ctx.warnings.push({
      file,
      line: r.line,
      key,
      message: `${key} has the value "${r.value}", which is ${r.reason}, so MM2 rejects ${describeConnectors(r.connectors, pairs)}${consequences.length ? `. Consequence: ${consequences.join('; ')}` : ''}.`,
    });
  }
}

function importFlows(
  ctx: Ctx,
  aliases: string[],
  actual: Map<string, Mm2PairOutcome>,
  meant: Map<string, Mm2PairOutcome>,
  clusters: ClusterDraft[],
): FlowDraft[] {
  const { file, raw, lineOf } = ctx;
  const flows: FlowDraft[] = [];
  for (const s of aliases) {
    for (const t of aliases) {
      if (s === t) continue;
      const name = `${s}->${t}`;
      const act = actual.get(name)!;
      if (!act.replicates && !meant.get(name)!.replicates) continue;
      if (!clusters.some((c) => c.alias === s) || !clusters.some((c) => c.alias === t)) continue;
      // A flow the author enabled but MM2 will not run is still watched: its lag and missing
      // heartbeats are then the truth the operator needs to see.
      const model = act.replicates ? actual : meant;
      if (!act.replicates) {
        ctx.warnings.push({
          file,
          line: lineOf(`${name}.enabled`) || undefined,
          key: `${name}.enabled`,
          message: `flow ${name} looks enabled but MM2 will not replicate it; mirrorwatch watches it anyway, so expect its lag to grow`,
        });
      }
      const f = topicFilters(raw, s, t);
      const heartbeatsExpected = flowHeartbeats(model, s, t);
      if (!heartbeatsExpected) warnNoHeartbeats(ctx, model, s, t);
      const flow: FlowDraft = {
        source: s,
        target: t,
        where: { file, line: lineOf(`${name}.enabled`) || undefined, path: `${name}.enabled` },
        topics: filterList(ctx, f.topics, DEFAULTS.topics, name),
        topicsExclude: filterList(ctx, f.exclude, topicsExcludeDefault(ctx.mm2Version), name),
        heartbeatsExpected,
        offsetSyncsTopicLocation: model.get(name)!.offsetSyncsTopicLocation,
      };
      const offsetsTopic = connectOffsetsTopic(ctx, s, t);
      if (offsetsTopic !== undefined) flow.connectOffsetsTopic = offsetsTopic;
      warnSourceAlias(ctx, s, t);
      flows.push(flow);
    }
  }
  return flows;
}

/**
 * The herder S->T's worker offset.storage.topic, as MirrorMakerConfig.workerConfig() builds it:
 * `T.offset.storage.topic` first, then the top-level `offset.storage.topic` put over it (so the
 * top-level key wins), else the default `mm2-offsets.S.internal` (undefined here). A per-flow
 * `S->T.offset.storage.topic` is not read by workerConfig() at all.
 */
function connectOffsetsTopic(ctx: Ctx, s: string, t: string): string | undefined {
  const pairKey = `${s}->${t}.offset.storage.topic`;
  if (ctx.byKey.has(pairKey)) {
    ctx.warnings.push({
      file: ctx.file,
      line: ctx.lineOf(pairKey),
      key: pairKey,
      message: `${pairKey} is ignored by MM2: the Connect offsets topic is a worker setting, read from offset.storage.topic or ${t}.offset.storage.topic (the target's); mirrorwatch ignores it too`,
    });
  }
  const set = ctx.prop('offset.storage.topic') ?? ctx.prop(`${t}.offset.storage.topic`);
  if (!set) return undefined;
  // DistributedConfig reads it as a ConfigDef STRING: trimmed.
  const topic = javaTrim(set.value);
  if (topic === '') {
    ctx.problems.push({ file: ctx.file, line: set.line, path: set.key, message: `${set.key} is empty: Kafka Connect needs a topic name` });
    return undefined;
  }
  return topic;
}

/** `source.cluster.alias` overrides the alias MM2's connectors of S->T name things after. */
function warnSourceAlias(ctx: Ctx, s: string, t: string): void {
  const set = connectorSetting(ctx.raw, s, t, 'source.cluster.alias');
  if (!set || javaTrim(set.value) === s) return;
  ctx.warnings.push({
    file: ctx.file,
    line: ctx.lineOf(set.key) || undefined,
    key: set.key,
    message: `${set.key} = "${javaTrim(set.value)}" makes the connectors of ${s}->${t} call their source "${javaTrim(set.value)}" instead of ${s}: remote heartbeats, checkpoints and Connect offsets of that flow are named after it, while mirrorwatch looks for them under ${s}. Remove it (MM2 sets it per flow)`,
  });
}

function warnNoHeartbeats(ctx: Ctx, model: Map<string, Mm2PairOutcome>, s: string, t: string): void {
  const { lineOf } = ctx;
  const name = `${s}->${t}`;
  const rev = model.get(`${t}->${s}`);
  // Heartbeats lost to a rejected connector are explained by that key's own warning.
  if (rev?.rejections.some((r) => r.connectors.includes('MirrorHeartbeatConnector'))) return;
  const why = !rev?.herder
    ? `heartbeat emission is disabled for ${t}->${s}, so no herder emits heartbeats into ${s}`
    : !rev.emitsHeartbeats
      ? `emit.heartbeats.enabled is false for ${t}->${s}`
      : `${name} does not replicate the heartbeats topic (heartbeats.replication.enabled = false and the topic filter does not match "heartbeats")`;
  const line = rev?.emitsHeartbeats
    ? lineOf(`${name}.heartbeats.replication.enabled`) || lineOf('heartbeats.replication.enabled')
    : lineOf(`${t}->${s}.emit.heartbeats.enabled`) || lineOf('emit.heartbeats.enabled');
  ctx.warnings.push({
    file: ctx.file,
    line: line || undefined,
    message: `flow ${name} has no heartbeat signal: ${why}; mirrorwatch reports its heartbeats as not expected`,
  });
}

function filterList(ctx: Ctx, set: Setting | undefined, fallback: string[], flow: string): string[] {
  if (!set) return [...fallback];
  const { file } = ctx;
  const list = configDefList(set.value);
  const line = ctx.lineOf(set.key);
  if (list.length === 0 && set.key.endsWith('topics')) {
    ctx.warnings.push({ file, line, key: set.key, message: `${set.key} is empty: MM2 replicates no topic of ${flow}` });
  }
  if (set.key.endsWith('topics.blacklist')) {
    ctx.warnings.push({
      file,
      line,
      key: set.key,
      message: `${set.key} is the deprecated name of topics.exclude: MM2 3.x honours it, MM2 4.x ignores it and uses the default exclude list. mirrorwatch follows 3.x; rename it to topics.exclude`,
    });
  }
  const problem = filterListProblem(list, 'topic', set.value);
  if (problem) ctx.problems.push({ file, line, path: set.key, message: problem.message });
  return list;
}

/** One replication policy for all flows: per-pair overrides are not modelled, only warned about. */
function importPolicy(ctx: Ctx): ReplicationPolicyConfig {
  const { file, prop, warnings, problems } = ctx;
  const cls = prop('replication.policy.class');
  const sep = prop('replication.policy.separator');
  let kind: ReplicationPolicyConfig['kind'] = 'default';
  if (cls) {
    const name = javaTrim(cls.value);
    if (name === DEFAULT_REPLICATION_POLICY_CLASS) kind = 'default';
    else if (name === IDENTITY_REPLICATION_POLICY_CLASS) kind = 'identity';
    else {
      const short = /^(Default|Identity)ReplicationPolicy$/.test(name);
      problems.push({
        file,
        line: cls.line,
        path: cls.key,
        message: short
          ? `"${name}" needs its package: MM2 loads org.apache.kafka.connect.mirror.${name}`
          : `"${cls.value}" is not supported: mirrorwatch knows ${DEFAULT_REPLICATION_POLICY_CLASS} and ${IDENTITY_REPLICATION_POLICY_CLASS}`,
      });
    }
  }
  // DefaultReplicationPolicy.configure takes the separator untrimmed.
  const separator = sep ? sep.value : DEFAULTS.replicationSeparator;
  if (sep && separator !== javaTrim(separator)) {
    warnings.push({
      file,
      line: sep.line,
      key: sep.key,
      message: `replication.policy.separator is "${separator}" including whitespace, which MM2 keeps: remote topic names would contain it`,
    });
  }
  if (sep && separator === '') {
    warnings.push({ file, line: sep.line, key: sep.key, message: 'replication.policy.separator is empty: remote topics are named <alias><topic>' });
  }
  const internal = prop('replication.policy.internal.topic.separator.enabled');
  let internalTopicSeparatorEnabled: boolean | undefined;
  if (internal) {
    const b = configDefBoolean(internal.value);
    if (b === 'invalid') {
      warnings.push({
        file,
        line: internal.line,
        key: internal.key,
        message: `${internal.key} has the value "${internal.value}", which is not a valid boolean (Kafka accepts only true or false), so MM2 rejects every connector; mirrorwatch assumes the default (true)`,
      });
    } else {
      internalTopicSeparatorEnabled = b;
    }
  }
  for (const k of ctx.byKey.keys()) {
    const m = /^(.+->.+)\.(replication\.policy\.(class|separator|internal\.topic\.separator\.enabled))$/.exec(k);
    if (m && ctx.raw(m[2]!) !== ctx.raw(k)) {
      warnings.push({
        file,
        line: ctx.lineOf(k),
        key: k,
        message: `${k} overrides the replication policy for ${m[1]} only; mirrorwatch uses the top-level ${m[2]} for every flow, so remote topic names of ${m[1]} may be wrong`,
      });
    }
  }
  return internalTopicSeparatorEnabled === undefined ? { kind, separator } : { kind, separator, internalTopicSeparatorEnabled };
}
