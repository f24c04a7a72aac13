// Log-start offsets and high watermarks, two ListOffsets requests (earliest, latest) per leader
// broker however many topics there are.
import type { PartitionOffsets, TopicPartition } from '../core/types.js';
import { isolationLevel } from './kafkajsInternals.js';
import type { ClusterMetadata } from './metadataModel.js';
import { groupByLeader, nestByTopic, tpKey } from './metadataModel.js';
import { ErrorCode } from './errorCodes.js';
import type { AttemptFailure, RoundResult } from './leaderRetry.js';
import { codeFailure, withLeaderRetry } from './leaderRetry.js';
import type { PortContext } from './portContext.js';
import { distinct, tpLabel } from './portContext.js';
import { settle } from './partialFailures.js';

const EARLIEST = -2;
const LATEST = -1;

/** kafkajs's decoded ListOffsets response; v0 answers with an `offsets` array instead of `offset`. */
export interface RawListOffsetsResponse {
  responses: {
    topic: string;
    partitions: { partition: number; errorCode: number; offset?: string; offsets?: string[] }[];
  }[];
}

export interface ListedOffset {
  errorCode: number;
  offset: number;
}

/** topic/partition -> offset or error code, from one ListOffsets response. */
export function listedOffsets(raw: RawListOffsetsResponse): Map<string, ListedOffset> {
  const out = new Map<string, ListedOffset>();
  for (const t of raw.responses) {
    for (const p of t.partitions) {
      const text = p.offset ?? p.offsets?.[0];
      const offset = text === undefined ? NaN : Number(text);
      const errorCode = p.errorCode !== ErrorCode.NONE || Number.isFinite(offset) ? p.errorCode : ErrorCode.OFFSET_NOT_AVAILABLE;
      out.set(tpKey({ topic: t.topic, partition: p.partition }), { errorCode, offset });
    }
  }
  return out;
}

/** Joins the earliest and latest answers into PartitionOffsets or a per-partition failure. */
export function joinOffsets(
  items: readonly TopicPartition[],
  earliest: Map<string, ListedOffset>,
  latest: Map<string, ListedOffset>,
  leader: number,
): RoundResult<TopicPartition, PartitionOffsets> {
  const result: RoundResult<TopicPartition, PartitionOffsets> = { ok: [], failed: [] };
  for (const tp of items) {
    const key = tpKey(tp);
    const e = earliest.get(key);
    const l = latest.get(key);
    if (!e || !l) {
      result.failed.push({ item: tp, code: null, reason: `broker ${leader} left the partition out of its ListOffsets answer`, leader });
    } else if (e.errorCode !== ErrorCode.NONE) {
      result.failed.push(codeFailure(tp, e.errorCode, leader));
    } else if (l.errorCode !== ErrorCode.NONE) {
      result.failed.push(codeFailure(tp, l.errorCode, leader));
    } else {
      result.ok.push({ topic: tp.topic, partition: tp.partition, start: e.offset, end: l.offset });
    }
  }
  return result;
}

async function offsetsRound(
  ctx: PortContext,
  meta: ClusterMetadata,
  items: TopicPartition[],
): Promise<RoundResult<TopicPartition, PartitionOffsets>> {
  const { byLeader, unroutable } = groupByLeader(meta, items);
  const result: RoundResult<TopicPartition, PartitionOffsets> = {
    ok: [],
    failed: unroutable.map((u): AttemptFailure<TopicPartition> => codeFailure(u.item, u.errorCode, null)),
  };
  await Promise.all(
    [...byLeader].map(async ([leader, tps]) => {
      const request = (timestamp: number) => ({
        replicaId: -1,
        // The high watermark, not the last stable offset: lag counts records MM2 has to copy,
        // including those of open transactions.
        isolationLevel: isolationLevel.READ_UNCOMMITTED,
        topics: nestByTopic(tps).map(({ topic, partitions }) => ({
          topic,
          partitions: partitions.map((p) => ({ partition: p.partition, timestamp })),
        })),
      });
      try {
        const target = ctx.conns.node(leader);
        const [earliest, latest] = await Promise.all([
          ctx.conns.send<RawListOffsetsResponse>(target, 'ListOffsets', request(EARLIEST)),
          ctx.conns.send<RawListOffsetsResponse>(target, 'ListOffsets', request(LATEST)),
        ]);
        const joined = joinOffsets(tps, listedOffsets(earliest.data), listedOffsets(latest.data), leader);
        result.ok.push(...joined.ok);
        result.failed.push(...joined.failed);
      } catch (e) {
        const reason = (e as Error).message;
        for (const tp of tps) result.failed.push({ item: tp, code: null, reason, leader });
      }
    }),
  );
  return result;
}

export async function fetchPartitionOffsets(ctx: PortContext, partitions: TopicPartition[]): Promise<PartitionOffsets[]> {
  const wanted = distinct(partitions).map((p) => ({ topic: p.topic, partition: p.partition }));
  if (wanted.length === 0) return [];
  const { ok, failed } = await withLeaderRetry(ctx, wanted, (meta, items) => offsetsRound(ctx, meta, items));
  settle(
    ctx,
    'reading partition offsets',
    'partition_offsets',
    ok.length,
    failed.map((f) => ({ subject: tpLabel(f.item), reason: f.reason, requestLevel: f.code === null })),
  );
  const byKey = new Map(ok.map((o) => [tpKey(o), o]));
  return wanted.flatMap((tp) => byKey.get(tpKey(tp)) ?? []);
}
