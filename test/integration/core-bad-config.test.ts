// Core scenario g of issue 2: bad configuration files given to the real CLI (`check-config` and
// `run`, spawned as a user would run them) end with exit code 2 and a message naming the file and
// the key or line at fault, never a stack trace. No broker needed. The CLI runs from the sources
// through tsx, so the test never checks a stale build.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts');
// `run` with a bad file must give up at once; this only bounds a hang (e.g. it started serving).
const CLI_TIMEOUT_MS = 30_000;

interface BadFile {
  name: string;
  /** File name (its extension picks the loader). */
  file: string;
  text: string;
  /** Everything the message must name besides the file path: key path, line, the bad value. */
  mentions: (path: string) => string[];
}

const CLUSTERS = ['clusters:', '  - alias: us-east', '    bootstrapServers: 127.0.0.1:9092', '  - alias: us-west', '    bootstrapServers: 127.0.0.1:9093'];
const PROPS_HEAD = ['clusters = us-east, us-west', 'us-east.bootstrap.servers = 127.0.0.1:9092', 'us-west.bootstrap.servers = 127.0.0.1:9093'];

const BAD_FILES: BadFile[] = [
  {
    name: 'unknown key (a typo)',
    file: 'unknown-key.yaml',
    text: [...CLUSTERS, '    bootstrapServer: 127.0.0.1:9094', 'flows:', '  - source: us-east', '    target: us-west'].join('\n'),
    mentions: () => ['clusters[1].bootstrapServer', 'unknown key'],
  },
  {
    name: 'unknown top-level key',
    file: 'unknown-top-key.yaml',
    text: [...CLUSTERS, 'flows:', '  - source: us-east', '    target: us-west', 'pollInterval: 1s'].join('\n'),
    mentions: () => ['pollInterval', 'unknown key'],
  },
  {
    name: 'flow naming a cluster that is not defined',
    file: 'missing-cluster.yaml',
    text: [...CLUSTERS, 'flows:', '  - source: us-east', '    target: us-central'].join('\n'),
    mentions: () => ['flows[0].target', 'us-central'],
  },
  {
    name: 'topic regex that does not compile',
    file: 'bad-regex.yaml',
    text: [...CLUSTERS, 'flows:', '  - source: us-east', '    target: us-west', '    topics: ["orders", "payments(["]'].join('\n'),
    mentions: () => ['flows[0].topics[1]', 'payments(['],
  },
  {
    name: 'YAML syntax error',
    file: 'syntax.yaml',
    // Line 5 is indented one space too far.
    text: ['clusters:', '  - alias: us-east', '    bootstrapServers: 127.0.0.1:9092', '  - alias: us-west', '     bootstrapServers: 127.0.0.1:9093', 'flows: []'].join('\n'),
    mentions: (path) => [`${path}:5`, 'YAML syntax error'],
  },
  {
    name: '.properties with a topic regex that does not compile',
    file: 'bad-regex.properties',
    text: [...PROPS_HEAD, 'us-east->us-west.enabled = true', 'us-east->us-west.topics = orders, pay(ments'].join('\n'),
    mentions: (path) => [`${path}:5`, 'us-east->us-west.topics', 'pay(ments'],
  },
  {
    name: '.properties with a cluster lacking bootstrap servers',
    file: 'no-bootstrap.properties',
    text: ['clusters = us-east, us-west', 'us-east.bootstrap.servers = 127.0.0.1:9092', 'us-east->us-west.enabled = true'].join('\n'),
    mentions: (path) => [`${path}:1`, 'us-west.bootstrap.servers'],
  },
  {
    name: 'poll timeout not below the interval',
    file: 'bad-timeout.yaml',
    text: [...CLUSTERS, 'flows:', '  - source: us-east', '    target: us-west', 'poll:', '  interval: 1s', '  timeout: 2s'].join('\n'),
    mentions: () => ['poll.timeout', 'poll.interval'],
  },
];

interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      cwd: join(import.meta.dirname, '..', '..'),
      env: { ...process.env, MIRRORWATCH_CONFIG: '', NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), CLI_TIMEOUT_MS);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

// A V8 stack frame: "    at fn (file:line:col)" or "    at file:line:col".
const STACK_FRAME = /^\s+at .*:\d+:\d+\)?$/m;

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mirrorwatch-bad-config-'));
  for (const bad of BAD_FILES) writeFileSync(join(dir, bad.file), bad.text + '\n');
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('bad configuration files (scenario g)', () => {
  for (const command of ['check-config', 'run'] as const) {
    describe(`mirrorwatch ${command} -c FILE`, () => {
      it.concurrent.each(BAD_FILES.map((b) => [b.name, b] as const))('%s: exit code 2, the file and the key/line named, no stack trace', async (_name, bad) => {
        const path = join(dir, bad.file);
        const r = await runCli([command, '-c', path]);
        const shown = `exit ${r.code} (signal ${r.signal})\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
        expect(r.code, shown).toBe(2);
        expect(r.stderr, shown).toContain('invalid configuration');
        expect(r.stderr, shown).toContain(path);
        for (const m of bad.mentions(path)) expect(r.stderr, shown).toContain(m);
        expect(r.stderr, shown).not.toMatch(STACK_FRAME);
        // Nothing was started: no "listening" line, nothing on stdout.
        expect(r.stdout, shown).toBe('');
      });
    });
  }

  it('a file that does not exist: exit code 2 naming it', async () => {
    const path = join(dir, 'absent.yaml');
    const r = await runCli(['check-config', '-c', path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${path}: error: file not found`);
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  it('the shipped examples pass check-config (exit 0), so the failures above are about the files', async () => {
    for (const file of ['config/mirrorwatch.example.yaml', 'config/examples/strimzi-kmm2-v1.yaml']) {
      const r = await runCli(['check-config', '-c', file]);
      expect(r.code, `${file}\n${r.stderr}`).toBe(0);
      expect(r.stdout).toContain(`${file}: OK`);
    }
  });

  it('one verdict: active-active.properties loads, but lint finds errors, so check-config says so and exits 1 like lint', async () => {
    const file = 'config/examples/active-active.properties';
    const r = await runCli(['check-config', '-c', file]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).not.toContain(': OK');
    expect(r.stdout).toContain(`${file}: 2 errors, 0 warnings`);
    expect(r.stderr).toContain(`${file}:16: error: checkpoint.group.consistency.level`);
    const lint = await runCli(['lint', file]);
    expect(lint.code).toBe(1);
    expect(lint.stdout).toContain(`${file}:16: error: checkpoint.group.consistency.level`);
    // The YAML example reads active-passive.properties, whose inline comment MM2 rejects: an error
    // in check-config as in lint.
    const yamlExample = await runCli(['check-config', '-c', 'config/examples/mm2-properties.yaml']);
    expect(yamlExample.code, yamlExample.stderr).toBe(1);
    expect(yamlExample.stderr).toMatch(/active-passive\.properties:7: error: secondary->primary\.enabled has the value "false # Active-Passive mode"/);
  });
});
