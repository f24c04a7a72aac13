// How the port reports the part of a batched call that failed. One offline partition or one
// unreachable coordinator must not blank a whole cluster, so the rest is returned; but when nothing
// could be read because brokers did not answer, the call rejects so the poller marks the cluster down.
import type { Logger } from '../log.js';
import type { Telemetry } from '../core/telemetry.js';
import { KafkaRequestError } from './brokerConnections.js';

export interface Failure {
  /** `topic-partition` or `group g`, for messages. */
  subject: string;
  reason: string;
  /** The request got no response at all (connection, timeout), as opposed to an error code. */
  requestLevel: boolean;
}

export interface FailureContext {
  alias: string;
  logger: Logger;
  telemetry: Telemetry;
}

const SHOWN = 5;

export function summarize(failures: readonly Failure[]): string {
  const shown = failures.slice(0, SHOWN).map((f) => `${f.subject}: ${f.reason}`);
  const more = failures.length > SHOWN ? `; and ${failures.length - SHOWN} more` : '';
  return shown.join('; ') + more;
}

/** Throws when nothing succeeded and some request got no answer: the cluster is as good as down. */
export function rejectIfNothingRead(ctx: FailureContext, what: string, succeeded: number, failures: readonly Failure[]): void {
  if (succeeded === 0 && failures.some((f) => f.requestLevel)) {
    throw new KafkaRequestError(`cluster ${ctx.alias}: ${what} failed: ${summarize(failures)}`);
  }
}

// A partial failure usually repeats on every poll (a group mirrorwatch may not describe, a
// partition offline for hours): its warning is written when it starts or changes, not each time;
// the counter still counts each time. Per context (one per cluster) and per kind of call.
const lastWarned = new WeakMap<FailureContext, Map<string, string>>();

/**
 * For results that have no error field: rejects as rejectIfNothingRead does, otherwise logs one
 * warning for the failed part (unless the same one was the last logged for `what`) and counts it
 * as `mirrorwatch_poll_errors_total{kind}`.
 */
export function settle(ctx: FailureContext, what: string, kind: string, succeeded: number, failures: readonly Failure[]): void {
  let warned = lastWarned.get(ctx);
  if (failures.length === 0) {
    warned?.delete(what);
    return;
  }
  rejectIfNothingRead(ctx, what, succeeded, failures);
  ctx.telemetry.pollError(ctx.alias, kind);
  const message = `${what}: ${failures.length} not read: ${summarize(failures)}`;
  if (!warned) lastWarned.set(ctx, (warned = new Map()));
  if (warned.get(what) === message) return;
  warned.set(what, message);
  ctx.logger.warn({ failed: failures.length, succeeded }, message);
}
