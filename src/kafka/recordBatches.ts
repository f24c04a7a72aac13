// Decodes the record set of one partition in a Fetch response (record batch format v2, magic 2):
// skips control batches (transaction markers) and, in read_committed mode, batches of aborted
// transactions the way Kafka's Java consumer does; decompresses every codec Kafka defines
// (compression.ts); stops at the first batch it cannot read and says why, keeping what came before.
import type { FetchErrorKind, RawRecord } from './port.js';
import { BufferReader } from './bufferReader.js';
import { CODEC_NAMES, UnsupportedCodecError, availableCodecs, decompress } from './compression.js';

// Byte layout of a v2 batch header, counted from baseOffset.
const LOG_OVERHEAD = 12; // baseOffset INT64 + batchLength INT32
const MAGIC_OFFSET = 16;
const BATCH_HEADER_SIZE = 61; // through the record count

const ATTR_COMPRESSION = 0x07;
const ATTR_LOG_APPEND_TIME = 0x08;
const ATTR_TRANSACTIONAL = 0x10;
const ATTR_CONTROL = 0x20;

const CONTROL_TYPE_ABORT = 0;

export interface AbortedTransaction {
  producerId: bigint;
  firstOffset: number;
}

export interface DecodedRecordSet {
  records: RawRecord[];
  /** Offset after the last batch read completely (control and aborted batches count as read). */
  nextOffset: number;
  error: string | null;
  /** 'codec' or 'corrupt' with an error; null without. */
  errorKind: Extract<FetchErrorKind, 'codec' | 'corrupt'> | null;
}

interface BatchHeader {
  baseOffset: number;
  lastOffset: number;
  attributes: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: bigint;
  recordCount: number;
}

function readHeader(r: BufferReader): BatchHeader {
  const baseOffset = r.int64();
  r.int32(); // batchLength, already checked by the caller
  r.int32(); // partitionLeaderEpoch
  r.int8(); // magic, already checked by the caller
  r.uint32(); // crc: TCP and the broker's own check make a client-side CRC32C check not worth its cost
  const attributes = r.int16();
  const lastOffsetDelta = r.int32();
  const baseTimestamp = r.int64();
  const maxTimestamp = r.int64();
  const producerId = r.int64Big();
  r.int16(); // producerEpoch
  r.int32(); // baseSequence
  const recordCount = r.int32();
  return { baseOffset, lastOffset: baseOffset + lastOffsetDelta, attributes, baseTimestamp, maxTimestamp, producerId, recordCount };
}

function readRecords(data: Buffer, h: BatchHeader): RawRecord[] {
  const r = new BufferReader(data);
  const logAppendTime = (h.attributes & ATTR_LOG_APPEND_TIME) !== 0;
  const records: RawRecord[] = [];
  for (let i = 0; i < h.recordCount; i++) {
    const length = r.varint();
    const end = r.offset + length;
    if (length < 0 || end > data.length) throw new RangeError(`record ${i} length ${length} overruns the batch`);
    r.int8(); // record attributes, unused by Kafka
    const timestampDelta = r.varint();
    const offsetDelta = r.varint();
    const key = r.varBytes();
    const value = r.varBytes();
    r.offset = end; // headers are not needed
    records.push({
      offset: h.baseOffset + offsetDelta,
      timestamp: logAppendTime ? h.maxTimestamp : h.baseTimestamp + timestampDelta,
      key,
      value,
    });
  }
  return records;
}

/** ABORT or COMMIT marker of a control batch; null when the key is not a marker. */
function controlType(records: RawRecord[]): number | null {
  const key = records[0]?.key;
  if (!key || key.length < 4) return null;
  return key.readInt16BE(2);
}

/**
 * @param data the partition's record set bytes
 * @param fetchOffset the offset asked for: records before it (same batch) are dropped
 * @param aborted the response's aborted transactions; null for read_uncommitted
 */
