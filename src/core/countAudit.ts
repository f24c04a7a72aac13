// The record-count audit: did MM2 copy every record of a time bucket exactly once?
//
// MM2 keeps each record's timestamp and copies a source partition to the same partition of the
// remote topic in order. So "first offset at or after time t" (ListOffsets by timestamp) points at
// the same record on both sides, and the offsets between two bucket boundaries hold the same
// records on both sides - unless MM2 lost some (fewer on the target) or wrote some twice (a task
// killed before it committed its source position re-sends from there: more on the target).
// Offsets that hold no record a consumer reads (transaction markers, aborted records) are settled
// by a read_committed count of the range on the side that has them (`readable`).
//
// Sums over consecutive buckets telescope to the difference of the outer boundaries, so the total
// of a range is exact even when a run of duplicates straddles a boundary (it is then counted in
// the later bucket). Pure, no I/O: readings and time are passed in.

/** One side's answer for one partition and one bucket [startMs, endMs). */
export interface SideBucketReading {
  /** First offset at or after startMs; null when the partition had no such record. */
  startOffset: number | null;
  /** First offset at or after endMs; null when the partition had no such record. */
  endOffset: number | null;
  /** Log-start offset and end offset (high watermark) when the boundaries were read. */
  logStart: number;
  logEnd: number;
}

/** The offsets a bucket covers on one side, [from, to). */
export interface OffsetRange {
  from: number;
  to: number;
}

export type CannotJudgeReason =
  /** The source log start moved into the bucket before its boundaries were read: retention (or DeleteRecords) faster than the settle delay. */
  | 'source_truncated'
  /** The target log start moved into the bucket. */
  | 'target_truncated'
  /** Offset counts differ and the read_committed count that would tell markers from records could not be made. */
  | 'transactional_gap'
  /** MM2 has not copied past the bucket by the judge deadline and the source is idle after it. */
  | 'not_copied'
  /** The topic is compacted: records vanish from both sides independently. */
  | 'compacted'
  /** The target topic stamps LogAppendTime: its timestamps are not the source's. */
  | 'log_append_time'
  /** A side did not answer for the partition. */
  | 'unreadable';

export const CANNOT_JUDGE_REASONS: readonly CannotJudgeReason[] = [
  'source_truncated',
  'target_truncated',
  'transactional_gap',
  'not_copied',
  'compacted',
  'log_append_time',
  'unreadable',
];

/** A topic's configuration on one cluster, as far as the audit cares; null where not set or not read. */
export interface TopicAuditConfig {
  cleanupPolicy: string | null;
  timestampType: string | null;
}

/** The topic config keys the audit reads (DescribeConfigs). */
export const AUDIT_CONFIG_KEYS: readonly string[] = ['cleanup.policy', 'message.timestamp.type'];

export interface TopicNotJudged {
  reason: Extract<CannotJudgeReason, 'compacted' | 'log_append_time'>;
  detail: string;
}

const compacted = (c: TopicAuditConfig | undefined): boolean => (c?.cleanupPolicy ?? '').split(',').some((p) => p.trim() === 'compact');
const logAppendTime = (c: TopicAuditConfig | undefined): boolean => c?.timestampType === 'LogAppendTime';

/**
 * Whether a topic's configuration makes its counts meaningless. Compaction (on either cluster)
 * removes records on each side independently, so counts between two timestamps drift apart.
 * LogAppendTime on the target stamps each copy with the time MM2 wrote it, not the source's
 * timestamp, so the two sides' buckets hold different records. LogAppendTime on the source alone
 * is harmless: MM2 copies the broker's stamp as the record's timestamp into a CreateTime target,
 * and both sides then agree (MM2 does not copy message.timestamp.type to the remote topic).
 */
export function topicNotJudged(
  source: TopicAuditConfig | undefined,
  target: TopicAuditConfig | undefined,
  names: { source: string; target: string },
): TopicNotJudged | null {
  const sides = [
    { name: names.source, c: source },
    { name: names.target, c: target },
  ];
  const comp = sides.filter((s) => compacted(s.c));
  if (comp.length > 0) {
    return { reason: 'compacted', detail: `cleanup.policy=${comp[0]!.c!.cleanupPolicy} on ${comp.map((s) => s.name).join(' and ')}: compaction removes records on each side independently` };
  }
  if (logAppendTime(target)) {
    return { reason: 'log_append_time', detail: `message.timestamp.type=LogAppendTime on ${names.target}: its timestamps are the time MM2 copied each record, not the source's` };
  }
  return null;
}

