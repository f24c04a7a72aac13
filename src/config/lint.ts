// `mirrorwatch lint`: what in an mm2.properties file MirrorMaker 2 reads differently from what its
// author meant, each finding with file:line, a severity and the consequence.
//
// Errors are settings that do not do what they say: values Java reads with an inline comment or
// whitespace that changes the outcome, values Kafka rejects, keys MM2 does not know or ignores
// where they stand, keys Kafka 4 removed, replication factors the cluster cannot satisfy, regexes
// that do not compile. Warnings are things worth knowing that run as written: flows without a
// heartbeat signal, filters matching no topic, harmless whitespace, per-cluster keys no client
// or worker knows.
//
// Which scope reads a key (MirrorMakerConfig):
// - top level: MirrorMakerConfig's own keys; connector keys (every connector gets them); client
//   security and bootstrap.servers (copied into every cluster); and the worker prefixes
//   offset.storage*, config.storage*, status.storage*, key/value/header.converter*, task*,
//   worker*, replication.policy*, config.providers*. Any other worker or client key at the top
//   level is ignored.
// - `<alias>.x`: the cluster's clients and the Connect worker of every herder targeting it.
// - `A->B.x`: the connectors of herder A->B, over the top-level value.
import { commaSplitPatterns, compileJavaPatternList } from '../core/javaRegex.js';
import { commaSplitNote } from './regex.js';
import { parseJavaProperties, lastByKey, type PropertyEntry } from './javaProperties.js';
import { configDefBoolean, configDefList, hasInlineComment, javaTrim } from './javaValues.js';
import {
  ADMIN_KEYS,
  CLIENT_COMMON_KEYS,
  CONNECTOR_KEYS,
  CONSUMER_KEYS,
  MIRROR_MAKER_KEYS,
  PRODUCER_KEYS,
  REMOVED_KEYS,
  SSL_SASL_KEYS,
  WORKER_KEYS,
} from './lintKeys.js';
import { importMm2Properties } from './mm2Import.js';
import { DEFAULTS, topicsExcludeDefault } from './defaults.js';
import { editDistance } from './editDistance.js';
import { connectorSetting, type Mm2PairOutcome } from './mm2Model.js';

export type LintSeverity = 'error' | 'warning';

export type LintRule =
  | 'syntax'
  | 'inline-comment'
  | 'boolean-whitespace'
  | 'invalid-value'
  | 'unknown-key'
  | 'ignored-key'
  | 'removed-key'
  | 'no-heartbeats'
  | 'replication-factor'
  | 'invalid-regex'
  | 'regex-escape'
  | 'regex-comma-split'
  | 'filter-matches-nothing'
  | 'config';

export interface LintFinding {
  file: string;
  /** 1-based line; absent for findings about defaults. */
  line?: number;
  key?: string;
  severity: LintSeverity;
  rule: LintRule;
  message: string;
}

export interface LintOptions {
  /** Brokers per cluster alias, when known: replication factors above it are errors. */
  brokers?: ReadonlyMap<string, number>;
  /** Topic names per cluster alias, when listed: include patterns that match none are reported. */
  topics?: ReadonlyMap<string, readonly string[]>;
  /** Major version of the MM2 that runs the file (default 4): removed keys are errors from 4 on, warnings before. */
  kafkaMajor?: number;
}

export interface LintResult {
  file: string;
  findings: LintFinding[];
  errors: number;
  warnings: number;
  clusters: string[];
  /** Flows MM2 will (or was meant to) run, with whether heartbeats prove them end to end. */
  flows: { source: string; target: string; heartbeats: boolean }[];
}

