import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeCheckpoint, encodeCheckpoint, encodeCheckpointKey, encodeCheckpointValue } from '../../../src/core/codecs/index.js';
import { expectError, hex } from './helpers.js';

const sample = { group: 'billing', topic: 'us-east.orders', partition: 3, upstreamOffset: 1234567, downstreamOffset: 1234500, metadata: '' };

describe('checkpoint codec', () => {
  it('decodes the byte layout of Checkpoint.java (built by hand)', () => {
    const key = hex('0007 62696c6c696e67 000e 75732d656173742e6f7264657273 00000003');
    const value = hex('0000 000000000012d687 000000000012d644 0000');
    expect(decodeCheckpoint(key, value)).toEqual({ ok: true, value: sample });
  });

  it('encodes to the same bytes', () => {
    const { key, value } = encodeCheckpoint(sample);
    expect(key.toString('hex')).toBe('000762696c6c696e67000e75732d656173742e6f726465727300000003');
    expect(value.toString('hex')).toBe('0000000000000012d687000000000012d6440000');
  });

  it('round-trips', () => {
    fc.assert(
      fc.property(
        fc.record({
          group: fc.string({ unit: 'binary', maxLength: 100 }),
          topic: fc.string({ unit: 'binary', maxLength: 100 }),
          partition: fc.integer({ min: 0, max: 0x7fffffff }),
          upstreamOffset: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
          downstreamOffset: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
          metadata: fc.string({ unit: 'binary', maxLength: 100 }),
        }),
        (c) => {
          const { key, value } = encodeCheckpoint(c);
          expect(decodeCheckpoint(key, value)).toEqual({ ok: true, value: c });
        },
      ),
    );
  });

  it('reports every truncation of key and value', () => {
    const { key, value } = encodeCheckpoint({ ...sample, metadata: 'meta' });
    for (let n = 0; n < key.length; n++) {
      expect(expectError(decodeCheckpoint(key.subarray(0, n), value), 'truncated').part).toBe('key');
    }
    for (let n = 0; n < value.length; n++) {
      expect(expectError(decodeCheckpoint(key, value.subarray(0, n)), 'truncated').part).toBe('value');
    }
  });

  it('names the field that is cut', () => {
    const { key, value } = encodeCheckpoint(sample);
    const e = expectError(decodeCheckpoint(key, value.subarray(0, 6)), 'truncated');
    expect(e.message).toBe('checkpoint value: truncated at byte 2: upstreamOffset (INT64) needs 8 bytes, 4 left (record is 6 bytes)');
  });

  it('rejects unknown versions, trailing bytes, negative lengths and impossible values', () => {
    const key = encodeCheckpointKey(sample);
    expectError(decodeCheckpoint(key, encodeCheckpointValue(sample, 1)), 'unknown-version');
    expectError(decodeCheckpoint(key, Buffer.concat([encodeCheckpointValue(sample), hex('ff')])), 'trailing-bytes');
    expectError(decodeCheckpoint(key, hex('0000 0000000000000001 0000000000000001 8000')), 'negative-length');
    expectError(decodeCheckpoint(encodeCheckpointKey({ ...sample, partition: -1 }), encodeCheckpointValue(sample)), 'invalid');
    const tooBig = hex('0000 7fffffffffffffff 0000000000000001 0000');
    expect(expectError(decodeCheckpoint(key, tooBig), 'invalid').message).toContain('upstreamOffset 9223372036854775807');
    expectError(decodeCheckpoint(key, encodeCheckpointValue({ ...sample, downstreamOffset: -1 })), 'invalid');
  });
});
