// Decoders report problems as values: a bad record in MM2's topics is counted and skipped by the
// poller, never allowed to throw through the poll loop.

export type DecodeErrorKind =
  | 'null-key' // tombstone or keyless record where a key is required
  | 'null-value' // tombstone: compaction markers in MM2's compacted topics
  | 'truncated' // the record ends before a field does
  | 'negative-length' // a STRING length prefix below zero
  | 'unknown-version' // a value header version this decoder does not know
  | 'trailing-bytes' // bytes left over after the last field: not the layout we know
  | 'invalid'; // well-formed bytes holding an impossible value (offset beyond 2^53, negative partition)

export type RecordPart = 'key' | 'value';

export interface DecodeError {
  kind: DecodeErrorKind;
  /** Which half of the record was bad; absent when the problem concerns the record as a whole. */
  part?: RecordPart;
  /** Byte position in that half where decoding stopped. */
  offset?: number;
  /** One line a human can act on, e.g. "heartbeat value: truncated at byte 2: ...". */
  message: string;
}

export type DecodeResult<T> = { ok: true; value: T } | { ok: false; error: DecodeError };
