// Changing the watched flows of a running Monitor (flows: discover): a flow added later is polled
// and shows in the snapshot; an unchanged flow keeps what was learned; a changed flow reads its MM2
// topics again from the start; a removed flow leaves the snapshot and its evidence goes.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { encodeOffsetSync } from '../../../src/core/codecs/index.js';
import type { Mm2Evidence } from '../../../src/core/mm2Evidence.js';
import type { FlowConfig, MirrorwatchConfig, TopicPartition } from '../../../src/core/types.js';
import type { FetchResult, KafkaPortFactory, RawRecord, TopicInfo } from '../../../src/kafka/port.js';
import { createLogger } from '../../../src/log.js';
import { Monitor } from '../../../src/poller/monitor.js';
import { fakePort } from '../helpers/fakePort.js';

const flow = (source: string, target: string, over: Partial<FlowConfig> = {}): FlowConfig => ({
  source,
  target,
  topics: ['.*'],
  topicsExclude: ['mm2.*\\.internal', '__.*', '.*heartbeats'],
  heartbeatsExpected: false,
  offsetSyncsTopicLocation: 'source',
  groups: [],
  maxLagRecords: 0,
  maxHeartbeatAgeSeconds: 30,
  ...over,
});

function config(): MirrorwatchConfig {
  return {
    file: 'test.yaml',
    clusters: ['east', 'west'].map((alias) => ({ alias, bootstrapServers: ['127.0.0.1:1'], clientId: 'mw', connectionTimeoutMs: 1000, requestTimeoutMs: 1000 })),
    flows: [],
    replicationPolicy: { kind: 'default', separator: '.' },
    poll: { intervalMs: 10_000, timeoutMs: 5000 },
    http: { host: '127.0.0.1', port: 0 },
    granularity: 'partition',
    maxSeries: 10_000,
    logLevel: 'info',
    warnings: [],
  };
}

/** east: orders (10 records) and the offset syncs of east->west; west: its copy (7) and users (5), east: the copy of users (5). */
function clusters() {
  const logs: Record<string, RawRecord[]> = { 'mm2-offset-syncs.west.internal': [{ offset: 0, timestamp: 999_000, ...encodeOffsetSync({ topic: 'orders', partition: 0, upstreamOffset: 6, downstreamOffset: 6 }) }] };
  const ends: Record<string, Record<string, number>> = {
    east: { orders: 10, 'west.users': 5, 'mm2-offset-syncs.west.internal': 1 },
    west: { 'east.orders': 7, users: 5 },
  };
  const fetches: string[] = [];
  const factory: KafkaPortFactory = (c) => {
    const port = fakePort({
      alias: c.alias,
      listTopics: async (): Promise<TopicInfo[]> => Object.keys(ends[c.alias]!).map((name) => ({ name, partitions: [0] })),
      fetchOffsets: async (tps: TopicPartition[]) => tps.map((tp) => ({ ...tp, start: 0, end: ends[c.alias]![tp.topic] ?? 0 })),
      fetch: async (requests) =>
        requests.map((r): FetchResult => {
          fetches.push(`${r.topic}@${r.offset}`);
          const log = logs[r.topic] ?? [];
          return { topic: r.topic, partition: r.partition, records: log.slice(r.offset), nextOffset: log.length, highWatermark: log.length, error: null, errorKind: null };
        }),
    });
    return port;
  };
  return { factory, fetches };
}

describe('Monitor.setFlows', () => {
  it('adds, keeps, re-reads and removes flows while running', async () => {
    const k = clusters();
    const logger = createLogger('error', new Writable({ write: (_c, _e, done) => done() }));
    const telemetry = { kafkaRequest: () => {}, pollError: () => {}, decodeError: () => {}, tailError: () => {} };
    const monitor = new Monitor({ config: config(), portFactory: k.factory, logger, telemetry, now: () => 1_000_000 });
    const evidenceOf = (key: string) => monitor['evidence'].get(key) as Mm2Evidence | undefined;
    const lagOf = (s: Awaited<ReturnType<Monitor['pollOnce']>>) => Object.fromEntries(s.flows.map((f) => [`${f.source}->${f.target}`, f.totals.lagRecords]));

    expect((await monitor.pollOnce()).flows).toEqual([]);

    monitor.setFlows([flow('east', 'west')]);
    let s = await monitor.pollOnce();
    expect(lagOf(s)).toEqual({ 'east->west': 3 });
    const eastWest = evidenceOf('east->west')!;
    expect(eastWest.offsetSyncs.size).toBe(1);

    // A second flow: the first keeps its evidence object and does not read its syncs again.
    k.fetches.length = 0;
    monitor.setFlows([flow('east', 'west'), flow('west', 'east')]);
    // Until both clusters were polled with it, the new flow stays out of the snapshots (its topics
    // were never asked for: it would show remote topics missing).
    for (let i = 0; i < 4; i++) await new Promise((r) => setImmediate(r));
    expect(lagOf(monitor.latest()!)).toEqual({ 'east->west': 3 });
    s = await monitor.pollOnce();
    expect(lagOf(s)).toEqual({ 'east->west': 3, 'west->east': 0 });
    expect(evidenceOf('east->west')).toBe(eastWest);
    expect(k.fetches).not.toContain('mm2-offset-syncs.west.internal@0');
    expect(monitor.flows.map((f) => `${f.source}->${f.target}`)).toEqual(['east->west', 'west->east']);

    // east->west changed (heartbeats now expected): fresh evidence, its syncs read from the start.
    monitor.setFlows([flow('east', 'west', { heartbeatsExpected: true }), flow('west', 'east')]);
    expect(evidenceOf('east->west')).not.toBe(eastWest);
    s = await monitor.pollOnce();
    expect(k.fetches).toContain('mm2-offset-syncs.west.internal@0');
    expect(evidenceOf('east->west')!.offsetSyncs.size).toBe(1);
    expect(lagOf(s)).toEqual({ 'east->west': 3, 'west->east': 0 });

    // east->west vanished: out of the snapshot, its evidence forgotten; the other flow stays.
    monitor.setFlows([flow('west', 'east')]);
    s = await monitor.pollOnce();
    expect(lagOf(s)).toEqual({ 'west->east': 0 });
    expect(evidenceOf('east->west')).toBeUndefined();

    // A policy inferred later: the flows are planned with it (remote topics named with "_", so
    // east.orders on west is no longer a copy but a topic of its own).
    monitor.setFlows([flow('west', 'east')], { kind: 'default', separator: '_' });
    s = await monitor.pollOnce();
    expect(monitor.replicationPolicy).toEqual({ kind: 'default', separator: '_' });
    expect(s.flows[0]!.topics.map((t) => [t.topic, t.remoteTopic, t.remoteMissing])).toEqual([
      ['east.orders', 'west_east.orders', true],
      ['users', 'west_users', true],
    ]);
    await monitor.stop(10);
  });
});
