import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { joinOffsets, listOffsetsTopics } from '../../../src/kafka/partitionOffsets.js';
import { decodeListOffsetsResponse, encodeListOffsetsRequest } from '../../../src/kafka/listOffsetsProtocol.js';
import { TopicPartitionMap, distinct } from '../../../src/kafka/topicPartitionMap.js';
import { groupOffsetsFromResponse } from '../../../src/kafka/committedOffsets.js';

const require = createRequire(import.meta.url);
const Encoder = require('kafkajs/src/protocol/encoder.js');
const { requests } = require('kafkajs/src/protocol/requests/index.js');

describe('ListOffsets codec', () => {
  const topics = [
    { topic: 'orders', partitions: [0, 2, 1] },
    { topic: 'héartbeats', partitions: [5] },
  ];

  for (const version of [1, 2, 3]) {
    it(`writes the same request bytes as kafkajs for v${version}`, async () => {
      const ours = encodeListOffsetsRequest(version, topics, -2, 0);
      const theirs = await requests.ListOffsets.protocol({ version })({
        replicaId: -1,
        isolationLevel: 0,
        topics: topics.map((t) => ({ topic: t.topic, partitions: t.partitions.map((partition) => ({ partition, timestamp: -2 })) })),
      }).request.encode();
      expect(ours.equals(theirs.buffer)).toBe(true);
    });
  }

  it('reads offsets and error codes per partition (v1 and v2+ layouts)', () => {
    for (const version of [1, 2, 3]) {
      const e = new Encoder();
      if (version >= 2) e.writeInt32(0);
      e.writeInt32(2)
        .writeString('t').writeInt32(2)
        .writeInt32(0).writeInt16(0).writeInt64('-1').writeInt64('9007199254740000')
        .writeInt32(1).writeInt16(6).writeInt64('-1').writeInt64('-1')
        .writeString('u').writeInt32(0);
      const m = decodeListOffsetsResponse(e.buffer, version);
      expect(m.size).toBe(2);
      expect(m.get({ topic: 't', partition: 0 })).toEqual({ errorCode: 0, offset: 9007199254740000 });
      expect(m.get({ topic: 't', partition: 1 })).toEqual({ errorCode: 6, offset: -1 });
      expect(m.get({ topic: 'u', partition: 0 })).toBeUndefined();
    }
    expect(() => decodeListOffsetsResponse(Buffer.from([0, 0, 0, 1, 0]), 1)).toThrow(/truncated/);
    expect(() => encodeListOffsetsRequest(4, topics, -1, 0)).toThrow(/v4 is not supported/);
  });

  it('joins earliest and latest, failing a partition when either side failed or is missing', () => {
    const tps = [0, 1, 2, 3].map((partition) => ({ topic: 't', partition }));
    const earliest = new TopicPartitionMap<{ errorCode: number; offset: number }>();
    const latest = new TopicPartitionMap<{ errorCode: number; offset: number }>();
    for (const p of [0, 1, 2]) earliest.put('t', p, { errorCode: p === 1 ? 3 : 0, offset: p });
    for (const p of [0, 1, 2, 3]) latest.put('t', p, { errorCode: p === 2 ? 6 : 0, offset: 10 + p });
    const r = joinOffsets(tps, earliest, latest, 4);
    expect(r.ok).toEqual([{ topic: 't', partition: 0, start: 0, end: 10 }]);
    expect(r.failed.map((f) => [f.item.partition, f.code, f.reason, f.leader])).toEqual([
      [1, 3, 'UNKNOWN_TOPIC_OR_PARTITION', 4],
      [2, 6, 'NOT_LEADER_OR_FOLLOWER', 4],
      [3, null, 'broker 4 left the partition out of its ListOffsets answer', 4],
    ]);
  });

  it('nests partitions by topic in first-seen order', () => {
    expect(listOffsetsTopics([{ topic: 'b', partition: 1 }, { topic: 'a', partition: 0 }, { topic: 'b', partition: 0 }])).toEqual([
      { topic: 'b', partitions: [1, 0] },
      { topic: 'a', partitions: [0] },
    ]);
  });
});

describe('OffsetFetch answers', () => {
  it('returns committed offsets as numbers and lists partition errors', () => {
    const r = groupOffsetsFromResponse('g', {
      errorCode: 0,
      responses: [
        {
          topic: 'orders',
          partitions: [
            { partition: 0, offset: '42', errorCode: 0 },
            { partition: 1, offset: '-1', errorCode: 0 },
            { partition: 2, offset: '-1', errorCode: 29 },
          ],
        },
      ],
    });
    expect(r.offsets).toEqual([
      { group: 'g', topic: 'orders', partition: 0, offset: 42 },
      { group: 'g', topic: 'orders', partition: 1, offset: -1 },
    ]);
    expect(r.partitionErrors).toEqual([{ subject: 'group g orders-2', reason: 'TOPIC_AUTHORIZATION_FAILED', requestLevel: false }]);
  });

  it('throws a group-level error naming the group and the code', () => {
    expect(() => groupOffsetsFromResponse('g', { errorCode: 16, responses: [] })).toThrow('OffsetFetch for group g: NOT_COORDINATOR');
    expect(() => groupOffsetsFromResponse('g', { errorCode: 30, responses: [] })).toThrow(/GROUP_AUTHORIZATION_FAILED/);
  });
});

describe('TopicPartitionMap', () => {
  it('keys by topic and partition without mixing them up', () => {
    const m = new TopicPartitionMap<string>();
    m.put('a', 1, 'x').put('a1', 1, 'y').set({ topic: 'a', partition: 11 }, 'z').put('a', 1, 'x2');
    expect(m.size).toBe(3);
    expect([m.get({ topic: 'a', partition: 1 }), m.get({ topic: 'a1', partition: 1 }), m.get({ topic: 'a', partition: 11 })]).toEqual(['x2', 'y', 'z']);
    expect(m.has({ topic: 'a', partition: 2 })).toBe(false);
  });

  it('distinct keeps the first occurrence of each partition', () => {
    const items = [
      { topic: 't', partition: 0, offset: 1 },
      { topic: 't', partition: 0, offset: 2 },
      { topic: 'u', partition: 0, offset: 3 },
    ];
    expect(distinct(items)).toEqual([items[0], items[2]]);
  });
});
