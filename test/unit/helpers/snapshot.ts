// Builders of synthetic Snapshots for renderer tests (metrics, HTTP, CLI). Derived numbers follow
// docs/design.md from the offsets given, so a test states only what it is about.
import type {
  ClusterStatus,
  FailoverVerdict,
  FlowStatus,
  GroupCheckpointStatus,
  HeartbeatStatus,
  PartitionOffsets,
  PartitionStatus,
  Snapshot,
  TopicStatus,
} from '../../../src/core/types.js';

export const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);

export type PartitionInput = Partial<PartitionStatus> & { partition: number };

/** A partition of `topic`; lag and loss are derived from sourceStart/sourceEnd/replicated unless given. */
export function makePartition(topic: string, remoteTopic: string, input: PartitionInput): PartitionStatus {
  const sourceStart = input.sourceStart ?? 0;
  const sourceEnd = input.sourceEnd ?? 100;
  const replicated = input.replicated === undefined ? sourceEnd : input.replicated;
  const lagRecords = input.lagRecords !== undefined ? input.lagRecords : replicated === null ? null : Math.max(0, sourceEnd - replicated);
  const lagSeconds = input.lagSeconds !== undefined ? input.lagSeconds : lagRecords === null ? null : lagRecords === 0 ? 0 : 7.5;
  return {
    topic,
    remoteTopic,
    partition: input.partition,
    sourceStart,
    sourceEnd,
    targetEnd: input.targetEnd !== undefined ? input.targetEnd : replicated === null ? null : replicated,
    replicated,
    basis: input.basis ?? (replicated === null ? 'unknown' : 'offset-sync'),
    lastSync: input.lastSync !== undefined ? input.lastSync : replicated === null ? null : { upstreamOffset: replicated, downstreamOffset: replicated },
    lagRecords,
    lagSeconds,
    recordsLost: input.recordsLost ?? (replicated === null ? 0 : Math.max(0, sourceStart - replicated)),
    connectOffset: input.connectOffset ?? null,
  };
}

export interface TopicInput {
  topic: string;
  /** Default: `<source>.<topic>` (MM2's default policy). */
  remoteTopic?: string;
  /** Partition inputs, or a count of fully replicated partitions 0..n-1. */
  partitions: PartitionInput[] | number;
  remoteMissing?: boolean;
  targetPartitions?: number | null;
  partitionsMissing?: number;
}

export function makeTopic(source: string, input: TopicInput): TopicStatus {
  const remoteTopic = input.remoteTopic ?? `${source}.${input.topic}`;
  const inputs = typeof input.partitions === 'number' ? Array.from({ length: input.partitions }, (_, partition) => ({ partition })) : input.partitions;
  const partitions = inputs.map((p) => makePartition(input.topic, remoteTopic, input.remoteMissing ? { replicated: null, ...p } : p));
  const remoteMissing = input.remoteMissing ?? false;
  return {
    topic: input.topic,
    remoteTopic,
    sourcePartitions: partitions.length,
    targetPartitions: input.targetPartitions !== undefined ? input.targetPartitions : remoteMissing ? null : partitions.length,
    remoteMissing,
    partitionsMissing: input.partitionsMissing ?? (remoteMissing ? partitions.length : 0),
    partitions,
  };
}

export interface FlowInput {
  source: string;
  target: string;
  topics?: TopicInput[];
  known?: boolean;
  heartbeat?: Partial<HeartbeatStatus>;
  checkpoints?: GroupCheckpointStatus[];
  failover?: Partial<FailoverVerdict>;
}

