// Metadata v1-v6 request encoder and response decoder, straight into the port's metadata model.
// kafkajs's decoder builds replica, ISR and offline-replica arrays for every partition that the
// port never reads; at 20,000 partitions that doubled the cost of listing topics.
import { BufferReader } from './bufferReader.js';
import type { RawMetadataResponse } from './metadataModel.js';

export const METADATA_VERSIONS = [1, 2, 3, 4, 5, 6] as const;

/** `topics` null asks for every topic. Auto-creation is always refused: mirrorwatch only reads. */
export function encodeMetadataRequest(version: number, topics: readonly string[] | null): Buffer {
  if (version < 1 || version > 6) throw new Error(`Metadata v${version} is not supported (v1-v6)`);
  const names = (topics ?? []).map((t) => Buffer.from(t, 'utf8'));
  const size = 4 + names.reduce((n, b) => n + 2 + b.length, 0) + (version >= 4 ? 1 : 0);
  const buf = Buffer.allocUnsafe(size);
  let o = buf.writeInt32BE(topics === null ? -1 : names.length, 0);
  for (const name of names) {
    o = buf.writeInt16BE(name.length, o);
    o += name.copy(buf, o);
  }
  if (version >= 4) buf.writeInt8(0, o); // allow_auto_topic_creation = false
  return buf;
}

function skipInt32Array(r: BufferReader): void {
  const n = r.int32();
  if (n > 0) r.skip(4 * n);
}

export function decodeMetadataResponse(buf: Buffer, version: number): RawMetadataResponse {
  const r = new BufferReader(buf);
  if (version >= 3) r.int32(); // throttle_time_ms
  const brokerCount = r.int32();
  const brokers: RawMetadataResponse['brokers'] = [];
  for (let i = 0; i < brokerCount; i++) {
    const nodeId = r.int32();
    const host = r.string() ?? '';
    const port = r.int32();
    r.string(); // rack
    brokers.push({ nodeId, host, port });
  }
  if (version >= 2) r.string(); // cluster_id
  r.int32(); // controller_id
  const topicCount = r.int32();
  const topicMetadata: RawMetadataResponse['topicMetadata'] = [];
  for (let t = 0; t < topicCount; t++) {
    const topicErrorCode = r.int16();
    const topic = r.string() ?? '';
    r.int8(); // is_internal
    const partitionCount = r.int32();
    const partitionMetadata: RawMetadataResponse['topicMetadata'][number]['partitionMetadata'] = [];
    for (let p = 0; p < partitionCount; p++) {
      const partitionErrorCode = r.int16();
      const partitionId = r.int32();
      const leader = r.int32();
      skipInt32Array(r); // replicas
      skipInt32Array(r); // isr
      if (version >= 5) skipInt32Array(r); // offline_replicas
      partitionMetadata.push({ partitionErrorCode, partitionId, leader });
    }
    topicMetadata.push({ topicErrorCode, topic, partitionMetadata });
  }
  return { brokers, topicMetadata };
}
