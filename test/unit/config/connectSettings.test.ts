// Connect-mode settings: from YAML (connectOffsetsTopic, sourceConnectorName, maxCheckpointAge,
// replicationPolicy.internalTopicSeparatorEnabled, heartbeats auto/true/false) and from an
// mm2.properties file (offset.storage.topic as MirrorMakerConfig.workerConfig reads it,
// replication.policy.internal.topic.separator.enabled, heartbeats.replication.enabled, identity).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { importMm2Properties } from '../../../src/config/mm2Import.js';
import { createReplicationPolicy } from '../../../src/core/replicationPolicy.js';
import { flowMm2Topics } from '../../../src/core/mm2Topics.js';
import { tempFiles } from './helpers.js';

const CLUSTERS = 'clusters:\n  - alias: a\n    bootstrapServers: a:9092\n  - alias: b\n    bootstrapServers: b:9092\n';
const load = (text: string) => {
  const dir = tempFiles({ 'c.yaml': text });
  return loadConfig(path.join(dir, 'c.yaml'), {});
};
const imp = (text: string) => importMm2Properties(`clusters = A, B\nA.bootstrap.servers = a:9092\nB.bootstrap.servers = b:9092\nA->B.enabled = true\n${text}`, 'mm2.properties');

describe('YAML Connect settings', () => {
  it('per flow: Connect offsets topic, source connector name, checkpoint age bound; the internal-topic separator switch', () => {
    const cfg = load(
      `${CLUSTERS}flows:\n  - source: a\n    target: b\n    connectOffsetsTopic: connect-offsets\n    sourceConnectorName: "a->b.MirrorSourceConnector"\n    maxCheckpointAge: 5m\nreplicationPolicy:\n  class: default\n  separator: _\n  internalTopicSeparatorEnabled: false\n`,
    );
    expect(cfg.flows[0]).toMatchObject({ connectOffsetsTopic: 'connect-offsets', sourceConnectorName: 'a->b.MirrorSourceConnector', maxCheckpointAgeSeconds: 300 });
    expect(cfg.replicationPolicy).toEqual({ kind: 'default', separator: '_', internalTopicSeparatorEnabled: false });
    const topics = flowMm2Topics(cfg.flows[0]!, createReplicationPolicy(cfg.replicationPolicy));
    expect(topics.connectOffsets).toEqual({ cluster: 'b', topic: 'connect-offsets' });
    // Internal topics keep "." with the switch off; remote topics use "_".
    expect(topics.checkpoints.topic).toBe('a.checkpoints.internal');
    expect(topics.remoteHeartbeats.topic).toBe('a_heartbeats');
  });

  it('heartbeats: unset and auto decide at run time; true and false are final', () => {
    const cfg = load(
      `${CLUSTERS}  - alias: c\n    bootstrapServers: c:9092\nflows:\n  - {source: a, target: b}\n  - {source: b, target: a, heartbeats: auto}\n  - {source: a, target: c, heartbeats: true}\n  - {source: c, target: a, heartbeats: false}\n`,
    );
    expect(cfg.flows.map((f) => [f.heartbeatsExpected, f.heartbeatsAuto ?? false])).toEqual([
      [true, true],
      [true, true],
      [true, false],
      [false, false],
    ]);
  });

  it('a bad Connect offsets topic name is an error naming the key', () => {
    expect(() => load(`${CLUSTERS}flows:\n  - source: a\n    target: b\n    connectOffsetsTopic: "has space"\n`)).toThrow(/flows\[0\]\.connectOffsetsTopic: a topic name holds/);
  });
});

