// Encoder side of reader.ts, for tests and fault injection. Encoders throw RangeError on values
// that the Kafka types cannot carry: that is a bug in the caller, not bad data from a cluster.

export class ByteWriter {
  private readonly chunks: Buffer[] = [];

  int16(v: number): this {
    checkInteger(v, -0x8000, 0x7fff, 'INT16');
    const b = Buffer.alloc(2);
    b.writeInt16BE(v);
    this.chunks.push(b);
    return this;
  }

  int32(v: number): this {
    checkInteger(v, -0x80000000, 0x7fffffff, 'INT32');
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    this.chunks.push(b);
    return this;
  }

  int64(v: number | bigint): this {
    const big = typeof v === 'bigint' ? v : toBigInt(v);
    if (big > 0x7fffffffffffffffn || big < -0x8000000000000000n) throw new RangeError(`${v} does not fit INT64`);
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(big);
    this.chunks.push(b);
    return this;
  }

  string(s: string): this {
    const bytes = Buffer.from(s, 'utf8');
    if (bytes.length > 0x7fff) throw new RangeError(`string of ${bytes.length} UTF-8 bytes does not fit a Kafka STRING`);
    this.int16(bytes.length);
    this.chunks.push(bytes);
    return this;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

function checkInteger(v: number, min: number, max: number, type: string): void {
  if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`${v} does not fit ${type}`);
}

function toBigInt(v: number): bigint {
  if (!Number.isSafeInteger(v)) throw new RangeError(`${v} is not a safe integer`);
  return BigInt(v);
}
