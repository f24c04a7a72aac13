// Condition-based waiting for integration tests. Brokers, MM2 and mirrorwatch share two cores with
// whatever else runs, so nothing here relies on a fixed sleep: a wait ends when the condition holds,
// and one that times out says what it saw last and where the logs are.
import { logHint } from '../../harness/kafka.js';
import { mirrorwatchLogHint } from './mirrorwatch.js';

/** One look at the system: either the condition holds (with the value to return) or what was seen instead. */
export type Check<T> = { ok: true; value: T } | { ok: false; seen: unknown };

export const pass = <T>(value: T): Check<T> => ({ ok: true, value });
export const fail = (seen: unknown): Check<never> => ({ ok: false, seen });

export interface WaitUntilOptions {
  timeoutMs: number;
  /** Pause between looks (default 500 ms). */
  intervalMs?: number;
  /** The condition must hold on this many consecutive looks (default 1): "the figure is stable". */
  stableFor?: number;
}

export function formatSeen(seen: unknown): string {
  if (seen instanceof Error) return `error: ${seen.message}`;
  if (typeof seen === 'string') return seen;
  try {
    return JSON.stringify(seen, (_k, v: unknown) => (v instanceof Map ? Object.fromEntries(v) : v), 2);
  } catch {
    return String(seen);
  }
}

/** Where to look when a real-Kafka test fails: every JVM's log and mirrorwatch's. */
export function failureHint(): string {
  return `${logHint()}\n${mirrorwatchLogHint()}`;
}

/**
 * Looks with `probe` until it passes (`stableFor` times in a row) and returns its value. A probe
 * that throws counts as "not yet" and its error is what was seen. On timeout the error names the
 * condition, the last figures seen and the log files.
 */
export async function waitUntil<T>(what: string, probe: () => Promise<Check<T>> | Check<T>, opts: WaitUntilOptions): Promise<T> {
  const started = Date.now();
  const deadline = started + opts.timeoutMs;
  const stableFor = opts.stableFor ?? 1;
  let streak = 0;
  let seen: unknown = '(nothing: the condition was never evaluated)';
  let looks = 0;
  for (;;) {
    looks++;
    let check: Check<T>;
    try {
      check = await probe();
    } catch (err) {
      check = fail(err);
    }
    if (check.ok) {
      if (++streak >= stableFor) return check.value;
      seen = { heldOnConsecutiveLooks: streak, needed: stableFor, value: check.value };
    } else {
      streak = 0;
      seen = check.seen;
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `timed out after ${((Date.now() - started) / 1000).toFixed(1)} s (${looks} looks) waiting for ${what}\n` +
          `last seen: ${formatSeen(seen)}\n${failureHint()}`,
      );
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 500));
  }
}
