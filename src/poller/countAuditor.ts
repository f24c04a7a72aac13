// Reads what the count audit needs from both clusters of a flow and judges each bucket with the
// pure rules of core/countAudit.ts. The source is read once, when a bucket has settled (before
// retention or DeleteRecords can take its records away); the target is read until MM2 has copied
// past the bucket. Requests: one ListOffsets by timestamp per broker per new boundary and side (a
// boundary shared by consecutive buckets is asked once; on the target, an answer that found a
// record never changes and is kept), log starts and ends from the latest poll when the caller
// has them (else two ListOffsets per broker and side), and read_committed Fetches only for buckets
// whose offset counts differ (to tell transaction markers and aborted records from records).
import type { KafkaPort, TimestampQuery } from '../kafka/port.js';
import { TopicPartitionMap } from '../kafka/topicPartitionMap.js';
import type { AuditTotals, Bucket, BucketVerdict, CannotJudgeReason, OffsetRange, SideBucketReading } from '../core/countAudit.js';
import { BoundaryCounter, addVerdict, boundariesOf, emptyTotals, judgeBucket, settledBuckets } from '../core/countAudit.js';

export interface AuditedPartition {
  /** Source topic. */
  topic: string;
  /** Its copy on the target (replication policy applied). */
  remoteTopic: string;
  partition: number;
}

export type AuditPort = Pick<KafkaPort, 'fetchOffsetsForTimes' | 'fetchOffsets' | 'fetch'>;

export interface PartitionVerdict extends AuditedPartition {
  verdict: BucketVerdict;
}

export interface BucketResult extends Bucket {
  partitions: PartitionVerdict[];
  totals: AuditTotals;
}

export interface CountAuditorOptions {
  source: AuditPort;
  target: AuditPort;
  bucketMs: number;
  /** How long after its end a bucket is first read: time MM2 has to copy it. */
  settleMs: number;
  /** How long after settling a bucket MM2 may take to copy past it before the audit judges it anyway. */
  judgeAfterMs: number;
  /** Largest range counted record by record per side and partition (read_committed fetch). */
  countMaxOffsets: number;
  now: () => number;
}

export const AUDIT_DEFAULTS = {
  bucketMs: 60_000,
  settleMs: 120_000,
  judgeAfterMs: 600_000,
  countMaxOffsets: 100_000,
} as const;

interface Waiting {
  bucket: Bucket;
  /** Partitions read and judged. */
  partitions: AuditedPartition[];
  source: BucketReadings;
  /** Partitions of topics the audit does not judge (compacted, LogAppendTime), with their verdicts. */
  excluded: PartitionVerdict[];
}

/** Source topics not judged, with why (from their configs: see topicNotJudged). */
export type ExcludedTopics = ReadonlyMap<string, { reason: CannotJudgeReason; detail: string }>;

/** Splits partitions into those to read and the verdicts of those not judged. */
export function splitExcluded(partitions: readonly AuditedPartition[], excluded: ExcludedTopics | undefined): { judged: AuditedPartition[]; excluded: PartitionVerdict[] } {
  if (!excluded || excluded.size === 0) return { judged: [...partitions], excluded: [] };
  const judged: AuditedPartition[] = [];
  const out: PartitionVerdict[] = [];
  for (const p of partitions) {
    const x = excluded.get(p.topic);
    if (x) out.push({ ...p, verdict: { kind: 'cannot_judge', reason: x.reason, detail: x.detail } });
    else judged.push(p);
  }
  return { judged, excluded: out };
}

const tpKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

type Side = 'source' | 'target';
const topicOn = (p: AuditedPartition, side: Side): string => (side === 'source' ? p.topic : p.remoteTopic);

/** Readings of one bucket, keyed by the source topic and partition. */
export type BucketReadings = TopicPartitionMap<SideBucketReading>;

/** Log starts and ends a caller already holds (the latest poll), keyed by that side's topic. */
export type LogEnds = TopicPartitionMap<{ start: number; end: number }>;

/** Answers by timestamp, keyed by one side's topic. */
export type KnownBoundaries = Map<number, TopicPartitionMap<number | null>>;

