// First offset at or after a record timestamp (ListOffsets by timestamp), one request per leader
// broker per distinct timestamp: the count audit asks every partition of a flow for the same bucket
// boundary, so a boundary costs one request per broker however many partitions there are.
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
import { LIST_OFFSETS_VERSIONS, decodeListOffsetsResponse, encodeListOffsetsRequest } from './listOffsetsProtocol.js';
import type { ListOffsetsTopic, ListedOffset } from './listOffsetsProtocol.js';
import { listOffsetsTopics } from './partitionOffsets.js';
import { TopicPartitionMap } from './topicPartitionMap.js';
import type { TimestampOffset, TimestampQuery } from './port.js';

function byTimestampRequest(topics: ListOffsetsTopic[], timestamp: number): OwnRequest<TopicPartitionMap<ListedOffset>> {
  return {
    apiKey: apiKeys.ListOffsets!,
    apiName: 'ListOffsets',
    versions: LIST_OFFSETS_VERSIONS,
    // read_committed: the broker only answers offsets below the last stable offset, so a range
    // between two answers never ends inside an open transaction.
    encode: (version) => encodeListOffsetsRequest(version, topics, timestamp, isolationLevel.READ_COMMITTED),
    decode: (raw, version) => decodeListOffsetsResponse(raw, version),
  };
}

async function timestampRound(
  ctx: PortContext,
  meta: ClusterMetadata,
  items: TimestampQuery[],
): Promise<RoundResult<TimestampQuery, TimestampOffset>> {
  const { byLeader, unroutable } = groupByLeader(meta, items);
  const result: RoundResult<TimestampQuery, TimestampOffset> = {
    ok: [],
    failed: unroutable.map((u): AttemptFailure<TimestampQuery> => codeFailure(u.item, u.errorCode, null)),
  };
  const requests: Promise<void>[] = [];
  for (const [leader, queries] of byLeader) {
    const byTimestamp = new Map<number, TimestampQuery[]>();
    for (const q of queries) {
      let list = byTimestamp.get(q.timestamp);
      if (!list) byTimestamp.set(q.timestamp, (list = []));
      list.push(q);
    }
    for (const [timestamp, group] of byTimestamp) {
      requests.push(
        (async () => {
          try {
            const answer = await ctx.conns.sendOwn(ctx.conns.node(leader), byTimestampRequest(listOffsetsTopics(group), timestamp));
            for (const q of group) {
              const a = answer.data.get(q);
              if (!a) result.failed.push({ item: q, code: null, reason: `broker ${leader} left the partition out of its ListOffsets answer`, leader });
              else if (a.errorCode !== ErrorCode.NONE) result.failed.push(codeFailure(q, a.errorCode, leader));
              else result.ok.push({ topic: q.topic, partition: q.partition, timestamp, offset: a.offset < 0 ? null : a.offset });
            }
          } catch (e) {
            const reason = (e as Error).message;
            for (const q of group) result.failed.push({ item: q, code: null, reason, leader });
          }
        })(),
      );
    }
  }
  await Promise.all(requests);
  return result;
}

/** Per timestamp, a value per partition: no string key per (partition, timestamp) at 20,000 partitions. */
class ByTimestamp<V> {
  private readonly maps = new Map<number, TopicPartitionMap<V>>();
  get(q: TimestampQuery): V | undefined {
    return this.maps.get(q.timestamp)?.get(q);
  }
  set(q: TimestampQuery, value: V): void {
    let m = this.maps.get(q.timestamp);
    if (!m) this.maps.set(q.timestamp, (m = new TopicPartitionMap<V>()));
    m.set(q, value);
  }
}

export async function fetchOffsetsForTimes(ctx: PortContext, queries: TimestampQuery[]): Promise<TimestampOffset[]> {
  const seen = new ByTimestamp<true>();
  const wanted: TimestampQuery[] = [];
  for (const q of queries) {
    if (!Number.isSafeInteger(q.timestamp) || q.timestamp < 0) throw new RangeError(`timestamp ${q.timestamp} of ${q.topic}-${q.partition} is not an epoch millisecond`);
    if (seen.get(q)) continue;
    seen.set(q, true);
    wanted.push({ topic: q.topic, partition: q.partition, timestamp: q.timestamp });
  }
  if (wanted.length === 0) return [];
  const { ok, failed } = await withLeaderRetry(ctx, wanted, (meta, items) => timestampRound(ctx, meta, items));
  settle(
    ctx,
    'reading offsets by timestamp',
    'timestamp_offsets',
    ok.length,
    failed.map((f) => ({ subject: `${tpLabel(f.item)}@${f.item.timestamp}`, reason: f.reason, requestLevel: f.code === null })),
  );
  const found = new ByTimestamp<TimestampOffset>();
  for (const o of ok) found.set(o, o);
  const out: TimestampOffset[] = [];
  for (const q of wanted) {
    const o = found.get(q);
    if (o) out.push(o);
  }
  return out;
}
