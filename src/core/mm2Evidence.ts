// What mirrorwatch has learned from MM2's own topics about one flow, and the one reducer that
// applies records read from those topics to it. Pure: no I/O, no clock, no logger. The reducer
// updates the evidence it is given in place (a structural update: at 2 x 20,000 partitions,
// copying the maps per poll would cost more than the whole rebuild) and returns the records it
// could not use, for the caller to count and log.
import { decodeCheckpoint, decodeHeartbeat, decodeOffsetSync } from './codecs/index.js';
import { decodeConnectOffset, isFlowSourceConnectorOffset } from './connectOffsets.js';
import { offsetKey } from './flowInput.js';
import type { Checkpoint, EvidenceKind, OffsetSync } from './types.js';

export type Mm2TopicKind = EvidenceKind;

/** The flat topic-partition key the flow computation looks evidence up by. */
export const tpKey: (topic: string, partition: number) => string = offsetKey;

export interface CheckpointEntry {
  checkpoint: Checkpoint;
  /** Timestamp of the checkpoint record (when MM2 wrote it). */
  recordTimestampMs: number;
}

export interface GroupCheckpoints {
  /** Newest checkpoint record timestamp of the group. */
  lastRecordMs: number;
  /** Keyed by tpKey(remoteTopic, partition). */
  entries: Map<string, CheckpointEntry>;
}

export interface Mm2Evidence {
  /**
   * The few latest offset syncs per source topic-partition, oldest first, keyed by
   * tpKey(topic, partition). More than one because a sync read after the partition offsets may
   * point past them; the lag math then falls back to the newest sync that is usable.
   */
  offsetSyncs: Map<string, OffsetSync[]>;
  /** Newest heartbeat timestamp (epoch ms) seen in the remote heartbeats topic on the target. */
  heartbeatMs: number | null;
  /**
   * When mirrorwatch last read the heartbeats topic to its end without a problem (epoch ms): the
   * time a heartbeat's age is measured at, so a late read is never taken for MM2's silence.
   */
  heartbeatReadAtMs?: number | null;
  checkpoints: Map<string, GroupCheckpoints>;
  /** Next upstream offset per source topic-partition according to MM2's Connect offsets. */
  connectOffsets: Map<string, number>;
}

export function emptyEvidence(): Mm2Evidence {
  return { offsetSyncs: new Map(), heartbeatMs: null, checkpoints: new Map(), connectOffsets: new Map() };
}

export const SYNCS_KEPT = 4;

/** One record of an MM2 topic as read (the tailer's RawRecord plus its partition). */
export interface Mm2Record {
  partition: number;
  offset: number;
  /** Record timestamp, epoch ms. */
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
}

/** A record the reducer skipped: the caller counts it and logs one line per (cluster, topic, kind). */
export interface BadRecord {
  partition: number;
  offset: number;
  /** The codec's error kind ('truncated', 'unknown-version', ...) or 'invalid' for Connect offsets. */
  kind: string;
  message: string;
}

/** What decides which records of a topic count for one flow. */
export interface ReduceContext {
  /** The flow's source alias. */
  source: string;
  /** The flow's source connector name (Connect mode), when configured; any name matches without it. */
  sourceConnectorName?: string | undefined;
  /**
   * The source topics whose offset syncs and Connect offsets are kept (a shard keeps its own
   * pairs', src/core/shard.ts); all when absent.
   */
  keepTopic?: ((topic: string) => boolean) | undefined;
}

/** Forget what a recreated MM2 topic said before (its offsets restarted). */
export function resetEvidence(evidence: Mm2Evidence, kind: Mm2TopicKind): void {
  switch (kind) {
    case 'offset-syncs':
      evidence.offsetSyncs.clear();
      break;
    case 'heartbeats':
      evidence.heartbeatMs = null;
      break;
    case 'checkpoints':
      evidence.checkpoints.clear();
      break;
    case 'connect-offsets':
      evidence.connectOffsets.clear();
      break;
  }
}

/**
 * Which cluster's topics a piece of evidence speaks of: offset syncs and Connect offsets name
 * source topics, checkpoints the remote topics on the target.
 */
export type EvidenceSide = 'source' | 'target';

/**
 * The topics of `side` the evidence holds entries for. MM2 leaves them all behind when a topic is
 * deleted (no tombstones), so they are what a deleted topic would keep in memory.
 */
export function evidenceTopics(evidence: Mm2Evidence, side: EvidenceSide): Set<string> {
  const topics = new Set<string>();
  if (side === 'source') {
    for (const list of evidence.offsetSyncs.values()) if (list[0]) topics.add(list[0].topic);
    for (const key of evidence.connectOffsets.keys()) topics.add(topicOfKey(key));
  } else {
    for (const group of evidence.checkpoints.values()) for (const e of group.entries.values()) topics.add(e.checkpoint.topic);
  }
  return topics;
}

