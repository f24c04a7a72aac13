import { describe, expect, it } from 'vitest';
import { computeFlowStatus, offsetKey } from '../../../src/core/flowStatus.js';
import type { ClusterView, FlowEvidence, OffsetRange } from '../../../src/core/flowStatus.js';
import { LagWindowStore } from '../../../src/core/lagWindow.js';
import { createReplicationPolicy } from '../../../src/core/replicationPolicy.js';
import { DEFAULT_TOPICS_EXCLUDE } from '../../../src/core/topicFilter.js';
import type { Checkpoint, FlowConfig } from '../../../src/core/types.js';

const policy = createReplicationPolicy({ kind: 'default', separator: '.' });
const NOW = 1_700_000_000_000;

function flowConfig(source: string, target: string, extra: Partial<FlowConfig> = {}): FlowConfig {
  return {
    source,
    target,
    topics: ['.*'],
    topicsExclude: [...DEFAULT_TOPICS_EXCLUDE],
    heartbeatsExpected: true,
    offsetSyncsTopicLocation: 'source',
    groups: [],
    maxLagRecords: 0,
    maxHeartbeatAgeSeconds: 30,
    ...extra,
  };
}

/** topic -> per-partition [start, end] */
function view(alias: string, topics: Record<string, [number, number][]>, read = true): ClusterView {
  const offsets = new Map<string, OffsetRange>();
  const ids = new Map<string, number[]>();
  for (const [topic, parts] of Object.entries(topics)) {
    ids.set(topic, parts.map((_, p) => p));
    parts.forEach(([start, end], p) => offsets.set(offsetKey(topic, p), { start, end }));
  }
  return { alias, read, observedAtMs: NOW, topics: ids, offsets };
}

const syncs = (entries: [string, number, number, number][]) =>
  new Map(entries.map(([topic, p, u, d]) => [offsetKey(topic, p), { upstreamOffset: u, downstreamOffset: d }]));

