// Runs a per-leader batched operation with one retry for partitions whose leader moved: the
// NOT_LEADER / UNKNOWN_TOPIC_OR_PARTITION family of errors, or a leader that did not answer and has
// since been replaced. A leader that did not answer and is still the leader is not asked again in
// the same call, so an unreachable broker costs one timeout per call, not two.
import type { TopicPartition } from '../core/types.js';
import type { ClusterMetadata } from './metadataModel.js';
import { leaderOf } from './metadataModel.js';
import { errorName, isLeadershipError } from './errorCodes.js';
import type { PortContext } from './portContext.js';
import { metadataFor, topicsOf } from './portContext.js';

export interface AttemptFailure<T> {
  item: T;
  /** Kafka error code, or null when the request itself failed. */
  code: number | null;
  reason: string;
  /** The leader that was asked, when one was. */
  leader: number | null;
}

export interface RoundResult<T, R> {
  ok: R[];
  failed: AttemptFailure<T>[];
}

export type Round<T, R> = (meta: ClusterMetadata, items: T[]) => Promise<RoundResult<T, R>>;

export function codeFailure<T>(item: T, code: number, leader: number | null): AttemptFailure<T> {
  return { item, code, reason: errorName(code), leader };
}

export function shouldRetry<T extends TopicPartition>(f: AttemptFailure<T>, fresh: ClusterMetadata): boolean {
  if (f.code !== null) return isLeadershipError(f.code);
  const now = leaderOf(fresh, f.item);
  return now !== null && now !== f.leader;
}

export async function withLeaderRetry<T extends TopicPartition, R>(
  ctx: PortContext,
  items: T[],
  round: Round<T, R>,
): Promise<RoundResult<T, R>> {
  const first = await round(await metadataFor(ctx, topicsOf(items)), items);
  if (first.failed.length === 0) return first;

  // Brokers that did not answer are not asked for metadata either: on a one-broker cluster that
  // is down, the call ends after one timeout instead of two.
  const silent = new Set(first.failed.flatMap((f) => (f.code === null && f.leader !== null ? [f.leader] : [])));
  let fresh: ClusterMetadata;
  try {
    fresh = await ctx.conns.refreshMetadata(
      topicsOf(first.failed.map((f) => f.item)),
      silent,
    );
  } catch {
    return first; // the failures stand; the refresh error itself says no more than they do
  }
  const again = first.failed.filter((f) => shouldRetry(f, fresh));
  if (again.length === 0) return first;
  const retried = new Set(again);
  const second = await round(
    fresh,
    again.map((f) => f.item),
  );
  return {
    ok: [...first.ok, ...second.ok],
    failed: [...first.failed.filter((f) => !retried.has(f)), ...second.failed],
  };
}
