// The count audit's rules against modelled logs: what ListOffsets by timestamp and a read_committed
// count would answer is computed from a list of entries, and the audit's figures are compared with
// what the model knows (duplicates and records missing by construction).
import { describe, expect, it } from 'vitest';
import { BoundaryCounter, addVerdict, boundariesOf, bucketsIn, emptyTotals, judgeBucket, offsetRange, settledBuckets, topicNotJudged } from '../../../src/core/countAudit.js';
import type { BucketVerdict, OffsetRange, SideBucketReading } from '../../../src/core/countAudit.js';

type Entry = { kind: 'record'; id: number; ts: number } | { kind: 'marker'; ts: number } | { kind: 'aborted'; id: number; ts: number };

interface Log {
  entries: Entry[];
  logStart: number;
}

const log = (entries: Entry[], logStart = 0): Log => ({ entries, logStart });
const records = (ids: number[], ts: (id: number) => number = (id) => id * 100): Entry[] => ids.map((id) => ({ kind: 'record', id, ts: ts(id) }));
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

/** ListOffsets by timestamp: the first offset at or after the log start whose entry is stamped >= t. */
function firstAtOrAfter(l: Log, t: number): number | null {
  for (let o = l.logStart; o < l.entries.length; o++) if (l.entries[o]!.ts >= t) return o;
  return null;
}

function reading(l: Log, startMs: number, endMs: number): SideBucketReading {
  return { startOffset: firstAtOrAfter(l, startMs), endOffset: firstAtOrAfter(l, endMs), logStart: l.logStart, logEnd: l.entries.length };
}

/** What the auditor's read_committed fetches feed the counter: the records from `from` on, markers and aborted records left out. */
function readable(l: Log, range: OffsetRange, startMs: number, endMs: number): number {
  const counter = new BoundaryCounter(range, startMs, endMs, l.entries.length);
  const committed = l.entries.flatMap((e, offset) => (e.kind === 'record' && offset >= range.from ? [{ offset, timestamp: e.ts }] : []));
  counter.feed(committed, l.entries.length);
  expect(counter.done).toBe(true);
  return counter.count;
}

/** Judges one bucket as the auditor does: a second round with read_committed counts when asked. */
function judge(source: Log, target: Log, startMs: number, endMs: number, pastDeadline = false): BucketVerdict {
  const s = reading(source, startMs, endMs);
  const t = reading(target, startMs, endMs);
  const first = judgeBucket({ source: s, target: t, pastDeadline });
  if (first.kind !== 'needs_count') return first;
  return judgeBucket({
    source: s,
    target: t,
    pastDeadline,
    readable: { source: readable(source, first.source, startMs, endMs), target: readable(target, first.target, startMs, endMs) },
  });
}

function auditAll(source: Log, target: Log, fromMs: number, toMs: number, bucketMs: number) {
  const totals = emptyTotals();
  const verdicts = bucketsIn(fromMs, toMs, bucketMs).map((b) => judge(source, target, b.startMs, b.endMs));
  for (const v of verdicts) addVerdict(totals, v);
  return { totals, verdicts };
}

