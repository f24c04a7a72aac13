import { describe, expect, it } from 'vitest';
import { formatVerifyReport, verifyFlow } from '../../../src/cli/verifyReport.js';
import { makeFlow, type FlowInput } from '../helpers/snapshot.js';
import { reading } from './helpers.js';

const opts = { maxHeartbeatAgeSeconds: 30 };
const base = (over: Partial<FlowInput> = {}): FlowInput => ({
  source: 'us-east',
  target: 'us-west',
  topics: [{ topic: 'orders', partitions: [{ partition: 0, sourceEnd: 50, connectOffset: 50 }, { partition: 1, sourceEnd: 60, connectOffset: 60 }] }],
  ...over,
});
const verify = (over: Partial<FlowInput> = {}) => verifyFlow(reading(makeFlow(base(over))), opts);

describe('verifyFlow', () => {
  it('passes a complete copy', () => {
    const r = verify();
    expect(r.ok).toBe(true);
    expect(r.topics[0]).toMatchObject({ ok: true, lagRecords: 0, recordsLost: 0, connectOffsets: 'ok', sourcePartitions: 2, targetPartitions: 2 });
    expect(formatVerifyReport(r)).toBe(
      'OK   orders -> us-east.orders: 2/2 partitions, lag 0, lost 0, Connect offsets caught up\nverified: us-east->us-west: 1 topic complete on the target',
    );
  });

  it.each<[string, Partial<FlowInput>, RegExp]>([
    ['remote topic missing', { topics: [{ topic: 'orders', remoteMissing: true, partitions: 2 }] }, /remote topic us-east\.orders missing on us-west/],
    ['fewer partitions', { topics: [{ topic: 'orders', partitions: 2, targetPartitions: 1, partitionsMissing: 1 }] }, /us-east\.orders has 1 partitions, the source 2/],
    ['more partitions', { topics: [{ topic: 'orders', partitions: 2, targetPartitions: 3 }] }, /has 3 partitions, the source 2/],
    ['lag', { topics: [{ topic: 'orders', partitions: [{ partition: 0, sourceEnd: 50, replicated: 45 }] }] }, /lag 5 records on orders-0/],
    ['lag unknown', { topics: [{ topic: 'orders', partitions: [{ partition: 0, replicated: null }] }] }, /lag unknown on orders-0/],
    ['data lost', { topics: [{ topic: 'orders', partitions: [{ partition: 0, sourceStart: 30, sourceEnd: 50, replicated: 20, lagRecords: 0 }] }] }, /data lost: 10 records deleted on the source before MM2 copied them \(orders-0\)/],
    ['Connect offsets behind', { topics: [{ topic: 'orders', partitions: [{ partition: 0, sourceEnd: 50, connectOffset: 42 }] }] }, /Connect offsets trail the source on orders-0 \(42 of 50\)/],
  ])('fails on %s', (_name, over, message) => {
    const r = verify(over);
    expect(r.ok).toBe(false);
    expect(r.topics[0]?.ok).toBe(false);
    expect(r.topics[0]?.problems.join('\n')).toMatch(message);
    expect(formatVerifyReport(r)).toMatch(/^FAIL orders/);
    expect(formatVerifyReport(r)).toMatch(/NOT verified: us-east->us-west: 1 of 1 topics failed$/);
  });

  it('does not fail on unknown Connect offsets or ones of an earlier topic incarnation, but says so', () => {
    const flow = makeFlow(base({ topics: [{ topic: 'orders', partitions: [{ partition: 0, sourceEnd: 50 }, { partition: 1, sourceEnd: 9, connectOffset: 700 }] }] }));
    flow.topics[0]!.partitions[1]!.connectOffsetCheck = 'ignored';
    const r = verifyFlow(reading(flow), opts);
    expect(r.ok).toBe(true);
    expect(r.topics[0]?.connectOffsets).toBe('unknown');
    expect(r.notes.join('\n')).toMatch(/Connect offsets unknown for 1 topic/);
  });

  it('fails on stale or absent heartbeats when expected, not when they are not', () => {
    expect(verify({ heartbeat: { ageSeconds: 31 } }).flowProblems).toEqual(['heartbeat stale: last 31 s ago (> 30 s): MM2 may have stopped copying']);
    expect(verify({ heartbeat: { ageSeconds: null, lastTimestampMs: null } }).flowProblems[0]).toMatch(/no heartbeat seen in us-east\.heartbeats/);
    const off = verify({ heartbeat: { expected: false, ageSeconds: null, lastTimestampMs: null } });
    expect(off.ok).toBe(true);
    expect(off.notes.join('\n')).toMatch(/heartbeats not expected/);
  });

  it('fails when the clusters were not both read, or one is down', () => {
    expect(verify({ known: false }).ok).toBe(false);
    const r = verifyFlow(reading(makeFlow(base()), { clusters: [{ alias: 'us-west', up: false, lastError: 'timeout' }] }), opts);
    expect(r.flowProblems).toEqual(['cluster us-west did not answer its last poll (timeout)']);
    expect(formatVerifyReport(r)).toContain('FAIL us-east->us-west: cluster us-west did not answer');
  });

  it('passes on checkpoint reasons of the verdict as notes only', () => {
    const r = verify({ failover: { ready: false, reasons: ['no checkpoints for group billing', 'lag 3 records > 0 on 1 partition'] } });
    expect(r.ok).toBe(true);
    expect(r.notes).toEqual(['failover verdict: no checkpoints for group billing']);
  });
});
