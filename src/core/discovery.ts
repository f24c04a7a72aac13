// Zero-config discovery: which flows MM2 runs between some clusters, read from what MM2 leaves on
// them. Pure: topic lists and decoded heartbeat keys in, flows with their evidence and the
// replication policy out. The names MM2 gives its topics (Apache Kafka connect/mirror):
// - herder S->T runs a Connect worker against T, with `mm2-offsets.S.internal`,
//   `mm2-configs.S.internal` and `mm2-status.S.internal` on T (always '.'), and its heartbeat
//   connector writes key (S, T) into T's `heartbeats`. MM2 creates herder S->T for every pair of
//   clusters unless heartbeats are disabled for it, even when `S->T.enabled = false`: herders
//   alone do not prove a flow;
// - only an enabled flow S->T copies S's `heartbeats` to T as `S<sep>heartbeats` (the identity
//   policy keeps this prefix), creates `S<isep>checkpoints<isep>internal` on T, writes offset
//   syncs (`mm2-offset-syncs<isep>T<isep>internal` on S, or `...S...` on T with location target)
//   and copies topics (`S<sep>topic` on T; the identity policy keeps the name).
// `isep` is the separator unless replication.policy.internal.topic.separator.enabled = false,
// which keeps '.' in the internal names.

export type Confidence = 'high' | 'medium' | 'low';

export interface ObservedTopic {
  name: string;
  partitions: number;
}

/** Distinct heartbeat keys read from one topic of a cluster. */
export interface HeartbeatSighting {
  /** `heartbeats` or a remote heartbeats topic such as `us-east.heartbeats`. */
  topic: string;
  source: string;
  target: string;
  records: number;
  /** Newest heartbeat time of this key in the records read (epoch ms). */
  lastTimestampMs: number;
}

/** Source topic names read from (a sample of) one offset-syncs topic. */
export interface OffsetSyncSighting {
  topic: string;
  sourceTopics: string[];
}

export interface ClusterObservation {
  /** How the user named the cluster, e.g. `10.0.0.1:9092` or `us-east=10.0.0.1:9092`. */
  label: string;
  givenAlias: string | null;
  topics: ObservedTopic[];
  heartbeats: HeartbeatSighting[];
  offsetSyncs: OffsetSyncSighting[];
  /** What could not be read or decoded, per topic: shown with the result, never dropped. */
  unread: { topic: string; reason: string }[];
}

export interface DiscoveryInput {
  clusters: ClusterObservation[];
  nowMs: number;
}

export interface ResolvedCluster {
  label: string;
  alias: string | null;
  aliasFrom: 'given' | 'heartbeats' | 'elimination' | null;
  notes: string[];
}

export interface TopicRef {
  /** Alias of the cluster the topic lives on (its label when the alias is unknown). */
  cluster: string;
  topic: string;
}

export interface HeartbeatEvidence extends TopicRef {
  source: string;
  target: string;
  records: number;
  lastTimestampMs: number;
  ageSeconds: number;
}

export interface OffsetSyncEvidence extends TopicRef {
  location: 'source' | 'target';
  /** Why this flow and location: from the records' topic names, from the other evidence, or MM2's default. */
  basis: string;
}

export interface FlowEvidence {
  /** Keys (S, T) in T's `heartbeats` (herder S->T) and the keys copied in S's remote heartbeats on T. */
  heartbeatKeys: HeartbeatEvidence[];
  remoteHeartbeats: TopicRef[];
  checkpoints: TopicRef[];
  offsetSyncs: OffsetSyncEvidence[];
  /** Topics on T named `S<sep>...` (the prefix is given once). */
  remoteTopics: { cluster: string; prefix: string; topics: string[] } | null;
  /** Topics of S present on T under the same name (identity policy). */
  sameNameTopics: string[];
  /** Connect internal topics of herder S->T on T. */
  connectInternal: TopicRef[];
}

export interface PolicyInference {
  kind: 'default' | 'identity';
  separator: string;
  /** false when MM2's internal topics keep '.' while remote topics use another separator. */
  internalSeparatorEnabled: boolean;
  confidence: Confidence;
  reasons: string[];
}

export interface DiscoveredFlow {
  source: string;
  target: string;
  evidence: FlowEvidence;
  policy: PolicyInference;
  /** MM2 copies heartbeats along this flow (its remote heartbeats topic exists). */
  heartbeats: boolean;
  offsetSyncsTopicLocation: 'source' | 'target';
  /** Age of the newest heartbeat that travelled this flow; null without one. */
  lastHeartbeatAgeSeconds: number | null;
  notes: string[];
}

