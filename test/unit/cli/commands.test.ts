// Exit codes are the interface of the runbook commands: these drive them with replayed readings.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/cli/args.js';
import { runLag } from '../../../src/cli/lagCommand.js';
import { runVerify } from '../../../src/cli/verifyCommand.js';
import { runWait } from '../../../src/cli/waitCommand.js';
import { makeFlow } from '../helpers/snapshot.js';
import { fakeIo, lagging, readError, reading } from './helpers.js';

const FLOW = 'us-east->us-west';

describe('wait', () => {
  it('exits 0 once every partition is caught up, printing plain progress lines without a TTY', async () => {
    const io = fakeIo([reading(lagging([30, 5])), reading(lagging([10, 0])), reading(lagging([0, 0]))]);
    const code = await runWait({ flow: FLOW, interval: '2s' }, io);
    expect(code).toBe(0);
    const lines = io.out().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z us-east->us-west: lag 35 records \(2 partitions above 0\)/);
    expect(lines[lines.length - 1]).toMatch(/^reached: us-east->us-west lag <= 0 on all 2 partitions \(total 0 records\) after \d+ s$/);
    expect(io.out()).not.toContain('\r');
    expect(io.slept()).toBe(4000);
    expect(io.closed()).toBe(1);
  });

  it('updates one line in place on a TTY and ends it before the result', async () => {
    const io = fakeIo([reading(lagging([30])), reading(lagging([20])), reading(lagging([0]))], { tty: true });
    expect(await runWait({ flow: FLOW }, io)).toBe(0);
    const out = io.out();
    expect(out.split('\r\u001b[2K')).toHaveLength(3);
    expect(out).toMatch(/lag 20 records[^\n]*\nreached: /);
  });

  it('exits 1 at the timeout, printing the remaining lag per partition', async () => {
    const io = fakeIo([reading(lagging([40, 0, null]))]);
    const code = await runWait({ flow: FLOW, timeout: '10s', interval: '2s' }, io);
    expect(code).toBe(1);
    expect(io.out()).toContain('timeout: us-east->us-west did not reach lag <= 0 within 10 s');
    expect(io.out()).toContain('  orders-0: 40 records, 4 s behind');
    expect(io.out()).toContain('  orders-2: unknown (lag unknown)');
    expect(io.out()).not.toContain('orders-1:');
    // It never sleeps past the deadline.
    expect(io.slept()).toBeLessThanOrEqual(10_000);
  });

  it('honours --max-lag and waits for --group checkpoints', async () => {
    const cp = { group: 'billing', lastCheckpointMs: 0, ageSeconds: 1, partitions: [{ topic: 'orders', partition: 0, committedOffset: 9, upstreamOffset: 9, downstreamOffset: 9, lagRecords: 0 }] };
    const io = fakeIo([reading(lagging([3])), reading(makeFlow({ ...lagging([3]), checkpoints: [cp] }))]);
    expect(await runWait({ flow: FLOW, maxLag: '3', group: ['billing'] }, io)).toBe(0);
    expect(io.out()).toContain('and the commits of billing are checkpointed');
  });

  it('keeps trying through read errors until the timeout', async () => {
    const io = fakeIo([readError('cannot read cluster us-west: connect ECONNREFUSED')]);
    expect(await runWait({ flow: FLOW, timeout: '6s' }, io)).toBe(1);
    expect(io.out()).toContain('us-east->us-west: cannot read cluster us-west: connect ECONNREFUSED (retrying');
    expect(io.out()).toContain('last error: cannot read cluster us-west: connect ECONNREFUSED');
  });

  it('recovers from a read error', async () => {
    const io = fakeIo([readError('down'), reading(lagging([0]))]);
    expect(await runWait({ flow: FLOW }, io)).toBe(0);
  });

  it('exits 2 on bad usage before reading anything', async () => {
    for (const opts of [{ flow: 'us-east' }, { flow: FLOW, maxLag: '-1' }, { flow: FLOW, timeout: 'forever' }]) {
      const io = fakeIo([reading(lagging([0]))]);
      expect(await runWait(opts, io)).toBe(2);
      expect(io.opened).toHaveLength(0);
      expect(io.err()).toMatch(/^mirrorwatch: /);
    }
  });

  it('exits 2 when the source says the flow does not exist', async () => {
    const io = fakeIo([new UsageError('unknown flow us-east->us-west; known flows: a->b')]);
    expect(await runWait({ flow: FLOW }, io)).toBe(2);
    expect(io.err()).toContain('known flows: a->b');
  });
});

