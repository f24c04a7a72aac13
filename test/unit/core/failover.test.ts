import { describe, expect, it } from 'vitest';
import { checkpointAgeBoundSeconds, failoverVerdict, formatSeconds } from '../../../src/core/failover.js';
import type { FailoverInput } from '../../../src/core/failover.js';
import type { FlowConfig, GroupCheckpointStatus, PartitionStatus, TopicStatus } from '../../../src/core/types.js';

const NOW = 1_700_000_000_000;

const flow: Pick<FlowConfig, 'groups' | 'maxLagRecords' | 'maxHeartbeatAgeSeconds' | 'maxCheckpointAgeSeconds'> = {
  groups: ['billing'],
  maxLagRecords: 0,
  maxHeartbeatAgeSeconds: 30,
};

function partition(topic: string, p: number, extra: Partial<PartitionStatus> = {}): PartitionStatus {
  return {
    topic,
    remoteTopic: `us-east.${topic}`,
    partition: p,
    sourceStart: 0,
    sourceEnd: 100,
    targetEnd: 100,
    replicated: 100,
    basis: 'offset-sync',
    lastSync: { upstreamOffset: 0, downstreamOffset: 0 },
    lagRecords: 0,
    lagSeconds: 0,
    recordsLost: 0,
    connectOffset: null,
    ...extra,
  };
}

function topic(name: string, partitions: PartitionStatus[], extra: Partial<TopicStatus> = {}): TopicStatus {
  return {
    topic: name,
    remoteTopic: `us-east.${name}`,
    sourcePartitions: partitions.length,
    targetPartitions: partitions.length,
    remoteMissing: false,
    partitionsMissing: 0,
    partitions,
    ...extra,
  };
}

const billing = (extra: Partial<GroupCheckpointStatus> = {}): GroupCheckpointStatus => ({
  group: 'billing',
  lastCheckpointMs: NOW - 10_000,
  ageSeconds: 10,
  partitions: [{ topic: 'orders', partition: 0, committedOffset: 90, upstreamOffset: 90, downstreamOffset: 88, lagRecords: 0 }],
  ...extra,
});

function healthy(): FailoverInput {
  return {
    source: 'us-east',
    target: 'us-west',
    known: true,
    sourceRead: true,
    targetRead: true,
    topics: [topic('orders', [partition('orders', 0), partition('orders', 1)])],
    heartbeat: { expected: true, topic: 'us-east.heartbeats', lastTimestampMs: NOW - 2000, ageSeconds: 2 },
    checkpoints: [billing()],
    totals: { lagRecords: 0, maxLagSeconds: 0, recordsLost: 0, remoteTopicsMissing: 0, partitionsMissing: 0 },
  };
}

