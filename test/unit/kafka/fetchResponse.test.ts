import { describe, expect, it } from 'vitest';
import { decodeFetchResponse } from '../../../src/kafka/fetchResponse.js';
import { encodeBatch, encodeFetchResponse } from './batchBuilder.js';

describe('decodeFetchResponse', () => {
  const batch = encodeBatch({ baseOffset: 5, records: [{ offsetDelta: 0, key: 'k', value: 'v' }] });

  for (const version of [4, 5, 7, 11]) {
    it(`reads partition headers and record bytes of v${version}`, () => {
      const raw = encodeFetchResponse(version, [
        {
          topic: 'heartbeats',
          partitions: [
            { partition: 0, highWatermark: 6, records: batch, aborted: [{ producerId: 77n, firstOffset: 3 }] },
            { partition: 1, errorCode: 1, highWatermark: -1, records: null },
          ],
        },
        { topic: 'b', partitions: [{ partition: 3, highWatermark: 0, records: Buffer.alloc(0) }] },
      ]);
      const out = decodeFetchResponse(raw, version);
      expect(out.errorCode).toBe(0);
      expect(out.topics.map((t) => t.topic)).toEqual(['heartbeats', 'b']);
      const [p0, p1] = out.topics[0]!.partitions;
      expect(p0).toMatchObject({ partition: 0, errorCode: 0, highWatermark: 6, abortedTransactions: [{ producerId: 77n, firstOffset: 3 }] });
      expect(Buffer.compare(p0!.records, batch)).toBe(0);
      expect(p1).toMatchObject({ partition: 1, errorCode: 1, highWatermark: -1, abortedTransactions: null });
      expect(p1!.records.length).toBe(0);
      expect(out.topics[1]!.partitions[0]!.records.length).toBe(0);
    });
  }

  it('reads the top-level error of v7+', () => {
    expect(decodeFetchResponse(encodeFetchResponse(11, [], 70), 11).errorCode).toBe(70);
  });

  it('rejects versions it does not know and truncated responses', () => {
    expect(() => decodeFetchResponse(encodeFetchResponse(4, []), 3)).toThrow(/v3 is not supported/);
    const raw = encodeFetchResponse(11, [{ topic: 't', partitions: [{ partition: 0, records: batch }] }]);
    expect(() => decodeFetchResponse(raw.subarray(0, raw.length - 5), 11)).toThrow(/truncated/);
  });
});
