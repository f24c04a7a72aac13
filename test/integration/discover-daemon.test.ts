// The daemon with `flows: discover` against real Kafka and a real MM2 (dedicated mode), never
// restarted: it starts before MM2 (nothing to find: not ready, with the reason), finds us-east ->
// us-west once MM2 runs it and reports its lag, shows us-west -> us-east when MM2 is restarted
// with both directions, and reports us-west -> us-east vanished once MM2 runs only the first flow
// again and that flow's MM2 topics were deleted (remote heartbeats, checkpoints, offset syncs).
// Disabling a flow in mm2.properties is not enough to stop it: MM2 (4.3 here) restarts the
// connectors it finds in the herder's Connect config topic, which then recreate the flow's
// topics. The flow is stopped for good by deleting its herder's Connect topics too.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DiscoveryView } from '../../src/discovery/discoveryLoop.js';
import { createTopic, deleteTopic, listTopics, produce, startMirrorMaker } from '../harness/kafka.js';
import type { KafkaCluster, MirrorFlow, MirrorMaker } from '../harness/kafka.js';
import { gauge, getJson, readFlow, sameFigures, scrapeMetrics, summary, tp } from './helpers/figures.js';
import type { FlowsResponse } from './helpers/figures.js';
import { startMirrorwatch } from './helpers/mirrorwatch.js';
import type { RunningMirrorwatch } from './helpers/mirrorwatch.js';
import { startEastWest, useIntegrationHarness } from './helpers/setup.js';
import { fail, pass, waitUntil } from './helpers/wait.js';

useIntegrationHarness();

const EAST = 'us-east';
const WEST = 'us-west';
const EAST_WEST = `${EAST}->${WEST}`;
const WEST_EAST = `${WEST}->${EAST}`;
/** Records per partition produced before MM2 starts; more are produced later on orders. */
const ORDERS = [5, 8];
const USERS = [6];
const MORE_ORDERS = [3, 0];

let east: KafkaCluster;
let west: KafkaCluster;
let mm: MirrorMaker | null = null;
let mw: RunningMirrorwatch;

async function runMm2(flows: MirrorFlow[]): Promise<void> {
  await mm?.stop();
  mm = await startMirrorMaker({ clusters: [east, west], flows });
}

const discovery = async (): Promise<DiscoveryView> => (await getJson<DiscoveryView>(mw.url, '/api/v1/discovery')).body;
const states = (v: DiscoveryView): Record<string, string> => Object.fromEntries(v.flows.map((f) => [`${f.source}->${f.target}`, f.state]));
const watched = async (): Promise<string[]> => {
  const { status, body } = await getJson<FlowsResponse>(mw.url, '/api/v1/flows');
  return status === 200 ? body.flows.map((f) => `${f.source}->${f.target}`) : [];
};

/** Lag 0 on every partition of the topic in /metrics and the API, with these source end offsets. */
async function waitCaughtUp(source: string, target: string, topic: string, sourceEnds: number[]): Promise<void> {
  const want = Object.fromEntries(sourceEnds.map((e, p) => [tp(topic, p), e]));
  const zeros = Object.fromEntries(sourceEnds.map((_e, p) => [tp(topic, p), 0]));
  await waitUntil(
    `${source}->${target} to report ${topic} caught up at ${JSON.stringify(want)}`,
    async () => {
      const f = await readFlow(mw.url, source, target, [topic]);
      return sameFigures(f.metricLag, zeros) && sameFigures(f.apiLag, zeros) && sameFigures(f.sourceEnd, want) && f.remoteMissing[topic] === 0 ? pass(f) : fail(summary(f));
    },
    { timeoutMs: 120_000, intervalMs: 500 },
  );
}

async function discoveredGauge(flow: string, state: string): Promise<number | undefined> {
  const [source, target] = flow.split('->');
  return gauge((await scrapeMetrics(mw.url)).exposition, 'mm2_flow_discovered', { source: source!, target: target!, state });
}

beforeAll(async () => {
  [east, west] = await startEastWest();
  await createTopic(east, 'orders', ORDERS.length);
  await createTopic(west, 'users', USERS.length);
  for (const [p, n] of ORDERS.entries()) await produce(east, 'orders', { partition: p, count: n, keyPrefix: `orders-${p}` });
  for (const [p, n] of USERS.entries()) await produce(west, 'users', { partition: p, count: n, keyPrefix: `users-${p}` });
  mw = await startMirrorwatch({ clusters: [east, west], flows: 'discover', discoveryInterval: '1s' });
});

