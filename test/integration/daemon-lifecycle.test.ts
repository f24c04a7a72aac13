// The daemon's process contract, without any broker: it starts, answers probes and metrics while
// every cluster is unreachable, reports the clusters down, and stops within 5 s on SIGTERM/SIGINT.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function writeConfig(httpPort: number, deadPort: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'mw-lifecycle-'));
  const file = join(dir, 'mirrorwatch.yaml');
  writeFileSync(
    file,
    [
      'clusters:',
      '  - alias: us-east',
      `    bootstrapServers: [127.0.0.1:${deadPort}]`,
      '    connectionTimeout: 300ms',
      '    requestTimeout: 500ms',
      '  - alias: us-west',
      `    bootstrapServers: [127.0.0.1:${deadPort}]`,
      '    connectionTimeout: 300ms',
      '    requestTimeout: 500ms',
      'flows:',
      '  - source: us-east',
      '    target: us-west',
      'poll:',
      '  interval: 1s',
      '  timeout: 800ms',
      'http:',
      '  host: 127.0.0.1',
      `  port: ${httpPort}`,
      '',
    ].join('\n'),
  );
  return file;
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

let child: ChildProcess | null = null;
afterEach(() => {
  child?.kill('SIGKILL');
  child = null;
});

function startDaemon(config: string): { proc: ChildProcess; output: () => string } {
  let out = '';
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'run', '-c', config], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  child = proc;
  return { proc, output: () => out };
}

describe.each(['SIGTERM', 'SIGINT'] as const)('mirrorwatch run, clusters unreachable, %s', (signal) => {
  it('serves probes and metrics, reports clusters down, and stops within 5 s', async () => {
    const [httpPort, deadPort] = [await freePort(), await freePort()];
    const { proc, output } = startDaemon(writeConfig(httpPort, deadPort));
    const base = `http://127.0.0.1:${httpPort}`;

    const health = await waitFor('/healthz', async () => {
      const r = await fetch(`${base}/healthz`);
      return r.status === 200 ? r.status : undefined;
    });
    expect(health).toBe(200);

    // Ready once every cluster has been polled once, even though both are down.
    await waitFor('/readyz 200', async () => ((await fetch(`${base}/readyz`)).status === 200 ? true : undefined));
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^mirrorwatch_cluster_up\{cluster="us-east"\} 0$/m);
    expect(metrics).toMatch(/^mirrorwatch_cluster_up\{cluster="us-west"\} 0$/m);
    expect(metrics).toMatch(/^mirrorwatch_poll_errors_total\{cluster="us-east",kind="[a-z]+"\} [1-9]/m);
    // No figure is invented for a flow whose clusters were never read.
    expect(metrics).not.toMatch(/^mm2_replication_lag_records/m);

    const started = Date.now();
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    proc.kill(signal);
    const code = await exited;
    const tookMs = Date.now() - started;
    expect(code, output()).toBe(0);
    expect(tookMs).toBeLessThan(5000);
    expect(output()).toContain(`received ${signal}`);
    expect(output()).toContain('us-east');
  }, 60_000);
});
