import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importMm2Properties } from '../../../src/config/mm2Import.js';

const AP = 'config/examples/active-passive.properties';
const AA = 'config/examples/active-active.properties';
const DEFAULT_EXCLUDE = ['mm2.*\\.internal', '.*\\.replica', '__.*'];

function imp(text: string) {
  return importMm2Properties(text, 'mm2.properties');
}
const base = 'clusters = A, B\nA.bootstrap.servers = a:9092\nB.bootstrap.servers = b:9092\n';

describe('importMm2Properties: the example files of issue 2', () => {
  it('active-passive: one flow, no heartbeats, and a warning naming line 7 and what MM2 does', () => {
    const r = importMm2Properties(fs.readFileSync(AP), AP);
    expect(r.problems).toEqual([]);
    expect(r.clusters.map((c) => [c.alias, c.bootstrapServers])).toEqual([
      ['primary', ['kafka-primary1:9092', 'kafka-primary2:9092', 'kafka-primary3:9092']],
      ['secondary', ['kafka-secondary1:9092', 'kafka-secondary2:9092', 'kafka-secondary3:9092']],
    ]);
    expect(r.flows).toMatchObject([
      { source: 'primary', target: 'secondary', topics: ['.*'], topicsExclude: DEFAULT_EXCLUDE, heartbeatsExpected: false, offsetSyncsTopicLocation: 'source' },
    ]);
    expect(r.warnings).toHaveLength(1);
    const w = r.warnings[0]!;
    expect(w).toMatchObject({ file: AP, line: 7, key: 'secondary->primary.enabled' });
    expect(w.message).toContain('"false # Active-Passive mode"');
    expect(w.message).toContain('no inline comments');
    expect(w.message).toContain('MM2 rejects every connector of secondary->primary');
    expect(w.message).toContain('MirrorHeartbeatConnector');
    expect(w.message).toContain('flow primary->secondary will have no heartbeats');
    // The pair model behind it: the herder exists (heartbeats are on), its connectors are rejected.
    const pair = r.pairs.find((p) => p.source === 'secondary' && p.target === 'primary')!;
    expect(pair).toMatchObject({ herder: true, replicates: false, emitsHeartbeats: false });
    expect(pair.rejections[0]).toMatchObject({ key: 'secondary->primary.enabled', line: 7 });
  });

  it('active-active: two flows with their topic lists and heartbeats, no warnings', () => {
    const r = importMm2Properties(fs.readFileSync(AA), AA);
    expect(r.problems).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.flows.map((f) => [`${f.source}->${f.target}`, f.topics, f.heartbeatsExpected])).toEqual([
      ['us-east->us-west', ['orders', 'payments', 'users'], true],
      ['us-west->us-east', ['orders', 'payments', 'users'], true],
    ]);
  });
});