/** A herder that only emits heartbeats (`S->T.enabled = false`, heartbeats on). */
export interface DiscoveredHerder {
  source: string;
  target: string;
  heartbeatKeys: HeartbeatEvidence[];
  connectInternal: TopicRef[];
}

export interface ClusterLook {
  cluster: string;
  topics: number;
  /** The topics recognised as MM2's. */
  mm2Topics: string[];
  heartbeatRecords: number;
  unread: { topic: string; reason: string }[];
}

export interface DiscoveryResult {
  clusters: ResolvedCluster[];
  /** Flows between given clusters, sorted by source then target. */
  flows: DiscoveredFlow[];
  /** Flows with one end among the given clusters and the other not. */
  partialFlows: DiscoveredFlow[];
  heartbeatOnlyHerders: DiscoveredHerder[];
  policy: PolicyInference;
  notes: string[];
  looked: ClusterLook[];
}

const HEARTBEATS = 'heartbeats';
const CHECKPOINTS = 'checkpoints';
const INTERNAL = 'internal';
const OFFSET_SYNCS_PREFIX = 'mm2-offset-syncs';
const CONNECT_TOPIC = /^mm2-(offsets|configs|status)\.(.+)\.internal$/;
const ALIAS = /^[A-Za-z0-9._-]+$/;
/** Heartbeats older than this suggest MM2 no longer runs the flow. */
const STALE_HEARTBEAT_SECONDS = 300;

const pairKey = (s: string, t: string): string => `${s}\u0000${t}`;
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const list = (names: readonly string[], max = 5): string =>
  names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;

/** A separator candidate: anything non-empty without letters or digits (`.`, `_`, `-`, `__`, `::`). */
const separatorLike = (m: string): boolean => m.length > 0 && m.length <= 8 && !/[A-Za-z0-9]/.test(m);

/** `S<m>checkpoints<m>internal` -> { alias S, separator m }. */
export function parseCheckpointsTopic(name: string): { alias: string; separator: string } | null {
  if (!name.endsWith(INTERNAL)) return null;
  const at = name.lastIndexOf(CHECKPOINTS);
  if (at <= 0) return null;
  const m = name.slice(at + CHECKPOINTS.length, name.length - INTERNAL.length);
  if (!separatorLike(m) || name.slice(at - m.length, at) !== m) return null;
  const alias = name.slice(0, at - m.length);
  return alias.length > 0 && ALIAS.test(alias) ? { alias, separator: m } : null;
}

/** `mm2-offset-syncs<m>X<m>internal` -> { alias X, separator m }, shortest m first. */
export function parseOffsetSyncsTopic(name: string): { alias: string; separator: string } | null {
  if (!name.startsWith(OFFSET_SYNCS_PREFIX) || !name.endsWith(INTERNAL)) return null;
  const mid = name.slice(OFFSET_SYNCS_PREFIX.length, name.length - INTERNAL.length);
  for (let len = 1; len * 2 < mid.length; len++) {
    const m = mid.slice(0, len);
    if (!separatorLike(m)) break;
    if (mid.endsWith(m)) {
      const alias = mid.slice(len, mid.length - len);
      if (alias.length > 0 && ALIAS.test(alias)) return { alias, separator: m };
    }
  }
  return null;
}

/** `mm2-offsets.S.internal` (and configs, status) -> S. */
export function parseConnectTopic(name: string): { kind: string; alias: string } | null {
  const m = CONNECT_TOPIC.exec(name);
  return m && ALIAS.test(m[2]!) ? { kind: m[1]!, alias: m[2]! } : null;
}

const isRemoteHeartbeatsName = (name: string): boolean => name !== HEARTBEATS && name.endsWith(HEARTBEATS);

/** Topics that are no user data: Kafka's, Connect's and MM2's. */
function isInfrastructure(name: string, internalSeparator: string): boolean {
  return (
    name.startsWith('__') ||
    name.startsWith('.') ||
    name.endsWith('.internal') ||
    name.endsWith('-internal') ||
    name.endsWith(`${internalSeparator}${INTERNAL}`) ||
    name.endsWith(HEARTBEATS) ||
    name.startsWith(OFFSET_SYNCS_PREFIX)
  );
}

interface Votes {
  add(value: string, reason: string, weight: number): void;
  best(): { value: string; weight: number; reasons: string[]; others: string[] } | null;
}

function votes(): Votes {
  const by = new Map<string, { weight: number; reasons: string[] }>();
  return {
    add(value, reason, weight) {
      let v = by.get(value);
      if (!v) by.set(value, (v = { weight: 0, reasons: [] }));
      v.weight += weight;
      if (!v.reasons.includes(reason)) v.reasons.push(reason);
    },
    best() {
      const ranked = [...by.entries()].sort((a, b) => b[1].weight - a[1].weight || byText(a[0], b[0]));
      const top = ranked[0];
      if (!top) return null;
      return { value: top[0], weight: top[1].weight, reasons: top[1].reasons, others: ranked.slice(1).map(([v]) => v) };
    },
  };
}

