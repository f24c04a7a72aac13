// MM2's binary record formats (docs/design.md).
export type { DecodeError, DecodeErrorKind, DecodeResult, RecordPart } from './result.js';
export {
  HEARTBEAT_VERSION,
  decodeHeartbeat,
  encodeHeartbeat,
  encodeHeartbeatKey,
  encodeHeartbeatValue,
} from './heartbeat.js';
export {
  CHECKPOINT_VERSION,
  decodeCheckpoint,
  encodeCheckpoint,
  encodeCheckpointKey,
  encodeCheckpointValue,
} from './checkpoint.js';
export { decodeOffsetSync, encodeOffsetSync, encodeOffsetSyncKey, encodeOffsetSyncValue } from './offsetSync.js';
