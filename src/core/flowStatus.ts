// One flow S->T from the latest views of both clusters and MM2's evidence (docs/design.md).
// Pure, except that it feeds the caller's LagWindowStore (one sample per partition per call).
import { checkpointTopicResolver, computeCheckpointStatuses } from './checkpointStatus.js';
import { failoverVerdict } from './failover.js';
import type { ClusterView, FlowEvidence } from './flowInput.js';
import { offsetKey, offsetsReader, syncsOf } from './flowInput.js';
import type { OffsetRange } from './flowInput.js';
import { computePartitionLag } from './lag.js';
import type { LagWindowStore } from './lagWindow.js';
import { flowMm2Topics } from './mm2Topics.js';
import type { ReplicationPolicy } from './replicationPolicy.js';
import { selectSourceTopics } from './topicFilter.js';
import type { BlindSpot, FlowConfig, FlowStatus, HeartbeatStatus, PartitionStatus, TopicStatus } from './types.js';

export type { ClusterView, FlowEvidence, GroupCheckpointEvidence, OffsetIndex, OffsetRange } from './flowInput.js';
export { lookupOffsets, offsetKey } from './flowInput.js';

export interface FlowStatusInput {
  flow: FlowConfig;
  policy: ReplicationPolicy;
  /** View of flow.source. */
  source: ClusterView;
  /** View of flow.target. */
  target: ClusterView;
  evidence: FlowEvidence;
  /** Kept by the caller across cycles; see lagWindow.ts. */
  lagWindows: LagWindowStore;
  nowMs: number;
  /** MM2 topics of the flow mirrorwatch cannot read or decode now (src/core/blindSpots.ts). */
  blind?: readonly BlindSpot[];
  /**
   * This instance's share when sharded (src/core/shard.ts): only the source topics it owns are
   * measured, and heartbeats and checkpoints count only at the flow's owner (`flowOwner`).
   */
  shard?: FlowShard;
}

export interface FlowShard {
  index: number;
  count: number;
  /** The shard that reads the flow's heartbeats, checkpoints and consumer groups. */
  flowOwner: number;
  ownsTopic(topic: string): boolean;
}

function sortedPartitionIds(ids: readonly number[] | undefined): readonly number[] {
  if (!ids) return [];
  // Metadata lists partitions distinct and sorted already: then no copy is needed.
  let ordered = true;
  for (let i = 0; i < ids.length && ordered; i++) {
    const p = ids[i] as number;
    ordered = Number.isSafeInteger(p) && p >= 0 && (i === 0 || p > (ids[i - 1] as number));
  }
  if (ordered) return ids;
  return [...new Set(ids)].filter((p) => Number.isSafeInteger(p) && p >= 0).sort((a, b) => a - b);
}

type OffsetsReader = (topic: string) => (partition: number) => OffsetRange | undefined;

