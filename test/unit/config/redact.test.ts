import { describe, expect, it } from 'vitest';
import { REDACTED, redactCluster, redactConfig } from '../../../src/config/redact.js';
import type { MirrorwatchConfig, PasswordSaslConfig } from '../../../src/core/types.js';

const config: MirrorwatchConfig = {
  file: '/etc/mirrorwatch.yaml',
  clusters: [
    {
      alias: 'a',
      bootstrapServers: ['a:1'],
      clientId: 'mw',
      connectionTimeoutMs: 1,
      requestTimeoutMs: 2,
      tls: { ca: 'CA-PEM', cert: 'CERT-PEM', key: 'PRIVATE-KEY-PEM', rejectUnauthorized: true },
      sasl: { mechanism: 'plain', username: 'user', password: 'hunter2' },
    },
    { alias: 'b', bootstrapServers: ['b:1'], clientId: 'mw', connectionTimeoutMs: 1, requestTimeoutMs: 2 },
  ],
  flows: [],
  replicationPolicy: { kind: 'default', separator: '.' },
  poll: { intervalMs: 10, timeoutMs: 5 },
  http: { host: '0.0.0.0', port: 1 },
  granularity: 'partition',
  maxSeries: 1,
  logLevel: 'info',
  warnings: [],
};

describe('redactConfig', () => {
  it('replaces passwords and private keys, keeps the rest', () => {
    const r = redactConfig(config);
    const text = JSON.stringify(r);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('PRIVATE-KEY-PEM');
    expect(r.clusters[0]!.sasl).toEqual({ mechanism: 'plain', username: 'user', password: REDACTED });
    expect(r.clusters[0]!.tls).toEqual({ ca: 'CA-PEM', cert: 'CERT-PEM', key: REDACTED, rejectUnauthorized: true });
    expect(r.clusters[1]).toEqual(config.clusters[1]);
  });

  it('leaves the original untouched', () => {
    redactConfig(config);
    expect((config.clusters[0]!.sasl as PasswordSaslConfig | undefined)?.password).toBe('hunter2');
    expect((redactCluster(config.clusters[0]!).sasl as PasswordSaslConfig | undefined)?.password).toBe(REDACTED);
    expect(config.clusters[0]!.tls!.key).toBe('PRIVATE-KEY-PEM');
  });
});
