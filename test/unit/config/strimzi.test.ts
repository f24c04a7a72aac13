// A Strimzi KafkaMirrorMaker2 resource as configuration: both layouts (v1beta2 with
// connectCluster/clusters, v1 with target/mirrors[].source), the secrets mapping, and errors that
// name the file and the field.
import type { PasswordSaslConfig } from '../../../src/core/types.js';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/load.js';
import { importStrimziMirrorMaker2, secretEnvName } from '../../../src/config/strimzi.js';
import yaml from 'js-yaml';
import { CERT, KEY, tempFiles } from './helpers.js';

const V1BETA2 = 'config/examples/strimzi-kmm2-v1beta2.yaml';
const V1 = 'config/examples/strimzi-kmm2-v1.yaml';

function secretsDir(): string {
  return tempFiles({
    'cluster-a-cluster-ca-cert/ca.crt': CERT,
    'cluster-b-cluster-ca-cert/ca.crt': CERT,
    'cluster-b-cluster-ca-cert/other.crt': CERT,
    'cluster-b-cluster-ca-cert/ca.p12': 'binary',
    'mm2-tls-user/user.crt': CERT,
    'mm2-tls-user/user.key': KEY,
    'mm2-user/password': 'pa55word\n',
  });
}

function problemsOf(fn: () => unknown): { path?: string; message: string; file: string }[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
  throw new Error('expected a ConfigError');
}

function importText(text: string, env: NodeJS.ProcessEnv = {}) {
  return importStrimziMirrorMaker2(yaml.load(text), 'kmm2.yaml', { env });
}

