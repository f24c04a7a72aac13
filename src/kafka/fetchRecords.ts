// Reads records from given offsets with one Fetch request per leader broker, as a sessionless
// fetch with no consumer group: nothing is joined, nothing committed.
import type { FetchRequest, FetchResult } from './port.js';
import { isolationLevel } from './kafkajsInternals.js';
import type { ClusterMetadata } from './metadataModel.js';
import { groupByLeader, nestByTopic } from './metadataModel.js';
import { ErrorCode, errorName } from './errorCodes.js';
import { decodeFetchResponse } from './fetchResponse.js';
import type { FetchResponse } from './fetchResponse.js';
import { decodeRecordSet } from './recordBatches.js';
import type { AttemptFailure, RoundResult } from './leaderRetry.js';
import { codeFailure, withLeaderRetry } from './leaderRetry.js';
import type { PortContext } from './portContext.js';
import { tpLabel } from './portContext.js';
import { TopicPartitionMap, distinct } from './topicPartitionMap.js';
import { rejectIfNothingRead } from './partialFailures.js';

export const DEFAULT_PARTITION_MAX_BYTES = 1024 * 1024;
// Kafka's Java consumer default fetch.max.bytes: bounds one response (and our memory) however
// many partitions are tailed.
export const MAX_RESPONSE_BYTES = 50 * 1024 * 1024;
// Tailing in a poll waits for nothing; following between polls asks the broker to hold the answer
// until a record arrives or maxWaitMs passed (one long poll per broker instead of a busy loop).

export interface FetchOptions {
  /** Skip records of aborted transactions and stop at the last stable offset (default true). */
  readCommitted: boolean;
  /** How long the broker may wait for new records (0: answer at once). */
  maxWaitMs?: number;
  /** Bytes the broker waits for within maxWaitMs before answering (default 1). */
  minBytes?: number;
}

function requestFor(reqs: readonly FetchRequest[], readCommitted: boolean, maxWaitMs: number, minBytes: number): object {
  const partitionBytes = (r: FetchRequest) => Math.max(1, Math.floor(r.maxBytes ?? DEFAULT_PARTITION_MAX_BYTES));
  const total = reqs.reduce((sum, r) => sum + partitionBytes(r), 0);
  return {
    replicaId: -1,
    isolationLevel: readCommitted ? isolationLevel.READ_COMMITTED : isolationLevel.READ_UNCOMMITTED,
    maxWaitTime: Math.max(0, Math.floor(maxWaitMs)),
    minBytes: Math.max(1, Math.floor(minBytes)),
    maxBytes: Math.min(total, MAX_RESPONSE_BYTES),
    topics: nestByTopic(reqs).map(({ topic, partitions }) => ({
      topic,
      partitions: partitions.map((r) => ({ partition: r.partition, fetchOffset: String(r.offset), maxBytes: partitionBytes(r) })),
    })),
    rackId: '',
  };
}

async function resultsOf(
  response: FetchResponse,
  reqs: readonly FetchRequest[],
  leader: number,
  readCommitted: boolean,
): Promise<RoundResult<FetchRequest, FetchResult>> {
  const out: RoundResult<FetchRequest, FetchResult> = { ok: [], failed: [] };
  if (response.errorCode !== ErrorCode.NONE) {
    for (const r of reqs) out.failed.push(codeFailure(r, response.errorCode, leader));
    return out;
  }
  const answers = new TopicPartitionMap<FetchResponse['topics'][number]['partitions'][number]>();
  for (const t of response.topics) for (const p of t.partitions) answers.put(t.topic, p.partition, p);
  for (const req of reqs) {
    const p = answers.get(req);
    const base = { topic: req.topic, partition: req.partition };
    if (!p) {
      out.failed.push({ item: req, code: null, reason: `broker ${leader} left the partition out of its Fetch answer`, leader });
    } else if (p.errorCode === ErrorCode.NONE) {
      const decoded = await decodeRecordSet(p.records, req.offset, readCommitted ? (p.abortedTransactions ?? []) : null);
      out.ok.push({ ...base, ...decoded, highWatermark: p.highWatermark });
    } else if (p.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
      // An answer, not a failure: the caller moves to the log start or end.
      out.ok.push({ ...base, records: [], nextOffset: req.offset, highWatermark: p.highWatermark, error: errorName(p.errorCode), errorKind: 'out-of-range' });
    } else {
      out.failed.push(codeFailure(req, p.errorCode, leader));
    }
  }
  return out;
}

async function fetchRound(
  ctx: PortContext,
  meta: ClusterMetadata,
  reqs: FetchRequest[],
  options: FetchOptions,
): Promise<RoundResult<FetchRequest, FetchResult>> {
  const { byLeader, unroutable } = groupByLeader(meta, reqs);
  const result: RoundResult<FetchRequest, FetchResult> = {
    ok: [],
    failed: unroutable.map((u): AttemptFailure<FetchRequest> => codeFailure(u.item, u.errorCode, null)),
  };
  await Promise.all(
    [...byLeader].map(async ([leader, group]) => {
      let response: FetchResponse;
      try {
        const sent = await ctx.conns.send<FetchResponse>(ctx.conns.node(leader), 'Fetch', requestFor(group, options.readCommitted, options.maxWaitMs ?? 0, options.minBytes ?? 1), (raw, version) =>
          decodeFetchResponse(raw, version),
        );
        response = sent.data;
      } catch (e) {
        const reason = (e as Error).message;
        for (const r of group) result.failed.push({ item: r, code: null, reason, leader });
        return;
      }
      const r = await resultsOf(response, group, leader, options.readCommitted);
      result.ok.push(...r.ok);
      result.failed.push(...r.failed);
    }),
  );
  return result;
}

export async function fetchRecords(ctx: PortContext, requests: FetchRequest[], options: FetchOptions): Promise<FetchResult[]> {
  for (const r of requests) {
    if (!Number.isSafeInteger(r.offset) || r.offset < 0) {
      throw new Error(`cluster ${ctx.alias}: fetch of ${tpLabel(r)} asks for offset ${r.offset}; offsets are integers >= 0`);
    }
  }
  const wanted = distinct(requests);
  if (wanted.length === 0) return [];
  const { ok, failed } = await withLeaderRetry(ctx, wanted, (meta, items) => fetchRound(ctx, meta, items, options));
  // Every partition gets a result with its error, so failures are the caller's to report; the
  // call only rejects when no broker answered at all. Answers such as OFFSET_OUT_OF_RANGE count as read.
  rejectIfNothingRead(
    ctx,
    'fetching records',
    ok.length,
    failed.map((f) => ({ subject: tpLabel(f.item), reason: f.reason, requestLevel: f.code === null })),
  );
  const byKey = new TopicPartitionMap<FetchResult>();
  for (const r of ok) byKey.set(r, r);
  for (const f of failed) {
    byKey.set(f.item, {
      topic: f.item.topic,
      partition: f.item.partition,
      records: [],
      nextOffset: f.item.offset,
      highWatermark: -1,
      error: f.reason,
      // A Kafka error code for the partition (e.g. TOPIC_AUTHORIZATION_FAILED) or no answer at all.
      errorKind: f.code === null ? 'unreachable' : 'kafka',
    });
  }
  return wanted.map((r) => byKey.get(r)!);
}
