import { describe, expect, it } from 'vitest';
import { REDACTED, isSecretKey, redactSecrets } from '../../../src/http/redact.js';

describe('isSecretKey', () => {
  it.each(['password', 'sasl.password', 'ssl.keystore.password', 'ssl.key.password', 'sasl.jaas.config', 'key', 'tls.key', 'privateKey', 'private_key', 'apiKey', 'token', 'clientSecret', 'credentials', 'pwd'])(
    'treats %s as secret',
    (key) => expect(isSecretKey(key)).toBe(true),
  );
  it.each(['username', 'mechanism', 'bootstrapServers', 'topics', 'topicsExclude', 'keyword', 'monkey', 'cert', 'ca', 'groups', 'maxSeries'])(
    'keeps %s',
    (key) => expect(isSecretKey(key)).toBe(false),
  );
});

describe('redactSecrets', () => {
  it('replaces secret values at any depth and keeps everything else', () => {
    const input = {
      clusters: [{ alias: 'a', sasl: { username: 'u', password: 'p1' }, tls: { key: 'PEM', cert: 'CERT', rejectUnauthorized: false } }],
      nested: { deeper: { token: 'tok', list: [{ clientSecret: 's' }] } },
      password: null,
      poll: { intervalMs: 5000 },
    };
    expect(redactSecrets(input)).toEqual({
      clusters: [{ alias: 'a', sasl: { username: 'u', password: REDACTED }, tls: { key: REDACTED, cert: 'CERT', rejectUnauthorized: false } }],
      nested: { deeper: { token: REDACTED, list: [{ clientSecret: REDACTED }] } },
      password: null,
      poll: { intervalMs: 5000 },
    });
    // The input is not modified.
    expect(input.clusters[0]!.sasl.password).toBe('p1');
  });

  it('redacts secrets embedded in string values', () => {
    expect(redactSecrets({ line: 'ScramLoginModule required username="a" password="b";' })).toEqual({ line: REDACTED });
    expect(redactSecrets(['x', 'token: abc'])).toEqual(['x', REDACTED]);
  });

  it('handles Maps, cycles, buffers, dates and functions without throwing', () => {
    const cyclic: Record<string, unknown> = { name: 'c' };
    cyclic.self = cyclic;
    const out = redactSecrets({ m: new Map<string, unknown>([['password', 'x'], ['ok', 1]]), cyclic, b: Buffer.from('secret bytes'), d: new Date(0), f: () => 1 }) as Record<string, unknown>;
    expect(out.m).toEqual({ password: REDACTED, ok: 1 });
    expect(out.cyclic).toEqual({ name: 'c', self: '[circular]' });
    expect(out.b).toBe('[binary]');
    expect(out.d).toBe('1970-01-01T00:00:00.000Z');
    expect(out.f).toBeUndefined();
    expect(() => JSON.stringify(out)).not.toThrow();
  });

  it('shows a shared object twice (only true cycles are cut)', () => {
    const shared = { alias: 's' };
    expect(redactSecrets({ a: shared, b: shared })).toEqual({ a: { alias: 's' }, b: { alias: 's' } });
  });
});
