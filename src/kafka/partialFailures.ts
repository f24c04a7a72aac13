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

/**
 * For results that have no error field: rejects as rejectIfNothingRead does, otherwise logs one
 * warning for the failed part and counts it as `mirrorwatch_poll_errors_total{kind}`.
 */
export function settle(ctx: FailureContext, what: string, kind: string, succeeded: number, failures: readonly Failure[]): void {
  if (failures.length === 0) return;
  rejectIfNothingRead(ctx, what, succeeded, failures);
  ctx.telemetry.pollError(ctx.alias, kind);
  ctx.logger.warn({ failed: failures.length, succeeded }, `${what}: ${failures.length} not read: ${summarize(failures)}`);
}