/** Keys MirrorMakerConfig reads with Boolean.parseBoolean, which does not trim. */
const HERDER_BOOLEAN = /^(([^.]+->[^.]+\.)?emit\.heartbeats\.enabled|[^.]+->[^.]+\.enabled)$/;
const BOOLEAN_KEY = /(\.|^)(enabled?|enforce|include\.messages|client\.auth\.enabled|jti\.include|urlencode)$/;
/** Top-level prefixes MirrorMakerConfig.workerConfig / connectorBaseConfig pass on. */
const TOP_LEVEL_PREFIXES = ['offset.storage', 'config.storage', 'status.storage', 'key.converter', 'value.converter', 'header.converter', 'task', 'worker', 'replication.policy', 'config.providers'];
/** Connector-level prefixes: clients of each side, transformations, topic creation, plugin options. */
const CONNECTOR_PREFIXES = [
  'source.cluster.',
  'target.cluster.',
  'source.admin.',
  'source.consumer.',
  'source.producer.',
  'target.admin.',
  'target.consumer.',
  'target.producer.',
  'transforms.',
  'predicates.',
  'topic.creation.',
  'config.providers.',
  'replication.policy.',
  'producer.override.',
  'consumer.override.',
  'admin.override.',
];
const FILTER_KEYS = ['topics', 'topics.exclude', 'groups', 'groups.exclude', 'config.properties.exclude'];
/** Settings that load a class of the operator's: such plugins may read keys of their own. */
const PLUGIN_CLASS_KEYS = ['topic.filter.class', 'group.filter.class', 'config.property.filter.class', 'replication.policy.class', 'forwarding.admin.class'];

const CLIENT_TOP_LEVEL = new Set(['bootstrap.servers', 'security.protocol']);

function clientKnows(role: 'producer' | 'consumer' | 'admin' | 'any', key: string): boolean {
  if (CLIENT_COMMON_KEYS.has(key) || SSL_SASL_KEYS.has(key) || CLIENT_TOP_LEVEL.has(key)) return true;
  if (role === 'producer') return PRODUCER_KEYS.has(key);
  if (role === 'consumer') return CONSUMER_KEYS.has(key);
  if (role === 'admin') return ADMIN_KEYS.has(key);
  return PRODUCER_KEYS.has(key) || CONSUMER_KEYS.has(key) || ADMIN_KEYS.has(key);
}

/** `producer.x`, `consumer.x`, `admin.x` with a key that client knows. */
function roleClientKey(key: string): boolean {
  const m = /^(producer|consumer|admin)\.(.+)$/.exec(key);
  return m !== null && clientKnows(m[1] as 'producer' | 'consumer' | 'admin', m[2]!);
}

function connectorKnows(key: string): boolean {
  return CONNECTOR_KEYS.has(key) || SSL_SASL_KEYS.has(key) || CONNECTOR_PREFIXES.some((p) => key.startsWith(p));
}

function clusterKnows(key: string): boolean {
  return WORKER_KEYS.has(key) || clientKnows('any', key) || roleClientKey(key) || key.startsWith('config.providers.') || key.startsWith('listeners.') || key.startsWith('admin.listeners.');
}

function topLevelKnown(key: string): boolean {
  return (
    MIRROR_MAKER_KEYS.has(key) ||
    connectorKnows(key) ||
    SSL_SASL_KEYS.has(key) ||
    CLIENT_TOP_LEVEL.has(key) ||
    TOP_LEVEL_PREFIXES.some((p) => key.startsWith(p))
  );
}

function suggestion(key: string, known: Iterable<string>): string {
  let best: string | undefined;
  let bestDist = Infinity;
  for (const k of known) {
    const d = editDistance(key, k);
    if (d < bestDist) {
      bestDist = d;
      best = k;
    }
  }
  return best !== undefined && bestDist <= Math.max(2, Math.floor(key.length / 5)) ? ` (did you mean ${best}?)` : '';
}

const KNOWN_TOP_LEVEL = (): Iterable<string> => [...MIRROR_MAKER_KEYS, ...CONNECTOR_KEYS, ...CLIENT_TOP_LEVEL];

/** Where a key sits and the rest of it: `A->B.x` (flow), `alias.x` (cluster) or top level. */
type Scope = { kind: 'flow'; source: string; target: string; rest: string } | { kind: 'cluster'; alias: string; rest: string } | { kind: 'top'; rest: string };

