import { describe, expect, it } from 'vitest';
import { normalQuantile, slopeWithInterval, tQuantile } from '../../../scripts/soak/stats.js';

/** Deterministic pseudo-random numbers (mulberry32), so a failure reproduces. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function gaussian(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}
const minutes = (n: number): number[] => Array.from({ length: n }, (_, i) => i * 0.5);

describe('soak statistics', () => {
  it('quantiles match the tables', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 5);
    // t tables: 2.228 (10 df), 2.042 (30 df), 1.984 (100 df).
    expect(tQuantile(0.975, 10)).toBeCloseTo(2.228, 2);
    expect(tQuantile(0.975, 30)).toBeCloseTo(2.042, 2);
    expect(tQuantile(0.975, 100)).toBeCloseTo(1.984, 2);
  });

  it('a plateau with noise: the interval holds zero', () => {
    const r = rng(7);
    const xs = minutes(120);
    const e = slopeWithInterval(xs, xs.map(() => 40 + gaussian(r)));
    expect(e.low).toBeLessThan(0);
    expect(e.high).toBeGreaterThan(0);
  });

  it('a slow leak under the same noise: the interval is above zero and holds the true slope', () => {
    const r = rng(11);
    const xs = minutes(120);
    const e = slopeWithInterval(xs, xs.map((x) => 40 + 0.1 * x + gaussian(r)));
    expect(e.low).toBeGreaterThan(0);
    expect(e.low).toBeLessThan(0.1);
    expect(e.high).toBeGreaterThan(0.1);
  });

  it('a wandering plateau (autocorrelated): wider than the naive interval, so not called a leak', () => {
    // A random walk held near 40 (AR(1), phi 0.95): long excursions that a naive OLS interval
    // would take for trends. Over 200 seeds, the corrected interval excludes zero far less often.
    let naive = 0;
    let corrected = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const r = rng(seed);
      const xs = minutes(120);
      let y = 0;
      const ys = xs.map(() => (y = 0.95 * y + gaussian(r)) + 40);
      const e = slopeWithInterval(xs, ys);
      if (e.low > 0 || e.high < 0) corrected++;
      expect(e.r1).toBeGreaterThan(0.5);
      const halfNaive = ((e.high - e.low) / 2) * Math.sqrt(e.nEffective / e.n);
      if (e.slope - halfNaive > 0 || e.slope + halfNaive < 0) naive++;
    }
    expect(naive).toBeGreaterThan(60);
    expect(corrected).toBeLessThan(40);
  });

  it('too few samples: no estimate', () => {
    expect(Number.isNaN(slopeWithInterval([1, 2, 3], [1, 2, 3]).slope)).toBe(true);
  });
});