/**
 * Forgets the entries of `side` about `topics`; returns how many went. A group keeps its newest
 * checkpoint time (its checkpoint age) when its last entry goes.
 */
export function forgetTopics(evidence: Mm2Evidence, side: EvidenceSide, topics: ReadonlySet<string>): number {
  if (topics.size === 0) return 0;
  let removed = 0;
  // Deleting the entry just visited is safe while iterating a Map.
  if (side === 'source') {
    for (const [key, list] of evidence.offsetSyncs) {
      if (list[0] && topics.has(list[0].topic)) {
        evidence.offsetSyncs.delete(key);
        removed++;
      }
    }
    for (const key of evidence.connectOffsets.keys()) {
      if (topics.has(topicOfKey(key))) {
        evidence.connectOffsets.delete(key);
        removed++;
      }
    }
  } else {
    for (const group of evidence.checkpoints.values()) {
      for (const [key, e] of group.entries) {
        if (topics.has(e.checkpoint.topic)) {
          group.entries.delete(key);
          removed++;
        }
      }
    }
  }
  return removed;
}

function topicOfKey(key: string): string {
  return key.slice(0, key.lastIndexOf('\u0000'));
}

/**
 * Applies the records of one MM2 topic of kind `kind`, in offset order per partition, to
 * `evidence`. Returns the records that could not be decoded; tombstones (null values) of the
 * compacted topics are not errors.
 */
export function applyMm2Records(evidence: Mm2Evidence, kind: Mm2TopicKind, records: Iterable<Mm2Record>, ctx: ReduceContext): BadRecord[] {
  const bad: BadRecord[] = [];
  for (const rec of records) {
    switch (kind) {
      case 'heartbeats': {
        const r = decodeHeartbeat(rec.key, rec.value);
        if (r.ok) {
          if (evidence.heartbeatMs === null || r.value.timestamp > evidence.heartbeatMs) evidence.heartbeatMs = r.value.timestamp;
        } else if (r.error.kind !== 'null-value') bad.push({ partition: rec.partition, offset: rec.offset, kind: r.error.kind, message: r.error.message });
        break;
      }
      case 'offset-syncs': {
        const r = decodeOffsetSync(rec.key, rec.value);
        if (r.ok) {
          if (!ctx.keepTopic || ctx.keepTopic(r.value.topic)) addOffsetSync(evidence, r.value);
        }
        else if (r.error.kind !== 'null-value') bad.push({ partition: rec.partition, offset: rec.offset, kind: r.error.kind, message: r.error.message });
        break;
      }
      case 'checkpoints': {
        const r = decodeCheckpoint(rec.key, rec.value);
        if (r.ok) addCheckpoint(evidence, r.value, rec.timestamp);
        else if (r.error.kind !== 'null-value') bad.push({ partition: rec.partition, offset: rec.offset, kind: r.error.kind, message: r.error.message });
        break;
      }
      case 'connect-offsets': {
        const r = decodeConnectOffset(rec.key, rec.value);
        if (!r.ok) {
          bad.push({ partition: rec.partition, offset: rec.offset, kind: 'invalid', message: r.error });
          break;
        }
        // The same topic holds the checkpoint and heartbeat connectors' offsets, and in Connect
        // mode every flow's into this target: isFlowSourceConnectorOffset() picks this flow's.
        const v = r.value;
        if (isFlowSourceConnectorOffset(v, ctx) && (!ctx.keepTopic || ctx.keepTopic(v.topic))) {
          const key = tpKey(v.topic, v.partition);
          if (v.nextOffset === null) evidence.connectOffsets.delete(key);
          else evidence.connectOffsets.set(key, v.nextOffset);
        }
        break;
      }
    }
  }
  return bad;
}

function addOffsetSync(evidence: Mm2Evidence, sync: OffsetSync): void {
  const key = tpKey(sync.topic, sync.partition);
  const list = evidence.offsetSyncs.get(key);
  if (!list) {
    evidence.offsetSyncs.set(key, [sync]);
    return;
  }
  list.push(sync);
  if (list.length > SYNCS_KEPT) list.shift();
}

function addCheckpoint(evidence: Mm2Evidence, checkpoint: Checkpoint, recordTimestampMs: number): void {
  let group = evidence.checkpoints.get(checkpoint.group);
  if (!group) {
    group = { lastRecordMs: recordTimestampMs, entries: new Map() };
    evidence.checkpoints.set(checkpoint.group, group);
  }
  group.lastRecordMs = Math.max(group.lastRecordMs, recordTimestampMs);
  group.entries.set(tpKey(checkpoint.topic, checkpoint.partition), { checkpoint, recordTimestampMs });
}
