import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { DEFAULT_TOPICS_EXCLUDE } from '../../../src/core/topicFilter.js';
import { noopTelemetry } from '../../../src/core/telemetry.js';
import type { MirrorwatchConfig, Snapshot, TopicPartition } from '../../../src/core/types.js';
import type { KafkaPortFactory } from '../../../src/kafka/port.js';
import { createLogger } from '../../../src/log.js';
import { Monitor } from '../../../src/poller/monitor.js';
import { fakePort } from '../helpers/fakePort.js';

const silent = createLogger('fatal', new Writable({ write: (_c, _e, done) => done() }));

function config(): MirrorwatchConfig {
  return {
    file: 'test.yaml',
    clusters: ['us-east', 'us-west'].map((alias) => ({ alias, bootstrapServers: ['127.0.0.1:1'], clientId: 'mw', connectionTimeoutMs: 1000, requestTimeoutMs: 1000 })),
    flows: [
      {
        source: 'us-east',
        target: 'us-west',
        topics: ['.*'],
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
    logLevel: 'fatal',
    warnings: [],
  };
}

/** In-memory clusters: us-east has `orders` (end offset grows per poll), us-west its copy. */
const fakePorts = (): { factory: KafkaPortFactory; polls: () => number } => {
  let polls = 0;
  const factory: KafkaPortFactory = (cluster) => {
    const topic = cluster.alias === 'us-east' ? 'orders' : 'us-east.orders';
    const port = fakePort({
      alias: cluster.alias,
      listTopics: async () => {
        if (cluster.alias === 'us-east') polls++;
        return [{ name: topic, partitions: [0, 1] }];
      },
      fetchOffsets: async (tps: TopicPartition[]) => tps.map((tp) => ({ ...tp, start: 0, end: cluster.alias === 'us-east' ? 10 * polls : 0 })),
    });
    return port;
  };
  return { factory, polls: () => polls };
};

const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('Monitor snapshot delivery', () => {
  it('hands the newest snapshot to onSnapshot on a later turn, once per burst of rebuilds', async () => {
    const delivered: Snapshot[] = [];
    const { factory } = fakePorts();
    const monitor = new Monitor({ config: config(), portFactory: factory, logger: silent, telemetry: noopTelemetry, onSnapshot: (s) => delivered.push(s) });
    const snapshot = await monitor.pollOnce();
    expect(monitor.latest()).toBe(snapshot);
    expect(snapshot.complete).toBe(true);
    expect(snapshot.flows[0]?.totals.lagRecords).toBe(20);
    await nextTurn();
    await nextTurn();
    // Rebuilds after single cluster polls may have been delivered before, but the last one is pollOnce's.
    expect(delivered.at(-1)).toBe(snapshot);
    const sequences = delivered.map((s) => s.sequence);
    expect([...sequences].sort((a, b) => a - b)).toEqual(sequences);
    expect(new Set(sequences).size).toBe(sequences.length);
    await monitor.stop(100);
  });

  it('never delivers a snapshot older than one already delivered, and delivers the last at stop', async () => {
    const delivered: number[] = [];
    const { factory } = fakePorts();
    const monitor = new Monitor({ config: config(), portFactory: factory, logger: silent, telemetry: noopTelemetry, onSnapshot: (s) => delivered.push(s.sequence) });
    await monitor.pollOnce();
    await monitor.pollOnce();
    const last = await monitor.pollOnce();
    await monitor.stop(100);
    expect(delivered.at(-1)).toBe(last.sequence);
    expect([...delivered].sort((a, b) => a - b)).toEqual(delivered);
    const count = delivered.length;
    await nextTurn();
    expect(delivered).toHaveLength(count);
  });

  it('rebuilds once for polls that end in the same turn', async () => {
    let rebuilds = 0;
    const { factory } = fakePorts();
    const monitor = new Monitor({ config: config(), portFactory: factory, logger: silent, telemetry: noopTelemetry, onSnapshot: () => rebuilds++ });
    // pollOnce: both fake clusters answer at once, so their polls end in one turn; pollOnce's own
    // rebuild then supersedes the scheduled one.
    const s = await monitor.pollOnce();
    await nextTurn();
    await nextTurn();
    expect(s.sequence).toBe(1);
    expect(rebuilds).toBe(1);
    await monitor.stop(100);
  });
});
