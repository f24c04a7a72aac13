// The snapshot pairs each flow's source and target readings closest in time (src/core/readingPair.ts):
// right after the source's poll ends, lag must not jump by one interval's traffic.
import { describe, expect, it } from 'vitest';
import { emptyEvidence } from '../../../src/core/mm2Evidence.js';
import { LagWindowStore } from '../../../src/core/lagWindow.js';
import { createReplicationPolicy } from '../../../src/core/replicationPolicy.js';
import { DEFAULT_TOPICS_EXCLUDE } from '../../../src/core/topicFilter.js';
import type { MirrorwatchConfig, PartitionOffsets } from '../../../src/core/types.js';
import type { ClusterPollerState, ClusterReading } from '../../../src/poller/clusterPoller.js';
import { buildSnapshot } from '../../../src/poller/snapshot.js';

const policy = createReplicationPolicy({ kind: 'default', separator: '.' });
const config = {
  clusters: [],
  flows: [
    {
      source: 'us-east',
      target: 'us-west',
      topics: ['.*'],
      topicsExclude: [...DEFAULT_TOPICS_EXCLUDE],
      heartbeatsExpected: false,
      offsetSyncsTopicLocation: 'source',
      groups: [],
      maxLagRecords: 1000,
      maxHeartbeatAgeSeconds: 30,
    },
  ],
  poll: { intervalMs: 10_000, timeoutMs: 5000 },
} as unknown as MirrorwatchConfig;

function reading(topic: string, end: number, readAtMs: number): ClusterReading {
  const o: PartitionOffsets = { topic, partition: 0, start: 0, end };
  return {
    readAtMs,
    topics: new Map([[topic, [0]]]),
    offsets: new Map(),
    offsetsByTopic: new Map([[topic, new Map([[0, o]])]]),
    committed: [],
    dataTopics: new Set([topic]),
    dataPartitions: [o],
  };
}

function state(alias: string, up: boolean, latest: ClusterReading, previous: ClusterReading | null): ClusterPollerState {
  return { alias, polls: 2, up, lastSuccessMs: latest.readAtMs, lastDurationSeconds: 0.1, lastError: null, reading: latest, previousReading: previous, tailStuck: [] };
}

// MM2 keeps up perfectly: 100 records per 10 s on the source, copied within the same cycle.
const s1 = reading('orders', 1000, 10_000);
const s2 = reading('orders', 1100, 20_000);
const t1 = reading('us-east.orders', 1000, 10_300);
const t2 = reading('us-east.orders', 1100, 20_300);

function snapshot(east: ClusterPollerState, west: ClusterPollerState, nowMs: number) {
  return buildSnapshot({ config, policy, clusters: [east, west], evidence: new Map([['us-east->us-west', emptyEvidence()]]), window: new LagWindowStore(), nowMs, sequence: 1 });
}

describe('snapshot reading pairs', () => {
  it('does not pair a fresh source reading with the previous cycle of the target', () => {
    // The source's poll of cycle 2 has ended; the target's has not.
    const s = snapshot(state('us-east', true, s2, s1), state('us-west', true, t1, null), 20_100);
    const flow = s.flows[0]!;
    expect(flow.totals.lagRecords).toBe(0);
    expect(flow.readings).toEqual({ source: { readAtMs: 10_000, ageSeconds: 10.1 }, target: { readAtMs: 10_300, ageSeconds: 9.8 }, skewSeconds: -0.3 });
    // The cluster's own offsets stay the newest read.
    expect(s.clusters[0]!.partitions[0]!.end).toBe(1100);
  });

  it('moves on once both sides of the cycle are in', () => {
    const flow = snapshot(state('us-east', true, s2, s1), state('us-west', true, t2, t1), 20_400).flows[0]!;
    expect(flow.totals.lagRecords).toBe(0);
    expect(flow.readings?.source?.readAtMs).toBe(20_000);
    expect(flow.readings?.target?.readAtMs).toBe(20_300);
  });

  it('pairs the latest readings while the target is down, and says how old the target side is', () => {
    const flow = snapshot(state('us-east', true, s2, s1), state('us-west', false, t1, null), 60_000).flows[0]!;
    expect(flow.totals.lagRecords).toBe(100);
    expect(flow.readings?.target).toEqual({ readAtMs: 10_300, ageSeconds: 49.7 });
    expect(flow.readings?.skewSeconds).toBeCloseTo(9.7);
  });
});
