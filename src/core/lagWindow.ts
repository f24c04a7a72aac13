// Lag in seconds without reading records (the kafka-lag-exporter idea): keep, per partition and
// flow, samples (source end offset, observed at). The record at offset r was appended when the
// end offset moved past r, so the lag in seconds of a partition whose first uncopied offset is r
// is now minus that moment, interpolated linearly between the two samples around it.
//
// Error bound: the append time is known to lie between the two bracketing samples, so the
// figure is exact to about one poll interval (plus the time between the polls of the source
// and the target). Linear interpolation is exact for steady traffic. Once a window is full
// (maxSamples, default 64), the sample whose removal moves an interpolated time the least is
// dropped: nothing is lost for steady or idle traffic, and otherwise the bracket widens to the
// spacing of the samples kept. When every sample is already past r (the lag began before
// mirrorwatch saw the partition), the figure is a lower bound: the age of the oldest sample.
//
// Memory: samples at or below the replicated position are dropped when lagSeconds is asked
// (all but the one bracketing it), so an up-to-date partition holds one sample.

export interface LagSample {
  end: number;
  atMs: number;
}

interface Window {
  samples: LagSample[];
  lastObservedMs: number;
}

export const DEFAULT_MAX_SAMPLES = 64;
/** Partition ids above this get a fresh key each time rather than a slot in a sparse array. */
const MAX_CACHED_PARTITION = 1_000_000;
const MIN_SAMPLES = 4;

export interface LagWindowOptions {
  /** Samples kept per partition, at least 4. */
  maxSamples?: number;
}

/** Window key of one source partition in one flow (a source partition may feed several flows). */
export function lagWindowKey(source: string, target: string, topic: string, partition: number): string {
  return `${source}->${target}\u0000${topic}\u0000${partition}`;
}

export class LagWindowStore {
  readonly maxSamples: number;
  private readonly windows = new Map<string, Window>();
  /** Flow-and-topic prefix -> window key per partition id; see topicKeys(). */
  private readonly keyCache = new Map<string, string[]>();

  constructor(options: LagWindowOptions = {}) {
    const max = options.maxSamples ?? DEFAULT_MAX_SAMPLES;
    this.maxSamples = Number.isSafeInteger(max) ? Math.max(MIN_SAMPLES, max) : DEFAULT_MAX_SAMPLES;
  }

  get size(): number {
    return this.windows.size;
  }

  /**
   * lagWindowKey() for the partitions of one topic, handing out the same string for a partition on
   * every call. A Map finds a string it has seen before without building and hashing it again: at
   * 20,000 partitions per flow, fresh keys were the largest single cost of a snapshot rebuild
   * (docs/performance.md).
   */
  topicKeys(source: string, target: string, topic: string): (partition: number) => string {
    const prefix = `${source}->${target}\u0000${topic}\u0000`;
    let keys = this.keyCache.get(prefix);
    if (!keys) {
      keys = [];
      this.keyCache.set(prefix, keys);
    }
    const cached = keys;
    return (partition) => {
      if (!Number.isSafeInteger(partition) || partition < 0 || partition > MAX_CACHED_PARTITION) return lagWindowKey(source, target, topic, partition);
      let key = cached[partition];
      if (key === undefined) {
        key = lagWindowKey(source, target, topic, partition);
        cached[partition] = key;
      }
      return key;
    };
  }

  /** A copy of the samples kept for `key`, oldest first (for tests and debugging). */
  samples(key: string): LagSample[] {
    return (this.windows.get(key)?.samples ?? []).map((s) => ({ ...s }));
  }

  /** Record that the source end offset of `key` was `sourceEnd` at `atMs`. */
  observe(key: string, sourceEnd: number, atMs: number): void {
    if (!Number.isSafeInteger(sourceEnd) || sourceEnd < 0 || !Number.isFinite(atMs)) return;
    const w = this.windows.get(key);
    if (!w) {
      this.windows.set(key, { samples: [{ end: sourceEnd, atMs }], lastObservedMs: atMs });
      return;
    }
    w.lastObservedMs = Math.max(w.lastObservedMs, atMs);
    const s = w.samples;
    const last = s[s.length - 1];
    if (!last) {
      s.push({ end: sourceEnd, atMs });
      return;
    }
    if (atMs > last.atMs) {
      if (sourceEnd < last.end) {
        // The end offset went backwards: topic recreated. Older samples describe another log.
        w.samples = [{ end: sourceEnd, atMs }];
        return;
      }
      const beforeLast = s[s.length - 2];
      if (beforeLast && beforeLast.end === last.end && last.end === sourceEnd) {
        // Interior of a flat run says nothing more than its two ends: slide the run's end.
        last.atMs = atMs;
        return;
      }
      s.push({ end: sourceEnd, atMs });
    } else {
      if (!this.insertOutOfOrder(s, sourceEnd, atMs)) return;
    }
    if (s.length > this.maxSamples) removeLeastInformative(s);
  }

