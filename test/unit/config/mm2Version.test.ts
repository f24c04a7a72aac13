// MM2's default topics.exclude changed in Kafka 4.0 (`.*[\-\.]internal` became `mm2.*\.internal`):
// the version decides whether a user topic such as orders-internal is copied, so watched.
import path from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { topicsExcludeDefault } from '../../../src/config/defaults.js';
import { ConfigError, loadConfig } from '../../../src/config/load.js';
import { importMm2Properties } from '../../../src/config/mm2Import.js';
import { importStrimziMirrorMaker2 } from '../../../src/config/strimzi.js';
import { compileTopicFilter } from '../../../src/core/topicFilter.js';
import { tempFiles } from './helpers.js';

const PROPS = 'clusters = A, B\nA.bootstrap.servers = a:9092\nB.bootstrap.servers = b:9092\nA->B.enabled = true\n';
const YAML = (extra: string) => `${extra}
clusters:
  - alias: A
    bootstrapServers: a:9092
  - alias: B
    bootstrapServers: b:9092
flows:
  - source: A
    target: B
`;
const KMM2 = (version: string) => `
apiVersion: kafka.strimzi.io/v1beta2
kind: KafkaMirrorMaker2
metadata: { name: mm2 }
spec:
  ${version}
  connectCluster: B
  clusters:
    - { alias: A, bootstrapServers: 'a:9092' }
    - { alias: B, bootstrapServers: 'b:9092' }
  mirrors:
    - { sourceCluster: A, targetCluster: B, sourceConnector: { config: {} } }
`;

/** Which of these user topics the exclude list lets through. */
function watched(exclude: string[]): string[] {
  const r = compileTopicFilter(['.*'], exclude);
  if (!r.ok) throw new Error('filter does not compile');
  return ['orders', 'orders-internal', 'audit.internal', 'mm2-offsets.A.internal', 'x.replica', '__consumer_offsets'].filter((t) => r.filter.matches(t));
}

describe('the default topics.exclude follows the MM2 version', () => {
  it('4.x copies orders-internal and audit.internal, 3.x does not; both exclude mm2-*.internal, *.replica, __*', () => {
    expect(watched(topicsExcludeDefault('4.0'))).toEqual(['orders', 'orders-internal', 'audit.internal']);
    expect(watched(topicsExcludeDefault('4.3.1'))).toEqual(['orders', 'orders-internal', 'audit.internal']);
    expect(watched(topicsExcludeDefault('3.9'))).toEqual(['orders']);
    expect(watched(topicsExcludeDefault('2.8.2'))).toEqual(['orders']);
    // Nothing said: the current line, 4.x.
    expect(topicsExcludeDefault(undefined)).toEqual(topicsExcludeDefault('4'));
  });

  it('mm2.properties: the importer option decides; an explicit topics.exclude always wins', () => {
    expect(importMm2Properties(PROPS, 'mm2.properties').flows[0]!.topicsExclude).toEqual(topicsExcludeDefault('4'));
    expect(importMm2Properties(PROPS, 'mm2.properties', { mm2Version: '3.9' }).flows[0]!.topicsExclude).toEqual(topicsExcludeDefault('3'));
    expect(importMm2Properties(`${PROPS}topics.exclude = x.*\n`, 'mm2.properties', { mm2Version: '3.9' }).flows[0]!.topicsExclude).toEqual(['x.*']);
  });

  it('YAML: mm2Version applies to YAML flows and to the mm2.properties it names', () => {
    const dir = tempFiles({ 'a.yaml': YAML('mm2Version: "3.9"'), 'b.yaml': YAML(''), 'mm2.properties': PROPS, 'c.yaml': 'mm2Version: "3.7"\nmm2Properties: mm2.properties\n' });
    expect(loadConfig(path.join(dir, 'a.yaml')).flows[0]!.topicsExclude).toEqual(topicsExcludeDefault('3'));
    expect(loadConfig(path.join(dir, 'b.yaml')).flows[0]!.topicsExclude).toEqual(topicsExcludeDefault('4'));
    expect(loadConfig(path.join(dir, 'c.yaml')).flows[0]!.topicsExclude).toEqual(topicsExcludeDefault('3'));
  });

  it('YAML: a version that is not one is refused, naming the key', () => {
    const dir = tempFiles({ 'a.yaml': YAML('mm2Version: latest'), 'b.yaml': YAML('mm2Version: [3]'), 'c.yaml': YAML('mm2Version: 3.10') });
    // Unquoted, 3.10 is the number 3.1: the major version, all that matters, survives.
    expect(loadConfig(path.join(dir, 'c.yaml')).flows[0]!.topicsExclude).toEqual(topicsExcludeDefault('3'));
    for (const f of ['a.yaml', 'b.yaml']) {
      try {
        loadConfig(path.join(dir, f));
        throw new Error('expected a ConfigError');
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        const p = (e as ConfigError).problems[0]!;
        expect(p.path).toBe('mm2Version');
        expect(p.message).toMatch(/Kafka version such as "3\.9"/);
      }
    }
  });

  it('Strimzi: spec.version (the Kafka version Strimzi runs MM2 with) decides', () => {
    const flow = (text: string) => importStrimziMirrorMaker2(yaml.load(text), 'kmm2.yaml', { env: {} }).flows[0]!;
    expect(flow(KMM2('version: 3.9.1')).topicsExclude).toEqual(topicsExcludeDefault('3'));
    expect(flow(KMM2('version: 4.1.0')).topicsExclude).toEqual(topicsExcludeDefault('4'));
    expect(flow(KMM2('replicas: 1')).topicsExclude).toEqual(topicsExcludeDefault('4'));
    expect(importStrimziMirrorMaker2(yaml.load(KMM2('replicas: 1')), 'kmm2.yaml', { env: {}, mm2Version: '3.8' }).flows[0]!.topicsExclude).toEqual(topicsExcludeDefault('3'));
  });
});
