// Decompression of record-batch payloads for every codec Kafka producers use (attribute bits 0-2):
// gzip and zstd from node:zlib, snappy and lz4 from prebuilt napi-rs libraries (`snappy`,
// `lz4-napi`: binaries ship inside npm packages, nothing is built or downloaded at install).
// Cross-datacenter MM2 usually compresses, so MM2's own topics arrive in any of them.
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';

const require = createRequire(import.meta.url);

export type CodecName = 'gzip' | 'snappy' | 'lz4' | 'zstd';

/** Kafka's codec ids, attribute bits 0-2; 5-7 are unassigned. */
export const CODEC_NAMES: Readonly<Record<number, CodecName>> = { 1: 'gzip', 2: 'snappy', 3: 'lz4', 4: 'zstd' };

/**
 * No batch of MM2's topics comes near this: the broker bounds a batch's compressed size by
 * max.message.bytes (1 MiB by default), and MM2's records are tens of bytes. A payload that
 * inflates beyond it is refused as corrupt rather than allowed to take the process's memory.
 */
export const MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

/** The payload does not decompress (or decompresses past MAX_DECOMPRESSED_BYTES). */
export class CorruptPayloadError extends Error {
  constructor(codec: CodecName, message: string) {
    super(`${codec}: ${message}`);
    this.name = 'CorruptPayloadError';
  }
}

/** The codec is not one this process can decompress (an unassigned id, or a library missing). */
export class UnsupportedCodecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedCodecError';
  }
}

type Decompress = (payload: Buffer) => Promise<Buffer>;
type ZlibAsync = (buf: Buffer, options: zlib.ZlibOptions) => Promise<Buffer>;

const gunzipAsync = promisify(zlib.gunzip) as ZlibAsync;
// In node:zlib since Node 22.15 and 23.8, so on every Node line mirrorwatch supports; looked up at
// run time so that an older Node reports an unsupported codec instead of failing to start.
const zstdNative = (zlib as unknown as { zstdDecompress?: (b: Buffer, o: object, cb: (e: Error | null, r: Buffer) => void) => void }).zstdDecompress;
const zstdAsync: ZlibAsync | null = zstdNative ? (promisify(zstdNative) as ZlibAsync) : null;

interface SnappyLib {
  uncompress(input: Buffer, options: { asBuffer: true }): Promise<Buffer>;
}
interface Lz4Lib {
  decompressFrame(input: Buffer): Promise<Buffer>;
}

/** A native library that fails to load (an unsupported platform) costs only its codec. */
function load<T>(name: string): { lib: T } | { error: string } {
  try {
    return { lib: require(name) as T };
  } catch (e) {
    return { error: `the ${name} library could not be loaded on ${process.platform}-${process.arch}: ${(e as Error).message.split('\n')[0]}` };
  }
}
const snappy = load<SnappyLib>('snappy');
const lz4 = load<Lz4Lib>('lz4-napi');

const tooLarge = (codec: CodecName, n: number) =>
  new CorruptPayloadError(codec, `decompresses to ${n} bytes, more than the ${MAX_DECOMPRESSED_BYTES} a record batch may have here`);

function zlibCodec(codec: CodecName, fn: ZlibAsync): Decompress {
  return async (payload) => {
    try {
      return await fn(payload, { maxOutputLength: MAX_DECOMPRESSED_BYTES });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(codec, MAX_DECOMPRESSED_BYTES + 1);
      throw new CorruptPayloadError(codec, err.message);
    }
  };
}

// The Java producer writes snappy with snappy-java's SnappyOutputStream: a 16-byte header (magic,
// version, compatible version) and then blocks of [INT32 compressed length][raw snappy block]. Other
// clients (librdkafka can, kafkajs codecs do) write one raw snappy block. Both are read.
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER = 16;

