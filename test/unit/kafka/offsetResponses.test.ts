import { describe, expect, it } from 'vitest';
import { joinOffsets, listedOffsets } from '../../../src/kafka/partitionOffsets.js';
import { groupOffsetsFromResponse } from '../../../src/kafka/committedOffsets.js';

describe('ListOffsets answers', () => {
  it('converts offsets to numbers, including the v0 array form', () => {
    const m = listedOffsets({
      responses: [
        { topic: 't', partitions: [{ partition: 0, errorCode: 0, offset: '12' }, { partition: 1, errorCode: 0, offsets: ['7'] }] },
        { topic: 'u', partitions: [{ partition: 0, errorCode: 6, offset: '-1' }, { partition: 1, errorCode: 0 }] },
      ],
    });
    expect(m.get('t\u00000')).toEqual({ errorCode: 0, offset: 12 });
    expect(m.get('t\u00001')).toEqual({ errorCode: 0, offset: 7 });
    expect(m.get('u\u00000')!.errorCode).toBe(6);
    expect(m.get('u\u00001')!.errorCode).toBe(78); // no offset at all: OFFSET_NOT_AVAILABLE
  });

  it('joins earliest and latest, failing a partition when either side failed or is missing', () => {
    const tps = [0, 1, 2, 3].map((partition) => ({ topic: 't', partition }));
    const earliest = listedOffsets({ responses: [{ topic: 't', partitions: [0, 1, 2].map((p) => ({ partition: p, errorCode: p === 1 ? 3 : 0, offset: String(p) })) }] });
    const latest = listedOffsets({ responses: [{ topic: 't', partitions: [0, 1, 2, 3].map((p) => ({ partition: p, errorCode: p === 2 ? 6 : 0, offset: String(10 + p) })) }] });
    const r = joinOffsets(tps, earliest, latest, 4);
    expect(r.ok).toEqual([{ topic: 't', partition: 0, start: 0, end: 10 }]);
    expect(r.failed.map((f) => [f.item.partition, f.code, f.reason, f.leader])).toEqual([
      [1, 3, 'UNKNOWN_TOPIC_OR_PARTITION', 4],
      [2, 6, 'NOT_LEADER_OR_FOLLOWER', 4],
      [3, null, 'broker 4 left the partition out of its ListOffsets answer', 4],
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
