// `npm run demo`: two local Kafka clusters (us-east, us-west), MirrorMaker 2 replicating
// us-east -> us-west, a small bursty traffic generator and mirrorwatch, all on this machine.
// Prints the URLs and a one-line summary every few seconds; Ctrl-C (or SIGTERM) stops everything.
//
//   npm run demo -- [--port 9467] [--version 3.9.2] [--interval 5]
//
// It runs as `node --import tsx` (package.json), not through the tsx CLI: on SIGINT/SIGTERM the tsx
// CLI SIGKILLs its child unless it acknowledges within 30 ms, which a busy two-core machine misses,
// and then nothing stops MM2 and the brokers gracefully. `exec` lets a signal sent to npm alone
// reach node (dash does not forward it).
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createWriteStream, writeFileSync } from 'node:fs';
import { loadConfig } from '../src/config/load.js';
import type { FlowStatus, Snapshot } from '../src/core/types.js';
import { startDaemon } from '../src/daemon.js';
import type { Daemon } from '../src/daemon.js';
import { createLogger } from '../src/log.js';
import { createTopic, ensureKafka, kafkaVersion, startCluster, startMirrorMaker, stopAll } from '../test/harness/kafka.js';
import { newRunDir } from '../test/harness/paths.js';
import { startTraffic } from '../test/integration/helpers/traffic.js';
import type { Traffic } from '../test/integration/helpers/traffic.js';

const TOPICS = ['orders', 'payments', 'users'];
const PARTITIONS = 3;
const DEFAULT_PORT = 9467;

interface DemoOptions {
  port: number | null;
  version: string;
  summaryEverySeconds: number;
}

function usage(message?: string): never {
  if (message) process.stderr.write(`demo: ${message}\n`);
  process.stderr.write('usage: npm run demo -- [--port N] [--version 4.4.0|3.9.2] [--interval SECONDS]\n');
  process.exit(2);
}

function parseArgs(argv: string[]): DemoOptions {
  const opts: DemoOptions = { port: null, version: kafkaVersion(), summaryEverySeconds: 5 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => argv[++i] ?? usage(`${arg} needs a value`);
    if (arg === '--port') {
      const port = Number(value());
      if (!Number.isInteger(port) || port < 1 || port > 65535) usage('--port must be a TCP port number');
      opts.port = port;
    } else if (arg === '--version') opts.version = value();
    else if (arg === '--interval') {
      const s = Number(value());
      if (!(s >= 1)) usage('--interval must be at least 1 (seconds)');
      opts.summaryEverySeconds = s;
    } else if (arg === '--help' || arg === '-h') usage();
    else usage(`unknown argument ${arg}`);
  }
  return opts;
}

let shuttingDown = false;

const clock = (): string => new Date().toISOString().slice(11, 19);
const say = (line: string): void => console.log(`[${clock()}] ${line}`);