describe('importMm2Properties: flows and heartbeats', () => {
  it('a correct active-passive file expects heartbeats: the reverse herder exists for them', () => {
    const r = imp(`${base}A->B.enabled = true\nB->A.enabled = false\n`);
    expect(r.flows.map((f) => [f.source, f.target, f.heartbeatsExpected])).toEqual([['A', 'B', true]]);
    expect(r.pairs.find((p) => p.source === 'B')).toMatchObject({ herder: true, replicates: false, emitsHeartbeats: true });
    expect(r.warnings).toEqual([]);
  });

  it('heartbeats disabled for the reverse pair: heartbeatsExpected false, with a warning', () => {
    const r = imp(`${base}A->B.enabled = true\nB->A.emit.heartbeats.enabled = false\n`);
    expect(r.flows).toMatchObject([{ source: 'A', target: 'B', heartbeatsExpected: false }]);
    expect(r.pairs.find((p) => p.source === 'B')!.herder).toBe(false);
    expect(r.warnings).toMatchObject([{ line: 5, message: expect.stringContaining('flow A->B has no heartbeat signal') }]);
  });

  it('heartbeats disabled globally: no flow expects them', () => {
    const r = imp(`${base}A->B.enabled = true\nB->A.enabled = true\nemit.heartbeats.enabled = false\n`);
    expect(r.flows.map((f) => f.heartbeatsExpected)).toEqual([false, false]);
  });

  it('a per-pair emit.heartbeats.enabled = true beats the global false', () => {
    const r = imp(`${base}A->B.enabled = true\nemit.heartbeats.enabled = false\nB->A.emit.heartbeats.enabled = true\n`);
    expect(r.flows.map((f) => f.heartbeatsExpected)).toEqual([true]);
  });

  it('heartbeats.replication.enabled = false with a filter that misses `heartbeats`: none arrive', () => {
    const r = imp(`${base}A->B.enabled = true\nA->B.topics = orders\nheartbeats.replication.enabled = false\n`);
    expect(r.flows.map((f) => f.heartbeatsExpected)).toEqual([false]);
    const r2 = imp(`${base}A->B.enabled = true\nA->B.topics = orders\n`);
    expect(r2.flows.map((f) => f.heartbeatsExpected)).toEqual([true]);
  });

  it('per-flow keys override top-level ones', () => {
    const r = imp(
      `${base}A->B.enabled = true\nB->A.enabled = true\ntopics = orders.*\ntopics.exclude = .*tmp\nB->A.topics = users, payments\nB->A.offset-syncs.topic.location = target\n`,
    );
    expect(r.flows.map((f) => [f.source, f.topics, f.topicsExclude, f.offsetSyncsTopicLocation])).toEqual([
      ['A', ['orders.*'], ['.*tmp'], 'source'],
      ['B', ['users', 'payments'], ['.*tmp'], 'target'],
    ]);
  });

  it('topics.blacklist is honoured as the 3.x alias, with a warning; topics.exclude wins over it', () => {
    const r = imp(`${base}A->B.enabled = true\ntopics.blacklist = secret.*\n`);
    expect(r.flows[0]!.topicsExclude).toEqual(['secret.*']);
    expect(r.warnings).toMatchObject([{ key: 'topics.blacklist', line: 5, message: expect.stringContaining('deprecated') }]);
    const r2 = imp(`${base}A->B.enabled = true\ntopics.blacklist = secret.*\ntopics.exclude = x\n`);
    expect(r2.flows[0]!.topicsExclude).toEqual(['x']);
  });

  it('an invalid boolean without a comment still rejects the connectors', () => {
    const r = imp(`${base}A->B.enabled = yes\nB->A.enabled = true\n`);
    expect(r.flows.map((f) => `${f.source}->${f.target}`)).toEqual(['B->A']);
    expect(r.warnings.find((w) => w.key === 'A->B.enabled')?.message).toContain('"yes", which is not a valid boolean');
  });

  it('trailing whitespace after true: parseBoolean says false, so without heartbeats no herder runs the flow', () => {
    const r = imp(`${base}A->B.enabled = true  \nemit.heartbeats.enabled = false\n`);
    const w = r.warnings.find((x) => x.key === 'A->B.enabled');
    expect(w?.line).toBe(4);
    expect(w?.message).toContain('surrounding whitespace');
    expect(w?.message).toContain('MM2 will not replicate A->B');
    // Watched anyway, so that the lag shows the problem.
    expect(r.flows.map((f) => `${f.source}->${f.target}`)).toEqual(['A->B']);
    expect(r.pairs.find((p) => p.source === 'A')!.replicates).toBe(false);
  });

  it('trailing whitespace after true with heartbeats on: the herder exists and ConfigDef trims', () => {
    const r = imp(`${base}A->B.enabled = true \n`);
    expect(r.pairs.find((p) => p.source === 'A')!.replicates).toBe(true);
    expect(r.flows).toHaveLength(1);
  });

  it('an inline comment in a topic list becomes part of a regex', () => {
    const r = imp(`${base}A->B.enabled = true\nA->B.topics = orders, payments # main ones\n`);
    expect(r.flows[0]!.topics).toEqual(['orders', 'payments # main ones']);
    expect(r.warnings).toMatchObject([{ line: 5, key: 'A->B.topics', message: expect.stringContaining('no inline comments') }]);
  });

  it('warns about keys set twice', () => {
    const r = imp(`${base}A->B.enabled = false\nA->B.enabled = true\n`);
    expect(r.flows).toHaveLength(1);
    expect(r.warnings).toMatchObject([{ line: 5, message: expect.stringContaining('set twice (lines 4 and 5)') }]);
  });
});

describe('importMm2Properties: replication policy', () => {
  it('reads the identity policy and a custom separator', () => {
    const r = imp(`${base}A->B.enabled = true\nreplication.policy.class = org.apache.kafka.connect.mirror.IdentityReplicationPolicy\nreplication.policy.separator = _\n`);
    expect(r.replicationPolicy).toEqual({ kind: 'identity', separator: '_' });
  });

  it('defaults to the default policy with "."', () => {
    expect(imp(`${base}A->B.enabled = true\n`).replicationPolicy).toEqual({ kind: 'default', separator: '.' });
  });

  it('refuses unknown or unqualified policy classes', () => {
    const r = imp(`${base}A->B.enabled = true\nreplication.policy.class = IdentityReplicationPolicy\n`);
    expect(r.problems).toMatchObject([{ line: 5, message: expect.stringContaining('needs its package') }]);
    const r2 = imp(`${base}A->B.enabled = true\nreplication.policy.class = com.acme.MyPolicy\n`);
    expect(r2.problems[0]!.message).toContain('not supported');
  });

  it('warns about a per-pair policy override', () => {
    const r = imp(`${base}A->B.enabled = true\nA->B.replication.policy.separator = _\n`);
    expect(r.warnings[0]!.message).toContain('mirrorwatch uses the top-level replication.policy.separator');
  });
});

