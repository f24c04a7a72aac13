import { expect } from 'vitest';
import type { DecodeError, DecodeErrorKind, DecodeResult } from '../../../src/core/codecs/index.js';

export function hex(s: string): Buffer {
  return Buffer.from(s.replace(/\s+/g, ''), 'hex');
}

export function expectError<T>(r: DecodeResult<T>, kind: DecodeErrorKind): DecodeError {
  if (r.ok) throw new Error(`expected a ${kind} error, got ${JSON.stringify(r.value)}`);
  expect(r.error.kind).toBe(kind);
  expect(r.error.message.length).toBeGreaterThan(0);
  return r.error;
}
