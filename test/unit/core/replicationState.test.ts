import { describe, expect, it } from 'vitest';
import {
  evaluateReplicationState,
  type ReplicationMemory,
  type ReplicationStateInput,
  type ReplicationState,
  type StatePartition,
} from '../../../src/core/replicationState.js';
import { withReplicationState } from '../../../src/core/failover.js';

const T = { silentAfterMs: 10_000, stalledAfterMs: 30_000 };
const T0 = 1_700_000_000_000;

/** A flow evaluated step by step, the way the monitor does it: memory carried over. */
class Flow {
  memory: ReplicationMemory | null = null;
  last!: ReplicationState;
  step(input: Partial<ReplicationStateInput> & { nowMs: number }): ReplicationState {
    const full: ReplicationStateInput = {
      blindReasons: [],
      heartbeat: { expected: true, lastMs: input.nowMs - 1000, readAtMs: input.nowMs, topic: 'a.heartbeats' },
      offsetsReadAtMs: input.nowMs,
      partitions: [],
      lagRecords: 0,
      maxLagRecords: 0,
      ...input,
    };
    const r = evaluateReplicationState(this.memory, full, T);
    this.memory = r.memory;
    this.last = r.state;
    return r.state;
  }
}

const part = (sourceEnd: number, targetEnd: number | null, syncUpstream: number | null, lagRecords: number | null, topic = 'orders', partition = 0): StatePartition => ({
  topic,
  partition,
  sourceEnd,
  targetEnd,
  syncUpstream,
  lagRecords,
});

const hb = (lastMs: number | null, readAtMs: number | null, expected = true) => ({ expected, lastMs, readAtMs, topic: 'a.heartbeats' });

