import { ByteReader, ReadFailure } from './reader.js';
import type { DecodeResult } from './result.js';

/**
 * Runs a decoder body over both halves of a record and turns every failure into a DecodeResult.
 * `body` reads with the two readers; each reader must be consumed to its last byte.
 */
export function decodeRecord<T>(
  record: string,
  key: Buffer | null | undefined,
  value: Buffer | null | undefined,
  body: (key: ByteReader, value: ByteReader) => T,
): DecodeResult<T> {
  if (key == null) {
    return { ok: false, error: { kind: 'null-key', part: 'key', message: `${record}: record has no key` } };
  }
  if (value == null) {
    return {
      ok: false,
      error: { kind: 'null-value', part: 'value', message: `${record}: record has no value (tombstone)` },
    };
  }
  try {
    const k = new ByteReader(key, `${record} key`, 'key');
    const v = new ByteReader(value, `${record} value`, 'value');
    const out = body(k, v);
    k.end();
    v.end();
    return { ok: true, value: out };
  } catch (e) {
    if (e instanceof ReadFailure) return { ok: false, error: e.error };
    // Not expected: the readers check every bound. Kept so that no input can throw past here.
    return { ok: false, error: { kind: 'invalid', message: `${record}: ${e instanceof Error ? e.message : String(e)}` } };
  }
}

export function nonNegative(reader: ByteReader, field: string, v: number, at: number): number {
  if (v < 0) reader.fail('invalid', `${field} is negative (${v})`, at);
  return v;
}
