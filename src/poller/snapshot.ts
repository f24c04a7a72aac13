// Turns the pollers' mutable state into one immutable Snapshot: the only thing renderers see.
import { flowBlindSpots } from '../core/blindSpots.js';
import type { ClusterView, FlowEvidence as FlowEvidenceView, GroupCheckpointEvidence } from '../core/flowInput.js';
import { computeFlowStatus } from '../core/flowStatus.js';
import type { LagWindowStore } from '../core/lagWindow.js';
import type { Mm2Evidence } from '../core/mm2Evidence.js';
import { pairReadings } from '../core/readingPair.js';
import { withReplicationState } from '../core/failover.js';
import { DEFAULT_REPLICATION_THRESHOLDS, evaluateReplicationState, type ReplicationMemory, type StatePartition } from '../core/replicationState.js';
import type { GapCheck } from '../core/transactionGaps.js';
import type { ReplicationPolicy } from '../core/replicationPolicy.js';
import type { ClusterAlias, ClusterStatus, FlowReadings, FlowStatus, MirrorwatchConfig, Snapshot, TailStuck } from '../core/types.js';
import type { ClusterPollerState, ClusterReading } from './clusterPoller.js';
import { flowKey, tpKey } from './evidence.js';

export interface SnapshotInput {
  config: MirrorwatchConfig;
  policy: ReplicationPolicy;
  clusters: readonly ClusterPollerState[];
  evidence: ReadonlyMap<string, Mm2Evidence>;
  window: LagWindowStore;
  nowMs: number;
  sequence: number;
  /** Read_committed probes of uncopied ranges per flow (gapProbe.ts), keyed tpKey. */
  gapChecks?: (source: string, target: string) => ReadonlyMap<string, GapCheck> | undefined;
  /** Per flow key, the replication state's memory between snapshots; without it no state is evaluated. */
  replication?: Map<string, ReplicationMemory>;
}

const EMPTY_VIEW_TOPICS: ReadonlyMap<string, readonly number[]> = new Map();
const EMPTY_OFFSETS = new Map<string, { start: number; end: number }>();

function clusterView(reading: ClusterReading | null, alias: string): ClusterView {
  return {
    alias,
    read: reading !== null,
    observedAtMs: reading?.readAtMs ?? null,
    topics: reading?.topics ?? EMPTY_VIEW_TOPICS,
    offsets: reading?.offsetsByTopic ?? EMPTY_OFFSETS,
  };
}

function evidenceView(evidence: Mm2Evidence | undefined, source: ClusterReading | null): FlowEvidenceView {
  if (!evidence) return {};
  const checkpoints = new Map<string, GroupCheckpointEvidence>();
  for (const [group, g] of evidence.checkpoints) {
    checkpoints.set(group, {
      lastRecordTimestampMs: g.lastRecordMs,
      checkpoints: [...g.entries.values()].map((e) => e.checkpoint),
    });
  }
  const committed = new Map<string, Map<string, number | null>>();
  for (const c of source?.committed ?? []) {
    let m = committed.get(c.group);
    if (!m) committed.set(c.group, (m = new Map()));
    m.set(tpKey(c.topic, c.partition), c.offset >= 0 ? c.offset : null);
  }
  return {
    offsetSyncs: evidence.offsetSyncs,
    heartbeatLastTimestampMs: evidence.heartbeatMs,
    checkpoints,
    committedOffsets: committed,
    connectOffsets: evidence.connectOffsets,
  };
}

function clusterStatus(state: ClusterPollerState): ClusterStatus {
  return {
    alias: state.alias,
    up: state.up,
    lastSuccessMs: state.lastSuccessMs,
    lastPollDurationSeconds: state.lastDurationSeconds,
    lastError: state.lastError,
    // MM2's own topics (dozens of Connect partitions) are read but not exported as offsets.
    partitions: state.reading ? state.reading.dataPartitions : [],
    tailStuck: state.tailStuck,
  };
}

function readingsOf(source: ClusterReading | null, target: ClusterReading | null, nowMs: number): FlowReadings {
  const age = (r: ClusterReading | null) => (r ? { readAtMs: r.readAtMs, ageSeconds: Math.max(0, nowMs - r.readAtMs) / 1000 } : null);
  return {
    source: age(source),
    target: age(target),
    skewSeconds: source && target ? (source.readAtMs - target.readAtMs) / 1000 : null,
  };
}

