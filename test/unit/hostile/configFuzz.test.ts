// Config fuzzing (issue 6 item 4): a complete, valid YAML file and a complete mm2.properties file,
// mutated at random (bytes deleted, inserted, replaced, lines duplicated, files cut short), and
// files of arbitrary bytes. Every outcome is a configuration or a ConfigError with a message that
// names the file; never another exception, and never a secret in a message or warning. A few of
// the mutants are also given to the real CLI: exit code 2 and no stack trace.
import type { PasswordSaslConfig } from '../../../src/core/types.js';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/load.js';
import type { MirrorwatchConfig } from '../../../src/core/types.js';
import { CERT, KEY, tempFiles } from '../config/helpers.js';

const ENV_SECRET = 'Env-Secret-7f3a91';
const FILE_SECRET = 'File-Secret-c04e2d';
const JAAS_SECRET = 'Jaas-Secret-5b8e17';
const STORE_SECRET = 'Store-Secret-e6d2a0';
const SECRETS = [ENV_SECRET, FILE_SECRET, JAAS_SECRET, STORE_SECRET];
const HASH = bcrypt.hashSync('scrape', 4);

const YAML_BASE = `clusters:
  - alias: us-east
    bootstrapServers: "127.0.0.1:9092, 127.0.0.1:9093"
    clientId: mirrorwatch-fuzz
    connectionTimeout: 2s
    requestTimeout: 3s
    tls: { caFile: ca.pem, certFile: cert.pem, keyFile: key.pem, rejectUnauthorized: true, servername: kafka.example }
    sasl: { mechanism: SCRAM-SHA-512, username: mirrorwatch, passwordEnv: MW_PASSWORD }
  - alias: us-west
    bootstrapServers: [ "[::1]:9094" ]
    tls: true
    sasl:
      mechanism: plain
      username: mw
      passwordFile: pw.txt
flows:
  - source: us-east
    target: us-west
    topics: [ "orders.*", payments ]
    topicsExclude: ".*\\\\.tmp"
    heartbeats: auto
    offsetSyncsTopicLocation: source
    groups: [billing, "analytics"]
    maxLagRecords: 10
    maxHeartbeatAge: 1m
  - { source: us-west, target: us-east, heartbeats: false }
replicationPolicy: { class: default, separator: "." }
poll: { interval: 10s, timeout: 8s }
http:
  host: 0.0.0.0
  port: 9467
  tls: { certFile: cert.pem, keyFile: key.pem, clientCaFile: ca.pem }
  basicAuthUsers: { prometheus: "${HASH}" }
granularity: partition
maxSeries: 1000
logLevel: info
regions:
  - { topic: orders, partitions: "0-1", region: us-east }
  - { topic: orders, partitions: [2, 3], region: eu-west }
`;

const PROPS_LINES = [
  '# MirrorMaker 2, active/passive',
  'clusters = us-east, us-west',
  'us-east.bootstrap.servers = 127.0.0.1:9092',
  'us-west.bootstrap.servers : 127.0.0.1:9093',
  'us-east->us-west.enabled = true',
  'us-east->us-west.topics = orders.*, payments',
  'us-west->us-east.enabled = false',
  'topics.exclude = .*[\\-\\.]internal, .*\\.replica, __.*',
  'replication.policy.separator = .',
  'offset-syncs.topic.location = source',
  'emit.heartbeats.interval.seconds = 5',
  'us-east.security.protocol = SASL_SSL',
  'us-east.sasl.mechanism = SCRAM-SHA-512',
  `us-east.sasl.jaas.config = org.apache.kafka.common.security.scram.ScramLoginModule required \\`,
  `    username="mirrorwatch" password="${JAAS_SECRET}";`,
  'us-east.ssl.truststore.type = PEM',
  'us-east.ssl.truststore.location = ca.pem',
  `us-east.ssl.truststore.password = ${STORE_SECRET}`,
  'us-west.security.protocol = SSL',
  'us-west.ssl.keystore.type = PEM',
  'us-west.ssl.keystore.location = keystore.pem',
];
/** Lines whose text holds a secret: mutating them could turn a secret into a key name. */
const SECRET_LINES = new Set([13, 14, 17]);

