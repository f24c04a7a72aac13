import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeCheckpoint, decodeHeartbeat, decodeOffsetSync } from '../../../src/core/codecs/index.js';
import type { DecodeErrorKind, DecodeResult } from '../../../src/core/codecs/index.js';

const kinds: DecodeErrorKind[] = ['null-key', 'null-value', 'truncated', 'negative-length', 'unknown-version', 'trailing-bytes', 'invalid'];
const decoders: [string, (k: Buffer | null, v: Buffer | null) => DecodeResult<unknown>][] = [
  ['heartbeat', decodeHeartbeat],
  ['checkpoint', decodeCheckpoint],
  ['offset sync', decodeOffsetSync],
];
const bytes = fc.option(fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)), { nil: null });
// Short strings with plausible length prefixes reach deeper than uniform noise.
const plausible = fc
  .tuple(fc.integer({ min: -2, max: 12 }), fc.uint8Array({ maxLength: 40 }))
  .map(([len, rest]) => {
    const b = Buffer.alloc(2 + rest.length);
    b.writeInt16BE(len);
    Buffer.from(rest).copy(b, 2);
    return b;
  });

describe.each(decoders)('%s decoder on arbitrary bytes', (_name, decode) => {
  it('returns a result and never throws', () => {
    fc.assert(
      fc.property(fc.oneof(bytes, plausible), fc.oneof(bytes, plausible), (k, v) => {
        const r = decode(k, v);
        if (r.ok) {
          expect(k).not.toBeNull();
          expect(v).not.toBeNull();
        } else {
          expect(kinds).toContain(r.error.kind);
          expect(typeof r.error.message).toBe('string');
          expect(r.error.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
