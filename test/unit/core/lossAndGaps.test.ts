// Loss kept apart from lag, loss remembered across polls, and transaction markers that are never lag.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { computeFlowStatus, offsetKey } from '../../../src/core/flowStatus.js';
import type { ClusterView, OffsetRange } from '../../../src/core/flowStatus.js';
import { computePartitionLag } from '../../../src/core/lag.js';
import type { PartitionLagInput } from '../../../src/core/lag.js';
import { LagWindowStore } from '../../../src/core/lagWindow.js';
import { accountLosses, accountPartition, annotateLossTotals, EMPTY_LOSS_STATE } from '../../../src/core/lossAccounting.js';
import type { LossAccountingState } from '../../../src/core/lossAccounting.js';
import { createReplicationPolicy } from '../../../src/core/replicationPolicy.js';
import { DEFAULT_TOPICS_EXCLUDE } from '../../../src/core/topicFilter.js';
import { gapLag, worthProbing } from '../../../src/core/transactionGaps.js';
import type { FlowConfig, FlowStatus } from '../../../src/core/types.js';

const NOW = 1_700_000_000_000;
const sync = (upstreamOffset: number, downstreamOffset: number) => ({ upstreamOffset, downstreamOffset });

describe('lag counts only what is still on the source', () => {
  it('13 still to copy plus 72 deleted before MM2 copied them: lag 13, lost 72 (not lag 85)', () => {
    // MM2 copied source 0..14 (sync 0 -> 0, 15 on the target); retention then moved the log start
    // to 87 while the end is 100.
    const r = computePartitionLag({ sourceStart: 87, sourceEnd: 100, target: { start: 0, end: 15 }, syncs: [sync(0, 0)], connectOffset: null });
    expect(r).toMatchObject({ replicated: 15, lagRecords: 13, recordsLost: 72 });
  });

  it('everything uncopied deleted: lag 0 although MM2 wrote no new offset sync', () => {
    const r = computePartitionLag({ sourceStart: 100, sourceEnd: 100, target: { start: 0, end: 15 }, syncs: [sync(0, 0)], connectOffset: null });
    expect(r).toMatchObject({ replicated: 15, lagRecords: 0, recordsLost: 85 });
  });

  it('the failover verdict and its RPO follow: no "lag" reason for deleted records, a "data lost" one', () => {
    const flow: FlowConfig = {
      source: 'us-east',
      target: 'us-west',
      topics: ['.*'],
      topicsExclude: [...DEFAULT_TOPICS_EXCLUDE],
      heartbeatsExpected: false,
      offsetSyncsTopicLocation: 'source',
      groups: [],
      maxLagRecords: 20,
      maxHeartbeatAgeSeconds: 30,
    };
    const view = (alias: string, offsets: Record<string, OffsetRange>): ClusterView => ({
      alias,
      read: true,
      observedAtMs: NOW,
      topics: new Map(Object.keys(offsets).map((t) => [t, [0]])),
      offsets: new Map(Object.entries(offsets).map(([t, o]) => [offsetKey(t, 0), o])),
    });
    const s = computeFlowStatus({
      flow,
      policy: createReplicationPolicy({ kind: 'default', separator: '.' }),
      source: view('us-east', { orders: { start: 87, end: 100 } }),
      target: view('us-west', { 'us-east.orders': { start: 0, end: 15 } }),
      evidence: { offsetSyncs: new Map([[offsetKey('orders', 0), sync(0, 0)]]) },
      lagWindows: new LagWindowStore(),
      nowMs: NOW,
    });
    expect(s.totals).toMatchObject({ lagRecords: 13, recordsLost: 72 });
    expect(s.failover.rpo.records).toBe(13);
    expect(s.failover.reasons).toEqual(['data lost: 72 records deleted on the source before MM2 copied them (orders-0)']);
  });
});

