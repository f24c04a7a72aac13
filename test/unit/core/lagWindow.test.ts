import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LagWindowStore, lagWindowKey } from '../../../src/core/lagWindow.js';

const K = lagWindowKey('us-east', 'us-west', 'orders', 0);

describe('LagWindowStore', () => {
  it('keys by flow, topic and partition', () => {
    expect(lagWindowKey('a', 'b', 't', 1)).not.toBe(lagWindowKey('a', 'c', 't', 1));
    expect(lagWindowKey('a', 'b', 't', 1)).not.toBe(lagWindowKey('a', 'b', 't', 2));
  });

  it('is 0 when nothing is missing, null for an unknown partition', () => {
    const s = new LagWindowStore();
    expect(s.lagSeconds(K, 0, 1000)).toBeNull();
    s.observe(K, 100, 1000);
    expect(s.lagSeconds(K, 100, 5000)).toBe(0);
    expect(s.lagSeconds(K, 150, 5000)).toBe(0);
  });

  it('interpolates the moment the first missing offset was appended', () => {
    const s = new LagWindowStore();
    s.observe(K, 100, 10_000);
    s.observe(K, 200, 20_000);
    // Offset 150 appended when the end reached 151: at 10 s + 51/100 x 10 s = 15.1 s.
    expect(s.lagSeconds(K, 150, 30_000)).toBeCloseTo(14.9, 6);
    // Offset 100 was the first appended after the sample at 10 s.
    expect(s.lagSeconds(K, 100, 30_000)).toBeCloseTo(19.9, 6);
  });

  it('MM2 stopped T seconds while traffic flows: lag seconds is T within one poll interval', () => {
    const s = new LagWindowStore();
    const pollMs = 1000;
    const rate = 37; // records per second
    const stopAtMs = 60_000;
    const T = 250;
    let replicated = 0;
    let result = 0;
    for (let now = 0; now <= stopAtMs + T * 1000; now += pollMs) {
      const end = Math.floor((now / 1000) * rate);
      s.observe(K, end, now);
      if (now <= stopAtMs) replicated = end; // MM2 keeps up, then stops
      result = s.lagSeconds(K, replicated, now) ?? Number.NaN;
    }
    expect(Math.abs(result - T)).toBeLessThanOrEqual(pollMs / 1000);
    expect(s.samples(K).length).toBeLessThanOrEqual(s.maxSamples);
  });

  // Bursts of 5 records every 7 s, polls every second, MM2 copying one record every 3 s: the
  // true append time of every offset is known, so the error of every figure can be measured.
  function burstyMaxError(maxSamples: number): { maxError: number; kept: number } {
    const s = new LagWindowStore({ maxSamples });
    const appendedAt: number[] = [];
    let end = 0;
    let replicated = 0;
    let maxError = 0;
    s.observe(K, 0, -1000);
    for (let now = 0; now <= 3_600_000; now += 1000) {
      const second = now / 1000;
      if (second % 7 === 0) for (let i = 0; i < 5; i++) appendedAt[end++] = now - 500;
      s.observe(K, end, now);
      if (second % 3 === 0 && replicated < end) replicated++;
      const lag = s.lagSeconds(K, replicated, now) ?? Number.NaN;
      const truth = replicated >= end ? 0 : (now - (appendedAt[replicated] ?? Number.NaN)) / 1000;
      maxError = Math.max(maxError, Math.abs(lag - truth));
    }
    return { maxError, kept: s.samples(K).length };
  }

  it('bursty traffic, window with room: error within one poll interval', () => {
    expect(burstyMaxError(100_000).maxError).toBeLessThanOrEqual(1);
  });

  it('bursty traffic, downsampled window: error within the spacing of the samples kept (one burst period)', () => {
    const { maxError, kept } = burstyMaxError(16);
    expect(kept).toBeLessThanOrEqual(16);
    expect(maxError).toBeLessThanOrEqual(7);
  });

  it('downsampling keeps the bracket of the replicated position and the newest sample', () => {
    const s = new LagWindowStore({ maxSamples: 4 });
    for (let i = 0; i <= 20; i++) {
      s.observe(K, i * 10, i * 1000);
      s.lagSeconds(K, 5, i * 1000);
    }
    const kept = s.samples(K);
    expect(kept).toHaveLength(4);
    expect(kept[0]).toEqual({ end: 0, atMs: 0 });
    expect(kept[1]).toEqual({ end: 10, atMs: 1000 });
    expect(kept[3]).toEqual({ end: 200, atMs: 20_000 });
    // Offset 5 appended when the end reached 6: at 600 ms.
    expect(s.lagSeconds(K, 5, 20_000)).toBeCloseTo(19.4, 6);
  });

  it('gives a lower bound when the lag began before the first sample', () => {
    const s = new LagWindowStore();
    s.observe(K, 500, 10_000);
    s.observe(K, 600, 20_000);
    expect(s.lagSeconds(K, 100, 50_000)).toBe(40);
  });

  it('drops samples no longer needed once caught up', () => {
    const s = new LagWindowStore();
    for (let t = 0; t < 10; t++) s.observe(K, t * 10, t * 1000);
    expect(s.lagSeconds(K, 90, 10_000)).toBe(0);
    expect(s.samples(K)).toEqual([{ end: 90, atMs: 9000 }]);
    for (let t = 10; t < 20; t++) s.observe(K, t * 10, t * 1000);
    s.lagSeconds(K, 150, 20_000);
    expect(s.samples(K)[0]).toEqual({ end: 150, atMs: 15_000 });
  });

  it('collapses flat runs and keeps their ends', () => {
    const s = new LagWindowStore();
    s.observe(K, 10, 0);
    for (let t = 1; t <= 50; t++) s.observe(K, 10, t * 1000);
    s.observe(K, 20, 51_000);
    expect(s.samples(K)).toEqual([
      { end: 10, atMs: 0 },
      { end: 10, atMs: 50_000 },
      { end: 20, atMs: 51_000 },
    ]);
    // Offset 10 appended between 50 s and 51 s (at 50.1 s interpolated), not dated back to 0 s.
    expect(s.lagSeconds(K, 10, 61_000)).toBeCloseTo(10.9, 6);
  });

  it('accepts out-of-order samples that agree with the log, drops the others', () => {
    const s = new LagWindowStore();
    s.observe(K, 100, 10_000);
    s.observe(K, 300, 30_000);
    s.observe(K, 150, 20_000);
    s.observe(K, 50, 25_000); // contradicts: end cannot fall
    s.observe(K, 400, 15_000); // contradicts: end cannot exceed a later one
    s.observe(K, 999, 30_000); // same moment twice: first wins
    expect(s.samples(K)).toEqual([
      { end: 100, atMs: 10_000 },
      { end: 150, atMs: 20_000 },
      { end: 300, atMs: 30_000 },
    ]);
  });

  it('restarts the window when the end offset goes backwards (topic recreated)', () => {
    const s = new LagWindowStore();
    s.observe(K, 1000, 1000);
    s.observe(K, 5, 2000);
    expect(s.samples(K)).toEqual([{ end: 5, atMs: 2000 }]);
  });

  it('ignores garbage', () => {
    const s = new LagWindowStore();
    s.observe(K, Number.NaN, 1000);
    s.observe(K, -1, 1000);
    s.observe(K, 10, Number.POSITIVE_INFINITY);
    expect(s.size).toBe(0);
    s.observe(K, 10, 1000);
    expect(s.lagSeconds(K, Number.NaN, 2000)).toBeNull();
    expect(s.lagSeconds(K, 5, 500)).toBe(0); // clock behind the sample: never negative
  });

  it('forgets partitions', () => {
    const s = new LagWindowStore();
    const other = lagWindowKey('us-east', 'us-west', 'orders', 1);
    s.observe(K, 1, 1000);
    s.observe(other, 1, 5000);
    expect(s.forgetUnseenSince(2000)).toBe(1);
    expect(s.size).toBe(1);
    expect(s.prune(new Set([K]))).toBe(1);
    expect(s.size).toBe(0);
  });

  it('properties: never NaN or negative, bounded, monotonic while nothing replicates', () => {
    const step = fc.record({ dt: fc.integer({ min: 1, max: 10_000 }), produced: fc.integer({ min: 0, max: 50 }) });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.array(step, { minLength: 1, maxLength: 300 }), fc.integer({ min: 4, max: 20 }), (start, steps, maxSamples) => {
        const s = new LagWindowStore({ maxSamples });
        let now = 0;
        let end = start;
        const replicated = start; // MM2 stopped at the first sample
        let previous = -1;
        s.observe(K, end, now);
        for (const { dt, produced } of steps) {
          now += dt;
          end += produced;
          s.observe(K, end, now);
          const lag = s.lagSeconds(K, replicated, now);
          expect(lag).not.toBeNull();
          expect(Number.isFinite(lag)).toBe(true);
          expect(lag).toBeGreaterThanOrEqual(0);
          expect(lag).toBeGreaterThanOrEqual(previous);
          if (end === replicated) expect(lag).toBe(0);
          previous = lag ?? 0;
          expect(s.samples(K).length).toBeLessThanOrEqual(maxSamples);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('property: the figure lies within the bracket of true append times (steady polls, no downsampling)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 2, maxLength: 60 }), fc.nat(), (perPoll, pick) => {
        const s = new LagWindowStore({ maxSamples: 100 });
        let end = 0;
        const ends: number[] = [];
        for (let i = 0; i < perPoll.length; i++) {
          end += perPoll[i] ?? 0;
          ends.push(end);
          s.observe(K, end, i * 1000);
        }
        fc.pre(end > 0);
        const replicated = pick % end;
        const now = perPoll.length * 1000;
        const lag = s.lagSeconds(K, replicated, now) ?? Number.NaN;
        // The record at `replicated` appeared between the last poll not showing it and the first showing it.
        const firstShowing = ends.findIndex((e) => e > replicated);
        const lastNotShowing = firstShowing - 1;
        const latest = (now - firstShowing * 1000) / 1000;
        const earliest = lastNotShowing < 0 ? latest : (now - lastNotShowing * 1000) / 1000;
        expect(lag).toBeGreaterThanOrEqual(latest - 1e-9);
        expect(lag).toBeLessThanOrEqual(earliest + 1e-9);
      }),
    );
  });
});