interface ClusterFacts {
  obs: ClusterObservation;
  /** Alias, or the label while unknown. */
  name: string;
  alias: string | null;
  topicNames: Set<string>;
  partitions: Map<string, number>;
}

/** Separators recognised in MM2's own topic names, before flows are built. */
interface SeparatorFindings {
  separator: Votes;
  internal: Votes;
  /** Aliases that MM2's topic names mention. */
  aliases: Set<string>;
}

function learnAlias(obs: ClusterObservation): { alias: string | null; notes: string[]; candidates: Map<string, number> } {
  const candidates = new Map<string, number>();
  for (const h of obs.heartbeats) if (h.topic === HEARTBEATS) candidates.set(h.target, (candidates.get(h.target) ?? 0) + h.records);
  const ranked = [...candidates.entries()].sort((a, b) => b[1] - a[1] || byText(a[0], b[0]));
  const notes: string[] = [];
  if (ranked.length > 1) {
    notes.push(`its heartbeats topic names more than one target cluster (${ranked.map(([a, n]) => `${a}: ${n} records`).join(', ')}); taking the most frequent`);
  }
  return { alias: ranked[0]?.[0] ?? null, notes, candidates };
}

/** Aliases a cluster's MM2 topics name as its peers (never itself). */
function peersNamedBy(obs: ClusterObservation): Set<string> {
  const peers = new Set<string>();
  for (const h of obs.heartbeats) if (h.topic === HEARTBEATS) peers.add(h.source);
  for (const t of obs.topics) {
    const c = parseConnectTopic(t.name);
    if (c) peers.add(c.alias);
    const cp = parseCheckpointsTopic(t.name);
    if (cp) peers.add(cp.alias);
    const os = parseOffsetSyncsTopic(t.name);
    if (os) peers.add(os.alias);
  }
  return peers;
}

function resolveAliases(input: DiscoveryInput): ResolvedCluster[] {
  const resolved: ResolvedCluster[] = input.clusters.map((obs) => {
    const learned = learnAlias(obs);
    if (obs.givenAlias !== null) {
      const notes = learned.alias !== null && learned.alias !== obs.givenAlias
        ? [`given as ${obs.givenAlias}, but its heartbeats topic names it ${learned.alias}: MM2 knows this cluster as ${learned.alias}`]
        : [];
      return { label: obs.label, alias: obs.givenAlias, aliasFrom: 'given', notes };
    }
    if (learned.alias !== null) return { label: obs.label, alias: learned.alias, aliasFrom: 'heartbeats', notes: learned.notes };
    return { label: obs.label, alias: null, aliasFrom: null, notes: [] };
  });
  // One cluster left without heartbeats: it is the one peer the others name that none is called.
  const unknown = resolved.filter((r) => r.alias === null);
  if (unknown.length === 1) {
    const u = unknown[0]!;
    const uIndex = resolved.indexOf(u);
    const assigned = new Set(resolved.map((r) => r.alias).filter((a): a is string => a !== null));
    const ownPeers = peersNamedBy(input.clusters[uIndex]!);
    const candidates = new Set<string>();
    input.clusters.forEach((obs, i) => {
      if (i === uIndex) return;
      for (const p of peersNamedBy(obs)) if (!assigned.has(p) && !ownPeers.has(p)) candidates.add(p);
    });
    if (candidates.size === 1) {
      const alias = [...candidates][0]!;
      u.alias = alias;
      u.aliasFrom = 'elimination';
      u.notes.push(`no heartbeats on this cluster name it; ${alias} is the only peer the other clusters' MM2 topics name that no given cluster is called`);
    } else {
      u.notes.push(
        candidates.size === 0
          ? 'its alias is unknown: no heartbeats on it name it and no other cluster names a peer left unassigned; give it as ALIAS=host:port'
          : `its alias is unknown: it could be any of ${[...candidates].sort().join(', ')}; give it as ALIAS=host:port`,
      );
    }
  } else {
    for (const u of unknown) u.notes.push('its alias is unknown: no heartbeats on it name it; give it as ALIAS=host:port');
  }
  return resolved;
}

