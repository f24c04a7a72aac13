// The per-flow replication state on real Kafka and a real MM2 (dc1 -> dc2, a heartbeat every
// second, tasks.max high enough that every partition has its own task):
// - following MM2's topics between polls keeps the heartbeat age small while offsets are polled
//   only once a minute, and the state is copying;
// - MM2 killed: mm2-silent shortly after the threshold, well before the next poll;
// - MM2 started again: copying;
// - one task failed (a record larger than the remote topic's max.message.bytes) while the
//   heartbeats flow: topic-stalled, naming that topic only.
import { writeFileSync, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTopic, kafkaClient, produce, startCluster, startMirrorMaker, waitFor, waitForTopic } from '../harness/kafka.js';
import type { KafkaCluster, MirrorMaker } from '../harness/kafka.js';
import { newRunDir } from '../harness/paths.js';
import { useKafkaHarness } from '../harness/vitest.js';
import { loadConfig } from '../../src/config/load.js';
import type { FlowStatus } from '../../src/core/types.js';
import { startDaemon, type Daemon } from '../../src/daemon.js';
import { createLogger } from '../../src/log.js';
import { parseExposition, select } from './helpers/figures.js';

useKafkaHarness();

let dc1: KafkaCluster;
let dc2: KafkaCluster;
let mm: MirrorMaker;
let dir: string;
const daemons: Daemon[] = [];
const SILENT_AFTER_S = 10;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function startWatching(name: string, poll: { interval: string; timeout: string }, extra: string[]): Promise<Daemon> {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    [
      'clusters:',
      `  - alias: dc1`,
      `    bootstrapServers: ${dc1.bootstrap}`,
      `  - alias: dc2`,
      `    bootstrapServers: ${dc2.bootstrap}`,
      'flows:',
      '  - source: dc1',
      '    target: dc2',
      '    topics: [orders, big]',
      'poll:',
      `  interval: ${poll.interval}`,
      `  timeout: ${poll.timeout}`,
      ...extra,
      'logLevel: debug',
      '',
    ].join('\n'),
  );
  const config = loadConfig(file);
  const logger = createLogger(config.logLevel, createWriteStream(join(dir, `${name}.log`), { flags: 'a' }));
  const daemon = await startDaemon({ config, logger, httpPort: 0, httpHost: '127.0.0.1' });
  daemons.push(daemon);
  return daemon;
}

const flowOf = (d: Daemon): FlowStatus | undefined => d.latest()?.flows[0];

async function until<T>(what: string, d: Daemon, test: (f: FlowStatus) => T | undefined | false, timeoutMs: number): Promise<T> {
  return waitFor(
    what,
    async () => {
      const f = flowOf(d);
      const r = f ? test(f) : undefined;
      return r === false ? undefined : r;
    },
    { timeoutMs, intervalMs: 100 },
  ).catch((err: unknown) => {
    throw new Error(`${(err as Error).message}; last flow state ${JSON.stringify(flowOf(d)?.replication)}, heartbeat ${JSON.stringify(flowOf(d)?.heartbeat)}; logs in ${dir}`);
  });
}