describe('failoverVerdict', () => {
  it('a healthy flow is ready with RPO zero', () => {
    expect(failoverVerdict(healthy(), flow, NOW)).toEqual({ ready: true, reasons: [], rpo: { records: 0, seconds: 0 } });
  });

  const cases: [string, (s: FailoverInput) => void, string[], Partial<typeof flow>?][] = [
    ['target unread', (s) => Object.assign(s, { known: false, targetRead: false }), ['target cluster us-west not read yet']],
    ['both unread', (s) => Object.assign(s, { known: false, sourceRead: false, targetRead: false }), ['source cluster us-east and target cluster us-west not read yet']],
    ['heartbeat never seen', (s) => (s.heartbeat = { ...s.heartbeat, lastTimestampMs: null, ageSeconds: null }), ['no heartbeat seen in us-east.heartbeats on us-west']],
    ['heartbeat stale', (s) => (s.heartbeat = { ...s.heartbeat, lastTimestampMs: NOW - 42_000 }), ['heartbeat stale: 42 s > 30 s']],
    ['heartbeat just over', (s) => (s.heartbeat = { ...s.heartbeat, lastTimestampMs: NOW - 30_400 }), ['heartbeat stale: 30.4 s > 30 s']],
    [
      'lag above bound',
      (s) => (s.topics = [topic('orders', [partition('orders', 0, { lagRecords: 700, lagSeconds: 12 }), partition('orders', 1, { lagRecords: 500, lagSeconds: 3 })])]),
      ['lag 1200 records > 0 on 2 partitions'],
    ],
    [
      'lag unknown',
      (s) => (s.topics = [topic('orders', [partition('orders', 0, { basis: 'unknown', replicated: null, lagRecords: null, lagSeconds: null, syncStale: true }), partition('orders', 1)])]),
      ['lag unknown on 1 partition: orders-0'],
    ],
    [
      'records lost',
      (s) => (s.topics = [topic('orders', [partition('orders', 0, { recordsLost: 12 }), partition('orders', 1)])]),
      ['data lost: 12 records deleted on the source before MM2 copied them (orders-0)'],
    ],
    [
      'remote topic missing',
      (s) =>
        (s.topics = [
          topic('orders', [partition('orders', 0)]),
          topic('payments', [partition('payments', 0, { targetEnd: null, replicated: null, lagRecords: null, lagSeconds: null, basis: 'unknown', remotePartitionMissing: true })], {
            remoteMissing: true,
            targetPartitions: null,
            partitionsMissing: 1,
          }),
        ]),
      ['remote topic us-east.payments missing'],
    ],
    [
      'partitions missing',
      (s) =>
        (s.topics = [
          topic('orders', [partition('orders', 0), partition('orders', 1, { targetEnd: null, replicated: null, lagRecords: null, lagSeconds: null, basis: 'unknown', remotePartitionMissing: true })], {
            targetPartitions: 1,
            partitionsMissing: 1,
          }),
        ]),
      ['remote topic us-east.orders has 1 of 2 partitions'],
    ],
    ['group without checkpoints', (s) => (s.checkpoints = []), ['no checkpoints for group billing']],
    [
      'checkpoints stale while the group moved on',
      (s) =>
        (s.checkpoints = [
          billing({ lastCheckpointMs: NOW - 300_000, partitions: [{ topic: 'orders', partition: 0, committedOffset: 95, upstreamOffset: 90, downstreamOffset: 88, lagRecords: 5 }] }),
        ]),
      ["checkpoints for group billing stale: 300 s > 120 s, 5 records behind the group's commits"],
    ],
    [
      'checkpoints old, no committed offsets to compare',
      (s) => (s.checkpoints = [billing({ lastCheckpointMs: NOW - 200_000, partitions: [] })]),
      ['checkpoints for group billing stale: 200 s > 120 s'],
    ],
    [
      'custom checkpoint bound',
      (s) => (s.checkpoints = [billing({ lastCheckpointMs: NOW - 61_000, partitions: [] })]),
      ['checkpoints for group billing stale: 61 s > 60 s'],
      { maxCheckpointAgeSeconds: 60 },
    ],
  ];

  it.each(cases)('%s', (_name, mutate, reasons, flowExtra) => {
    const s = healthy();
    mutate(s);
    const v = failoverVerdict(s, { ...flow, ...flowExtra }, NOW);
    expect(v.ready).toBe(false);
    expect(v.reasons).toEqual(reasons);
  });

  it('an idle group whose checkpoints cover its commits is current however old', () => {
    const s = healthy();
    s.checkpoints = [billing({ lastCheckpointMs: NOW - 3_600_000 })];
    expect(failoverVerdict(s, flow, NOW).ready).toBe(true);
  });

  it('heartbeats not expected: no heartbeat reason', () => {
    const s = healthy();
    s.heartbeat = { expected: false, topic: 'us-east.heartbeats', lastTimestampMs: null, ageSeconds: null };
    expect(failoverVerdict(s, flow, NOW).ready).toBe(true);
  });

  it('lag within the bound is ready', () => {
    const s = healthy();
    s.topics = [topic('orders', [partition('orders', 0, { lagRecords: 10, lagSeconds: 1 })])];
    expect(failoverVerdict(s, { ...flow, maxLagRecords: 10 }, NOW)).toEqual({ ready: true, reasons: [], rpo: { records: 10, seconds: 1 } });
  });

  it('lists every reason at once and shortens long lists', () => {
    const s = healthy();
    s.heartbeat = { ...s.heartbeat, lastTimestampMs: NOW - 100_000 };
    s.topics = [topic('orders', Array.from({ length: 8 }, (_, p) => partition('orders', p, { recordsLost: 1, lagRecords: 2, lagSeconds: 5 })))];
    const v = failoverVerdict(s, flow, NOW);
    expect(v.reasons).toEqual([
      'heartbeat stale: 100 s > 30 s',
      'lag 16 records > 0 on 8 partitions',
      'data lost: 8 records deleted on the source before MM2 copied them (orders-0, orders-1, orders-2, orders-3, orders-4 and 3 more)',
    ]);
    expect(v.rpo).toEqual({ records: 16, seconds: 5 });
  });

  it('RPO: a missing partition puts its retained records at risk, seconds unknown', () => {
    const s = healthy();
    s.topics = [
      topic('orders', [
        partition('orders', 0, { lagRecords: 3, lagSeconds: 2 }),
        partition('orders', 1, { sourceStart: 20, sourceEnd: 70, targetEnd: null, replicated: null, lagRecords: null, lagSeconds: null, basis: 'unknown', remotePartitionMissing: true }),
      ]),
    ];
    expect(failoverVerdict(s, { ...flow, maxLagRecords: 100 }, NOW).rpo).toEqual({ records: 53, seconds: null });
  });

  it('RPO is unknown when some lag is unknown for another reason', () => {
    const s = healthy();
    s.topics = [topic('orders', [partition('orders', 0, { lagRecords: null, replicated: null, lagSeconds: null, basis: 'unknown' })])];
    expect(failoverVerdict(s, flow, NOW).rpo).toEqual({ records: null, seconds: null });
  });

  it('recomputes ages from timestamps at the given time', () => {
    const s = healthy();
    expect(failoverVerdict(s, flow, NOW + 60_000).reasons).toEqual(['heartbeat stale: 62 s > 30 s']);
  });

  it('checkpoint bound defaults to max(120 s, 3 x heartbeat bound)', () => {
    expect(checkpointAgeBoundSeconds({ maxHeartbeatAgeSeconds: 30 })).toBe(120);
    expect(checkpointAgeBoundSeconds({ maxHeartbeatAgeSeconds: 60 })).toBe(180);
    expect(checkpointAgeBoundSeconds({ maxHeartbeatAgeSeconds: 60, maxCheckpointAgeSeconds: 45 })).toBe(45);
    expect(formatSeconds(42)).toBe('42 s');
    expect(formatSeconds(123.456)).toBe('123 s');
  });
});
