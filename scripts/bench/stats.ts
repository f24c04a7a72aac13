// Summaries of repeated measurements. Percentiles use the nearest-rank method: the reported p95 is
// always a value that was actually measured, never an interpolation between two runs.

export interface Summary {
  n: number;
  min: number;
  p50: number;
  p95: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile (`p` in 0..100) of `values`; NaN for an empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) return { n: 0, min: NaN, p50: NaN, p95: NaN, max: NaN, mean: NaN };
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  return { n: values.length, min, p50: percentile(values, 50), p95: percentile(values, 95), max, mean: sum / values.length };
}

/** Per-key median of a list of count maps (e.g. requests per API per cycle); keys missing in a map count as 0. */
export function medianCounts(samples: readonly Readonly<Record<string, number>>[]): Record<string, number> {
  const keys = new Set<string>();
  for (const s of samples) for (const k of Object.keys(s)) keys.add(k);
  const out: Record<string, number> = {};
  for (const k of [...keys].sort()) out[k] = percentile(samples.map((s) => s[k] ?? 0), 50);
  return out;
}

/** `after - before` per key, dropping keys that did not change. */
export function countDelta(before: Readonly<Record<string, number>>, after: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) {
    const d = v - (before[k] ?? 0);
    if (d !== 0) out[k] = d;
  }
  return out;
}

export function sumValues(counts: Readonly<Record<string, number>>): number {
  let total = 0;
  for (const v of Object.values(counts)) total += v;
  return total;
}

/** a / b, or null when b is 0 or either is not a finite number. */
export function ratio(a: number, b: number): number | null {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return null;
  return a / b;
}
