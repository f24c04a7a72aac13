// Soak run (issue 6 item 5): mirrorwatch, as its own process (`mirrorwatch run` from the sources),
// polls two real clusters every second for a long time while topics are created and deleted,
// records keep flowing and MirrorMaker 2 is restarted now and then. Its own /metrics is scraped
// every second, as Prometheus would; every sample interval a row of RSS, heap, open handles
// (process.getActiveResourcesInfo(), via nodejs_active_resources_total) and event-loop delay is
// printed, and at the end the least-squares slope of each: a leak shows as a steady climb.
//
//   npm run soak                          # 10 minutes
//   npm run soak -- --duration 30m --sample 30s
//   npm run soak:short                    # about 90 s, for CI
//
// Options: --duration (default 10m), --sample (row interval, default 10s), --churn-every (topic
// created, old ones deleted; default 5s), --mm2-restart-every (default 2m), --version (Kafka),
// --json FILE (samples and summary). Exit code 1 when something is wrong beyond a slope: the
// daemon died or stopped answering, a negative lag was published, a partition's lag stayed
// above zero after the traffic stopped, or open handles kept growing.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDuration } from '../src/config/duration.js';
import { startTraffic } from '../test/integration/helpers/traffic.js';
import type { Traffic } from '../test/integration/helpers/traffic.js';
import { parseExposition, select } from '../test/unit/metrics/parse-exposition.js';
import type { Exposition } from '../test/unit/metrics/parse-exposition.js';
import { createTopic, deleteTopic, logHint, startCluster, startMirrorMaker, stopAll } from '../test/harness/kafka.js';
import type { KafkaCluster, MirrorMaker } from '../test/harness/kafka.js';
import { newRunDir, repoRoot } from '../test/harness/paths.js';
import { freePort } from '../test/harness/ports.js';

// ------------------------------------------------------------------ options