const FILES = { 'ca.pem': CERT, 'cert.pem': CERT, 'key.pem': KEY, 'keystore.pem': `${KEY}${CERT}`, 'pw.txt': `${FILE_SECRET}\n` };
const ENV = { MW_PASSWORD: ENV_SECRET };

type Mutation =
  | { kind: 'delete'; at: number; len: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'replace'; at: number; text: string }
  | { kind: 'truncate'; at: number }
  | { kind: 'duplicateLine'; at: number };

// Characters that mean something to YAML or to Java properties reach deeper than uniform noise.
const syntax = fc.constantFrom(':', ': ', '- ', '{', '}', '[', ']', ',', '"', "'", '\n', '  ', '\t', '&a ', '*a', '!!binary ', '!!js/function ', '%YAML 1.2\n', '#', '!', '=', '\\', '\\u', '\u0000', '\uFEFF', '\r', '0x', '-1', '1e309', 'null', '~', '<<: ', '? ');
const insertText = fc.oneof(syntax, fc.string({ maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 4 }));
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: insertText }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), text: insertText }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicateLine' as const), at: fc.nat() }),
);

function mutate(text: string, ops: Mutation[]): string {
  let t = text;
  for (const op of ops) {
    const at = t.length === 0 ? 0 : op.at % (t.length + 1);
    switch (op.kind) {
      case 'delete':
        t = t.slice(0, at) + t.slice(at + op.len);
        break;
      case 'insert':
        t = t.slice(0, at) + op.text + t.slice(at);
        break;
      case 'replace':
        t = t.slice(0, at) + op.text + t.slice(at + op.text.length);
        break;
      case 'truncate':
        t = t.slice(0, at);
        break;
      case 'duplicateLine': {
        const lines = t.split('\n');
        const i = op.at % lines.length;
        lines.splice(i, 0, lines[i]!);
        t = lines.join('\n');
        break;
      }
    }
  }
  return t;
}

/** Loads `file` and checks the outcome; returns what happened, for statistics. */
function loadChecked(file: string): 'ok' | 'error' {
  let config: MirrorwatchConfig;
  try {
    config = loadConfig(file, ENV);
  } catch (e) {
    if (!(e instanceof ConfigError)) {
      throw new Error(`loadConfig threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)} instead of a ConfigError`);
    }
    expect(e.message.startsWith('Invalid configuration')).toBe(true);
    expect(e.problems.length).toBeGreaterThan(0);
    for (const p of e.problems) {
      expect(p.message.length).toBeGreaterThan(0);
      expect(p.file.length).toBeGreaterThan(0);
    }
    for (const s of SECRETS) expect(e.message.includes(s), `secret ${s} in: ${e.message}`).toBe(false);
    return 'error';
  }
  expect(config.clusters.length).toBeGreaterThan(0);
  expect(config.flows.length).toBeGreaterThan(0);
  const warnings = JSON.stringify(config.warnings);
  for (const s of SECRETS) expect(warnings.includes(s), `secret ${s} in a warning: ${warnings}`).toBe(false);
  return 'ok';
}

