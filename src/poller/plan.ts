// Decides, for one cluster and its current topic list, what a poll reads: offsets of the topics
// the flows replicate (as source) and of their copies (as target), MM2's topics to tail (and
// which flows' evidence each one feeds), and the consumer groups whose committed offsets feed the
// checkpoint lag. A shard (src/core/shard.ts) plans only the pairs and flows it owns.
import type { Mm2Evidence, Mm2TopicKind, ReduceContext } from '../core/mm2Evidence.js';
import { flowMm2Topics } from '../core/mm2Topics.js';
import type { ReplicationPolicy } from '../core/replicationPolicy.js';
import { shardOwnership, type ShardOwnership } from '../core/shard.js';
import { remoteTopicCandidates, selectSourceTopics } from '../core/topicFilter.js';
import type { FlowConfig } from '../core/types.js';
import type { TopicInfo } from '../kafka/port.js';
import { flowKey } from './evidence.js';
import type { TailSpec } from './tailer.js';

/** Heartbeats arrive every second or so; only the newest matters, so a fresh tail skips history. */
const HEARTBEAT_HISTORY = 50;

/** One flow's use of a tailed topic. */
export interface TailFeed {
  flow: string;
  kind: Mm2TopicKind;
  context: ReduceContext;
}

export interface PlannedTail extends TailSpec {
  /** Every flow whose evidence this topic feeds (one topic may serve several flows). */
  feeds: TailFeed[];
}

export interface ClusterPlan {
  /** Topics whose partitions' start/end offsets are read. */
  offsetTopics: string[];
  /**
   * The part of offsetTopics whose offsets this instance exports (mm2_partition_*_offset). A topic
   * read for two pairs (on B, `A.orders` is the copy of A->B and a source of B->C) may be read by
   * two shards; it is exported by the shard owning the first pair that reads it (flows in
   * configuration order, source before target), so the series comes from exactly one shard.
   */
  exportTopics?: string[];
  /** MM2 topics to read forward, one entry per topic. Their offsets are read too. */
  tails: PlannedTail[];
  /** Consumer groups whose committed offsets are read on this cluster. */
  groups: string[];
}

export interface PlanContext {
  flows: FlowConfig[];
  policy: ReplicationPolicy;
  evidence: Map<string, Mm2Evidence>;
  /** This instance's share of the work; every pair and flow when absent. */
  shard?: ShardOwnership;
}

export function planCluster(ctx: PlanContext, alias: string, topicList: TopicInfo[]): ClusterPlan {
  const names = topicList.map((t) => t.name);
  const partitionsOf = new Map(topicList.map((t) => [t.name, t.partitions]));
  const shard = ctx.shard ?? UNSHARDED_OWNERSHIP;
  const offsetTopics = new Set<string>();
  /** Topic -> whether this shard owns the first pair that reads it. */
  const firstClaim = new Map<string, boolean>();
  const claim = (topic: string, owned: boolean): void => {
    if (!firstClaim.has(topic)) firstClaim.set(topic, owned);
    if (owned) offsetTopics.add(topic);
  };
  const tails = new Map<string, PlannedTail>();
  const groups = new Set<string>();

  for (const flow of ctx.flows) {
    const key = flowKey(flow.source, flow.target);
    const evidence = ctx.evidence.get(key);
    if (!evidence) continue;
    const mm2 = flowMm2Topics(flow, ctx.policy);
    const ownsFlow = shard.ownsFlow(flow.source, flow.target);

    if (flow.source === alias) {
      for (const t of selectSourceTopics(flow, ctx.policy, names)) claim(t, shard.ownsTopic(flow.source, flow.target, t));
      if (ownsFlow) {
        for (const g of flow.groups) groups.add(g);
        for (const g of evidence.checkpoints.keys()) groups.add(g);
      }
    }
    if (flow.target === alias) {
      for (const c of remoteTopicCandidates(flow, ctx.policy, names)) claim(c.remoteTopic, shard.ownsTopic(flow.source, flow.target, c.sourceTopic));
    }

    const context: ReduceContext = { source: flow.source, sourceConnectorName: flow.sourceConnectorName };
    // A shard keeps the offset syncs and Connect offsets of its own pairs only (memory).
    if (shard.spec.count > 1) context.keepTopic = (topic) => shard.ownsTopic(flow.source, flow.target, topic);
    const tail = (where: { cluster: string; topic: string }, kind: Mm2TopicKind, startFrom: TailSpec['startFrom']): void => {
      if (where.cluster !== alias) return;
      const partitions = partitionsOf.get(where.topic);
      if (!partitions) return;
      let planned = tails.get(where.topic);
      if (!planned) tails.set(where.topic, (planned = { topic: where.topic, partitions, startFrom, feeds: [] }));
      // A topic tailed both for its newest records and from the beginning starts at the beginning.
      if (startFrom === 'beginning') planned.startFrom = 'beginning';
      planned.feeds.push({ flow: key, kind, context });
    };
    // Heartbeats and checkpoints feed flow-level figures only: the flow's owner reads them. Offset
    // syncs and Connect offsets feed every pair's lag and are not split by topic (one or a few
    // partitions): every shard reads them.
    if (ownsFlow) tail(mm2.remoteHeartbeats, 'heartbeats', { last: HEARTBEAT_HISTORY });
    tail(mm2.offsetSyncs, 'offset-syncs', 'beginning');
    if (ownsFlow) tail(mm2.checkpoints, 'checkpoints', 'beginning');
    tail(mm2.connectOffsets, 'connect-offsets', 'beginning');
  }
  const exportTopics = [...offsetTopics].filter((t) => firstClaim.get(t) === true);
  return { offsetTopics: [...offsetTopics], exportTopics, tails: [...tails.values()], groups: [...groups].sort() };
}

const UNSHARDED_OWNERSHIP = shardOwnership();