describe('transaction markers and aborted records are never lag', () => {
  const base: PartitionLagInput = { sourceStart: 0, sourceEnd: 31, target: { start: 0, end: 20 }, syncs: [], connectOffset: 30 };

  it('a trailing commit marker: offset lag 1, probe found no record -> lag 0, said so', () => {
    expect(computePartitionLag(base).lagRecords).toBe(1);
    const r = computePartitionLag({ ...base, gapCheck: { from: 30, end: 31, readableRecords: 0 } });
    expect(r).toMatchObject({ basis: 'connect-offsets', replicated: 30, lagRecords: 0, transactionalGap: { offsets: 1, readableRecords: 0, markersOrAborted: 1 } });
  });

  it('committed records behind markers and aborted records: lag is what a read_committed consumer reads', () => {
    const r = computePartitionLag({ ...base, target: { start: 0, end: 11 }, connectOffset: 11, gapCheck: { from: 11, end: 31, readableRecords: 12 } });
    expect(r).toMatchObject({ lagRecords: 12, transactionalGap: { offsets: 20, readableRecords: 12, markersOrAborted: 8 } });
  });

  it('evidence for another range is ignored: MM2 moved, or records arrived since', () => {
    expect(computePartitionLag({ ...base, gapCheck: { from: 29, end: 31, readableRecords: 0 } }).lagRecords).toBe(1);
    expect(computePartitionLag({ ...base, sourceEnd: 35, gapCheck: { from: 30, end: 31, readableRecords: 0 } }).lagRecords).toBe(5);
    expect(computePartitionLag({ ...base, gapCheck: { from: 30, end: 31, readableRecords: 2 } }).transactionalGap).toBeUndefined();
  });

  it('the range starts at the log start when records were deleted before they were copied', () => {
    const r = computePartitionLag({ ...base, sourceStart: 25, syncs: [sync(0, 0)], connectOffset: null, gapCheck: { from: 25, end: 31, readableRecords: 4 } });
    expect(r).toMatchObject({ recordsLost: 5, lagRecords: 4 });
  });

  it('gapLag and worthProbing bounds', () => {
    expect(gapLag(null, 0, 10)).toBeNull();
    expect(gapLag({ from: 10, end: 10, readableRecords: 0 }, 10, 10)).toBeNull();
    expect(gapLag({ from: 0, end: 10, readableRecords: -1 }, 0, 10)).toBeNull();
    expect(worthProbing(5, 5)).toBe(false);
    expect(worthProbing(0, 1000)).toBe(true);
    expect(worthProbing(0, 1001)).toBe(false);
  });

  it('property: evidence never raises lag above offset lag, and never below 0', () => {
    const o = fc.integer({ min: 0, max: 10_000 });
    fc.assert(
      fc.property(o, o, o, o, (a, b, c, readable) => {
        const [start, connect, end] = [a, b, c].sort((x, y) => x - y) as [number, number, number];
        const input: PartitionLagInput = { sourceStart: start, sourceEnd: end, target: { start: 0, end: 1 }, syncs: [], connectOffset: connect };
        const plain = computePartitionLag(input);
        const probed = computePartitionLag({ ...input, gapCheck: { from: Math.max(connect, start), end, readableRecords: readable } });
        expect(probed.lagRecords).toBeGreaterThanOrEqual(0);
        expect(probed.lagRecords ?? 0).toBeLessThanOrEqual(plain.lagRecords ?? 0);
        expect(probed.recordsLost).toBe(plain.recordsLost);
      }),
      { numRuns: 2000 },
    );
  });
});

type P = FlowStatus['topics'][number]['partitions'][number];
const part = (partition: number, sourceStart: number, sourceEnd: number, replicated: number | null): P => ({
  topic: 'orders',
  remoteTopic: 'us-east.orders',
  partition,
  sourceStart,
  sourceEnd,
  targetEnd: 0,
  replicated,
  basis: 'offset-sync',
  lastSync: null,
  lagRecords: 0,
  lagSeconds: 0,
  recordsLost: replicated === null ? 0 : Math.max(0, sourceStart - replicated),
  connectOffset: null,
});
const flowOf = (partitions: P[], sourcePartitions = partitions.length): FlowStatus =>
  ({
    source: 'us-east',
    target: 'us-west',
    topics: [{ topic: 'orders', remoteTopic: 'us-east.orders', sourcePartitions, targetPartitions: sourcePartitions, remoteMissing: false, partitionsMissing: 0, partitions }],
    totals: { lagRecords: 0, maxLagSeconds: 0, recordsLost: 0, remoteTopicsMissing: 0, partitionsMissing: 0 },
  }) as unknown as FlowStatus;

function run(polls: P[][], sourcePartitions?: number): { state: LossAccountingState; increments: number[] } {
  let state = EMPTY_LOSS_STATE;
  const increments: number[] = [];
  for (const parts of polls) {
    const r = accountLosses(state, [flowOf(parts, sourcePartitions)]);
    state = r.state;
    increments.push(r.increments.reduce((n, i) => n + i.records, 0));
  }
  return { state, increments };
}
const totalOf = (state: LossAccountingState, partition = 0): number | undefined => state.partitions.get('us-east->us-west')?.get('orders')?.get(partition)?.total;

