// A stuck tail is never silent: every partition fetch that stopped short counts in
// mirrorwatch_tail_errors_total{cluster,topic,kind}; one log line says when a (cluster, topic,
// kind) starts failing and one when it recovers; the topics stuck now go into the snapshot
// (mirrorwatch_tail_stuck, the API's blind spots, the failover verdict).
import type { TailStuck } from '../core/types.js';
import type { Telemetry } from '../core/telemetry.js';
import type { Logger } from '../log.js';
import { blindReason } from '../core/blindSpots.js';
import type { TailResult } from './tailer.js';

export class TailProblemReporter {
  /** (topic, kind) -> what is stuck now on this cluster. */
  private stuck = new Map<string, TailStuck>();
  /** Out-of-range moves already logged, by topic. */
  private readonly movedLogged = new Set<string>();

  constructor(
    private readonly cluster: string,
    private readonly logger: Logger,
    private readonly telemetry: Telemetry,
  ) {}

  /**
   * Accounts for one poll's tail and returns the topics stuck now. With `scope` (a follow round
   * between polls, which reads only some topics), what is known of the other topics is kept.
   */
  report(result: TailResult, nowMs: number, scope?: ReadonlySet<string>): TailStuck[] {
    const next = new Map<string, TailStuck>();
    if (scope) for (const [key, s] of this.stuck) if (!scope.has(s.topic)) next.set(key, s);
    for (const t of result.topics) {
      for (const p of t.partitions) {
        const problem = p.problem;
        if (!problem) continue;
        this.telemetry.tailError?.(this.cluster, t.topic, problem.kind);
        if (problem.kind === 'out-of-range') {
          // Not stuck: the tail moved to the log start and read on. Said once per topic.
          if (!this.movedLogged.has(t.topic)) {
            this.movedLogged.add(t.topic);
            this.logger.warn(
              { cluster: this.cluster, topic: t.topic, partition: p.partition, kind: problem.kind },
              `position ${problem.offset} of ${t.topic}-${p.partition} on ${this.cluster} is out of range (${problem.message}); reading on from the log start (further moves are only counted)`,
            );
          }
          continue;
        }
        const key = `${t.topic}\u0000${problem.kind}`;
        const entry = next.get(key);
        if (entry) entry.partitions.push(p.partition);
        else next.set(key, { topic: t.topic, kind: problem.kind, message: problem.message, partitions: [p.partition], sinceMs: this.stuck.get(key)?.sinceMs ?? nowMs });
      }
    }
    // A topic not tailed this time (deleted, flows changed) is not stuck any more either.
    for (const [key, s] of next) {
      if (this.stuck.has(key)) continue;
      this.logger.warn(
        { cluster: this.cluster, topic: s.topic, kind: s.kind, partitions: s.partitions, err: s.message },
        `${blindReason(s.topic, this.cluster, s.kind, s.message)}; mirrorwatch is blind to what it holds until this clears (counted in mirrorwatch_tail_errors_total)`,
      );
    }
    for (const [key, s] of this.stuck) {
      if (next.has(key)) continue;
      this.logger.info({ cluster: this.cluster, topic: s.topic, kind: s.kind }, `reading ${s.topic} on ${this.cluster} works again (was: ${s.message})`);
    }
    this.stuck = next;
    return [...next.values()];
  }
}