  /**
   * Seconds since the source partition moved past `replicated` (the first offset not yet on the
   * target); 0 when nothing is missing; null when `key` was never observed. Never negative.
   * Drops samples no longer needed to date `replicated`, which only moves forward.
   */
  lagSeconds(key: string, replicated: number, nowMs: number): number | null {
    const w = this.windows.get(key);
    if (!w || !Number.isFinite(replicated) || !Number.isFinite(nowMs)) return null;
    const s = w.samples;
    const newest = s[s.length - 1];
    if (!newest) return null;
    if (replicated >= newest.end) {
      w.samples = [newest];
      return 0;
    }
    let anchor = -1;
    for (let i = s.length - 1; i >= 0; i--) {
      if ((s[i] as LagSample).end <= replicated) {
        anchor = i;
        break;
      }
    }
    if (anchor > 0) s.splice(0, anchor);
    const lo = s[0] as LagSample;
    if (anchor < 0) return seconds(nowMs - lo.atMs);
    // newest.end > replicated >= lo.end, so a second sample exists.
    const hi = s[1] as LagSample;
    // The record at `replicated` was appended when the end offset reached replicated + 1.
    const fraction = (replicated + 1 - lo.end) / (hi.end - lo.end);
    const appendedAt = lo.atMs + fraction * (hi.atMs - lo.atMs);
    return seconds(nowMs - appendedAt);
  }

  /** Forget every partition not in `activeKeys`; returns how many were forgotten. */
  prune(activeKeys: Iterable<string>): number {
    const keep = activeKeys instanceof Set ? (activeKeys as ReadonlySet<string>) : new Set(activeKeys);
    let removed = 0;
    // Deleting the entry just visited is safe while iterating a Map.
    for (const key of this.windows.keys()) {
      if (!keep.has(key)) {
        this.windows.delete(key);
        removed++;
      }
    }
    if (removed > 0) this.keyCache.clear();
    return removed;
  }

  /** Forget partitions whose newest sample is older than `cutoffMs`; returns how many. */
  forgetUnseenSince(cutoffMs: number): number {
    let removed = 0;
    for (const [key, w] of this.windows) {
      if (w.lastObservedMs < cutoffMs) {
        this.windows.delete(key);
        removed++;
      }
    }
    // Keys of vanished partitions would otherwise pile up; the cache refills on the next rebuild.
    if (removed > 0) this.keyCache.clear();
    return removed;
  }

  /** Insert a sample older than the newest, if it agrees with its neighbours (ends never decrease). */
  private insertOutOfOrder(s: LagSample[], end: number, atMs: number): boolean {
    let idx = s.length;
    while (idx > 0 && (s[idx - 1] as LagSample).atMs >= atMs) idx--;
    const prev = s[idx - 1];
    const next = s[idx];
    if (next && next.atMs === atMs) return false; // same moment seen twice (e.g. twice in one poll)
    if ((prev && prev.end > end) || (next && next.end < end)) return false; // contradicts the log
    s.splice(idx, 0, { end, atMs });
    return true;
  }
}

function seconds(ms: number): number {
  return ms > 0 && Number.isFinite(ms) ? ms / 1000 : 0;
}

/**
 * Remove the interior sample whose loss shifts the interpolated time at its own offset least.
 * The first two samples (the bracket of the replicated position once pruned) and the newest are
 * kept, so the figure for a partition that is not progressing never jumps.
 */
function removeLeastInformative(s: LagSample[]): void {
  let best = -1;
  let bestError = Infinity;
  let bestSpan = Infinity;
  for (let k = 2; k <= s.length - 2; k++) {
    const a = s[k - 1] as LagSample;
    const m = s[k] as LagSample;
    const b = s[k + 1] as LagSample;
    const error = b.end === a.end ? 0 : Math.abs(a.atMs + ((m.end - a.end) / (b.end - a.end)) * (b.atMs - a.atMs) - m.atMs);
    // Among equally good candidates, thin out where samples are densest, keeping spacing even.
    const span = b.atMs - a.atMs;
    if (error < bestError || (error === bestError && span < bestSpan)) {
      bestError = error;
      bestSpan = span;
      best = k;
    }
  }
  if (best >= 0) s.splice(best, 1);
}
