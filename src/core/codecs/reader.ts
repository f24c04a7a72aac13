// Bounds-checked reader for Kafka protocol primitive types (big-endian), as written by
// org.apache.kafka.common.protocol.types.Schema. Failures unwind through ReadFailure, which only
// the decode functions in this folder catch and turn into a DecodeResult.
import type { DecodeError, DecodeErrorKind, RecordPart } from './result.js';

export class ReadFailure extends Error {
  constructor(readonly error: DecodeError) {
    super(error.message);
  }
}

export class ByteReader {
  private pos = 0;

  /** Byte position of the next field, for error messages. */
  get position(): number {
    return this.pos;
  }

  constructor(
    private readonly buf: Buffer,
    /** e.g. "checkpoint key": prefixes every message. */
    private readonly label: string,
    private readonly part: RecordPart,
  ) {}

  fail(kind: DecodeErrorKind, detail: string, at: number = this.pos): never {
    throw new ReadFailure({ kind, part: this.part, offset: at, message: `${this.label}: ${detail}` });
  }

  private need(bytes: number, field: string, type: string): void {
    const left = this.buf.length - this.pos;
    if (left < bytes) {
      this.fail(
        'truncated',
        `truncated at byte ${this.pos}: ${field} (${type}) needs ${bytes} bytes, ${left} left (record is ${this.buf.length} bytes)`,
      );
    }
  }

  int16(field: string): number {
    this.need(2, field, 'INT16');
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  int32(field: string): number {
    this.need(4, field, 'INT32');
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** INT64 as a JS number; values a double cannot hold exactly are rejected, not rounded. */
  int64(field: string): number {
    const at = this.pos;
    this.need(8, field, 'INT64');
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
      this.fail('invalid', `${field} ${v} at byte ${at} is beyond 2^53 and cannot be represented exactly`, at);
    }
    return Number(v);
  }

  /** Kafka STRING: INT16 byte length, then UTF-8 (invalid sequences become U+FFFD, as in Java). */
  string(field: string): string {
    const at = this.pos;
    const length = this.int16(`length of ${field}`);
    if (length < 0) {
      this.fail('negative-length', `${field} has a negative length (${length}) at byte ${at}`, at);
    }
    this.need(length, field, `STRING of ${length} bytes`);
    const s = this.buf.toString('utf8', this.pos, this.pos + length);
    this.pos += length;
    return s;
  }

  end(): void {
    if (this.pos !== this.buf.length) {
      this.fail(
        'trailing-bytes',
        `${this.buf.length - this.pos} unexpected bytes after the last field (byte ${this.pos} of ${this.buf.length})`,
      );
    }
  }
}
