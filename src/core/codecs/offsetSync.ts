// Offset-sync records of MirrorSourceTask (Apache Kafka connect/mirror OffsetSync.java):
// key = topic STRING (source topic), partition INT32; value = upstreamOffset INT64,
// downstreamOffset INT64. Unlike heartbeats and checkpoints the value has no version header.
import type { OffsetSync } from '../types.js';
import { decodeRecord, nonNegative } from './decode.js';
import type { DecodeResult } from './result.js';
import { ByteWriter } from './writer.js';

export function decodeOffsetSync(key: Buffer | null | undefined, value: Buffer | null | undefined): DecodeResult<OffsetSync> {
  return decodeRecord('offset sync', key, value, (k, v) => {
    const topic = k.string('topic');
    let at = k.position;
    const partition = nonNegative(k, 'partition', k.int32('partition'), at);
    at = v.position;
    const upstreamOffset = nonNegative(v, 'upstreamOffset', v.int64('upstreamOffset'), at);
    at = v.position;
    const downstreamOffset = nonNegative(v, 'downstreamOffset', v.int64('downstreamOffset'), at);
    return { topic, partition, upstreamOffset, downstreamOffset };
  });
}

export function encodeOffsetSyncKey(s: Pick<OffsetSync, 'topic' | 'partition'>): Buffer {
  return new ByteWriter().string(s.topic).int32(s.partition).toBuffer();
}

export function encodeOffsetSyncValue(s: Pick<OffsetSync, 'upstreamOffset' | 'downstreamOffset'>): Buffer {
  return new ByteWriter().int64(s.upstreamOffset).int64(s.downstreamOffset).toBuffer();
}

export function encodeOffsetSync(s: OffsetSync): { key: Buffer; value: Buffer } {
  return { key: encodeOffsetSyncKey(s), value: encodeOffsetSyncValue(s) };
}
