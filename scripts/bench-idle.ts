// What mirrorwatch costs while nothing scrapes it: two local clusters, MM2 emitting a heartbeat
// every second, a trickle of records into one 3-partition topic, and mirrorwatch (the built daemon,
// dist/) as a child process at its default poll interval. CPU is read from /proc/<pid>/stat over a
// window after a warm-up, so the figure is the daemon's own (user + system, all threads).
//
//   npm run bench:idle [-- --seconds 60 --warmup 15 --interval 10s]
//
// A benchmark, not a test: it prints CPU-seconds per minute and exits 0.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
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
  .option('--warmup <n>', 'seconds after start-up before measuring', positive, 15)
  .option('--interval <duration>', 'mirrorwatch poll.interval', '10s')
  .parse();
const opts = program.opts<{ seconds: number; warmup: number; interval: string }>();

const TICKS_PER_SECOND = 100; // USER_HZ on Linux
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function cpuSeconds(pid: number): number {
  // Fields after the command name (which may hold spaces): utime is field 14, stime 15.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
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
  const port = await freePort();
  const config = join(dir, 'mirrorwatch.yaml');
  writeFileSync(
    config,
    [
      'clusters:',
      `  - alias: dc1`,
      `    bootstrapServers: ${east.bootstrap}`,
      `  - alias: dc2`,
      `    bootstrapServers: ${west.bootstrap}`,
      'flows:',
      '  - source: dc1',
      '    target: dc2',
      'poll:',
      `  interval: ${opts.interval}`,
      'http:',
      '  host: 127.0.0.1',
      `  port: ${port}`,
      '',
    ].join('\n'),
  );
  const child = spawn(process.execPath, [join(repoRoot, 'dist/cli/main.js'), 'run', '-c', config], { stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    process.stderr.write(`mirrorwatch pid ${child.pid}; warm-up ${opts.warmup} s, then measuring ${opts.seconds} s...\n`);
    await sleep(opts.warmup * 1000);
    const pid = child.pid!;
    const before = cpuSeconds(pid);
    const started = Date.now();
    await sleep(opts.seconds * 1000);
    const used = cpuSeconds(pid) - before;
    const wall = (Date.now() - started) / 1000;
    const perMinute = (used / wall) * 60;
    console.log(`idle CPU: ${used.toFixed(2)} CPU-seconds in ${wall.toFixed(1)} s = ${perMinute.toFixed(2)} CPU-seconds per minute (poll interval ${opts.interval}, node ${process.version})`);
  } finally {
    child.kill('SIGTERM');
    await traffic.stop();
    await stopAll();
  }
}

main().catch(async (err: unknown) => {
  console.error(err);
  await stopAll();
  process.exit(1);
});
