// What mirrorwatch has learned from MM2's own topics, per flow. Mutable state owned by the poller;
// the snapshot builder copies what it needs into immutable FlowStatus values.
import type { Checkpoint, OffsetSync } from '../core/types.js';

export function flowKey(source: string, target: string): string {
  return `${source}->${target}`;
}

export function tpKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

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

const SYNCS_KEPT = 4;

export class FlowEvidence {
  /**
   * The few latest offset syncs per source topic-partition, oldest first, keyed by
   * tpKey(topic, partition). More than one because a sync read after the partition offsets may
   * point past them; the lag math then falls back to the newest sync that is usable.
   */
  readonly offsetSyncs = new Map<string, OffsetSync[]>();
  /** Newest heartbeat timestamp (epoch ms) seen in the remote heartbeats topic on the target. */
  heartbeatMs: number | null = null;
  readonly checkpoints = new Map<string, GroupCheckpoints>();
  /** Next upstream offset per source topic-partition according to MM2's Connect offsets. */
  readonly connectOffsets = new Map<string, number>();
  /** Committed offsets of checkpointed groups on the source: group -> tpKey -> offset. */
  committedOffsets = new Map<string, Map<string, number>>();

  recordOffsetSync(sync: OffsetSync): void {
    const key = tpKey(sync.topic, sync.partition);
    const list = this.offsetSyncs.get(key);
    if (!list) {
      this.offsetSyncs.set(key, [sync]);
      return;
    }
    list.push(sync);
    if (list.length > SYNCS_KEPT) list.shift();
  }

  recordHeartbeat(timestampMs: number): void {
    if (this.heartbeatMs === null || timestampMs > this.heartbeatMs) this.heartbeatMs = timestampMs;
  }

  recordCheckpoint(checkpoint: Checkpoint, recordTimestampMs: number): void {
    let group = this.checkpoints.get(checkpoint.group);
    if (!group) {
      group = { lastRecordMs: recordTimestampMs, entries: new Map() };
      this.checkpoints.set(checkpoint.group, group);
    }
    group.lastRecordMs = Math.max(group.lastRecordMs, recordTimestampMs);
    group.entries.set(tpKey(checkpoint.topic, checkpoint.partition), { checkpoint, recordTimestampMs });
  }

  recordConnectOffset(topic: string, partition: number, nextOffset: number | null): void {
    const key = tpKey(topic, partition);
    if (nextOffset === null) this.connectOffsets.delete(key);
    else this.connectOffsets.set(key, nextOffset);
  }

  /** Forget what a recreated MM2 topic said before (its offsets restarted). */
  reset(kind: Mm2TopicKind): void {
    switch (kind) {
      case 'offset-syncs':
        this.offsetSyncs.clear();
        break;
      case 'heartbeats':
        this.heartbeatMs = null;
        break;
      case 'checkpoints':
        this.checkpoints.clear();
        break;
      case 'connect-offsets':
        this.connectOffsets.clear();
        break;
    }
  }
}

export type Mm2TopicKind = 'heartbeats' | 'checkpoints' | 'offset-syncs' | 'connect-offsets';