export function makeFlow(input: FlowInput): FlowStatus {
  const topics = (input.topics ?? []).map((t) => makeTopic(input.source, t));
  const all = topics.flatMap((t) => t.partitions);
  const lags = all.map((p) => p.lagRecords).filter((v): v is number => v !== null);
  const seconds = all.map((p) => p.lagSeconds).filter((v): v is number => v !== null);
  const lagRecords = lags.length ? lags.reduce((a, b) => a + b, 0) : null;
  const maxLagSeconds = seconds.length ? Math.max(...seconds) : null;
  const heartbeat: HeartbeatStatus = {
    expected: true,
    topic: `${input.source}.heartbeats`,
    lastTimestampMs: T0 - 2000,
    ageSeconds: 2,
    ...input.heartbeat,
  };
  return {
    source: input.source,
    target: input.target,
    known: input.known ?? true,
    topics,
    heartbeat,
    checkpoints: input.checkpoints ?? [],
    totals: {
      lagRecords,
      maxLagSeconds,
      recordsLost: all.reduce((a, p) => a + p.recordsLost, 0),
      remoteTopicsMissing: topics.filter((t) => t.remoteMissing).length,
      partitionsMissing: topics.reduce((a, t) => a + t.partitionsMissing, 0),
    },
    failover: {
      ready: input.failover?.ready ?? (lagRecords === 0 && topics.every((t) => !t.remoteMissing)),
      reasons: input.failover?.reasons ?? [],
      rpo: input.failover?.rpo ?? { records: lagRecords, seconds: maxLagSeconds },
    },
  };
}

export function makeCluster(alias: string, input: Partial<ClusterStatus> = {}): ClusterStatus {
  return {
    alias,
    up: true,
    lastSuccessMs: T0 - 1000,
    lastPollDurationSeconds: 0.25,
    lastError: null,
    partitions: [],
    ...input,
  };
}

/** The offsets a cluster reports for the source partitions and the remote partitions of `flows`. */
export function clusterPartitionsFromFlows(alias: string, flows: FlowStatus[]): PartitionOffsets[] {
  const out: PartitionOffsets[] = [];
  for (const f of flows) {
    for (const t of f.topics) {
      for (const p of t.partitions) {
        if (f.source === alias) out.push({ topic: p.topic, partition: p.partition, start: p.sourceStart, end: p.sourceEnd });
        if (f.target === alias && p.targetEnd !== null) out.push({ topic: p.remoteTopic, partition: p.partition, start: 0, end: p.targetEnd });
      }
    }
  }
  return out;
}

export interface SnapshotInput {
  flows?: FlowInput[];
  /** Default: one up cluster per alias named in the flows, with their partitions. */
  clusters?: ClusterStatus[];
  complete?: boolean;
  takenAtMs?: number;
  sequence?: number;
}

export function makeSnapshot(input: SnapshotInput = {}): Snapshot {
  const flows = (input.flows ?? []).map(makeFlow);
  const aliases = [...new Set(flows.flatMap((f) => [f.source, f.target]))];
  return {
    takenAtMs: input.takenAtMs ?? T0,
    sequence: input.sequence ?? 1,
    complete: input.complete ?? true,
    clusters: input.clusters ?? aliases.map((a) => makeCluster(a, { partitions: clusterPartitionsFromFlows(a, flows) })),
    flows,
  };
}

/**
 * A snapshot of one flow with `topics` x `partitionsPerTopic` partitions, all lagging a little:
 * per partition 3 lag series and 2 + 2 offset series (source and target cluster), so about
 * 7 series per partition.
 */
export function largeSnapshot(topics: number, partitionsPerTopic: number, sequence = 1): Snapshot {
  const topicInputs: TopicInput[] = [];
  for (let t = 0; t < topics; t++) {
    const partitions: PartitionInput[] = [];
    for (let p = 0; p < partitionsPerTopic; p++) {
      const sourceEnd = 1_000_000 + t * 1000 + p + sequence;
      partitions.push({ partition: p, sourceStart: 1000, sourceEnd, replicated: sourceEnd - ((t + p + sequence) % 50), lagSeconds: ((t + p) % 50) / 10 });
    }
    topicInputs.push({ topic: `orders-${String(t).padStart(5, '0')}.events`, partitions });
  }
  return makeSnapshot({ flows: [{ source: 'us-east', target: 'us-west', topics: topicInputs }], sequence });
}
