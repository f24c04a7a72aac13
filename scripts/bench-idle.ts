// What mirrorwatch costs while nothing scrapes it: two local clusters, MM2 emitting a heartbeat
// every second, a trickle of records into one 3-partition topic, and mirrorwatch (the built daemon,
// dist/) as a child process at its default poll interval. CPU is read from /proc/<pid>/stat over a
// window after a warm-up, so the figure is the daemon's own (user + system, all threads).
//
//   npm run bench:idle [-- --seconds 60 --warmup 200 --interval 10s --follow both --node-flags '...']
//
// A benchmark, not a test: it prints CPU-seconds per minute and the Kafka requests per second per
// cluster (from mirrorwatch_kafka_requests_total, scraped once before and once after the window),
// with following of MM2's topics between polls on and off (poll.follow), and exits 0. The warm-up
// lets the count audit (on by default, first bucket settled after about three minutes) take part,
// and the CPU is split by thread (JavaScript, V8's helpers: garbage collection) and user/kernel.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { createTopic, startCluster, startMirrorMaker, stopAll } from '../test/harness/kafka.js';
import { newRunDir, repoRoot } from '../test/harness/paths.js';
import { freePort } from '../test/harness/ports.js';
import { startTraffic } from '../test/integration/helpers/traffic.js';

const positive = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number');
  return n;
};

const program = new Command('bench:idle')
  .description("mirrorwatch's CPU while idle (no scrapes) on a 3-partition flow with MM2 and a trickle")
  .option('--seconds <n>', 'measured window', positive, 60)
  .option('--warmup <n>', 'seconds after start-up before measuring (the count audit reads its first bucket after ~3 min)', positive, 200)
  .option('--interval <duration>', 'mirrorwatch poll.interval', '10s')
  .option('--follow <mode>', 'poll.follow: on, off or both (one run each, same clusters)', 'both')
  .option('--node-flags <flags>', 'extra flags for the daemon\'s node (space-separated), e.g. "--single-threaded-gc"', '')
  .option('--follow-max-wait <duration>', 'poll.followMaxWait (the default is 1s)')
  .option('--profile <dir>', 'write a V8 CPU profile of each daemon run (node --cpu-prof) into <dir>')
  .parse();
const opts = program.opts<{ seconds: number; warmup: number; interval: string; follow: string; nodeFlags: string; followMaxWait?: string; profile?: string }>();

const TICKS_PER_SECOND = 100; // USER_HZ on Linux
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** utime and stime in seconds from a /proc stat line (fields after the command name, which may hold spaces). */
function statTimes(stat: string): { user: number; system: number } {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[11]) / TICKS_PER_SECOND, system: Number(fields[12]) / TICKS_PER_SECOND };
}

function cpuSeconds(pid: number): number {
  const t = statTimes(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  return t.user + t.system;
}

/** Resident set size in MiB. */
function rssMiB(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb ?? 0) / 1024;
}

/** Per thread group (by thread name: the main thread, V8's workers, libuv's pool), user and system seconds. */
function threadTimes(pid: number): Map<string, { user: number; system: number }> {
  const out = new Map<string, { user: number; system: number }>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = tid === String(pid) ? 'main' : readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim().replace(/\d+$/, '');
      const t = statTimes(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'));
      const sum = out.get(name) ?? { user: 0, system: 0 };
      out.set(name, { user: sum.user + t.user, system: sum.system + t.system });
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

/** mirrorwatch_kafka_requests_total summed per cluster (and per cluster and api). */
async function requestCounts(port: number): Promise<Map<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^mirrorwatch_kafka_requests_total\{(.*)\} (\S+)$/.exec(line);
    if (!m) continue;
    const cluster = /cluster="([^"]*)"/.exec(m[1]!)?.[1] ?? '?';
    const api = /api="([^"]*)"/.exec(m[1]!)?.[1] ?? '?';
    const n = Number(m[2]);
    out.set(cluster, (out.get(cluster) ?? 0) + n);
    out.set(`${cluster} ${api}`, (out.get(`${cluster} ${api}`) ?? 0) + n);
  }
  return out;
}