function topicStatus(input: FlowStatusInput, readers: { source: OffsetsReader; target: OffsetsReader }, topic: string): TopicStatus {
  const { flow, policy, source, target, evidence, lagWindows, nowMs } = input;
  const remoteTopic = policy.formatRemoteTopic(flow.source, topic);
  const sourceIds = sortedPartitionIds(source.topics.get(topic));
  const targetIdList = target.read ? target.topics.get(remoteTopic) : undefined;
  const remoteMissing = target.read && targetIdList === undefined;
  const targetIds = new Set(sortedPartitionIds(targetIdList));
  const observedAt = source.observedAtMs ?? nowMs;
  const sourceOffsets = readers.source(topic);
  const targetOffsets = readers.target(remoteTopic);
  const windowKey = lagWindows.topicKeys(flow.source, flow.target, topic);
  const syncs = evidence.offsetSyncs?.size ? evidence.offsetSyncs : undefined;
  const connectOffsets = evidence.connectOffsets?.size ? evidence.connectOffsets : undefined;
  const syncsBlind = input.blind?.find((b) => b.evidence === 'offset-syncs')?.reason;
  const gapChecks = evidence.gapChecks?.size ? evidence.gapChecks : undefined;

  const partitions: PartitionStatus[] = [];
  for (const partition of sourceIds) {
    const so = sourceOffsets(partition);
    // Listed but without offsets (a partial read): nothing truthful to say about it this cycle.
    if (!so) continue;
    const to = targetIds.has(partition) ? targetOffsets(partition) : undefined;
    // Without MM2 evidence (empty maps) no key needs building at all.
    const key = syncs || connectOffsets || gapChecks ? offsetKey(topic, partition) : '';
    const rawConnect = connectOffsets?.get(key);
    const connectOffset = typeof rawConnect === 'number' ? rawConnect : null;
    const lag = computePartitionLag({
      sourceStart: so.start,
      sourceEnd: so.end,
      target: to ?? null,
      syncs: syncsOf(syncs?.get(key)),
      connectOffset,
      gapCheck: gapChecks?.get(key) ?? null,
    });
    const wKey = windowKey(partition);
    lagWindows.observe(wKey, so.end, observedAt);
    // Asked even at lag 0: the query is what lets the window drop samples no longer needed.
    // Dated from the first record still on the source: deleted ones are loss, not lag.
    let lagSeconds = lag.replicated === null ? null : lagWindows.lagSeconds(wKey, Math.max(lag.replicated, Math.min(so.start, so.end)), nowMs);
    if (lag.lagRecords === 0) lagSeconds = 0;

    const status: PartitionStatus = {
      topic,
      remoteTopic,
      partition,
      sourceStart: so.start,
      sourceEnd: so.end,
      targetEnd: to?.end ?? null,
      replicated: lag.replicated,
      basis: lag.basis,
      lastSync: lag.lastSync ? { upstreamOffset: lag.lastSync.upstreamOffset, downstreamOffset: lag.lastSync.downstreamOffset } : null,
      lagRecords: lag.lagRecords,
      lagSeconds,
      recordsLost: lag.recordsLost,
      connectOffset,
    };
    if (lag.connectOffsetCheck !== undefined) status.connectOffsetCheck = lag.connectOffsetCheck;
    if (lag.syncStale) status.syncStale = true;
    if (lag.transactionalGap) status.transactionalGap = lag.transactionalGap;
    if (target.read && !targetIds.has(partition)) status.remotePartitionMissing = true;
    if (syncsBlind !== undefined && lag.basis !== 'offset-sync') status.basisReason = syncsBlind;
    partitions.push(status);
  }

  return {
    topic,
    remoteTopic,
    sourcePartitions: sourceIds.length,
    targetPartitions: targetIdList === undefined ? null : targetIds.size,
    remoteMissing,
    partitionsMissing: target.read ? sourceIds.filter((p) => !targetIds.has(p)).length : 0,
    partitions,
  };
}

/** Shown in the API and CLI when a flow's heartbeats are not expected. */
export const HEARTBEAT_NOT_EXPECTED = {
  configured: 'not expected: heartbeats are off for this flow in the configuration',
  noTopic: 'not expected: no heartbeats topic',
} as const;

function heartbeatStatus(input: FlowStatusInput): HeartbeatStatus {
  const raw = input.evidence.heartbeatLastTimestampMs;
  const last = typeof raw === 'number' && Number.isFinite(raw) ? raw : null;
  const topic = flowMm2Topics(input.flow, input.policy).remoteHeartbeats.topic;
  let expected = input.flow.heartbeatsExpected;
  let reason: string | undefined = expected ? undefined : HEARTBEAT_NOT_EXPECTED.configured;
  // heartbeats: auto (Connect mode, no mm2.properties): a deployment without a heartbeat emitter
  // never creates the remote heartbeats topic, so its absence means "none deployed", not "down".
  // Once the topic exists (or a heartbeat was seen) a stop is caught like any other. Before the
  // target was read nothing is known: stay expected, the verdict already says "not read yet".
  if (expected && input.flow.heartbeatsAuto && input.target.read && last === null && !input.target.topics.has(topic)) {
    expected = false;
    reason = HEARTBEAT_NOT_EXPECTED.noTopic;
  }
  const status: HeartbeatStatus = {
    expected,
    ...(reason !== undefined ? { reason } : {}),
    topic,
    lastTimestampMs: last,
    // A heartbeat stamped ahead of our clock (skew) is fresh, not negatively old.
    ageSeconds: last === null ? null : Math.max(0, input.nowMs - last) / 1000,
  };
  const blind = input.blind?.find((b) => b.evidence === 'heartbeats');
  if (blind) status.blind = blind.reason;
  return status;
}