/** A deterministic pseudo-random sequence (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('judgeBucket on modelled logs', () => {
  it('finds nothing when the target is an exact copy, with ordered and shuffled timestamps', () => {
    const ordered = records(range(0, 200));
    expect(auditAll(log(ordered), log(ordered), 0, 21_000, 1000).totals).toMatchObject({ judgedBuckets: 21, missing: 0, duplicated: 0, sourceRecords: 200, targetRecords: 200 });
    for (let seed = 1; seed <= 20; seed++) {
      const rnd = random(seed);
      // Timestamps up to 1.5 buckets in the past of the order of arrival.
      const shuffled = records(range(0, 300), (id) => id * 20 + 1500 - Math.floor(rnd() * 1500));
      const { totals, verdicts } = auditAll(log(shuffled), log(shuffled), 0, 8000, 1000);
      expect(verdicts.every((v) => v.kind === 'judged')).toBe(true);
      expect(totals.missing + totals.duplicated).toBe(0);
    }
  });

  it('counts every duplicate of a re-sent run, also when the run straddles buckets, and never as missing', () => {
    const src = range(0, 100);
    for (const [resendFrom, resendTo] of [
      [20, 30],
      [35, 62],
      [0, 99],
    ] as const) {
      // A task killed after writing up to resendTo, restarted from its committed position resendFrom.
      const tgt = [...range(0, resendTo), ...range(resendFrom, 100)];
      const { totals, verdicts } = auditAll(log(records(src)), log(records(tgt)), 0, 11_000, 1000);
      expect(totals.duplicated).toBe(resendTo - resendFrom);
      expect(totals.missing).toBe(0);
      expect(verdicts.filter((v) => v.kind !== 'judged')).toEqual([]);
    }
  });

  it('counts records never copied as missing, per bucket', () => {
    const src = range(0, 100);
    const tgt = range(0, 100).filter((id) => id < 40 || id >= 55); // 15 skipped, in buckets 4 and 5
    const { totals, verdicts } = auditAll(log(records(src)), log(records(tgt)), 0, 10_000, 1000);
    expect(totals.missing).toBe(15);
    expect(totals.duplicated).toBe(0);
    expect(verdicts.map((v) => (v.kind === 'judged' ? v.missing : -1))).toEqual([0, 0, 0, 0, 10, 5, 0, 0, 0, 0]);
  });

  it('tells transaction markers and aborted records from records on either side', () => {
    // Source: transactions of 4 records and a commit marker, one aborted transaction.
    const src: Entry[] = [];
    let id = 0;
    for (let tx = 0; tx < 30; tx++) {
      const abort = tx === 7;
      for (let i = 0; i < 4; i++) src.push(abort ? { kind: 'aborted', id: -1, ts: tx * 400 + i } : { kind: 'record', id: id++, ts: tx * 400 + i });
      src.push({ kind: 'marker', ts: tx * 400 + 5 });
    }
    const copied = src.filter((e): e is Extract<Entry, { kind: 'record' }> => e.kind === 'record');
    // Plain MM2: only the committed records arrive.
    expect(auditAll(log(src), log(copied), 0, 12_000, 1000).totals).toMatchObject({ missing: 0, duplicated: 0, sourceRecords: copied.length, cannotJudgeBuckets: 0 });
    // Exactly-once MM2: its own transactions on the target, one aborted when it was killed and re-sent.
    const eos: Entry[] = [];
    for (let i = 0; i < copied.length; i += 10) {
      const batch = copied.slice(i, i + 10);
      if (i === 40) {
        for (const r of batch) eos.push({ kind: 'aborted', id: r.id, ts: r.ts });
        // The abort marker carries the time the restarted task fenced the old one: much later.
        eos.push({ kind: 'marker', ts: batch[0]!.ts + 2500 });
      }
      // A commit marker is written after its records were copied: stamped later than they are.
      eos.push(...batch, { kind: 'marker', ts: batch[batch.length - 1]!.ts + 300 });
    }
    const { totals, verdicts } = auditAll(log(src), log(eos), 0, 12_000, 1000);
    expect(verdicts.map((v) => (v.kind === 'judged' ? v.missing + v.duplicated : v.kind))).toEqual(verdicts.map(() => 0));
    expect(totals).toMatchObject({ missing: 0, duplicated: 0, cannotJudgeBuckets: 0 });
    // Where both sides span as many offsets, markers are not told apart (nothing to settle).
    expect(totals.sourceRecords).toBe(totals.targetRecords);
    expect(totals.sourceRecords).toBeGreaterThanOrEqual(copied.length);
    expect(totals.markersOrAborted).toBeGreaterThan(0);
  });

  it('waits while MM2 has not copied past the bucket, and says so when the deadline passes', () => {
    const src = log(records(range(0, 50)));
    const behind = log(records(range(0, 25)));
    expect(judge(src, behind, 2000, 3000)).toEqual({ kind: 'pending' });
    expect(judge(src, behind, 2000, 3000, true)).toMatchObject({ kind: 'cannot_judge', reason: 'not_copied' });
    // Copied past it: judged.
    expect(judge(src, behind, 1000, 2000)).toMatchObject({ kind: 'judged', missing: 0, duplicated: 0, sourceRecords: 10 });
  });

  it('judges the last bucket of an idle source once the target has caught up, and an empty one at once', () => {
    const src = log(records(range(0, 30)));
    expect(judge(src, log(records(range(0, 28))), 2000, 3000)).toEqual({ kind: 'pending' });
    expect(judge(src, log(records(range(0, 30))), 2000, 3000)).toMatchObject({ kind: 'judged', sourceRecords: 10, targetRecords: 10 });
    expect(judge(src, log(records(range(0, 30))), 5000, 6000)).toMatchObject({ kind: 'judged', sourceRecords: 0, targetRecords: 0 });
    expect(judge(log([]), log([]), 5000, 6000)).toMatchObject({ kind: 'judged', sourceRecords: 0 });
  });

  it('does not take records retention removed from the source for duplicates', () => {
    const all = records(range(0, 50));
    // The source log start moved to offset 15, into the bucket [1000, 2000) (ids 10-19).
    const cut = log(all, 15);
    expect(judge(cut, log(all), 1000, 2000)).toMatchObject({ kind: 'cannot_judge', reason: 'source_truncated' });
    // A bucket that merely begins at the log start, with as many records on both sides, is judged.
    expect(judge(log(all, 10), log(all), 1000, 2000)).toMatchObject({ kind: 'judged', missing: 0, duplicated: 0 });
    // The target's log start cut into the bucket: not missing records.
    expect(judge(log(all), log(all, 15), 1000, 2000)).toMatchObject({ kind: 'cannot_judge', reason: 'target_truncated' });
  });

  it('takes the offsets of a source range deleted after its boundaries were read for its records', () => {
    const src = log(records(range(0, 30)));
    const tgt = log(records(range(0, 22)));
    const s = reading(src, 1000, 2000);
    const t = reading(log(records([...range(0, 10), ...range(20, 30)])), 1000, 2000);
    expect(judgeBucket({ source: s, target: t, pastDeadline: false, readable: { source: 'gone', target: 0 } })).toMatchObject({ kind: 'judged', missing: 10, sourceByOffsets: true });
    expect(judge(src, tgt, 1000, 2000)).toMatchObject({ kind: 'judged', missing: 0 });
  });

  it('cannot judge a gap it cannot count', () => {
    const src = log(records(range(0, 30)));
    const tgt = log(records([...range(0, 12), ...range(10, 30)]));
    const first = judgeBucket({ source: reading(src, 1000, 2000), target: reading(tgt, 1000, 2000), pastDeadline: false });
    expect(first).toEqual({ kind: 'needs_count', source: { from: 10, to: 20 }, target: { from: 10, to: 22 } });
    expect(judgeBucket({ source: reading(src, 1000, 2000), target: reading(tgt, 1000, 2000), pastDeadline: false, readable: { source: 10, target: null } })).toMatchObject({
      kind: 'cannot_judge',
      reason: 'transactional_gap',
    });
  });
});

describe('buckets', () => {
  it('aligns buckets to the epoch and keeps only whole ones', () => {
    expect(bucketsIn(1500, 5200, 1000)).toEqual([
      { startMs: 2000, endMs: 3000 },
      { startMs: 3000, endMs: 4000 },
      { startMs: 4000, endMs: 5000 },
    ]);
    expect(bucketsIn(0, 999, 1000)).toEqual([]);
    expect(() => bucketsIn(0, 10, 0)).toThrow(RangeError);
  });

  it('takes a bucket once it is older than the settle delay', () => {
    expect(settledBuckets(60_000, 185_000, 60_000, 60_000)).toEqual([{ startMs: 60_000, endMs: 120_000 }]);
    expect(settledBuckets(60_000, 179_999, 60_000, 60_000)).toEqual([]);
    expect(boundariesOf(bucketsIn(0, 3000, 1000))).toEqual([0, 1000, 2000, 3000]);
  });

  it('an offset range never runs backwards', () => {
    expect(offsetRange({ startOffset: null, endOffset: null, logStart: 0, logEnd: 7 })).toEqual({ from: 7, to: 7 });
    expect(offsetRange({ startOffset: 3, endOffset: null, logStart: 0, logEnd: 7 })).toEqual({ from: 3, to: 7 });
  });
});

describe('topicNotJudged', () => {
  const names = { source: 'east (orders)', target: 'west (east.orders)' };
  const plain = { cleanupPolicy: 'delete', timestampType: 'CreateTime' };
  it('judges plain topics, and topics whose configs are unknown', () => {
    expect(topicNotJudged(plain, plain, names)).toBeNull();
    expect(topicNotJudged(undefined, undefined, names)).toBeNull();
  });
  it('does not judge a topic compacted on either side, whatever else the policy lists', () => {
    expect(topicNotJudged({ ...plain, cleanupPolicy: 'compact' }, plain, names)).toMatchObject({ reason: 'compacted' });
    expect(topicNotJudged(plain, { ...plain, cleanupPolicy: 'delete, compact' }, names)?.detail).toContain('on west (east.orders)');
    expect(topicNotJudged({ ...plain, cleanupPolicy: 'compact,delete' }, { ...plain, cleanupPolicy: 'compact,delete' }, names)?.detail).toContain('east (orders) and west (east.orders)');
    expect(topicNotJudged({ ...plain, cleanupPolicy: 'delete,compacted-ish' }, plain, names)).toBeNull();
  });
  it('does not judge a target stamping LogAppendTime; the source alone stamping it is harmless', () => {
    expect(topicNotJudged(plain, { ...plain, timestampType: 'LogAppendTime' }, names)).toMatchObject({ reason: 'log_append_time' });
    expect(topicNotJudged({ ...plain, timestampType: 'LogAppendTime' }, plain, names)).toBeNull();
    // Compaction is the stronger reason: it is named when both hold.
    expect(topicNotJudged({ ...plain, cleanupPolicy: 'compact' }, { ...plain, timestampType: 'LogAppendTime' }, names)?.reason).toBe('compacted');
  });
});

describe('copied past the bucket only when a record says so', () => {
  // Exactly-once MM2 killed mid-transaction: its records of the bucket stay aborted on the target,
  // and the restarted MM2 writes the abort marker (stamped when written, after the bucket) before it
  // copies them again. ListOffsets answers that marker for the bucket's end: no copy yet.
  const source: SideBucketReading = { startOffset: 0, endOffset: 10, logStart: 0, logEnd: 20 };
  const target: SideBucketReading = { startOffset: 0, endOffset: 4, logStart: 0, logEnd: 5 };

  it('the counter tells a record after the bucket from the log end', () => {
    const onlyMarker = new BoundaryCounter({ from: 0, to: 4 }, 1000, 2000, 5);
    onlyMarker.feed([], 5); // read_committed: aborted records and the marker are not returned
    expect([onlyMarker.done, onlyMarker.count, onlyMarker.pastEnd]).toEqual([true, 0, false]);
    const copied = new BoundaryCounter({ from: 0, to: 4 }, 1000, 2000, 20);
    copied.feed([...[5, 6, 7].map((offset) => ({ offset, timestamp: 1500 })), { offset: 8, timestamp: 2100 }], 9);
    expect([copied.done, copied.count, copied.pastEnd]).toEqual([true, 3, true]);
  });

  it('keeps the bucket pending until its deadline instead of finding records missing', () => {
    expect(judgeBucket({ source, target, pastDeadline: false }).kind).toBe('needs_count');
    const readable = { source: 10, target: 0, targetPastBucket: false };
    expect(judgeBucket({ source, target, readable, pastDeadline: false })).toEqual({ kind: 'pending' });
    expect(judgeBucket({ source, target, readable, pastDeadline: true })).toMatchObject({ kind: 'judged', missing: 10 });
    // A record after the bucket was copied: what is not there is missing.
    expect(judgeBucket({ source, target, readable: { ...readable, targetPastBucket: true }, pastDeadline: false })).toMatchObject({ kind: 'judged', missing: 10 });
    // Duplicates need no such proof.
    expect(judgeBucket({ source, target, readable: { source: 10, target: 12, targetPastBucket: false }, pastDeadline: false })).toMatchObject({ kind: 'judged', duplicated: 2 });
  });
});
