import { describe, expect, it } from 'vitest';
import { RateTracker, evaluateWait, lostNote, progressLine, timeoutReport } from '../../../src/cli/waitProgress.js';
import { makeFlow } from '../helpers/snapshot.js';
import { lagging } from './helpers.js';

const goal0 = { maxLag: 0, groups: [] };

describe('evaluateWait', () => {
  it('is reached only when every partition is known and within the bound', () => {
    expect(evaluateWait(makeFlow(lagging([0, 0, 0])), goal0).reached).toBe(true);
    const s = evaluateWait(makeFlow(lagging([0, 5, 2])), goal0);
    expect(s).toMatchObject({ reached: false, partitions: 3, lagRecords: 7 });
    expect(s.shortfall.map((x) => [x.partition, x.lagRecords])).toEqual([
      [1, 5],
      [2, 2],
    ]);
    expect(evaluateWait(makeFlow(lagging([0, 5, 2])), { maxLag: 5, groups: [] }).reached).toBe(true);
    expect(evaluateWait(makeFlow(lagging([0, 6, 2])), { maxLag: 5, groups: [] }).reached).toBe(false);
  });

  it('never counts an unknown partition as caught up, and says why it is unknown', () => {
    const s = evaluateWait(makeFlow(lagging([0, null])), { maxLag: 1000, groups: [] });
    expect(s.reached).toBe(false);
    expect(s.shortfall).toEqual([{ topic: 'orders', partition: 1, lagRecords: null, lagSeconds: null, why: 'lag unknown' }]);
    const missing = makeFlow({ source: 'a', target: 'b', topics: [{ topic: 't', remoteMissing: true, partitions: 2 }] });
    expect(evaluateWait(missing, goal0).shortfall[0]?.why).toBe('remote topic a.t missing');
  });

  it('does not wait for records lost to retention, but says they are lost', () => {
    // 31 behind, all of them deleted on the source before MM2 copied them: nothing left to copy.
    const flow = makeFlow({ source: 'a', target: 'b', topics: [{ topic: 'eph', partitions: [{ partition: 0, sourceStart: 51, sourceEnd: 51, replicated: 20 }] }] });
    const s = evaluateWait(flow, goal0);
    expect(s).toMatchObject({ reached: true, lagRecords: 0, recordsLost: 31, lostOn: ['eph-0'] });
    expect(lostNote(s)).toBe('data lost: 31 records were deleted on the source before MM2 copied them (eph-0); no wait brings them back and verify will fail');
    // Records that still exist past the lost ones are waited for.
    const partly = makeFlow({ source: 'a', target: 'b', topics: [{ topic: 'eph', partitions: [{ partition: 0, sourceStart: 51, sourceEnd: 60, replicated: 20 }] }] });
    expect(evaluateWait(partly, goal0)).toMatchObject({ reached: false, lagRecords: 9, recordsLost: 31 });
  });

  it('is not reached before both clusters were read', () => {
    const s = evaluateWait(makeFlow({ ...lagging([0]), known: false }), goal0);
    expect(s.reached).toBe(false);
    expect(s.blocked).toMatch(/not both read/);
  });

  it('with groups, waits until their commits are checkpointed', () => {
    const cp = (lag: number | null) => ({
      group: 'billing',
      lastCheckpointMs: 0,
      ageSeconds: 1,
      partitions: [{ topic: 'orders', partition: 0, committedOffset: lag === null ? null : 50, upstreamOffset: 50 - (lag ?? 0), downstreamOffset: 40, lagRecords: lag }],
    });
    const g = { maxLag: 0, groups: ['billing'] };
    expect(evaluateWait(makeFlow(lagging([0])), g).groupsPending).toEqual([{ group: 'billing', detail: 'no checkpoint seen yet' }]);
    expect(evaluateWait(makeFlow({ ...lagging([0]), checkpoints: [cp(3)] }), g).groupsPending[0]?.detail).toBe('3 committed records not yet checkpointed on orders-0');
    expect(evaluateWait(makeFlow({ ...lagging([0]), checkpoints: [cp(null)] }), g).groupsPending[0]?.detail).toMatch(/committed offset unknown/);
    expect(evaluateWait(makeFlow({ ...lagging([0]), checkpoints: [cp(0)] }), g).reached).toBe(true);
  });
});

describe('RateTracker', () => {
  const at = (replicatedSum: number, lagRecords: number, coverage = 'x') => ({ replicatedSum, lagRecords, coverage });

  it('reports copy and closing rates over its window, and an ETA', () => {
    const r = new RateTracker(30_000);
    r.add(0, at(1000, 600));
    expect(r.copyRate()).toBeNull();
    expect(r.eta(600, 0)).toBeNull();
    r.add(2000, at(1400, 500)); // copied 400 in 2 s while 300 more were produced
    expect(r.copyRate()).toBe(200);
    expect(r.closingRate()).toBe(50);
    expect(r.eta(500, 0)).toBe(10);
    expect(r.eta(0, 0)).toBe(0);
  });

  it('forgets samples older than the window, keeping one to span it', () => {
    const r = new RateTracker(10_000);
    r.add(0, at(0, 1000));
    r.add(10_000, at(1000, 1000));
    r.add(20_000, at(1100, 900));
    expect(r.copyRate()).toBe(10); // (1100 - 1000) / 10 s
  });

  it('restarts when the set of partitions changes, and has no ETA when the lag grows', () => {
    const r = new RateTracker();
    r.add(0, at(0, 100, 'a'));
    r.add(1000, at(10, 120, 'a'));
    expect(r.eta(120, 0)).toBeNull();
    r.add(2000, at(5000, 120, 'a+b'));
    expect(r.copyRate()).toBeNull();
  });
});

describe('progress and timeout texts', () => {
  it('progress line: lag, oldest, rate, ETA, groups, elapsed', () => {
    const r = new RateTracker();
    const s1 = evaluateWait(makeFlow(lagging([100, 20])), { maxLag: 0, groups: ['billing'] });
    r.add(0, { ...s1, replicatedSum: s1.replicatedSum - 60, lagRecords: 180 });
    r.add(2000, s1);
    const line = progressLine('us-east->us-west', s1, r, { maxLag: 0, groups: ['billing'] }, 65_000);
    expect(line).toBe('us-east->us-west: lag 120 records (2 partitions above 0), oldest 10 s, 30.0 rec/s, ETA 4 s, groups waiting: billing; 1 min 5 s elapsed');
    expect(progressLine('f', s1, r, goal0, 0, 'cannot read cluster b')).toBe('f: cannot read cluster b (retrying; 0 s elapsed)');
  });

  it('timeout report lists every partition still short of the goal', () => {
    const s = evaluateWait(makeFlow(lagging([0, 12, null])), goal0);
    const text = timeoutReport('us-east->us-west', s, goal0, 600_000);
    expect(text.split('\n')).toEqual([
      'timeout: us-east->us-west did not reach lag <= 0 within 10 min',
      'remaining lag: 12 records; partitions not caught up:',
      '  orders-1: 12 records, 1.2 s behind',
      '  orders-2: unknown (lag unknown)',
    ]);
    expect(timeoutReport('f', null, goal0, 1000, 'cannot reach mirrorwatch')).toBe('timeout: f did not reach lag <= 0 within 1 s\nlast error: cannot reach mirrorwatch\nthe flow could not be read at all');
  });
});
