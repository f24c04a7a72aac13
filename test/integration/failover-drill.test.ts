// Issue 3 scenarios a-f on real Kafka and a real MM2 (us-east -> us-west; Kafka from $KAFKA_VERSION,
// default 4.4.0): checkpoints and checkpoint lag, lag seconds while MM2 is stopped, `wait` timing
// out, data lost to retention, the failover drill with the runbook script and a consumer resuming
// on the target, and failback over the reverse flow. The tests run in order on shared clusters;
// each starts from the state the previous one left. Every figure mirrorwatch reports is compared
// with one read back independently from Kafka (end offsets, committed offsets, MM2's topics).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTopic,
  deleteTopic,
  endOffsets,
  groupOffsets,
  kafkaClient,
  produce,
  readRecords,
  startCluster,
  startMirrorMaker,
} from '../harness/kafka.js';
import type { KafkaCluster, MirrorMaker } from '../harness/kafka.js';
import { useKafkaHarness } from '../harness/vitest.js';
import { loadConfig } from '../../src/config/load.js';
import type { FlowStatus, Snapshot } from '../../src/core/types.js';
import { startDaemon, type Daemon } from '../../src/daemon.js';
import { createLogger } from '../../src/log.js';
import { select, valueOf } from '../unit/metrics/parse-exposition.js';
import {
  MIRRORWATCH_COMMAND,
  REPO,
  Traffic,
  allOffsetSyncs,
  consumeAndCommit,
  latestCheckpoints,
  mirrorwatch,
  run,
  scrape,
  sleep,
  until,
  writeConfig,
  type ProcessedRecord,
} from './failover-support.js';

useKafkaHarness();

const EAST = 'us-east';
const WEST = 'us-west';
const FLOW = `${EAST}->${WEST}`;
const REVERSE = `${WEST}->${EAST}`;
const CHECKPOINT_INTERVAL_S = 2; // the harness's emit.checkpoints.interval.seconds
const POLL_INTERVAL_S = 1;

let east: KafkaCluster;
let west: KafkaCluster;
let mm: MirrorMaker;
let daemon: Daemon;
let dir: string;
/** For the in-process daemon: polls every second. */
let daemonConfig: string;
/** For the CLI and the scripts: one-shot polls with room for a contended machine. */
let cliConfig: string;
const notes: string[] = [];

const flowOf = (s: Snapshot | null, source = EAST, target = WEST): FlowStatus | undefined => s?.flows.find((f) => f.source === source && f.target === target);
const part = (f: FlowStatus | undefined, topic: string, p: number) => f?.topics.find((t) => t.topic === topic)?.partitions.find((x) => x.partition === p);

/** A snapshot taken after `afterMs` whose flow satisfies `ok`. */
async function snapshotWhere(what: string, ok: (f: FlowStatus) => boolean, timeoutMs: number, afterMs = Date.now()): Promise<Snapshot> {
  return until(
    what,
    () => {
      const s = daemon.latest();
      const f = flowOf(s);
      return s && f && s.takenAtMs > afterMs && ok(f) ? s : undefined;
    },
    timeoutMs,
    200,
  );
}

const lagZero = (topics: string[]) => (f: FlowStatus) =>
  topics.every((t) => {
    const ts = f.topics.find((x) => x.topic === t);
    return ts !== undefined && ts.partitions.length > 0 && ts.partitions.every((p) => p.lagRecords === 0);
  });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mw-failover-'));
  // Retention runs every second (default 5 min, after a 30 s initial delay) for scenario d.
  const brokerProps = { 'log.retention.check.interval.ms': '1000', 'log.initial.task.delay.ms': '1000' };
  [east, west] = await Promise.all([startCluster({ alias: EAST, brokerProps }), startCluster({ alias: WEST, brokerProps })]);
  await createTopic(east, 'orders', 3);
  await createTopic(east, 'ephemeral', 1, { 'segment.ms': '1000' });
  mm = await startMirrorMaker({ clusters: [east, west], flows: [{ source: EAST, target: WEST }] });
  const flows = [
    { source: EAST, target: WEST, groups: ['billing', 'shipping'] },
    { source: WEST, target: EAST },
  ];
  daemonConfig = writeConfig(join(dir, 'daemon.yaml'), [east, west], flows, { interval: '1s', timeout: '900ms', requestTimeout: '800ms' });
  cliConfig = writeConfig(join(dir, 'cli.yaml'), [east, west], flows, { interval: '10s', timeout: '8s', requestTimeout: '5s' });
  const config = loadConfig(daemonConfig);
  daemon = await startDaemon({ config, logger: createLogger('warn', process.stderr), httpPort: 0, httpHost: '127.0.0.1' });
}, 180_000);

