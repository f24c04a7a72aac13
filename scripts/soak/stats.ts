// Does memory grow? Least-squares slope of a series with a confidence interval that accounts for
// the samples not being independent: heap after GC at one sample is close to the one before it,
// so n samples carry less information than n independent ones. The standard error is widened by
// the lag-1 autocorrelation of the residuals (AR(1) effective sample size,
// n_eff = n (1 - r) / (1 + r)); without it a plateau with slow wander reads as a "significant"
// leak.

export interface SlopeEstimate {
  /** Units of y per unit of x. */
  slope: number;
  /** Two-sided confidence interval of the slope. */
  low: number;
  high: number;
  /** Confidence level of [low, high], e.g. 0.95. */
  level: number;
  n: number;
  /** Effective number of independent samples after the autocorrelation correction. */
  nEffective: number;
  /** Lag-1 autocorrelation of the residuals (0 when not positive). */
  r1: number;
}

function mean(v: readonly number[]): number {
  return v.reduce((a, b) => a + b, 0) / v.length;
}

/** Standard normal quantile (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be in (0, 1), got ${p}`);
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/**
 * Student's t quantile by the Cornish-Fisher expansion around the normal one: within 0.01 of the
 * tables from 3 degrees of freedom on, which is all a soak needs (it has dozens of samples).
 */
export function tQuantile(p: number, df: number): number {
  const z = normalQuantile(p);
  const z3 = z ** 3;
  const z5 = z ** 5;
  const z7 = z ** 7;
  return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df ** 2) + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df ** 3);
}

/** Slope of y over x with its confidence interval (default 95 %), corrected for autocorrelation. */
export function slopeWithInterval(xs: readonly number[], ys: readonly number[], level = 0.95): SlopeEstimate {
  const n = xs.length;
  if (n !== ys.length) throw new Error(`slopeWithInterval: ${n} x values, ${ys.length} y values`);
  if (n < 4) return { slope: NaN, low: NaN, high: NaN, level, n, nEffective: n, r1: 0 };
  const mx = mean(xs);
  const my = mean(ys);
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i]! - mx) ** 2;
    sxy += (xs[i]! - mx) * (ys[i]! - my);
  }
  if (sxx === 0) return { slope: NaN, low: NaN, high: NaN, level, n, nEffective: n, r1: 0 };
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const res = xs.map((x, i) => ys[i]! - (intercept + slope * x));
  const sse = res.reduce((a, e) => a + e * e, 0);
  let num = 0;
  for (let i = 1; i < n; i++) num += res[i]! * res[i - 1]!;
  const r1 = sse > 0 ? Math.max(0, Math.min(0.99, num / sse)) : 0;
  const nEffective = Math.max(3, (n * (1 - r1)) / (1 + r1));
  // Residual variance with n - 2 degrees of freedom, then the slope's variance inflated by n / n_eff.
  const se = Math.sqrt(sse / (n - 2) / sxx) * Math.sqrt(n / nEffective);
  const t = tQuantile(1 - (1 - level) / 2, Math.max(1, nEffective - 2));
  return { slope, low: slope - t * se, high: slope + t * se, level, n, nEffective, r1 };
}
