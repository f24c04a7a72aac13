import { describe, expect, it } from 'vitest';
import type { TopicPartition } from '../../../src/core/types.js';
import { createLogger } from '../../../src/log.js';
import type { BrokerConnections } from '../../../src/kafka/brokerConnections.js';
import { shouldRetry, withLeaderRetry } from '../../../src/kafka/leaderRetry.js';
import type { Round } from '../../../src/kafka/leaderRetry.js';
import { metadataFromResponse } from '../../../src/kafka/metadataModel.js';
import type { ClusterMetadata } from '../../../src/kafka/metadataModel.js';
import type { PortContext } from '../../../src/kafka/portContext.js';
import { rejectIfNothingRead, settle } from '../../../src/kafka/partialFailures.js';

const metaWithLeaders = (leaders: Record<string, number>, complete = true): ClusterMetadata =>
  metadataFromResponse(
    {
      brokers: [1, 2, 3].map((nodeId) => ({ nodeId, host: `b${nodeId}`, port: 9092 })),
      topicMetadata: Object.entries(leaders).map(([topic, leader]) => ({
        topicErrorCode: 0,
        topic,
        partitionMetadata: [{ partitionErrorCode: 0, partitionId: 0, leader }],
      })),
    },
    Date.now(),
    complete,
  );

/** A context whose metadata refreshes come from a script; records what was asked. */
function context(initial: ClusterMetadata, refreshed: ClusterMetadata | Error) {
  const refreshes: { topics: string[] | null; avoid: number[] }[] = [];
  let current = initial;
  const conns = {
    get metadata() {
      return current;
    },
    async refreshMetadata(topics: string[] | null, avoid: ReadonlySet<number> = new Set()) {
      refreshes.push({ topics, avoid: [...avoid] });
      if (refreshed instanceof Error) throw refreshed;
      current = refreshed;
      return refreshed;
    },
  } as unknown as BrokerConnections;
  const pollErrors: string[] = [];
  const ctx: PortContext = {
    alias: 'c',
    conns,
    metadataMaxAgeMs: 60_000,
    logger: createLogger('silent'),
    telemetry: { kafkaRequest: () => {}, pollError: (_c, k) => pollErrors.push(k), decodeError: () => {} },
  };
  return { ctx, refreshes, pollErrors };
}

const tp = (topic: string): TopicPartition => ({ topic, partition: 0 });

describe('shouldRetry', () => {
  const fresh = metaWithLeaders({ moved: 2, same: 1 });
  it('retries leadership error codes, not others', () => {
    expect(shouldRetry({ item: tp('same'), code: 6, reason: '', leader: 1 }, fresh)).toBe(true);
    expect(shouldRetry({ item: tp('same'), code: 3, reason: '', leader: null }, fresh)).toBe(true);
    expect(shouldRetry({ item: tp('same'), code: 29, reason: '', leader: 1 }, fresh)).toBe(false);
  });
  it('retries a silent leader only when leadership moved', () => {
    expect(shouldRetry({ item: tp('moved'), code: null, reason: 'timeout', leader: 1 }, fresh)).toBe(true);
    expect(shouldRetry({ item: tp('same'), code: null, reason: 'timeout', leader: 1 }, fresh)).toBe(false);
    expect(shouldRetry({ item: tp('unknown'), code: null, reason: 'timeout', leader: 1 }, fresh)).toBe(false);
  });
});

describe('withLeaderRetry', () => {
  it('asks the new leader once after NOT_LEADER, refreshing only the failed topics', async () => {
    const { ctx, refreshes } = context(metaWithLeaders({ a: 1, b: 1 }), metaWithLeaders({ a: 1, b: 2 }));
    const asked: [number, string[]][] = [];
    const round: Round<TopicPartition, string> = async (meta, items) => {
      const leaders = items.map((i) => meta.topics.get(i.topic)!.partitions.get(0)!.leader);
      asked.push([leaders[0]!, items.map((i) => i.topic)]);
      return {
        ok: items.filter((i, n) => !(i.topic === 'b' && leaders[n] === 1)).map((i) => i.topic),
        failed: items.filter((i, n) => i.topic === 'b' && leaders[n] === 1).map((item) => ({ item, code: 6, reason: 'NOT_LEADER_OR_FOLLOWER', leader: 1 })),
      };
    };
    const r = await withLeaderRetry(ctx, [tp('a'), tp('b')], round);
    expect(r.ok.sort()).toEqual(['a', 'b']);
    expect(r.failed).toEqual([]);
    expect(asked).toEqual([
      [1, ['a', 'b']],
      [2, ['b']],
    ]);
    expect(refreshes).toEqual([{ topics: ['b'], avoid: [] }]);
  });

  it('does not ask a silent leader twice, nor for metadata', async () => {
    const { ctx, refreshes } = context(metaWithLeaders({ a: 1 }), new Error('no broker answered'));
    let rounds = 0;
    const r = await withLeaderRetry(ctx, [tp('a')], async (_m, items) => {
      rounds++;
      return { ok: [], failed: items.map((item) => ({ item, code: null, reason: 'timed out', leader: 1 })) };
    });
    expect(rounds).toBe(1);
    expect(refreshes).toEqual([{ topics: ['a'], avoid: [1] }]);
    expect(r.failed.map((f) => f.reason)).toEqual(['timed out']);
  });

  it('keeps failures that still fail on the retry', async () => {
    const { ctx } = context(metaWithLeaders({ a: 1 }), metaWithLeaders({ a: 1 }));
    let rounds = 0;
    const r = await withLeaderRetry(ctx, [tp('a')], async (_m, items) => {
      rounds++;
      return { ok: [], failed: items.map((item) => ({ item, code: 3, reason: `UNKNOWN_TOPIC_OR_PARTITION #${rounds}`, leader: 1 })) };
    });
    expect(rounds).toBe(2);
    expect(r.failed.map((f) => f.reason)).toEqual(['UNKNOWN_TOPIC_OR_PARTITION #2']);
  });
});

describe('partial failure reporting', () => {
  const f = (requestLevel: boolean, i = 0) => ({ subject: `t-${i}`, reason: requestLevel ? 'Connection error' : 'LEADER_NOT_AVAILABLE', requestLevel });

  it('rejects only when nothing was read and a broker did not answer', () => {
    const { ctx } = context(metaWithLeaders({}), new Error());
    expect(() => rejectIfNothingRead(ctx, 'reading', 0, [f(true)])).toThrow('cluster c: reading failed: t-0: Connection error');
    expect(() => rejectIfNothingRead(ctx, 'reading', 0, [f(false)])).not.toThrow();
    expect(() => rejectIfNothingRead(ctx, 'reading', 1, [f(true)])).not.toThrow();
  });

  it('counts a partial failure once per call and summarises at most five subjects', () => {
    const { ctx, pollErrors } = context(metaWithLeaders({}), new Error());
    const lines: string[] = [];
    ctx.logger = { warn: (_o: object, msg: string) => lines.push(msg) } as unknown as PortContext['logger'];
    settle(ctx, 'reading offsets', 'partition_offsets', 3, Array.from({ length: 8 }, (_, i) => f(false, i)));
    settle(ctx, 'reading offsets', 'partition_offsets', 3, []);
    expect(pollErrors).toEqual(['partition_offsets']);
    expect(lines).toEqual([
      'reading offsets: 8 not read: t-0: LEADER_NOT_AVAILABLE; t-1: LEADER_NOT_AVAILABLE; t-2: LEADER_NOT_AVAILABLE; t-3: LEADER_NOT_AVAILABLE; t-4: LEADER_NOT_AVAILABLE; and 3 more',
    ]);
  });
});
