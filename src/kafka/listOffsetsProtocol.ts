// ListOffsets v1-v3 request encoder and response decoder. kafkajs's codec builds one Encoder per
// partition and a Long plus a string per offset; with 20,000 partitions in one request that was
// the biggest cost of a poll, so the port writes and reads these bytes itself.
import { BufferReader } from './bufferReader.js';
import { TopicPartitionMap } from './topicPartitionMap.js';

export const LIST_OFFSETS_VERSIONS = [1, 2, 3] as const;

export const EARLIEST_TIMESTAMP = -2;
export const LATEST_TIMESTAMP = -1;

export interface ListOffsetsTopic {
  topic: string;
  partitions: readonly number[];
}

export interface ListedOffset {
  errorCode: number;
  offset: number;
}

/** Request body (after the request header) asking every partition for the offset at `timestamp`. */
export function encodeListOffsetsRequest(
  version: number,
  topics: readonly ListOffsetsTopic[],
  timestamp: number,
  isolationLevel: number,
): Buffer {
  if (version < 1 || version > 3) throw new Error(`ListOffsets v${version} is not supported (v1-v3)`);
  const names = topics.map((t) => Buffer.from(t.topic, 'utf8'));
  let size = 4 + (version >= 2 ? 1 : 0) + 4;
  topics.forEach((t, i) => (size += 2 + names[i]!.length + 4 + t.partitions.length * 12));
  const buf = Buffer.allocUnsafe(size);
  let o = buf.writeInt32BE(-1, 0); // replica id: a client, not a follower
  if (version >= 2) o = buf.writeInt8(isolationLevel, o);
  o = buf.writeInt32BE(topics.length, o);
  const ts = BigInt(timestamp);
  topics.forEach((t, i) => {
    const name = names[i]!;
    o = buf.writeInt16BE(name.length, o);
    o += name.copy(buf, o);
    o = buf.writeInt32BE(t.partitions.length, o);
    for (const p of t.partitions) {
      o = buf.writeInt32BE(p, o);
      o = buf.writeBigInt64BE(ts, o);
    }
  });
  return buf;
}

/** Response body (after the correlation id) -> offset or error code per partition. */
export function decodeListOffsetsResponse(buf: Buffer, version: number): TopicPartitionMap<ListedOffset> {
  const r = new BufferReader(buf);
  if (version >= 2) r.int32(); // throttle_time_ms
  const out = new TopicPartitionMap<ListedOffset>();
  const topicCount = r.int32();
  for (let t = 0; t < topicCount; t++) {
    const topic = r.string() ?? '';
    const partitionCount = r.int32();
    for (let p = 0; p < partitionCount; p++) {
      const partition = r.int32();
      const errorCode = r.int16();
      r.int64(); // timestamp
      const offset = r.int64();
      out.put(topic, partition, { errorCode, offset });
    }
  }
  return out;
}