describe('Strimzi KafkaMirrorMaker2 v1beta2 (connectCluster, clusters, mirrors[].sourceCluster)', () => {
  it('reads clusters, the flow, patterns, offset-syncs location, the Connect offsets topic and the secrets from a directory', () => {
    const cfg = loadConfig(V1BETA2, { MIRRORWATCH_SECRETS_DIR: secretsDir() });
    expect(cfg.clusters.map((c) => [c.alias, c.bootstrapServers])).toEqual([
      ['cluster-a', ['cluster-a-kafka-bootstrap:9093']],
      ['cluster-b', ['cluster-b-kafka-bootstrap:9093']],
    ]);
    const [a, b] = cfg.clusters;
    expect(a!.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'mm2-user', password: 'pa55word' });
    expect(a!.tls).toEqual({ rejectUnauthorized: true, ca: CERT });
    // pattern "*.crt": both .crt files, not the .p12.
    expect(b!.tls).toEqual({ rejectUnauthorized: true, ca: `${CERT}\n${CERT}`, cert: CERT, key: KEY });
    expect(cfg.flows).toEqual([
      {
        source: 'cluster-a',
        target: 'cluster-b',
        topics: ['orders.*', 'payments'],
        topicsExclude: ['.*-internal'],
        heartbeatsExpected: true,
        heartbeatsAuto: true,
        offsetSyncsTopicLocation: 'target',
        groups: [],
        maxLagRecords: 0,
        maxHeartbeatAgeSeconds: 30,
        connectOffsetsTopic: 'mm2-cluster-offsets',
        sourceConnectorName: 'cluster-a->cluster-b.MirrorSourceConnector',
      },
    ]);
    expect(cfg.replicationPolicy).toEqual({ kind: 'default', separator: '.' });
  });

  it('secrets from MIRRORWATCH_SECRET_<SECRET>_<KEY> environment variables', () => {
    expect(secretEnvName('cluster-a-cluster-ca-cert', 'ca.crt')).toBe('MIRRORWATCH_SECRET_CLUSTER_A_CLUSTER_CA_CERT_CA_CRT');
    const env = {
      MIRRORWATCH_SECRET_CLUSTER_A_CLUSTER_CA_CERT_CA_CRT: CERT,
      MIRRORWATCH_SECRET_CLUSTER_B_CLUSTER_CA_CERT_CA_CRT: CERT,
      MIRRORWATCH_SECRET_MM2_TLS_USER_USER_CRT: CERT,
      MIRRORWATCH_SECRET_MM2_TLS_USER_USER_KEY: KEY,
      MIRRORWATCH_SECRET_MM2_USER_PASSWORD: 'from-env',
    };
    const cfg = loadConfig(V1BETA2, env);
    expect((cfg.clusters[0]!.sasl as PasswordSaslConfig | undefined)?.password).toBe('from-env');
    expect(cfg.clusters[1]!.tls).toMatchObject({ ca: CERT, cert: CERT, key: KEY });
  });

  it('a missing secret names the file, the field, the variable and the file it would read; never a value', () => {
    const problems = problemsOf(() => loadConfig(V1BETA2, { MIRRORWATCH_SECRET_MM2_USER_PASSWORD: 'x-secret-x' }));
    expect(problems.every((p) => p.file === V1BETA2)).toBe(true);
    const ca = problems.find((p) => p.path === 'spec.clusters[0].tls.trustedCertificates[0].certificate')!;
    expect(ca.message).toContain('MIRRORWATCH_SECRET_CLUSTER_A_CLUSTER_CA_CERT_CA_CRT');
    expect(ca.message).toContain('DIR/cluster-a-cluster-ca-cert/ca.crt');
    expect(problems.map((p) => p.path)).toContain('spec.clusters[1].authentication.certificateAndKey.key');
    expect(JSON.stringify(problems)).not.toContain('x-secret-x');
  });

  it('the Strimzi default Connect offsets topic when the connect cluster sets none', () => {
    const r = importText(`apiVersion: kafka.strimzi.io/v1beta2
kind: KafkaMirrorMaker2
spec:
  connectCluster: b
  clusters: [{alias: a, bootstrapServers: "a:9092"}, {alias: b, bootstrapServers: "b:9092"}]
  mirrors: [{sourceCluster: a, targetCluster: b, sourceConnector: {}}]
`);
    expect(r.problems).toEqual([]);
    expect(r.flows[0]).toMatchObject({ connectOffsetsTopic: 'mirrormaker2-cluster-offsets', topics: ['.*'], offsetSyncsTopicLocation: 'source' });
  });

  it('heartbeat connector: a warning saying it proves nothing end to end; heartbeats.replication.enabled=false with a filter missing heartbeats: not expected', () => {
    const r = importText(`apiVersion: kafka.strimzi.io/v1beta2
kind: KafkaMirrorMaker2
spec:
  connectCluster: b
  clusters: [{alias: a, bootstrapServers: "a:9092"}, {alias: b, bootstrapServers: "b:9092"}, {alias: c, bootstrapServers: "c:9092"}]
  mirrors:
    - sourceCluster: a
      targetCluster: b
      topicsPattern: "orders"
      sourceConnector: {config: {heartbeats.replication.enabled: false}}
      heartbeatConnector: {}
    - sourceCluster: c
      targetCluster: b
      sourceConnector: {config: {heartbeats.replication.enabled: "false"}}
`);
    expect(r.problems).toEqual([]);
    expect(r.flows.map((f) => [f.source, f.heartbeatsExpected, f.heartbeatsAuto ?? false])).toEqual([
      ['a', false, false],
      // The default filter (".*") still matches "heartbeats": MM2 copies it anyway.
      ['c', true, true],
    ]);
    const w = r.warnings.find((x) => x.key === 'spec.mirrors[0].heartbeatConnector')!;
    expect(w.message).toContain("writes into b's own heartbeats topic");
    expect(w.message).toContain('a.heartbeats on b');
  });

  it('identity policy (Kafka or Strimzi class), custom separator and internal-topic separator switch', () => {
    const r = importText(`apiVersion: kafka.strimzi.io/v1beta2
kind: KafkaMirrorMaker2
spec:
  connectCluster: b
  clusters: [{alias: a, bootstrapServers: "a:9092"}, {alias: b, bootstrapServers: "b:9092"}]
  mirrors:
    - sourceCluster: a
      targetCluster: b
      sourceConnector:
        config:
          replication.policy.class: io.strimzi.kafka.connect.mirror.IdentityReplicationPolicy
          replication.policy.separator: "_"
          replication.policy.internal.topic.separator.enabled: false
`);
    expect(r.problems).toEqual([]);
    expect(r.replicationPolicy).toEqual({ kind: 'identity', separator: '_', internalTopicSeparatorEnabled: false });
  });

  it('errors name the field: targetCluster other than connectCluster, unknown alias, oauth, bad regex, unknown policy', () => {
    const r = importText(`apiVersion: kafka.strimzi.io/v1beta2
kind: KafkaMirrorMaker2
spec:
  connectCluster: b
  clusters:
    - {alias: a, bootstrapServers: "a:9092", authentication: {type: oauth, clientId: x}}
    - {alias: b, bootstrapServers: "b:9092"}
  mirrors:
    - {sourceCluster: a, targetCluster: a, sourceConnector: {}}
    - {sourceCluster: z, targetCluster: b, sourceConnector: {}}
    - {sourceCluster: a, targetCluster: b, topicsPattern: "orders(", sourceConnector: {config: {replication.policy.class: com.example.Mine}}}
`);
    const byPath = Object.fromEntries(r.problems.map((p) => [p.path, p.message]));
    // oauth is read (the client credentials grant); what it lacks is named.
    expect(byPath['spec.clusters[0].authentication.tokenEndpointUri']).toBeDefined();
    expect(byPath['spec.clusters[0].authentication.clientSecret']).toContain('required: secretName and key');
    expect(byPath['spec.mirrors[0].targetCluster']).toContain('is not the connectCluster "b"');
    expect(byPath['spec.mirrors[1].sourceCluster']).toContain('"z" is not an alias in spec.clusters');
    expect(byPath['spec.mirrors[2].topicsPattern']).toContain('invalid regular expression "orders("');
    expect(byPath['spec.mirrors[2].sourceConnector.config.replication.policy.class']).toContain('"com.example.Mine" is not supported');
    expect(r.problems.every((p) => p.file === 'kmm2.yaml')).toBe(true);
  });
});

