import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatFinding, lintMm2Properties, type LintFinding, type LintOptions } from '../../../src/config/lint.js';

const HEAD = ['clusters = us-east, us-west', 'us-east.bootstrap.servers = e:9092', 'us-west.bootstrap.servers = w:9092', 'us-east->us-west.enabled = true'];

function lint(lines: string[], options: LintOptions = {}) {
  return lintMm2Properties([...HEAD, ...lines].join('\n') + '\n', 'mm2.properties', options);
}
const lineOf = (lines: string[], i: number): number => HEAD.length + i + 1;
const by = (findings: LintFinding[], rule: string): LintFinding[] => findings.filter((f) => f.rule === rule);

describe('lint on the example files', () => {
  it('active-passive: the inline comment, on its line, with its consequence; the flow left without heartbeats', () => {
    const file = 'config/examples/active-passive.properties';
    const text = readFileSync(file, 'latin1');
    const line = text.split('\n').findIndex((l) => l.includes('# Active-Passive mode')) + 1;
    const r = lintMm2Properties(readFileSync(file), file);
    const comment = by(r.findings, 'inline-comment');
    expect(comment).toHaveLength(1);
    expect(comment[0]).toMatchObject({ line, severity: 'error', key: 'secondary->primary.enabled' });
    expect(comment[0]!.message).toContain('"false # Active-Passive mode"');
    expect(comment[0]!.message).toContain('MM2 rejects every connector of secondary->primary');
    expect(comment[0]!.message).toContain('flow primary->secondary will have no heartbeats');
    const hb = by(r.findings, 'no-heartbeats');
    expect(hb).toHaveLength(1);
    expect(hb[0]).toMatchObject({ line, severity: 'warning' });
    expect(hb[0]!.message).toMatch(/^flow primary->secondary has no heartbeat signal: MM2 rejects the secondary->primary MirrorHeartbeatConnector/);
    expect(r.errors).toBe(1);
    expect(formatFinding(comment[0]!)).toMatch(new RegExp(`^config/examples/active-passive\\.properties:${line}: error: .* \\[inline-comment\\]$`));
  });

  it('active-active: the two keys MM2 does not know, each on its line', () => {
    const file = 'config/examples/active-active.properties';
    const lines = readFileSync(file, 'latin1').split('\n');
    const r = lintMm2Properties(readFileSync(file), file);
    const unknown = by(r.findings, 'unknown-key');
    expect(unknown.map((f) => [f.key, f.line, f.severity])).toEqual([
      ['checkpoint.group.consistency.level', lines.findIndex((l) => l.startsWith('checkpoint.group.consistency.level')) + 1, 'error'],
      ['checkpoint.topic', lines.findIndex((l) => l.startsWith('checkpoint.topic')) + 1, 'error'],
    ]);
    expect(unknown[1]!.message).toBe('checkpoint.topic: MirrorMaker 2 does not know this setting; it is ignored.');
    expect(r.findings).toHaveLength(2);
  });
});

describe('values Java reads differently', () => {
  it('trailing whitespace: an error where MirrorMakerConfig parses the boolean, a warning where connectors trim it', () => {
    const extra = ['us-west->us-east.enabled = true ', 'sync.group.offsets.enabled = true\t'];
    const r = lint(extra);
    const ws = by(r.findings, 'boolean-whitespace');
    expect(ws.map((f) => [f.line, f.severity])).toEqual([
      [lineOf(extra, 0), 'error'],
      [lineOf(extra, 1), 'warning'],
    ]);
    expect(ws[0]!.message).toMatch(/Boolean\.parseBoolean/);
  });

  it('values Kafka rejects without any comment', () => {
    const r = lint(['us-east->us-west.emit.heartbeats.enabled = yes']);
    const f = by(r.findings, 'invalid-value');
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toMatch(/not a valid boolean/);
  });

  it('a malformed \\u escape makes Java refuse the file', () => {
    const r = lint(['topics = caf\\u00e']);
    expect(by(r.findings, 'syntax')).toHaveLength(1);
    expect(r.errors).toBeGreaterThan(0);
  });
});

