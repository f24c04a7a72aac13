// Core scenario f of issue 2: the broker of one cluster (us-west, the target) is killed. mirrorwatch
// must keep answering fast, say the cluster is down, keep the other cluster's figures fresh and
// recover by itself once the broker is back. Kafka from $KAFKA_VERSION (default 4.4.0).
import { beforeAll, describe, expect, it } from 'vitest';
import { createTopic, endOffsets, produce, startMirrorMaker } from '../harness/kafka.js';
import type { KafkaCluster } from '../harness/kafka.js';
import { gauge, getJson, readFlow, sameFigures, scrapeMetrics, select, summary, tp } from './helpers/figures.js';
import type { FlowsResponse } from './helpers/figures.js';
import { startMirrorwatch } from './helpers/mirrorwatch.js';
import type { RunningMirrorwatch } from './helpers/mirrorwatch.js';
import { startEastWest, useIntegrationHarness } from './helpers/setup.js';
import { fail, pass, waitUntil } from './helpers/wait.js';

useIntegrationHarness();

const SOURCE = 'us-east';
const TARGET = 'us-west';
const TOPIC = 'orders';
const BEFORE = [6, 10, 3];
// Produced to us-east while us-west is down: the source's figures must show them at once.
const DURING = [12, 4, 9];
const MAX_SCRAPE_MS = 1000;

let east: KafkaCluster;
let west: KafkaCluster;
let mw: RunningMirrorwatch;

const keyed = (counts: readonly number[]): Record<string, number> => Object.fromEntries(counts.map((n, p) => [tp(TOPIC, p), n]));
const zeros = (n: number): Record<string, number> => keyed(Array.from({ length: n }, () => 0));

async function sourceEnds(): Promise<Record<string, number>> {
  return Object.fromEntries((await endOffsets(east, TOPIC)).map((e) => [tp(TOPIC, e.partition), e.end]));
}

/** Lag 0, both clusters up, source end offsets as given. */
async function waitHealthy(what: string, ends: Record<string, number>, timeoutMs: number) {
  return waitUntil(
    what,
    async () => {
      const f = await readFlow(mw.url, SOURCE, TARGET, [TOPIC]);
      const ok =
        f.clusterUp[SOURCE] === 1 &&
        f.clusterUp[TARGET] === 1 &&
        sameFigures(f.metricLag, zeros(BEFORE.length)) &&
        sameFigures(f.apiLag, zeros(BEFORE.length)) &&
        sameFigures(f.sourceEnd, ends) &&
        f.heartbeatAgeMetric !== undefined &&
        f.heartbeatAgeMetric < 5;
      return ok ? pass(f) : fail(summary(f));
    },
    { timeoutMs },
  );
}

beforeAll(async () => {
  [east, west] = await startEastWest();
  await createTopic(east, TOPIC, BEFORE.length);
  for (const [p, n] of BEFORE.entries()) await produce(east, TOPIC, { partition: p, count: n });
  await startMirrorMaker({ clusters: [east, west], flows: [{ source: SOURCE, target: TARGET }] });
  mw = await startMirrorwatch({ clusters: [east, west], flows: [{ source: SOURCE, target: TARGET }] });
});