function findSeparators(clusters: ClusterFacts[], knownAliases: Set<string>): SeparatorFindings {
  const separator = votes();
  const internal = votes();
  const aliases = new Set(knownAliases);
  for (const c of clusters) {
    for (const name of c.topicNames) {
      const cp = parseCheckpointsTopic(name);
      if (cp) {
        internal.add(cp.separator, `${name} on ${c.name}`, 2);
        aliases.add(cp.alias);
      }
      const os = parseOffsetSyncsTopic(name);
      if (os) {
        internal.add(os.separator, `${name} on ${c.name}`, 2);
        aliases.add(os.alias);
      }
      const ct = parseConnectTopic(name);
      if (ct) aliases.add(ct.alias);
    }
  }
  for (const c of clusters) {
    for (const name of c.topicNames) {
      if (!isRemoteHeartbeatsName(name)) continue;
      const prefix = name.slice(0, name.length - HEARTBEATS.length);
      // The records of `S<sep>heartbeats` were written into S: their target alias is S, so the
      // name minus S minus `heartbeats` is the separator, whatever characters the aliases hold.
      const origins = new Set(c.obs.heartbeats.filter((h) => h.topic === name).map((h) => h.target));
      let fromRecords = false;
      for (const z of origins) {
        const m = prefix.startsWith(z) ? prefix.slice(z.length) : '';
        if (separatorLike(m)) {
          separator.add(m, `${name} on ${c.name} holds heartbeats written into ${z}`, 3);
          aliases.add(z);
          fromRecords = true;
        }
      }
      if (fromRecords) continue;
      // No records (or copied over more than one hop): the name alone, against a known alias,
      // else its trailing punctuation.
      const known = [...aliases].filter((a) => prefix.startsWith(a) && separatorLike(prefix.slice(a.length))).sort((a, b) => b.length - a.length)[0];
      if (known !== undefined) {
        separator.add(prefix.slice(known.length), `${name} on ${c.name} is named after ${known}`, 1);
      } else {
        const m = /[^A-Za-z0-9]+$/.exec(prefix);
        // Weakest of all: a user topic may end in "heartbeats" too, so it names no alias.
        if (m && m.index > 0 && separatorLike(m[0])) separator.add(m[0], `${name} on ${c.name}`, 1);
      }
    }
  }
  return { separator, internal, aliases };
}

interface PairEvidence {
  source: string;
  target: string;
  evidence: FlowEvidence;
  /** Separator of the one-hop remote heartbeats topic (`S<sep>heartbeats`). */
  separator: string | null;
  /** Separator in the names of the checkpoints and offset-syncs topics. */
  internalSeparator: string | null;
  reasons: string[];
}

function emptyEvidence(): FlowEvidence {
  return { heartbeatKeys: [], remoteHeartbeats: [], checkpoints: [], offsetSyncs: [], remoteTopics: null, sameNameTopics: [], connectInternal: [] };
}

function heartbeatEvidence(cluster: string, h: HeartbeatSighting, nowMs: number): HeartbeatEvidence {
  return {
    cluster,
    topic: h.topic,
    source: h.source,
    target: h.target,
    records: h.records,
    lastTimestampMs: h.lastTimestampMs,
    ageSeconds: Math.max(0, nowMs - h.lastTimestampMs) / 1000,
  };
}

/**
 * Whether MM2's own topics show the flow replicating. Prefixed topic names alone do not: they
 * outlive a stopped MM2 and a user topic may start with an alias.
 */
const replicates = (e: FlowEvidence): boolean => e.remoteHeartbeats.length > 0 || e.checkpoints.length > 0 || e.offsetSyncs.length > 0;

interface PendingSync {
  cluster: ClusterFacts;
  topic: string;
  peer: string;
  separator: string;
  sourceTopics: string[];
}

