import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeOffsetSync, encodeOffsetSync, encodeOffsetSyncKey, encodeOffsetSyncValue } from '../../../src/core/codecs/index.js';
import { expectError, hex } from './helpers.js';

describe('offset sync codec', () => {
  it('decodes the byte layout of OffsetSync.java (no version header)', () => {
    const key = hex('0006 6f7264657273 00000002');
    const value = hex('000000000012d687 000000000012d644');
    expect(decodeOffsetSync(key, value)).toEqual({
      ok: true,
      value: { topic: 'orders', partition: 2, upstreamOffset: 1234567, downstreamOffset: 1234500 },
    });
  });

  it('round-trips', () => {
    fc.assert(
      fc.property(
        fc.record({
          topic: fc.string({ unit: 'binary', maxLength: 249 }),
          partition: fc.integer({ min: 0, max: 0x7fffffff }),
          upstreamOffset: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
          downstreamOffset: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        }),
        (s) => {
          const { key, value } = encodeOffsetSync(s);
          expect(value.length).toBe(16);
          expect(decodeOffsetSync(key, value)).toEqual({ ok: true, value: s });
        },
      ),
    );
  });

  it('reports every truncation of key and value', () => {
    const { key, value } = encodeOffsetSync({ topic: 'orders', partition: 0, upstreamOffset: 7, downstreamOffset: 3 });
    for (let n = 0; n < key.length; n++) {
      expect(expectError(decodeOffsetSync(key.subarray(0, n), value), 'truncated').part).toBe('key');
    }
    for (let n = 0; n < value.length; n++) {
      expect(expectError(decodeOffsetSync(key, value.subarray(0, n)), 'truncated').part).toBe('value');
    }
  });

  it('takes a heartbeat-style versioned value for what it is: the wrong length', () => {
    const key = encodeOffsetSyncKey({ topic: 'orders', partition: 0 });
    expectError(decodeOffsetSync(key, Buffer.concat([hex('0000'), encodeOffsetSyncValue({ upstreamOffset: 1, downstreamOffset: 1 })])), 'trailing-bytes');
  });

  it('rejects offsets beyond 2^53, negative offsets and partitions', () => {
    const key = encodeOffsetSyncKey({ topic: 'orders', partition: 0 });
    expectError(decodeOffsetSync(key, hex('0000000000000001 0020000000000001')), 'invalid');
    expectError(decodeOffsetSync(key, hex('8000000000000000 0000000000000001')), 'invalid');
    expectError(decodeOffsetSync(key, hex('fffffffffffffffe 0000000000000001')), 'invalid');
    expectError(decodeOffsetSync(hex('0001 61 ffffffff'), encodeOffsetSyncValue({ upstreamOffset: 1, downstreamOffset: 1 })), 'invalid');
  });

  it('reports tombstones', () => {
    expectError(decodeOffsetSync(encodeOffsetSyncKey({ topic: 't', partition: 0 }), null), 'null-value');
  });
});
