import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { countDelta, medianCounts, percentile, ratio, sumValues, summarize } from '../../../scripts/bench/stats.js';

describe('percentile (nearest rank)', () => {
  it('picks measured values, not interpolations', () => {
    const v = [15, 20, 35, 40, 50];
    expect(percentile(v, 5)).toBe(15);
    expect(percentile(v, 30)).toBe(20);
    expect(percentile(v, 40)).toBe(20);
    expect(percentile(v, 50)).toBe(35);
    expect(percentile(v, 95)).toBe(50);
    expect(percentile(v, 100)).toBe(50);
    expect(percentile(v, 0)).toBe(15);
  });

  it('does not depend on input order and leaves the input alone', () => {
    const v = [9, 1, 5, 3, 7];
    expect(percentile(v, 50)).toBe(5);
    expect(v).toEqual([9, 1, 5, 3, 7]);
  });

  it('p95 of 20 samples is the 19th smallest', () => {
    const v = Array.from({ length: 20 }, (_, i) => 20 - i);
    expect(percentile(v, 95)).toBe(19);
  });

  it('is NaN for no values and rejects p outside 0..100', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], -1)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });

  it('always returns an element, monotone in p', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), { minLength: 1, maxLength: 50 }), fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }), (v, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(v).toContain(percentile(v, lo));
        expect(percentile(v, lo)).toBeLessThanOrEqual(percentile(v, hi));
      }),
    );
  });
});

describe('summarize', () => {
  it('gives n, min, p50, p95, max and mean', () => {
    expect(summarize([4, 1, 3, 2])).toEqual({ n: 4, min: 1, p50: 2, p95: 4, max: 4, mean: 2.5 });
  });

  it('is all NaN for an empty list', () => {
    const s = summarize([]);
    expect(s.n).toBe(0);
    expect(s.p50).toBeNaN();
    expect(s.max).toBeNaN();
  });
});

describe('request counting helpers', () => {
  it('countDelta keeps what changed, with keys new since before', () => {
    expect(countDelta({ 'a Metadata': 3, 'a ListOffsets': 10 }, { 'a Metadata': 4, 'a ListOffsets': 10, 'a Fetch': 2 })).toEqual({ 'a Metadata': 1, 'a Fetch': 2 });
  });

  it('medianCounts takes the median per key, a missing key counting 0', () => {
    expect(medianCounts([{ Metadata: 1, ListOffsets: 2 }, { Metadata: 1, ListOffsets: 4, ApiVersions: 2 }, { Metadata: 1, ListOffsets: 2 }])).toEqual({
      ApiVersions: 0,
      ListOffsets: 2,
      Metadata: 1,
    });
  });

  it('sumValues and ratio', () => {
    expect(sumValues({ a: 1, b: 2.5 })).toBe(3.5);
    expect(ratio(22, 20)).toBeCloseTo(1.1, 12);
    expect(ratio(1, 0)).toBeNull();
    expect(ratio(Number.NaN, 1)).toBeNull();
  });
});
