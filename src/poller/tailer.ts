// Reads MM2's compacted topics forward from where the previous poll stopped, without a consumer
// group: positions live here, in memory, so mirrorwatch never commits or writes anything.
//
// One-way: tail() only reads and reports. Per partition it hands back the records it read (all of
// them, including those read before a batch it could not decode), its next position and, when a
// fetch stopped short, why. Applying the records to the flows' evidence is the caller's business
// (src/core/mm2Evidence.ts).
import type { PartitionOffsets } from '../core/types.js';
import type { FetchErrorKind, KafkaPort, RawRecord } from '../kafka/port.js';
import { tpKey } from './evidence.js';

export interface TailSpec {
  topic: string;
  partitions: number[];
  /** Where a partition never read before starts: its log start, or its last N records. */
  startFrom: 'beginning' | { last: number };
}

/** Why a partition's tail stopped short in this poll. */
export interface TailProblem {
  kind: FetchErrorKind;
  /** The port's message, e.g. TOPIC_AUTHORIZATION_FAILED or the codec's complaint. */
  message: string;
  /** The offset the tail could not get past (for out-of-range: the position before the move). */
  offset: number;
}

export interface PartitionTail {
  partition: number;
  /** Records read this poll, in offset order. */
  records: RawRecord[];
  /** Where the next poll starts. */
  position: number;
  /**
   * Set when a fetch of this partition stopped short. Out-of-range is reported too, although the
   * tail already moved to the log start and carries on from there.
   */
  problem: TailProblem | null;
}

export interface TopicTail {
  topic: string;
  /** The topic was truncated or recreated (an end below our position): what it said before is void. */
  reset: boolean;
  partitions: PartitionTail[];
}

export interface TailResult {
  topics: TopicTail[];
  records: number;
  rounds: number;
  /** Partitions left behind their end because the round budget or the deadline ran out. */
  behind: number;
}

const MAX_BYTES_PER_PARTITION = 1024 * 1024;
// A follow round asks the broker to hold its answer for the whole wait unless this much arrives:
// with a heartbeat every second, an answer per record plus a timer to space the rounds out cost
// twice the wake-ups of one answer per wait (docs/performance.md, idle CPU). What arrives meanwhile
// comes with that answer, at most one wait late.
const FOLLOW_MIN_BYTES = 256 * 1024;

export class Tailer {
  private readonly positions = new Map<string, number>();

  /** Positions of partitions no longer tailed are dropped so memory follows the topic set. */
  retain(specs: TailSpec[]): void {
    const keep = new Set<string>();
    for (const s of specs) for (const p of s.partitions) keep.add(tpKey(s.topic, p));
    for (const k of this.positions.keys()) if (!keep.has(k)) this.positions.delete(k);
  }

  /** Positions of these topics are dropped: their next tail reads them again from where a new one starts. */
  forget(topics: ReadonlySet<string>): void {
    for (const k of this.positions.keys()) if (topics.has(k.slice(0, k.lastIndexOf('\u0000')))) this.positions.delete(k);
  }