describe('replication state', () => {
  it('is copying while heartbeats are fresh and partitions move', () => {
    const f = new Flow();
    expect(f.step({ nowMs: T0, partitions: [part(100, 100, 90, 0)] })).toMatchObject({ state: 'copying', reasons: [], stalledTopics: [] });
    const s = f.step({ nowMs: T0 + 10_000, partitions: [part(200, 200, 190, 0)] });
    expect(s.state).toBe('copying');
    expect(s.heartbeatAgeSeconds).toBe(1);
  });

  it('is mm2-silent once the heartbeat is older than the threshold at the last complete read', () => {
    const f = new Flow();
    f.step({ nowMs: T0 });
    expect(f.step({ nowMs: T0 + 9_000, heartbeat: hb(T0, T0 + 9_000) }).state).toBe('copying');
    expect(f.step({ nowMs: T0 + 10_000, heartbeat: hb(T0, T0 + 10_000) }).state).toBe('copying');
    const s = f.step({ nowMs: T0 + 10_500, heartbeat: hb(T0, T0 + 10_500) });
    expect(s.state).toBe('mm2-silent');
    expect(s.sinceMs).toBe(T0 + 10_500);
    expect(s.reasons[0]).toMatch(/no heartbeat in a\.heartbeats for 10\.5 s > 10 s/);
  });

  it('does not take a late read for silence: age is measured at the read', () => {
    const f = new Flow();
    // The heartbeats topic was last read 2 s after the newest heartbeat; 60 s passed since.
    const s = f.step({ nowMs: T0 + 60_000, heartbeat: hb(T0, T0 + 2_000) });
    expect(s.state).toBe('copying');
    expect(s.heartbeatAgeSeconds).toBe(2);
  });

  it('is mm2-silent when no heartbeat was ever seen for longer than the threshold', () => {
    const f = new Flow();
    expect(f.step({ nowMs: T0, heartbeat: hb(null, T0) }).state).toBe('copying');
    expect(f.step({ nowMs: T0 + 5_000, heartbeat: hb(null, T0 + 5_000) }).state).toBe('copying');
    const s = f.step({ nowMs: T0 + 11_000, heartbeat: hb(null, T0 + 11_000) });
    expect(s.state).toBe('mm2-silent');
    expect(s.reasons[0]).toMatch(/no heartbeat seen in a\.heartbeats for 11 s/);
    expect(s.heartbeatAgeSeconds).toBeNull();
  });

  it('is never mm2-silent when heartbeats are not expected', () => {
    const f = new Flow();
    expect(f.step({ nowMs: T0, heartbeat: hb(null, null, false) }).state).toBe('copying');
    expect(f.step({ nowMs: T0 + 600_000, heartbeat: hb(null, null, false) }).state).toBe('copying');
    expect(f.step({ nowMs: T0 + 600_000, heartbeat: hb(T0 - 600_000, T0, false) }).state).toBe('copying');
  });

  it('is blind, never mm2-silent, while mirrorwatch cannot read, however old the heartbeat', () => {
    const f = new Flow();
    expect(f.step({ nowMs: T0 }).state).toBe('copying');
    const blind = f.step({ nowMs: T0 + 120_000, heartbeat: hb(T0, T0 + 120_000), blindReasons: ['cannot read a.heartbeats on b: TOPIC_AUTHORIZATION_FAILED'] });
    expect(blind.state).toBe('blind');
    expect(blind.reasons).toEqual(['cannot read a.heartbeats on b: TOPIC_AUTHORIZATION_FAILED']);
    // Still blind later: the silence is not evidence.
    expect(f.step({ nowMs: T0 + 300_000, heartbeat: hb(T0, T0 + 300_000), blindReasons: ['cannot read target cluster b: ECONNREFUSED'] }).state).toBe('blind');
    // Readable again: now the old heartbeat is evidence, and it says silent.
    expect(f.step({ nowMs: T0 + 301_000, heartbeat: hb(T0, T0 + 301_000) }).state).toBe('mm2-silent');
    // ...until heartbeats flow again.
    expect(f.step({ nowMs: T0 + 302_000, heartbeat: hb(T0 + 301_500, T0 + 302_000) }).state).toBe('copying');
  });

  it('starts blind-free but reports "not read yet" reasons as blind', () => {
    const f = new Flow();
    const s = f.step({ nowMs: T0, blindReasons: ['source cluster a not read yet'], offsetsReadAtMs: null, heartbeat: hb(null, null) });
    expect(s.state).toBe('blind');
    // A long time unread: still blind, not silent.
    expect(f.step({ nowMs: T0 + 60_000, blindReasons: ['source cluster a not read yet'], offsetsReadAtMs: null, heartbeat: hb(null, null) }).state).toBe('blind');
  });

  it('is topic-stalled when a source end moves while target end and syncs stand still past the threshold', () => {
    const f = new Flow();
    expect(f.step({ nowMs: T0, partitions: [part(100, 100, 95, 0)] }).state).toBe('copying');
    // A task failed: the source moves, the target and the syncs do not.
    expect(f.step({ nowMs: T0 + 10_000, partitions: [part(150, 100, 95, 50)], lagRecords: 50 }).state).toBe('copying');
    expect(f.step({ nowMs: T0 + 20_000, partitions: [part(200, 100, 95, 100)], lagRecords: 100 }).state).toBe('copying');
    const s = f.step({ nowMs: T0 + 30_000, partitions: [part(250, 100, 95, 150)], lagRecords: 150 });
    expect(s.state).toBe('topic-stalled');
    expect(s.stalledTopics).toEqual(['orders']);
    expect(s.reasons[0]).toMatch(/topic orders stalled: .* for 30 s \(partition 0\)/);
  });

  it('measures the stall from the last move of the target end or the offset sync', () => {
    const f = new Flow();
    f.step({ nowMs: T0, partitions: [part(100, 100, 95, 0)] });
    f.step({ nowMs: T0 + 20_000, partitions: [part(200, 100, 95, 100)], lagRecords: 100 });
    // The offset sync moved (MM2 still copies, the target end was read a bit early): progress.
    f.step({ nowMs: T0 + 25_000, partitions: [part(220, 100, 150, 70)], lagRecords: 70 });
    expect(f.step({ nowMs: T0 + 50_000, partitions: [part(300, 100, 150, 150)], lagRecords: 150 }).state).toBe('copying');
    // The target end moved: progress again.
    f.step({ nowMs: T0 + 52_000, partitions: [part(310, 160, 150, 150)], lagRecords: 150 });
    expect(f.step({ nowMs: T0 + 81_000, partitions: [part(400, 160, 150, 240)], lagRecords: 240 }).state).toBe('copying');
    expect(f.step({ nowMs: T0 + 82_000, partitions: [part(410, 160, 150, 250)], lagRecords: 250 }).state).toBe('topic-stalled');
  });

  it('is not stalled when the source stands still too (an idle topic), or the partition is caught up', () => {
    const f = new Flow();
    f.step({ nowMs: T0, partitions: [part(100, 100, 95, 0)] });
    expect(f.step({ nowMs: T0 + 120_000, partitions: [part(100, 100, 95, 0)] }).state).toBe('copying');
    // Lag 0 counts as progress however still the target end is (e.g. transaction markers only).
    f.step({ nowMs: T0 + 130_000, partitions: [part(101, 100, 95, 0)] });
    expect(f.step({ nowMs: T0 + 200_000, partitions: [part(101, 100, 95, 0)] }).state).toBe('copying');
  });

  it('does not restart the stall clock when the same reading is evaluated again', () => {
    const f = new Flow();
    f.step({ nowMs: T0, offsetsReadAtMs: T0, partitions: [part(100, 100, 95, 0)] });
    f.step({ nowMs: T0 + 10_000, offsetsReadAtMs: T0 + 10_000, partitions: [part(150, 100, 95, 50)], lagRecords: 50 });
    // Evaluated every second between polls with the same offsets reading.
    for (let t = 11_000; t < 40_000; t += 1000) {
      expect(f.step({ nowMs: T0 + t, offsetsReadAtMs: T0 + 10_000, partitions: [part(150, 100, 95, 50)], lagRecords: 50 }).state).toBe('copying');
    }
    expect(f.step({ nowMs: T0 + 40_000, offsetsReadAtMs: T0 + 40_000, partitions: [part(200, 100, 95, 100)], lagRecords: 100 }).state).toBe('topic-stalled');
  });

  it('ignores a partition missing on the target (drift, reported elsewhere)', () => {
    const f = new Flow();
    f.step({ nowMs: T0, partitions: [part(100, null, null, null)] });
    expect(f.step({ nowMs: T0 + 60_000, partitions: [part(200, null, null, null)], lagRecords: null }).state).toBe('copying');
  });

  it('names every stalled topic and only those', () => {
    const f = new Flow();
    const parts = (n: number) => [part(100 + n, 100, 95, n, 'b-topic', 0), part(100 + n, 100, 95, n, 'b-topic', 1), part(100 + n, 100 + n, 95 + n, 0, 'a-topic', 0)];
    f.step({ nowMs: T0, partitions: parts(0) });
    const s = f.step({ nowMs: T0 + 30_000, partitions: parts(60), lagRecords: 120 });
    expect(s.state).toBe('topic-stalled');
    expect(s.stalledTopics).toEqual(['b-topic']);
    expect(s.reasons).toHaveLength(1);
    expect(s.reasons[0]).toMatch(/partitions 0, 1/);
  });

  it('puts mm2-silent before topic-stalled (a dead MM2 stalls every topic)', () => {
    const f = new Flow();
    f.step({ nowMs: T0, partitions: [part(100, 100, 95, 0)] });
    const s = f.step({ nowMs: T0 + 40_000, heartbeat: hb(T0, T0 + 40_000), partitions: [part(200, 100, 95, 100)], lagRecords: 100 });
    expect(s.state).toBe('mm2-silent');
    expect(s.stalledTopics).toEqual([]);
  });

  it('is catching-up after a silence while the lag is above bounds, then copying', () => {
    const f = new Flow();
    f.step({ nowMs: T0, partitions: [part(100, 100, 95, 0)] });
    expect(f.step({ nowMs: T0 + 20_000, heartbeat: hb(T0, T0 + 20_000), lagRecords: 400 }).state).toBe('mm2-silent');
    expect(f.step({ nowMs: T0 + 30_000, heartbeat: hb(T0, T0 + 30_000), lagRecords: 600 }).state).toBe('mm2-silent');
    const c = f.step({ nowMs: T0 + 31_000, lagRecords: 500 });
    expect(c.state).toBe('catching-up');
    expect(c.sinceMs).toBe(T0 + 31_000);
    expect(c.reasons[0]).toMatch(/catching up after a heartbeat silence: lag 500 records \(peak 600\) > 0/);
    expect(f.step({ nowMs: T0 + 32_000, lagRecords: 200 }).state).toBe('catching-up');
    expect(f.step({ nowMs: T0 + 33_000, lagRecords: 0 }).state).toBe('copying');
    // The gap is closed: a later lag without a silence or stall is not catching-up.
    expect(f.step({ nowMs: T0 + 34_000, lagRecords: 5000 }).state).toBe('copying');
  });

  it('is catching-up after a stall, within maxLagRecords is copying, unknown lag keeps catching-up', () => {
    const f = new Flow();
    f.step({ nowMs: T0, partitions: [part(100, 100, 95, 0)] });
    expect(f.step({ nowMs: T0 + 30_000, partitions: [part(200, 100, 95, 100)], lagRecords: 100, maxLagRecords: 10 }).state).toBe('topic-stalled');
    // The task restarted: the target moves again.
    const c = f.step({ nowMs: T0 + 40_000, partitions: [part(210, 180, 170, 30)], lagRecords: 30, maxLagRecords: 10 });
    expect(c.state).toBe('catching-up');
    expect(c.reasons[0]).toMatch(/after a stalled topic/);
    expect(f.step({ nowMs: T0 + 41_000, partitions: [part(210, 180, 170, 30)], lagRecords: null, maxLagRecords: 10 }).state).toBe('catching-up');
    expect(f.step({ nowMs: T0 + 50_000, partitions: [part(220, 215, 210, 5)], lagRecords: 5, maxLagRecords: 10 }).state).toBe('copying');
  });

  it('keeps the gap across a blind spell', () => {
    const f = new Flow();
    f.step({ nowMs: T0 });
    expect(f.step({ nowMs: T0 + 20_000, heartbeat: hb(T0, T0 + 20_000), lagRecords: 300 }).state).toBe('mm2-silent');
    expect(f.step({ nowMs: T0 + 25_000, blindReasons: ['cannot read target cluster b: timeout'], lagRecords: 300 }).state).toBe('blind');
    expect(f.step({ nowMs: T0 + 30_000, lagRecords: 100 }).state).toBe('catching-up');
  });

  it('keeps sinceMs while the state stays', () => {
    const f = new Flow();
    const a = f.step({ nowMs: T0 });
    const b = f.step({ nowMs: T0 + 5_000 });
    expect(a.state).toBe('copying');
    expect(b.sinceMs).toBe(a.sinceMs);
  });
});

