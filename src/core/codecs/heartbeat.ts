// Heartbeat records of MirrorHeartbeatConnector (Apache Kafka connect/mirror-client Heartbeat.java):
// key = sourceClusterAlias STRING, targetClusterAlias STRING;
// value = version INT16 (0), timestamp INT64 (epoch ms).
import type { Heartbeat } from '../types.js';
import { decodeRecord, nonNegative } from './decode.js';
import type { DecodeResult } from './result.js';
import { ByteWriter } from './writer.js';

export const HEARTBEAT_VERSION = 0;

export function decodeHeartbeat(key: Buffer | null | undefined, value: Buffer | null | undefined): DecodeResult<Heartbeat> {
  return decodeRecord('heartbeat', key, value, (k, v) => {
    const sourceClusterAlias = k.string('sourceClusterAlias');
    const targetClusterAlias = k.string('targetClusterAlias');
    const versionAt = v.position;
    const version = v.int16('version');
    if (version !== HEARTBEAT_VERSION) {
      v.fail('unknown-version', `unknown version ${version} (this decoder knows ${HEARTBEAT_VERSION})`, versionAt);
    }
    const at = v.position;
    const timestamp = nonNegative(v, 'timestamp', v.int64('timestamp'), at);
    return { sourceClusterAlias, targetClusterAlias, timestamp };
  });
}

export function encodeHeartbeatKey(h: Pick<Heartbeat, 'sourceClusterAlias' | 'targetClusterAlias'>): Buffer {
  return new ByteWriter().string(h.sourceClusterAlias).string(h.targetClusterAlias).toBuffer();
}

/** `version` other than 0 is for tests that need records from a future MM2. */
export function encodeHeartbeatValue(h: Pick<Heartbeat, 'timestamp'>, version: number = HEARTBEAT_VERSION): Buffer {
  return new ByteWriter().int16(version).int64(h.timestamp).toBuffer();
}

export function encodeHeartbeat(h: Heartbeat, version: number = HEARTBEAT_VERSION): { key: Buffer; value: Buffer } {
  return { key: encodeHeartbeatKey(h), value: encodeHeartbeatValue(h, version) };
}
