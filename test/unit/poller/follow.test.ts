// Following MM2's topics between polls, with fake clusters and real timers: heartbeats written
// between two polls reach the snapshot without a poll; a follow fetch that is refused or that no
// broker answers makes the flow blind (counted, logged), never mm2-silent; with following off the
// heartbeat is only read by polls.
import { afterEach, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { encodeHeartbeat } from '../../../src/core/codecs/index.js';
import { DEFAULT_TOPICS_EXCLUDE } from '../../../src/core/topicFilter.js';
import type { FlowStatus, MirrorwatchConfig, TopicPartition } from '../../../src/core/types.js';
import type { FetchCallOptions, FetchRequest, FetchResult, KafkaPortFactory, RawRecord } from '../../../src/kafka/port.js';
import { createLogger } from '../../../src/log.js';
import { Monitor } from '../../../src/poller/monitor.js';
import { fakePort } from '../helpers/fakePort.js';

const HB = 'us-east.heartbeats';

function config(follow: boolean): MirrorwatchConfig {
  return {
    file: 'test.yaml',
    clusters: ['us-east', 'us-west'].map((alias) => ({ alias, bootstrapServers: ['127.0.0.1:1'], clientId: 'mw', connectionTimeoutMs: 1000, requestTimeoutMs: 1000 })),
    flows: [
      {
        source: 'us-east',
        target: 'us-west',
        topics: ['orders'],
        topicsExclude: [...DEFAULT_TOPICS_EXCLUDE],
        heartbeatsExpected: true,
        offsetSyncsTopicLocation: 'source',
        groups: [],
        maxLagRecords: 0,
        maxHeartbeatAgeSeconds: 30,
      },
    ],
    replicationPolicy: { kind: 'default', separator: '.' },
    // One poll at start, the next only after the test is over.
    poll: { intervalMs: 60_000, timeoutMs: 5000, follow, followMaxWaitMs: 50 },
    replicationState: { silentAfterMs: 400, stalledAfterMs: 30_000 },
    http: { host: '127.0.0.1', port: 0 },
    granularity: 'partition',
    maxSeries: 1000,
    logLevel: 'info',
    warnings: [],
  };
}

const OFFSET_SYNCS = 'mm2-offset-syncs.us-west.internal';

/** `offsetSyncs`: us-east holds MM2's (empty) offset-syncs topic, which following reads too. */
function clusters(options: { offsetSyncs?: boolean } = {}) {
  const hb: RawRecord[] = [];
  const state = { refused: false, unreachable: false, fetches: 0, longPolls: 0, waits: new Map<string, number[]>() };
  const addHeartbeat = (timestamp = Date.now()) => hb.push({ offset: hb.length, timestamp, ...encodeHeartbeat({ sourceClusterAlias: 'us-east', targetClusterAlias: 'us-west', timestamp }) });
  const factory: KafkaPortFactory = (c) => {
    const east = c.alias === 'us-east';
    const topics = east
      ? [{ name: 'orders', partitions: [0] }, ...(options.offsetSyncs ? [{ name: OFFSET_SYNCS, partitions: [0] }] : [])]
      : [{ name: 'us-east.orders', partitions: [0] }, { name: HB, partitions: [0] }];
    const answer = (r: FetchRequest): FetchResult => {
      if (r.topic === OFFSET_SYNCS) return { topic: r.topic, partition: r.partition, records: [], nextOffset: r.offset, highWatermark: 0, error: null, errorKind: null };
      if (state.refused) return { topic: r.topic, partition: r.partition, records: [], nextOffset: r.offset, highWatermark: -1, error: 'TOPIC_AUTHORIZATION_FAILED', errorKind: 'kafka' };
      return { topic: r.topic, partition: r.partition, records: hb.slice(r.offset), nextOffset: hb.length, highWatermark: hb.length, error: null, errorKind: null };
    };
    const port = fakePort({
      alias: c.alias,
      listTopics: async () => topics,
      fetchOffsets: async (tps: TopicPartition[]) => tps.map((tp) => ({ ...tp, start: 0, end: tp.topic === HB ? hb.length : tp.topic === OFFSET_SYNCS ? 0 : 10 })),
      fetch: async (requests: FetchRequest[], options?: FetchCallOptions) => {
        state.fetches++;
        const wait = options?.maxWaitMs ?? 0;
        if (wait > 0) {
          state.longPolls++;
          state.waits.set(c.alias, [...(state.waits.get(c.alias) ?? []), wait]);
          // A broker holds a long poll until data arrives or the wait is over.
          const until = Date.now() + wait;
          while (Date.now() < until && requests.every((r) => r.topic !== HB || r.offset >= hb.length)) await new Promise((res) => setTimeout(res, 5));
        }
        if (state.unreachable) throw new Error('cluster us-west: Fetch request to broker 1 failed: ECONNREFUSED');
        return requests.map(answer);
      },
    });
    return port;
  };
  return { factory, state, addHeartbeat };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil<T>(what: string, probe: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

let monitor: Monitor | null = null;
afterEach(async () => {
  await monitor?.stop(500);
  monitor = null;
});

function setup(follow: boolean, options: { offsetSyncs?: boolean } = {}) {
  const logs: string[] = [];
  const logger = createLogger('info', new Writable({ write: (c: Buffer, _e, done) => { logs.push((JSON.parse(c.toString()) as { msg: string }).msg); done(); } }));
  const tail: string[] = [];
  const telemetry = { kafkaRequest: () => {}, pollError: () => {}, decodeError: () => {}, tailError: (c: string, t: string, k: string) => tail.push(`${c}/${t}/${k}`) };
  const c = clusters(options);
  c.addHeartbeat();
  const m = new Monitor({ config: config(follow), portFactory: c.factory, logger, telemetry });
  monitor = m;
  const flow = (): FlowStatus | undefined => m.latest()?.flows[0];
  return { c, m, flow, logs, tail };
}

describe('following MM2 topics between polls', () => {
  it('brings heartbeats written between polls into the snapshot, and notices their silence, without a poll', async () => {
    const { c, m, flow } = setup(true);
    m.start();
    await waitUntil('first snapshot, copying', () => flow()?.replication?.state === 'copying');
    const polled = m.latest()!.clusters.map((x) => x.lastSuccessMs);
    for (let i = 0; i < 5; i++) {
      await sleep(100);
      const t = Date.now();
      c.addHeartbeat(t);
      await waitUntil(`heartbeat ${t} in the snapshot`, () => (flow()?.heartbeat.lastTimestampMs ?? 0) >= t);
    }
    expect(flow()!.replication!.state).toBe('copying');
    expect(c.state.longPolls).toBeGreaterThan(0);
    // Heartbeats stop: silent after 400 ms, seen by following alone.
    const f = await waitUntil('mm2-silent', () => (flow()?.replication?.state === 'mm2-silent' ? flow() : undefined));
    expect(f!.failover.reasons.some((r) => r.startsWith('mm2-silent: '))).toBe(true);
    expect(m.latest()!.clusters.map((x) => x.lastSuccessMs)).toEqual(polled);
    c.addHeartbeat();
    await waitUntil('copying again', () => flow()?.replication?.state === 'copying');
  });

  it('follows a cluster with heartbeats at the follow wait, one with only offset syncs at five times it', async () => {
    const { c, m, flow } = setup(true, { offsetSyncs: true });
    m.start();
    await waitUntil('first snapshot, copying', () => flow()?.replication?.state === 'copying');
    await waitUntil('two long polls on us-east', () => (c.state.waits.get('us-east')?.length ?? 0) >= 2);
    const east = c.state.waits.get('us-east')!;
    const west = c.state.waits.get('us-west')!;
    // followMaxWaitMs is 50: the heartbeats' cluster uses it, the offset syncs' cluster 250 ms.
    expect(Math.max(...west)).toBe(50);
    expect(Math.max(...east)).toBe(250);
    expect(west.length).toBeGreaterThan(east.length);
  });

  it('a refused follow fetch makes the flow blind (counted, logged once), never mm2-silent', async () => {
    const { c, m, flow, logs, tail } = setup(true);
    m.start();
    await waitUntil('copying', () => flow()?.replication?.state === 'copying');
    c.state.refused = true;
    const f = await waitUntil('blind', () => (flow()?.replication?.state === 'blind' ? flow() : undefined));
    expect(f!.replication!.reasons.join(' ')).toMatch(/us-east\.heartbeats.*TOPIC_AUTHORIZATION_FAILED/);
    expect(tail).toContain(`us-west/${HB}/kafka`);
    // Much longer than the silence threshold: still blind, and the follower paused (no retry storm).
    const fetches = c.state.fetches;
    await sleep(1000);
    expect(flow()!.replication!.state).toBe('blind');
    expect(c.state.fetches - fetches).toBeLessThan(5);
    expect(tail.filter((t) => t.endsWith("/kafka")), tail.join(" ")).toHaveLength(1);
    expect(logs.filter((l) => /cannot read us-east\.heartbeats.*blind to what it holds/.test(l))).toHaveLength(1);
  });

  it('a follow fetch no broker answers makes the flow blind, not mm2-silent', async () => {
    const { c, m, flow, tail } = setup(true);
    m.start();
    await waitUntil('copying', () => flow()?.replication?.state === 'copying');
    c.state.unreachable = true;
    const f = await waitUntil('blind', () => (flow()?.replication?.state === 'blind' ? flow() : undefined));
    expect(f!.replication!.reasons.join(' ')).toMatch(/ECONNREFUSED/);
    expect(tail).toContain(`us-west/${HB}/unreachable`);
    await sleep(800);
    expect(flow()!.replication!.state).toBe('blind');
  });

  it('with following off, heartbeats are read by polls only', async () => {
    const { c, m, flow } = setup(false);
    m.start();
    await waitUntil('copying', () => flow()?.replication?.state === 'copying');
    const first = flow()!.heartbeat.lastTimestampMs;
    c.addHeartbeat(Date.now() + 1);
    await sleep(500);
    expect(flow()!.heartbeat.lastTimestampMs).toBe(first);
    expect(c.state.longPolls).toBe(0);
  });
});