async function main(): Promise<void> {
  const dir = newRunDir('bench-idle');
  process.stderr.write('starting two clusters and MM2...\n');
  const [east, west] = await Promise.all([startCluster({ alias: 'dc1' }), startCluster({ alias: 'dc2' })]);
  await createTopic(east, 'orders', 3);
  await startMirrorMaker({
    clusters: [east, west],
    flows: [{ source: 'dc1', target: 'dc2' }],
    extraProps: { 'emit.heartbeats.interval.seconds': '1' },
  });
  const traffic = await startTraffic({ cluster: east, topics: ['orders'], partitions: 3, intervalMs: 150 });
  const modes = opts.follow === 'both' ? [true, false] : [opts.follow === 'on'];
  try {
    for (const follow of modes) await measure(dir, east.bootstrap, west.bootstrap, follow);
  } finally {
    await traffic.stop();
    await stopAll();
  }
}

async function measure(dir: string, eastBootstrap: string, westBootstrap: string, follow: boolean): Promise<void> {
  const port = await freePort();
  const config = join(dir, `mirrorwatch-follow-${follow ? 'on' : 'off'}.yaml`);
  writeFileSync(
    config,
    [
      'clusters:',
      `  - alias: dc1`,
      `    bootstrapServers: ${eastBootstrap}`,
      `  - alias: dc2`,
      `    bootstrapServers: ${westBootstrap}`,
      'flows:',
      '  - source: dc1',
      '    target: dc2',
      'poll:',
      `  interval: ${opts.interval}`,
      `  follow: ${follow}`,
      ...(opts.followMaxWait ? [`  followMaxWait: ${opts.followMaxWait}`] : []),
      'http:',
      '  host: 127.0.0.1',
      `  port: ${port}`,
      '',
    ].join('\n'),
  );
  const profile = opts.profile ? ['--cpu-prof', '--cpu-prof-dir', opts.profile, '--cpu-prof-name', `follow-${follow ? 'on' : 'off'}.cpuprofile`] : [];
  const child = spawn(process.execPath, [...opts.nodeFlags.split(' ').filter(Boolean), ...profile, join(repoRoot, 'dist/cli/main.js'), 'run', '-c', config], { stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    process.stderr.write(`follow ${follow ? 'on' : 'off'}: mirrorwatch pid ${child.pid}; warm-up ${opts.warmup} s, then measuring ${opts.seconds} s...\n`);
    await sleep(opts.warmup * 1000);
    const pid = child.pid!;
    // The two scrapes stay outside the CPU window: "idle" means nothing scrapes meanwhile.
    const requestsBefore = await requestCounts(port);
    const before = cpuSeconds(pid);
    const threadsBefore = threadTimes(pid);
    const started = Date.now();
    await sleep(opts.seconds * 1000);
    const used = cpuSeconds(pid) - before;
    const threadsAfter = threadTimes(pid);
    const rss = rssMiB(pid);
    const wall = (Date.now() - started) / 1000;
    const requestsAfter = await requestCounts(port);
    const perMinute = (used / wall) * 60;
    console.log(
      `follow ${follow ? 'on ' : 'off'}: idle CPU: ${used.toFixed(2)} CPU-seconds in ${wall.toFixed(1)} s = ${perMinute.toFixed(2)} CPU-seconds per minute (poll interval ${opts.interval}, node ${process.version}${opts.nodeFlags ? ` ${opts.nodeFlags}` : ''})`,
    );
    // Where the time goes: the JavaScript thread or V8's helpers (GC), and user or kernel time.
    const split = [...threadsAfter]
      .map(([name, t]) => {
        const b = threadsBefore.get(name) ?? { user: 0, system: 0 };
        return { name, user: ((t.user - b.user) / wall) * 60, system: ((t.system - b.system) / wall) * 60 };
      })
      .filter((t) => t.user + t.system > 0)
      .map((t) => `${t.name} ${t.user.toFixed(2)} user + ${t.system.toFixed(2)} sys`)
      .join(', ');
    console.log(`  per minute by thread: ${split}; RSS ${rss.toFixed(0)} MiB`);
    const rate = (k: string) => ((requestsAfter.get(k) ?? 0) - (requestsBefore.get(k) ?? 0)) / wall;
    for (const cluster of ['dc1', 'dc2']) {
      const apis = [...requestsAfter.keys()]
        .filter((k) => k.startsWith(`${cluster} `) && rate(k) > 0)
        .map((k) => `${k.slice(cluster.length + 1)} ${rate(k).toFixed(2)}`)
        .join(', ');
      console.log(`  ${cluster}: ${rate(cluster).toFixed(2)} Kafka requests/s (${apis})`);
    }
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

main().catch(async (err: unknown) => {
  console.error(err);
  await stopAll();
  process.exit(1);
});
