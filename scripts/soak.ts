// Soak run: mirrorwatch, as its own process (`mirrorwatch run` from the sources), polls three real
// clusters every second for a long time while topics are created and deleted, records keep
// flowing, MirrorMaker 2 is restarted now and then, the target cluster goes away and comes back,
// and the SASL cluster changes the password mirrorwatch uses for a while (wrong-password
// episodes; the broker forces re-authentication every 10 s). Its /metrics is scraped every second,
// as Prometheus would; every sample interval a row of RSS, heap used after a forced full GC (via
// the V8 inspector), open handles (nodejs_active_resources_total) and event-loop delay is printed.
// At the end: the slope of heap-after-GC over the last half of the run with its 95 % confidence
// interval (corrected for autocorrelation, scripts/soak/stats.ts), and a PNG of every series with
// the churn events marked.
//
//   npm run soak -- --duration 60m        # the run docs/performance.md reports
//   npm run soak                          # 10 minutes
//   npm run soak:short                    # under a minute, for CI (too short to judge a slope)
//
// Options: --duration (default 10m), --sample (row interval, default 10s), --churn-every (topic
// created, old ones deleted; default 5s), --mm2-restart-every (default 2m), --outage-every /
// --outage-for (target cluster stopped, then started; default 11m / 20s; 0 = never),
// --password-every / --password-for (default 7m / 30s; 0 = never), --version (Kafka), --json FILE
// (samples, events, counts and summary), --plot FILE (PNG; default soak.png in the run directory),
// --from FILE --plot FILE (run nothing: redraw the plot of an earlier run's --json file).
// Exit code 1 when: the daemon died or stopped answering, a negative lag was published, a
// partition's lag stayed above zero after the traffic stopped, open handles kept growing, or
// (runs whose judged half spans at least 10 minutes) heap-after-GC grows: the lower end of the
// slope's 95 % interval is above zero.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDuration } from '../src/config/duration.js';
import { startSecureCluster } from '../test/harness/secure.js';
import type { SecureCluster } from '../test/harness/secure.js';
import { connectHeapProbe } from './soak/heapProbe.js';
import type { HeapProbe } from './soak/heapProbe.js';
import { plotSoak } from './soak/plot.js';
import type { PlotEvent } from './soak/plot.js';
import { slopeWithInterval } from './soak/stats.js';
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
  outageEveryMs: number;
  outageForMs: number;
  passwordEveryMs: number;
  passwordForMs: number;
  version: string | undefined;
  json: string | undefined;
  plot: string | undefined;
  from: string | undefined;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = {
    durationMs: 600_000,
    sampleMs: 10_000,
    churnMs: 5_000,
    mm2RestartMs: 120_000,
    outageEveryMs: 660_000,
    outageForMs: 20_000,
    passwordEveryMs: 420_000,
    passwordForMs: 30_000,
    version: undefined,
    json: undefined,
    plot: undefined,
    from: undefined,
  };
  const ms = (flag: string, v: string | undefined, zeroOk = false): number => {
    if (zeroOk && v === '0') return 0;
    const n = v === undefined ? null : parseDuration(v);
    if (n === null || n <= 0) throw new Error(`${flag} needs a duration such as 90s, 10m or 1h${zeroOk ? ', or 0 for never' : ''} (got ${v ?? 'nothing'})`);
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
      case '--outage-every':
        opts.outageEveryMs = ms(flag, value(), true);
        break;
      case '--outage-for':
        opts.outageForMs = ms(flag, value());
        break;
      case '--password-every':
        opts.passwordEveryMs = ms(flag, value(), true);
        break;
      case '--password-for':
        opts.passwordForMs = ms(flag, value());
        break;
      case '--plot':
        opts.plot = value();
        break;
      case '--from':
        opts.from = value();
        break;
      case '--version':
        opts.version = value();
        break;
      case '--json':
        opts.json = value();
        break;
      case '--help':
      case '-h':
        process.stdout.write(
          'usage: tsx scripts/soak.ts [--duration 10m] [--sample 10s] [--churn-every 5s] [--mm2-restart-every 2m]\n' +
            '         [--outage-every 11m] [--outage-for 20s] [--password-every 7m] [--password-for 30s]\n' +
            '         [--version 4.4.0] [--json FILE] [--plot FILE]\n' +
            '       tsx scripts/soak.ts --from RUN.json --plot FILE   (redraw an earlier run\'s plot)\n',
        );
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${flag} (try --help)`);
    }
  }
  if (opts.from !== undefined && opts.plot === undefined) throw new Error('--from needs --plot FILE (where to draw)');
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
  /** Heap used right after a forced full GC. */
  heapAfterGcMb: number;
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
  /** mirrorwatch_cluster_up of the target and of the SASL cluster at the sample. */
  targetUp: number;
  secureUp: number;
}

interface Counts {
  topicsChurned: number;
  mm2Restarts: number;
  outages: number;
  passwordEpisodes: number;
}

/** The judged window: samples of the last half of the run (the first holds start-up, JIT and caches filling) and the slope of heap-after-GC over it. */
function lastHalfFit(samples: Sample[]): { half: Sample[]; fit: ReturnType<typeof slopeWithInterval> } {
  const half = samples.filter((x) => x.t >= samples.at(-1)!.t / 2 && Number.isFinite(x.heapAfterGcMb));
  const fit = slopeWithInterval(
    half.map((x) => x.t / 60),
    half.map((x) => x.heapAfterGcMb),
  );
  return { half, fit };
}

const kbPerMin = (mbPerMin: number): string => `${mbPerMin * 1024 >= 0 ? '+' : ''}${(mbPerMin * 1024).toFixed(1)}`;

/** The PNG of a run, from what its --json file holds too (so an earlier run can be redrawn). `topicsChurned` is a string for older files that did not record it. */
function drawPlot(file: string, durationMs: number, samples: Sample[], events: PlotEvent[], counts: Omit<Counts, 'topicsChurned'> & { topicsChurned: number | string }): void {
  const { half, fit } = lastHalfFit(samples);
  const fitLine = Number.isFinite(fit.slope)
    ? (() => {
        const mx = half.reduce((a, x) => a + x.t / 60, 0) / half.length;
        const my = half.reduce((a, x) => a + x.heapAfterGcMb, 0) / half.length;
        return { from: half[0]!.t / 60, to: half.at(-1)!.t / 60, intercept: my - fit.slope * mx, slope: fit.slope, label: `last half: ${kbPerMin(fit.slope)} KB/min [${kbPerMin(fit.low)}, ${kbPerMin(fit.high)}] (95 %)` };
      })()
    : undefined;
  const pts = (k: keyof Sample): [number, number][] => samples.map((x) => [x.t / 60, x[k]]);
  plotSoak(
    file,
    `mirrorwatch soak, ${(durationMs / 60_000).toFixed(0)} min: ${counts.topicsChurned} topics churned, ${counts.mm2Restarts} MM2 restarts, ${counts.outages} outages, ${counts.passwordEpisodes} wrong-password episodes`,
    [
      { title: 'heap used after full GC', unit: 'MB', points: pts('heapAfterGcMb'), ...(fitLine ? { fit: fitLine } : {}) },
      { title: 'resident set size', unit: 'MB', points: pts('rssMb') },
      { title: 'heap used (as scraped)', unit: 'MB', points: pts('heapMb') },
      { title: 'open handles', unit: 'count', points: pts('handles') },
      { title: 'event-loop delay p99', unit: 'ms', points: pts('loopP99Ms') },
    ],
    events,
    samples.at(-1)!.t / 60,
  );
}

/** Redraws the plot of an earlier run's --json file. */
function redraw(from: string, plot: string): void {
  const run = JSON.parse(readFileSync(from, 'utf8')) as { options: { durationMs: number; churnMs: number }; samples: Sample[]; events: PlotEvent[]; counts?: Counts };
  const n = (kind: string): number => run.events.filter((e) => e.kind === kind).length;
  // Files written before the counts were stored: the events and the last sample hold all but the
  // number of topics created, which only the schedule estimates.
  const counts = run.counts ?? {
    topicsChurned: `~${Math.floor(run.options.durationMs / run.options.churnMs)}`,
    mm2Restarts: run.samples.at(-1)?.mm2Restarts ?? n('mm2-restart'),
    outages: n('outage'),
    passwordEpisodes: n('wrong-password'),
  };
  drawPlot(plot, run.options.durationMs, run.samples, run.events, counts);
  process.stdout.write(`plot: ${plot}\n`);
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
  /** V8 inspector port (loopback), for heap-after-GC. */
  inspectPort: number;
  stop(): Promise<void>;
}

const SECURE_USER = 'soak';
const SECURE_PASSWORD = `soak-${process.pid}-right`;

async function startMirrorwatch(dir: string, east: KafkaCluster, west: KafkaCluster, secure: SecureCluster): Promise<Daemon> {
  const port = await freePort();
  const inspectPort = await freePort();
  const configFile = join(dir, 'mirrorwatch.yaml');
  writeFileSync(
    configFile,
    [
      'clusters:',
      `  - { alias: ${east.alias}, bootstrapServers: "${east.bootstrap}", connectionTimeout: 500ms, requestTimeout: 600ms }`,
      `  - { alias: ${west.alias}, bootstrapServers: "${west.bootstrap}", connectionTimeout: 500ms, requestTimeout: 600ms }`,
      `  - alias: ${secure.alias}`,
      `    bootstrapServers: "${secure.saslSslBootstrap}"`,
      '    connectionTimeout: 2s',
      '    requestTimeout: 700ms',
      `    tls: { caFile: ${JSON.stringify(secure.pki.caCert)} }`,
      `    sasl: { mechanism: SCRAM-SHA-512, username: ${SECURE_USER}, passwordEnv: SOAK_SECURE_PASSWORD }`,
      'flows:',
      `  - { source: ${east.alias}, target: ${west.alias}, groups: [soak-billing] }`,
      // No MM2 copies this flow: it is there so that the SASL cluster is polled every second.
      `  - { source: ${secure.alias}, target: ${west.alias}, topics: [soak-secure], heartbeats: false }`,
      'poll: { interval: 1s, timeout: 800ms }',
      `http: { host: 127.0.0.1, port: ${port} }`,
      'logLevel: warn',
    ].join('\n') + '\n',
  );
  const logFile = join(dir, 'mirrorwatch.log');
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, [`--inspect=127.0.0.1:${inspectPort}`, '--import', 'tsx', join(repoRoot, 'src', 'cli', 'main.ts'), 'run', '-c', configFile], {
    cwd: repoRoot,
    env: { ...process.env, SOAK_SECURE_PASSWORD: SECURE_PASSWORD },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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
    inspectPort,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** Changes the SCRAM-SHA-512 password of SECURE_USER on the broker (Kafka's ConfigCommand). */
async function setScramPassword(cluster: KafkaCluster, password: string): Promise<void> {
  await cluster.runTool('ConfigCommand', ['--bootstrap-server', cluster.bootstrap, '--alter', '--entity-type', 'users', '--entity-name', SECURE_USER, '--add-config', `SCRAM-SHA-512=[password=${password}]`]);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

// ------------------------------------------------------------------ the run

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.from !== undefined) {
    redraw(opts.from, opts.plot!);
    return 0;
  }
  const dir = newRunDir('soak');
  mkdirSync(dir, { recursive: true });
  const say = (s: string): void => void process.stdout.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${s}\n`);
  say(`duration ${opts.durationMs / 1000} s, a row every ${opts.sampleMs / 1000} s, topic churn every ${opts.churnMs / 1000} s, MM2 restart every ${opts.mm2RestartMs / 1000} s; files in ${dir}`);

  const problems: string[] = [];
  let daemon: Daemon | undefined;
  let probe: HeapProbe | undefined;
  let traffic: Traffic | undefined;
  const events: PlotEvent[] = [];
  let plotFile: string | undefined;
  try {
    const [east, west, secure] = await Promise.all([
      startCluster({ alias: 'us-east', version: opts.version }),
      startCluster({ alias: 'us-west', version: opts.version }),
      // The broker makes clients re-authenticate every 30 s (kafkajs does it 10 s early), so a changed
      // password bites within 20 s, and re-authentication itself is exercised all run long.
      startSecureCluster({
        alias: 'secure',
        version: opts.version,
        users: [{ mechanism: 'SCRAM-SHA-512', username: SECURE_USER, password: SECURE_PASSWORD }],
        brokerProps: { 'connections.max.reauth.ms': '30000' },
      }),
    ]);
    await createTopic(secure, 'soak-secure', 1);
    await createTopic(east, 'orders', 3);
    traffic = await startTraffic({ cluster: east, topics: ['orders'], partitions: 3, intervalMs: 200, perRound: 2 });
    const mm: MirrorMaker = await startMirrorMaker({ clusters: [east, west], flows: [{ source: 'us-east', target: 'us-west' }], version: opts.version });
    daemon = await startMirrorwatch(dir, east, west, secure);
    probe = await connectHeapProbe(daemon.inspectPort);
    say(`clusters, MM2 ${mm.version} and mirrorwatch (pid ${daemon.child.pid}, ${daemon.url}, inspector :${daemon.inspectPort}) up`);

    const samples: Sample[] = [];
    const began = Date.now();
    let mm2Restarts = 0;
    let nextRestart = began + opts.mm2RestartMs;
    let nextChurn = began;
    let churnSeq = 0;
    const live: string[] = [];
    // An MM2 restart and a target outage never overlap (nor topic churn with either: it deletes
    // topics on the target). Password episodes touch only the SASL cluster, so they run alongside.
    let restarting: Promise<void> | null = null;
    let outages = 0;
    let nextOutage = opts.outageEveryMs > 0 ? began + opts.outageEveryMs : Infinity;
    let passwordEpisodes = 0;
    let nextPassword = opts.passwordEveryMs > 0 ? began + opts.passwordEveryMs : Infinity;
    let passwordEpisode: Promise<void> | null = null;
    const atMin = (): number => (Date.now() - began) / 60_000;
    let failedScrapes = 0;
    let window = { p99: 0, max: 0, scrape: 0 };
    let last: Exposition | null = null;
    let nextSample = began + opts.sampleMs;

    const header = ' time s |  RSS MB | heap MB | after GC MB | handles | loop p99 ms | loop max ms | scrape max ms | series | topics | MM2 restarts | poll errors | up west/secure';
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
      if (Date.now() >= nextOutage && restarting === null) {
        nextOutage += opts.outageEveryMs;
        say(`target cluster ${west.alias} stopped for ${opts.outageForMs / 1000} s`);
        events.push({ atMin: atMin(), kind: 'outage' });
        restarting = (async () => {
          await west.stop();
          await sleep(opts.outageForMs);
          await west.start();
        })().then(
          () => {
            outages++;
            restarting = null;
            say(`target cluster ${west.alias} back`);
          },
          (err: unknown) => {
            problems.push(`target outage: ${(err as Error).message}`);
            restarting = null;
          },
        );
      }
      if (Date.now() >= nextPassword && passwordEpisode === null) {
        nextPassword += opts.passwordEveryMs;
        say(`SASL cluster: mirrorwatch's password made wrong for ${opts.passwordForMs / 1000} s`);
        events.push({ atMin: atMin(), kind: 'wrong-password' });
        passwordEpisode = (async () => {
          await setScramPassword(secure, `soak-${process.pid}-wrong-${passwordEpisodes}`);
          await sleep(opts.passwordForMs);
          await setScramPassword(secure, SECURE_PASSWORD);
        })().then(
          () => {
            passwordEpisodes++;
            passwordEpisode = null;
          },
          (err: unknown) => {
            problems.push(`wrong-password episode: ${(err as Error).message}`);
            passwordEpisode = null;
          },
        );
      }
      if (Date.now() >= nextRestart && restarting === null) {
        nextRestart += opts.mm2RestartMs;
        say('restarting MM2');
        events.push({ atMin: atMin(), kind: 'mm2-restart' });
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
        let afterGc = NaN;
        try {
          afterGc = (await probe.usedAfterGc()) / 1048576;
        } catch (err) {
          problems.push(`heap probe: ${(err as Error).message}`);
        }
        const up = (alias: string): number => num(last!, 'mirrorwatch_cluster_up', { cluster: alias });
        const s: Sample = {
          t: Math.round((Date.now() - began) / 1000),
          rssMb: num(last, 'process_resident_memory_bytes') / 1048576,
          heapMb: num(last, 'nodejs_heap_size_used_bytes') / 1048576,
          heapAfterGcMb: afterGc,
          handles: num(last, 'nodejs_active_resources_total'),
          loopP99Ms: window.p99,
          loopMaxMs: window.max,
          scrapeMaxMs: window.scrape,
          series: num(last, 'mirrorwatch_snapshot_series'),
          topics: new Set(select(last, 'mm2_partition_end_offset', { cluster: 'us-east' }).map((x) => x.labels.topic)).size,
          mm2Restarts,
          pollErrors: num(last, 'mirrorwatch_poll_errors_total') || 0,
          targetUp: up(west.alias),
          secureUp: up(secure.alias),
        };
        samples.push(s);
        window = { p99: 0, max: 0, scrape: 0 };
        const f = (v: number, w: number, d = 1): string => (Number.isFinite(v) ? v.toFixed(d) : '-').padStart(w);
        say(
          `${f(s.t, 7, 0)} | ${f(s.rssMb, 7)} | ${f(s.heapMb, 7)} | ${f(s.heapAfterGcMb, 11, 2)} | ${f(s.handles, 7, 0)} | ${f(s.loopP99Ms, 11)} | ${f(s.loopMaxMs, 11)} | ${f(s.scrapeMaxMs, 13)} | ${f(s.series, 6, 0)} | ${f(s.topics, 6, 0)} | ${f(s.mm2Restarts, 12, 0)} | ${f(s.pollErrors, 11, 0)} | ${f(s.targetUp, 4, 0)}/${f(s.secureUp, 1, 0)}`,
        );
      }
      if (problems.length > 0) break;
      await sleep(Math.max(0, 1000 - (Date.now() - tickStart)));
    }
    if (restarting) await restarting;
    if (passwordEpisode) await passwordEpisode;

    // Slopes over the samples after the first fifth (start-up: JIT, first reads, first restart).
    const steady = samples.slice(Math.floor(samples.length / 5));
    const xs = steady.map((s) => s.t / 60);
    const report: Record<string, { first: number; last: number; min: number; max: number; slopePerMin: number }> = {};
    for (const key of ['rssMb', 'heapMb', 'heapAfterGcMb', 'handles', 'loopP99Ms', 'loopMaxMs', 'scrapeMaxMs'] as const) {
      const ys = steady.map((s) => s[key]);
      report[key] = { first: ys[0] ?? NaN, last: ys.at(-1) ?? NaN, min: Math.min(...ys), max: Math.max(...ys), slopePerMin: slope(xs, ys) };
    }
    say(`summary over ${steady.length} samples (t >= ${steady[0]?.t ?? '-'} s), least-squares slope per minute:`);
    for (const [k, r] of Object.entries(report)) {
      say(`  ${k.padEnd(12)} first ${r.first.toFixed(1).padStart(8)}  last ${r.last.toFixed(1).padStart(8)}  min ${r.min.toFixed(1).padStart(8)}  max ${r.max.toFixed(1).padStart(8)}  slope ${r.slopePerMin >= 0 ? '+' : ''}${r.slopePerMin.toFixed(3)}/min`);
    }
    say(`MM2 restarted ${mm2Restarts} time(s); ${churnSeq} topics created; target outages ${outages}; wrong-password episodes ${passwordEpisodes}`);
    if (passwordEpisodes > 0 && !samples.some((x) => x.secureUp === 0)) {
      problems.push(`${passwordEpisodes} wrong-password episode(s), but no sample showed the SASL cluster down: the episodes did not reach mirrorwatch`);
    }
    if (outages > 0 && !samples.some((x) => x.targetUp === 0)) problems.push(`${outages} target outage(s), but no sample showed ${west.alias} down`);

    // The decision: heap after a full GC over the last half of the run (the first half holds
    // start-up, JIT and caches filling). A leak is a slope whose 95 % interval lies above zero.
    const { half, fit } = lastHalfFit(samples);
    const spanMin = half.length > 1 ? (half.at(-1)!.t - half[0]!.t) / 60 : 0;
    const judged = half.length >= 20 && spanMin >= 10;
    const heapVerdict = !Number.isFinite(fit.slope)
      ? 'no estimate (too few samples)'
      : `${kbPerMin(fit.slope)} KB/min, 95 % interval [${kbPerMin(fit.low)}, ${kbPerMin(fit.high)}] KB/min over ${half.length} samples (${spanMin.toFixed(1)} min, effective n ${fit.nEffective.toFixed(0)}, lag-1 autocorrelation ${fit.r1.toFixed(2)})`;
    say(`heap after GC, last half: ${heapVerdict}`);
    if (!judged) say('heap slope not judged: the last half must hold 20 samples over 10 minutes or more');
    else if (fit.low > 0) problems.push(`heap after GC grows: ${heapVerdict}`);
    else say('heap after GC: no growth distinguishable from zero (a plateau)');
    plotFile = opts.plot ?? join(dir, 'soak.png');
    const counts: Counts = { topicsChurned: churnSeq, mm2Restarts, outages, passwordEpisodes };
    drawPlot(plotFile, opts.durationMs, samples, events, counts);
    say(`plot: ${plotFile}`);
    Object.assign(report, { heapAfterGcLastHalf: { ...fit, judged, spanMin } });
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
    // Every outage and episode ended: each cluster is up again in mirrorwatch's eyes.
    const upBy = Date.now() + 60_000;
    let down: string[] = [];
    while (Date.now() < upBy) {
      const e = parseExposition(await (await fetch(`${daemon.url}/metrics`)).text());
      down = [west.alias, secure.alias, east.alias].filter((a) => num(e, 'mirrorwatch_cluster_up', { cluster: a }) !== 1);
      if (down.length === 0) break;
      await sleep(1000);
    }
    if (down.length > 0) problems.push(`cluster(s) still down for mirrorwatch after the last outage/episode: ${down.join(', ')}`);

    if (opts.json) writeFileSync(opts.json, JSON.stringify({ options: opts, samples, events, counts, summary: report, problems }, null, 2) + '\n');
  } catch (err) {
    problems.push(`soak aborted: ${(err as Error).stack ?? String(err)}`);
    process.stderr.write(`${logHint()}\n`);
  } finally {
    await traffic?.stop().catch(() => undefined);
    probe?.close();
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
