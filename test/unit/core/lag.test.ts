import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { computePartitionLag } from '../../../src/core/lag.js';
import type { PartitionLagInput } from '../../../src/core/lag.js';

const base: PartitionLagInput = { sourceStart: 0, sourceEnd: 1000, target: { start: 0, end: 900 }, syncs: [], connectOffset: null };
const sync = (upstreamOffset: number, downstreamOffset: number) => ({ upstreamOffset, downstreamOffset });

describe('computePartitionLag', () => {
  it('extrapolates the latest offset sync with the target end', () => {
    // Source record 500 at target offset 480; target holds 480..899 = source 500..919.
    const r = computePartitionLag({ ...base, syncs: [sync(500, 480)] });
    expect(r).toMatchObject({ basis: 'offset-sync', replicated: 920, lagRecords: 80, recordsLost: 0, syncStale: false });
    expect(r.lastSync).toEqual(sync(500, 480));
  });

  it('is not the naive high-watermark difference when offsets are shifted', () => {
    const r = computePartitionLag({ sourceStart: 0, sourceEnd: 5000, target: { start: 0, end: 1000 }, syncs: [sync(4000, 0)], connectOffset: null });
    expect(r.lagRecords).toBe(0);
    expect(r.replicated).toBe(5000);
  });

  it('never puts replicated beyond the source end', () => {
    const r = computePartitionLag({ ...base, sourceEnd: 600, syncs: [sync(500, 100)] });
    expect(r.replicated).toBe(600);
    expect(r.lagRecords).toBe(0);
  });

  it('falls back to an older sync when the newest is ahead of the offsets read', () => {
    const r = computePartitionLag({ ...base, syncs: [sync(800, 780), sync(950, 930)] });
    expect(r).toMatchObject({ basis: 'offset-sync', replicated: 920, lagRecords: 80, syncStale: false });
    expect(r.lastSync).toEqual(sync(800, 780));
  });

  it('no sync, empty target: nothing copied, starting at the log start', () => {
    const r = computePartitionLag({ ...base, sourceStart: 200, target: { start: 0, end: 0 } });
    expect(r).toMatchObject({ basis: 'empty-target', replicated: 200, lagRecords: 800, recordsLost: 0 });
  });

  it('counts records deleted before they were copied as lost', () => {
    const r = computePartitionLag({ ...base, sourceStart: 700, syncs: [sync(500, 480)], target: { start: 0, end: 600 } });
    // replicated = 500 + (600 - 480) = 620 < sourceStart 700: records 620..699 are gone (lost), and
    // only 700..999, still on the source, remain to copy (lag): a deleted record is never lag.
    expect(r).toMatchObject({ replicated: 620, lagRecords: 300, recordsLost: 80 });
  });

  it('no sync but a non-empty target: target-size estimate that never claims a loss', () => {
    expect(computePartitionLag({ ...base, target: { start: 0, end: 300 } })).toMatchObject({ basis: 'target-size', replicated: 300, lagRecords: 700 });
    const retained = computePartitionLag({ ...base, sourceStart: 500, target: { start: 0, end: 300 } });
    expect(retained).toMatchObject({ basis: 'target-size', replicated: 500, recordsLost: 0 });
  });

  it('stale syncs (topic recreated) give unknown, flagged', () => {
    const recreatedSource = computePartitionLag({ ...base, sourceEnd: 50, syncs: [sync(900, 880)] });
    expect(recreatedSource).toMatchObject({ basis: 'unknown', replicated: null, lagRecords: null, recordsLost: 0, syncStale: true });
    const truncatedTarget = computePartitionLag({ ...base, target: { start: 0, end: 10 }, syncs: [sync(900, 880)] });
    expect(truncatedTarget).toMatchObject({ basis: 'unknown', syncStale: true });
    // A sync at exactly the target end means record d is not there: not usable.
    expect(computePartitionLag({ ...base, syncs: [sync(920, 900)] }).basis).toBe('unknown');
  });

  it('stale syncs with an empty target: nothing copied', () => {
    expect(computePartitionLag({ ...base, target: { start: 0, end: 0 }, syncs: [sync(900, 880)] })).toMatchObject({ basis: 'empty-target', replicated: 0, syncStale: true });
  });

  it('missing remote partition: unknown', () => {
    expect(computePartitionLag({ ...base, target: null, syncs: [sync(1, 1)], connectOffset: 10 })).toMatchObject({
      basis: 'unknown',
      replicated: null,
      lagRecords: null,
      recordsLost: 0,
      connectOffsetCheck: undefined,
    });
  });

  it('Connect offsets win when they show more copied', () => {
    // Compaction gaps upstream make the sync extrapolation undercount.
    const r = computePartitionLag({ ...base, syncs: [sync(500, 480)], connectOffset: 990 });
    expect(r).toMatchObject({ basis: 'connect-offsets', replicated: 990, lagRecords: 10, connectOffsetCheck: 'ahead' });
  });

  it('Connect offsets behind the estimate are consistent and change nothing', () => {
    const r = computePartitionLag({ ...base, syncs: [sync(500, 480)], connectOffset: 800 });
    expect(r).toMatchObject({ basis: 'offset-sync', replicated: 920, connectOffsetCheck: 'consistent' });
  });

  it('Connect offsets rescue stale syncs, but are ignored past the source end or with an empty target', () => {
    expect(computePartitionLag({ ...base, sourceEnd: 50, syncs: [sync(900, 880)], connectOffset: 40 })).toMatchObject({
      basis: 'connect-offsets',
      replicated: 40,
      lagRecords: 10,
      syncStale: true,
    });
    expect(computePartitionLag({ ...base, sourceEnd: 50, connectOffset: 900 })).toMatchObject({ basis: 'target-size', connectOffsetCheck: 'ignored' });
    expect(computePartitionLag({ ...base, target: { start: 0, end: 0 }, connectOffset: 500 })).toMatchObject({ basis: 'empty-target', replicated: 0, connectOffsetCheck: 'ignored' });
  });

  it('bad offsets read as unknown instead of NaN', () => {
    expect(computePartitionLag({ ...base, sourceEnd: -1 }).basis).toBe('unknown');
    expect(computePartitionLag({ ...base, target: { start: 0, end: Number.NaN } }).basis).toBe('unknown');
    // A sync that cannot be read counts as seen but unusable, like a stale one.
    expect(computePartitionLag({ ...base, syncs: [sync(Number.NaN, 1)] })).toMatchObject({ basis: 'unknown', syncStale: true });
  });

  it('properties: lag and lost never negative, replicated never above the source end', () => {
    const offset = fc.integer({ min: 0, max: 1_000_000 });
    const input = fc.record({
      sourceStart: offset,
      sourceEnd: offset,
      target: fc.option(fc.record({ start: offset, end: offset }), { nil: null }),
      syncs: fc.array(fc.record({ upstreamOffset: offset, downstreamOffset: offset }), { maxLength: 3 }),
      connectOffset: fc.option(offset, { nil: null }),
    });
    fc.assert(
      fc.property(input, (i) => {
        const r = computePartitionLag(i);
        expect(r.recordsLost).toBeGreaterThanOrEqual(0);
        if (r.replicated === null) {
          expect(r.lagRecords).toBeNull();
          expect(r.basis).toBe('unknown');
          return;
        }
        expect(r.lagRecords).toBeGreaterThanOrEqual(0);
        expect(r.replicated).toBeLessThanOrEqual(Math.max(i.sourceEnd, 0));
        // Lag counts only what is still on the source: loss and lag never overlap.
        const start = Math.min(i.sourceStart, i.sourceEnd);
        expect(r.lagRecords).toBe(i.sourceEnd - Math.max(r.replicated, start));
        expect((r.lagRecords ?? 0) + r.recordsLost).toBe(i.sourceEnd - Math.min(r.replicated, i.sourceEnd));
        if (i.connectOffset !== null && r.connectOffsetCheck !== 'ignored') expect(r.replicated).toBeGreaterThanOrEqual(i.connectOffset);
      }),
      { numRuns: 3000 },
    );
  });

  it('property: one record more on the target never increases lag', () => {
    const offset = fc.integer({ min: 0, max: 10_000 });
    fc.assert(
      fc.property(offset, offset, offset, offset, (sourceEnd, targetEnd, u, d) => {
        const input = { sourceStart: 0, sourceEnd, syncs: [sync(u, d)], connectOffset: null };
        const before = computePartitionLag({ ...input, target: { start: 0, end: targetEnd } });
        const after = computePartitionLag({ ...input, target: { start: 0, end: targetEnd + 1 } });
        if (before.basis === 'offset-sync' && after.basis === 'offset-sync') {
          expect(after.lagRecords ?? 0).toBeLessThanOrEqual(before.lagRecords ?? 0);
        }
      }),
    );
  });
});
