// Reads, on a source cluster, the few offsets MM2 has not copied, to tell records from transaction
// markers and aborted records (src/core/transactionGaps.ts says why offsets are not records).
//
// After each snapshot the monitor hands the probe every source partition whose uncopied range
// [max(replicated, log start), end) is small (GAP_PROBE_MAX_OFFSETS) and was the same in the
// previous snapshot (or is in the first one): a range that moves is MM2 at work, and probing it
// would be stale at once. On
// the next poll of that source cluster, right after its offsets are read, the probe fetches those
// ranges read_committed through the KafkaPort (one Fetch per leader broker per round, counted in
// mirrorwatch_kafka_requests_total like every request), at most MAX_PARTITIONS_PER_POLL of them.
// A range whose fetch reached the end becomes a GapCheck; the core decides lag from it. A range
// that could not be read keeps its offset lag: the probe can only lower lag with evidence, never
// guess, so a failure costs exactness, not truth.
import type { GapCheck } from '../core/transactionGaps.js';
import { worthProbing } from '../core/transactionGaps.js';
import type { PartitionOffsets, Snapshot } from '../core/types.js';
import type { Telemetry } from '../core/telemetry.js';
import type { KafkaPort } from '../kafka/port.js';
import type { Logger } from '../log.js';
import { flowKey, tpKey } from './evidence.js';


/** Ranges probed per poll of one cluster; the others wait for the next poll. */
export const MAX_PARTITIONS_PER_POLL = 100;
/** Fetch rounds per poll: a range of 1000 large records may need more than one 256 KiB read. */
const MAX_ROUNDS = 3;
const MAX_BYTES_PER_PARTITION = 256 * 1024;

interface Range {
  /** The flow whose MM2 position `from` is (two flows from one source copy at different paces). */
  flow: string;
  topic: string;
  partition: number;
  from: number;
  end: number;
}

type RangesByTopic = Map<string, Map<number, Range>>;

export class GapProbe {
  /** flowKey -> topic -> partition -> uncopied range seen in the latest snapshot. */
  private latest = new Map<string, RangesByTopic>();
  /** Source cluster -> ranges to probe on its next poll (at most MAX_PARTITIONS_PER_POLL). */
  private wanted = new Map<string, Range[]>();
  /** flowKey -> tpKey -> evidence, with the range it was made for. */
  private readonly checks = new Map<string, Map<string, GapCheck & { topic: string; partition: number }>>();
  private readonly loggedFailures = new Set<string>();
  private planned = false;
  /** cluster NUL topic: topics the probe may not read (no Read ACL). */
  private readonly deniedTopics = new Set<string>();

  constructor(
    private readonly logger: Logger,
    private readonly telemetry: Telemetry,
  ) {}

  /** Evidence for the snapshot of a flow (keys tpKey(topic, partition)). */
  checksFor(source: string, target: string): ReadonlyMap<string, GapCheck> | undefined {
    return this.checks.get(flowKey(source, target));
  }

  /**
   * Learns from a snapshot which ranges to probe; forgets evidence no partition needs any more.
   * Runs after every snapshot rebuild, so it allocates nothing per partition without a small
   * uncopied range and builds no key strings (2 x 20,000 partitions: a few ms).
   */
  plan(snapshot: Snapshot): void {
    // The first complete snapshot has nothing to compare with: its ranges are probed once as they
    // are, so a one-shot CLI command (two polls) gets exact figures too.
    const first = !this.planned && snapshot.complete;
    if (snapshot.complete) this.planned = true;
    const latest = new Map<string, RangesByTopic>();
    const wanted = new Map<string, Range[]>();
    for (const flow of snapshot.flows) {
      const fKey = flowKey(flow.source, flow.target);
      const before = this.latest.get(fKey);
      const checks = this.checks.get(fKey);
      let ranges: RangesByTopic | undefined;
      let todo = wanted.get(flow.source);
      for (const t of flow.topics) {
        let topicRanges: Map<number, Range> | undefined;
        const topicBefore = before?.get(t.topic);
        for (const p of t.partitions) {
          if (p.replicated === null) continue;
          const from = Math.max(p.replicated, p.sourceStart);
          if (!worthProbing(from, p.sourceEnd)) continue;
          const r: Range = { flow: fKey, topic: p.topic, partition: p.partition, from, end: p.sourceEnd };
          if (!topicRanges) {
            topicRanges = new Map();
            if (!ranges) latest.set(fKey, (ranges = new Map()));
            ranges.set(t.topic, topicRanges);
          }
          topicRanges.set(p.partition, r);
          if (todo && todo.length >= MAX_PARTITIONS_PER_POLL) continue;
          const b = topicBefore?.get(p.partition);
          if (!first && !(b && b.from === from && b.end === r.end)) continue;
          if (checks) {
            const known = checks.get(tpKey(p.topic, p.partition));
            if (known && known.from === from && known.end === r.end) continue;
          }
          if (!todo) wanted.set(flow.source, (todo = []));
          todo.push(r);
        }
      }
    }
    this.latest = latest;
    this.wanted = wanted;
    // A refusal is remembered per topic: a deleted topic's would stay for good under topic churn.
    if (snapshot.complete && this.deniedTopics.size > 0) {
      const live = new Set<string>();
      for (const flow of snapshot.flows) for (const t of flow.topics) live.add(`${flow.source}\u0000${t.topic}`);
      for (const key of this.deniedTopics) if (!live.has(key)) this.deniedTopics.delete(key);
    }
    // Evidence of a range no partition has any more (MM2 moved, flow gone) is worthless.
    for (const [fKey, checks] of this.checks) {
      const ranges = latest.get(fKey);
      for (const [key, c] of checks) {
        if (ranges?.get(c.topic)?.get(c.partition)?.from !== c.from) checks.delete(key);
      }
      if (checks.size === 0) this.checks.delete(fKey);
    }
  }

