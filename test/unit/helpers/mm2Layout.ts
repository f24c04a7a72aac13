// A model of what a dedicated MM2 leaves on its clusters, for discovery tests: the herders
// MirrorMakerConfig.clusterPairs() creates (every ordered pair unless heartbeats are off for it),
// their Connect topics and heartbeats, and for enabled flows the remote heartbeats, checkpoints,
// offset syncs and remote topics, named by the project's ReplicationPolicy (not by discovery's
// parsing, which the tests check against it).
import type { ClusterObservation, HeartbeatSighting } from '../../../src/core/discovery.js';
import { createReplicationPolicy } from '../../../src/core/replicationPolicy.js';

export interface LayoutOptions {
  clusters: string[];
  flows: [string, string][];
  separator?: string;
  identity?: boolean;
  internalSeparatorEnabled?: boolean;
  /** Pairs `S->T` whose herder emits no heartbeats; `'all'` for emit.heartbeats.enabled = false. */
  noHeartbeats?: string[] | 'all';
  offsetSyncsLocation?: 'source' | 'target';
  /** Local data topics per cluster (partition count 3). */
  data?: Record<string, string[]>;
  /** Aliases passed as ALIAS=HOST:PORT (default none: learned). */
  givenAliases?: string[];
  /** Clusters that are not given to discovery (their topics are not read). */
  hidden?: string[];
  nowMs?: number;
  /** Age of every heartbeat (default 1 s). */
  heartbeatAgeMs?: number;
}

export const NOW = 1_750_000_000_000;

export function mm2Layout(o: LayoutOptions): ClusterObservation[] {
  const sep = o.separator ?? '.';
  const policy = createReplicationPolicy({ kind: o.identity ? 'identity' : 'default', separator: sep, internalTopicSeparatorEnabled: o.internalSeparatorEnabled ?? true });
  const now = o.nowMs ?? NOW;
  const beat = now - (o.heartbeatAgeMs ?? 1000);
  const topics = new Map<string, Map<string, number>>(o.clusters.map((c) => [c, new Map()]));
  const beats = new Map<string, HeartbeatSighting[]>(o.clusters.map((c) => [c, []]));
  const syncs = new Map<string, { topic: string; sourceTopics: string[] }[]>(o.clusters.map((c) => [c, []]));
  const add = (cluster: string, topic: string, partitions = 1): void => void topics.get(cluster)!.set(topic, partitions);
  for (const [c, list] of Object.entries(o.data ?? {})) if (topics.has(c)) for (const t of list) add(c, t, 3);
  const enabled = (s: string, t: string): boolean => o.flows.some(([a, b]) => a === s && b === t);
  const emits = (s: string, t: string): boolean => o.noHeartbeats !== 'all' && !(o.noHeartbeats ?? []).includes(`${s}->${t}`);

  // Herders and their heartbeats.
  for (const s of o.clusters) {
    for (const t of o.clusters) {
      if (s === t || !(enabled(s, t) || emits(s, t))) continue;
      for (const kind of ['offsets', 'configs', 'status']) add(t, `mm2-${kind}.${s}.internal`);
      if (emits(s, t)) {
        add(t, 'heartbeats');
        beats.get(t)!.push({ topic: 'heartbeats', source: s, target: t, records: 30, lastTimestampMs: beat });
      }
    }
  }
  // Enabled flows, twice so that topics copied over two hops appear.
  for (let round = 0; round < 2; round++) {
    for (const [s, t] of o.flows) {
      add(t, policy.checkpointsTopic(s));
      const local = [...topics.get(s)!.entries()].filter(([name]) => !policy.isInternalTopic(name) && !name.startsWith('mm2-'));
      const syncTopic = o.offsetSyncsLocation === 'target' ? policy.offsetSyncsTopic(s) : policy.offsetSyncsTopic(t);
      const syncCluster = o.offsetSyncsLocation === 'target' ? t : s;
      add(syncCluster, syncTopic);
      const copied: string[] = [];
      for (const [name, partitions] of local) {
        // MM2 never copies a topic back to a cluster it came from.
        let hop: string | null = name;
        let cycle = false;
        while (hop !== null && policy.topicSource(hop) !== null) {
          if (policy.topicSource(hop) === t) cycle = true;
          hop = policy.upstreamTopic(hop);
        }
        if (cycle) continue;
        const remote = policy.formatRemoteTopic(s, name);
        add(t, remote, partitions);
        if (!policy.isHeartbeatsTopic(name)) copied.push(name);
        if (policy.isHeartbeatsTopic(name)) {
          for (const h of beats.get(s)!.filter((x) => x.topic === name)) {
            const list = beats.get(t)!;
            if (!list.some((x) => x.topic === remote && x.source === h.source && x.target === h.target)) list.push({ ...h, topic: remote });
          }
        }
      }
      const list = syncs.get(syncCluster)!;
      const existing = list.find((x) => x.topic === syncTopic);
      if (existing) existing.sourceTopics = [...new Set([...existing.sourceTopics, ...copied])].sort();
      else list.push({ topic: syncTopic, sourceTopics: copied.sort() });
    }
  }
  return o.clusters
    .filter((c) => !(o.hidden ?? []).includes(c))
    .map((c) => ({
      label: `${c}-host:9092`,
      givenAlias: (o.givenAliases ?? []).includes(c) ? c : null,
      topics: [...topics.get(c)!.entries()].map(([name, partitions]) => ({ name, partitions })).sort((a, b) => (a.name < b.name ? -1 : 1)),
      heartbeats: beats.get(c)!,
      offsetSyncs: syncs.get(c)!,
      unread: [],
    }));
}
