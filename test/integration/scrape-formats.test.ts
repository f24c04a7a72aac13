// A real Prometheus scrapes mirrorwatch through a recording proxy: Prometheus asks for OpenMetrics
// and gzip, mirrorwatch answers both, and Prometheus ingests the result (up == 1, counters under
// their full names, the same samples as a plain text scrape). No brokers are needed: with its
// clusters unreachable mirrorwatch still exports cluster, poll-error and process series.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrometheus, vectorValues } from './helpers/prometheus.js';
import type { RunningPrometheus } from './helpers/prometheus.js';
import { fail, pass, waitUntil } from './helpers/wait.js';

const ROOT = join(import.meta.dirname, '..', '..');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createNetServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

interface Exchange {
  request: IncomingHttpHeaders;
  response: IncomingHttpHeaders;
  status: number;
  bytes: number;
}

/** Forwards every request unchanged to `target` and records both sides' headers. */
function recordingProxy(target: number, log: Exchange[]): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const upstream = request({ host: '127.0.0.1', port: target, path: req.url, method: req.method, headers: req.headers }, (up) => {
      const ex: Exchange = { request: req.headers, response: up.headers, status: up.statusCode ?? 0, bytes: 0 };
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.on('data', (c: Buffer) => (ex.bytes += c.length));
      up.on('end', () => log.push(ex));
      up.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port })));
}

let daemon: ChildProcess | null = null;
let proxy: Server | null = null;
let prom: RunningPrometheus | null = null;
const exchanges: Exchange[] = [];
let base = '';

beforeAll(async () => {
  const [httpPort, deadPort] = [await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), 'mw-scrape-'));
  const config = join(dir, 'mirrorwatch.yaml');
  writeFileSync(
    config,
    [
      'clusters:',
      ...['us-east', 'us-west'].flatMap((alias) => [`  - alias: ${alias}`, `    bootstrapServers: [127.0.0.1:${deadPort}]`, '    connectionTimeout: 300ms', '    requestTimeout: 500ms']),
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
  daemon = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'run', '-c', config], { cwd: ROOT, stdio: 'ignore' });
  base = `http://127.0.0.1:${httpPort}`;
  await waitUntil(
    'mirrorwatch /readyz',
    async () => {
      const status = (await fetch(`${base}/readyz`)).status;
      return status === 200 ? pass(status) : fail(status);
    },
    { timeoutMs: 60_000 },
  );
  const p = await recordingProxy(httpPort, exchanges);
  proxy = p.server;
  prom = await startPrometheus({ mirrorwatchTargets: [`127.0.0.1:${p.port}`], ruleFiles: {}, name: 'prometheus-scrape-formats' });
}, 120_000);

afterAll(async () => {
  await prom?.stop();
  proxy?.close();
  daemon?.kill('SIGTERM');
});

describe('a real Prometheus scraping mirrorwatch', () => {
  it('asks for OpenMetrics and gzip, gets both, and ingests every sample', async () => {
    const p = prom!;
    await waitUntil(
      'three scrapes with up == 1',
      async () => {
        const up = vectorValues(await p.query('up{job="mirrorwatch"}'));
        const seen = { up, scrapes: exchanges.length };
        return up.length === 1 && up[0]!.value === 1 && exchanges.filter((e) => e.status === 200).length >= 3 ? pass(seen) : fail(seen);
      },
      { timeoutMs: 60_000 },
    );

    const scrape = exchanges.at(-1)!;
    expect(scrape.request['accept-encoding']).toContain('gzip');
    expect(scrape.request.accept).toContain('application/openmetrics-text');
    expect(scrape.response['content-encoding']).toBe('gzip');
    expect(scrape.response['content-type']).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');

    // Counters keep their names through the OpenMetrics rewriting.
    const errors = vectorValues(await p.query('mirrorwatch_poll_errors_total{cluster="us-east"}'));
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e.value >= 1)).toBe(true);
    expect(vectorValues(await p.query('mirrorwatch_cluster_up')).map((s) => [s.labels.cluster, s.value]).sort()).toEqual([
      ['us-east', 0],
      ['us-west', 0],
    ]);
    expect(vectorValues(await p.query('mirrorwatch_build_info')).length).toBe(1);

    // Prometheus holds every mirrorwatch_* sample a plain uncompressed text scrape holds (process
    // metrics left out: their histograms grow as the process runs).
    const plain = await waitUntil(
      'the same mirrorwatch_* samples in Prometheus as in a plain scrape',
      async () => {
        const text = await (await fetch(`${base}/metrics`, { headers: { 'accept-encoding': 'identity' } })).text();
        const inText = text.split('\n').filter((l) => l.startsWith('mirrorwatch_')).length;
        const inProm = vectorValues(await p.query('count({job="mirrorwatch",__name__=~"mirrorwatch_.*"})'))[0]?.value;
        return inText > 3 && inProm === inText ? pass(text) : fail({ inText, inProm });
      },
      { timeoutMs: 30_000 },
    );
    expect(scrape.bytes).toBeLessThan(Buffer.byteLength(plain) / 2);
  }, 90_000);
});
