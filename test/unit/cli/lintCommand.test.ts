import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runLint, type LintCommandOptions } from '../../../src/cli/lintCommand.js';
import { fakeIo } from './helpers.js';
import { fakePort } from '../helpers/fakePort.js';

const dir = mkdtempSync(join(tmpdir(), 'mw-lint-'));
function file(name: string, lines: string[]): string {
  const p = join(dir, name);
  writeFileSync(p, lines.join('\n') + '\n');
  return p;
}
const CLEAN = ['clusters = a, b', 'a.bootstrap.servers = 127.0.0.1:1', 'b.bootstrap.servers = 127.0.0.1:2', 'a->b.enabled = true', 'a->b.topics = orders, paymnets'];

describe('mirrorwatch lint', () => {
  it('exits 1 on errors, printing file:line: severity: message [rule] and a summary', async () => {
    const io = fakeIo([]);
    expect(await runLint('config/examples/active-passive.properties', {}, io)).toBe(1);
    const lines = io.out().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^config\/examples\/active-passive\.properties:7: error: secondary->primary\.enabled has the value "false # Active-Passive mode".* \[inline-comment\]$/);
    expect(lines[lines.length - 1]).toBe('config/examples/active-passive.properties: 1 error, 1 warning');
  });

  it('exits 0 on warnings only, and says so when there is nothing', async () => {
    let io = fakeIo([]);
    expect(await runLint(file('warn.properties', [...CLEAN, 'b->a.emit.heartbeats.enabled = false']), {}, io)).toBe(0);
    expect(io.out()).toMatch(/0 errors, 1 warning\n$/);
    io = fakeIo([]);
    expect(await runLint(file('clean.properties', CLEAN), {}, io)).toBe(0);
    expect(io.out()).toMatch(/no problems found\n$/);
  });

  it('--json prints the findings for machines', async () => {
    const io = fakeIo([]);
    expect(await runLint('config/examples/active-active.properties', { json: true }, io)).toBe(1);
    const j = JSON.parse(io.out());
    expect(j.errors).toBe(2);
    expect(j.findings.map((f: { key: string }) => f.key)).toEqual(['checkpoint.group.consistency.level', 'checkpoint.topic']);
  });

  it('--brokers checks replication factors; --kafka-version 3 makes removed keys warnings', async () => {
    const f = file('rf.properties', [...CLEAN, 'replication.factor = 1', 'checkpoints.topic.replication.factor = 1', 'heartbeats.topic.replication.factor = 1', 'offset-syncs.topic.replication.factor = 1', 'offset.storage.replication.factor = 1', 'config.storage.replication.factor = 1', 'status.storage.replication.factor = 1', 'topics.blacklist = x']);
    let io = fakeIo([]);
    expect(await runLint(f, { brokers: ['a=1,b=1'], kafkaVersion: '3.9' }, io)).toBe(0);
    io = fakeIo([]);
    expect(await runLint(f, { brokers: ['a=1,b=1'] }, io)).toBe(1);
    const g = file('rf3.properties', [...CLEAN, 'replication.factor = 3']);
    io = fakeIo([]);
    expect(await runLint(g, { brokers: ['b=2'] }, io)).toBe(1);
    expect(io.out()).toContain('replication.factor is 3, but b has 2 brokers');
  });

  it('--check-topics lists the topics of the source clusters', async () => {
    const f = file('topics.properties', CLEAN);
    const io = fakeIo([]);
    const closed: string[] = [];
    io.portFactory = (cluster) =>
      fakePort({
        alias: cluster.alias,
        async listTopics() {
          if (cluster.alias === 'b') throw new Error('connect ECONNREFUSED 127.0.0.1:2');
          return [{ name: 'orders', partitions: [0] }, { name: 'payments', partitions: [0] }];
        },
        async close() {
          closed.push(cluster.alias);
        },
      });
    expect(await runLint(f, { checkTopics: true }, io)).toBe(0);
    expect(io.out()).toContain('a->b.topics: "paymnets" matches no topic on a (2 topics listed)');
    expect(io.out()).toContain('--check-topics: cannot list the topics of b (connect ECONNREFUSED 127.0.0.1:2)');
    expect(closed.sort()).toEqual(['a', 'b']);
  });

  it('exits 2 when the file cannot be read or the options are wrong', async () => {
    const cases: [string, LintCommandOptions, RegExp][] = [
      [join(dir, 'missing.properties'), {}, /cannot read .*: no such file/],
      [dir, {}, /is a directory/],
      [file('x.yaml', ['clusters:', '  - alias: a']), {}, /does not look like an mm2\.properties file/],
      ['config/examples/active-active.properties', { brokers: ['a:1'] }, /ALIAS=N/],
      ['config/examples/active-active.properties', { kafkaVersion: 'latest' }, /--kafka-version/],
    ];
    for (const [f, opts, msg] of cases) {
      const io = fakeIo([]);
      expect(await runLint(f, opts, io)).toBe(2);
      expect(io.err()).toMatch(msg);
    }
  });
});
