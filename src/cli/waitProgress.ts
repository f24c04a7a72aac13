// The logic of `mirrorwatch wait`, without I/O: when is the flow caught up, how fast is it
// catching up, and what to print while waiting and when giving up.
import { formatSeconds } from '../core/failover.js';
import type { FlowStatus } from '../core/types.js';
import { formatDurationHuman } from './table.js';

export interface WaitGoal {
  /** Reached when every partition's lag is known and at most this. */
  maxLag: number;
  /** Consumer groups whose commits must also be checkpointed (checkpoint lag 0). */
  groups: readonly string[];
}

export interface PartitionShortfall {
  topic: string;
  partition: number;
  /** null: unknown. */
  lagRecords: number | null;
  lagSeconds: number | null;
  why?: string;
}

export interface WaitState {
  reached: boolean;
  partitions: number;
  /** Sum of the known lags, without records lost to retention (nothing can copy those any more). */
  lagRecords: number;
  /** Records deleted on the source before MM2 copied them: wait cannot fix that, verify fails on it. */
  recordsLost: number;
  lostOn: string[];
  maxLagSeconds: number | null;
  /** Partitions above the goal or unknown, in topic/partition order. */
  shortfall: PartitionShortfall[];
  /** Groups whose commits are not all checkpointed yet, with why. */
  groupsPending: { group: string; detail: string }[];
  /** Sum of the replicated positions of the partitions where it is known (for the copy rate). */
  replicatedSum: number;
  /** Identifies the set of partitions replicatedSum covers: rates across a change are meaningless. */
  coverage: string;
  /** Why the flow is not evaluable at all (clusters not read). */
  blocked?: string;
}

export function evaluateWait(flow: FlowStatus, goal: WaitGoal): WaitState {
  const shortfall: PartitionShortfall[] = [];
  let partitions = 0;
  let lagRecords = 0;
  let maxLagSeconds: number | null = null;
  let replicatedSum = 0;
  let recordsLost = 0;
  const lostOn: string[] = [];
  const covered: string[] = [];
  for (const t of flow.topics) {
    for (const p of t.partitions) {
      partitions++;
      if (p.replicated !== null) {
        replicatedSum += p.replicated;
        covered.push(`${p.topic}\u0000${p.partition}`);
      }
      if (p.lagSeconds !== null) maxLagSeconds = Math.max(maxLagSeconds ?? 0, p.lagSeconds);
      if (p.lagRecords === null) {
        const why = t.remoteMissing ? `remote topic ${t.remoteTopic} missing` : p.remotePartitionMissing ? `remote partition ${t.remoteTopic}-${p.partition} missing` : p.syncStale ? 'offset syncs do not fit the offsets (topic recreated?)' : 'lag unknown';
        shortfall.push({ topic: p.topic, partition: p.partition, lagRecords: null, lagSeconds: null, why });
        continue;
      }
      // Lag counts records deleted before MM2 copied them (lag = end - replicated); waiting for
      // those would never end, so the goal is about the records that still exist.
      const copyable = Math.max(0, p.lagRecords - p.recordsLost);
      if (p.recordsLost > 0) {
        recordsLost += p.recordsLost;
        lostOn.push(`${p.topic}-${p.partition}`);
      }
      lagRecords += copyable;
      if (copyable > goal.maxLag) shortfall.push({ topic: p.topic, partition: p.partition, lagRecords: copyable, lagSeconds: p.lagSeconds });
    }
  }
  const groupsPending: WaitState['groupsPending'] = [];
  for (const group of goal.groups) {
    const cp = flow.checkpoints.find((c) => c.group === group);
    if (!cp || cp.partitions.length === 0) {
      groupsPending.push({ group, detail: 'no checkpoint seen yet' });
      continue;
    }
    const unknown = cp.partitions.filter((p) => p.lagRecords === null);
    const behind = cp.partitions.filter((p) => (p.lagRecords ?? 0) > 0);
    if (behind.length > 0) {
      const n = behind.reduce((s, p) => s + (p.lagRecords ?? 0), 0);
      groupsPending.push({ group, detail: `${n} committed records not yet checkpointed on ${behind.map((p) => `${p.topic}-${p.partition}`).join(', ')}` });
    } else if (unknown.length > 0) {
      groupsPending.push({ group, detail: `committed offset unknown on ${unknown.map((p) => `${p.topic}-${p.partition}`).join(', ')}` });
    }
  }
  const blocked = flow.known ? undefined : `clusters ${flow.source} and ${flow.target} not both read yet`;
  return {
    reached: blocked === undefined && shortfall.length === 0 && groupsPending.length === 0,
    partitions,
    lagRecords,
    recordsLost,
    lostOn,
    maxLagSeconds,
    shortfall,
    groupsPending,
    replicatedSum,
    coverage: covered.join('\u0001'),
    ...(blocked ? { blocked } : {}),
  };
}

interface RateSample {
  atMs: number;
  replicatedSum: number;
  lagRecords: number;
}

/**
 * Copy rate (records/s the target gains) and closing rate (records/s the lag shrinks, i.e. copy
 * rate minus produce rate) over a sliding window, for the progress line's rate and ETA.
 */
export class RateTracker {
  private samples: RateSample[] = [];
  private coverage: string | null = null;

  constructor(private readonly windowMs = 30_000) {}