export type BucketVerdict =
  | {
      kind: 'judged';
      sourceRecords: number;
      targetRecords: number;
      missing: number;
      duplicated: number;
      markersOrAborted: number;
      /** The source range was gone when the records were counted: its offsets were taken for records. */
      sourceByOffsets?: true;
    }
  /** MM2 has not copied past the bucket yet: ask again later. */
  | { kind: 'pending' }
  /** Offset counts differ: count the readable records of these ranges (read_committed), then judge again. */
  | { kind: 'needs_count'; source: OffsetRange; target: OffsetRange }
  | { kind: 'cannot_judge'; reason: CannotJudgeReason; detail: string };

/**
 * Counts the records of one side's bucket from the records a read_committed fetch returns from
 * `range.from` on, in offset order. ListOffsets by timestamp also stops at transaction markers,
 * which carry the time they were written (later than the records around them), and an answer on a
 * marker can sit before records stamped earlier than the boundary. So the count runs from the
 * first record at or after `range.from` stamped at or after the bucket start, to the first record
 * at or after `range.to` stamped at or after the bucket end (or the log end): exactly "records
 * between the two boundaries", markers and aborted records left out.
 */
export class BoundaryCounter {
  count = 0;
  done = false;
  /** The count ended on a record stamped at or after the bucket end, not at the log end. */
  pastEnd = false;
  private started = false;

  constructor(
    readonly range: OffsetRange,
    readonly startMs: number,
    readonly endMs: number,
    /** The log end when the boundaries were read: nothing after it belongs to the bucket. */
    readonly logEnd: number,
  ) {
    if (range.from >= logEnd) this.done = true;
  }

  /** Feeds the records of one read (read_committed, ascending offsets) that ended at `nextOffset`. */
  feed(records: readonly { offset: number; timestamp: number }[], nextOffset: number): void {
    for (const r of records) {
      if (this.done) return;
      if (r.offset < this.range.from) continue;
      if (r.offset >= this.logEnd || (r.offset >= this.range.to && r.timestamp >= this.endMs)) {
        this.done = true;
        this.pastEnd = r.offset < this.logEnd;
        return;
      }
      if (!this.started && r.timestamp >= this.startMs) this.started = true;
      if (this.started) this.count++;
    }
    if (nextOffset >= this.logEnd) this.done = true;
  }
}

/** Read_committed record counts of the ranges a `needs_count` verdict asked for; null when not countable. */
export interface ReadableCounts {
  /** `gone`: the source range was deleted (retention, DeleteRecords) after its boundaries were read. */
  source: number | null | 'gone';
  target: number | null;
  /**
   * The target's count ended on a record stamped after the bucket (false: only transaction markers
   * or aborted records follow the bucket there). A marker stamped after the bucket is what made the
   * target's end boundary answer: after MM2 with exactly-once is killed, the abort marker written
   * when it restarts comes before the copies it then writes again, so it proves nothing copied.
   */
  targetPastBucket?: boolean;
}

export function offsetRange(r: SideBucketReading): OffsetRange {
  const from = r.startOffset ?? r.logEnd;
  const to = r.endOffset ?? r.logEnd;
  return { from, to: Math.max(from, to) };
}

const span = (r: OffsetRange): number => r.to - r.from;

/**
 * Whether the log start may have cut into the bucket: its range starts at the log start of a log
 * that once held earlier records. Nothing tells how many of the bucket's records went with them,
 * so this only matters when the other side holds more (target) or fewer (source) records.
 */
function atLogStart(r: SideBucketReading, range: OffsetRange): boolean {
  return r.logStart > 0 && range.from <= r.logStart;
}

export interface JudgeInput {
  source: SideBucketReading;
  target: SideBucketReading;
  /** Read_committed counts after a `needs_count` verdict. */
  readable?: ReadableCounts;
  /** Judge even if MM2 may still be copying (the deadline for this bucket has passed). */
  pastDeadline: boolean;
}