describe('a broker is killed and restarted (scenario f)', () => {
  it('keeps answering within 1 s, reports the dead cluster down and the live one fresh, and recovers after the restart', async () => {
    await waitHealthy('a healthy start: lag 0, both clusters up, heartbeats fresh', keyed(BEFORE), 120_000);

    // mirrorwatch runs in this process: a leak per failed poll (e.g. a listener added to a dead
    // socket on every reconnect attempt) shows as a MaxListenersExceededWarning within ~10 polls.
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    await west.kill();
    const killedAt = Date.now();

    const scrapeMs: number[] = [];
    const down = await waitUntil(
      `mirrorwatch_cluster_up{cluster="${TARGET}"} to drop to 0`,
      async () => {
        const s = await scrapeMetrics(mw.url, 5000);
        scrapeMs.push(s.ms);
        const up = gauge(s.exposition, 'mirrorwatch_cluster_up', { cluster: TARGET });
        return up === 0 ? pass(s) : fail({ [`cluster_up{${TARGET}}`]: up, scrapeMs });
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(gauge(down.exposition, 'mirrorwatch_cluster_up', { cluster: SOURCE })).toBe(1);

    // While us-west is down: new records on us-east must show in us-east's figures, its last
    // successful poll must keep advancing, and every request is answered fast.
    for (const [p, n] of DURING.entries()) await produce(east, TOPIC, { partition: p, count: n });
    const expectedEnds = keyed(BEFORE.map((n, p) => n + (DURING[p] ?? 0)));
    expect(await sourceEnds()).toEqual(expectedEnds);
    const lastSuccess: number[] = [];
    const fresh = await waitUntil(
      `${SOURCE}'s figures to stay fresh while ${TARGET} is down`,
      async () => {
        const s = await scrapeMetrics(mw.url, 5000);
        scrapeMs.push(s.ms);
        const t = gauge(s.exposition, 'mirrorwatch_last_poll_success_timestamp_seconds', { cluster: SOURCE });
        if (t !== undefined && t !== lastSuccess[lastSuccess.length - 1]) lastSuccess.push(t);
        const seenEnds = Object.fromEntries(
          DURING.map((_, p) => [tp(TOPIC, p), gauge(s.exposition, 'mm2_partition_end_offset', { cluster: SOURCE, topic: TOPIC, partition: String(p) }) ?? -1]),
        );
        const failedPolls = select(s.exposition, 'mirrorwatch_poll_errors_total', { cluster: TARGET }).reduce((a, b) => a + b.value, 0);
        const ok =
          sameFigures(seenEnds, expectedEnds) &&
          gauge(s.exposition, 'mirrorwatch_cluster_up', { cluster: TARGET }) === 0 &&
          lastSuccess.length >= 5 &&
          scrapeMs.length >= 10 &&
          failedPolls >= 15;
        return ok ? pass(s) : fail({ seenEnds, expectedEnds, lastSuccess, failedPolls, scrapeMs });
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    for (let i = 1; i < lastSuccess.length; i++) expect(lastSuccess[i]!).toBeGreaterThan(lastSuccess[i - 1]!);
    // The newest success is recent: the poll loop of the live cluster is not held up by the dead one.
    expect(Date.now() / 1000 - lastSuccess[lastSuccess.length - 1]!).toBeLessThan(5);
    expect(gauge(fresh.exposition, 'mirrorwatch_last_poll_success_timestamp_seconds', { cluster: TARGET }) ?? 0).toBeLessThanOrEqual(killedAt / 1000 + 1);

    const flows = await getJson<FlowsResponse>(mw.url, '/api/v1/flows', MAX_SCRAPE_MS);
    expect(flows.status).toBe(200);
    const westStatus = flows.body.clusters.find((c) => c.alias === TARGET);
    expect(westStatus?.up).toBe(false);
    expect(westStatus?.lastError ?? '').not.toBe('');
    const flow = await readFlow(mw.url, SOURCE, TARGET, [TOPIC]);
    expect(flow.failoverReady).toBe(false);
    expect(flow.sourceEnd).toEqual(expectedEnds);
    const health = await getJson<{ status: string }>(mw.url, '/healthz', MAX_SCRAPE_MS);
    expect(health).toEqual({ status: 200, body: { status: 'ok' } });
    const ready = await getJson<{ status: string }>(mw.url, '/readyz', MAX_SCRAPE_MS);
    expect(ready.status).toBe(200);

    console.log(`scenario f: ${scrapeMs.length} scrapes while ${TARGET} was down, slowest ${Math.max(...scrapeMs).toFixed(0)} ms`);
    for (const ms of scrapeMs) expect(ms).toBeLessThan(MAX_SCRAPE_MS);

    await west.start();
    process.off('warning', onWarning);
    expect(warnings, 'process warnings while a cluster was down').toEqual([]);
    const recovered = await waitHealthy(`recovery after ${TARGET} restarted: cluster_up 1, lag 0`, expectedEnds, 120_000);
    expect(recovered.metricLag).toEqual(zeros(BEFORE.length));
    expect(recovered.apiLag).toEqual(zeros(BEFORE.length));
    expect(recovered.lastSuccess[TARGET]! * 1000).toBeGreaterThan(killedAt);
    expect(recovered.detail.clusters.every((c) => c.up && c.lastError === null)).toBe(true);
  });
});