afterAll(async () => {
  await daemon?.stop();
  if (notes.length > 0) console.log(`\nfailover scenarios, figures:\n${notes.map((n) => `  ${n}`).join('\n')}\n`);
});

describe('failover readiness on real Kafka and MM2', () => {
  it('a. checkpoints arrive while a group commits; their age stays under two checkpoint intervals', async () => {
    const traffic = await new Traffic(east, 'orders', { partitions: [0, 1, 2], intervalMs: 200, perTick: 2, prefix: 'a' }).start();
    await produce(east, 'ephemeral', { partition: 0, count: 20, keyPrefix: 'eph' });
    // The group follows the traffic, committing every record, while we watch its checkpoints.
    const stopConsumer = new AbortController();
    const consumer = consumeAndCommit(east, { group: 'billing', topic: 'orders', timeoutMs: 120_000, signal: stopConsumer.signal });
    const first = await snapshotWhere('a first checkpoint of billing', (f) => (f.checkpoints.find((c) => c.group === 'billing')?.ageSeconds ?? null) !== null, 60_000);
    const ages: number[] = [];
    const until10s = first.takenAtMs + 10_000;
    let seq = first.sequence;
    while (Date.now() < until10s) {
      const s = daemon.latest();
      if (s && s.sequence !== seq) {
        seq = s.sequence;
        const age = flowOf(s)?.checkpoints.find((c) => c.group === 'billing')?.ageSeconds;
        if (typeof age === 'number') ages.push(age);
      }
      await sleep(100);
    }
    await traffic.stop();
    expect(ages.length).toBeGreaterThan(5);
    notes.push(`a: checkpoint age while billing commits: max ${Math.max(...ages).toFixed(2)} s over ${ages.length} snapshots (bound ${2 * CHECKPOINT_INTERVAL_S} s)`);
    expect(Math.max(...ages)).toBeLessThan(2 * CHECKPOINT_INTERVAL_S);
    // Let the group finish what was produced, then everything must be copied and checkpointed.
    await sleep(2000);
    stopConsumer.abort();
    expect((await consumer).length).toBeGreaterThan(0);
    await snapshotWhere(
      'orders and ephemeral copied, billing checkpointed up to its commits',
      (f) => lagZero(['orders', 'ephemeral'])(f) && (f.checkpoints.find((c) => c.group === 'billing')?.partitions ?? []).length === 3 && f.checkpoints.find((c) => c.group === 'billing')!.partitions.every((p) => p.lagRecords === 0),
      60_000,
    );
  });

  it('e. MM2 stopped for T seconds while traffic flows: lag seconds is T within one poll interval plus 1 s', async () => {
    const traffic = await new Traffic(east, 'orders', { partitions: [0], intervalMs: 100, perTick: 1, prefix: 'e' }).start();
    await sleep(1500);
    const stopCalled = Date.now();
    await mm.stop();
    const stopped = Date.now();
    await sleep(15_000);
    const s = await snapshotWhere('a snapshot with orders-0 lagging', (f) => (part(f, 'orders', 0)?.lagRecords ?? 0) > 0 && part(f, 'orders', 0)?.lagSeconds !== null, 10_000);
    const records = await traffic.stop();
    const p0 = part(flowOf(s), 'orders', 0)!;
    // The first record MM2 did not copy, and when it was appended: the exact age the figure estimates.
    const firstUncopied = records.find((r) => r.partition === 0 && r.offset === p0.replicated);
    expect(firstUncopied).toBeDefined();
    const exact = (s.takenAtMs - firstUncopied!.ackedAtMs) / 1000;
    const bound = POLL_INTERVAL_S + 1;
    notes.push(
      `e: MM2 stopped ${((s.takenAtMs - stopped) / 1000).toFixed(1)}-${((s.takenAtMs - stopCalled) / 1000).toFixed(1)} s (stop took ${((stopped - stopCalled) / 1000).toFixed(1)} s); lag seconds ${p0.lagSeconds!.toFixed(2)}; first uncopied record appended ${exact.toFixed(2)} s before`,
    );
    expect(Math.abs(p0.lagSeconds! - exact)).toBeLessThanOrEqual(bound);
    // T = how long MM2 has been stopped; it stopped somewhere between stop() and its return.
    expect(p0.lagSeconds!).toBeGreaterThanOrEqual((s.takenAtMs - stopped) / 1000 - bound);
    expect(p0.lagSeconds!).toBeLessThanOrEqual((s.takenAtMs - stopCalled) / 1000 + bound);
    // The same figure in /metrics, and the CLI's, from the first uncopied record's timestamp.
    const exp = await scrape(daemon.address.url);
    expect(valueOf(exp, 'mm2_replication_lag_seconds', { source: EAST, target: WEST, topic: 'orders', partition: '0' })).toBeGreaterThan(10);
    const cli = await mirrorwatch(['lag', '--flow', FLOW, '--topic', 'orders', '--json', '-c', cliConfig]);
    expect(cli.code, cli.stderr).toBe(0);
    const cliP0 = (JSON.parse(cli.stdout) as { lagSecondsBasis: string; partitions: { partition: number; lagSeconds: number }[] }).partitions.find((x) => x.partition === 0)!;
    const exactNow = (Date.now() - firstUncopied!.ackedAtMs) / 1000;
    expect(Math.abs(cliP0.lagSeconds - exactNow)).toBeLessThanOrEqual(bound + 2); // CLI start-up sits between the two clocks
  });

  it('a. mm2_checkpoint_lag_records equals committed minus checkpoint upstream offset, read back from the topics', async () => {
    // MM2 is stopped: commits made now cannot be checkpointed, so the lag is stable and non-zero.
    const before = await groupOffsets(east, 'billing', 'orders');
    const bump = [7, 0, 13];
    const admin = kafkaClient(east).admin();
    await admin.connect();
    try {
      await admin.setOffsets({
        groupId: 'billing',
        topic: 'orders',
        partitions: bump.map((n, p) => ({ partition: p, offset: String((before.get(p) ?? 0) + n) })),
      });
    } finally {
      await admin.disconnect();
    }
    const committed = await groupOffsets(east, 'billing', 'orders');
    const checkpoints = await latestCheckpoints(west, `${EAST}.checkpoints.internal`);
    const expected = [0, 1, 2].map((p) => committed.get(p)! - checkpoints.get(`billing/${EAST}.orders/${p}`)!.upstreamOffset);
    expect(expected).toEqual(bump);
    const series = await until(
      'mm2_checkpoint_lag_records to show the new commits',
      async () => {
        const exp = await scrape(daemon.address.url);
        const got = [0, 1, 2].map((p) => select(exp, 'mm2_checkpoint_lag_records', { source: EAST, target: WEST, group: 'billing', topic: 'orders', partition: String(p) })[0]?.value);
        return got.every((v, i) => v === expected[i]) ? got : undefined;
      },
      20_000,
    );
    expect(series).toEqual(expected);
    notes.push(`a: checkpoint lag per partition after extra commits: ${series.join(', ')} (committed ${[0, 1, 2].map((p) => committed.get(p)).join(', ')})`);
  });

  it('c. wait with MM2 stopped exits 1 at its timeout and prints the remaining lag', async () => {
    await produce(east, 'orders', { partition: 1, count: 25, keyPrefix: 'c' });
    const [src, dst] = await Promise.all([endOffsets(east, 'orders'), endOffsets(west, `${EAST}.orders`)]);
    const started = Date.now();
    const r = await mirrorwatch(['wait', '--flow', FLOW, '--timeout', '6s', '--interval', '1s', '-c', cliConfig]);
    const took = (Date.now() - started) / 1000;
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain(`timeout: ${FLOW} did not reach lag <= 0 within 6 s`);
    // MM2 copies one to one from offset 0 here, so the lag is the difference of the end offsets.
    for (const p of [0, 1, 2]) {
      const lag = src[p]!.end - dst[p]!.end;
      if (lag > 0) expect(r.stdout).toMatch(new RegExp(`\\n  orders-${p}: ${lag} records, [\\d.]+ s behind`));
      else expect(r.stdout).not.toContain(`orders-${p}:`);
    }
    expect(src[1]!.end - dst[1]!.end).toBe(25);
    notes.push(`c: wait exited 1 after ${took.toFixed(1)} s (timeout 6 s); remaining lag printed: ${r.stdout.split('\n').filter((l) => l.startsWith('  orders-')).join('; ').trim()}`);
  });

  it('d. retention deletes records MM2 never copied: mm2_replication_records_lost counts them and the verdict says data lost', async () => {
    try {
      await retentionLoss();
    } finally {
      // The loss would otherwise stay in the flow: nothing is left to copy past it.
      await deleteTopic(east, 'ephemeral');
    }
  });

  async function retentionLoss(): Promise<void> {
    const copied = (await endOffsets(west, `${EAST}.ephemeral`))[0]!.end;
    expect(copied).toBe(20);
    await produce(east, 'ephemeral', { partition: 0, count: 30, keyPrefix: 'lost' });
    await sleep(1200); // older than segment.ms, so the next record rolls the segment
    await produce(east, 'ephemeral', { partition: 0, count: 1, keyPrefix: 'roll' });
    const admin = kafkaClient(east).admin();
    await admin.connect();
    try {
      await admin.alterConfigs({ validateOnly: false, resources: [{ type: 2, name: 'ephemeral', configEntries: [{ name: 'retention.ms', value: '1000' }, { name: 'segment.ms', value: '1000' }] }] });
    } finally {
      await admin.disconnect();
    }
    // Retention may take the segments (even the active one) in more than one pass: wait until the
    // log start has moved past what MM2 copied and stayed put for three seconds.
    let lastStart = -1;
    let since = 0;
    const logStart = await until(
      'retention to delete the old segments of ephemeral',
      async () => {
        const start = (await endOffsets(east, 'ephemeral'))[0]!.start;
        if (start !== lastStart) {
          lastStart = start;
          since = Date.now();
        }
        return start > copied && Date.now() - since >= 3000 ? start : undefined;
      },
      60_000,
    );
    const deletedBeforeCopy = logStart - copied;
    const s = await snapshotWhere('mirrorwatch to see the loss', (f) => part(f, 'ephemeral', 0)?.sourceStart === logStart, 20_000);
    const f = flowOf(s)!;
    expect(part(f, 'ephemeral', 0)!.recordsLost).toBe(deletedBeforeCopy);
    expect(f.failover.ready).toBe(false);
    expect(f.failover.reasons.some((r) => r.startsWith(`data lost: ${deletedBeforeCopy} records`))).toBe(true);
    const exp = await scrape(daemon.address.url);
    expect(valueOf(exp, 'mm2_replication_records_lost', { source: EAST, target: WEST, topic: 'ephemeral', partition: '0' })).toBe(deletedBeforeCopy);
    expect(valueOf(exp, 'mm2_flow_failover_ready', { source: EAST, target: WEST })).toBe(0);
    const api = (await (await fetch(`${daemon.address.url}/api/v1/flows/${EAST}/${WEST}/failover`)).json()) as { ready: boolean; reasons: string[] };
    expect(api.ready).toBe(false);
    expect(api.reasons.join('\n')).toContain('data lost');
    const v = await mirrorwatch(['verify', '--flow', FLOW, '-c', cliConfig]);
    expect(v.code).toBe(1);
    expect(v.stdout).toContain(`data lost: ${deletedBeforeCopy} records deleted on the source before MM2 copied them (ephemeral-0)`);
    notes.push(`d: MM2 had copied ${copied} records of ephemeral-0; retention moved the log start to ${logStart}: records lost ${deletedBeforeCopy} (mirrorwatch: ${part(f, 'ephemeral', 0)!.recordsLost})`);
  }

  it('b. failover drill: wait and verify pass, a consumer on the target resumes from the translated offsets', async () => {
    await mm.start();
    // Traffic, and a group that processes part of it on the source before the failover.
    const traffic = await new Traffic(east, 'orders', { partitions: [0, 1, 2], intervalMs: 50, perTick: 5, prefix: 'drill' }).start();
    await sleep(4000);
    await traffic.stop();
    const produced = (await endOffsets(east, 'orders')).reduce((n, e) => n + e.end, 0);
    const processedOnSource = await consumeAndCommit(east, { group: 'shipping', topic: 'orders', limit: Math.floor(produced * 0.6), timeoutMs: 60_000 });

    const hooks = join(dir, 'hooks.sh');
    const log = join(dir, 'hooks.log');
    writeFileSync(hooks, ['stop_producers() { echo "stop_producers $MW_SOURCE" >> "$HOOK_LOG"; }', 'stop_consumers() { echo "stop_consumers $MW_SOURCE" >> "$HOOK_LOG"; }', 'switch_traffic() { echo "switch_traffic $MW_TARGET" >> "$HOOK_LOG"; }', 'start_consumers() { echo "start_consumers $MW_TARGET" >> "$HOOK_LOG"; }', ''].join('\n'));
    const started = Date.now();
    const r = await run('bash', [join(REPO, 'scripts/failover.sh'), '--flow', FLOW, '-c', cliConfig, '--hooks', hooks, '--group', 'shipping', '--wait-timeout', '2m', '--verify-timeout', '1m'], {
      env: { MIRRORWATCH: MIRRORWATCH_COMMAND, HOOK_LOG: log },
      timeoutMs: 300_000,
    });
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/reached: us-east->us-west lag <= 0 on all \d+ partitions/);
    expect(r.stdout).toContain('and the commits of shipping are checkpointed');
    expect(r.stdout).toMatch(/verified: us-east->us-west: \d+ topics? complete on the target/);
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual([`stop_producers ${EAST}`, `stop_consumers ${EAST}`, `switch_traffic ${WEST}`, `start_consumers ${WEST}`]);
    const scriptSeconds = (Date.now() - started) / 1000;

    // What MM2 wrote for the group, read back from its topics, and what the consumer will re-read.
    const committed = await groupOffsets(east, 'shipping', 'orders');
    const checkpoints = await latestCheckpoints(west, `${EAST}.checkpoints.internal`);
    const syncs = await allOffsetSyncs(east, `mm2-offset-syncs.${WEST}.internal`);
    let rereadBound = 0;
    const fromMonitorAll: (number | null)[] = [];
    const monitorReread = flowOf(daemon.latest())?.checkpoints.find((c) => c.group === 'shipping');
    // Partitions the group never committed on have no checkpoint: the target consumer reads them
    // from the beginning, and none of their records was processed on the source.
    const checkpointed = [0, 1, 2].filter((p) => (committed.get(p) ?? -1) >= 0);
    expect(checkpointed.length).toBeGreaterThan(0);
    for (const p of checkpointed) {
      const cp = checkpoints.get(`shipping/${EAST}.orders/${p}`)!;
      expect(cp, `checkpoint of shipping on orders-${p}`).toBeDefined();
      expect(cp.upstreamOffset).toBe(committed.get(p));
      // The source offset the translated (downstream) offset stands for: newest sync at or below it.
      const usable = syncs.filter((s) => s.topic === 'orders' && s.partition === p && s.downstreamOffset <= cp.downstreamOffset && s.upstreamOffset <= cp.upstreamOffset);
      const sync = usable.reduce((a, b) => (b.downstreamOffset >= a.downstreamOffset ? b : a));
      const upstreamEquivalent = Math.min(cp.upstreamOffset, sync.upstreamOffset + cp.downstreamOffset - sync.downstreamOffset);
      const reread = committed.get(p)! - upstreamEquivalent;
      rereadBound += reread;
      const fromMonitor = monitorReread?.partitions.find((x) => x.partition === p)?.rereadRecords;
      fromMonitorAll.push(fromMonitor ?? null);
      if (fromMonitor !== null && fromMonitor !== undefined) expect(fromMonitor).toBe(reread);
    }

    // MM2 writes the translated offsets into the (inactive) group on the target.
    const synced = await until(
      'MM2 to sync the translated offsets of shipping to us-west',
      async () => {
        const target = await groupOffsets(west, 'shipping', `${EAST}.orders`);
        return checkpointed.every((p) => target.get(p) === checkpoints.get(`shipping/${EAST}.orders/${p}`)!.downstreamOffset) ? target : undefined;
      },
      60_000,
    );
    // Partitions whose translated offset is already at the end have nothing to deliver.
    const ends = new Map((await endOffsets(west, `${EAST}.orders`)).filter((e) => (synced.get(e.partition) ?? -1) < e.end).map((e) => [e.partition, e.end]));
    const consumedOnTarget = await consumeAndCommit(west, { group: 'shipping', topic: `${EAST}.orders`, untilEnd: ends, timeoutMs: 60_000 });

    const all = new Set((await readRecords(east, 'orders')).map((x) => x.key?.toString() ?? ''));
    const seenSource = new Set(processedOnSource.map((x: ProcessedRecord) => x.key));
    const seenTarget = new Set(consumedOnTarget.map((x) => x.key));
    const missing = [...all].filter((k) => !seenSource.has(k) && !seenTarget.has(k));
    const duplicates = consumedOnTarget.filter((x) => seenSource.has(x.key)).length;
    notes.push(
      `b: ${all.size} records in orders (${produced} produced in total); ${processedOnSource.length} processed on us-east; ${consumedOnTarget.length} consumed on us-west after failover; missing ${missing.length}; duplicates ${duplicates} (translation lag incl. conservative translation ${rereadBound}; mirrorwatch rereadRecords per checkpointed partition: ${fromMonitorAll.map((x) => x ?? 'unknown').join(', ')}); failover.sh took ${scriptSeconds.toFixed(1)} s`,
    );
    expect(missing).toEqual([]);
    expect(duplicates).toBeLessThanOrEqual(rereadBound);
  });

  it('f. failback: with the reverse flow enabled, scripts/failback.sh waits for reverse lag 0 and succeeds', async () => {
    // After the failover the applications write to us-west.
    await createTopic(west, 'orders', 2);
    for (const p of [0, 1]) await produce(west, 'orders', { partition: p, count: 40 + p, keyPrefix: `back${p}` });

    const hooks = join(dir, 'failback-hooks.sh');
    const log = join(dir, 'failback.log');
    const signal = join(dir, 'signals');
    mkdirSync(signal, { recursive: true });
    writeFileSync(
      hooks,
      [
        // The test plays the operator who reconfigures MM2: the hook asks and waits for the answer.
        'enable_reverse_flow() { echo "enable_reverse_flow $MW_FLOW" >> "$HOOK_LOG"; touch "$SIGNALS/enable.request"; for _ in $(seq 600); do [ -f "$SIGNALS/enable.done" ] && return 0; sleep 0.2; done; return 1; }',
        'stop_producers() { echo "stop_producers $MW_SOURCE" >> "$HOOK_LOG"; }',
        'switch_traffic() { echo "switch_traffic $MW_TARGET" >> "$HOOK_LOG"; }',
        'start_consumers() { echo "start_consumers $MW_TARGET" >> "$HOOK_LOG"; }',
        '',
      ].join('\n'),
    );
    const script = run('bash', [join(REPO, 'scripts/failback.sh'), '--flow', REVERSE, '-c', cliConfig, '--hooks', hooks, '--catch-up-timeout', '3m', '--wait-timeout', '2m', '--verify-timeout', '1m'], {
      env: { MIRRORWATCH: MIRRORWATCH_COMMAND, HOOK_LOG: log, SIGNALS: signal },
      timeoutMs: 300_000,
    });
    await until('failback.sh to ask for the reverse flow', () => (existsSync(join(signal, 'enable.request')) ? true : undefined), 60_000, 200);
    await mm.stop();
    mm = await startMirrorMaker({ clusters: [east, west], flows: [{ source: EAST, target: WEST }, { source: WEST, target: EAST }] });
    writeFileSync(join(signal, 'enable.done'), '');
    const r = await script;
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/reached: us-west->us-east lag <= 0 on all 2 partitions/);
    expect(r.stdout).toMatch(/verified: us-west->us-east: 1 topic complete on the target/);
    expect(r.stdout).toContain('failback: done, traffic back on us-east');
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual([`enable_reverse_flow ${REVERSE}`, `stop_producers ${WEST}`, `switch_traffic ${EAST}`, `start_consumers ${EAST}`]);
    const [src, dst] = await Promise.all([endOffsets(west, 'orders'), endOffsets(east, `${WEST}.orders`)]);
    expect(dst.map((e) => e.end)).toEqual(src.map((e) => e.end));
    notes.push(`f: failback copied ${src.reduce((n, e) => n + e.end, 0)} records us-west/orders -> us-east/us-west.orders; failback.sh exit 0`);
  });
});