describe('importMm2Properties: problems', () => {
  it('missing clusters', () => {
    expect(imp('A->B.enabled = true\n').problems).toMatchObject([{ path: 'clusters', message: expect.stringContaining('missing') }]);
  });

  it('a cluster without bootstrap servers, named with the line of `clusters`', () => {
    const r = imp('# x\nclusters = A, B\nA.bootstrap.servers = a:9092\nA->B.enabled = true\n');
    expect(r.problems).toMatchObject([{ line: 2, path: 'B.bootstrap.servers', message: expect.stringContaining('cluster B has no bootstrap servers') }]);
  });

  it('falls back to a top-level bootstrap.servers, as MirrorMakerConfig does', () => {
    const r = imp('clusters = A, B\nbootstrap.servers = x:1\nA.bootstrap.servers = a:9092\nA->B.enabled = true\n');
    expect(r.problems).toEqual([]);
    expect(r.clusters.map((c) => c.bootstrapServers)).toEqual([['a:9092'], ['x:1']]);
  });

  it('a regex JavaScript cannot compile, with its line', () => {
    const r = imp(`${base}A->B.enabled = true\nA->B.topics = orders, (unclosed\n`);
    expect(r.problems).toMatchObject([{ line: 5, path: 'A->B.topics', message: expect.stringContaining('invalid regular expression "(unclosed"') }]);
  });

  it('no enabled flow', () => {
    expect(imp(base).problems[0]!.message).toContain('no replication flow is enabled');
  });

  it('a malformed \\u escape', () => {
    expect(imp(`${base}A->B.enabled = true\nx = \\uZZZZ\n`).problems).toMatchObject([{ line: 5 }]);
  });
});

describe('importMm2Properties: client settings', () => {
  const secret = 'S3cr3t-P4ss!word';
  const sasl = `${base}A->B.enabled = true\nA.security.protocol = SASL_SSL\nA.sasl.mechanism = SCRAM-SHA-512\nA.sasl.jaas.config = org.apache.kafka.common.security.scram.ScramLoginModule required username="mw" password="${secret}";\nA.ssl.truststore.type = PEM\nA.ssl.truststore.location = certs/ca.pem\n`;

  it('maps SASL_SSL with SCRAM and a PEM truststore', () => {
    const r = imp(sasl);
    const a = r.clusters[0]!;
    expect(a.sasl).toMatchObject({ mechanism: 'scram-sha-512', username: 'mw', password: secret, where: { line: 7 } });
    expect(a.tls?.caFile?.path).toMatch(/certs\/ca\.pem$/);
    expect(r.clusters[1]!.sasl).toBeUndefined();
    expect(r.warnings).toEqual([]);
  });

  it('applies top-level client settings to every cluster', () => {
    const r = imp(`${base}A->B.enabled = true\nsecurity.protocol = SSL\n`);
    expect(r.clusters.map((c) => c.tls?.rejectUnauthorized)).toEqual([true, true]);
  });

  it('warns, without the password, about what it cannot map', () => {
    const r = imp(
      `${base}A->B.enabled = true\nB.security.protocol = SASL_SSL\nB.sasl.jaas.config = com.sun.security.auth.module.Krb5LoginModule required password="${secret}";\nB.ssl.truststore.location = /etc/ts.jks\nB.ssl.truststore.password = ${secret}\nB.ssl.cipher.suites = X\nA.sasl.jaas.config = x required password="${secret}"; # comment\n`,
    );
    const text = JSON.stringify(r.warnings);
    expect(text).not.toContain(secret);
    expect(text).toContain('GSSAPI');
    // JKS is Kafka's default store type; the store is opened by the loader.
    expect(r.clusters[1]!.tls?.truststore).toMatchObject({ type: 'JKS', file: { path: '/etc/ts.jks' }, password: { value: secret } });
    expect(text).toContain('ssl.cipher.suites is not supported');
    expect(r.warnings.find((w) => w.key === 'A.sasl.jaas.config')?.message).toContain('inline comment');
  });

  it('leaves config provider variables as written when not asked to resolve them (lint)', () => {
    const r = imp(`${base}A->B.enabled = true\nA.security.protocol = SASL_PLAINTEXT\nA.sasl.mechanism = PLAIN\nA.sasl.jaas.config = org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="\${file:/s.properties:pw}";\n`);
    expect(r.clusters[0]!.sasl?.password).toBe('${file:/s.properties:pw}');
    expect(r.problems).toEqual([]);
    expect(r.warnings).toEqual([]);
  });
});