describe('withReplicationState (failover verdict)', () => {
  const ready = { ready: true, reasons: [] as string[], rpo: { records: 0, seconds: 0 } };
  const state = (s: ReplicationState['state'], reasons: string[]): ReplicationState => ({ state: s, sinceMs: T0, reasons, stalledTopics: [], heartbeatAgeSeconds: null });

  it('adds mm2-silent and topic-stalled as reasons not to fail over', () => {
    const v = withReplicationState(ready, state('mm2-silent', ['no heartbeat in a.heartbeats for 12 s > 10 s']));
    expect(v.ready).toBe(false);
    expect(v.reasons).toEqual(['mm2-silent: no heartbeat in a.heartbeats for 12 s > 10 s']);
    expect(withReplicationState(ready, state('topic-stalled', ['topic orders stalled: x'])).reasons).toEqual(['topic-stalled: topic orders stalled: x']);
  });

  it('leaves copying and catching-up to the other rules', () => {
    expect(withReplicationState(ready, state('copying', []))).toBe(ready);
    expect(withReplicationState(ready, state('catching-up', ['catching up after a heartbeat silence: lag 5 records > 0']))).toBe(ready);
    expect(withReplicationState(ready, undefined)).toBe(ready);
  });

  it('adds a blind reason only once', () => {
    const v = { ready: false, reasons: ['cannot read a.heartbeats on b: X (mirrorwatch is blind to this flow\'s heartbeats)'], rpo: ready.rpo };
    expect(withReplicationState(v, state('blind', ['cannot read a.heartbeats on b: X'])).reasons).toHaveLength(1);
    const down = withReplicationState(ready, state('blind', ['cannot read target cluster b: ECONNREFUSED']));
    expect(down).toMatchObject({ ready: false, reasons: ['cannot read target cluster b: ECONNREFUSED'] });
    expect(down.reasons.join(' ')).not.toMatch(/silent|MM2 (is )?down/i);
  });
});
