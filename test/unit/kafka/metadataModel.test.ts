import { describe, expect, it } from 'vitest';
import { groupByLeader, leaderOf, mergeMetadata, metadataFromResponse, nestByTopic, topicInfos } from '../../../src/kafka/metadataModel.js';
import type { RawMetadataResponse } from '../../../src/kafka/metadataModel.js';

const raw: RawMetadataResponse = {
  brokers: [
    { nodeId: 1, host: 'a', port: 9092 },
    { nodeId: 2, host: 'b', port: 9092 },
  ],
  topicMetadata: [
    {
      topicErrorCode: 0,
      topic: 'orders',
      partitionMetadata: [
        { partitionErrorCode: 0, partitionId: 2, leader: 2 },
        { partitionErrorCode: 0, partitionId: 0, leader: 1 },
        { partitionErrorCode: 0, partitionId: 1, leader: 2 },
      ],
    },
    { topicErrorCode: 0, topic: '__consumer_offsets', partitionMetadata: [{ partitionErrorCode: 0, partitionId: 0, leader: 1 }] },
    { topicErrorCode: 0, topic: 'offline', partitionMetadata: [{ partitionErrorCode: 5, partitionId: 0, leader: -1 }] },
    { topicErrorCode: 0, topic: 'gone-broker', partitionMetadata: [{ partitionErrorCode: 0, partitionId: 0, leader: 3 }] },
  ],
};

describe('metadata model', () => {
  const meta = metadataFromResponse(raw, 1000, true);

  it('lists topics sorted with sorted partition ids, internal topics included', () => {
    expect(topicInfos(meta)).toEqual([
      { name: '__consumer_offsets', partitions: [0] },
      { name: 'gone-broker', partitions: [0] },
      { name: 'offline', partitions: [0] },
      { name: 'orders', partitions: [0, 1, 2] },
    ]);
  });

  it('groups partitions by leader and names why the others cannot be routed', () => {
    const items = [
      { topic: 'orders', partition: 0 },
      { topic: 'orders', partition: 1 },
      { topic: 'orders', partition: 2 },
      { topic: '__consumer_offsets', partition: 0 },
      { topic: 'orders', partition: 9 },
      { topic: 'nope', partition: 0 },
      { topic: 'offline', partition: 0 },
      { topic: 'gone-broker', partition: 0 },
    ];
    const { byLeader, unroutable } = groupByLeader(meta, items);
    expect([...byLeader].sort()).toEqual([
      [1, [items[0], items[3]]],
      [2, [items[1], items[2]]],
    ]);
    expect(unroutable.map((u) => [u.item.topic, u.item.partition, u.errorCode])).toEqual([
      ['orders', 9, 3],
      ['nope', 0, 3],
      ['offline', 0, 5],
      ['gone-broker', 0, 5],
    ]);
    expect(leaderOf(meta, { topic: 'orders', partition: 2 })).toBe(2);
    expect(leaderOf(meta, { topic: 'offline', partition: 0 })).toBeNull();
  });

  it('merges a partial refresh: new leaders, deleted topics dropped, the rest kept', () => {
    const update = metadataFromResponse(
      {
        brokers: [{ nodeId: 1, host: 'a', port: 9092 }],
        topicMetadata: [
          { topicErrorCode: 0, topic: 'orders', partitionMetadata: [{ partitionErrorCode: 0, partitionId: 0, leader: 1 }, { partitionErrorCode: 0, partitionId: 1, leader: 1 }, { partitionErrorCode: 0, partitionId: 2, leader: 1 }] },
          { topicErrorCode: 3, topic: 'offline', partitionMetadata: [] },
          { topicErrorCode: 0, topic: 'late', partitionMetadata: [{ partitionErrorCode: 0, partitionId: 0, leader: 1 }] },
        ],
      },
      2000,
      false,
    );
    const merged = mergeMetadata(meta, update);
    expect(merged.fetchedAt).toBe(1000);
    expect(merged.complete).toBe(true);
    expect([...merged.brokers.keys()]).toEqual([1]);
    expect(leaderOf(merged, { topic: 'orders', partition: 2 })).toBe(1);
    expect(merged.topics.has('offline')).toBe(false);
    expect(merged.topics.has('late')).toBe(true);
    expect(merged.topics.has('__consumer_offsets')).toBe(true);
  });

  it('nests items by topic in first-seen order', () => {
    expect(nestByTopic([{ topic: 'b', partition: 1 }, { topic: 'a', partition: 0 }, { topic: 'b', partition: 0 }])).toEqual([
      { topic: 'b', partitions: [{ topic: 'b', partition: 1 }, { topic: 'b', partition: 0 }] },
      { topic: 'a', partitions: [{ topic: 'a', partition: 0 }] },
    ]);
  });
});