async function stateMetric(d: Daemon): Promise<Record<string, number>> {
  const text = await (await fetch(`${d.address.url}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const s of select(parseExposition(text), 'mm2_flow_state', { source: 'dc1', target: 'dc2' })) out[s.labels['state']!] = s.value;
  return out;
}

beforeAll(async () => {
  dir = newRunDir('replication-state');
  [dc1, dc2] = await Promise.all([startCluster({ alias: 'dc1' }), startCluster({ alias: 'dc2' })]);
  await createTopic(dc1, 'orders', 1);
  await createTopic(dc1, 'big', 1);
  // One task per partition: a failed task then stops one topic, not the heartbeats.
  mm = await startMirrorMaker({ clusters: [dc1, dc2], flows: [{ source: 'dc1', target: 'dc2' }], extraProps: { 'tasks.max': '8' } });
  await Promise.all([waitForTopic(dc2, 'dc1.orders', { timeoutMs: 90_000 }), waitForTopic(dc2, 'dc1.big', { timeoutMs: 90_000 })]);
});

afterAll(async () => {
  await Promise.allSettled(daemons.map((d) => d.stop()));
});

describe('replication state on a real MM2', () => {
  let daemon: Daemon;

  it('follows heartbeats between polls: copying, heartbeat age small with offsets polled once a minute', async () => {
    daemon = await startWatching('follow', { interval: '60s', timeout: '10s' }, [`replicationState:`, `  silentAfter: ${SILENT_AFTER_S}s`, `  stalledAfter: 10s`]);
    await until('state copying with a heartbeat read', daemon, (f) => f.replication?.state === 'copying' && f.replication.heartbeatAgeSeconds !== null, 60_000);
    const polls = () => daemon.latest()!.clusters.map((c) => c.lastSuccessMs).join(',');
    const pollsBefore = polls();
    const sequenceBefore = daemon.latest()!.sequence;
    // Sample for 15 s: a poll-only daemon would see the age grow to the poll interval.
    let maxAge = 0;
    const ages: number[] = [];
    for (let i = 0; i < 30; i++) {
      await sleep(500);
      const f = flowOf(daemon)!;
      expect(f.replication?.state).toBe('copying');
      const age = f.replication?.heartbeatAgeSeconds ?? Infinity;
      ages.push(age);
      maxAge = Math.max(maxAge, age);
    }
    expect(polls(), 'no poll in the sampling window (interval 60 s)').toBe(pollsBefore);
    expect(daemon.latest()!.sequence - sequenceBefore, 'snapshots rebuilt from following').toBeGreaterThanOrEqual(8);
    expect(maxAge, `heartbeat ages ${ages.join(' ')}`).toBeLessThan(5);
    expect(await stateMetric(daemon)).toEqual({ copying: 1, 'catching-up': 0, 'topic-stalled': 0, 'mm2-silent': 0, blind: 0 });
    const api = (await (await fetch(`${daemon.address.url}/api/v1/flows`)).json()) as { flows: { replication: { state: string } }[] };
    expect(api.flows[0]!.replication.state).toBe('copying');
  });

  it('MM2 killed: mm2-silent soon after the threshold, before the next poll; failover not ready', async () => {
    const pollsBefore = daemon.latest()!.clusters.map((c) => c.lastSuccessMs).join(',');
    const killedAt = Date.now();
    await mm.kill();
    const f = await until('state mm2-silent', daemon, (x) => (x.replication?.state === 'mm2-silent' ? x : undefined), 60_000);
    const after = (Date.now() - killedAt) / 1000;
    // The silence is seen by following, not by a poll (the interval is 60 s): well under threshold + 15 s.
    expect(after, `mm2-silent after ${after} s`).toBeLessThan(SILENT_AFTER_S + 15);
    expect(after).toBeGreaterThan(SILENT_AFTER_S - 2);
    const pollsNow = daemon.latest()!.clusters.map((c) => c.lastSuccessMs).join(',');
    if (after < 40) expect(pollsNow).toBe(pollsBefore);
    expect(f.replication!.reasons.join(' ')).toMatch(/no heartbeat in dc1\.heartbeats for/);
    expect(f.failover.ready).toBe(false);
    expect(f.failover.reasons.some((r) => r.startsWith('mm2-silent: '))).toBe(true);
    expect((await stateMetric(daemon))['mm2-silent']).toBe(1);
  });

  it('MM2 started again: copying', async () => {
    await mm.start();
    await until('state copying again', daemon, (f) => f.replication?.state === 'copying', 120_000);
    expect(flowOf(daemon)!.replication!.heartbeatAgeSeconds).toBeLessThan(5);
    await daemon.stop();
  });

  it('one task failed while heartbeats flow: topic-stalled on that topic only', async () => {
    // Offsets every 2 s so the stall shows within the test's time.
    const d = await startWatching('stall', { interval: '2s', timeout: '1500ms' }, ['replicationState:', '  silentAfter: 10s', '  stalledAfter: 8s']);
    await produce(dc1, 'big', { partition: 0, count: 5 });
    await produce(dc1, 'orders', { partition: 0, count: 5 });
    await until('big copied', d, (f) => f.replication?.state === 'copying' && f.topics.find((t) => t.topic === 'big')?.partitions[0]?.lagRecords === 0, 90_000);
    const admin = kafkaClient(dc2).admin();
    await admin.connect();
    try {
      // 2 = ConfigResourceTypes.TOPIC
      await admin.alterConfigs({ validateOnly: false, resources: [{ type: 2, name: 'dc1.big', configEntries: [{ name: 'max.message.bytes', value: '2000' }] }] });
    } finally {
      await admin.disconnect();
    }
    await produce(dc1, 'big', { partition: 0, count: 1, valueBytes: 20_000, keyPrefix: 'too-large' });
    // The source end of big keeps moving; orders keeps being copied.
    let stop = false;
    const trickle = (async () => {
      for (let i = 0; !stop; i++) {
        await produce(dc1, 'big', { partition: 0, count: 1, keyPrefix: `after-${i}` });
        await produce(dc1, 'orders', { partition: 0, count: 1, keyPrefix: `o-${i}` });
        await sleep(500);
      }
    })();
    try {
      const f = await until('state topic-stalled', d, (x) => (x.replication?.state === 'topic-stalled' ? x : undefined), 120_000);
      expect(f.replication!.stalledTopics).toEqual(['big']);
      expect(f.replication!.reasons.join(' ')).toMatch(/topic big stalled/);
      expect(f.replication!.heartbeatAgeSeconds).toBeLessThan(SILENT_AFTER_S);
      expect(f.failover.reasons.some((r) => r.startsWith('topic-stalled: '))).toBe(true);
      const text = await (await fetch(`${d.address.url}/metrics`)).text();
      const stalled = Object.fromEntries(select(parseExposition(text), 'mm2_topic_stalled', { source: 'dc1', target: 'dc2' }).map((s) => [s.labels['topic'], s.value]));
      expect(stalled).toEqual({ big: 1, orders: 0 });
    } finally {
      stop = true;
      await trickle;
    }
  });
});