function scopeOf(key: string, aliases: readonly string[]): Scope | { kind: 'bad-flow'; flow: string } {
  // Longest alias first: `us.east` must win over `us` for `us.east.bootstrap.servers`.
  const byLength = [...aliases].sort((a, b) => b.length - a.length);
  if (key.includes('->')) {
    for (const s of byLength) {
      if (!key.startsWith(`${s}->`)) continue;
      for (const t of byLength) {
        if (t !== s && key.startsWith(`${s}->${t}.`)) return { kind: 'flow', source: s, target: t, rest: key.slice(s.length + t.length + 3) };
      }
    }
    const m = /^(.*?->[^.]*)\./.exec(key);
    return { kind: 'bad-flow', flow: m ? m[1]! : key };
  }
  for (const a of byLength) if (key.startsWith(`${a}.`)) return { kind: 'cluster', alias: a, rest: key.slice(a.length + 1) };
  return { kind: 'top', rest: key };
}

interface Ctx {
  file: string;
  findings: LintFinding[];
  byKey: Map<string, PropertyEntry>;
  aliases: string[];
  importMessages: Map<string, string>;
  options: LintOptions;
}

function add(ctx: Ctx, f: Omit<LintFinding, 'file'>): void {
  ctx.findings.push({ file: ctx.file, ...f });
}