export function computeFlowStatus(input: FlowStatusInput): FlowStatus {
  const { flow, policy, source, target, nowMs } = input;
  if (source.alias !== flow.source || target.alias !== flow.target) {
    throw new Error(`flow ${flow.source}->${flow.target} was given views of ${source.alias} and ${target.alias}`);
  }
  const known = source.read && target.read;
  const readers = { source: offsetsReader(source.offsets), target: offsetsReader(target.offsets) };
  const shard = input.shard;
  const ownsFlow = !shard || shard.flowOwner === shard.index;
  let selected = source.read ? selectSourceTopics(flow, policy, source.topics.keys()) : [];
  if (shard) selected = selected.filter((t) => shard.ownsTopic(t));
  const topics = selected.map((t) => topicStatus(input, readers, t));

  let lagSum = 0;
  let lagKnown = 0;
  let lagUnknown = 0;
  let maxLagSeconds: number | null = null;
  let recordsLost = 0;
  let partitionsTotal = 0;
  for (const t of topics) {
    for (const p of t.partitions) {
      partitionsTotal++;
      recordsLost += p.recordsLost;
      if (p.lagRecords === null) lagUnknown++;
      else {
        lagSum += p.lagRecords;
        lagKnown++;
      }
      if (p.lagSeconds !== null) maxLagSeconds = Math.max(maxLagSeconds ?? 0, p.lagSeconds);
    }
  }
  const nothingToMeasure = known && partitionsTotal === 0;

  const resolveCheckpointTopic = checkpointTopicResolver(flow, policy, source.topics.keys());
  const status: Omit<FlowStatus, 'failover'> = {
    source: flow.source,
    target: flow.target,
    known,
    topics,
    heartbeat: ownsFlow ? heartbeatStatus(input) : notOwnedHeartbeat(input, shard?.flowOwner ?? 0),
    checkpoints: ownsFlow ? computeCheckpointStatuses(flow, input.evidence, resolveCheckpointTopic, nowMs) : [],
    totals: {
      lagRecords: !known ? null : lagKnown > 0 || nothingToMeasure ? lagSum : null,
      maxLagSeconds: !known ? null : maxLagSeconds ?? (nothingToMeasure ? 0 : null),
      recordsLost,
      remoteTopicsMissing: topics.filter((t) => t.remoteMissing).length,
      partitionsMissing: topics.reduce((n, t) => n + t.partitionsMissing, 0),
      lagUnknownPartitions: lagUnknown,
    },
  };
  if (input.blind && input.blind.length > 0) status.blind = [...input.blind];
  // A shard not owning the flow judges its pairs only: heartbeats and group checkpoints are the
  // owner's to judge (the flow is ready when every shard says so).
  const judged = ownsFlow ? flow : { ...flow, groups: [] };
  const result: FlowStatus = {
    ...status,
    failover: failoverVerdict({ ...status, sourceRead: source.read, targetRead: target.read }, judged, nowMs),
  };
  if (shard) result.shard = { index: shard.index, count: shard.count, ownsFlow };
  return result;
}

function notOwnedHeartbeat(input: FlowStatusInput, owner: number): HeartbeatStatus {
  return {
    expected: false,
    reason: `not read here: shard ${owner} reads this flow's heartbeats`,
    topic: flowMm2Topics(input.flow, input.policy).remoteHeartbeats.topic,
    lastTimestampMs: null,
    ageSeconds: null,
  };
}
