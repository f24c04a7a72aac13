// Decodes a Fetch response (v4-v11, the non-flexible versions kafkajs 2.2.4 negotiates) down to
// per-partition headers and raw record-set bytes. kafkajs's own decoder decompresses eagerly and
// fails the whole response on one partition's unsupported codec; this one leaves the record sets
// for decodeRecordSet so every partition gets its own result.
import { BufferReader } from './bufferReader.js';
import type { AbortedTransaction } from './recordBatches.js';

export interface FetchPartitionResponse {
  partition: number;
  errorCode: number;
  highWatermark: number;
  /** null when the response version does not carry the aborted transaction list. */
  abortedTransactions: AbortedTransaction[] | null;
  records: Buffer;
}

export interface FetchResponse {
  /** Top-level error (v7+, fetch sessions); 0 otherwise. */
  errorCode: number;
  topics: { topic: string; partitions: FetchPartitionResponse[] }[];
}

export const MIN_FETCH_VERSION = 4;
export const MAX_FETCH_VERSION = 11;

export function decodeFetchResponse(buf: Buffer, version: number): FetchResponse {
  if (version < MIN_FETCH_VERSION || version > MAX_FETCH_VERSION) {
    throw new Error(`Fetch response v${version} is not supported (v${MIN_FETCH_VERSION}-v${MAX_FETCH_VERSION})`);
  }
  const r = new BufferReader(buf);
  r.int32(); // throttle_time_ms
  let errorCode = 0;
  if (version >= 7) {
    errorCode = r.int16();
    r.int32(); // session_id
  }
  const topicCount = r.int32();
  const topics: FetchResponse['topics'] = [];
  for (let t = 0; t < topicCount; t++) {
    const topic = r.string() ?? '';
    const partitionCount = r.int32();
    const partitions: FetchPartitionResponse[] = [];
    for (let p = 0; p < partitionCount; p++) {
      const partition = r.int32();
      const pErrorCode = r.int16();
      const highWatermark = r.int64();
      r.int64(); // last_stable_offset
      if (version >= 5) r.int64(); // log_start_offset
      const abortedCount = r.int32();
      let abortedTransactions: AbortedTransaction[] | null = null;
      if (abortedCount >= 0) {
        abortedTransactions = [];
        for (let a = 0; a < abortedCount; a++) {
          const producerId = r.int64Big();
          const firstOffset = r.int64();
          abortedTransactions.push({ producerId, firstOffset });
        }
      }
      if (version >= 11) r.int32(); // preferred_read_replica
      const size = r.int32();
      const records = size > 0 ? r.bytes(size) : Buffer.alloc(0);
      partitions.push({ partition, errorCode: pErrorCode, highWatermark, abortedTransactions, records });
    }
    topics.push({ topic, partitions });
  }
  return { errorCode, topics };
}