export function lintMm2Properties(input: Buffer | string, file: string, options: LintOptions = {}): LintResult {
  const parsed = parseJavaProperties(input);
  const imported = importMm2Properties(input, file, options.kafkaMajor !== undefined ? { mm2Version: String(options.kafkaMajor) } : {});
  const byKey = lastByKey(parsed.entries);
  const clustersEntry = byKey.get('clusters');
  const aliases = clustersEntry ? [...new Set(configDefList(clustersEntry.value).filter((a) => a !== ''))] : [];
  const importMessages = new Map<string, string>();
  for (const w of imported.warnings) if (w.key !== undefined && !importMessages.has(w.key)) importMessages.set(w.key, w.message);
  const ctx: Ctx = { file, findings: [], byKey, aliases, importMessages, options };

  for (const p of parsed.problems) add(ctx, { line: p.line, severity: 'error', rule: 'syntax', message: p.message });

  const explained = new Set<string>();
  lintValues(ctx, imported.pairs, explained);
  lintKeys(ctx);
  lintRegexes(ctx);
  lintRegexEscapes(ctx, typeof input === 'string' ? input : input.toString('latin1'));
  const flows = lintHeartbeats(ctx, imported.flows, imported.pairs);
  lintReplicationFactors(ctx, imported.pairs);
  lintFilters(ctx, imported.pairs);

  // What the importer found that no rule above covers (duplicates, client settings, policy...).
  const covered = new Set(ctx.findings.map((f) => `${f.line ?? ''}\u0000${f.key ?? ''}`));
  for (const w of imported.warnings) {
    if (w.key === undefined && w.message.includes('has no heartbeat signal')) continue;
    if (w.key !== undefined && (explained.has(w.key) || covered.has(`${w.line ?? ''}\u0000${w.key}`))) continue;
    if (w.key?.endsWith('topics.blacklist')) continue;
    add(ctx, { line: w.line, key: w.key, severity: 'warning', rule: 'config', message: w.message });
  }
  for (const p of imported.problems) {
    if (/^(invalid )?regular expression "/.test(p.message) || p.message.startsWith('malformed \\uXXXX')) continue;
    add(ctx, { line: p.line, key: p.path, severity: 'error', rule: 'config', message: p.message });
  }

  const findings = ctx.findings.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  return {
    file,
    findings,
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
    clusters: aliases,
    flows,
  };
}

/** Inline comments, whitespace in booleans, values Kafka rejects. */
function lintValues(ctx: Ctx, pairs: readonly Mm2PairOutcome[], explained: Set<string>): void {
  for (const e of ctx.byKey.values()) {
    const fromImport = ctx.importMessages.get(e.key);
    if (hasInlineComment(e.value)) {
      explained.add(e.key);
      add(ctx, {
        line: e.line,
        key: e.key,
        severity: 'error',
        rule: 'inline-comment',
        message: fromImport ?? `${e.key}: Java properties have no inline comments, so MM2 reads the comment as part of the value. Put comments on their own line.`,
      });
      continue;
    }
    if (e.value === javaTrim(e.value)) continue;
    if (HERDER_BOOLEAN.test(e.key)) {
      explained.add(e.key);
      add(ctx, {
        line: e.line,
        key: e.key,
        severity: 'error',
        rule: 'boolean-whitespace',
        message: fromImport ?? `${e.key} has the value "${e.value}" with surrounding whitespace, which MirrorMakerConfig's Boolean.parseBoolean does not trim: it does not count as true.`,
      });
    } else if (BOOLEAN_KEY.test(e.key) && configDefBoolean(e.value) !== 'invalid') {
      add(ctx, {
        line: e.line,
        key: e.key,
        severity: 'warning',
        rule: 'boolean-whitespace',
        message: `${e.key} has the value "${e.value}" with surrounding whitespace. The connectors trim it, so it works here, but the same habit on an A->B.enabled or emit.heartbeats.enabled line turns true into false; remove it.`,
      });
    }
  }
  for (const p of pairs) {
    for (const r of p.rejections) {
      if (explained.has(r.key)) continue;
      explained.add(r.key);
      add(ctx, {
        line: r.line || undefined,
        key: r.key,
        severity: 'error',
        rule: 'invalid-value',
        message: ctx.importMessages.get(r.key) ?? `${r.key} has the value "${r.value}", which is ${r.reason}, so MM2 rejects the ${r.connectors.join(', ')} of ${p.source}->${p.target}.`,
      });
    }
  }
}

/** Keys MM2 does not know, ignores where they stand, or no longer reads (Kafka 4). */
function lintKeys(ctx: Ctx): void {
  const removedSeverity: LintSeverity = (ctx.options.kafkaMajor ?? 4) >= 4 ? 'error' : 'warning';
  const pluginClasses = PLUGIN_CLASS_KEYS.some((k) => [...ctx.byKey.keys()].some((key) => key === k || key.endsWith(`.${k}`)));
  for (const e of ctx.byKey.values()) {
    const key = e.key;
    const scope = scopeOf(key, ctx.aliases);
    const at = { line: e.line, key };
    if (scope.kind === 'bad-flow') {
      add(ctx, {
        ...at,
        severity: 'error',
        rule: 'unknown-key',
        message: `${key} names flow ${scope.flow}, but its clusters are not both in \`clusters\` (${ctx.aliases.join(', ') || 'none'}): MM2 ignores it.`,
      });
      continue;
    }
    const removedName = scope.rest.replace(/^(producer|consumer|admin|source\.cluster|target\.cluster|source\.(producer|consumer|admin)|target\.(producer|consumer|admin))\./, '');
    const removed = REMOVED_KEYS.get(removedName);
    if (removed) {
      const instead = removed.replacement ? `; use ${key.slice(0, key.length - removedName.length)}${removed.replacement} instead` : '; remove it';
      add(ctx, {
        ...at,
        severity: removedSeverity,
        rule: 'removed-key',
        message: `${key}: Kafka 4.0 removed ${removedName}: ${removed.note}${instead}.`,
      });
      continue;
    }
    if (scope.kind === 'flow') {
      if (scope.rest === 'enabled' || connectorKnows(scope.rest)) continue;
      if (WORKER_KEYS.has(scope.rest)) {
        add(ctx, {
          ...at,
          severity: 'error',
          rule: 'ignored-key',
          message: `${key}: ${scope.rest} is a Connect worker setting, which the connectors of ${scope.source}->${scope.target} do not read: set ${scope.target}.${scope.rest} (the worker of every herder targeting ${scope.target}).`,
        });
        continue;
      }
      add(ctx, {
        ...at,
        severity: pluginClasses ? 'warning' : 'error',
        rule: 'unknown-key',
        message: `${key}: no MirrorMaker 2 connector knows ${scope.rest}${suggestion(scope.rest, CONNECTOR_KEYS)}, so it has no effect on ${scope.source}->${scope.target}${pluginClasses ? ' (unless a plugin class configured here reads it)' : ''}.`,
      });
      continue;
    }
    if (scope.kind === 'cluster') {
      if (clusterKnows(scope.rest)) continue;
      if (connectorKnows(scope.rest)) {
        add(ctx, {
          ...at,
          severity: 'warning',
          rule: 'ignored-key',
          message: `${key}: ${scope.rest} is a connector setting; under a cluster prefix it only reaches the connectors as source.cluster.${scope.rest} / target.cluster.${scope.rest}, which they do not read. Set it at the top level or per flow (<source>->${scope.alias}.${scope.rest}).`,
        });
        continue;
      }
      add(ctx, {
        ...at,
        severity: 'warning',
        rule: 'unknown-key',
        message: `${key}: ${scope.rest} is neither a Connect worker nor a Kafka client setting${suggestion(scope.rest, [...WORKER_KEYS, ...CLIENT_COMMON_KEYS])}; MM2 hands it to the clients and workers of ${scope.alias}, which ignore it.`,
      });
      continue;
    }
    if (topLevelKnown(key)) continue;
    if (WORKER_KEYS.has(key)) {
      add(ctx, {
        ...at,
        severity: 'error',
        rule: 'ignored-key',
        message: `${key} is a Connect worker setting, which MM2 ignores at the top level: set it per target cluster, e.g. ${ctx.aliases[0] ?? '<alias>'}.${key}.`,
      });
      continue;
    }
    if (clientKnows('any', key) || roleClientKey(key)) {
      add(ctx, {
        ...at,
        severity: 'error',
        rule: 'ignored-key',
        message: `${key} is a Kafka client setting; at the top level MM2 only passes on bootstrap.servers, security.protocol, ssl.* and sasl.*, so it is ignored: set it per cluster, e.g. ${ctx.aliases[0] ?? '<alias>'}.${/^(producer|consumer|admin)\./.test(key) ? key : `consumer.${key}`}.`,
      });
      continue;
    }
    const looksLikeCluster = /^([A-Za-z0-9_-]+)\.(bootstrap\.servers|security\.protocol|ssl\.|sasl\.|producer\.|consumer\.|admin\.)/.exec(key);
    add(ctx, {
      ...at,
      severity: 'error',
      rule: 'unknown-key',
      message: looksLikeCluster
        ? `${key}: "${looksLikeCluster[1]}" is not a cluster in \`clusters\` (${ctx.aliases.join(', ') || 'none'}), so MM2 ignores this setting.`
        : `${key}: MirrorMaker 2 does not know this setting${suggestion(key, KNOWN_TOP_LEVEL())}; it is ignored.`,
    });
  }
}

/**
 * Topic and group filters are Java regexes, evaluated as MM2 does: the list value split at commas
 * (ConfigDef LIST), the entries joined with "|" into one pattern. An invalid one fails the
 * connector; a topic filter mirrorwatch cannot evaluate exactly makes it refuse the file.
 */
function lintRegexes(ctx: Ctx): void {
  for (const e of ctx.byKey.values()) {
    const scope = scopeOf(e.key, ctx.aliases);
    if (scope.kind !== 'flow' && scope.kind !== 'top') continue;
    if (!FILTER_KEYS.includes(scope.rest)) continue;
    if (hasInlineComment(e.value)) continue; // reported once, as an inline comment
    const at = { line: e.line, key: e.key };
    const entries = configDefList(e.value);
    const cut = commaSplitPatterns(e.value);
    if (cut.length > 0) {
      add(ctx, { ...at, severity: 'warning', rule: 'regex-comma-split', message: `${e.key}: ${commaSplitNote(cut)}.` });
    }
    if (entries.includes('')) {
      add(ctx, {
        ...at,
        severity: 'warning',
        rule: 'regex-comma-split',
        message: `${e.key} has an empty entry (two commas in a row, or a trailing comma): Kafka 4.x refuses the value ("values must not be empty") and the connector fails; Kafka 3.x reads it as a pattern matching only the empty name.`,
      });
    }
    const domain = scope.rest.startsWith('topics') ? 'topic' : 'group';
    const r = compileJavaPatternList(entries, domain);
    if (r.ok) continue;
    const pattern = r.error.pattern;
    if (r.error.kind === 'invalid') {
      add(ctx, {
        ...at,
        severity: 'error',
        rule: 'invalid-regex',
        message: `${e.key}: "${pattern}" is not a valid regular expression (${r.error.message}${entries.length > 1 ? `; MM2 compiles the list as one pattern, ${JSON.stringify(entries.join('|'))}` : ''}): MM2 fails to start the connectors that read it.`,
      });
    } else if (domain === 'topic') {
      add(ctx, {
        ...at,
        severity: 'warning',
        rule: 'invalid-regex',
        message: `${e.key}: "${pattern}" uses Java regex syntax mirrorwatch cannot evaluate exactly (${r.error.message}): mirrorwatch refuses to load this file rather than select other topics than MM2.`,
      });
    }
  }
}

/**
 * A regex escape written with one backslash loses it: Java properties read `\\d` as `d` and
 * `\\.` as `.` (only \\t, \\n, \\r, \\f and \\uXXXX mean something). `\\d`, `\\w`, `\\s`, `\\b`
 * turn into letters (an error); `\\.` outside a character class turns into "any character" (a
 * warning: broader than meant, rarely harmful). Read from the raw lines, since the parsed value no
 * longer shows the backslash.
 */
function lintRegexEscapes(ctx: Ctx, text: string): void {
  const rawLines = text.split(/\r\n|\r|\n/);
  for (const e of ctx.byKey.values()) {
    const scope = scopeOf(e.key, ctx.aliases);
    if ((scope.kind !== 'flow' && scope.kind !== 'top') || !FILTER_KEYS.includes(scope.rest)) continue;
    const raw = rawLines.slice(e.line - 1, e.endLine).join('\n');
    const sep = raw.search(/[=:\s]/);
    const value = sep < 0 ? '' : raw.slice(sep);
    const classes = new Set<string>();
    let dots = false;
    let inClass = false;
    for (let i = 0; i < value.length; i++) {
      const c = value[i]!;
      if (c !== '\\') {
        if (c === '[') inClass = true;
        else if (c === ']') inClass = false;
        continue;
      }
      let n = 0;
      while (value[i + n] === '\\') n++;
      const next = value[i + n];
      i += n - 1;
      if (n % 2 === 0 || next === undefined || /[tnrfu\n]/.test(next)) continue;
      if (/[dDsSwWbB]/.test(next)) classes.add(`\\${next}`);
      else if (next === '.' && !inClass) dots = true;
    }
    const at = { line: e.line, key: e.key };
    if (classes.size > 0) {
      const list = [...classes].join(', ');
      add(ctx, {
        ...at,
        severity: 'error',
        rule: 'regex-escape',
        message: `${e.key}: Java properties drop a single backslash, so ${list} reach${classes.size === 1 ? 'es' : ''} the regex as plain letters and the pattern matches other topics or groups than meant. Double the backslash (${[...classes].map((x) => `\\${x}`).join(', ')}).`,
      });
    }
    if (dots) {
      add(ctx, {
        ...at,
        severity: 'warning',
        rule: 'regex-escape',
        message: `${e.key}: Java properties drop a single backslash, so \\. reaches the regex as . (any character) and matches more names than meant. Write \\\\. for a literal dot.`,
      });
    }
  }
}

function lintHeartbeats(
  ctx: Ctx,
  flows: readonly { source: string; target: string; heartbeatsExpected: boolean }[],
  pairs: readonly Mm2PairOutcome[],
): LintResult['flows'] {
  const byName = new Map(pairs.map((p) => [`${p.source}->${p.target}`, p]));
  for (const f of flows) {
    if (f.heartbeatsExpected) continue;
    const name = `${f.source}->${f.target}`;
    const rev = byName.get(`${f.target}->${f.source}`);
    const rejection = rev?.rejections.find((r) => r.connectors.includes('MirrorHeartbeatConnector'));
    let line: number | undefined;
    let why: string;
    if (rejection) {
      line = rejection.line || undefined;
      why = `MM2 rejects the ${f.target}->${f.source} MirrorHeartbeatConnector, which emits them into ${f.source} (${rejection.key}, line ${rejection.line})`;
    } else if (!rev?.herder) {
      line = lineOf(ctx, `${f.target}->${f.source}.emit.heartbeats.enabled`) ?? lineOf(ctx, 'emit.heartbeats.enabled');
      why = `heartbeat emission is switched off for ${f.target}->${f.source}, so no herder emits heartbeats into ${f.source}`;
    } else if (!rev.emitsHeartbeats) {
      line = lineOf(ctx, `${f.target}->${f.source}.emit.heartbeats.enabled`) ?? lineOf(ctx, 'emit.heartbeats.enabled');
      why = `emit.heartbeats.enabled is false for ${f.target}->${f.source}`;
    } else {
      line = lineOf(ctx, `${name}.heartbeats.replication.enabled`) ?? lineOf(ctx, 'heartbeats.replication.enabled') ?? lineOf(ctx, `${name}.topics`);
      why = `${name} does not copy the heartbeats topic (heartbeats.replication.enabled is false and the topic filter does not match "heartbeats")`;
    }
    add(ctx, {
      line,
      severity: 'warning',
      rule: 'no-heartbeats',
      message: `flow ${name} has no heartbeat signal: ${why}. Nothing then proves the flow end to end: a stalled MM2 shows only as growing lag, and mirrorwatch reports its heartbeats as not expected.`,
    });
  }
  return flows.map((f) => ({ source: f.source, target: f.target, heartbeats: f.heartbeatsExpected }));
}

function lineOf(ctx: Ctx, key: string): number | undefined {
  return ctx.byKey.get(key)?.line;
}

interface RfDemand {
  key: string;
  cluster: string;
  /** The key that set it, or null for the default. */
  setBy: string | null;
  value: number;
  what: string;
  /** What happens when the topic cannot be created. */
  consequence: string;
}

/** Replication factors above the number of brokers: MM2 cannot create those topics. */
function lintReplicationFactors(ctx: Ctx, pairs: readonly Mm2PairOutcome[]): void {
  const brokers = ctx.options.brokers;
  if (!brokers || brokers.size === 0) return;
  const raw = (k: string): string | undefined => ctx.byKey.get(k)?.value;
  const demands: RfDemand[] = [];
  const connector = (p: Mm2PairOutcome, key: string, dflt: number, cluster: string, what: string, consequence: string): void => {
    const set = connectorSetting(raw, p.source, p.target, key);
    const value = set ? Number.parseInt(javaTrim(set.value), 10) : dflt;
    if (Number.isSafeInteger(value)) demands.push({ key, cluster, setBy: set?.key ?? null, value, what, consequence });
  };
  for (const p of pairs) {
    if (!p.herder) continue;
    const flow = `${p.source}->${p.target}`;
    if (p.replicates) {
      connector(p, 'replication.factor', 2, p.target, `the remote topics of ${flow}`, 'nothing of a topic whose copy cannot be created is replicated');
      connector(p, 'offset-syncs.topic.replication.factor', 3, p.offsetSyncsTopicLocation === 'source' ? p.source : p.target, `the offset-syncs topic of ${flow}`, `the ${flow} MirrorSourceConnector fails to start`);
      connector(p, 'checkpoints.topic.replication.factor', 3, p.target, `${p.source}.checkpoints.internal`, `the ${flow} MirrorCheckpointConnector fails, so no consumer offsets are translated`);
    }
    if (p.emitsHeartbeats) connector(p, 'heartbeats.topic.replication.factor', 3, p.target, 'the heartbeats topic', `the ${flow} MirrorHeartbeatConnector fails, so no heartbeats prove ${p.target}->${p.source}`);
    for (const store of ['offset', 'config', 'status'] as const) {
      // MirrorMakerConfig.workerConfig: the top-level key overrides the cluster's own.
      const key = `${store}.storage.replication.factor`;
      const setBy = raw(key) !== undefined ? key : raw(`${p.target}.${key}`) !== undefined ? `${p.target}.${key}` : null;
      const value = setBy ? Number.parseInt(javaTrim(raw(setBy)!), 10) : 3;
      const topic = `mm2-${store === 'offset' ? 'offsets' : store === 'config' ? 'configs' : 'status'}.${p.source}.internal`;
      if (Number.isSafeInteger(value)) {
        demands.push({ key, cluster: p.target, setBy, value, what: `${topic} (Connect ${store} storage)`, consequence: `the Connect worker of herder ${flow} does not start, so none of its connectors run` });
      }
    }
  }
  const seen = new Set<string>();
  for (const d of demands) {
    const n = brokers.get(d.cluster);
    if (n === undefined || d.value <= n || d.value < 1) continue;
    const id = `${d.setBy ?? d.key}\u0000${d.cluster}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const source = d.setBy ? `${d.setBy} is ${d.value}` : `${d.key} is not set and defaults to ${d.value}`;
    add(ctx, {
      line: d.setBy ? lineOf(ctx, d.setBy) : lineOf(ctx, 'clusters'),
      key: d.setBy ?? d.key,
      severity: 'error',
      rule: 'replication-factor',
      message: `${source}, but ${d.cluster} has ${n} broker${n === 1 ? '' : 's'}: MM2 cannot create ${d.what} there, and ${d.consequence}. Set it to at most ${n}.`,
    });
  }
}

/** Include patterns that can select nothing: excluded by name, or (with topic lists) matching no topic. */
function lintFilters(ctx: Ctx, pairs: readonly Mm2PairOutcome[]): void {
  const raw = (k: string): string | undefined => ctx.byKey.get(k)?.value;
  const compile = (patterns: string[]): ((t: string) => boolean) | null => {
    const r = compileJavaPatternList(patterns, 'topic');
    return r.ok ? r.matches : null;
  };
  const DEFAULT_EXCLUDE = topicsExcludeDefault(String(ctx.options.kafkaMajor ?? DEFAULTS.mm2Version));
  for (const p of pairs) {
    if (!p.replicates) continue;
    const topicsSet = connectorSetting(raw, p.source, p.target, 'topics');
    if (!topicsSet || hasInlineComment(topicsSet.value)) continue;
    const excludeSet = connectorSetting(raw, p.source, p.target, 'topics.exclude');
    const exclude = compile(excludeSet ? configDefList(excludeSet.value) : DEFAULT_EXCLUDE);
    if (!exclude) continue;
    const listed = ctx.options.topics?.get(p.source);
    const patterns = configDefList(topicsSet.value);
    // MM2 joins the list into one pattern: entries can only be judged alone when none reaches into
    // the next (an inline flag, or parentheses cut by a comma).
    if (patterns.some((p) => compile([p]) === null || /\(\?[imsxudU-]*[):]/.test(p))) continue;
    for (const pattern of patterns) {
      const include = compile([pattern]);
      if (!include) continue;
      const at = { line: lineOf(ctx, topicsSet.key), key: topicsSet.key };
      // A plain name (dots escaped or not) that the exclude list removes selects nothing anywhere.
      const literal = /^(?:[A-Za-z0-9_-]|\\\.|\.)+$/.test(pattern) ? pattern.replace(/\\\./g, '.') : null;
      if (literal !== null && include(literal) && exclude(literal)) {
        add(ctx, {
          ...at,
          severity: 'warning',
          rule: 'filter-matches-nothing',
          message: `${topicsSet.key}: "${pattern}" names topic ${literal}, which ${excludeSet ? excludeSet.key : 'the default topics.exclude'} excludes: ${p.source}->${p.target} will not replicate it.`,
        });
        continue;
      }
      if (!listed) continue;
      const hits = listed.filter((t) => include(t) && !exclude(t));
      if (hits.length === 0) {
        const near = listed.filter((t) => include(t)).length;
        add(ctx, {
          ...at,
          severity: 'warning',
          rule: 'filter-matches-nothing',
          message: `${topicsSet.key}: "${pattern}" matches no topic on ${p.source} (${listed.length} topics listed${near > 0 ? `; the ${near} it matches are all excluded` : ''}): a misspelt name replicates nothing and raises no error.`,
        });
      }
    }
  }
}

/** `file:line: severity: message [rule]`, one per finding. */
export function formatFinding(f: LintFinding): string {
  const where = f.line !== undefined ? `${f.file}:${f.line}` : f.file;
  return `${where}: ${f.severity}: ${f.message} [${f.rule}]`;
}