/**
 * Boundary offsets and log ends of `partitions` on one side for `buckets`. Log ends are read (or
 * were read by the latest poll) before the boundaries: a boundary with no record after it ends at
 * the log end as it was before the boundary was asked. A log end read earlier can only be lower
 * than the one at the boundary's time: on the target that keeps a bucket pending a cycle longer,
 * never makes it look complete. No string key per partition: at 20,000 partitions they cost more
 * than the requests.
 */
export async function readSide(
  port: AuditPort,
  side: Side,
  partitions: readonly AuditedPartition[],
  buckets: readonly Bucket[],
  /** Boundaries answered before (by timestamp, keyed by this side's topic): not asked again. */
  known?: ReadonlyMap<number, TopicPartitionMap<number | null>>,
  /** Log starts and ends already read (no older than a poll): only the partitions missing here are asked. */
  logEnds?: LogEnds,
): Promise<{ readings: Map<number, BucketReadings>; boundaries: KnownBoundaries }> {
  const tps = partitions.map((p) => ({ topic: topicOn(p, side), partition: p.partition }));
  const ends = new TopicPartitionMap<{ start: number; end: number }>();
  const unknown = logEnds ? tps.filter((tp) => !logEnds.has(tp)) : tps;
  if (logEnds) for (const tp of tps) if (logEnds.has(tp)) ends.set(tp, logEnds.get(tp)!);
  if (unknown.length > 0) for (const o of await port.fetchOffsets(unknown)) ends.set(o, o);
  const boundaries = boundariesOf(buckets);
  const queries: TimestampQuery[] = [];
  const at = new Map<number, TopicPartitionMap<number | null>>();
  for (const timestamp of boundaries) {
    const before = known?.get(timestamp);
    const map = new TopicPartitionMap<number | null>();
    at.set(timestamp, map);
    for (const tp of tps) {
      const k = before?.get(tp);
      if (k !== undefined) map.set(tp, k);
      else queries.push({ topic: tp.topic, partition: tp.partition, timestamp });
    }
  }
  if (queries.length > 0) for (const a of await port.fetchOffsetsForTimes(queries)) at.get(a.timestamp)?.set(a, a.offset);
  const out = new Map<number, BucketReadings>();
  for (const b of buckets) {
    const readings: BucketReadings = new TopicPartitionMap();
    const atStart = at.get(b.startMs)!;
    const atEnd = at.get(b.endMs)!;
    partitions.forEach((p, i) => {
      const tp = tps[i]!;
      const e = ends.get(tp);
      const s = atStart.get(tp);
      const t = atEnd.get(tp);
      if (!e || s === undefined || t === undefined) return;
      // An answer is a record, so the log ends after it, even if the log end was read earlier.
      const logEnd = Math.max(e.end, s === null ? 0 : s + 1, t === null ? 0 : t + 1);
      readings.put(p.topic, p.partition, { startOffset: s, endOffset: t, logStart: e.start, logEnd });
    });
    out.set(b.startMs, readings);
  }
  return { readings: out, boundaries: at };
}

export interface CountRequest {
  topic: string;
  partition: number;
  range: OffsetRange;
  startMs: number;
  endMs: number;
  logEnd: number;
}

/**
 * Records between the boundaries of each bucket (BoundaryCounter), read with read_committed
 * fetches; null where the range could not be read to its end or is longer than `maxOffsets`,
 * `gone` where the log start has moved past its first offset.
 */
