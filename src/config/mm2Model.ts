// A model of what MirrorMaker 2 runs for each ordered cluster pair, given a lookup of property
// values. Running it twice, on the values Java reads and on the values the author meant, tells
// which lines of an mm2.properties file change what MM2 does (see mm2Import.ts).
//  - Which herders exist: MirrorMakerConfig.clusterPairs() creates S->T when
//    Boolean.parseBoolean(`S->T.enabled`) or heartbeats are enabled for the pair (parseBoolean of
//    `S->T.emit.heartbeats.enabled`, else of `emit.heartbeats.enabled`, else true).
//  - What each herder's connectors do: their config is the top-level keys overridden by `S->T.x`,
//    parsed by ConfigDef (trimmed; an invalid value rejects the connector).
// A flow S->T is proven by heartbeats that the reverse herder T->S emits into S and S->T copies.
import { DEFAULTS } from './defaults.js';
import { configDefBoolean, configDefList, javaParseBoolean, javaTrim } from './javaValues.js';
import { wholeNameMatcher } from './regex.js';

export type Mm2Connector = 'MirrorSourceConnector' | 'MirrorCheckpointConnector' | 'MirrorHeartbeatConnector';

export interface Mm2Rejection {
  /** The property key holding the bad value (`S->T.enabled` or a top-level key). */
  key: string;
  line: number;
  /** The value MM2 reads (the modelled keys hold no secrets). */
  value: string;
  connectors: Mm2Connector[];
  /** Why Kafka refuses it, e.g. `not a valid boolean (Kafka accepts only true or false)`. */
  reason: string;
}

/** What MM2 will run for one ordered cluster pair. */
export interface Mm2PairOutcome {
  source: string;
  target: string;
  /** MirrorMakerConfig.clusterPairs() creates a herder for the pair. */
  herder: boolean;
  /** MirrorSourceConnector runs and replicates source -> target. */
  replicates: boolean;
  /** MirrorHeartbeatConnector emits heartbeats into the target's `heartbeats` topic. */
  emitsHeartbeats: boolean;
  /** The source's `heartbeats` topic passes this pair's filters (when it replicates). */
  copiesHeartbeats: boolean;
  offsetSyncsTopicLocation: 'source' | 'target';
  rejections: Mm2Rejection[];
}

export const ALL_CONNECTORS: Mm2Connector[] = ['MirrorSourceConnector', 'MirrorCheckpointConnector', 'MirrorHeartbeatConnector'];
const NOT_BOOLEAN = 'not a valid boolean (Kafka accepts only true or false)';

export type Lookup = (key: string) => string | undefined;

export interface Setting {
  key: string;
  value: string;
}

/** Connector-level value: `S->T.k` overrides the top-level `k`. */
export function connectorSetting(get: Lookup, s: string, t: string, k: string): Setting | undefined {
  const pairKey = `${s}->${t}.${k}`;
  const pv = get(pairKey);
  if (pv !== undefined) return { key: pairKey, value: pv };
  const tv = get(k);
  return tv !== undefined ? { key: k, value: tv } : undefined;
}

export function topicFilters(get: Lookup, s: string, t: string): { topics: Setting | undefined; exclude: Setting | undefined } {
  // ConfigUtils.translateDeprecatedConfigs: topics.exclude wins over the 3.x alias topics.blacklist.
  return {
    topics: connectorSetting(get, s, t, 'topics'),
    exclude: connectorSetting(get, s, t, 'topics.exclude') ?? connectorSetting(get, s, t, 'topics.blacklist'),
  };
}