export async function decodeRecordSet(
  data: Buffer,
  fetchOffset: number,
  aborted: AbortedTransaction[] | null,
): Promise<DecodedRecordSet> {
  const records: RawRecord[] = [];
  let nextOffset = fetchOffset;
  const pendingAborts = aborted ? [...aborted].sort((a, b) => a.firstOffset - b.firstOffset) : [];
  const abortedProducers = new Set<bigint>();
  const r = new BufferReader(data);
  let batches = 0;

  while (r.remaining() >= LOG_OVERHEAD) {
    const start = r.offset;
    const baseOffset = Number(data.readBigInt64BE(start));
    const batchLength = data.readInt32BE(start + 8);
    const total = LOG_OVERHEAD + batchLength;
    if (batchLength < BATCH_HEADER_SIZE - LOG_OVERHEAD) {
      return { records, nextOffset, errorKind: 'corrupt', error: `corrupt record batch at offset ${baseOffset}: length ${batchLength}` };
    }
    if (r.remaining() < total) {
      // The broker cuts the response at maxBytes, so the last batch is often incomplete: normal,
      // unless not even one batch fits, when the caller would ask for the same offset forever.
      if (batches === 0) {
        return {
          records,
          nextOffset,
          errorKind: 'corrupt',
          error: `record batch at offset ${baseOffset} (${total} bytes) is larger than the ${data.length} bytes returned; raise maxBytes`,
        };
      }
      break;
    }
    const magic = data.readInt8(start + MAGIC_OFFSET);
    if (magic !== 2) {
      return { records, nextOffset, errorKind: 'corrupt', error: `record batch at offset ${baseOffset} uses message format v${magic}; only v2 is supported` };
    }
    const batch = new BufferReader(data.subarray(start, start + total));
    r.skip(total);
    batches++;
    let h: BatchHeader;
    try {
      h = readHeader(batch);
    } catch (e) {
      return { records, nextOffset, errorKind: 'corrupt', error: `corrupt record batch at offset ${baseOffset}: ${(e as Error).message}` };
    }

    const isControl = (h.attributes & ATTR_CONTROL) !== 0;
    const isTransactional = (h.attributes & ATTR_TRANSACTIONAL) !== 0;
    let skip = isControl;
    if (aborted && h.producerId >= 0n) {
      while (pendingAborts.length > 0 && pendingAborts[0]!.firstOffset <= h.lastOffset) {
        abortedProducers.add(pendingAborts.shift()!.producerId);
      }
      if (!isControl && isTransactional && abortedProducers.has(h.producerId)) skip = true;
    }

    if (!skip || isControl) {
      const codecId = h.attributes & ATTR_COMPRESSION;
      let body = batch.bytes(batch.remaining());
      try {
        if (codecId !== 0) {
          try {
            body = await decompress(codecId, body);
          } catch (e) {
            if (!(e instanceof UnsupportedCodecError)) throw e;
            return {
              records,
              nextOffset,
              errorKind: 'codec',
              error: `record batch at offset ${h.baseOffset} is compressed with ${CODEC_NAMES[codecId] ?? `codec id ${codecId}`}, which mirrorwatch cannot decompress here (${e.message}; available: ${availableCodecs().join(', ')})`,
            };
          }
        }
        const batchRecords = readRecords(body, h);
        if (isControl) {
          if (controlType(batchRecords) === CONTROL_TYPE_ABORT) abortedProducers.delete(h.producerId);
        } else {
          for (const rec of batchRecords) if (rec.offset >= fetchOffset) records.push(rec);
        }
      } catch (e) {
        return { records, nextOffset, errorKind: 'corrupt', error: `corrupt record batch at offset ${h.baseOffset}: ${(e as Error).message}` };
      }
    }
    nextOffset = Math.max(nextOffset, h.lastOffset + 1);
  }
  return { records, nextOffset, error: null, errorKind: null };
}
