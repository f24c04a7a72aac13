// Log-start offsets and high watermarks, two ListOffsets requests (earliest, latest) per leader
// broker however many topics there are.
import type { PartitionOffsets, TopicPartition } from '../core/types.js';
import { apiKeys, isolationLevel } from './kafkajsInternals.js';
import type { ClusterMetadata } from './metadataModel.js';
import { groupByLeader } from './metadataModel.js';
import { ErrorCode } from './errorCodes.js';
import type { AttemptFailure, RoundResult } from './leaderRetry.js';
import { codeFailure, withLeaderRetry } from './leaderRetry.js';
import type { PortContext } from './portContext.js';
import { tpLabel } from './portContext.js';
import { settle } from './partialFailures.js';
import type { OwnRequest } from './brokerConnections.js';
import {
  EARLIEST_TIMESTAMP,
  LATEST_TIMESTAMP,
  LIST_OFFSETS_VERSIONS,
  decodeListOffsetsResponse,
  encodeListOffsetsRequest,
} from './listOffsetsProtocol.js';
import type { ListOffsetsTopic, ListedOffset } from './listOffsetsProtocol.js';
import { TopicPartitionMap, distinct } from './topicPartitionMap.js';

/** Partitions grouped per topic, in first-seen order, as the request nests them. */
export function listOffsetsTopics(items: readonly TopicPartition[]): ListOffsetsTopic[] {
  const byTopic = new Map<string, number[]>();
  for (const { topic, partition } of items) {
    let list = byTopic.get(topic);
    if (!list) byTopic.set(topic, (list = []));
    list.push(partition);
  }
  return [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
}

function listOffsetsRequest(topics: ListOffsetsTopic[], timestamp: number): OwnRequest<TopicPartitionMap<ListedOffset>> {
  return {
    apiKey: apiKeys.ListOffsets!,
    apiName: 'ListOffsets',
    versions: LIST_OFFSETS_VERSIONS,
    // The high watermark, not the last stable offset: lag counts records MM2 has to copy,
    // including those of open transactions.
    encode: (version) => encodeListOffsetsRequest(version, topics, timestamp, isolationLevel.READ_UNCOMMITTED),
    decode: (raw, version) => decodeListOffsetsResponse(raw, version),
  };
}

/** Joins the earliest and latest answers into PartitionOffsets or a per-partition failure. */
export function joinOffsets(
  items: readonly TopicPartition[],
  earliest: TopicPartitionMap<ListedOffset>,
  latest: TopicPartitionMap<ListedOffset>,
  leader: number,
): RoundResult<TopicPartition, PartitionOffsets> {
  const result: RoundResult<TopicPartition, PartitionOffsets> = { ok: [], failed: [] };
  for (const tp of items) {
    const e = earliest.get(tp);
    const l = latest.get(tp);
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
      const topics = listOffsetsTopics(tps);
      try {
        const target = ctx.conns.node(leader);
        const [earliest, latest] = await Promise.all([
          ctx.conns.sendOwn(target, listOffsetsRequest(topics, EARLIEST_TIMESTAMP)),
          ctx.conns.sendOwn(target, listOffsetsRequest(topics, LATEST_TIMESTAMP)),
        ]);
        const joined = joinOffsets(tps, earliest.data, latest.data, leader);
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
  const found = new TopicPartitionMap<PartitionOffsets>();
  for (const o of ok) found.set(o, o);
  const out: PartitionOffsets[] = [];
  for (const tp of wanted) {
    const o = found.get(tp);
    if (o) out.push(o);
  }
  return out;
}