export function modelPair(get: Lookup, lineOf: (key: string) => number, s: string, t: string): Mm2PairOutcome {
  const prefix = `${s}->${t}.`;
  const hbGlobalRaw = get('emit.heartbeats.enabled');
  const hbGlobal = hbGlobalRaw === undefined ? true : javaParseBoolean(hbGlobalRaw);
  const hbPairRaw = get(`${prefix}emit.heartbeats.enabled`);
  const herderHeartbeats = hbPairRaw === undefined ? hbGlobal : javaParseBoolean(hbPairRaw);
  const herder = javaParseBoolean(get(`${prefix}enabled`)) || herderHeartbeats;
  const out: Mm2PairOutcome = {
    source: s,
    target: t,
    herder,
    replicates: false,
    emitsHeartbeats: false,
    copiesHeartbeats: false,
    offsetSyncsTopicLocation: 'source',
    rejections: [],
  };
  if (!herder) return out;

  const reject = (set: Setting, connectors: Mm2Connector[], reason: string): void => {
    out.rejections.push({ key: set.key, line: lineOf(set.key), value: set.value, connectors, reason });
  };
  const enabledSet = connectorSetting(get, s, t, 'enabled');
  // MirrorMakerConfig.connectorBaseConfig puts enabled=false when nothing sets it.
  const enabled = enabledSet ? configDefBoolean(enabledSet.value) : false;
  if (enabledSet && enabled === 'invalid') {
    reject(enabledSet, ALL_CONNECTORS, NOT_BOOLEAN);
  }
  const hbSet = connectorSetting(get, s, t, 'emit.heartbeats.enabled');
  const emit = hbSet ? configDefBoolean(hbSet.value) : true;
  if (hbSet && emit === 'invalid') {
    reject(hbSet, ['MirrorHeartbeatConnector'], NOT_BOOLEAN);
  }
  const locSet = connectorSetting(get, s, t, 'offset-syncs.topic.location');
  const loc = locSet ? javaTrim(locSet.value) : 'source';
  const locValid = loc === 'source' || loc === 'target';
  if (locSet && !locValid) {
    reject(locSet, ['MirrorSourceConnector', 'MirrorCheckpointConnector'], 'neither "source" nor "target"');
  }
  const hbrSet = connectorSetting(get, s, t, 'heartbeats.replication.enabled');
  const hbr = hbrSet ? configDefBoolean(hbrSet.value) : true;
  if (hbrSet && hbr === 'invalid') {
    reject(hbrSet, ['MirrorSourceConnector'], NOT_BOOLEAN);
  }

  out.offsetSyncsTopicLocation = locValid ? loc : 'source';
  out.emitsHeartbeats = enabled !== 'invalid' && emit === true;
  out.replicates = enabled === true && locValid && hbr !== 'invalid';
  if (out.replicates) {
    // MirrorSourceConnector.shouldReplicateTopic: the filter, or heartbeats.replication.enabled
    // for heartbeats topics whatever the filter says.
    const f = topicFilters(get, s, t);
    const include = wholeNameMatcher(f.topics ? configDefList(f.topics.value) : DEFAULTS.topics);
    const exclude = wholeNameMatcher(f.exclude ? configDefList(f.exclude.value) : DEFAULTS.topicsExclude);
    const filtered = include !== null && exclude !== null && include('heartbeats') && !exclude('heartbeats');
    out.copiesHeartbeats = hbr === true || filtered;
  }
  return out;
}

export function flowHeartbeats(pairs: Map<string, Mm2PairOutcome>, s: string, t: string): boolean {
  const forward = pairs.get(`${s}->${t}`);
  const reverse = pairs.get(`${t}->${s}`);
  return Boolean(forward?.copiesHeartbeats && reverse?.emitsHeartbeats);
}

export function modelAll(get: Lookup, lineOf: (k: string) => number, aliases: string[]): Map<string, Mm2PairOutcome> {
  const pairs = new Map<string, Mm2PairOutcome>();
  for (const s of aliases) for (const t of aliases) if (s !== t) pairs.set(`${s}->${t}`, modelPair(get, lineOf, s, t));
  return pairs;
}

/** Sentences saying how `actual` (what MM2 does) differs from `meant` (what the file meant). */
export function describeDifferences(
  meant: Map<string, Mm2PairOutcome>,
  actual: Map<string, Mm2PairOutcome>,
  aliases: string[],
): string[] {
  const out: string[] = [];
  for (const [name, act] of actual) {
    const m = meant.get(name);
    if (!m) continue;
    if (m.replicates && !act.replicates) out.push(`MM2 will not replicate ${name}`);
    if (!m.replicates && act.replicates) out.push(`MM2 will replicate ${name}`);
  }
  for (const s of aliases) {
    for (const t of aliases) {
      if (s === t) continue;
      // For a flow MM2 will not run at all, "will not replicate" above says it all.
      if (!actual.get(`${s}->${t}`)?.replicates) continue;
      const before = flowHeartbeats(meant, s, t);
      const after = flowHeartbeats(actual, s, t);
      if (before && !after) {
        const rev = actual.get(`${t}->${s}`);
        const why = rev && !rev.emitsHeartbeats ? ` (the ${t}->${s} herder emits them into ${s}, and its MirrorHeartbeatConnector will not run)` : '';
        out.push(`flow ${s}->${t} will have no heartbeats${why}, so mirrorwatch reports them as not expected for that flow`);
      }
      if (!before && after) out.push(`flow ${s}->${t} will have heartbeats`);
    }
  }
  return out;
}

export function describeConnectors(connectors: Mm2Connector[], pairs: string[]): string {
  return connectors.length === ALL_CONNECTORS.length
    ? `every connector of ${pairs.join(', ')} (MirrorSourceConnector, MirrorCheckpointConnector and MirrorHeartbeatConnector)`
    : `the ${connectors.join(' and ')} of ${pairs.join(', ')}`;
}
