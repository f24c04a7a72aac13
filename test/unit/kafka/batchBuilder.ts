// Builds Kafka record batches (format v2) and Fetch responses byte by byte from the protocol
// description, independent of the decoder under test.
import { gzipSync } from 'node:zlib';

export interface TestRecord {
  offsetDelta: number;
  timestampDelta?: number;
  key: Buffer | string | null;
  value: Buffer | string | null;
  headers?: [string, string][];
}

export interface TestBatch {
  baseOffset: number;
  records: TestRecord[];
  baseTimestamp?: number;
  maxTimestamp?: number;
  /** 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd. */
  codec?: number;
  /** Compressed bytes to use instead of real compression (for codecs Node lacks). */
  fakeCompressed?: Buffer;
  transactional?: boolean;
  control?: boolean;
  logAppendTime?: boolean;
  producerId?: bigint;
  lastOffsetDelta?: number;
  magic?: number;
}

function zigzag(n: number): bigint {
  const b = BigInt(n);
  return b >= 0n ? b << 1n : (-b << 1n) - 1n;
}

export function varint(n: number): Buffer {
  let u = zigzag(n);
  const bytes: number[] = [];
  do {
    let byte = Number(u & 0x7fn);
    u >>= 7n;
    if (u > 0n) byte |= 0x80;
    bytes.push(byte);
  } while (u > 0n);
  return Buffer.from(bytes);
}

const asBuf = (v: Buffer | string): Buffer => (typeof v === 'string' ? Buffer.from(v) : v);

function varBytes(v: Buffer | string | null): Buffer {
  if (v === null) return varint(-1);
  const b = asBuf(v);
  return Buffer.concat([varint(b.length), b]);
}

export function encodeRecord(r: TestRecord): Buffer {
  const headers = r.headers ?? [];
  const body = Buffer.concat([
    Buffer.from([0]),
    varint(r.timestampDelta ?? 0),
    varint(r.offsetDelta),
    varBytes(r.key),
    varBytes(r.value),
    varint(headers.length),
    ...headers.flatMap(([k, v]) => [varBytes(k), varBytes(v)]),
  ]);
  return Buffer.concat([varint(body.length), body]);
}

export function encodeBatch(b: TestBatch): Buffer {
  const codec = b.codec ?? 0;
  const attributes = codec | (b.logAppendTime ? 0x08 : 0) | (b.transactional ? 0x10 : 0) | (b.control ? 0x20 : 0);
  const recordBytes = Buffer.concat(b.records.map(encodeRecord));
  const payload = codec === 0 ? recordBytes : (b.fakeCompressed ?? gzipSync(recordBytes));
  const lastOffsetDelta = b.lastOffsetDelta ?? Math.max(0, ...b.records.map((r) => r.offsetDelta));
  const afterCrc = Buffer.alloc(2 + 4 + 8 + 8 + 8 + 2 + 4 + 4);
  let o = 0;
  o = afterCrc.writeInt16BE(attributes, o);
  o = afterCrc.writeInt32BE(lastOffsetDelta, o);
  o = afterCrc.writeBigInt64BE(BigInt(b.baseTimestamp ?? 1_700_000_000_000), o);
  o = afterCrc.writeBigInt64BE(BigInt(b.maxTimestamp ?? b.baseTimestamp ?? 1_700_000_000_000), o);
  o = afterCrc.writeBigInt64BE(b.producerId ?? -1n, o);
  o = afterCrc.writeInt16BE(0, o);
  o = afterCrc.writeInt32BE(0, o);
  afterCrc.writeInt32BE(b.records.length, o);
  const head = Buffer.alloc(4 + 1 + 4);
  head.writeInt32BE(0, 0); // partition leader epoch
  head.writeInt8(b.magic ?? 2, 4);
  head.writeUInt32BE(0, 5); // crc: not checked by the decoder
  const afterLength = Buffer.concat([head, afterCrc, payload]);
  const prefix = Buffer.alloc(12);
  prefix.writeBigInt64BE(BigInt(b.baseOffset), 0);
  prefix.writeInt32BE(afterLength.length, 8);
  return Buffer.concat([prefix, afterLength]);
}

/** The key of a transaction marker record: version 0, type 0 = ABORT, 1 = COMMIT. */
export function markerKey(type: 0 | 1): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt16BE(0, 0);
  b.writeInt16BE(type, 2);
  return b;
}

export interface TestPartitionResponse {
  partition: number;
  errorCode?: number;
  highWatermark?: number;
  aborted?: { producerId: bigint; firstOffset: number }[] | null;
  records?: Buffer | null;
}

/** A Fetch response body (after the correlation id) of version 4-11. */
export function encodeFetchResponse(version: number, topics: { topic: string; partitions: TestPartitionResponse[] }[], errorCode = 0): Buffer {
  const parts: Buffer[] = [];
  const i16 = (n: number) => {
    const b = Buffer.alloc(2);
    b.writeInt16BE(n);
    parts.push(b);
  };
  const i32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n);
    parts.push(b);
  };
  const i64 = (n: number | bigint) => {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(BigInt(n));
    parts.push(b);
  };
  const str = (s: string) => {
    i16(Buffer.byteLength(s));
    parts.push(Buffer.from(s));
  };
  i32(0); // throttle
  if (version >= 7) {
    i16(errorCode);
    i32(0); // session id
  }
  i32(topics.length);
  for (const t of topics) {
    str(t.topic);
    i32(t.partitions.length);
    for (const p of t.partitions) {
      i32(p.partition);
      i16(p.errorCode ?? 0);
      i64(p.highWatermark ?? 0);
      i64(p.highWatermark ?? 0); // last stable offset
      if (version >= 5) i64(0); // log start offset
      const aborted = p.aborted === undefined ? null : p.aborted;
      if (aborted === null) i32(-1);
      else {
        i32(aborted.length);
        for (const a of aborted) {
          i64(a.producerId);
          i64(a.firstOffset);
        }
      }
      if (version >= 11) i32(-1); // preferred read replica
      if (!p.records) i32(-1);
      else {
        i32(p.records.length);
        parts.push(p.records);
      }
    }
  }
  return Buffer.concat(parts);
}