describe('lag', () => {
  it('prints the table and exits 0', async () => {
    const io = fakeIo([reading(lagging([7, 0]))]);
    expect(await runLag({ flow: FLOW }, io)).toBe(0);
    expect(io.out()).toMatch(/orders\s+0\s+1000\s+993\s+7/);
    expect(io.opened[0]?.flow).toEqual({ source: 'us-east', target: 'us-west' });
  });

  it('prints JSON with --json', async () => {
    const io = fakeIo([reading(lagging([7, 0]))]);
    expect(await runLag({ flow: FLOW, json: true }, io)).toBe(0);
    expect(JSON.parse(io.out()).totals).toMatchObject({ lagRecords: 7, partitions: 2 });
  });

  it('exits 2 on an unknown topic or flow, 1 when the flow cannot be read', async () => {
    let io = fakeIo([reading(lagging([0]))]);
    expect(await runLag({ flow: FLOW, topic: 'nope' }, io)).toBe(2);
    expect(io.err()).toContain('replicates no topic "nope" (its topics: orders)');
    io = fakeIo([reading(lagging([0]))]);
    expect(await runLag({ flow: 'nope' }, io)).toBe(2);
    io = fakeIo([readError('cannot read cluster us-east: timeout')]);
    expect(await runLag({ flow: FLOW }, io)).toBe(1);
    expect(io.err()).toContain('cannot read the flow from fake: cannot read cluster us-east: timeout');
    expect(io.closed()).toBe(1);
  });
});

describe('verify', () => {
  it('exits 0 when the copy is complete', async () => {
    const io = fakeIo([reading(lagging([0, 0]))]);
    expect(await runVerify({ flow: FLOW }, io)).toBe(0);
    expect(io.out()).toContain('verified: us-east->us-west: 1 topic complete on the target');
  });

  it('exits 1 with the report when something is missing', async () => {
    const io = fakeIo([reading(lagging([0, 3]))]);
    expect(await runVerify({ flow: FLOW }, io)).toBe(1);
    expect(io.out()).toContain('FAIL orders -> us-east.orders');
    expect(io.out()).toContain('lag 3 records on orders-1');
  });

  it('with --timeout, re-checks until it passes', async () => {
    const io = fakeIo([reading(lagging([0, 3])), reading(lagging([0, 1])), reading(lagging([0, 0]))]);
    expect(await runVerify({ flow: FLOW, timeout: '1m', interval: '1s' }, io)).toBe(0);
    expect(io.err().match(/checking again/g)).toHaveLength(2);
  });

  it('with --timeout, gives up with exit 1', async () => {
    const io = fakeIo([reading(lagging([5]))]);
    expect(await runVerify({ flow: FLOW, timeout: '5s', interval: '1s' }, io)).toBe(1);
    expect(io.slept()).toBeLessThanOrEqual(5000);
  });

  it('uses the flow\'s heartbeat bound unless --max-heartbeat-age is given', async () => {
    const stale = makeFlow({ ...lagging([0]), heartbeat: { ageSeconds: 45 } });
    let io = fakeIo([reading(stale, { limits: { maxLagRecords: 0, maxHeartbeatAgeSeconds: 60, groups: [] } })]);
    expect(await runVerify({ flow: FLOW }, io)).toBe(0);
    io = fakeIo([reading(stale, { limits: { maxLagRecords: 0, maxHeartbeatAgeSeconds: 60, groups: [] } })]);
    expect(await runVerify({ flow: FLOW, maxHeartbeatAge: '30s' }, io)).toBe(1);
    expect(io.out()).toContain('heartbeat stale: last 45 s ago (> 30 s)');
  });

  it('exits 1 when the flow cannot be read, 2 on bad usage', async () => {
    let io = fakeIo([readError('no figures yet')]);
    expect(await runVerify({ flow: FLOW }, io)).toBe(1);
    expect(io.err()).toContain('cannot verify: no figures yet');
    io = fakeIo([reading(lagging([0]))]);
    expect(await runVerify({ flow: FLOW, timeout: 'x' }, io)).toBe(2);
  });
});
