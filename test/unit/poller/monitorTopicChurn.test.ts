// Topic churn over the whole read path with fake clusters: a topic is created on the source, MM2
// writes an offset sync, a Connect offset and a checkpoint for it, and it is deleted again. MM2
// writes no tombstones for a deleted topic, so the evidence of every topic ever mirrored would stay
// in memory (the 60-minute soak measured ~600 bytes kept per deleted topic) unless the Monitor
// forgets it.
import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { encodeCheckpoint, encodeOffsetSync } from '../../../src/core/codecs/index.js';
import type { Mm2Evidence } from '../../../src/core/mm2Evidence.js';
import { DEFAULT_TOPICS_EXCLUDE } from '../../../src/core/topicFilter.js';
import type { MirrorwatchConfig, TopicPartition } from '../../../src/core/types.js';
import type { FetchResult, KafkaPortFactory, RawRecord, TopicInfo } from '../../../src/kafka/port.js';
import { createLogger } from '../../../src/log.js';
import { Monitor } from '../../../src/poller/monitor.js';
import { fakePort } from '../helpers/fakePort.js';

const SYNCS = 'mm2-offset-syncs.west.internal';
const CONNECT = 'mm2-offsets.east.internal';
const CHECKPOINTS = 'east.checkpoints.internal';
const LIVE = 4;

function config(): MirrorwatchConfig {
  return {
    file: 'test.yaml',
    clusters: ['east', 'west'].map((alias) => ({ alias, bootstrapServers: ['127.0.0.1:1'], clientId: 'mw', connectionTimeoutMs: 1000, requestTimeoutMs: 1000 })),
    flows: [{ source: 'east', target: 'west', topics: ['churn-.*'], topicsExclude: [...DEFAULT_TOPICS_EXCLUDE], heartbeatsExpected: false, offsetSyncsTopicLocation: 'source', groups: [], maxLagRecords: 0, maxHeartbeatAgeSeconds: 30 }],
    replicationPolicy: { kind: 'default', separator: '.' },
    poll: { intervalMs: 10_000, timeoutMs: 5000 },
    http: { host: '127.0.0.1', port: 0 },
    granularity: 'partition',
    maxSeries: 10_000,
    logLevel: 'info',
    warnings: [],
  };
}

function churningClusters() {
  const live: string[] = [];
  const logs: Record<string, RawRecord[]> = { [SYNCS]: [], [CONNECT]: [], [CHECKPOINTS]: [] };
  const append = (topic: string, kv: { key: Buffer; value: Buffer }) => logs[topic]!.push({ offset: logs[topic]!.length, timestamp: 1000, ...kv });
  let seq = 0;
  /** MM2 picks up a new topic: an offset sync on the source, a Connect offset and a checkpoint on the target. */
  const create = (listed = true) => {
    const name = `churn-${++seq}`;
    if (listed) live.push(name);
    for (const partition of [0, 1]) {
      append(SYNCS, encodeOffsetSync({ topic: name, partition, upstreamOffset: 3, downstreamOffset: 3 }));
      append(CONNECT, { key: Buffer.from(JSON.stringify(['MirrorSourceConnector', { cluster: 'east', topic: name, partition }])), value: Buffer.from('{"offset":2}') });
      append(CHECKPOINTS, encodeCheckpoint({ group: 'billing', topic: `east.${name}`, partition, upstreamOffset: 2, downstreamOffset: 2, metadata: '' }));
    }
    while (live.length > LIVE) live.shift();
    return name;
  };
  /** The source lists a topic MM2 already synced (its metadata was read before the topic existed). */
  const list = (name: string) => live.push(name);
  const topicsOf = (alias: string): TopicInfo[] =>
    alias === 'east'
      ? [...live.map((name) => ({ name, partitions: [0, 1] })), { name: SYNCS, partitions: [0] }]
      : [...live.map((name) => ({ name: `east.${name}`, partitions: [0, 1] })), { name: CONNECT, partitions: [0] }, { name: CHECKPOINTS, partitions: [0] }];
  const factory: KafkaPortFactory = (c) => {
    const port = fakePort({
      alias: c.alias,
      listTopics: async () => topicsOf(c.alias),
      fetchOffsets: async (tps: TopicPartition[]) => tps.map((tp) => ({ ...tp, start: 0, end: logs[tp.topic]?.length ?? 3 })),
      fetch: async (requests) =>
        requests.map((r): FetchResult => {
          const log = logs[r.topic] ?? [];
          return { topic: r.topic, partition: r.partition, records: log.slice(r.offset), nextOffset: log.length, highWatermark: log.length, error: null, errorKind: null };
        }),
    });
    return port;
  };
  return { factory, create, list };
}

describe('Monitor under topic churn', () => {
  it('forgets the offset syncs, Connect offsets and checkpoints of deleted topics, keeping those of live ones', async () => {
    const c = churningClusters();
    const logger = createLogger('error', new Writable({ write: (_c, _e, done) => done() }));
    const telemetry = { kafkaRequest: () => {}, pollError: () => {}, decodeError: () => {}, tailError: () => {} };
    let nowMs = 1_000_000;
    const monitor = new Monitor({ config: config(), portFactory: c.factory, logger, telemetry, now: () => nowMs });
    const evidence = monitor['evidence'].get('east->west') as Mm2Evidence;
    const syncTopics = () => new Set([...evidence.offsetSyncs.values()].map((l) => l[0]!.topic));
    for (let i = 0; i < 300; i++) {
      c.create();
      await monitor.pollOnce();
      nowMs += 10_000;
    }
    await monitor.stop(10);
    // The topics alive now, plus at most the one deleted since the last poll but one.
    expect(evidence.offsetSyncs.size).toBeLessThanOrEqual(2 * (LIVE + 1));
    expect(evidence.connectOffsets.size).toBeLessThanOrEqual(2 * (LIVE + 1));
    expect(evidence.checkpoints.get('billing')?.entries.size).toBeLessThanOrEqual(2 * (LIVE + 1));
    expect([...evidence.checkpoints.get('billing')!.entries.values()].map((e) => e.checkpoint.topic)).toContain('east.churn-300');
    for (const t of ['churn-297', 'churn-298', 'churn-299', 'churn-300']) expect(syncTopics()).toContain(t);
    expect([...evidence.connectOffsets.keys()].some((k) => k.startsWith('churn-300\u0000'))).toBe(true);
    expect(syncTopics()).not.toContain('churn-1');
  });

  it('keeps the evidence of a topic missing from one listing only (synced before the source listed it)', async () => {
    const c = churningClusters();
    const logger = createLogger('error', new Writable({ write: (_c, _e, done) => done() }));
    const telemetry = { kafkaRequest: () => {}, pollError: () => {}, decodeError: () => {}, tailError: () => {} };
    const monitor = new Monitor({ config: config(), portFactory: c.factory, logger, telemetry, now: () => 1_000_000 });
    const evidence = monitor['evidence'].get('east->west') as Mm2Evidence;
    const name = c.create(false);
    await monitor.pollOnce();
    expect(evidence.offsetSyncs.size).toBe(2);
    c.list(name);
    await monitor.pollOnce();
    await monitor.pollOnce();
    await monitor.stop(10);
    expect(evidence.offsetSyncs.size).toBe(2);
    expect(evidence.connectOffsets.size).toBe(2);
    expect(evidence.checkpoints.get('billing')?.entries.size).toBe(2);
  });
});