export function discover(input: DiscoveryInput): DiscoveryResult {
  const notes: string[] = [];
  const resolved = resolveAliases(input);
  const clusters: ClusterFacts[] = input.clusters.map((obs, i) => {
    const r = resolved[i]!;
    return {
      obs,
      name: r.alias ?? obs.label,
      alias: r.alias,
      topicNames: new Set(obs.topics.map((t) => t.name)),
      partitions: new Map(obs.topics.map((t) => [t.name, t.partitions])),
    };
  });
  const byAlias = new Map<string, ClusterFacts>();
  for (const c of clusters) {
    if (c.alias === null) continue;
    if (byAlias.has(c.alias)) notes.push(`two given clusters are both ${c.alias}: ${byAlias.get(c.alias)!.obs.label} and ${c.obs.label}; only the first is used`);
    else byAlias.set(c.alias, c);
  }

  const known = new Set<string>(byAlias.keys());
  for (const c of clusters) for (const h of c.obs.heartbeats) known.add(h.source).add(h.target);
  const found = findSeparators(clusters, known);
  const fallback = found.separator.best() ?? found.internal.best();
  const fallbackSeparator = fallback?.value ?? '.';
  // Longest first, so that `__` wins over `_` and `us-east` over `us`.
  const candidates = [...new Set([fallbackSeparator, ...[found.separator.best(), found.internal.best()].flatMap((b) => (b ? [b.value, ...b.others] : []))])].sort((a, b) => b.length - a.length);
  const aliasesByLength = [...found.aliases].sort((a, b) => b.length - a.length || byText(a, b));
  const infrastructure = (name: string): boolean => candidates.some((m) => isInfrastructure(name, m));

  // ---- what each cluster's topics say about each pair
  const pairs = new Map<string, PairEvidence>();
  const pair = (s: string, t: string): PairEvidence => {
    const k = pairKey(s, t);
    let p = pairs.get(k);
    if (!p) pairs.set(k, (p = { source: s, target: t, evidence: emptyEvidence(), separator: null, internalSeparator: null, reasons: [] }));
    return p;
  };
  const mm2TopicsOf = new Map<ClusterFacts, Set<string>>(clusters.map((c) => [c, new Set<string>()]));
  const pendingSyncs: PendingSync[] = [];

  for (const c of clusters) {
    const mine = mm2TopicsOf.get(c)!;
    if (c.topicNames.has(HEARTBEATS)) mine.add(HEARTBEATS);
    for (const h of c.obs.heartbeats) {
      if (h.topic !== HEARTBEATS || h.source === h.target) continue;
      pair(h.source, h.target).evidence.heartbeatKeys.push(heartbeatEvidence(c.name, h, input.nowMs));
    }
    for (const name of [...c.topicNames].sort()) {
      const ct = parseConnectTopic(name);
      if (ct) {
        mine.add(name);
        if (c.alias !== null && ct.alias !== c.alias) pair(ct.alias, c.alias).evidence.connectInternal.push({ cluster: c.name, topic: name });
        continue;
      }
      const cp = parseCheckpointsTopic(name);
      if (cp) {
        mine.add(name);
        if (c.alias !== null && cp.alias !== c.alias) {
          const p = pair(cp.alias, c.alias);
          p.evidence.checkpoints.push({ cluster: c.name, topic: name });
          p.internalSeparator ??= cp.separator;
        }
        continue;
      }
      const os = parseOffsetSyncsTopic(name);
      if (os) {
        mine.add(name);
        if (c.alias !== null && os.alias !== c.alias) {
          const sample = c.obs.offsetSyncs.find((s) => s.topic === name);
          pendingSyncs.push({ cluster: c, topic: name, peer: os.alias, separator: os.separator, sourceTopics: sample?.sourceTopics ?? [] });
        }
        continue;
      }
      if (isRemoteHeartbeatsName(name)) {
        mine.add(name);
        if (c.alias === null) continue;
        const alias = c.alias;
        let first: { alias: string; separator: string } | null = null;
        for (const a of aliasesByLength) {
          if (a === alias) continue;
          const m = candidates.find((sep) => name.startsWith(`${a}${sep}`) && name.length >= a.length + sep.length + HEARTBEATS.length);
          if (m !== undefined) {
            first = { alias: a, separator: m };
            break;
          }
        }
        if (first === null) continue;
        const p = pair(first.alias, alias);
        p.evidence.remoteHeartbeats.push({ cluster: c.name, topic: name });
        // Only the one-hop copy names the separator exactly and dates this flow's own data path.
        if (name === `${first.alias}${first.separator}${HEARTBEATS}`) {
          p.separator = first.separator;
          for (const h of c.obs.heartbeats) if (h.topic === name) p.evidence.heartbeatKeys.push(heartbeatEvidence(c.name, h, input.nowMs));
        }
      }
    }
  }

  const separatorOf = (p: PairEvidence): string => p.separator ?? p.internalSeparator ?? fallbackSeparator;

  // ---- offset syncs: `mm2-offset-syncs.X.internal` on C is flow C->X (location source) or X->C (location target)
  for (const s of pendingSyncs) {
    const c = s.cluster.alias!;
    const x = s.peer;
    const forward = pairs.get(pairKey(c, x));
    const backward = pairs.get(pairKey(x, c));
    const sep = (backward && (backward.separator ?? backward.internalSeparator)) ?? s.separator;
    let location: 'source' | 'target' | null = null;
    let basis = '';
    if (s.sourceTopics.length > 0) {
      // Location source: the records name C's own topics. Location target: X's topics, whose
      // copies on C carry X's prefix (under the identity policy both read the same).
      const remoteHere = s.sourceTopics.filter((t) => s.cluster.topicNames.has(`${x}${sep}${t}`)).length;
      const localHere = s.sourceTopics.filter((t) => s.cluster.topicNames.has(t) && !s.cluster.topicNames.has(`${x}${sep}${t}`)).length;
      if (remoteHere > localHere) {
        location = 'target';
        basis = `its records name topics of ${x} (${list(s.sourceTopics, 3)}) whose copies ${x}${sep}… live on ${c}`;
      } else if (localHere > remoteHere) {
        location = 'source';
        basis = `its records name topics of ${c} itself (${list(s.sourceTopics, 3)})`;
      }
    }
    if (location === null) {
      const fwd = forward !== undefined && replicates(forward.evidence);
      const bwd = backward !== undefined && replicates(backward.evidence);
      if (bwd && !fwd && byAlias.has(x)) {
        location = 'target';
        basis = `only ${x}->${c} shows other replication evidence`;
      } else {
        location = 'source';
        basis = fwd && !bwd ? `only ${c}->${x} shows other replication evidence` : "MM2's default location (source); the topic names alone cannot tell";
      }
    }
    const p = location === 'source' ? pair(c, x) : pair(x, c);
    p.evidence.offsetSyncs.push({ cluster: c, topic: s.topic, location, basis });
    p.internalSeparator ??= s.separator;
  }

  // ---- remote topics: `S<sep>name` on T, for the pairs MM2's own topics show (longest prefix wins)
  for (const c of clusters) {
    if (c.alias === null) continue;
    const into = [...pairs.values()].filter((p) => p.target === c.alias && replicates(p.evidence));
    const prefixes = into.map((p) => ({ p, prefix: `${p.source}${separatorOf(p)}` })).sort((a, b) => b.prefix.length - a.prefix.length);
    for (const name of [...c.topicNames].sort()) {
      if (infrastructure(name)) continue;
      const hit = prefixes.find((x) => name.startsWith(x.prefix) && name.length > x.prefix.length);
      if (!hit) continue;
      const e = hit.p.evidence;
      e.remoteTopics ??= { cluster: c.name, prefix: hit.prefix, topics: [] };
      e.remoteTopics.topics.push(name);
    }
  }

  // ---- flows, herders and the policy of each flow
  const flows: DiscoveredFlow[] = [];
  const partialFlows: DiscoveredFlow[] = [];
  const herders: DiscoveredHerder[] = [];
  for (const p of [...pairs.values()].sort((a, b) => byText(a.source, b.source) || byText(a.target, b.target))) {
    const e = p.evidence;
    if (!replicates(e)) {
      if (e.heartbeatKeys.length > 0 || e.connectInternal.length > 0) herders.push({ source: p.source, target: p.target, heartbeatKeys: e.heartbeatKeys, connectInternal: e.connectInternal });
      continue;
    }
    const src = byAlias.get(p.source);
    const tgt = byAlias.get(p.target);
    const sep = separatorOf(p);
    if (src && tgt) {
      const prefixed = new Set(e.remoteTopics?.topics ?? []);
      for (const t of [...src.topicNames].sort()) {
        if (infrastructure(t)) continue;
        if (aliasesByLength.some((a) => candidates.some((m) => t.startsWith(`${a}${m}`)))) continue;
        if (tgt.topicNames.has(t) && !prefixed.has(`${p.source}${sep}${t}`)) e.sameNameTopics.push(t);
      }
    }
    const flowPolicy = flowPolicyOf(p, src, tgt, fallback ? fallbackSeparator : null);
    const beats = e.heartbeatKeys.filter((h) => h.cluster === p.target && h.topic !== HEARTBEATS);
    const newest = beats.reduce<number | null>((acc, h) => (acc === null || h.ageSeconds < acc ? h.ageSeconds : acc), null);
    const flowNotes: string[] = [];
    if (newest !== null && newest > STALE_HEARTBEAT_SECONDS) {
      flowNotes.push(`the newest heartbeat that travelled this flow is ${Math.round(newest)} s old: MM2 may no longer run it (its topics stay behind when it stops)`);
    }
    if (e.remoteHeartbeats.length === 0 && tgt) {
      flowNotes.push(`no ${p.source}${sep}heartbeats on ${p.target}: heartbeats are not emitted into ${p.source} (or not replicated); the flow is watched without a heartbeat signal`);
    }
    if (e.offsetSyncs.length > 1) flowNotes.push(`more than one offset-syncs topic is attributed to this flow (${e.offsetSyncs.map((o) => `${o.topic} on ${o.cluster}`).join(', ')}); using the first`);
    if (!(src && tgt)) {
      const missing = src ? p.target : p.source;
      flowNotes.push(`cluster ${missing} was not given: add --bootstrap ${missing}=HOST:PORT to watch this flow`);
    }
    const flow: DiscoveredFlow = {
      source: p.source,
      target: p.target,
      evidence: e,
      policy: flowPolicy,
      heartbeats: e.remoteHeartbeats.length > 0,
      offsetSyncsTopicLocation: e.offsetSyncs[0]?.location ?? 'source',
      lastHeartbeatAgeSeconds: newest,
      notes: flowNotes,
    };
    (src && tgt ? flows : partialFlows).push(flow);
  }
  for (const p of pairs.values()) {
    if (!replicates(p.evidence) && p.evidence.remoteTopics === null) {
      const stray = [...(byAlias.get(p.target)?.topicNames ?? [])].filter((t) => !infrastructure(t) && candidates.some((m) => t.startsWith(`${p.source}${m}`)));
      if (stray.length > 0) notes.push(`${stray.length} topic(s) on ${p.target} are named like copies from ${p.source} (${list(stray, 3)}) but no MM2 topic shows a flow ${p.source}->${p.target}: left over from an earlier flow?`);
    }
  }

  const policy = overallPolicy(flows.length > 0 ? flows : partialFlows, fallback, notes);
  if (!policy.internalSeparatorEnabled) {
    notes.push('MM2 runs with replication.policy.internal.topic.separator.enabled = false: the YAML configuration cannot say so; point mirrorwatch at the mm2.properties file (mm2Properties:) instead');
  }

  const looked: ClusterLook[] = clusters.map((c) => ({
    cluster: c.name,
    topics: c.topicNames.size,
    mm2Topics: [...mm2TopicsOf.get(c)!].sort(),
    heartbeatRecords: c.obs.heartbeats.reduce((n, h) => n + h.records, 0),
    unread: c.obs.unread,
  }));
  return { clusters: resolved, flows, partialFlows, heartbeatOnlyHerders: herders, policy, notes, looked };
}