  /**
   * Probes the wanted ranges of `cluster` with the offsets this poll just read. Never rejects: a
   * failure is counted (poll error kind `gap_probe`), logged once, and leaves lag as offsets say.
   */
  async probe(port: KafkaPort, cluster: string, offsets: ReadonlyMap<string, PartitionOffsets>, deadlineMs: number, now: () => number): Promise<void> {
    const wanted = this.wanted.get(cluster);
    if (!wanted || wanted.length === 0) return;
    const todo: (Range & { key: string; pos: number; readable: number })[] = [];
    // The port answers once per distinct partition: a partition two flows want waits a poll.
    const taken = new Set<string>();
    for (const r of wanted) {
      const key = tpKey(r.topic, r.partition);
      if (taken.has(key) || (this.deniedTopics.size > 0 && this.deniedTopics.has(`${cluster}\u0000${r.topic}`))) continue;
      const o = offsets.get(key);
      if (!o) continue;
      // The end read by this poll is the one the next snapshot compares with.
      const end = o.end;
      const from = Math.max(r.from, o.start);
      if (!worthProbing(from, end)) continue;
      const known = this.checks.get(r.flow)?.get(key);
      if (known && known.from === from && known.end === end) continue;
      taken.add(key);
      todo.push({ ...r, key, from, end, pos: from, readable: 0 });
    }
    let pending = todo;
    try {
      for (let round = 0; round < MAX_ROUNDS && pending.length > 0 && now() < deadlineMs; round++) {
        const results = await port.fetch(pending.map((r) => ({ topic: r.topic, partition: r.partition, offset: r.pos, maxBytes: MAX_BYTES_PER_PARTITION })));
        const next: typeof pending = [];
        // One result per distinct partition, in request order; two flows may ask for the same one.
        const byKey = new Map(results.map((res) => [tpKey(res.topic, res.partition), res]));
        for (const r of pending) {
          const res = byKey.get(r.key);
          if (!res) continue;
          if (res.error) {
            if (/AUTHORIZATION/i.test(res.error)) this.denied(cluster, r.topic, res.error);
            else this.failed(cluster, `${res.errorKind ?? 'kafka'}`, `${r.topic}-${r.partition}: ${res.error}`);
            continue;
          }
          for (const rec of res.records) if (rec.offset >= r.pos && rec.offset < r.end) r.readable++;
          if (res.nextOffset >= r.end) {
            let checks = this.checks.get(r.flow);
            if (!checks) this.checks.set(r.flow, (checks = new Map()));
            checks.set(r.key, { from: r.from, end: r.end, readableRecords: r.readable, topic: r.topic, partition: r.partition });
          } else if (res.nextOffset > r.pos) {
            // More to read (large records), or stopped at an open transaction's last stable offset.
            r.pos = res.nextOffset;
            next.push(r);
          }
        }
        pending = next;
      }
    } catch (err) {
      this.failed(cluster, 'request', err instanceof Error ? err.message : String(err));
    }
  }

  /**
   * Read on the data topics is optional (SECURITY.md: Describe is enough for everything else), so a
   * refused probe is no error: the topic is not probed again and lag there stays in offsets.
   */
  private denied(cluster: string, topic: string, message: string): void {
    const key = `${cluster}\u0000${topic}`;
    if (this.deniedTopics.has(key)) return;
    this.deniedTopics.add(key);
    this.logger.info(
      { cluster, topic },
      `no Read on ${topic} (${cluster}): lag there is counted in offsets, transaction markers included (${message}); grant Read to count records only`,
    );
  }

  private failed(cluster: string, kind: string, message: string): void {
    this.telemetry.pollError(cluster, 'gap_probe');
    const key = `${cluster}\u0000${kind}`;
    if (this.loggedFailures.has(key)) return;
    this.loggedFailures.add(key);
    this.logger.warn(
      { cluster, kind },
      `reading uncopied offsets on ${cluster} to tell transaction markers from records failed (${message}); lag there stays counted in offsets (further ${kind} failures are only counted)`,
    );
  }
}