  async tail(
    port: KafkaPort,
    specs: TailSpec[],
    offsets: Map<string, PartitionOffsets>,
    options: { deadlineMs: number; maxRounds: number; now?: () => number },
  ): Promise<TailResult> {
    const now = options.now ?? Date.now;
    const result: TailResult = { topics: [], records: 0, rounds: 0, behind: 0 };
    interface Cursor { topic: string; out: PartitionTail; key: string; end: number; start: number }
    const cursors: Cursor[] = [];
    for (const spec of specs) {
      const topicTail: TopicTail = { topic: spec.topic, reset: false, partitions: [] };
      result.topics.push(topicTail);
      for (const partition of spec.partitions) {
        const key = tpKey(spec.topic, partition);
        const off = offsets.get(key);
        if (!off) continue;
        let pos = this.positions.get(key);
        if (pos === undefined) {
          pos = spec.startFrom === 'beginning' ? off.start : Math.max(off.start, off.end - spec.startFrom.last);
        } else if (pos > off.end) {
          // The log went backwards: the topic was deleted and created again.
          topicTail.reset = true;
          pos = off.start;
        } else if (pos < off.start) {
          pos = off.start;
        }
        this.positions.set(key, pos);
        const out: PartitionTail = { partition, records: [], position: pos, problem: null };
        topicTail.partitions.push(out);
        cursors.push({ topic: spec.topic, out, key, end: off.end, start: off.start });
      }
    }

    let pending = cursors.filter((c) => c.out.position < c.end);
    while (pending.length > 0 && result.rounds < options.maxRounds && now() < options.deadlineMs) {
      result.rounds++;
      const byKey = new Map(pending.map((c) => [c.key, c]));
      const fetched = await port.fetch(
        pending.map((c) => ({ topic: c.topic, partition: c.out.partition, offset: c.out.position, maxBytes: MAX_BYTES_PER_PARTITION })),
      );
      const progressed = new Set<string>();
      for (const r of fetched) {
        const key = tpKey(r.topic, r.partition);
        const cursor = byKey.get(key);
        if (!cursor) continue;
        const out = cursor.out;
        const pos = out.position;
        // Records before a bad batch are good records: keep them whatever follows.
        for (const rec of r.records) {
          if (rec.offset < pos) continue;
          out.records.push(rec);
          result.records++;
        }
        let next = Math.max(pos, r.nextOffset);
        if (r.error !== null) {
          const kind: FetchErrorKind = r.errorKind ?? (/out.of.range/i.test(r.error) ? 'out-of-range' : 'kafka');
          out.problem = { kind, message: r.error, offset: next };
          if (kind === 'out-of-range') {
            // Retention or compaction moved the log start past us: carry on from there.
            next = cursor.start;
            if (next !== pos) progressed.add(key);
          }
          // Any other problem stops this partition for this poll: the next poll tries again.
          out.position = next;
          this.positions.set(key, next);
          continue;
        }
        if (next > pos) progressed.add(key);
        out.position = next;
        this.positions.set(key, next);
        cursor.end = Math.max(cursor.end, r.highWatermark);
      }
      pending = pending.filter((c) => progressed.has(c.key) && c.out.position < c.end && (c.out.problem === null || c.out.problem.kind === 'out-of-range'));
    }
    result.behind = cursors.filter((c) => c.out.position < c.end).length;
    return result;
  }

  /**
   * One long-poll round between polls: fetches every partition of `specs` whose position a poll
   * established (and that is not `paused`) from that position, letting each broker hold the answer
   * up to `maxWaitMs` until a record arrives. Moves positions past what it read. Problems are
   * reported per partition as in tail(), positions left where they were: the next poll sorts out
   * log starts, recreated topics and reconnects, as it always has. A fetch that no broker answered
   * comes back as `unreachable` on every partition asked for.
   */
  async follow(port: KafkaPort, specs: TailSpec[], options: { maxWaitMs: number; paused: ReadonlySet<string> }): Promise<TailResult> {
    const result: TailResult = { topics: [], records: 0, rounds: 0, behind: 0 };
    const outs = new Map<string, PartitionTail>();
    const requests: { topic: string; partition: number; offset: number; maxBytes: number }[] = [];
    for (const spec of specs) {
      const topicTail: TopicTail = { topic: spec.topic, reset: false, partitions: [] };
      result.topics.push(topicTail);
      for (const partition of spec.partitions) {
        const key = tpKey(spec.topic, partition);
        const pos = this.positions.get(key);
        if (pos === undefined || options.paused.has(key)) continue;
        const out: PartitionTail = { partition, records: [], position: pos, problem: null };
        topicTail.partitions.push(out);
        outs.set(key, out);
        requests.push({ topic: spec.topic, partition, offset: pos, maxBytes: MAX_BYTES_PER_PARTITION });
      }
    }
    if (requests.length === 0) return result;
    result.rounds = 1;
    let fetched;
    try {
      fetched = await port.fetch(requests, { maxWaitMs: options.maxWaitMs, minBytes: FOLLOW_MIN_BYTES });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      for (const out of outs.values()) out.problem = { kind: 'unreachable', message, offset: out.position };
      return result;
    }
    for (const r of fetched) {
      const key = tpKey(r.topic, r.partition);
      const out = outs.get(key);
      if (!out) continue;
      const pos = out.position;
      for (const rec of r.records) {
        if (rec.offset < pos) continue;
        out.records.push(rec);
        result.records++;
      }
      const next = Math.max(pos, r.nextOffset);
      if (r.error !== null) {
        const kind: FetchErrorKind = r.errorKind ?? (/out.of.range/i.test(r.error) ? 'out-of-range' : 'kafka');
        out.problem = { kind, message: r.error, offset: next };
      }
      // Only a (possibly partial) read moves the position; an out-of-range answer read nothing.
      out.position = next;
      this.positions.set(key, next);
      if (r.highWatermark >= 0 && next < r.highWatermark) result.behind++;
    }
    return result;
  }
}