describe('Strimzi KafkaMirrorMaker2 v1 (target, mirrors[].source)', () => {
  it('reads the target, every source, offsetStorageTopic and the identity policy', () => {
    const cfg = loadConfig(V1, {});
    expect(cfg.clusters.map((c) => c.alias)).toEqual(['cluster-c', 'cluster-a', 'cluster-b']);
    expect(cfg.flows.map((f) => [f.source, f.target, f.topics, f.connectOffsetsTopic, f.sourceConnectorName])).toEqual([
      ['cluster-a', 'cluster-c', ['.*'], 'my-mm2-offsets', 'cluster-a->cluster-c.MirrorSourceConnector'],
      ['cluster-b', 'cluster-c', ['inventory'], 'my-mm2-offsets', 'cluster-b->cluster-c.MirrorSourceConnector'],
    ]);
    expect(cfg.replicationPolicy.kind).toBe('identity');
    expect(cfg.warnings).toEqual([]);
  });

  it('v1 refuses the v1beta2 fields, and a mix of layouts is refused in any version', () => {
    const old = importText(`apiVersion: kafka.strimzi.io/v1
kind: KafkaMirrorMaker2
spec:
  connectCluster: b
  clusters: [{alias: a, bootstrapServers: "a:9092"}]
  mirrors: [{sourceCluster: a, targetCluster: b, sourceConnector: {}}]
`);
    expect(old.problems).toEqual([
      { file: 'kmm2.yaml', path: 'spec.target', message: 'required in kafka.strimzi.io/v1: the target (and Connect) cluster; spec.connectCluster and spec.clusters are not part of kafka.strimzi.io/v1' },
    ]);
    const mixed = importText(`apiVersion: kafka.strimzi.io/v1beta2
kind: KafkaMirrorMaker2
spec:
  target: {alias: b, bootstrapServers: "b:9092"}
  clusters: [{alias: a, bootstrapServers: "a:9092"}]
  mirrors: [{source: {alias: a, bootstrapServers: "a:9092"}, sourceConnector: {}, heartbeatConnector: {}}]
`);
    expect(mixed.problems[0]).toMatchObject({ path: 'spec.clusters' });
    const hb = importText(`apiVersion: kafka.strimzi.io/v1
kind: KafkaMirrorMaker2
spec:
  target: {alias: b, bootstrapServers: "b:9092", offsetStorageTopic: o}
  mirrors: [{source: {alias: a, bootstrapServers: "a:9092"}, sourceConnector: {}, heartbeatConnector: {}}]
`);
    expect(hb.problems).toEqual([{ file: 'kmm2.yaml', path: 'spec.mirrors[0].heartbeatConnector', message: 'not part of kafka.strimzi.io/v1: deploy a heartbeat connector separately, on a Connect cluster attached to the source' }]);
    // v1beta2 with spec.target still accepts the deprecated heartbeat connector (with the warning).
    const beta = importText(`apiVersion: kafka.strimzi.io/v1beta2
kind: KafkaMirrorMaker2
spec:
  target: {alias: b, bootstrapServers: "b:9092"}
  mirrors: [{source: {alias: a, bootstrapServers: "a:9092"}, sourceConnector: {}, heartbeatConnector: {}}]
`);
    expect(beta.problems).toEqual([]);
    expect(beta.flows[0]).toMatchObject({ source: 'a', target: 'b', connectOffsetsTopic: 'mirrormaker2-cluster-offsets' });
    expect(beta.warnings.map((w) => w.key)).toEqual(['spec.mirrors[0].heartbeatConnector']);
  });

  it('an unsupported apiVersion is named', () => {
    const r = importText('apiVersion: kafka.strimzi.io/v1alpha1\nkind: KafkaMirrorMaker2\nspec: {}\n');
    expect(r.problems).toEqual([{ file: 'kmm2.yaml', path: 'apiVersion', message: '"kafka.strimzi.io/v1alpha1" is not supported: expected kafka.strimzi.io/v1beta2 or kafka.strimzi.io/v1' }]);
  });

  it('a mirrorwatch YAML can read a resource through mm2Properties and refine its flows', () => {
    const dir = tempFiles({
      'kmm2.yaml': fs.readFileSync(V1, 'utf8'),
      'mirrorwatch.yaml': 'mm2Properties: kmm2.yaml\nflows:\n  - source: cluster-a\n    target: cluster-c\n    heartbeats: false\n    groups: [billing]\n',
    });
    const cfg = loadConfig(path.join(dir, 'mirrorwatch.yaml'), {});
    expect(cfg.flows[0]).toMatchObject({ source: 'cluster-a', heartbeatsExpected: false, groups: ['billing'], connectOffsetsTopic: 'my-mm2-offsets' });
    expect(cfg.flows[0]!.heartbeatsAuto).toBeUndefined();
  });
});
