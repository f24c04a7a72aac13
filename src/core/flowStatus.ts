// One flow S->T from the latest views of both clusters and MM2's evidence (DESIGN.md section 4).
// Pure, except that it feeds the caller's LagWindowStore (one sample per partition per call).
import { checkpointTopicResolver, computeCheckpointStatuses } from './checkpointStatus.js';
import { failoverVerdict } from './failover.js';
import type { ClusterView, FlowEvidence } from './flowInput.js';
import { lookupOffsets, offsetKey, syncsOf } from './flowInput.js';
import { computePartitionLag } from './lag.js';
import type { LagWindowStore } from './lagWindow.js';
import { lagWindowKey } from './lagWindow.js';
import { flowMm2Topics } from './mm2Topics.js';
import type { ReplicationPolicy } from './replicationPolicy.js';
import { selectSourceTopics } from './topicFilter.js';
import type { FlowConfig, FlowStatus, HeartbeatStatus, PartitionStatus, TopicStatus } from './types.js';

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
}

function sortedPartitionIds(ids: readonly number[] | undefined): number[] {
  return [...new Set(ids ?? [])].filter((p) => Number.isSafeInteger(p) && p >= 0).sort((a, b) => a - b);
}

function topicStatus(input: FlowStatusInput, topic: string): TopicStatus {
  const { flow, policy, source, target, evidence, lagWindows, nowMs } = input;
  const remoteTopic = policy.formatRemoteTopic(flow.source, topic);
  const sourceIds = sortedPartitionIds(source.topics.get(topic));
  const targetIdList = target.read ? target.topics.get(remoteTopic) : undefined;
  const remoteMissing = target.read && targetIdList === undefined;
  const targetIds = new Set(sortedPartitionIds(targetIdList));
  const observedAt = source.observedAtMs ?? nowMs;

  const partitions: PartitionStatus[] = [];
  for (const partition of sourceIds) {
    const so = lookupOffsets(source.offsets, topic, partition);
    // Listed but without offsets (a partial read): nothing truthful to say about it this cycle.
    if (!so) continue;
    const to = targetIds.has(partition) ? lookupOffsets(target.offsets, remoteTopic, partition) : undefined;
    const key = offsetKey(topic, partition);
    const rawConnect = evidence.connectOffsets?.get(key);
    const connectOffset = typeof rawConnect === 'number' ? rawConnect : null;
    const lag = computePartitionLag({
      sourceStart: so.start,
      sourceEnd: so.end,
      target: to ?? null,
      syncs: syncsOf(evidence.offsetSyncs?.get(key)),
      connectOffset,
    });
    const windowKey = lagWindowKey(flow.source, flow.target, topic, partition);
    lagWindows.observe(windowKey, so.end, observedAt);
    // Asked even at lag 0: the query is what lets the window drop samples no longer needed.
    let lagSeconds = lag.replicated === null ? null : lagWindows.lagSeconds(windowKey, lag.replicated, nowMs);
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
    if (target.read && !targetIds.has(partition)) status.remotePartitionMissing = true;
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

function heartbeatStatus(input: FlowStatusInput): HeartbeatStatus {
  const raw = input.evidence.heartbeatLastTimestampMs;
  const last = typeof raw === 'number' && Number.isFinite(raw) ? raw : null;
  return {
    expected: input.flow.heartbeatsExpected,
    topic: flowMm2Topics(input.flow, input.policy).remoteHeartbeats.topic,
    lastTimestampMs: last,
    // A heartbeat stamped ahead of our clock (skew) is fresh, not negatively old.
    ageSeconds: last === null ? null : Math.max(0, input.nowMs - last) / 1000,
  };
}

export function computeFlowStatus(input: FlowStatusInput): FlowStatus {
  const { flow, policy, source, target, nowMs } = input;
  if (source.alias !== flow.source || target.alias !== flow.target) {
    throw new Error(`flow ${flow.source}->${flow.target} was given views of ${source.alias} and ${target.alias}`);
  }
  const known = source.read && target.read;
  const topics = source.read ? selectSourceTopics(flow, policy, source.topics.keys()).map((t) => topicStatus(input, t)) : [];

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
    heartbeat: heartbeatStatus(input),
    checkpoints: computeCheckpointStatuses(flow, input.evidence, resolveCheckpointTopic, nowMs),
    totals: {
      lagRecords: !known ? null : lagKnown > 0 || nothingToMeasure ? lagSum : null,
      maxLagSeconds: !known ? null : maxLagSeconds ?? (nothingToMeasure ? 0 : null),
      recordsLost,
      remoteTopicsMissing: topics.filter((t) => t.remoteMissing).length,
      partitionsMissing: topics.reduce((n, t) => n + t.partitionsMissing, 0),
      lagUnknownPartitions: lagUnknown,
    },
  };
  return {
    ...status,
    failover: failoverVerdict({ ...status, sourceRead: source.read, targetRead: target.read }, flow, nowMs),
  };
}