interface Options {
  durationMs: number;
  sampleMs: number;
  churnMs: number;
  mm2RestartMs: number;
  version: string | undefined;
  json: string | undefined;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { durationMs: 600_000, sampleMs: 10_000, churnMs: 5_000, mm2RestartMs: 120_000, version: undefined, json: undefined };
  const ms = (flag: string, v: string | undefined): number => {
    const n = v === undefined ? null : parseDuration(v);
    if (n === null || n <= 0) throw new Error(`${flag} needs a duration such as 90s, 10m or 1h (got ${v ?? 'nothing'})`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split('=', 2) as [string, string | undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '--duration':
        opts.durationMs = ms(flag, value());
        break;
      case '--sample':
        opts.sampleMs = ms(flag, value());
        break;
      case '--churn-every':
        opts.churnMs = ms(flag, value());
        break;
      case '--mm2-restart-every':
        opts.mm2RestartMs = ms(flag, value());
        break;
      case '--version':
        opts.version = value();
        break;
      case '--json':
        opts.json = value();
        break;
      case '--help':
      case '-h':
        process.stdout.write(`usage: tsx scripts/soak.ts [--duration 10m] [--sample 10s] [--churn-every 5s] [--mm2-restart-every 2m] [--version 4.4.0] [--json FILE]\n`);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${flag} (try --help)`);
    }
  }
  return opts;
}

// ------------------------------------------------------------------ statistics

/** Least-squares slope of y over x. */
export function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  if (n < 2) return NaN;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? NaN : num / den;
}

interface Sample {
  /** Seconds since the soak began. */
  t: number;
  rssMb: number;
  heapMb: number;
  handles: number;
  /** Worst p99 / max event-loop delay seen by the scrapes of this interval, ms. */
  loopP99Ms: number;
  loopMaxMs: number;
  /** Slowest /metrics answer of this interval, ms. */
  scrapeMaxMs: number;
  series: number;
  topics: number;
  mm2Restarts: number;
  pollErrors: number;
}

const num = (e: Exposition, name: string, labels: Record<string, string> = {}): number => {
  const s = select(e, name, labels);
  return s.length === 0 ? NaN : s.reduce((a, b) => a + b.value, 0);
};

// ------------------------------------------------------------------ mirrorwatch as a process

interface Daemon {
  url: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  logFile: string;
  stop(): Promise<void>;
}

async function startMirrorwatch(dir: string, east: KafkaCluster, west: KafkaCluster): Promise<Daemon> {
  const port = await freePort();
  const configFile = join(dir, 'mirrorwatch.yaml');
  writeFileSync(
    configFile,
    [
      'clusters:',
      `  - { alias: ${east.alias}, bootstrapServers: "${east.bootstrap}", connectionTimeout: 500ms, requestTimeout: 600ms }`,
      `  - { alias: ${west.alias}, bootstrapServers: "${west.bootstrap}", connectionTimeout: 500ms, requestTimeout: 600ms }`,
      'flows:',
      `  - { source: ${east.alias}, target: ${west.alias}, groups: [soak-billing] }`,
      'poll: { interval: 1s, timeout: 800ms }',
      `http: { host: 127.0.0.1, port: ${port} }`,
      'logLevel: warn',
    ].join('\n') + '\n',
  );
  const logFile = join(dir, 'mirrorwatch.log');
  const log = createWriteStream(logFile);
  const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx');
  const child = spawn(tsx, [join(repoRoot, 'src', 'cli', 'main.ts'), 'run', '-c', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`mirrorwatch exited at start (code ${child.exitCode}); log ${logFile}`);
    try {
      const r = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1000) });
      if (r.status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`mirrorwatch not ready within 60 s; log ${logFile}`);
    await sleep(300);
  }
  return {
    url,
    child,
    exited,
    logFile,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

// ------------------------------------------------------------------ the run

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  const dir = newRunDir('soak');
  mkdirSync(dir, { recursive: true });
  const say = (s: string): void => void process.stdout.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${s}\n`);
  say(`duration ${opts.durationMs / 1000} s, a row every ${opts.sampleMs / 1000} s, topic churn every ${opts.churnMs / 1000} s, MM2 restart every ${opts.mm2RestartMs / 1000} s; files in ${dir}`);

  const problems: string[] = [];
  let daemon: Daemon | undefined;
  let traffic: Traffic | undefined;
  try {
    const [east, west] = await Promise.all([
      startCluster({ alias: 'us-east', version: opts.version }),
      startCluster({ alias: 'us-west', version: opts.version }),
    ]);
    await createTopic(east, 'orders', 3);
    traffic = await startTraffic({ cluster: east, topics: ['orders'], partitions: 3, intervalMs: 200, perRound: 2 });
    const mm: MirrorMaker = await startMirrorMaker({ clusters: [east, west], flows: [{ source: 'us-east', target: 'us-west' }], version: opts.version });
    daemon = await startMirrorwatch(dir, east, west);
    say(`clusters, MM2 ${mm.version} and mirrorwatch (pid ${daemon.child.pid}, ${daemon.url}) up`);

    const samples: Sample[] = [];
    const began = Date.now();
    let mm2Restarts = 0;
    let nextRestart = began + opts.mm2RestartMs;
    let nextChurn = began;
    let churnSeq = 0;
    const live: string[] = [];
    let restarting: Promise<void> | null = null;
    let failedScrapes = 0;
    let window = { p99: 0, max: 0, scrape: 0 };
    let last: Exposition | null = null;
    let nextSample = began + opts.sampleMs;

    const header = ' time s |  RSS MB | heap MB | handles | loop p99 ms | loop max ms | scrape max ms | series | topics | MM2 restarts | poll errors';
    say(header);
    while (Date.now() - began < opts.durationMs) {
      const tickStart = Date.now();
      if (daemon.child.exitCode !== null) {
        problems.push(`mirrorwatch exited (code ${daemon.child.exitCode}) after ${((Date.now() - began) / 1000).toFixed(0)} s`);
        break;
      }
      // Topic churn: a new topic with a few records; the oldest beyond four go, on both sides.
      if (Date.now() >= nextChurn && restarting === null) {
        nextChurn += opts.churnMs;
        const name = `churn-${++churnSeq}`;
        try {
          await createTopic(east, name, 2);
          live.push(name);
          while (live.length > 4) {
            const old = live.shift()!;
            await deleteTopic(east, old);
            await deleteTopic(west, `us-east.${old}`).catch(() => undefined);
          }
        } catch (err) {
          say(`topic churn: ${(err as Error).message}`);
        }
      }
      if (Date.now() >= nextRestart && restarting === null) {
        nextRestart += opts.mm2RestartMs;
        say('restarting MM2');
        restarting = mm.restart().then(
          () => {
            mm2Restarts++;
            restarting = null;
          },
          (err: unknown) => {
            problems.push(`MM2 restart failed: ${(err as Error).message}`);
            restarting = null;
          },
        );
      }
      // A scrape a second, as Prometheus would.
      try {
        const started = performance.now();
        const res = await fetch(`${daemon.url}/metrics`, { signal: AbortSignal.timeout(5000) });
        const body = await res.text();
        const ms = performance.now() - started;
        if (res.status !== 200) throw new Error(`status ${res.status}`);
        last = parseExposition(body);
        failedScrapes = 0;
        window = {
          p99: Math.max(window.p99, num(last, 'nodejs_eventloop_lag_p99_seconds') * 1000),
          max: Math.max(window.max, num(last, 'nodejs_eventloop_lag_max_seconds') * 1000),
          scrape: Math.max(window.scrape, ms),
        };
        const negative = select(last, 'mm2_replication_lag_records').filter((s) => s.value < 0);
        if (negative.length > 0) problems.push(`negative lag published: ${JSON.stringify(negative[0])}`);
      } catch (err) {
        if (++failedScrapes >= 3) problems.push(`/metrics failed 3 times in a row: ${(err as Error).message}`);
      }
      if (Date.now() >= nextSample && last) {
        nextSample += opts.sampleMs;
        const s: Sample = {
          t: Math.round((Date.now() - began) / 1000),
          rssMb: num(last, 'process_resident_memory_bytes') / 1048576,
          heapMb: num(last, 'nodejs_heap_size_used_bytes') / 1048576,
          handles: num(last, 'nodejs_active_resources_total'),
          loopP99Ms: window.p99,
          loopMaxMs: window.max,
          scrapeMaxMs: window.scrape,
          series: num(last, 'mirrorwatch_snapshot_series'),
          topics: new Set(select(last, 'mm2_partition_end_offset', { cluster: 'us-east' }).map((x) => x.labels.topic)).size,
          mm2Restarts,
          pollErrors: num(last, 'mirrorwatch_poll_errors_total') || 0,
        };
        samples.push(s);
        window = { p99: 0, max: 0, scrape: 0 };
        const f = (v: number, w: number, d = 1): string => (Number.isFinite(v) ? v.toFixed(d) : '-').padStart(w);
        say(
          `${f(s.t, 7, 0)} | ${f(s.rssMb, 7)} | ${f(s.heapMb, 7)} | ${f(s.handles, 7, 0)} | ${f(s.loopP99Ms, 11)} | ${f(s.loopMaxMs, 11)} | ${f(s.scrapeMaxMs, 13)} | ${f(s.series, 6, 0)} | ${f(s.topics, 6, 0)} | ${f(s.mm2Restarts, 12, 0)} | ${f(s.pollErrors, 11, 0)}`,
        );
      }
      if (problems.length > 0) break;
      await sleep(Math.max(0, 1000 - (Date.now() - tickStart)));
    }
    if (restarting) await restarting;

    // Slopes over the samples after the first fifth (start-up: JIT, first reads, first restart).
    const steady = samples.slice(Math.floor(samples.length / 5));
    const xs = steady.map((s) => s.t / 60);
    const report: Record<string, { first: number; last: number; min: number; max: number; slopePerMin: number }> = {};
    for (const key of ['rssMb', 'heapMb', 'handles', 'loopP99Ms', 'loopMaxMs', 'scrapeMaxMs'] as const) {
      const ys = steady.map((s) => s[key]);
      report[key] = { first: ys[0] ?? NaN, last: ys.at(-1) ?? NaN, min: Math.min(...ys), max: Math.max(...ys), slopePerMin: slope(xs, ys) };
    }
    say(`summary over ${steady.length} samples (t >= ${steady[0]?.t ?? '-'} s), least-squares slope per minute:`);
    for (const [k, r] of Object.entries(report)) {
      say(`  ${k.padEnd(12)} first ${r.first.toFixed(1).padStart(8)}  last ${r.last.toFixed(1).padStart(8)}  min ${r.min.toFixed(1).padStart(8)}  max ${r.max.toFixed(1).padStart(8)}  slope ${r.slopePerMin >= 0 ? '+' : ''}${r.slopePerMin.toFixed(3)}/min`);
    }
    say(`MM2 restarted ${mm2Restarts} time(s); ${churnSeq} topics created`);
    // Handles are counted exactly, unlike heap: a leak of sockets or timers shows as growth that
    // survives the churn. Allow the noise of a poll or a restart in flight.
    const handles = report.handles!;
    if (steady.length >= 4 && handles.last - handles.min > 25 && handles.slopePerMin > 2) {
      problems.push(`open handles keep growing: ${handles.min} -> ${handles.last} (+${handles.slopePerMin.toFixed(1)}/min)`);
    }

    // After the traffic stops, every lag must come back to zero: the figures are still right.
    await traffic.stop();
    traffic = undefined;
    const settleBy = Date.now() + 60_000;
    let lagging: string[] = [];
    while (Date.now() < settleBy) {
      const e = parseExposition(await (await fetch(`${daemon.url}/metrics`)).text());
      lagging = select(e, 'mm2_replication_lag_records', { topic: 'orders' })
        .filter((s) => s.value !== 0)
        .map((s) => `${s.labels.topic}-${s.labels.partition}=${s.value}`);
      if (lagging.length === 0 && select(e, 'mm2_replication_lag_records', { topic: 'orders' }).length === 3) break;
      await sleep(1000);
    }
    if (lagging.length > 0) problems.push(`lag did not return to 0 after the traffic stopped: ${lagging.join(', ')}`);
    else say('after the traffic stopped, lag returned to 0 on every partition of orders');

    if (opts.json) writeFileSync(opts.json, JSON.stringify({ options: opts, samples, summary: report, problems }, null, 2) + '\n');
  } catch (err) {
    problems.push(`soak aborted: ${(err as Error).stack ?? String(err)}`);
    process.stderr.write(`${logHint()}\n`);
  } finally {
    await traffic?.stop().catch(() => undefined);
    await daemon?.stop();
    await stopAll();
  }
  if (problems.length > 0) {
    for (const p of problems) process.stderr.write(`soak: PROBLEM: ${p}\n`);
    if (daemon) process.stderr.write(`mirrorwatch log: ${daemon.logFile}\n`);
    process.stdout.write('soak: 0 passed, 1 failed\n');
    return 1;
  }
  process.stdout.write('soak: 1 passed, 0 failed\n');
  return 0;
}

process.exitCode = await main();