function separatorReason(p: PairEvidence, othersSeparator: string | null): { separator: string; internalSeparatorEnabled: boolean; confidence: Confidence; reason: string } {
  const e = p.evidence;
  if (p.separator !== null) {
    const verified = e.heartbeatKeys.some((h) => h.topic === `${p.source}${p.separator}${HEARTBEATS}` && h.target === p.source);
    const internalOff = p.internalSeparator === '.' && p.separator !== '.';
    return {
      separator: p.separator,
      internalSeparatorEnabled: !internalOff,
      confidence: verified ? 'high' : 'medium',
      reason:
        `separator "${p.separator}": ${p.source}${p.separator}${HEARTBEATS} on ${p.target}` +
        (verified ? ` holds heartbeats written into ${p.source}` : '') +
        (internalOff ? `; the internal topics keep "." (${[...e.checkpoints, ...e.offsetSyncs].map((t) => t.topic).join(', ')}): replication.policy.internal.topic.separator.enabled = false` : ''),
    };
  }
  if (p.internalSeparator !== null) {
    return {
      separator: p.internalSeparator,
      internalSeparatorEnabled: true,
      confidence: 'medium',
      reason: `separator "${p.internalSeparator}" from ${[...e.checkpoints, ...e.offsetSyncs].map((t) => t.topic).join(', ')}; no remote heartbeats topic confirms it`,
    };
  }
  return othersSeparator !== null
    ? { separator: othersSeparator, internalSeparatorEnabled: true, confidence: 'low', reason: `separator "${othersSeparator}" taken from the other flows' topics` }
    : { separator: '.', internalSeparatorEnabled: true, confidence: 'low', reason: 'separator "." assumed: no MM2 topic name shows one' };
}