export async function countReadable(
  port: AuditPort,
  requests: readonly CountRequest[],
  maxOffsets: number,
  /** Filled per request: whether the count ended on a record stamped after the bucket. */
  pastEnd: boolean[] = [],
): Promise<(number | null | 'gone')[]> {
  const counters = requests.map((r) => new BoundaryCounter(r.range, r.startMs, r.endMs, r.logEnd));
  const out: (number | null | 'gone')[] = requests.map(() => null);
  const position = requests.map((r) => r.range.from);
  let open = requests.map((_, i) => i).filter((i) => !counters[i]!.done);
  // Each round reads at least one batch per open range; the bound only guards against a broker
  // that keeps answering without progress.
  for (let round = 0; open.length > 0 && round < 10_000; round++) {
    const results = await port.fetch(open.map((i) => ({ topic: requests[i]!.topic, partition: requests[i]!.partition, offset: position[i]! })));
    const byKey = new Map(results.map((r) => [tpKey(r.topic, r.partition), r]));
    const still: number[] = [];
    for (const i of open) {
      const r = requests[i]!;
      const res = byKey.get(tpKey(r.topic, r.partition));
      if (res?.errorKind === 'out-of-range' && position[i] === r.range.from) {
        out[i] = 'gone';
        continue;
      }
      if (!res || res.error !== null || res.nextOffset <= position[i]!) continue;
      counters[i]!.feed(res.records, res.nextOffset);
      position[i] = res.nextOffset;
      if (counters[i]!.done) out[i] = counters[i]!.count;
      else if (position[i]! - r.range.from <= maxOffsets) still.push(i);
    }
    open = still;
  }
  for (const i of requests.keys()) {
    if (out[i] === null && counters[i]!.done) out[i] = counters[i]!.count;
    pastEnd[i] = counters[i]!.pastEnd;
  }
  return out;
}

/** Judges buckets whose source readings are known against a fresh target reading. */
async function judge(
  opts: CountAuditorOptions,
  waiting: readonly Waiting[],
  pastDeadline: (b: Bucket) => boolean,
  /** The target's answers that found a record, kept between cycles (updated here). */
  targetKnown?: KnownBoundaries,
  targetEnds?: LogEnds,
): Promise<{ decided: BucketResult[]; pending: Waiting[]; undecided: BucketResult[] }> {
  if (waiting.length === 0) return { decided: [], pending: [], undecided: [] };
  const seen = new TopicPartitionMap<true>();
  const all: AuditedPartition[] = [];
  for (const w of waiting) {
    for (const p of w.partitions) {
      if (seen.has(p)) continue;
      seen.set(p, true);
      all.push(p);
    }
  }
  let targetReadings = new Map<number, BucketReadings>();
  if (all.length > 0) {
    const read = await readSide(opts.target, 'target', all, waiting.map((w) => w.bucket), targetKnown, targetEnds);
    targetReadings = read.readings;
    // "First offset at or after t" that found a record stays that record: later records have
    // higher offsets. An answer that found none may find one once MM2 copies more: not kept.
    if (targetKnown) {
      for (const [timestamp, answers] of read.boundaries) {
        let kept = targetKnown.get(timestamp);
        for (const p of all) {
          const tp = { topic: p.remoteTopic, partition: p.partition };
          const a = answers.get(tp);
          if (a === undefined || a === null) continue;
          if (!kept) targetKnown.set(timestamp, (kept = new TopicPartitionMap()));
          kept.set(tp, a);
        }
      }
    }
  }

  const verdicts = new Map<Waiting, PartitionVerdict[]>();
  const toCount: { w: Waiting; i: number; source: OffsetRange; target: OffsetRange; late: boolean; s: SideBucketReading; t: SideBucketReading }[] = [];
  for (const w of waiting) {
    const list: PartitionVerdict[] = [];
    const target = targetReadings.get(w.bucket.startMs);
    const late = pastDeadline(w.bucket);
    for (const p of w.partitions) {
      const s = w.source.get(p);
      const t = target?.get(p);
      if (!s || !t) {
        list.push({ ...p, verdict: { kind: 'cannot_judge', reason: 'unreadable', detail: `${s ? 'target' : 'source'} did not answer for the partition` } });
        continue;
      }
      const v = judgeBucket({ source: s, target: t, pastDeadline: late });
      if (v.kind === 'needs_count') toCount.push({ w, i: list.length, source: v.source, target: v.target, late, s, t });
      list.push({ ...p, verdict: v });
    }
    list.push(...w.excluded.map((x) => ({ ...x })));
    verdicts.set(w, list);
  }

  if (toCount.length > 0) {
    const requests = (side: Side) =>
      toCount.map((c): CountRequest => {
        const pv = verdicts.get(c.w)![c.i]!;
        return {
          topic: topicOn(pv, side),
          partition: pv.partition,
          range: side === 'source' ? c.source : c.target,
          startMs: c.w.bucket.startMs,
          endMs: c.w.bucket.endMs,
          logEnd: (side === 'source' ? c.s : c.t).logEnd,
        };
      });
    const targetPast: boolean[] = [];
    const [src, tgt] = await Promise.all([
      countReadable(opts.source, requests('source'), opts.countMaxOffsets),
      countReadable(opts.target, requests('target'), opts.countMaxOffsets, targetPast),
    ]);
    toCount.forEach((c, j) => {
      const pv = verdicts.get(c.w)![c.i]!;
      pv.verdict = judgeBucket({
        source: c.s,
        target: c.t,
        readable: { source: src[j] ?? null, target: tgt[j] === 'gone' ? null : (tgt[j] ?? null), targetPastBucket: targetPast[j] ?? false },
        pastDeadline: c.late,
      });
    });
  }

  const decided: BucketResult[] = [];
  const undecided: BucketResult[] = [];
  const pending: Waiting[] = [];
  for (const w of waiting) {
    const list = verdicts.get(w)!;
    const totals = emptyTotals();
    for (const p of list) addVerdict(totals, p.verdict);
    if (list.some((p) => p.verdict.kind === 'pending')) {
      pending.push(w);
      undecided.push({ ...w.bucket, partitions: list, totals });
    } else {
      decided.push({ ...w.bucket, partitions: list, totals });
    }
  }
  return { decided, pending, undecided };
}

