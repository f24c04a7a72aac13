// heartbeats: auto (Connect mode, no mm2.properties): expected only once the remote heartbeats
// topic exists on the target or a heartbeat was seen; a stop after that is still caught.
import { describe, expect, it } from 'vitest';
import { decodeConnectOffset, isFlowSourceConnectorOffset } from '../../../src/core/connectOffsets.js';
import { computeFlowStatus, HEARTBEAT_NOT_EXPECTED, offsetKey } from '../../../src/core/flowStatus.js';
import type { ClusterView, OffsetRange } from '../../../src/core/flowStatus.js';
import { LagWindowStore } from '../../../src/core/lagWindow.js';
import { createReplicationPolicy } from '../../../src/core/replicationPolicy.js';
import type { FlowConfig } from '../../../src/core/types.js';

const policy = createReplicationPolicy({ kind: 'default', separator: '.' });
const NOW = 1_700_000_000_000;

function view(alias: string, topics: Record<string, [number, number][]>, read = true): ClusterView {
  const offsets = new Map<string, OffsetRange>();
  const ids = new Map<string, number[]>();
  for (const [topic, parts] of Object.entries(topics)) {
    ids.set(topic, parts.map((_, p) => p));
    parts.forEach(([start, end], p) => offsets.set(offsetKey(topic, p), { start, end }));
  }
  return { alias, read, observedAtMs: NOW, topics: ids, offsets };
}

const flow = (extra: Partial<FlowConfig>): FlowConfig => ({
  source: 'a',
  target: 'b',
  topics: ['orders'],
  topicsExclude: [],
  heartbeatsExpected: true,
  offsetSyncsTopicLocation: 'source',
  groups: [],
  maxLagRecords: 0,
  maxHeartbeatAgeSeconds: 30,
  ...extra,
});

const source = view('a', { orders: [[0, 5]] });
const synced = { offsetSyncs: new Map([[offsetKey('orders', 0), { upstreamOffset: 0, downstreamOffset: 0 }]]) };

function status(f: FlowConfig, target: ClusterView, heartbeatLastTimestampMs?: number) {
  return computeFlowStatus({
    flow: f,
    policy,
    source,
    target,
    evidence: { ...synced, ...(heartbeatLastTimestampMs !== undefined ? { heartbeatLastTimestampMs } : {}) },
    lagWindows: new LagWindowStore(),
    nowMs: NOW,
  });
}

describe('heartbeats: auto', () => {
  const noHeartbeatsTopic = view('b', { 'a.orders': [[0, 5]] });
  const withTopic = view('b', { 'a.orders': [[0, 5]], 'a.heartbeats': [[0, 40]] });

  it('no remote heartbeats topic and none seen: not expected, with the reason, and failover-ready', () => {
    const s = status(flow({ heartbeatsAuto: true }), noHeartbeatsTopic);
    expect(s.heartbeat).toEqual({ expected: false, reason: HEARTBEAT_NOT_EXPECTED.noTopic, topic: 'a.heartbeats', lastTimestampMs: null, ageSeconds: null });
    expect(HEARTBEAT_NOT_EXPECTED.noTopic).toBe('not expected: no heartbeats topic');
    expect(s.failover).toMatchObject({ ready: true, reasons: [] });
  });

  it('the same flow without auto pages: no heartbeat seen', () => {
    const s = status(flow({}), noHeartbeatsTopic);
    expect(s.heartbeat.expected).toBe(true);
    expect(s.failover.ready).toBe(false);
    expect(s.failover.reasons).toContain('no heartbeat seen in a.heartbeats on b');
  });

  it('the topic exists but holds nothing new: expected, so a stopped emitter is caught', () => {
    const s = status(flow({ heartbeatsAuto: true }), withTopic);
    expect(s.heartbeat).toMatchObject({ expected: true, lastTimestampMs: null });
    expect(s.heartbeat.reason).toBeUndefined();
    expect(s.failover.ready).toBe(false);
    const stale = status(flow({ heartbeatsAuto: true }), withTopic, NOW - 60_000);
    expect(stale.failover.reasons).toEqual(['heartbeat stale: 60 s > 30 s']);
  });

  it('a heartbeat was seen (topic since deleted): still expected', () => {
    const s = status(flow({ heartbeatsAuto: true }), noHeartbeatsTopic, NOW - 2000);
    expect(s.heartbeat).toMatchObject({ expected: true, ageSeconds: 2 });
    expect(s.failover.ready).toBe(true);
  });

  it('target not read yet: expected (nothing is known), the verdict says why', () => {
    const s = status(flow({ heartbeatsAuto: true }), view('b', {}, false));
    expect(s.heartbeat.expected).toBe(true);
    expect(s.failover.reasons[0]).toBe('target cluster b not read yet');
  });

  it('heartbeats: false says so', () => {
    const s = status(flow({ heartbeatsExpected: false }), withTopic);
    expect(s.heartbeat).toMatchObject({ expected: false, reason: HEARTBEAT_NOT_EXPECTED.configured });
  });
});


describe('isFlowSourceConnectorOffset: which Connect offsets belong to a flow', () => {
  const decode = (key: unknown, value: unknown = { offset: 41 }) => {
    const r = decodeConnectOffset(Buffer.from(JSON.stringify(key)), Buffer.from(JSON.stringify(value)));
    if (!r.ok) throw new Error(r.error);
    return r.value;
  };
  const part = { cluster: 'london', topic: 'orders', partition: 2 };

  it('dedicated mode: the class name as connector name', () => {
    const e = decode(['MirrorSourceConnector', part]);
    expect(isFlowSourceConnectorOffset(e, { source: 'london' })).toBe(true);
    expect(e).toMatchObject({ topic: 'orders', partition: 2, nextOffset: 42 });
  });

  it('Connect mode: the REST name (Strimzi and any other), matched by key shape and source alias', () => {
    expect(isFlowSourceConnectorOffset(decode(['london->dublin.MirrorSourceConnector', part]), { source: 'london' })).toBe(true);
    expect(isFlowSourceConnectorOffset(decode(['mm2-source-eu', part]), { source: 'london' })).toBe(true);
    // Another flow into the same Connect cluster.
    expect(isFlowSourceConnectorOffset(decode(['paris->dublin.MirrorSourceConnector', { ...part, cluster: 'paris' }]), { source: 'london' })).toBe(false);
  });

  it('a configured connector name narrows it to that connector', () => {
    const flow = { source: 'london', sourceConnectorName: 'london->dublin.MirrorSourceConnector' };
    expect(isFlowSourceConnectorOffset(decode(['london->dublin.MirrorSourceConnector', part]), flow)).toBe(true);
    expect(isFlowSourceConnectorOffset(decode(['old-london-source', part]), flow)).toBe(false);
  });

  it('checkpoint and heartbeat connector entries never count', () => {
    expect(isFlowSourceConnectorOffset(decode(['london->dublin.MirrorCheckpointConnector', { group: 'g', topic: 'orders', partition: 2 }]), { source: 'london' })).toBe(false);
    expect(isFlowSourceConnectorOffset(decode(['london->dublin.MirrorHeartbeatConnector', { sourceClusterAlias: 'london', targetClusterAlias: 'dublin' }]), { source: 'london' })).toBe(false);
  });
});