  add(atMs: number, state: Pick<WaitState, 'replicatedSum' | 'lagRecords' | 'coverage'>): void {
    if (state.coverage !== this.coverage) {
      this.samples = [];
      this.coverage = state.coverage;
    }
    this.samples.push({ atMs, replicatedSum: state.replicatedSum, lagRecords: state.lagRecords });
    // Keep one sample at or before the window start, so the window is always fully spanned.
    while (this.samples.length > 2 && (this.samples[1] as RateSample).atMs <= atMs - this.windowMs) this.samples.shift();
  }

  private span(): { first: RateSample; last: RateSample; seconds: number } | null {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.atMs <= first.atMs) return null;
    return { first, last, seconds: (last.atMs - first.atMs) / 1000 };
  }

  /** Records per second copied to the target; null until two samples exist. */
  copyRate(): number | null {
    const s = this.span();
    return s ? Math.max(0, (s.last.replicatedSum - s.first.replicatedSum) / s.seconds) : null;
  }

  /** Records per second by which the lag shrinks (negative: it grows). */
  closingRate(): number | null {
    const s = this.span();
    return s ? (s.first.lagRecords - s.last.lagRecords) / s.seconds : null;
  }

  /** Seconds until the lag reaches `target` at the current closing rate; null if not closing. */
  eta(lagRecords: number, target: number): number | null {
    const rate = this.closingRate();
    if (lagRecords <= target) return 0;
    if (rate === null || rate <= 0) return null;
    return (lagRecords - target) / rate;
  }
}

function formatRate(r: number | null): string {
  if (r === null) return 'rate -';
  return r >= 100 ? `${Math.round(r)} rec/s` : `${(Math.round(r * 10) / 10).toFixed(1)} rec/s`;
}

/** The one line the progress display shows (updated in place on a TTY, printed as is otherwise). */
export function progressLine(flowName: string, state: WaitState, tracker: RateTracker, goal: WaitGoal, elapsedMs: number, error?: string): string {
  const elapsed = formatDurationHuman(elapsedMs / 1000);
  if (error) return `${flowName}: ${error} (retrying; ${elapsed} elapsed)`;
  if (state.blocked) return `${flowName}: ${state.blocked} (${elapsed} elapsed)`;
  const unknown = state.shortfall.filter((s) => s.lagRecords === null).length;
  const parts = [`lag ${state.lagRecords} records`];
  const over = state.shortfall.length - unknown;
  if (over > 0) parts[0] += ` (${over} partition${over === 1 ? '' : 's'} above ${goal.maxLag})`;
  if (unknown > 0) parts.push(`unknown on ${unknown}`);
  if (state.maxLagSeconds !== null && state.lagRecords > 0) parts.push(`oldest ${formatSeconds(state.maxLagSeconds)}`);
  parts.push(formatRate(tracker.copyRate()));
  const eta = over > 0 ? tracker.eta(state.shortfall.reduce((n, s) => n + (s.lagRecords ?? 0), 0), goal.maxLag * over) : 0;
  if (over > 0) parts.push(eta === null ? 'ETA unknown (not closing)' : `ETA ${formatDurationHuman(eta)}`);
  if (state.groupsPending.length > 0) parts.push(`groups waiting: ${state.groupsPending.map((g) => g.group).join(', ')}`);
  if (state.recordsLost > 0) parts.push(`DATA LOST: ${state.recordsLost} records`);
  return `${flowName}: ${parts.join(', ')}; ${elapsed} elapsed`;
}

const LISTED = 50;

/** What `wait` prints when it gives up: everything still short of the goal. */
export function timeoutReport(flowName: string, state: WaitState | null, goal: WaitGoal, timeoutMs: number, lastError?: string): string {
  const out = [`timeout: ${flowName} did not reach lag <= ${goal.maxLag} within ${formatDurationHuman(timeoutMs / 1000)}`];
  if (lastError) out.push(`last error: ${lastError}`);
  if (!state) {
    out.push('the flow could not be read at all');
    return out.join('\n');
  }
  if (state.blocked) out.push(state.blocked);
  if (state.shortfall.length > 0) {
    out.push(`remaining lag: ${state.lagRecords} records; partitions not caught up:`);
    for (const s of state.shortfall.slice(0, LISTED)) {
      out.push(
        s.lagRecords === null
          ? `  ${s.topic}-${s.partition}: unknown (${s.why ?? 'lag unknown'})`
          : `  ${s.topic}-${s.partition}: ${s.lagRecords} records${s.lagSeconds !== null ? `, ${formatSeconds(s.lagSeconds)} behind` : ''}`,
      );
    }
    if (state.shortfall.length > LISTED) out.push(`  ... and ${state.shortfall.length - LISTED} more`);
  }
  for (const g of state.groupsPending) out.push(`group ${g.group}: ${g.detail}`);
  const lost = lostNote(state);
  if (lost) out.push(lost);
  return out.join('\n');
}

/** Said whenever records were lost: waiting is over for them, verification will fail. */
export function lostNote(state: Pick<WaitState, 'recordsLost' | 'lostOn'>): string | null {
  if (state.recordsLost === 0) return null;
  const where = state.lostOn.length > LISTED ? `${state.lostOn.slice(0, LISTED).join(', ')} and ${state.lostOn.length - LISTED} more` : state.lostOn.join(', ');
  return `data lost: ${state.recordsLost} records were deleted on the source before MM2 copied them (${where}); no wait brings them back and verify will fail`;
}