describe('config fuzzing: mutated files', () => {
  it('the unmutated files load', () => {
    const dir = tempFiles({ ...FILES, 'c.yaml': YAML_BASE, 'mm2.properties': PROPS_LINES.join('\n') });
    const y = loadConfig(path.join(dir, 'c.yaml'), ENV);
    expect(y.clusters.map((c) => (c.sasl as PasswordSaslConfig | undefined)?.password)).toEqual([ENV_SECRET, FILE_SECRET]);
    expect(y.http.basicAuthUsers).toEqual({ prometheus: HASH });
    expect(y.regions).toHaveLength(4);
    const p = loadConfig(path.join(dir, 'mm2.properties'), ENV);
    expect((p.clusters.find((c) => c.alias === 'us-east')?.sasl as PasswordSaslConfig | undefined)?.password).toBe(JAAS_SECRET);
    expect(p.clusters.find((c) => c.alias === 'us-west')?.tls?.key).toContain('PRIVATE KEY');
  });

  it('a mutated YAML file gives a config or a ConfigError, never another exception or a secret', () => {
    const dir = tempFiles(FILES);
    const file = path.join(dir, 'c.yaml');
    const outcomes = { ok: 0, error: 0 };
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (ops) => {
        fs.writeFileSync(file, mutate(YAML_BASE, ops));
        outcomes[loadChecked(file)]++;
      }),
      { numRuns: 600 },
    );
    // The mutations must reach both outcomes, or the property says little (about 3% load).
    expect(outcomes.ok).toBeGreaterThan(4);
    expect(outcomes.error).toBeGreaterThan(100);
  });

  it('a mutated mm2.properties gives a config or a ConfigError, never another exception or a secret', () => {
    const dir = tempFiles(FILES);
    const file = path.join(dir, 'mm2.properties');
    const outcomes = { ok: 0, error: 0 };
    const lineOp = fc.record({ line: fc.nat(), ops: fc.array(mutation, { minLength: 1, maxLength: 3 }) });
    fc.assert(
      fc.property(fc.array(lineOp, { minLength: 1, maxLength: 4 }), (edits) => {
        const lines = [...PROPS_LINES];
        for (const e of edits) {
          const candidates = lines.map((_, i) => i).filter((i) => !SECRET_LINES.has(i));
          const i = candidates[e.line % candidates.length]!;
          lines[i] = mutate(lines[i]!, e.ops);
        }
        fs.writeFileSync(file, lines.join('\n'));
        outcomes[loadChecked(file)]++;
      }),
      { numRuns: 600 },
    );
    expect(outcomes.ok).toBeGreaterThan(20);
    expect(outcomes.error).toBeGreaterThan(20);
  });

  it('a YAML file of arbitrary bytes or deeply nested or aliased structures gives a ConfigError', () => {
    const dir = tempFiles(FILES);
    const file = path.join(dir, 'c.yaml');
    const nasty = fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
      fc.integer({ min: 1, max: 3000 }).map((n) => Buffer.from(`${'['.repeat(n)}${']'.repeat(n)}`)),
      fc.integer({ min: 1, max: 2000 }).map((n) => Buffer.from(`clusters:${' -'.repeat(n)} x`)),
      // An alias bomb: a few lines that would expand to millions of nodes if copied.
      fc.integer({ min: 2, max: 9 }).map((n) => {
        const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x]'];
        for (let i = 1; i < n; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 9 }, () => `*a${i - 1}`).join(', ')}]`);
        lines.push(`clusters: *a${n - 1}`, `flows: *a${n - 1}`, `regions: *a${n - 1}`);
        return Buffer.from(lines.join('\n'));
      }),
      fc.constant(Buffer.from([0xef, 0xbb, 0xbf, 0xff, 0xfe, 0x00, 0x0a])),
    );
    fc.assert(
      fc.property(nasty, (bytes) => {
        fs.writeFileSync(file, bytes);
        const started = performance.now();
        expect(loadChecked(file)).toBe('error');
        expect(performance.now() - started).toBeLessThan(2000);
      }),
      { numRuns: 200 },
    );
  });
});

// ------------------------------------------------------------------ the CLI on a few mutants

const CLI = path.join(import.meta.dirname, '..', '..', '..', 'src', 'cli', 'main.ts');
const TSX = path.join(import.meta.dirname, '..', '..', '..', 'node_modules', '.bin', 'tsx');

function checkConfig(file: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [CLI, 'check-config', '-c', file], { env: { ...process.env, ...ENV }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('config fuzzing: the CLI', () => {
  it('exits 2 with a message naming the file and no stack trace on mutated files', async () => {
    const dir = tempFiles(FILES);
    // Fixed seed: the same handful of broken files every run.
    const samples = fc.sample(fc.array(mutation, { minLength: 2, maxLength: 5 }), { seed: 6, numRuns: 60 });
    const broken: string[] = [];
    for (const [i, ops] of samples.entries()) {
      const file = path.join(dir, `m${i}.yaml`);
      fs.writeFileSync(file, mutate(YAML_BASE, ops));
      try {
        loadConfig(file, ENV);
      } catch {
        broken.push(file);
      }
      if (broken.length === 4) break;
    }
    const truncated = path.join(dir, 'cut.properties');
    fs.writeFileSync(truncated, PROPS_LINES.join('\n').slice(0, 40));
    broken.push(truncated);
    const runs = await Promise.all(broken.map(checkConfig));
    for (const [i, r] of runs.entries()) {
      expect(r.code, `${broken[i]}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(broken[i]!);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      for (const s of SECRETS) expect(r.stderr + r.stdout).not.toContain(s);
    }
  }, 60_000);
});