describe('mm2.properties: offset.storage.topic as MirrorMakerConfig.workerConfig reads it', () => {
  it('default: none set (mirrorwatch uses mm2-offsets.<source>.internal)', () => {
    expect(imp('').flows[0]!.connectOffsetsTopic).toBeUndefined();
  });

  it('per target cluster: <target>.offset.storage.topic', () => {
    const r = imp('B.offset.storage.topic = b-offsets \nA.offset.storage.topic = a-offsets\n');
    expect(r.flows[0]!.connectOffsetsTopic).toBe('b-offsets');
  });

  it('top level wins over the target cluster key (workerConfig puts it last)', () => {
    expect(imp('B.offset.storage.topic = b-offsets\noffset.storage.topic = shared-offsets\n').flows[0]!.connectOffsetsTopic).toBe('shared-offsets');
  });

  it('a per-flow key is ignored by MM2: a warning with its line, and the flow keeps the default', () => {
    const r = imp('A->B.offset.storage.topic = flow-offsets\n');
    expect(r.flows[0]!.connectOffsetsTopic).toBeUndefined();
    expect(r.warnings).toEqual([expect.objectContaining({ key: 'A->B.offset.storage.topic', line: 5 })]);
    expect(r.warnings[0]!.message).toContain('is ignored by MM2');
  });

  it('an empty value is a problem', () => {
    expect(imp('offset.storage.topic =\n').problems).toEqual([expect.objectContaining({ path: 'offset.storage.topic', line: 5 })]);
  });
});

describe('mm2.properties: replication policy keys', () => {
  it('replication.policy.internal.topic.separator.enabled = false', () => {
    expect(imp('replication.policy.separator = _\nreplication.policy.internal.topic.separator.enabled = false\n').replicationPolicy).toEqual({ kind: 'default', separator: '_', internalTopicSeparatorEnabled: false });
    expect(imp('replication.policy.internal.topic.separator.enabled = TRUE \n').replicationPolicy.internalTopicSeparatorEnabled).toBe(true);
  });

  it('an invalid switch value is a warning, the default applies', () => {
    const r = imp('replication.policy.internal.topic.separator.enabled = no\n');
    expect(r.replicationPolicy.internalTopicSeparatorEnabled).toBeUndefined();
    expect(r.warnings[0]!.message).toContain('not a valid boolean');
  });

  it('a per-flow override of the switch is warned about like class and separator', () => {
    const r = imp('A->B.replication.policy.internal.topic.separator.enabled = false\n');
    expect(r.warnings.some((w) => w.key === 'A->B.replication.policy.internal.topic.separator.enabled' && w.message.includes('for A->B only'))).toBe(true);
  });

  it('identity policy: remote topics keep their names, heartbeats and checkpoints keep the source prefix', () => {
    const r = imp('replication.policy.class = org.apache.kafka.connect.mirror.IdentityReplicationPolicy\n');
    expect(r.replicationPolicy.kind).toBe('identity');
    const policy = createReplicationPolicy(r.replicationPolicy);
    expect(policy.formatRemoteTopic('A', 'orders')).toBe('orders');
    const t = flowMm2Topics({ ...r.flows[0]!, connectOffsetsTopic: undefined }, policy);
    expect([t.remoteHeartbeats.topic, t.checkpoints.topic]).toEqual(['A.heartbeats', 'A.checkpoints.internal']);
  });

  it('source.cluster.alias other than the herder source is warned about', () => {
    const r = imp('A->B.source.cluster.alias = primary\n');
    expect(r.warnings.find((w) => w.key === 'A->B.source.cluster.alias')!.message).toContain('call their source "primary" instead of A');
    expect(imp('A->B.source.cluster.alias = A\n').warnings).toEqual([]);
  });

  it('heartbeats.replication.enabled = false: not expected when the filter misses heartbeats; the default filter still copies them', () => {
    const base = 'B->A.emit.heartbeats.enabled = true\n';
    expect(imp(`${base}A->B.topics = orders\nheartbeats.replication.enabled = false\n`).flows[0]!.heartbeatsExpected).toBe(false);
    expect(imp(`${base}heartbeats.replication.enabled = false\n`).flows[0]!.heartbeatsExpected).toBe(true);
  });
});
