import { describe, expect, it } from 'vitest';
import { blindReason, flowBlindSpots } from '../../../src/core/blindSpots.js';
import { failoverVerdict } from '../../../src/core/failover.js';
import type { FailoverInput } from '../../../src/core/failover.js';
import { computeFlowStatus, offsetKey } from '../../../src/core/flowStatus.js';
import { LagWindowStore } from '../../../src/core/lagWindow.js';
import { createReplicationPolicy } from '../../../src/core/replicationPolicy.js';
import { DEFAULT_TOPICS_EXCLUDE } from '../../../src/core/topicFilter.js';
import type { BlindSpot, FlowConfig, TailStuck } from '../../../src/core/types.js';

const policy = createReplicationPolicy({ kind: 'default', separator: '.' });
const NOW = 1_700_000_000_000;
const flow: FlowConfig = {
  source: 'us-east',
  target: 'us-west',
  topics: ['.*'],
  topicsExclude: [...DEFAULT_TOPICS_EXCLUDE],
  heartbeatsExpected: true,
  offsetSyncsTopicLocation: 'source',
  groups: ['billing'],
  maxLagRecords: 0,
  maxHeartbeatAgeSeconds: 30,
};
const stuck = (topic: string, kind: string, message: string): TailStuck => ({ topic, kind, message, partitions: [0], sinceMs: NOW });

describe('flowBlindSpots', () => {
  it("names each of the flow's MM2 topics that is stuck, worded read or decode by kind", () => {
    const spots = flowBlindSpots(
      flow,
      policy,
      new Map([
        ['us-west', [stuck('us-east.heartbeats', 'kafka', 'TOPIC_AUTHORIZATION_FAILED'), stuck('us-east.checkpoints.internal', 'codec', 'lz4 is not supported'), stuck('other', 'kafka', 'X')]],
        ['us-east', [stuck('mm2-offset-syncs.us-west.internal', 'unreachable', 'no leader')]],
      ]),
    );
    expect(spots.map((s) => [s.evidence, s.reason])).toEqual([
      ['heartbeats', 'cannot read us-east.heartbeats on us-west: TOPIC_AUTHORIZATION_FAILED'],
      ['offset-syncs', 'cannot read mm2-offset-syncs.us-west.internal on us-east: no leader'],
      ['checkpoints', 'cannot decode us-east.checkpoints.internal on us-west: lz4 is not supported'],
    ]);
  });

  it('a topic of the same name on the other cluster is not this flow’s', () => {
    expect(flowBlindSpots(flow, policy, new Map([['us-east', [stuck('us-east.heartbeats', 'kafka', 'X')]]]))).toEqual([]);
  });
});

const spot = (evidence: BlindSpot['evidence'], topic: string): BlindSpot => ({
  evidence,
  cluster: 'us-west',
  topic,
  kind: 'kafka',
  message: 'TOPIC_AUTHORIZATION_FAILED',
  reason: blindReason(topic, 'us-west', 'kafka', 'TOPIC_AUTHORIZATION_FAILED'),
});

function input(extra: Partial<FailoverInput> = {}): FailoverInput {
  return {
    source: 'us-east',
    target: 'us-west',
    known: true,
    topics: [],
    heartbeat: { expected: true, topic: 'us-east.heartbeats', lastTimestampMs: NOW - 600_000, ageSeconds: 600 },
    checkpoints: [],
    totals: { lagRecords: 0, maxLagSeconds: 0, recordsLost: 0, remoteTopicsMissing: 0, partitionsMissing: 0 },
    ...extra,
  };
}

describe('failoverVerdict with blind spots', () => {
  it('blames MM2 for an old heartbeat and missing checkpoints when mirrorwatch can read them', () => {
    expect(failoverVerdict(input(), flow, NOW).reasons).toEqual(['heartbeat stale: 600 s > 30 s', 'no checkpoints for group billing']);
  });

  it('says mirrorwatch is blind instead, never that the heartbeat is stale or checkpoints missing', () => {
    const v = failoverVerdict(input({ blind: [spot('heartbeats', 'us-east.heartbeats'), spot('checkpoints', 'us-east.checkpoints.internal')] }), flow, NOW);
    expect(v.ready).toBe(false);
    expect(v.reasons).toEqual([
      "cannot read us-east.heartbeats on us-west: TOPIC_AUTHORIZATION_FAILED (mirrorwatch is blind to this flow's heartbeats)",
      "cannot read us-east.checkpoints.internal on us-west: TOPIC_AUTHORIZATION_FAILED (mirrorwatch is blind to this flow's checkpoints)",
    ]);
  });

  it('also without any heartbeat ever seen', () => {
    const v = failoverVerdict(input({ heartbeat: { expected: true, topic: 'us-east.heartbeats', lastTimestampMs: null, ageSeconds: null }, blind: [spot('heartbeats', 'us-east.heartbeats')] }), { ...flow, groups: [] }, NOW);
    expect(v.reasons).toEqual(["cannot read us-east.heartbeats on us-west: TOPIC_AUTHORIZATION_FAILED (mirrorwatch is blind to this flow's heartbeats)"]);
  });
});

describe('computeFlowStatus with blind spots', () => {
  const view = (alias: string, topic: string, end: number) => ({
    alias,
    read: true,
    observedAtMs: NOW,
    topics: new Map([[topic, [0]]]),
    offsets: new Map([[offsetKey(topic, 0), { start: 0, end }]]),
  });

  it('marks the heartbeat blind and says why lag fell back from offset-sync', () => {
    const s = computeFlowStatus({
      flow: { ...flow, groups: [] },
      policy,
      source: view('us-east', 'orders', 100),
      target: view('us-west', 'us-east.orders', 100),
      evidence: { heartbeatLastTimestampMs: NOW - 1000 },
      lagWindows: new LagWindowStore(),
      nowMs: NOW,
      blind: [spot('heartbeats', 'us-east.heartbeats'), { ...spot('offset-syncs', 'mm2-offset-syncs.us-west.internal'), cluster: 'us-east', reason: 'cannot read mm2-offset-syncs.us-west.internal on us-east: TOPIC_AUTHORIZATION_FAILED' }],
    });
    expect(s.heartbeat.blind).toBe('cannot read us-east.heartbeats on us-west: TOPIC_AUTHORIZATION_FAILED');
    const p = s.topics[0]!.partitions[0]!;
    expect(p.basis).not.toBe('offset-sync');
    expect(p.basisReason).toBe('cannot read mm2-offset-syncs.us-west.internal on us-east: TOPIC_AUTHORIZATION_FAILED');
    expect(s.blind?.map((b) => b.evidence)).toEqual(['heartbeats', 'offset-syncs']);
    expect(s.failover.reasons.every((r) => r.startsWith('cannot read'))).toBe(true);
  });

  it('leaves a readable flow without blind spots or basis reasons', () => {
    const s = computeFlowStatus({
      flow: { ...flow, groups: [] },
      policy,
      source: view('us-east', 'orders', 100),
      target: view('us-west', 'us-east.orders', 100),
      evidence: { heartbeatLastTimestampMs: NOW - 1000 },
      lagWindows: new LagWindowStore(),
      nowMs: NOW,
    });
    expect(s.blind).toBeUndefined();
    expect(s.heartbeat.blind).toBeUndefined();
    expect(s.topics[0]!.partitions[0]!.basisReason).toBeUndefined();
  });
});
