// The codec layer against payloads made by the libraries' and node:zlib's compressors, the xerial
// framing built by hand, and the bounds that keep a bad payload from taking the process's memory.
import { createRequire } from 'node:module';
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CorruptPayloadError, MAX_DECOMPRESSED_BYTES, UnsupportedCodecError, availableCodecs, decompress } from '../../../src/kafka/compression.js';
import { decodeRecordSet } from '../../../src/kafka/recordBatches.js';
import { encodeBatch, encodeRecord } from './batchBuilder.js';

const require = createRequire(import.meta.url);
const snappy = require('snappy') as { compressSync(b: Buffer): Buffer };
const lz4 = require('lz4-napi') as { compressFrameSync(b: Buffer): Buffer };
const zstdCompressSync = (zlib as unknown as { zstdCompressSync(b: Buffer): Buffer }).zstdCompressSync;

const text = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => `record ${i % 97};`).join(''));

function xerial(blocks: Buffer[]): Buffer {
  const header = Buffer.alloc(16);
  Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]).copy(header);
  header.writeInt32BE(1, 8);
  header.writeInt32BE(1, 12);
  const parts: Buffer[] = [header];
  for (const b of blocks) {
    const compressed = snappy.compressSync(b);
    const len = Buffer.alloc(4);
    len.writeInt32BE(compressed.length);
    parts.push(len, compressed);
  }
  return Buffer.concat(parts);
}

describe('decompress', () => {
  it('has every codec on this Node', () => {
    expect(availableCodecs().sort()).toEqual(['gzip', 'lz4', 'snappy', 'zstd']);
  });

  it('round-trips gzip, raw snappy, lz4 frames and zstd', async () => {
    const input = text(5000);
    expect(await decompress(1, zlib.gzipSync(input))).toEqual(input);
    expect(await decompress(2, snappy.compressSync(input))).toEqual(input);
    expect(await decompress(3, lz4.compressFrameSync(input))).toEqual(input);
    expect(await decompress(4, zstdCompressSync(input))).toEqual(input);
  });

  it('reads xerial-framed snappy with several blocks, in order', async () => {
    const blocks = [text(3000), Buffer.from('second block'), text(10)];
    expect(await decompress(2, xerial(blocks))).toEqual(Buffer.concat(blocks));
  });

  it('refuses a xerial block that overruns the payload', async () => {
    const framed = xerial([text(100)]);
    await expect(decompress(2, framed.subarray(0, framed.length - 3))).rejects.toThrow(/xerial block of \d+ bytes at byte 20 overruns/);
  });

  it('reports garbage as a corrupt payload for every codec', async () => {
    const garbage = Buffer.from('this is not compressed by anything at all, honestly');
    for (const id of [1, 2, 3, 4]) {
      await expect(decompress(id, garbage)).rejects.toBeInstanceOf(CorruptPayloadError);
    }
  });

  it('refuses payloads that inflate past the bound (gzip, zstd, snappy by its preamble)', async () => {
    const big = Buffer.alloc(MAX_DECOMPRESSED_BYTES + 1024);
    await expect(decompress(1, zlib.gzipSync(big))).rejects.toThrow(/more than the/);
    await expect(decompress(4, zstdCompressSync(big))).rejects.toThrow(/more than the/);
    await expect(decompress(2, snappy.compressSync(big))).rejects.toThrow(/more than the/);
    await expect(decompress(3, lz4.compressFrameSync(big))).rejects.toThrow(/more than the/);
  });

  it('calls an unassigned codec id unsupported, not corrupt', async () => {
    await expect(decompress(5, Buffer.alloc(4))).rejects.toBeInstanceOf(UnsupportedCodecError);
  });
});

describe('decodeRecordSet with compressed batches', () => {
  const recs = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ offsetDelta: i, key: `k${from + i}`, value: `v${from + i}` }));
  const body = (n: number, from = 0) => Buffer.concat(recs(n, from).map((r) => encodeRecord(r)));

  it('decodes a batch of each codec in one record set', async () => {
    const data = Buffer.concat([
      encodeBatch({ baseOffset: 0, codec: 2, fakeCompressed: xerial([body(3, 0)]), records: recs(3, 0) }),
      encodeBatch({ baseOffset: 3, codec: 3, fakeCompressed: lz4.compressFrameSync(body(2, 3)), records: recs(2, 3) }),
      encodeBatch({ baseOffset: 5, codec: 4, fakeCompressed: zstdCompressSync(body(2, 5)), records: recs(2, 5) }),
      encodeBatch({ baseOffset: 7, codec: 1, records: recs(1, 7) }),
    ]);
    const out = await decodeRecordSet(data, 0, null);
    expect(out.error).toBeNull();
    expect(out.records.map((r) => `${r.offset}:${r.key?.toString()}`)).toEqual(['0:k0', '1:k1', '2:k2', '3:k3', '4:k4', '5:k5', '6:k6', '7:k7']);
    expect(out.nextOffset).toBe(8);
  });

  it('reports an unassigned codec id as kind codec, keeping the records before it', async () => {
    const data = Buffer.concat([
      encodeBatch({ baseOffset: 0, records: recs(2) }),
      encodeBatch({ baseOffset: 2, codec: 5, fakeCompressed: Buffer.from('whatever'), records: recs(3) }),
    ]);
    const out = await decodeRecordSet(data, 0, null);
    expect(out.records.map((r) => r.offset)).toEqual([0, 1]);
    expect(out.nextOffset).toBe(2);
    expect(out.errorKind).toBe('codec');
    expect(out.error).toMatch(/offset 2 is compressed with codec id 5/);
  });
});
