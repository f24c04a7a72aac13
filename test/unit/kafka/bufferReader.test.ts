import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BufferReader } from '../../../src/kafka/bufferReader.js';

// kafkajs's encoder is an independent implementation of Kafka's zig-zag varints.
const require = createRequire(import.meta.url);
const Encoder = require('kafkajs/src/protocol/encoder.js');

describe('BufferReader', () => {
  it('reads zig-zag varints and varlongs as kafkajs writes them', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.bigInt({ min: -(2n ** 52n), max: 2n ** 52n }), (i, l) => {
        const buf: Buffer = new Encoder().writeVarInt(i).writeVarLong(l.toString()).buffer;
        const r = new BufferReader(buf);
        expect(r.varint()).toBe(i);
        expect(r.varint()).toBe(Number(l));
        expect(r.remaining()).toBe(0);
      }),
    );
  });

  it('reads fixed-width fields and nullable strings', () => {
    const buf: Buffer = new Encoder().writeInt8(-3).writeInt16(-300).writeInt32(70000).writeInt64('9007199254740991').writeString('héllo').writeString(null).buffer;
    const r = new BufferReader(buf);
    expect([r.int8(), r.int16(), r.int32(), r.int64(), r.string(), r.string()]).toEqual([-3, -300, 70000, 9007199254740991, 'héllo', null]);
  });

  it('throws RangeError on truncation and copies varBytes', () => {
    const r = new BufferReader(Buffer.from([0, 1]));
    expect(() => r.int32()).toThrow(RangeError);
    const src = Buffer.from([4, 0x61, 0x62]); // zig-zag 2 = length 2, "ab"
    const out = new BufferReader(src).varBytes()!;
    src[1] = 0x7a;
    expect(out.toString()).toBe('ab');
    expect(() => new BufferReader(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])).varint()).toThrow(/10 bytes/);
  });
});