describe('keys', () => {
  it('keys Kafka 4 removed: errors for 4, warnings for 3, with the replacement', () => {
    const extra = ['topics.blacklist = tmp.*', 'us-east->us-west.groups.blacklist = test.*', 'use.incremental.alter.configs = requested'];
    const r4 = lint(extra);
    const removed = by(r4.findings, 'removed-key');
    expect(removed.map((f) => [f.line, f.severity])).toEqual([
      [lineOf(extra, 0), 'error'],
      [lineOf(extra, 1), 'error'],
      [lineOf(extra, 2), 'error'],
    ]);
    expect(removed[0]!.message).toBe('topics.blacklist: Kafka 4.0 removed topics.blacklist: MM2 4.x ignores it and uses the default exclude list; use topics.exclude instead.');
    expect(removed[1]!.message).toMatch(/use us-east->us-west\.groups\.exclude instead/);
    expect(by(lint(extra, { kafkaMajor: 3 }).findings, 'removed-key').every((f) => f.severity === 'warning')).toBe(true);
  });

  it('worker and client settings at the top level are ignored by MM2', () => {
    const extra = ['offset.flush.interval.ms = 1000', 'consumer.max.poll.records = 10', 'max.poll.records = 10', 'offset.storage.topic = x', 'tasks.max = 4', 'ssl.truststore.location = /t'];
    const r = lint(extra);
    const ignored = by(r.findings, 'ignored-key');
    expect(ignored.map((f) => f.key)).toEqual(['offset.flush.interval.ms', 'consumer.max.poll.records', 'max.poll.records']);
    expect(ignored[0]!.message).toMatch(/set it per target cluster, e\.g\. us-east\.offset\.flush\.interval\.ms/);
    expect(ignored[2]!.message).toMatch(/e\.g\. us-east\.consumer\.max\.poll\.records/);
    expect(r.errors).toBe(3);
  });

  it('per-cluster keys: worker and client settings pass, others are warnings', () => {
    const extra = ['us-east.offset.flush.interval.ms = 1000', 'us-east.consumer.max.poll.records = 10', 'us-west.producer.linger.ms = 5', 'us-west.frobnicate = 1'];
    const r = lint(extra);
    expect(r.findings.map((f) => [f.key, f.severity, f.rule])).toEqual([['us-west.frobnicate', 'warning', 'unknown-key']]);
  });

  it('settings under the wrong prefix: connector settings per cluster, worker settings per flow', () => {
    const extra = ['us-west.replication.factor = 1', 'us-east->us-west.offset.flush.interval.ms = 1000'];
    const r = lint(extra);
    expect(by(r.findings, 'ignored-key').map((f) => [f.line, f.severity])).toEqual([
      [lineOf(extra, 0), 'warning'],
      [lineOf(extra, 1), 'error'],
    ]);
    expect(by(r.findings, 'ignored-key')[1]!.message).toMatch(/set us-west\.offset\.flush\.interval\.ms/);
  });

  it('unknown keys: a near miss is named, a cluster prefix not in clusters is explained', () => {
    const extra = ['sync.group.offset.enabled = true', 'us-central.bootstrap.servers = c:9092', 'x->us-west.enabled = true', 'us-east->us-west.emit.checkpoint.enabled = true'];
    const r = lint(extra);
    const msgs = by(r.findings, 'unknown-key').map((f) => f.message);
    expect(msgs[0]).toBe('sync.group.offset.enabled: MirrorMaker 2 does not know this setting (did you mean sync.group.offsets.enabled?); it is ignored.');
    expect(msgs[1]).toMatch(/"us-central" is not a cluster in `clusters` \(us-east, us-west\)/);
    expect(msgs[2]).toMatch(/names flow x->us-west, but its clusters are not both in `clusters`/);
    expect(msgs[3]).toMatch(/no MirrorMaker 2 connector knows emit\.checkpoint\.enabled \(did you mean emit\.checkpoints\.enabled\?\)/);
  });

  it('per-flow unknown keys are warnings when a plugin class may read them', () => {
    const r = lint(['us-east->us-west.topic.filter.class = com.example.Filter', 'us-east->us-west.filter.prefix = x']);
    expect(by(r.findings, 'unknown-key').map((f) => f.severity)).toEqual(['warning']);
  });

  it('a clean file has no findings', () => {
    const r = lint(['replication.factor = 1', 'us-west.offset.flush.interval.ms = 1000', 'us-east->us-west.topics = orders, payments', 'emit.checkpoints.interval.seconds = 5']);
    expect(r.findings).toEqual([]);
    expect(r.flows).toEqual([{ source: 'us-east', target: 'us-west', heartbeats: true }]);
  });
});

