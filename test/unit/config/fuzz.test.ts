import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ConfigError, loadConfig } from '../../../src/config/load.js';
import { importMm2Properties } from '../../../src/config/mm2Import.js';
import { tempFiles } from './helpers.js';

describe('configuration on arbitrary input', () => {
  it('importMm2Properties never throws', () => {
    const line = fc.tuple(
      fc.constantFrom('clusters', 'A.bootstrap.servers', 'B.bootstrap.servers', 'A->B.enabled', 'B->A.enabled', 'emit.heartbeats.enabled', 'B->A.emit.heartbeats.enabled', 'topics', 'A->B.topics.exclude', 'topics.blacklist', 'replication.policy.class', 'offset-syncs.topic.location', 'heartbeats.replication.enabled', 'A.security.protocol', 'A.sasl.mechanism', 'A.sasl.jaas.config', 'A.ssl.truststore.location', 'x'),
      fc.constantFrom(' = ', '=', ':', ' '),
      fc.oneof(fc.constantFrom('A, B', 'true', 'false', 'true ', 'false # c', 'a:1', '(', '.*', 'SASL_SSL', 'PLAIN', 'target', 'x required username="u" password="p";'), fc.string()),
    ).map(([k, s, v]) => `${k}${s}${v}`);
    fc.assert(
      fc.property(fc.array(line, { maxLength: 20 }), (lines) => {
        const r = importMm2Properties(lines.join('\n'), 'mm2.properties');
        expect(Array.isArray(r.warnings)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('loadConfig returns a config or throws a ConfigError, nothing else', () => {
    const dir = tempFiles({});
    const file = path.join(dir, 'c.yaml');
    const value = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }));
    const cluster = fc.record({ alias: fc.oneof(fc.constantFrom('a', 'b'), fc.string()), bootstrapServers: fc.oneof(value, fc.constant('h:1')) }, { requiredKeys: [] });
    const doc = fc.record(
      {
        clusters: fc.oneof(value, fc.array(cluster, { maxLength: 3 })),
        flows: fc.oneof(value, fc.array(fc.record({ source: fc.constantFrom('a', 'b', 'c'), target: fc.constantFrom('a', 'b') }), { maxLength: 2 })),
        poll: fc.oneof(value, fc.record({ interval: value, timeout: value }, { requiredKeys: [] })),
        http: fc.oneof(value, fc.record({ port: value }, { requiredKeys: [] })),
        granularity: value,
        mm2Properties: value,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(doc.map((d) => JSON.stringify(d)), fc.string()), (text) => {
        fs.writeFileSync(file, text);
        try {
          const c = loadConfig(file, {});
          expect(c.flows.length).toBeGreaterThan(0);
        } catch (e) {
          if (!(e instanceof ConfigError)) throw e;
          expect(e.message.startsWith('Invalid configuration')).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});