describe('mirrorwatch daemon with flows: discover on real MM2', () => {
  it('before MM2 runs: up, not ready, says it found no flow and keeps looking', async () => {
    const v = await waitUntil('two discoveries to end', async () => {
      const d = await discovery();
      return d.runs >= 2 ? pass(d) : fail(d);
    }, { timeoutMs: 60_000 });
    expect(v.flows).toEqual([]);
    expect(v.clusters.map((c) => [c.cluster, c.read, c.error])).toEqual([
      [EAST, true, null],
      [WEST, true, null],
    ]);
    expect(v.reasons[0]).toMatch(/^discovery found no active MM2 flow between us-east, us-west \(looked \d+ time\(s\), every 1s\)$/);
    const ready = await getJson<{ status: string; reason: string }>(mw.url, '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.reason).toMatch(/^discovery found no active MM2 flow between us-east, us-west/);
    expect((await getJson<{ status: string }>(mw.url, '/healthz')).status).toBe(200);
    expect(await watched()).toEqual([]);
  });

  it('MM2 starts us-east->us-west: found without a restart, its lag reported, ready', async () => {
    await runMm2([{ source: EAST, target: WEST }]);
    const v = await waitUntil('discovery to find us-east->us-west', async () => {
      const d = await discovery();
      return states(d)[EAST_WEST] === 'active' ? pass(d) : fail(d);
    }, { timeoutMs: 120_000 });
    expect(states(v)).toEqual({ [EAST_WEST]: 'active' });
    expect(v.policy).toMatchObject({ kind: 'default', separator: '.', from: 'inferred' });
    expect(v.flows[0]!.evidence).toContain(`${WEST}:${EAST}.checkpoints.internal`);
    await waitCaughtUp(EAST, WEST, 'orders', ORDERS);
    // Lag while MM2 copies new records ends at 0 again with the new source ends.
    for (const [p, n] of MORE_ORDERS.entries()) if (n > 0) await produce(east, 'orders', { partition: p, count: n, keyPrefix: `more-${p}` });
    await waitCaughtUp(EAST, WEST, 'orders', ORDERS.map((n, p) => n + (MORE_ORDERS[p] ?? 0)));
    expect(await discoveredGauge(EAST_WEST, 'active')).toBe(1);
    expect(await discoveredGauge(EAST_WEST, 'vanished')).toBe(0);
    await waitUntil('/readyz to answer 200', async () => {
      const r = await getJson<{ status: string }>(mw.url, '/readyz');
      return r.status === 200 ? pass(r) : fail(r);
    }, { timeoutMs: 30_000 });
    expect(await watched()).toEqual([EAST_WEST]);
  });

  it('MM2 restarted with both directions: us-west->us-east appears with its lag, the first flow keeps its state', async () => {
    const before = (await discovery()).flows.find((f) => `${f.source}->${f.target}` === EAST_WEST)!;
    await runMm2([
      { source: EAST, target: WEST },
      { source: WEST, target: EAST },
    ]);
    const v = await waitUntil('discovery to find us-west->us-east', async () => {
      const d = await discovery();
      return states(d)[WEST_EAST] === 'active' ? pass(d) : fail(d);
    }, { timeoutMs: 120_000 });
    expect(states(v)).toEqual({ [EAST_WEST]: 'active', [WEST_EAST]: 'active' });
    expect(v.flows.find((f) => `${f.source}->${f.target}` === EAST_WEST)!.firstSeenAt).toBe(before.firstSeenAt);
    await waitCaughtUp(WEST, EAST, 'users', USERS);
    await waitCaughtUp(EAST, WEST, 'orders', ORDERS.map((n, p) => n + (MORE_ORDERS[p] ?? 0)));
    expect(await watched()).toEqual([EAST_WEST, WEST_EAST]);
    expect(await discoveredGauge(WEST_EAST, 'active')).toBe(1);
  });

  it('us-west->us-east stopped and its MM2 topics deleted: reported vanished (once), no longer watched; us-east->us-west still reports lag', async () => {
    await mm?.stop();
    const doomed: [KafkaCluster, string][] = [
      [east, `${WEST}.heartbeats`],
      [east, `${WEST}.checkpoints.internal`],
      [west, `mm2-offset-syncs.${EAST}.internal`],
      // Herder us-west->us-east's connectors: else MM2 would run the disabled flow on (see the top).
      [east, `mm2-configs.${WEST}.internal`],
      [east, `mm2-offsets.${WEST}.internal`],
      [east, `mm2-status.${WEST}.internal`],
    ];
    for (const [c, t] of doomed) await deleteTopic(c, t);
    await waitUntil('the deleted MM2 topics to be gone', async () => {
      const left: string[] = [];
      for (const [c, t] of doomed) if ((await listTopics(c)).includes(t)) left.push(`${c.alias}:${t}`);
      return left.length === 0 ? pass(true) : fail(left);
    }, { timeoutMs: 60_000 });
    mm = null;
    await runMm2([{ source: EAST, target: WEST }]);

    const v = await waitUntil('discovery to report us-west->us-east vanished', async () => {
      const d = await discovery();
      return states(d)[WEST_EAST] === 'vanished' ? pass(d) : fail(d);
    }, { timeoutMs: 120_000 });
    expect(states(v)).toEqual({ [EAST_WEST]: 'active', [WEST_EAST]: 'vanished' });
    const gone = v.flows.find((f) => `${f.source}->${f.target}` === WEST_EAST)!;
    expect(gone.vanishedAt).not.toBeNull();
    expect(gone.evidence).toEqual([`${EAST}:${WEST}.checkpoints.internal`, `${EAST}:${WEST}.heartbeats`, `${WEST}:mm2-offset-syncs.${EAST}.internal`]);

    await waitUntil('us-west->us-east to leave /api/v1/flows and its lag series /metrics', async () => {
      const flows = await watched();
      const { exposition } = await scrapeMetrics(mw.url);
      const lagSeries = exposition.samples.filter((s) => s.name === 'mm2_replication_lag_records' && s.labels.source === WEST);
      return flows.join() === EAST_WEST && lagSeries.length === 0 ? pass(true) : fail({ flows, lagSeries: lagSeries.length });
    }, { timeoutMs: 30_000 });
    expect(await discoveredGauge(WEST_EAST, 'vanished')).toBe(1);
    expect(await discoveredGauge(WEST_EAST, 'active')).toBe(0);
    const missing = await getJson<{ message: string }>(mw.url, `/api/v1/flows/${WEST}/${EAST}`);
    expect(missing.status).toBe(404);

    // The remaining flow is still watched live.
    await produce(east, 'orders', { partition: 1, count: 4, keyPrefix: 'after' });
    await waitCaughtUp(EAST, WEST, 'orders', ORDERS.map((n, p) => n + (MORE_ORDERS[p] ?? 0) + (p === 1 ? 4 : 0)));
    // Still vanished (MM2 did not bring it back), reported once.
    expect(states(await discovery())).toEqual({ [EAST_WEST]: 'active', [WEST_EAST]: 'vanished' });
    const log = readFileSync(mw.logFile, 'utf8');
    expect(log.split('\n').filter((l) => l.includes(`flow ${WEST_EAST} vanished`))).toHaveLength(1);
    expect(log).not.toContain(`flow ${WEST_EAST} is back`);
    expect(log).toContain(`discovery: new flow ${EAST_WEST}`);
  });

  it('us-west down: discovery counts and shows it, logs it once, and keeps the flows as they were', async () => {
    const before = await discovery();
    await west.stop();
    const v = await waitUntil('discovery to fail on us-west three times', async () => {
      const d = await discovery();
      const w = d.clusters.find((c) => c.cluster === WEST)!;
      const errors = gauge((await scrapeMetrics(mw.url)).exposition, 'mirrorwatch_discovery_errors_total', { cluster: WEST }) ?? 0;
      return !w.read && errors >= 3 ? pass({ d, errors }) : fail({ clusters: d.clusters, errors });
    }, { timeoutMs: 90_000 });
    expect(states(v.d)).toEqual({ [EAST_WEST]: 'active', [WEST_EAST]: 'vanished' });
    expect(v.d.flows.find((f) => `${f.source}->${f.target}` === EAST_WEST)!.firstSeenAt).toBe(before.flows.find((f) => `${f.source}->${f.target}` === EAST_WEST)!.firstSeenAt);
    expect(v.d.reasons.some((r) => r.startsWith(`cluster ${WEST} could not be read: `))).toBe(true);
    expect(await watched()).toEqual([EAST_WEST]);
    expect(await discoveredGauge(EAST_WEST, 'active')).toBe(1);

    await west.start();
    await waitUntil('discovery to read us-west again', async () => {
      const d = await discovery();
      return d.clusters.every((c) => c.read) ? pass(d) : fail(d.clusters);
    }, { timeoutMs: 90_000 });
    expect(states(await discovery())).toEqual({ [EAST_WEST]: 'active', [WEST_EAST]: 'vanished' });
    const log = readFileSync(mw.logFile, 'utf8');
    expect(log.split('\n').filter((l) => l.includes(`discovery cannot read cluster ${WEST}`))).toHaveLength(1);
    expect(log).toContain(`discovery reads cluster ${WEST} again`);
  });
});
