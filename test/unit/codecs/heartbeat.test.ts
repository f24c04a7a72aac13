import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeHeartbeat, encodeHeartbeat, encodeHeartbeatKey, encodeHeartbeatValue } from '../../../src/core/codecs/index.js';
import { expectError, hex } from './helpers.js';

describe('heartbeat codec', () => {
  it('decodes the byte layout of Heartbeat.java (built by hand, not by the encoder)', () => {
    // key: STRING "us-east", STRING "us-west"; value: version 0, timestamp 1700000000123
    const key = hex('0007 75732d65617374 0007 75732d77657374');
    const value = hex('0000 0000018bcfe5687b');
    expect(decodeHeartbeat(key, value)).toEqual({
      ok: true,
      value: { sourceClusterAlias: 'us-east', targetClusterAlias: 'us-west', timestamp: 1700000000123 },
    });
  });

  it('encodes to the same bytes', () => {
    const { key, value } = encodeHeartbeat({ sourceClusterAlias: 'us-east', targetClusterAlias: 'us-west', timestamp: 1700000000123 });
    expect(key.toString('hex')).toBe('000775732d65617374000775732d77657374');
    expect(value.toString('hex')).toBe('00000000018bcfe5687b');
  });

  it('round-trips any aliases and timestamps', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        (sourceClusterAlias, targetClusterAlias, timestamp) => {
          const h = { sourceClusterAlias, targetClusterAlias, timestamp };
          const { key, value } = encodeHeartbeat(h);
          expect(decodeHeartbeat(key, value)).toEqual({ ok: true, value: h });
        },
      ),
    );
  });

  it('reports every truncation of key and value as truncated, naming the half', () => {
    const { key, value } = encodeHeartbeat({ sourceClusterAlias: 'primary', targetClusterAlias: 'secondary', timestamp: 42 });
    for (let n = 0; n < key.length; n++) {
      const e = expectError(decodeHeartbeat(key.subarray(0, n), value), 'truncated');
      expect(e.part).toBe('key');
      expect(e.message).toMatch(/^heartbeat key: truncated at byte \d+/);
    }
    for (let n = 0; n < value.length; n++) {
      const e = expectError(decodeHeartbeat(key, value.subarray(0, n)), 'truncated');
      expect(e.part).toBe('value');
    }
  });

  it('rejects versions other than 0', () => {
    for (const version of [1, 2, -1, 0x7fff]) {
      const e = expectError(decodeHeartbeat(encodeHeartbeatKey({ sourceClusterAlias: 'a', targetClusterAlias: 'b' }), encodeHeartbeatValue({ timestamp: 1 }, version)), 'unknown-version');
      expect(e.message).toContain(`unknown version ${version}`);
      expect(e.offset).toBe(0);
    }
  });

  it('rejects trailing bytes in key and value', () => {
    const { key, value } = encodeHeartbeat({ sourceClusterAlias: 'a', targetClusterAlias: 'b', timestamp: 1 });
    expect(expectError(decodeHeartbeat(Buffer.concat([key, hex('00')]), value), 'trailing-bytes').part).toBe('key');
    expect(expectError(decodeHeartbeat(key, Buffer.concat([value, hex('0000')])), 'trailing-bytes').part).toBe('value');
  });

  it('rejects a negative string length', () => {
    const e = expectError(decodeHeartbeat(hex('ffff 0000'), encodeHeartbeatValue({ timestamp: 1 })), 'negative-length');
    expect(e.message).toContain('sourceClusterAlias has a negative length (-1)');
  });

  it('rejects timestamps a JS number cannot hold and negative ones', () => {
    const key = encodeHeartbeatKey({ sourceClusterAlias: 'a', targetClusterAlias: 'b' });
    expectError(decodeHeartbeat(key, hex('0000 0020000000000000')), 'invalid'); // 2^53
    expectError(decodeHeartbeat(key, hex('0000 ffffffffffffffff')), 'invalid'); // -1
    expect(decodeHeartbeat(key, hex('0000 001fffffffffffff'))).toMatchObject({ ok: true, value: { timestamp: Number.MAX_SAFE_INTEGER } });
  });

  it('reports null key and null value', () => {
    const { key, value } = encodeHeartbeat({ sourceClusterAlias: 'a', targetClusterAlias: 'b', timestamp: 1 });
    expectError(decodeHeartbeat(null, value), 'null-key');
    expectError(decodeHeartbeat(key, null), 'null-value');
    expectError(decodeHeartbeat(undefined, undefined), 'null-key');
  });

  it('decodes invalid UTF-8 with replacement characters, like Java', () => {
    const r = decodeHeartbeat(hex('0002 c328 0001 61'), encodeHeartbeatValue({ timestamp: 5 }));
    expect(r).toEqual({ ok: true, value: { sourceClusterAlias: '\ufffd(', targetClusterAlias: 'a', timestamp: 5 } });
  });
});