/** `preferred`, or the next port that is free on loopback. */
async function freePortFrom(preferred: number, attempts = 20): Promise<number> {
  for (let port = preferred; port < preferred + attempts; port++) {
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port in ${preferred}..${preferred + attempts - 1}; pass --port`);
}

// Mostly a trickle (a record per partition every 1.5 s), and every ~20 s a burst of a few
// thousand records per partition, so MM2 visibly falls behind and catches up.
const BURST_EVERY_ROUNDS = 40;
const BURST_RECORDS = 2000;
const perRound = (round: number): number => (round % BURST_EVERY_ROUNDS === BURST_EVERY_ROUNDS - 1 ? BURST_RECORDS : round % 3 === 0 ? 1 : 0);

function fmtSeconds(s: number | null): string {
  if (s === null) return 'n/a';
  return s < 10 ? `${s.toFixed(1)} s` : `${Math.round(s)} s`;
}

function flowLine(flow: FlowStatus, snapshot: Snapshot, peak: number | undefined): string {
  const t = flow.totals;
  const lag = t.lagRecords === null ? 'unknown' : `${t.lagRecords} records`;
  const peakText = peak !== undefined && peak > (t.lagRecords ?? 0) ? `, peak ${peak} since last line` : '';
  const hb = flow.heartbeat.expected ? fmtSeconds(flow.heartbeat.ageSeconds) : 'not expected';
  const down = snapshot.clusters.filter((c) => (c.alias === flow.source || c.alias === flow.target) && !c.up).map((c) => c.alias);
  const ready = flow.failover.ready ? 'ready' : `NOT ready (${flow.failover.reasons[0] ?? 'no reason given'})`;
  return [
    `${flow.source}->${flow.target}`,
    `lag ${lag} (max ${fmtSeconds(t.maxLagSeconds)}${peakText})`,
    `heartbeat age ${hb}`,
    `failover ${ready}`,
    ...(t.recordsLost > 0 ? [`LOST ${t.recordsLost} records`] : []),
    ...(down.length > 0 ? [`cluster down: ${down.join(', ')}`] : []),
  ].join(' | ');
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const since = (): string => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  let daemon: Daemon | null = null;
  let traffic: Traffic | null = null;
  let ticker: NodeJS.Timeout | null = null;
  let stopping: Promise<void> | null = null;

  // The demo owns the shutdown order: traffic and mirrorwatch first (nothing then talks to
  // brokers that are going away), then MM2, then the brokers. npm and tsx relay a terminal's
  // Ctrl-C, so the signal may arrive twice: the second is ignored.
  const shutdown = (signal: string): Promise<void> => {
    stopping ??= (async () => {
      shuttingDown = true;
      say(`${signal}: stopping traffic, mirrorwatch, MM2 and both clusters...`);
      if (ticker) clearInterval(ticker);
      await traffic?.stop().catch(() => undefined);
      await daemon?.stop().catch(() => undefined);
      await stopAll();
      say(`stopped after ${since()} in total. Bye.`);
      process.exit(0);
    })();
    return stopping;
  };
  const onSignal = (sig: NodeJS.Signals): void => void shutdown(sig);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, onSignal);
  // The harness installs its own SIGINT/SIGTERM handlers when it starts the first JVM (stop
  // everything, then exit 130/143): in the demo they would race the ordered stop above and exit
  // before it finishes. Its 'exit' handler (kill any JVM left) stays.
  const keepOnlyOurSignalHandlers = (): void => {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      for (const l of process.listeners(sig)) if (l !== onSignal) process.removeListener(sig, l);
    }
  };

  say(`mirrorwatch demo: Kafka ${opts.version}. The first run downloads the Kafka jars from Maven Central (mvn; a few minutes, progress below).`);
  const install = await ensureKafka(opts.version);
  say(`Kafka jars ready (broker ${install.version}, MirrorMaker 2 ${install.mm2Version}) after ${since()}`);

  say('starting clusters us-east and us-west (single-node KRaft)...');
  const [east, west] = await Promise.all([
    startCluster({ alias: 'us-east', version: opts.version }),
    startCluster({ alias: 'us-west', version: opts.version }),
  ]);
  keepOnlyOurSignalHandlers();
  say(`us-east ${east.bootstrap} (log ${east.logFile})`);
  say(`us-west ${west.bootstrap} (log ${west.logFile})`);
  for (const topic of TOPICS) await createTopic(east, topic, PARTITIONS);
  say(`topics ${TOPICS.join(', ')} (${PARTITIONS} partitions each) created on us-east`);

  say('starting MirrorMaker 2 us-east->us-west...');
  const mm = await startMirrorMaker({ clusters: [east, west], flows: [{ source: 'us-east', target: 'us-west' }], version: opts.version });
  say(`MM2 ${mm.version} running (config ${mm.propertiesFile}, log ${mm.logFile}) after ${since()}`);

  traffic = await startTraffic({ cluster: east, topics: TOPICS, partitions: PARTITIONS, intervalMs: 500, perRound });
  say(`traffic: a trickle into every partition, a burst of ${BURST_RECORDS} records per partition every ~${(BURST_EVERY_ROUNDS * 0.5).toFixed(0)} s`);

  const dir = newRunDir('mirrorwatch-demo');
  const configFile = join(dir, 'mirrorwatch.yaml');
  const logFile = join(dir, 'mirrorwatch.log');
  const port = opts.port ?? (await freePortFrom(DEFAULT_PORT));
  writeFileSync(
    configFile,
    [
      '# written by npm run demo',
      'clusters:',
      '  - alias: us-east',
      `    bootstrapServers: ${east.bootstrap}`,
      '    requestTimeout: 800ms',
      '  - alias: us-west',
      `    bootstrapServers: ${west.bootstrap}`,
      '    requestTimeout: 800ms',
      'flows:',
      '  - source: us-east',
      '    target: us-west',
      'poll:',
      '  interval: 1s',
      '  timeout: 900ms',
      'http:',
      '  host: 127.0.0.1',
      `  port: ${port}`,
      '',
    ].join('\n'),
  );
  const config = loadConfig(configFile);
  const logger = createLogger(config.logLevel, createWriteStream(logFile, { flags: 'a' }));
  daemon = await startDaemon({ config, logger });
  const url = daemon.address.url;
  say(`mirrorwatch running after ${since()} (config ${configFile}, log ${logFile})`);
  console.log('');
  console.log(`  ${url}/                                   links`);
  console.log(`  ${url}/metrics                            Prometheus metrics`);
  console.log(`  ${url}/api/v1/flows                       flows, lag, heartbeats`);
  console.log(`  ${url}/api/v1/flows/us-east/us-west       per topic and partition (with the basis of each figure)`);
  console.log(`  ${url}/api/v1/flows/us-east/us-west/failover`);
  console.log(`  ${url}/healthz   ${url}/readyz`);
  console.log('');
  say('Ctrl-C stops everything.');

  // Bursts are copied within seconds: remember the highest lag of every snapshot between two
  // summary lines, so a burst shows even when a line falls after MM2 caught up.
  const peaks = new Map<string, number>();
  let lastSequence = -1;
  let ticks = 0;
  const ticksPerLine = Math.max(1, Math.round((opts.summaryEverySeconds * 1000) / 250));
  const tick = (): void => {
    const snapshot = daemon?.latest();
    if (snapshot && snapshot.sequence !== lastSequence) {
      lastSequence = snapshot.sequence;
      for (const f of snapshot.flows) {
        const key = `${f.source}->${f.target}`;
        peaks.set(key, Math.max(peaks.get(key) ?? 0, f.totals.lagRecords ?? 0));
      }
    }
    if (++ticks % ticksPerLine !== 0) return;
    const produced = traffic ? [...traffic.produced.values()].reduce((a, b) => a + b, 0) : 0;
    if (!snapshot) {
      say(`waiting for the first poll... (produced ${produced})`);
      return;
    }
    for (const flow of snapshot.flows) say(`${flowLine(flow, snapshot, peaks.get(`${flow.source}->${flow.target}`))} | produced ${produced}`);
    peaks.clear();
    if (traffic?.error) say(`traffic generator stopped: ${traffic.error.message}`);
  };
  ticker = setInterval(tick, 250);
}

main().catch(async (err: unknown) => {
  // Interrupted while starting: the signal handler is already stopping everything.
  if (shuttingDown) return;
  console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
  await stopAll();
  process.exit(1);
});