/** The uncompressed length a raw snappy block declares in its varint preamble. */
function snappyDeclaredLength(block: Buffer): number {
  let n = 0;
  for (let i = 0, shift = 0; i < 5 && i < block.length; i++, shift += 7) {
    const b = block[i]!;
    n += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return n;
  }
  throw new CorruptPayloadError('snappy', 'block has no valid length preamble');
}

function snappyCodec(lib: SnappyLib): Decompress {
  const block = async (raw: Buffer, budget: number): Promise<Buffer> => {
    const declared = snappyDeclaredLength(raw);
    if (declared > budget) throw tooLarge('snappy', MAX_DECOMPRESSED_BYTES - budget + declared);
    try {
      return await lib.uncompress(raw, { asBuffer: true });
    } catch (e) {
      throw new CorruptPayloadError('snappy', (e as Error).message);
    }
  };
  return async (payload) => {
    if (payload.length < XERIAL_HEADER || !payload.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC)) {
      return block(payload, MAX_DECOMPRESSED_BYTES);
    }
    const parts: Buffer[] = [];
    let total = 0;
    let pos = XERIAL_HEADER;
    while (pos < payload.length) {
      if (pos + 4 > payload.length) throw new CorruptPayloadError('snappy', `xerial block length cut off at byte ${pos}`);
      const length = payload.readInt32BE(pos);
      pos += 4;
      if (length < 0 || pos + length > payload.length) {
        throw new CorruptPayloadError('snappy', `xerial block of ${length} bytes at byte ${pos} overruns the ${payload.length}-byte payload`);
      }
      const out = await block(payload.subarray(pos, pos + length), MAX_DECOMPRESSED_BYTES - total);
      total += out.length;
      parts.push(out);
      pos += length;
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, total);
  };
}

// Kafka writes lz4 in the standard LZ4 frame format (KafkaLZ4BlockOutputStream; since message
// format v1 with the correct header checksum), which lz4-napi's frame decoder reads in full:
// block and content checksums, linked or independent blocks.
function lz4Codec(lib: Lz4Lib): Decompress {
  return async (payload) => {
    let out: Buffer;
    try {
      out = await lib.decompressFrame(payload);
    } catch (e) {
      throw new CorruptPayloadError('lz4', (e as Error).message);
    }
    if (out.length > MAX_DECOMPRESSED_BYTES) throw tooLarge('lz4', out.length);
    return out;
  };
}

function unavailable(codec: CodecName, why: string): Decompress {
  return () => Promise.reject(new UnsupportedCodecError(`${codec} cannot be decompressed: ${why}`));
}

const DECOMPRESSORS: Readonly<Record<CodecName, Decompress>> = {
  gzip: zlibCodec('gzip', gunzipAsync),
  zstd: zstdAsync ? zlibCodec('zstd', zstdAsync) : unavailable('zstd', `node:zlib of Node ${process.version} has no zstd (Node >= 22.15 has)`),
  snappy: 'lib' in snappy ? snappyCodec(snappy.lib) : unavailable('snappy', snappy.error),
  lz4: 'lib' in lz4 ? lz4Codec(lz4.lib) : unavailable('lz4', lz4.error),
};

/** The codecs this process can decompress, for messages. */
export function availableCodecs(): CodecName[] {
  return [
    'gzip',
    ...(zstdAsync ? (['zstd'] as const) : []),
    ...('lib' in snappy ? (['snappy'] as const) : []),
    ...('lib' in lz4 ? (['lz4'] as const) : []),
  ];
}

/**
 * Decompresses a batch payload compressed with Kafka codec `id` (1-4). Rejects with
 * UnsupportedCodecError for an id it cannot handle and CorruptPayloadError for bytes that do not
 * decompress.
 */
export function decompress(id: number, payload: Buffer): Promise<Buffer> {
  const name = CODEC_NAMES[id];
  if (!name) return Promise.reject(new UnsupportedCodecError(`codec id ${id} is not one Kafka defines (1 gzip, 2 snappy, 3 lz4, 4 zstd)`));
  return DECOMPRESSORS[name](payload);
}
