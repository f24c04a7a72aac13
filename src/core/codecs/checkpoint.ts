// Checkpoint records of MirrorCheckpointConnector (Apache Kafka connect/mirror-client Checkpoint.java):
// key = group STRING, topic STRING (remote topic on the target), partition INT32;
// value = version INT16 (0), upstreamOffset INT64, downstreamOffset INT64, metadata STRING.
import type { Checkpoint } from '../types.js';
import { decodeRecord, nonNegative } from './decode.js';
import type { DecodeResult } from './result.js';
import { ByteWriter } from './writer.js';

export const CHECKPOINT_VERSION = 0;

export function decodeCheckpoint(key: Buffer | null | undefined, value: Buffer | null | undefined): DecodeResult<Checkpoint> {
  return decodeRecord('checkpoint', key, value, (k, v) => {
    const group = k.string('group');
    const topic = k.string('topic');
    let at = k.position;
    const partition = nonNegative(k, 'partition', k.int32('partition'), at);
    at = v.position;
    const version = v.int16('version');
    if (version !== CHECKPOINT_VERSION) {
      v.fail('unknown-version', `unknown version ${version} (this decoder knows ${CHECKPOINT_VERSION})`, at);
    }
    at = v.position;
    const upstreamOffset = nonNegative(v, 'upstreamOffset', v.int64('upstreamOffset'), at);
    at = v.position;
    const downstreamOffset = nonNegative(v, 'downstreamOffset', v.int64('downstreamOffset'), at);
    const metadata = v.string('metadata');
    return { group, topic, partition, upstreamOffset, downstreamOffset, metadata };
  });
}

export function encodeCheckpointKey(c: Pick<Checkpoint, 'group' | 'topic' | 'partition'>): Buffer {
  return new ByteWriter().string(c.group).string(c.topic).int32(c.partition).toBuffer();
}

export function encodeCheckpointValue(
  c: Pick<Checkpoint, 'upstreamOffset' | 'downstreamOffset' | 'metadata'>,
  version: number = CHECKPOINT_VERSION,
): Buffer {
  return new ByteWriter().int16(version).int64(c.upstreamOffset).int64(c.downstreamOffset).string(c.metadata).toBuffer();
}

export function encodeCheckpoint(c: Checkpoint, version: number = CHECKPOINT_VERSION): { key: Buffer; value: Buffer } {
  return { key: encodeCheckpointKey(c), value: encodeCheckpointValue(c, version) };
}
