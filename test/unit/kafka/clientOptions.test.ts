import { describe, expect, it } from 'vitest';
import { bootstrapAddresses, parseBrokerAddress, toKafkajsSasl, toKafkajsSsl } from '../../../src/kafka/clientOptions.js';
import type { ClusterConfig } from '../../../src/core/types.js';

const base: ClusterConfig = {
  alias: 'us-east',
  bootstrapServers: ['kafka1:9092', ' 10.0.0.2:9093 ', '[::1]:9094'],
  clientId: 'mw',
  connectionTimeoutMs: 1000,
  requestTimeoutMs: 5000,
};

describe('client options', () => {
  it('parses host:port including IPv6 and reports bad entries with the cluster', () => {
    expect(bootstrapAddresses(base)).toEqual([
      { host: 'kafka1', port: 9092 },
      { host: '10.0.0.2', port: 9093 },
      { host: '::1', port: 9094 },
    ]);
    for (const bad of ['kafka1', 'kafka1:', 'kafka1:0', 'kafka1:70000', ':9092', 'a:b:9092']) {
      expect(() => parseBrokerAddress('us-east', bad)).toThrow(`cluster us-east: bootstrap server "${bad}" is not host:port`);
    }
    expect(() => bootstrapAddresses({ ...base, bootstrapServers: [] })).toThrow(/us-east: no bootstrap servers/);
  });

  it('maps TLS without inventing keys, so kafkajs keeps its SNI default', () => {
    expect(toKafkajsSsl(base)).toBeNull();
    expect(toKafkajsSsl({ ...base, tls: { rejectUnauthorized: true } })).toEqual({ rejectUnauthorized: true });
    const ssl = toKafkajsSsl({ ...base, tls: { rejectUnauthorized: false, ca: 'CA', cert: 'CERT', key: 'KEY', servername: 'kafka.example' } });
    expect(ssl).toEqual({ rejectUnauthorized: false, ca: ['CA'], cert: 'CERT', key: 'KEY', servername: 'kafka.example' });
    expect(Object.keys(toKafkajsSsl({ ...base, tls: { rejectUnauthorized: true, ca: 'CA' } })!)).toEqual(['rejectUnauthorized', 'ca']);
  });

  it('maps every SASL mechanism', () => {
    expect(toKafkajsSasl(base)).toBeNull();
    for (const mechanism of ['plain', 'scram-sha-256', 'scram-sha-512'] as const) {
      expect(toKafkajsSasl({ ...base, sasl: { mechanism, username: 'u', password: 'p' } })).toEqual({ mechanism, username: 'u', password: 'p' });
    }
  });
});