function flowPolicyOf(p: PairEvidence, src: ClusterFacts | undefined, tgt: ClusterFacts | undefined, othersSeparator: string | null): PolicyInference {
  const e = p.evidence;
  const sep = separatorReason(p, othersSeparator);
  const prefixed = e.remoteTopics?.topics ?? [];
  const base = { separator: sep.separator, internalSeparatorEnabled: sep.internalSeparatorEnabled };
  const lower = (a: Confidence, b: Confidence): Confidence => (CONFIDENCE_RANK[a] < CONFIDENCE_RANK[b] ? a : b);
  if (prefixed.length > 0) {
    return {
      ...base,
      kind: 'default',
      confidence: lower('high', sep.confidence),
      reasons: [`${prefixed.length} topic(s) on ${p.target} carry the prefix ${p.source}${sep.separator}: ${list(prefixed)}`, sep.reason],
    };
  }
  if (!src || !tgt) {
    return { ...base, kind: 'default', confidence: 'low', reasons: [`no topic on ${p.target} carries the prefix ${p.source}${sep.separator}, and without both clusters the names cannot be compared`, sep.reason] };
  }
  const sourceData = [...src.topicNames].filter((t) => !isInfrastructure(t, sep.separator) && !t.startsWith(`${p.target}${sep.separator}`)).length;
  if (e.sameNameTopics.length > 0) {
    const samePartitions = e.sameNameTopics.filter((t) => src.partitions.get(t) === tgt.partitions.get(t));
    const proof = [
      e.remoteHeartbeats.length > 0 ? `remote heartbeats ${e.remoteHeartbeats[0]!.topic}` : null,
      e.checkpoints.length > 0 ? `checkpoints ${e.checkpoints[0]!.topic}` : null,
      e.offsetSyncs.length > 0 ? `offset syncs ${e.offsetSyncs[0]!.topic}` : null,
    ].filter((x): x is string => x !== null);
    const all = samePartitions.length === e.sameNameTopics.length;
    return {
      ...base,
      kind: 'identity',
      confidence: lower(all ? 'high' : 'medium', sep.confidence === 'low' ? 'medium' : 'high'),
      reasons: [
        `no topic on ${p.target} carries the prefix ${p.source}${sep.separator}, while ${e.sameNameTopics.length} topic(s) of ${p.source} exist on ${p.target} under the same name (${list(e.sameNameTopics)})` +
          (all ? ', with the same partition counts' : `; ${e.sameNameTopics.length - samePartitions.length} differ in partition count`) +
          `, and ${proof.join(', ')} show${proof.length === 1 ? 's' : ''} that MM2 runs ${p.source}->${p.target}`,
        sep.reason,
      ],
    };
  }
  return {
    ...base,
    kind: 'default',
    confidence: 'low',
    reasons: [
      sourceData === 0
        ? `${p.source} has no data topics yet, so no name shows whether MM2 prefixes copies`
        : `none of the ${sourceData} data topic(s) of ${p.source} is on ${p.target}, prefixed or not: the topic filter may exclude them or MM2 has not copied them yet`,
      sep.reason,
    ],
  };
}