/** A cycle could not read the target; `results` holds the buckets given up as unreadable meanwhile. */
export class AuditReadError extends Error {
  override readonly name = 'AuditReadError';
  constructor(
    message: string,
    readonly results: BucketResult[],
  ) {
    super(message);
  }
}

/**
 * The daemon's audit of one flow: each cycle reads the source for the buckets that settled since
 * the last cycle and judges every bucket still waiting for MM2. Buckets are decided in order.
 */
export class CountAuditor {
  private waiting: Waiting[] = [];
  private nextStartMs: number;
  /** The source's answers at the end of the last bucket read: the start of the next one. */
  private lastSourceBoundary: KnownBoundaries | undefined;
  /** The target's answers that found a record, for the boundaries of waiting buckets and the next one. */
  private readonly targetKnown: KnownBoundaries = new Map();
  /** The earliest bucket start and latest bucket end decided so far. */
  readonly range: { fromMs: number | null; toMs: number | null } = { fromMs: null, toMs: null };

  constructor(private readonly opts: CountAuditorOptions) {
    // Only buckets that end after the auditor started: the source of older ones may already be
    // cut by retention, and nobody asked for them.
    const settledUntil = opts.now() - opts.settleMs;
    this.nextStartMs = Math.floor(settledUntil / opts.bucketMs) * opts.bucketMs + opts.bucketMs;
  }

  /** Keeps the target's answers still needed: boundaries of waiting buckets and the next bucket's start. */
  private forgetTargetBoundaries(): void {
    const oldest = Math.min(this.nextStartMs, ...this.waiting.map((w) => w.bucket.startMs));
    for (const t of [...this.targetKnown.keys()]) if (t < oldest) this.targetKnown.delete(t);
  }

  /** Buckets that end before this have had their source read. */
  get sourceReadUntilMs(): number {
    return this.nextStartMs;
  }

  /** Buckets read from the source and not yet decided. */
  get pendingBuckets(): number {
    return this.waiting.length;
  }

