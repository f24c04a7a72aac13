// The whole read path in one process with fake clusters: tail -> reducer -> evidence -> snapshot.
// us-west holds `us-east.heartbeats`: first readable (good heartbeat, garbage, good heartbeat), then
// refused (TOPIC_AUTHORIZATION_FAILED), then readable again.
import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { encodeHeartbeat } from '../../../src/core/codecs/index.js';
import { DEFAULT_TOPICS_EXCLUDE } from '../../../src/core/topicFilter.js';
import type { MirrorwatchConfig, TopicPartition } from '../../../src/core/types.js';
import type { FetchResult, KafkaPortFactory, RawRecord } from '../../../src/kafka/port.js';
import { createLogger } from '../../../src/log.js';
import { Monitor } from '../../../src/poller/monitor.js';
import { fakePort } from '../helpers/fakePort.js';

const HB = 'us-east.heartbeats';
let nowMs = 1_000_000;

function config(): MirrorwatchConfig {
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
    poll: { intervalMs: 10_000, timeoutMs: 5000 },
    http: { host: '127.0.0.1', port: 0 },
    granularity: 'partition',
    maxSeries: 1000,
    logLevel: 'info',
    warnings: [],
  };
}

function cluster() {
  const hb: RawRecord[] = [];
  const state = { refused: false };
  const addHeartbeat = (timestamp: number) => hb.push({ offset: hb.length, timestamp, ...encodeHeartbeat({ sourceClusterAlias: 'us-east', targetClusterAlias: 'us-west', timestamp }) });
  const addGarbage = () => hb.push({ offset: hb.length, timestamp: 0, key: Buffer.from('k-0'), value: Buffer.from('garbage') });
  const factory: KafkaPortFactory = (c) => {
    const east = c.alias === 'us-east';
    const topics = east ? [{ name: 'orders', partitions: [0] }] : [{ name: 'us-east.orders', partitions: [0] }, { name: HB, partitions: [0] }];
    const port = fakePort({
      alias: c.alias,
      listTopics: async () => topics,
      fetchOffsets: async (tps: TopicPartition[]) => tps.map((tp) => ({ ...tp, start: 0, end: tp.topic === HB ? hb.length : 10 })),
      fetch: async (requests) =>
        requests.map((r): FetchResult => {
          if (state.refused) return { topic: r.topic, partition: r.partition, records: [], nextOffset: r.offset, highWatermark: -1, error: 'TOPIC_AUTHORIZATION_FAILED', errorKind: 'kafka' };
          const records = hb.slice(r.offset);
          return { topic: r.topic, partition: r.partition, records, nextOffset: hb.length, highWatermark: hb.length, error: null, errorKind: null };
        }),
    });
    return port;
  };
  return { factory, state, addHeartbeat, addGarbage };
}

describe('Monitor read path', () => {
  it('uses good heartbeats around garbage, then reports an unreadable heartbeats topic as blind, not stale, until it reads again', async () => {
    const logs: { msg: string }[] = [];
    const logger = createLogger('info', new Writable({ write: (c: Buffer, _e, done) => { logs.push(JSON.parse(c.toString()) as { msg: string }); done(); } }));
    const counted = { decode: 0, tail: [] as string[] };
    const telemetry = { kafkaRequest: () => {}, pollError: () => {}, decodeError: () => counted.decode++, tailError: (c: string, t: string, k: string) => counted.tail.push(`${c}/${t}/${k}`) };
    const c = cluster();
    const monitor = new Monitor({ config: config(), portFactory: c.factory, logger, telemetry, now: () => nowMs });

    c.addHeartbeat(nowMs - 5000);
    c.addGarbage();
    c.addHeartbeat(nowMs - 1000);
    let s = await monitor.pollOnce();
    let flow = s.flows[0]!;
    expect(flow.heartbeat.lastTimestampMs).toBe(nowMs - 1000);
    expect(counted.decode).toBe(1);
    expect(flow.blind).toBeUndefined();
    expect(flow.failover.ready).toBe(true);

    // New heartbeats arrive, but mirrorwatch may no longer read them. (A topic with nothing new is
    // not fetched at all: its end offset, which DESCRIBE still shows, says there is nothing to miss.)
    c.state.refused = true;
    nowMs += 60_000;
    c.addHeartbeat(nowMs - 500);
    s = await monitor.pollOnce();
    flow = s.flows[0]!;
    const reason = `cannot read ${HB} on us-west: TOPIC_AUTHORIZATION_FAILED`;
    expect(flow.heartbeat.blind).toBe(reason);
    expect(flow.failover.ready).toBe(false);
    expect(flow.failover.reasons).toEqual([`${reason} (mirrorwatch is blind to this flow's heartbeats)`]);
    expect(s.clusters.find((x) => x.alias === 'us-west')?.tailStuck).toEqual([{ topic: HB, kind: 'kafka', message: 'TOPIC_AUTHORIZATION_FAILED', partitions: [0], sinceMs: nowMs }]);
    await monitor.pollOnce();
    expect(counted.tail).toEqual([`us-west/${HB}/kafka`, `us-west/${HB}/kafka`]);

    c.state.refused = false;
    c.addHeartbeat(nowMs);
    s = await monitor.pollOnce();
    flow = s.flows[0]!;
    expect(flow.blind).toBeUndefined();
    expect(flow.heartbeat.lastTimestampMs).toBe(nowMs);
    expect(flow.failover.ready).toBe(true);
    await monitor.stop(100);
    const msgs = logs.map((l) => l.msg);
    expect(msgs.filter((m) => m.startsWith(reason))).toHaveLength(1);
    expect(msgs.filter((m) => m.startsWith(`reading ${HB} on us-west works again`))).toHaveLength(1);
    expect(msgs.filter((m) => m.startsWith('skipping undecodable record'))).toHaveLength(1);
  });
});