const CONFIDENCE_RANK: Record<Confidence, number> = { high: 3, medium: 2, low: 1 };

function overallPolicy(flows: DiscoveredFlow[], fallback: ReturnType<Votes['best']>, notes: string[]): PolicyInference {
  const reasons: string[] = [];
  if (flows.length === 0) {
    return {
      kind: 'default',
      separator: fallback?.value ?? '.',
      internalSeparatorEnabled: true,
      confidence: 'low',
      reasons: [fallback ? `separator "${fallback.value}": ${list(fallback.reasons, 3)}; no flow found` : 'default policy and separator "." assumed: no flow found'],
    };
  }
  // One configuration, one policy: the flows' most common one, preferring clear evidence.
  const key = (f: DiscoveredFlow): string => `${f.policy.kind}\u0000${f.policy.separator}\u0000${f.policy.internalSeparatorEnabled}`;
  const weight = new Map<string, { n: number; best: Confidence; flows: DiscoveredFlow[] }>();
  for (const f of flows) {
    const k = key(f);
    const w = weight.get(k) ?? { n: 0, best: 'low' as Confidence, flows: [] };
    w.n += CONFIDENCE_RANK[f.policy.confidence];
    if (CONFIDENCE_RANK[f.policy.confidence] > CONFIDENCE_RANK[w.best]) w.best = f.policy.confidence;
    w.flows.push(f);
    weight.set(k, w);
  }
  const ranked = [...weight.entries()].sort((a, b) => b[1].n - a[1].n || byText(a[0], b[0]));
  const [, top] = ranked[0]!;
  const chosen = top.flows[0]!.policy;
  for (const f of top.flows) reasons.push(`${f.source}->${f.target}: ${f.policy.reasons.join('; ')}`);
  let confidence = top.best;
  if (ranked.length > 1) {
    const judged = ranked.slice(1).flatMap(([, w]) => w.flows).filter((f) => f.policy.confidence !== 'low');
    const describe = (f: DiscoveredFlow): string => `${f.source}->${f.target}: ${f.policy.kind} "${f.policy.separator}"`;
    if (judged.length > 0) {
      confidence = 'low';
      notes.push(`flows show different policies (${flows.map(describe).join(', ')}); mirrorwatch takes one policy per configuration: ${chosen.kind} "${chosen.separator}"; run a second mirrorwatch for the others`);
    }
  }
  return { kind: chosen.kind, separator: chosen.separator, internalSeparatorEnabled: chosen.internalSeparatorEnabled, confidence, reasons };
}