describe('computeFlowStatus', () => {
  const east = view('us-east', {
    payments: [[0, 50], [0, 60]],
    orders: [[0, 100], [10, 200], [0, 0]],
    heartbeats: [[0, 500]],
    'us-west.orders': [[0, 70]],
    __consumer_offsets: [[0, 1]],
    'mm2-offset-syncs.us-west.internal': [[0, 30]],
  });
  const west = view('us-west', {
    'us-east.orders': [[0, 100], [0, 150], [0, 0]],
    'us-east.payments': [[0, 50]],
    'us-east.heartbeats': [[0, 400]],
    'us-east.checkpoints.internal': [[0, 9]],
    orders: [[0, 70]],
  });
  const evidence: FlowEvidence = {
    offsetSyncs: syncs([
      ['orders', 0, 0, 0],
      ['orders', 1, 10, 0],
      ['payments', 0, 0, 0],
    ]),
    heartbeatLastTimestampMs: NOW - 4500,
  };

  it('reports every selected topic and partition, sorted, with lag from offset syncs', () => {
    const s = computeFlowStatus({ flow: flowConfig('us-east', 'us-west'), policy, source: east, target: west, evidence, lagWindows: new LagWindowStore(), nowMs: NOW });
    expect(s.known).toBe(true);
    expect(s.topics.map((t) => t.topic)).toEqual(['orders', 'payments']);
    const orders = s.topics[0]!;
    expect(orders).toMatchObject({ remoteTopic: 'us-east.orders', sourcePartitions: 3, targetPartitions: 3, remoteMissing: false, partitionsMissing: 0 });
    expect(orders.partitions.map((p) => [p.partition, p.basis, p.replicated, p.lagRecords, p.recordsLost])).toEqual([
      [0, 'offset-sync', 100, 0, 0],
      [1, 'offset-sync', 160, 40, 0],
      [2, 'empty-target', 0, 0, 0],
    ]);
    expect(orders.partitions[1]).toMatchObject({ sourceStart: 10, sourceEnd: 200, targetEnd: 150, lastSync: { upstreamOffset: 10, downstreamOffset: 0 }, connectOffset: null });
  });

  it('reports drift: fewer partitions on the target', () => {
    const s = computeFlowStatus({ flow: flowConfig('us-east', 'us-west'), policy, source: east, target: west, evidence, lagWindows: new LagWindowStore(), nowMs: NOW });
    const payments = s.topics[1]!;
    expect(payments).toMatchObject({ targetPartitions: 1, partitionsMissing: 1, remoteMissing: false });
    expect(payments.partitions[1]).toMatchObject({ basis: 'unknown', lagRecords: null, targetEnd: null, remotePartitionMissing: true });
    expect(s.totals).toEqual({ lagRecords: 40, maxLagSeconds: 0, recordsLost: 0, remoteTopicsMissing: 0, partitionsMissing: 1, lagUnknownPartitions: 1 });
    expect(s.failover.ready).toBe(false);
    expect(s.failover.reasons).toContain('remote topic us-east.payments has 1 of 2 partitions');
    // RPO counts every retained record of the missing partition.
    expect(s.failover.rpo.records).toBe(40 + 60);
  });

  it('reports a missing remote topic with all its partitions', () => {
    const target = view('us-west', { 'us-east.orders': [[0, 100], [0, 190], [0, 0]] });
    const s = computeFlowStatus({ flow: flowConfig('us-east', 'us-west'), policy, source: east, target, evidence, lagWindows: new LagWindowStore(), nowMs: NOW });
    expect(s.topics[1]).toMatchObject({ topic: 'payments', remoteMissing: true, targetPartitions: null, partitionsMissing: 2 });
    expect(s.totals.remoteTopicsMissing).toBe(1);
    expect(s.failover.reasons).toContain('remote topic us-east.payments missing');
  });

  it('heartbeat age from the newest heartbeat, never negative', () => {
    const s = computeFlowStatus({ flow: flowConfig('us-east', 'us-west'), policy, source: east, target: west, evidence, lagWindows: new LagWindowStore(), nowMs: NOW });
    expect(s.heartbeat).toEqual({ expected: true, topic: 'us-east.heartbeats', lastTimestampMs: NOW - 4500, ageSeconds: 4.5 });
    const skewed = computeFlowStatus({
      flow: flowConfig('us-east', 'us-west', { heartbeatsExpected: false }),
      policy,
      source: east,
      target: west,
      evidence: { ...evidence, heartbeatLastTimestampMs: NOW + 2000 },
      lagWindows: new LagWindowStore(),
      nowMs: NOW,
    });
    expect(skewed.heartbeat).toMatchObject({ expected: false, ageSeconds: 0 });
  });

  it('active-active: remote topics are not source topics of the reverse flow', () => {
    const s = computeFlowStatus({ flow: flowConfig('us-west', 'us-east'), policy, source: west, target: east, evidence: {}, lagWindows: new LagWindowStore(), nowMs: NOW });
    expect(s.topics.map((t) => [t.topic, t.remoteTopic])).toEqual([['orders', 'us-west.orders']]);
    expect(s.heartbeat.topic).toBe('us-west.heartbeats');
    // No sync: the target's size says how much was copied.
    expect(s.topics[0]!.partitions[0]).toMatchObject({ basis: 'target-size', replicated: 70, lagRecords: 0 });
  });

  it('unread target: nothing called missing, lag unknown, not ready', () => {
    const unread: ClusterView = { alias: 'us-west', read: false, topics: new Map(), offsets: new Map() };
    const s = computeFlowStatus({ flow: flowConfig('us-east', 'us-west'), policy, source: east, target: unread, evidence, lagWindows: new LagWindowStore(), nowMs: NOW });
    expect(s.known).toBe(false);
    expect(s.topics.every((t) => !t.remoteMissing && t.partitionsMissing === 0 && t.targetPartitions === null)).toBe(true);
    expect(s.topics.flatMap((t) => t.partitions).every((p) => p.basis === 'unknown' && p.remotePartitionMissing === undefined)).toBe(true);
    expect(s.totals).toMatchObject({ lagRecords: null, maxLagSeconds: null, remoteTopicsMissing: 0 });
    expect(s.failover.reasons).toEqual(['target cluster us-west not read yet']);
    expect(s.failover.rpo).toEqual({ records: null, seconds: null });
  });

  it('unread source: no topics at all', () => {
    const unread: ClusterView = { alias: 'us-east', read: false, topics: new Map(), offsets: new Map() };
    const s = computeFlowStatus({ flow: flowConfig('us-east', 'us-west'), policy, source: unread, target: west, evidence, lagWindows: new LagWindowStore(), nowMs: NOW });
    expect(s.topics).toEqual([]);
    expect(s.failover.reasons[0]).toBe('source cluster us-east not read yet');
  });

  it('accepts nested offset maps and skips partitions listed without offsets', () => {
    const nested: ClusterView = {
      alias: 'us-east',
      read: true,
      topics: new Map([['orders', [1, 0]]]),
      offsets: new Map([['orders', new Map([[0, { start: 0, end: 10 }]])]]),
    };
    const target = view('us-west', { 'us-east.orders': [[0, 10], [0, 0]] });
    const s = computeFlowStatus({ flow: flowConfig('us-east', 'us-west'), policy, source: nested, target, evidence: {}, lagWindows: new LagWindowStore(), nowMs: NOW });
    expect(s.topics[0]!.sourcePartitions).toBe(2);
    expect(s.topics[0]!.partitions.map((p) => [p.partition, p.replicated])).toEqual([[0, 10]]);
  });

  it('uses Connect offsets and says so', () => {
    const s = computeFlowStatus({
      flow: flowConfig('us-east', 'us-west', { topics: ['orders'] }),
      policy,
      source: east,
      target: west,
      evidence: { ...evidence, connectOffsets: new Map([[offsetKey('orders', 1), 190], [offsetKey('orders', 0), 50]]) },
      lagWindows: new LagWindowStore(),
      nowMs: NOW,
    });
    const [p0, p1] = s.topics[0]!.partitions;
    expect(p0).toMatchObject({ connectOffset: 50, connectOffsetCheck: 'consistent', basis: 'offset-sync' });
    expect(p1).toMatchObject({ connectOffset: 190, connectOffsetCheck: 'ahead', basis: 'connect-offsets', lagRecords: 10 });
  });

  it('lag seconds grow while MM2 is stopped and traffic flows', () => {
    const windows = new LagWindowStore();
    const flow = flowConfig('us-east', 'us-west', { topics: ['orders'] });
    const target = view('us-west', { 'us-east.orders': [[0, 100], [0, 100], [0, 0]] });
    const ev: FlowEvidence = { offsetSyncs: syncs([['orders', 0, 0, 0]]) };
    let last = computeFlowStatus({ flow, policy, source: view('us-east', { orders: [[0, 100], [0, 0], [0, 0]] }), target, evidence: ev, lagWindows: windows, nowMs: NOW });
    expect(last.totals.maxLagSeconds).toBe(0);
    for (let i = 1; i <= 120; i++) {
      const now = NOW + i * 1000;
      const source = { ...view('us-east', { orders: [[0, 100 + i * 10], [0, 0], [0, 0]] }), observedAtMs: now };
      last = computeFlowStatus({ flow, policy, source, target, evidence: ev, lagWindows: windows, nowMs: now });
    }
    const p0 = last.topics[0]!.partitions[0]!;
    expect(p0.lagRecords).toBe(1200);
    expect(Math.abs((p0.lagSeconds ?? 0) - 120)).toBeLessThanOrEqual(1);
    expect(last.totals.maxLagSeconds).toBe(p0.lagSeconds);
    expect(last.failover.rpo).toEqual({ records: 1200, seconds: p0.lagSeconds });
    expect(last.failover.reasons).toContain('lag 1200 records > 0 on 1 partition');
  });

  it('checkpoints: age, translation lag, remote names mapped back to source topics', () => {
    const cp = (group: string, topic: string, partition: number, upstreamOffset: number): Checkpoint => ({ group, topic, partition, upstreamOffset, downstreamOffset: upstreamOffset - 5, metadata: '' });
    const ev: FlowEvidence = {
      ...evidence,
      checkpoints: new Map([
        ['billing', { lastRecordTimestampMs: NOW - 20_000, checkpoints: [cp('billing', 'us-east.orders', 1, 150), cp('billing', 'us-east.orders', 0, 90), cp('billing', 'orders', 0, 60)] }],
      ]),
      committedOffsets: new Map([
        [
          'billing',
          new Map([
            [offsetKey('orders', 0), 95],
            [offsetKey('orders', 1), 150],
            [offsetKey('us-west.orders', 0), 70],
          ]),
        ],
      ]),
    };
    const s = computeFlowStatus({ flow: flowConfig('us-east', 'us-west', { groups: ['audit', 'billing'] }), policy, source: east, target: west, evidence: ev, lagWindows: new LagWindowStore(), nowMs: NOW });
    expect(s.checkpoints.map((c) => c.group)).toEqual(['audit', 'billing']);
    expect(s.checkpoints[0]).toEqual({ group: 'audit', lastCheckpointMs: null, ageSeconds: null, partitions: [] });
    const billing = s.checkpoints[1]!;
    expect(billing.ageSeconds).toBe(20);
    expect(billing.partitions.map((p) => [p.topic, p.remoteTopic, p.partition, p.committedOffset, p.lagRecords])).toEqual([
      ['orders', 'us-east.orders', 0, 95, 5],
      ['orders', 'us-east.orders', 1, 150, 0],
      // `us-west.orders` on us-east came from us-west: MM2 checkpoints it under its original name.
      ['us-west.orders', 'orders', 0, 70, 10],
    ]);
    expect(s.failover.reasons).toContain('no checkpoints for group audit');
  });

  it('refuses views of other clusters', () => {
    expect(() =>
      computeFlowStatus({ flow: flowConfig('us-east', 'us-west'), policy, source: west, target: east, evidence, lagWindows: new LagWindowStore(), nowMs: NOW }),
    ).toThrow(/us-east->us-west was given views of us-west and us-east/);
  });

  it('a flow with nothing to replicate is measured as zero', () => {
    const s = computeFlowStatus({
      flow: flowConfig('us-east', 'us-west', { topics: ['nothing-matches'], heartbeatsExpected: false }),
      policy,
      source: east,
      target: west,
      evidence: {},
      lagWindows: new LagWindowStore(),
      nowMs: NOW,
    });
    expect(s.totals).toMatchObject({ lagRecords: 0, maxLagSeconds: 0 });
    expect(s.failover).toEqual({ ready: true, reasons: [], rpo: { records: 0, seconds: 0 } });
  });
});