  /**
   * `excluded`: source topics not judged this cycle (their configs say counts mean nothing).
   * `logEnds`: log starts and ends of either side from the latest poll, so the audit asks only
   * for boundaries; partitions missing there are read.
   */
  async cycle(partitions: readonly AuditedPartition[], excluded?: ExcludedTopics, logEnds?: { source?: LogEnds; target?: LogEnds }): Promise<BucketResult[]> {
    const now = this.opts.now();
    const fresh = settledBuckets(this.nextStartMs, now, this.opts.bucketMs, this.opts.settleMs);
    if (fresh.length > 0 && partitions.length > 0) {
      const split = splitExcluded(partitions, excluded);
      let readings = new Map<number, BucketReadings>();
      if (split.judged.length > 0) {
        const read = await readSide(this.opts.source, 'source', split.judged, fresh, this.lastSourceBoundary, logEnds?.source);
        readings = read.readings;
        const end = fresh[fresh.length - 1]!.endMs;
        this.lastSourceBoundary = new Map([[end, read.boundaries.get(end)!]]);
      }
      for (const b of fresh) this.waiting.push({ bucket: b, partitions: split.judged, source: readings.get(b.startMs) ?? new TopicPartitionMap(), excluded: split.excluded });
    }
    if (fresh.length > 0) this.nextStartMs = fresh[fresh.length - 1]!.endMs;
    const deadline = (b: Bucket): boolean => now >= b.endMs + this.opts.settleMs + this.opts.judgeAfterMs;
    let decided: BucketResult[];
    try {
      const judged = await judge(this.opts, this.waiting, deadline, this.targetKnown, logEnds?.target);
      decided = judged.decided;
      this.waiting = judged.pending;
      this.forgetTargetBoundaries();
    } catch (err) {
      // The target cannot be read: buckets past their deadline are given up as unreadable, so
      // that an unreachable target does not make the waiting list grow without bound.
      const message = err instanceof Error ? err.message : String(err);
      const expired = this.waiting.filter((w) => deadline(w.bucket));
      this.waiting = this.waiting.filter((w) => !deadline(w.bucket));
      const results = expired.map((w): BucketResult => {
        const partitions = [
          ...w.partitions.map((p): PartitionVerdict => ({ ...p, verdict: { kind: 'cannot_judge', reason: 'unreadable', detail: `the target could not be read: ${message}` } })),
          ...w.excluded,
        ];
        const totals = emptyTotals();
        for (const p of partitions) addVerdict(totals, p.verdict);
        return { ...w.bucket, partitions, totals };
      });
      throw new AuditReadError(message, results);
    }
    for (const d of decided) {
      this.range.fromMs = Math.min(this.range.fromMs ?? d.startMs, d.startMs);
      this.range.toMs = Math.max(this.range.toMs ?? d.endMs, d.endMs);
    }
    return decided.sort((a, b) => a.startMs - b.startMs);
  }
}

export interface RangeProgress {
  bucketsDone: number;
  bucketsTotal: number;
}

/**
 * One-off audit of past buckets (the CLI): source and target are read now, in chunks of buckets so
 * a long range shows progress. Buckets MM2 has not copied past yet stay `pending` unless `judgeAll`.
 */
export async function auditBuckets(
  opts: Omit<CountAuditorOptions, 'settleMs' | 'judgeAfterMs' | 'now'>,
  partitions: readonly AuditedPartition[],
  buckets: readonly Bucket[],
  options: { chunk?: number; judgeAll: boolean; onProgress?: (p: RangeProgress) => void; excluded?: ExcludedTopics },
): Promise<BucketResult[]> {
  const chunk = options.chunk ?? 30;
  const split = splitExcluded(partitions, options.excluded);
  const out: BucketResult[] = [];
  const full: CountAuditorOptions = { ...opts, settleMs: 0, judgeAfterMs: 0, now: () => 0 };
  for (let i = 0; i < buckets.length; i += chunk) {
    const part = buckets.slice(i, i + chunk);
    const readings = split.judged.length > 0 ? (await readSide(opts.source, 'source', split.judged, part)).readings : new Map<number, BucketReadings>();
    const waiting = part.map((b) => ({ bucket: b, partitions: split.judged, source: readings.get(b.startMs) ?? new TopicPartitionMap<SideBucketReading>(), excluded: split.excluded }));
    const { decided, undecided } = await judge(full, waiting, () => options.judgeAll);
    out.push(...decided, ...undecided);
    options.onProgress?.({ bucketsDone: Math.min(buckets.length, i + chunk), bucketsTotal: buckets.length });
  }
  return out.sort((a, b) => a.startMs - b.startMs);
}