/** What keeps mirrorwatch from judging whether MM2 copies: never evidence that MM2 is down. */
function stateBlindReasons(status: FlowStatus, source: ClusterPollerState | undefined, target: ClusterPollerState | undefined): string[] {
  const reasons: string[] = [];
  for (const [role, c, alias] of [['source', source, status.source], ['target', target, status.target]] as const) {
    if (!c || c.reading === null) reasons.push(`${role} cluster ${alias} not read yet`);
    else if (!c.up) reasons.push(`cannot read ${role} cluster ${alias}${c.lastError ? `: ${c.lastError}` : ''}`);
  }
  if (status.heartbeat.expected && status.heartbeat.blind !== undefined) reasons.push(status.heartbeat.blind);
  return reasons;
}

function statePartitions(status: FlowStatus): StatePartition[] {
  const out: StatePartition[] = [];
  for (const t of status.topics) {
    for (const p of t.partitions) {
      out.push({ topic: p.topic, partition: p.partition, sourceEnd: p.sourceEnd, targetEnd: p.targetEnd, syncUpstream: p.lastSync?.upstreamOffset ?? null, lagRecords: p.lagRecords });
    }
  }
  return out;
}

export function buildSnapshot(input: SnapshotInput): Snapshot {
  const byAlias = new Map(input.clusters.map((c) => [c.alias, c]));
  const stuckByCluster = new Map<ClusterAlias, readonly TailStuck[]>();
  for (const c of input.clusters) if (c.tailStuck.length > 0) stuckByCluster.set(c.alias, c.tailStuck);
  const side = (alias: string) => {
    const s = byAlias.get(alias);
    return { up: s?.up ?? false, latest: s?.reading ?? null, previous: s?.previousReading ?? null };
  };
  const flows: FlowStatus[] = input.config.flows.map((flow) => {
    const pair = pairReadings(side(flow.source), side(flow.target));
    const status = computeFlowStatus({
      flow,
      policy: input.policy,
      source: clusterView(pair.source, flow.source),
      target: clusterView(pair.target, flow.target),
      evidence: { ...evidenceView(input.evidence.get(flowKey(flow.source, flow.target)), pair.source), gapChecks: input.gapChecks?.(flow.source, flow.target) },
      lagWindows: input.window,
      nowMs: input.nowMs,
      blind: flowBlindSpots(flow, input.policy, stuckByCluster),
    });
    status.readings = readingsOf(pair.source, pair.target, input.nowMs);
    if (input.replication) {
      const key = flowKey(flow.source, flow.target);
      const evaluated = evaluateReplicationState(
        input.replication.get(key) ?? null,
        {
          nowMs: input.nowMs,
          blindReasons: stateBlindReasons(status, byAlias.get(flow.source), byAlias.get(flow.target)),
          heartbeat: {
            expected: status.heartbeat.expected,
            lastMs: status.heartbeat.lastTimestampMs,
            readAtMs: input.evidence.get(key)?.heartbeatReadAtMs ?? null,
            topic: status.heartbeat.topic,
          },
          offsetsReadAtMs: pair.source && pair.target ? Math.max(pair.source.readAtMs, pair.target.readAtMs) : null,
          partitions: statePartitions(status),
          lagRecords: status.totals.lagRecords,
          maxLagRecords: flow.maxLagRecords,
        },
        input.config.replicationState ?? DEFAULT_REPLICATION_THRESHOLDS,
      );
      input.replication.set(key, evaluated.memory);
      status.replication = evaluated.state;
      status.failover = withReplicationState(status.failover, evaluated.state);
    }
    return status;
  });
  // Windows of partitions that vanished (topic deleted, filter changed) are dropped after a while.
  const { intervalMs, timeoutMs } = input.config.poll;
  input.window.forgetUnseenSince(input.nowMs - 10 * (intervalMs + timeoutMs));
  return {
    takenAtMs: input.nowMs,
    sequence: input.sequence,
    complete: input.clusters.every((c) => c.polls > 0),
    clusters: input.clusters.map(clusterStatus),
    flows,
    ...(input.config.regions ? { regions: input.config.regions } : {}),
  };
}
