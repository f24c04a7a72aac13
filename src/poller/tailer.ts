// Reads MM2's compacted topics forward from where the previous poll stopped, without a consumer
// group: positions live here, in memory, so mirrorwatch never commits or writes anything.
import type { PartitionOffsets } from '../core/types.js';
import type { KafkaPort, RawRecord } from '../kafka/port.js';
import { tpKey } from './evidence.js';

export interface TailSpec {
  topic: string;
  partitions: number[];
  /** Where a partition never read before starts: its log start, or its last N records. */
  startFrom: 'beginning' | { last: number };
  onRecord(partition: number, record: RawRecord): void;
  /** The partition was truncated or recreated (end below our position): drop what it said. */
  onReset(): void;
}

export interface TailStats {
  records: number;
  rounds: number;
  /** Partitions left behind their end because the round budget or the deadline ran out. */
  behind: number;
}

const MAX_BYTES_PER_PARTITION = 1024 * 1024;

export class Tailer {
  private readonly positions = new Map<string, number>();

  /** Positions of partitions no longer tailed are dropped so memory follows the topic set. */
  retain(specs: TailSpec[]): void {
    const keep = new Set<string>();
    for (const s of specs) for (const p of s.partitions) keep.add(tpKey(s.topic, p));
    for (const k of this.positions.keys()) if (!keep.has(k)) this.positions.delete(k);
  }

  async tail(
    port: KafkaPort,
    specs: TailSpec[],
    offsets: Map<string, PartitionOffsets>,
    options: { deadlineMs: number; maxRounds: number; now?: () => number },
  ): Promise<TailStats> {
    const now = options.now ?? Date.now;
    const stats: TailStats = { records: 0, rounds: 0, behind: 0 };
    interface Cursor { spec: TailSpec; partition: number; key: string; end: number; start: number }
    const cursors: Cursor[] = [];
    for (const spec of specs) {
      let reset = false;
      for (const partition of spec.partitions) {
        const key = tpKey(spec.topic, partition);
        const off = offsets.get(key);
        if (!off) continue;
        let pos = this.positions.get(key);
        if (pos === undefined) {
          pos = spec.startFrom === 'beginning' ? off.start : Math.max(off.start, off.end - spec.startFrom.last);
        } else if (pos > off.end) {
          // The log went backwards: the topic was deleted and created again.
          reset = true;
          pos = off.start;
        } else if (pos < off.start) {
          pos = off.start;
        }
        this.positions.set(key, pos);
        cursors.push({ spec, partition, key, end: off.end, start: off.start });
      }
      if (reset) spec.onReset();
    }

    let pending = cursors.filter((c) => (this.positions.get(c.key) ?? 0) < c.end);
    while (pending.length > 0 && stats.rounds < options.maxRounds && now() < options.deadlineMs) {
      stats.rounds++;
      const byKey = new Map(pending.map((c) => [c.key, c]));
      const results = await port.fetch(
        pending.map((c) => ({
          topic: c.spec.topic,
          partition: c.partition,
          offset: this.positions.get(c.key) ?? c.start,
          maxBytes: MAX_BYTES_PER_PARTITION,
        })),
      );
      const progressed = new Set<string>();
      for (const r of results) {
        const key = tpKey(r.topic, r.partition);
        const cursor = byKey.get(key);
        if (!cursor) continue;
        const pos = this.positions.get(key) ?? cursor.start;
        if (r.error) {
          // Out of range: retention or compaction moved the log start past us; start over there.
          if (/out.of.range/i.test(r.error)) {
            this.positions.set(key, cursor.start);
            if (cursor.start !== pos) progressed.add(key);
          }
          continue;
        }
        for (const rec of r.records) {
          if (rec.offset < pos) continue;
          cursor.spec.onRecord(cursor.partition, rec);
          stats.records++;
        }
        const next = Math.max(pos, r.nextOffset);
        if (next > pos) progressed.add(key);
        this.positions.set(key, next);
        cursor.end = Math.max(cursor.end, r.highWatermark);
      }
      pending = pending.filter((c) => progressed.has(c.key) && (this.positions.get(c.key) ?? 0) < c.end);
    }
    stats.behind = cursors.filter((c) => (this.positions.get(c.key) ?? 0) < c.end).length;
    return stats;
  }
}
