// Big-endian reader over a Buffer for Kafka protocol fields; throws RangeError on truncation so a
// bad response becomes a clear error instead of garbage numbers.

export class BufferReader {
  offset = 0;

  constructor(readonly buf: Buffer) {}

  remaining(): number {
    return this.buf.length - this.offset;
  }

  private need(n: number): void {
    if (this.offset + n > this.buf.length) {
      throw new RangeError(`truncated data: need ${n} bytes at ${this.offset}, have ${this.remaining()}`);
    }
  }

  int8(): number {
    this.need(1);
    return this.buf.readInt8(this.offset++);
  }

  int16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.offset);
    this.offset += 2;
    return v;
  }

  int32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  uint32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  /** INT64 as a JS number; exact below 2^53, which offsets and timestamps stay under in practice. */
  int64(): number {
    this.need(8);
    // Two 32-bit halves: exact below 2^53 and much cheaper than going through BigInt.
    const v = this.buf.readInt32BE(this.offset) * 4294967296 + this.buf.readUInt32BE(this.offset + 4);
    this.offset += 8;
    return v;
  }

  /** INT64 as bigint, for ids compared by identity (producer ids). */
  int64Big(): bigint {
    this.need(8);
    const v = this.buf.readBigInt64BE(this.offset);
    this.offset += 8;
    return v;
  }

  /** Nullable STRING (int16 length, -1 = null). */
  string(): string | null {
    const len = this.int16();
    if (len < 0) return null;
    this.need(len);
    const s = this.buf.toString('utf8', this.offset, this.offset + len);
    this.offset += len;
    return s;
  }

  /** A view of the next n bytes (no copy). */
  bytes(n: number): Buffer {
    if (n < 0) throw new RangeError(`negative length ${n} at ${this.offset}`);
    this.need(n);
    const b = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return b;
  }

  skip(n: number): void {
    this.need(n);
    this.offset += n;
  }

  /** Unsigned varint of up to 10 bytes, as a number (exact below 2^53). */
  private uvarint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      this.need(1);
      const byte = this.buf[this.offset++]!;
      result += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return result;
      scale *= 128;
    }
    throw new RangeError(`varint longer than 10 bytes at ${this.offset}`);
  }

  /** Zig-zag encoded signed varint/varlong (Kafka record fields). */
  varint(): number {
    const u = this.uvarint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  /** Varint-length-prefixed bytes, -1 = null; copied so records do not pin the whole response. */
  varBytes(): Buffer | null {
    const len = this.varint();
    if (len < 0) return null;
    return Buffer.from(this.bytes(len));
  }
}