/** The verdict for one partition and one bucket. */
export function judgeBucket(input: JudgeInput): BucketVerdict {
  const { source, target, readable, pastDeadline } = input;
  const s = offsetRange(source);
  const t = offsetRange(target);
  // MM2 has copied past the bucket once the target holds a record stamped after it. When the source
  // holds none either (idle after the bucket), the target can only catch up to the source's count.
  if (target.endOffset === null && source.endOffset !== null) {
    if (!pastDeadline) return { kind: 'pending' };
    return { kind: 'cannot_judge', reason: 'not_copied', detail: `MM2 has not copied past the bucket (${span(s)} source offsets, ${span(t)} on the target so far)` };
  }
  const idleAfter = target.endOffset === null;
  if (span(t) > span(s) && atLogStart(source, s)) {
    return { kind: 'cannot_judge', reason: 'source_truncated', detail: `the source log start ${source.logStart} is at the bucket's first offset: records of the bucket may be gone from the source` };
  }
  if (span(t) < span(s) && atLogStart(target, t) && !idleAfter) {
    return { kind: 'cannot_judge', reason: 'target_truncated', detail: `the target log start ${target.logStart} is at the bucket's first offset: records of the bucket may be gone from the target` };
  }
  let sourceRecords = span(s);
  let targetRecords = span(t);
  let markersOrAborted = 0;
  let goneFromSource = false;
  if (sourceRecords !== targetRecords) {
    if (!readable) return { kind: 'needs_count', source: s, target: t };
    if (readable.source === null || readable.target === null) {
      if (idleAfter && !pastDeadline) return { kind: 'pending' };
      return {
        kind: 'cannot_judge',
        reason: 'transactional_gap',
        detail: `${sourceRecords} source offsets vs ${targetRecords} target offsets, and the records among them could not be counted`,
      };
    }
    // Records deleted from the source after the boundaries were read (the settle delay let the
    // audit read them first) cannot be counted one by one any more: their offsets stand for them.
    const sourceReadable = readable.source === 'gone' ? sourceRecords : readable.source;
    markersOrAborted = sourceRecords - sourceReadable + (targetRecords - readable.target);
    sourceRecords = sourceReadable;
    targetRecords = readable.target;
    goneFromSource = readable.source === 'gone';
  }
  if ((idleAfter || readable?.targetPastBucket === false) && targetRecords < sourceRecords && !pastDeadline) return { kind: 'pending' };
  const diff = targetRecords - sourceRecords;
  return {
    kind: 'judged',
    sourceRecords,
    targetRecords,
    missing: Math.max(0, -diff),
    duplicated: Math.max(0, diff),
    markersOrAborted,
    ...(goneFromSource ? { sourceByOffsets: true as const } : {}),
  };
}

/** Bucket [startMs, endMs). */
export interface Bucket {
  startMs: number;
  endMs: number;
}

/** Buckets of `bucketMs` aligned to the epoch that lie wholly in [fromMs, toMs). */
export function bucketsIn(fromMs: number, toMs: number, bucketMs: number): Bucket[] {
  if (!(bucketMs > 0)) throw new RangeError('bucket length must be positive');
  const out: Bucket[] = [];
  for (let start = Math.ceil(fromMs / bucketMs) * bucketMs; start + bucketMs <= toMs; start += bucketMs) {
    out.push({ startMs: start, endMs: start + bucketMs });
  }
  return out;
}

/** Buckets closed and settled at `nowMs` that start at or after `afterMs` (the end of the last one taken). */
export function settledBuckets(afterMs: number, nowMs: number, bucketMs: number, settleMs: number): Bucket[] {
  return bucketsIn(afterMs, nowMs - settleMs, bucketMs);
}

/** The distinct boundaries of some buckets, ascending. */
export function boundariesOf(buckets: readonly Bucket[]): number[] {
  const set = new Set<number>();
  for (const b of buckets) {
    set.add(b.startMs);
    set.add(b.endMs);
  }
  return [...set].sort((a, b) => a - b);
}

export interface AuditTotals {
  judgedBuckets: number;
  pendingBuckets: number;
  cannotJudgeBuckets: number;
  sourceRecords: number;
  targetRecords: number;
  missing: number;
  duplicated: number;
  markersOrAborted: number;
}

export const emptyTotals = (): AuditTotals => ({
  judgedBuckets: 0,
  pendingBuckets: 0,
  cannotJudgeBuckets: 0,
  sourceRecords: 0,
  targetRecords: 0,
  missing: 0,
  duplicated: 0,
  markersOrAborted: 0,
});

/** Adds one verdict to running totals (mutates `totals`). */
export function addVerdict(totals: AuditTotals, v: BucketVerdict): AuditTotals {
  if (v.kind === 'judged') {
    totals.judgedBuckets++;
    totals.sourceRecords += v.sourceRecords;
    totals.targetRecords += v.targetRecords;
    totals.missing += v.missing;
    totals.duplicated += v.duplicated;
    totals.markersOrAborted += v.markersOrAborted;
  } else if (v.kind === 'cannot_judge') {
    totals.cannotJudgeBuckets++;
  } else {
    totals.pendingBuckets++;
  }
  return totals;
}
