import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeRecordSet } from '../../../src/kafka/recordBatches.js';
import { encodeBatch, markerKey } from './batchBuilder.js';

const text = (b: Buffer | null) => (b === null ? null : b.toString());

const records = (n: number, prefix = 'k') =>
  Array.from({ length: n }, (_, i) => ({ offsetDelta: i, timestampDelta: i * 10, key: `${prefix}${i}`, value: `v${i}` }));

describe('decodeRecordSet', () => {
  it('decodes records with offsets, timestamps, keys, values and null key/value', async () => {
    const data = Buffer.concat([
      encodeBatch({ baseOffset: 100, baseTimestamp: 5000, records: records(3) }),
      encodeBatch({
        baseOffset: 103,
        baseTimestamp: 9000,
        records: [{ offsetDelta: 0, timestampDelta: -5, key: null, value: null, headers: [['h', 'x']] }],
      }),
    ]);
    const out = await decodeRecordSet(data, 100, null);
    expect(out.error).toBeNull();
    expect(out.nextOffset).toBe(104);
    expect(out.records.map((r) => [r.offset, r.timestamp, text(r.key), text(r.value)])).toEqual([
      [100, 5000, 'k0', 'v0'],
      [101, 5010, 'k1', 'v1'],
      [102, 5020, 'k2', 'v2'],
      [103, 8995, null, null],
    ]);
  });

  it('drops records before the fetch offset within the first batch', async () => {
    const out = await decodeRecordSet(encodeBatch({ baseOffset: 10, records: records(5) }), 12, null);
    expect(out.records.map((r) => r.offset)).toEqual([12, 13, 14]);
    expect(out.nextOffset).toBe(15);
  });

  it('uses the batch max timestamp for LogAppendTime topics', async () => {
    const out = await decodeRecordSet(
      encodeBatch({ baseOffset: 0, baseTimestamp: 1000, maxTimestamp: 7777, logAppendTime: true, records: records(2) }),
      0,
      null,
    );
    expect(out.records.map((r) => r.timestamp)).toEqual([7777, 7777]);
  });

  it('decompresses gzip batches, including ones written by kafkajs', async () => {
    const ours = await decodeRecordSet(encodeBatch({ baseOffset: 0, codec: 1, records: records(4) }), 0, null);
    expect(ours.records.map((r) => text(r.key))).toEqual(['k0', 'k1', 'k2', 'k3']);

    // Cross-check against kafkajs's own encoder (test code may use kafkajs internals).
    const require = createRequire(import.meta.url);
    const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js');
    const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js');
    const encoded = await RecordBatch({
      compression: 1,
      firstOffset: '42',
      firstTimestamp: 1_600_000_000_000,
      lastOffsetDelta: 2,
      records: [0, 1, 2].map((i) => Record({ offsetDelta: i, timestampDelta: i, key: Buffer.from(`x${i}`), value: Buffer.from(`y${i}`) })),
    });
    const theirs = await decodeRecordSet(encoded.buffer as Buffer, 42, null);
    expect(theirs.error).toBeNull();
    expect(theirs.records.map((r) => [r.offset, r.timestamp, text(r.key), text(r.value)])).toEqual([
      [42, 1_600_000_000_000, 'x0', 'y0'],
      [43, 1_600_000_000_001, 'x1', 'y1'],
      [44, 1_600_000_000_002, 'x2', 'y2'],
    ]);
  });

  it('reports bytes that do not decompress as a corrupt batch, keeping the records before it', async () => {
    const data = Buffer.concat([
      encodeBatch({ baseOffset: 0, records: records(2) }),
      encodeBatch({ baseOffset: 2, codec: 2, fakeCompressed: Buffer.from('not really snappy'), records: records(3) }),
      encodeBatch({ baseOffset: 5, records: records(1) }),
    ]);
    const out = await decodeRecordSet(data, 0, null);
    expect(out.records.map((r) => r.offset)).toEqual([0, 1]);
    expect(out.nextOffset).toBe(2);
    expect(out.errorKind).toBe('corrupt');
    expect(out.error).toMatch(/corrupt record batch at offset 2: snappy/);
  });

  it('reports corrupt compressed data as an error instead of throwing', async () => {
    const out = await decodeRecordSet(
      encodeBatch({ baseOffset: 7, codec: 1, fakeCompressed: Buffer.from('garbage'), records: records(1) }),
      7,
      null,
    );
    expect(out.records).toEqual([]);
    expect(out.nextOffset).toBe(7);
    expect(out.error).toMatch(/corrupt record batch at offset 7/);
  });

  it('stops quietly at a truncated last batch, and complains when not even one batch fits', async () => {
    const first = encodeBatch({ baseOffset: 0, records: records(2) });
    const second = encodeBatch({ baseOffset: 2, records: records(2) });
    const cut = Buffer.concat([first, second.subarray(0, second.length - 3)]);
    const out = await decodeRecordSet(cut, 0, null);
    expect(out).toMatchObject({ nextOffset: 2, error: null });
    expect(out.records).toHaveLength(2);

    const tooBig = await decodeRecordSet(second.subarray(0, 40), 2, null);
    expect(tooBig.records).toEqual([]);
    expect(tooBig.nextOffset).toBe(2);
    expect(tooBig.error).toMatch(/larger than the 40 bytes returned/);
  });

  it('refuses the legacy message formats', async () => {
    const out = await decodeRecordSet(encodeBatch({ baseOffset: 3, magic: 1, records: records(1) }), 3, null);
    expect(out.error).toMatch(/message format v1/);
  });

  it('skips control batches but moves past them', async () => {
    const data = Buffer.concat([
      encodeBatch({ baseOffset: 0, transactional: true, producerId: 9n, records: records(2) }),
      encodeBatch({ baseOffset: 2, control: true, transactional: true, producerId: 9n, records: [{ offsetDelta: 0, key: markerKey(1), value: Buffer.alloc(6) }] }),
    ]);
    const out = await decodeRecordSet(data, 0, []);
    expect(out.records.map((r) => r.offset)).toEqual([0, 1]);
    expect(out.nextOffset).toBe(3);
  });

  it('keeps compacted-away offsets out of nextOffset gaps: the batch end decides', async () => {
    const out = await decodeRecordSet(
      encodeBatch({ baseOffset: 20, lastOffsetDelta: 9, records: [{ offsetDelta: 3, key: 'a', value: 'b' }] }),
      20,
      null,
    );
    expect(out.records.map((r) => r.offset)).toEqual([23]);
    expect(out.nextOffset).toBe(30);
  });

  it('in read_committed mode drops aborted transactions of that producer only', async () => {
    const data = Buffer.concat([
      encodeBatch({ baseOffset: 0, transactional: true, producerId: 1n, records: records(2, 'a') }), // aborted
      encodeBatch({ baseOffset: 2, transactional: true, producerId: 2n, records: records(2, 'b') }), // committed
      encodeBatch({ baseOffset: 4, control: true, transactional: true, producerId: 1n, records: [{ offsetDelta: 0, key: markerKey(0), value: 'x' }] }),
      encodeBatch({ baseOffset: 5, control: true, transactional: true, producerId: 2n, records: [{ offsetDelta: 0, key: markerKey(1), value: 'x' }] }),
      encodeBatch({ baseOffset: 6, transactional: true, producerId: 1n, records: records(1, 'c') }), // later, committed
      encodeBatch({ baseOffset: 7, records: records(1, 'plain') }),
    ]);
    const aborted = [{ producerId: 1n, firstOffset: 0 }];
    const committed = await decodeRecordSet(data, 0, aborted);
    expect(committed.records.map((r) => text(r.key))).toEqual(['b0', 'b1', 'c0', 'plain0']);
    expect(committed.nextOffset).toBe(8);

    // read_uncommitted sees everything that is not a marker.
    const all = await decodeRecordSet(data, 0, null);
    expect(all.records.map((r) => text(r.key))).toEqual(['a0', 'a1', 'b0', 'b1', 'c0', 'plain0']);
  });

  it('never throws on damaged or arbitrary bytes', async () => {
    const valid = Buffer.concat([
      encodeBatch({ baseOffset: 0, codec: 1, records: records(3) }),
      encodeBatch({ baseOffset: 3, records: records(2) }),
    ]);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.nat(valid.length),
        fc.boolean(),
        async (flips, cut, readCommitted) => {
          const mutated = Buffer.from(valid);
          for (const [at, byte] of flips) mutated[at] = byte;
          const out = await decodeRecordSet(mutated.subarray(0, cut), 0, readCommitted ? [] : null);
          expect(out.nextOffset).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 300 },
    );
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (bytes) => {
        const out = await decodeRecordSet(Buffer.from(bytes), 5, null);
        expect(out.records.every((r) => r.offset >= 5)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
