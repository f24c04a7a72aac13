import { describe, expect, it } from 'vitest';
import { createMetrics, SLICE_ABOVE_PARTITIONS } from '../../../src/metrics/metrics.js';
import { renderSnapshotSeries, renderSnapshotSteps } from '../../../src/metrics/snapshot-series.js';
import type { Snapshot } from '../../../src/core/types.js';
import { captureLogger } from './log-capture.js';
import { largeSnapshot, makeSnapshot } from '../helpers/snapshot.js';

/** Gauges (once-rendered chunks), then the counters that join the per-scrape part. */
const text = (s: Snapshot): string => {
  const r = renderSnapshotSeries(s, 'partition');
  return Buffer.concat(r.chunks).toString('utf8') + r.counters;
};

/** The snapshot-derived part of a scrape (it comes first; the registry's part follows it). */
const snapshotPart = (body: Buffer): string => {
  const all = body.toString('utf8');
  return all.slice(all.indexOf('# HELP mm2_replication_lag_records'), all.indexOf('# HELP mirrorwatch_kafka_requests_total'));
};

const setup = (maxSeries = 1e9) => {
  const log = captureLogger('info');
  return { log, metrics: createMetrics({ version: 't', logger: log.logger, defaultMetrics: false, maxSeries }) };
};

// largeSnapshot(t, p): t x p partitions in the flow plus the same number on each of the 2 clusters.
const big = (sequence: number): Snapshot => largeSnapshot(300, 10, sequence); // 9,000 partitions counted
const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('renderSnapshotSteps', () => {
  it('writes a large snapshot in several steps, to the same text as in one piece', () => {
    const s = big(1);
    const steps = renderSnapshotSteps(s, 'partition');
    let count = 0;
    let result;
    for (;;) {
      const step = steps.next();
      count++;
      if (step.done) {
        result = step.value;
        break;
      }
    }
    expect(count).toBeGreaterThan(5);
    expect(Buffer.concat(result.chunks).toString('utf8') + result.counters).toBe(text(s));
  });
});

describe('publish of a large snapshot', () => {
  it('keeps serving the previous series until the new ones are rendered, then serves them whole', async () => {
    const { metrics } = setup();
    const small = makeSnapshot({ flows: [{ source: 'us-east', target: 'us-west', topics: [{ topic: 'orders', partitions: 2 }] }] });
    metrics.publish(small);
    expect(snapshotPart((await metrics.render()).body)).toBe(text(small));

    const s = big(2);
    expect(3 * 300 * 10).toBeGreaterThan(SLICE_ABOVE_PARTITIONS);
    metrics.publish(s);
    // Not rendered yet: the previous text is still the one served, complete.
    expect(snapshotPart((await metrics.render()).body)).toBe(text(small));
    await metrics.settled();
    expect(snapshotPart((await metrics.render()).body)).toBe(text(s));
    expect(metrics.seriesCount()).toBe(renderSnapshotSeries(s, 'partition').series);
  });

  it('lets the event loop run between slices', async () => {
    const { metrics } = setup();
    let turns = 0;
    let counting = true;
    const count = (): void => {
      turns++;
      if (counting) setImmediate(count);
    };
    setImmediate(count);
    metrics.publish(largeSnapshot(1500, 10, 1)); // ~45,000 partitions: several 10 ms slices anywhere
    await metrics.settled();
    counting = false;
    expect(turns).toBeGreaterThan(1);
  });

  it('abandons a rendering that a newer snapshot supersedes', async () => {
    const { metrics } = setup();
    const first = big(3);
    const second = big(4);
    metrics.publish(first);
    metrics.publish(second);
    await metrics.settled();
    expect(snapshotPart((await metrics.render()).body)).toBe(text(second));
    await nextTurn();
    await nextTurn();
    expect(snapshotPart((await metrics.render()).body)).toBe(text(second));
  });

  it('warns about maxSeries once the large snapshot is rendered', async () => {
    const { metrics, log } = setup(1000);
    metrics.publish(big(5));
    const warnings = () => log.lines().filter((l) => l.level === 40 && String(l.msg).includes('maxSeries'));
    await metrics.settled();
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toMatchObject({ maxSeries: 1000, series: metrics.seriesCount() });
  });

  it('settles at once when nothing is being rendered', async () => {
    const { metrics } = setup();
    metrics.publish(makeSnapshot());
    await expect(metrics.settled()).resolves.toBeUndefined();
  });
});