describe('heartbeats, replication factors, filters', () => {
  it('flows whose heartbeats are switched off', () => {
    const extra = ['us-west->us-east.emit.heartbeats.enabled = false'];
    const r = lint(extra);
    const hb = by(r.findings, 'no-heartbeats');
    expect(hb).toHaveLength(1);
    expect(hb[0]).toMatchObject({ line: lineOf(extra, 0), severity: 'warning' });
    expect(hb[0]!.message).toMatch(/^flow us-east->us-west has no heartbeat signal: heartbeat emission is switched off for us-west->us-east/);
    expect(r.errors).toBe(0);
  });

  it('replication factors above the cluster size, set or by default', () => {
    const extra = ['replication.factor = 3', 'checkpoints.topic.replication.factor = 1', 'heartbeats.topic.replication.factor = 1', 'offset-syncs.topic.replication.factor = 1', 'us-west.offset.storage.replication.factor = 1', 'config.storage.replication.factor = -1', 'status.storage.replication.factor = 2'];
    const r = lint(extra, { brokers: new Map([['us-west', 2]]) });
    const rf = by(r.findings, 'replication-factor');
    expect(rf.map((f) => [f.key, f.line])).toEqual([[ 'replication.factor', lineOf(extra, 0)]]);
    expect(rf[0]!.message).toBe(
      'replication.factor is 3, but us-west has 2 brokers: MM2 cannot create the remote topics of us-east->us-west there, and nothing of a topic whose copy cannot be created is replicated. Set it to at most 2.',
    );
    // us-east is the target of the heartbeat-only herder us-west->us-east: its worker topics default to 3.
    const r1 = lint([], { brokers: new Map([['us-east', 1]]) });
    expect(by(r1.findings, 'replication-factor').map((f) => f.key).sort()).toEqual(['config.storage.replication.factor', 'heartbeats.topic.replication.factor', 'offset-syncs.topic.replication.factor', 'offset.storage.replication.factor', 'status.storage.replication.factor']);
    expect(by(lint(extra).findings, 'replication-factor')).toEqual([]);
  });

  it('invalid regexes are errors, topic syntax mirrorwatch cannot evaluate a warning', () => {
    const r = lint(['us-east->us-west.topics = orders[', 'topics.exclude = x, (?iu)y', 'groups.exclude = (?iu)y, a*+', 'groups = (?i)team-.*, (x']);
    const re = by(r.findings, 'invalid-regex');
    expect(re.map((f) => [f.key, f.severity])).toEqual([
      ['us-east->us-west.topics', 'error'],
      ['topics.exclude', 'warning'],
      ['groups', 'error'],
    ]);
    expect(re[0]!.message).toMatch(/"orders\[" is not a valid regular expression/);
    expect(re[1]!.message).toContain('"(?iu)y" uses Java regex syntax mirrorwatch cannot evaluate exactly (Unicode case folding');
    expect(re[2]!.message).toContain('MM2 compiles the list as one pattern, "(?i)team-.*|(x"');
  });

  it('regexes the comma splitting cuts, and empty entries', () => {
    const r = lint(['us-east->us-west.topics = orders, a{1,3}', 'groups = [a,b]', 'topics.exclude = x,,y']);
    const f = by(r.findings, 'regex-comma-split');
    expect(f.map((x) => x.key)).toEqual(['us-east->us-west.topics', 'groups', 'topics.exclude']);
    expect(f[0]!.message).toContain('"a{1,3}" becomes "a{1" and "3}"');
    expect(f[2]!.message).toContain('Kafka 4.x refuses the value');
    expect(by(r.findings, 'invalid-regex').map((x) => x.key)).toEqual(['us-east->us-west.topics']);
  });

  it('regex escapes that Java properties eat', () => {
    const extra = ['us-east->us-west.topics = orders-\\d+, logs\\.v1', 'topics.exclude = .*[\\-\\.]internal, ok\\\\.x', 'groups = team\\w+'];
    const r = lint(extra);
    const f = by(r.findings, 'regex-escape');
    expect(f.map((x) => [x.line, x.severity])).toEqual([
      [lineOf(extra, 0), 'error'],
      [lineOf(extra, 0), 'warning'],
      [lineOf(extra, 2), 'error'],
    ]);
    expect(f[0]!.message).toMatch(/\\d reaches the regex as plain letters.*Double the backslash \(\\\\d\)/);
  });

  it('an include pattern naming a topic the exclude list removes (Kafka 4: mm2.*\\.internal)', () => {
    // `\\.` in the file is what reaches the regex as `\.` (Java properties drop a lone backslash).
    const line = 'us-east->us-west.topics = orders, __consumer_offsets, audit\\\\.internal, mm2-audit\\\\.internal';
    const msg = (t: string, p = t.replace(/\./g, '\\.')): string =>
      `us-east->us-west.topics: "${p}" names topic ${t}, which the default topics.exclude excludes: us-east->us-west will not replicate it.`;
    expect(by(lint([line]).findings, 'filter-matches-nothing').map((x) => x.message)).toEqual([msg('__consumer_offsets', '__consumer_offsets'), msg('mm2-audit.internal')]);
    // Before 4.0 the default also excluded every name ending in -internal or .internal.
    expect(by(lint([line], { kafkaMajor: 3 }).findings, 'filter-matches-nothing').map((x) => x.message)).toEqual([
      msg('__consumer_offsets', '__consumer_offsets'),
      msg('audit.internal'),
      msg('mm2-audit.internal'),
    ]);
  });

  it('with the source topics listed, patterns that match none', () => {
    const topics = new Map([['us-east', ['orders', 'payments', 'tmp.internal']]]);
    const r = lint(['us-east->us-west.topics = orders, paymnets, tmp.*'], { topics, kafkaMajor: 3 });
    const f = by(r.findings, 'filter-matches-nothing');
    expect(f.map((x) => x.message)).toEqual([
      'us-east->us-west.topics: "paymnets" matches no topic on us-east (3 topics listed): a misspelt name replicates nothing and raises no error.',
      'us-east->us-west.topics: "tmp.*" matches no topic on us-east (3 topics listed; the 1 it matches are all excluded): a misspelt name replicates nothing and raises no error.',
    ]);
    // MM2 4.x copies tmp.internal: the pattern selects it.
    const r4 = lint(['us-east->us-west.topics = orders, paymnets, tmp.*'], { topics });
    expect(by(r4.findings, 'filter-matches-nothing').map((x) => x.message)).toEqual([
      'us-east->us-west.topics: "paymnets" matches no topic on us-east (3 topics listed): a misspelt name replicates nothing and raises no error.',
    ]);
  });

  it('findings come in line order and the importer\'s other warnings are kept', () => {
    const r = lint(['replication.factor = 1', 'replication.factor = 2', 'checkpoint.topic = x']);
    expect(r.findings.map((f) => f.line)).toEqual([...r.findings.map((f) => f.line)].sort((a, b) => (a ?? 0) - (b ?? 0)));
    expect(by(r.findings, 'config')[0]?.message).toMatch(/set twice/);
  });
});
