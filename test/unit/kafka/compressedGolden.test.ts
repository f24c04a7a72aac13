// Batches compressed by Kafka's own Java producer (scripts/capture-compressed-batches.ts), decoded
// by mirrorwatch: snappy in snappy-java's xerial framing, lz4 from Kafka's frame writer, zstd, gzip.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeRecordSet } from '../../../src/kafka/recordBatches.js';

interface Golden {
  kafkaVersion: string;
  records: { key: string; value: string }[];
  segmentBase64: string;
}
const fixtures = JSON.parse(readFileSync(new URL('../../fixtures/compressed-batches.json', import.meta.url), 'utf8')) as Record<string, Golden>;
const CODEC_IDS: Record<string, number> = { gzip: 1, snappy: 2, lz4: 3, zstd: 4 };

/** Codec ids of the batches in a segment, read from the batch headers (attributes at byte 21). */
function batchCodecs(data: Buffer): number[] {
  const ids: number[] = [];
  for (let pos = 0; pos + 12 <= data.length; ) {
    const length = data.readInt32BE(pos + 8);
    ids.push(data.readInt16BE(pos + 21) & 0x07);
    pos += 12 + length;
  }
  return ids;
}

describe('batches written by the Java producer', () => {
  it('has a fixture for every codec', () => {
    expect(Object.keys(fixtures).sort()).toEqual(['gzip', 'lz4', 'snappy', 'zstd']);
  });

  for (const [codec, golden] of Object.entries(fixtures)) {
    it(`decodes ${codec} (Kafka ${golden.kafkaVersion}): every record, in order, across several compressed batches`, async () => {
      const data = Buffer.from(golden.segmentBase64, 'base64');
      const codecs = batchCodecs(data);
      // The fixture proves something only if Java really compressed, in more than one batch.
      expect(codecs.length).toBeGreaterThan(1);
      expect(new Set(codecs)).toEqual(new Set([CODEC_IDS[codec]]));
      const out = await decodeRecordSet(data, 0, null);
      expect(out.error).toBeNull();
      expect(out.errorKind).toBeNull();
      expect(out.nextOffset).toBe(golden.records.length);
      expect(out.records.map((r) => r.offset)).toEqual(golden.records.map((_, i) => i));
      expect(out.records.map((r) => ({ key: r.key?.toString(), value: r.value?.toString() }))).toEqual(golden.records);
    });

    it(`keeps the ${codec} records before a damaged batch and says the batch is corrupt`, async () => {
      const data = Buffer.from(golden.segmentBase64, 'base64');
      const firstLength = 12 + data.readInt32BE(8);
      const damaged = Buffer.from(data);
      // Overwrite the second batch's compressed payload (after its 61-byte header) with noise.
      for (let i = firstLength + 61; i < firstLength + 12 + data.readInt32BE(firstLength + 8); i++) damaged[i] = (i * 131) & 0xff;
      const out = await decodeRecordSet(damaged, 0, null);
      const firstCount = data.readInt32BE(57);
      expect(out.records.map((r) => r.offset)).toEqual(Array.from({ length: firstCount }, (_, i) => i));
      expect(out.nextOffset).toBe(firstCount);
      expect(out.errorKind).toBe('corrupt');
      expect(out.error).toMatch(new RegExp(`corrupt record batch at offset ${firstCount}: ${codec}`));
    });
  }
});
