// What the poller hands to computeFlowStatus: plain read-only views of what it last read from
// each cluster and from MM2's topics. No I/O here; the poller owns freshness.
import type { OffsetSyncPoint } from './lag.js';
import type { GapCheck } from './transactionGaps.js';
import type { Checkpoint, ClusterAlias } from './types.js';

export interface OffsetRange {
  /** Log-start offset. */
  start: number;
  /** High watermark. */
  end: number;
}

/**
 * Offsets of a cluster's partitions: either flat, keyed by offsetKey(topic, partition), or
 * nested, topic -> partition -> range. Both shapes may be mixed in one map.
 */
export type OffsetIndex = ReadonlyMap<string, OffsetRange> | ReadonlyMap<string, ReadonlyMap<number, OffsetRange>>;

export interface ClusterView {
  alias: ClusterAlias;
  /** At least one poll of this cluster succeeded; until then its topics count as unknown, not missing. */
  read: boolean;
  /** When `offsets` were read (epoch ms); defaults to the computation's nowMs. Dates the lag-seconds samples. */
  observedAtMs?: number | null;
  /** Topic -> partition ids, for every topic of the cluster (the flow filter selects among them). */
  topics: ReadonlyMap<string, readonly number[]>;
  offsets: OffsetIndex;
}

export interface GroupCheckpointEvidence {
  /** Timestamp (epoch ms) of the group's newest record in the checkpoints topic. */
  lastRecordTimestampMs: number | null;
  /** Latest checkpoint per remote topic-partition (topics are names on the target). */
  checkpoints: Iterable<Checkpoint>;
}

/** MM2's own records for one flow, each optional: a missing piece reads as "nothing seen". */
export interface FlowEvidence {
  /** Key offsetKey(sourceTopic, partition): the latest sync, or a few recent ones oldest first. */
  offsetSyncs?: ReadonlyMap<string, OffsetSyncPoint | readonly OffsetSyncPoint[]>;
  /** Newest heartbeat timestamp (epoch ms) in the remote heartbeats topic on the target. */
  heartbeatLastTimestampMs?: number | null;
  /** By consumer group. */
  checkpoints?: ReadonlyMap<string, GroupCheckpointEvidence>;
  /** Group -> offsetKey(sourceTopic, partition) -> committed offset on the source. */
  committedOffsets?: ReadonlyMap<string, ReadonlyMap<string, number | null>>;
  /**
   * Key offsetKey(sourceTopic, partition): next upstream offset MM2 will copy according to its
   * Connect offsets topic, i.e. the stored `{"offset": n}` plus 1.
   */
  connectOffsets?: ReadonlyMap<string, number | null>;
  /** Key offsetKey(sourceTopic, partition): read_committed probes of uncopied ranges (transactionGaps.ts). */
  gapChecks?: ReadonlyMap<string, GapCheck>;
}

/** Flat key of a topic-partition; NUL cannot occur in a topic name. */
export function offsetKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

function isRange(value: unknown): value is OffsetRange {
  return typeof value === 'object' && value !== null && !(value instanceof Map) && 'end' in value;
}

/**
 * lookupOffsets() with the shape of `index` found once and each topic's entry once per topic: at
 * 20,000 partitions, building and hashing a flat key string per partition was a third of a
 * snapshot rebuild (docs/performance.md). Answers as lookupOffsets() does.
 */
export function offsetsReader(index: OffsetIndex): (topic: string) => (partition: number) => OffsetRange | undefined {
  // Flat keys contain NUL, which no topic name does; without any, a topic's nested map is the answer.
  let flat = false;
  for (const key of index.keys()) {
    if (key.includes('\u0000')) {
      flat = true;
      break;
    }
  }
  return (topic) => {
    const nested = (index as ReadonlyMap<string, unknown>).get(topic);
    if (flat || !(nested instanceof Map)) return (partition) => lookupOffsets(index, topic, partition);
    return (partition) => {
      const range: unknown = nested.get(partition);
      return isRange(range) ? range : undefined;
    };
  };
}

export function lookupOffsets(index: OffsetIndex, topic: string, partition: number): OffsetRange | undefined {
  const map = index as ReadonlyMap<string, OffsetRange | ReadonlyMap<number, OffsetRange>>;
  const flat = map.get(offsetKey(topic, partition));
  if (isRange(flat)) return flat;
  const nested = map.get(topic);
  if (nested instanceof Map) {
    const range: unknown = nested.get(partition);
    if (isRange(range)) return range;
  }
  return undefined;
}

export function syncsOf(value: OffsetSyncPoint | readonly OffsetSyncPoint[] | undefined): readonly OffsetSyncPoint[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? (value as readonly OffsetSyncPoint[]) : [value as OffsetSyncPoint];
}