describe('loss accounting', () => {
  it('counts one lost range once over many polls, and keeps it after MM2 moved past the gap', () => {
    const { state, increments } = run([
      [part(0, 0, 100, 15)], // nothing lost yet
      [part(0, 87, 100, 15)], // 15..86 deleted before copied: 72
      [part(0, 87, 100, 15)], // same loss seen again
      [part(0, 87, 100, 15)],
      [part(0, 87, 100, 100)], // MM2 resumed from the log start: gauge back to 0
      [part(0, 87, 120, 120)],
    ]);
    expect(increments).toEqual([0, 72, 0, 0, 0, 0]);
    expect(totalOf(state)).toBe(72);
    expect(state.flows.get('us-east->us-west')).toBe(72);
  });

  it('a growing loss adds only the newly deleted offsets; a lower replicated seen later adds nothing', () => {
    const { state, increments } = run([[part(0, 50, 100, 20)], [part(0, 60, 100, 20)], [part(0, 60, 100, 10)], [part(0, 70, 100, 65)], [part(0, 70, 100, null)]]);
    expect(increments).toEqual([30, 10, 0, 5, 0]);
    expect(totalOf(state)).toBe(45);
  });

  it('a second loss after MM2 moved on is counted too', () => {
    const { increments, state } = run([[part(0, 50, 100, 20)], [part(0, 50, 150, 150)], [part(0, 200, 210, 150)]]);
    expect(increments).toEqual([30, 0, 50]);
    expect(totalOf(state)).toBe(80);
  });

  it('a recreated topic starts its offsets over: its losses count again, the total stays', () => {
    const { increments, state } = run([[part(0, 50, 100, 20)], [part(0, 0, 10, 0)], [part(0, 30, 40, 5)]]);
    expect(increments).toEqual([30, 0, 25]);
    expect(totalOf(state)).toBe(55);
  });

  it('a partition missing from one snapshot (partial read) keeps its state; one beyond the topic is dropped; the flow total never drops', () => {
    let { state } = run([[part(0, 50, 100, 20), part(1, 10, 20, 0)]]);
    expect(state.flows.get('us-east->us-west')).toBe(40);
    state = accountLosses(state, [flowOf([part(0, 50, 100, 20)], 2)]).state;
    expect(totalOf(state, 1)).toBe(10);
    const again = accountLosses(state, [flowOf([part(0, 50, 100, 20), part(1, 10, 20, 0)], 2)]);
    expect(again.increments).toEqual([]);
    const shrunk = accountLosses(again.state, [flowOf([part(0, 50, 100, 20)], 1)]).state;
    expect(totalOf(shrunk, 1)).toBeUndefined();
    expect(shrunk.flows.get('us-east->us-west')).toBe(40);
    expect(accountLosses(shrunk, []).state.flows.size).toBe(0);
  });

  it('annotates the statuses with the totals', () => {
    const flow = flowOf([part(0, 50, 100, 20), part(1, 0, 5, null)]);
    const { state } = accountLosses(EMPTY_LOSS_STATE, [flow]);
    annotateLossTotals(state, [flow]);
    expect(flow.totals.recordsLostTotal).toBe(30);
    expect(flow.topics[0]?.partitions.map((p) => p.recordsLostTotal)).toEqual([30, 0]);
  });

  it('property: the total equals the number of distinct offsets ever seen lost (one incarnation)', () => {
    const step = fc.record({ deleteMore: fc.integer({ min: 0, max: 50 }), produce: fc.integer({ min: 0, max: 50 }), copy: fc.integer({ min: 0, max: 60 }) });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
        let start = 0;
        let end = 0;
        let replicated = 0;
        const lost = new Set<number>();
        let state: ReturnType<typeof accountPartition>['state'] | undefined;
        for (const s of steps) {
          end += s.produce;
          start = Math.min(end, start + s.deleteMore);
          replicated = Math.min(end, replicated + s.copy);
          for (let o = replicated; o < start; o++) lost.add(o);
          state = accountPartition(state, { topic: 't', partition: 0, sourceStart: start, sourceEnd: end, replicated }).state;
          // MM2 resumes from the log start when its position was deleted.
          replicated = Math.max(replicated, start);
        }
        expect(state?.total ?? 0).toBe(lost.size);
      }),
      { numRuns: 500 },
    );
  });
});
