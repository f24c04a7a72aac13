// mm2_replication_lost_records_total and mm2_flow_lost_records_total as rendered from a snapshot
// the monitor annotated with the loss accumulator's totals.
import { describe, expect, it } from 'vitest';
import { accountLosses, annotateLossTotals, EMPTY_LOSS_STATE } from '../../../src/core/lossAccounting.js';
import { gunzipSync } from 'node:zlib';
import { createMetrics } from '../../../src/metrics/metrics.js';
import { renderSnapshotSeries } from '../../../src/metrics/snapshot-series.js';
import { captureLogger } from './log-capture.js';
import { makeSnapshot } from '../helpers/snapshot.js';
import { parseExposition, select } from './parse-exposition.js';

function render(granularity: 'partition' | 'topic', afterMm2MovedOn: boolean) {
  const lossy = makeSnapshot({
    flows: [{ source: 'us-east', target: 'us-west', topics: [{ topic: 'orders', partitions: [{ partition: 0, sourceStart: 87, sourceEnd: 100, replicated: 15 }, { partition: 1 }] }] }],
  });
  let { state } = accountLosses(EMPTY_LOSS_STATE, lossy.flows);
  let snapshot = lossy;
  if (afterMm2MovedOn) {
    snapshot = makeSnapshot({ flows: [{ source: 'us-east', target: 'us-west', topics: [{ topic: 'orders', partitions: [{ partition: 0, sourceStart: 87, sourceEnd: 100 }, { partition: 1 }] }] }] });
    state = accountLosses(state, snapshot.flows).state;
  }
  annotateLossTotals(state, snapshot.flows);
  const rendered = renderSnapshotSeries(snapshot, granularity);
  const text = rendered.chunks.map((c) => c.toString()).join('') + rendered.counters;
  return parseExposition(text);
}

describe('loss counters in /metrics', () => {
  it('render() gives them counter families valid in both formats, gzip or not', async () => {
    const lossy = makeSnapshot({
      flows: [{ source: 'us-east', target: 'us-west', topics: [{ topic: 'orders', partitions: [{ partition: 0, sourceStart: 87, sourceEnd: 100, replicated: 15 }] }] }],
    });
    annotateLossTotals(accountLosses(EMPTY_LOSS_STATE, lossy.flows).state, lossy.flows);
    const metrics = createMetrics({ version: '1.0.0', logger: captureLogger('error').logger, defaultMetrics: false });
    metrics.publish(lossy);
    await metrics.settled();
    const text = (await metrics.render()).body.toString();
    expect(text).toContain('# TYPE mm2_flow_lost_records_total counter\nmm2_flow_lost_records_total{source="us-east",target="us-west"} 72\n');
    const om = (await metrics.render({ format: 'openmetrics' })).body.toString();
    expect(om).toContain('# TYPE mm2_flow_lost_records counter\nmm2_flow_lost_records_total{source="us-east",target="us-west"} 72\n');
    expect(om).toContain('# TYPE mm2_replication_lost_records counter\n');
    // The gauge of the same meaning keeps its own family name.
    expect(om).toContain('# TYPE mm2_flow_records_lost gauge\n');
    expect(om.endsWith('# EOF\n')).toBe(true);
    const gz = await metrics.render({ format: 'openmetrics', gzip: true });
    expect(gunzipSync(gz.body).toString()).toBe(om);
  });

  it('a partition that lost records has a counter (typed counter), one that never did has none; the flow counter is always there', () => {
    const exp = render('partition', false);
    expect(exp.types.get('mm2_replication_lost_records_total')).toBe('counter');
    expect(exp.types.get('mm2_flow_lost_records_total')).toBe('counter');
    expect(select(exp, 'mm2_replication_lost_records_total').map((s) => [s.labels.partition, s.value])).toEqual([['0', 72]]);
    expect(select(exp, 'mm2_flow_lost_records_total', { source: 'us-east', target: 'us-west' }).map((s) => s.value)).toEqual([72]);
    expect(select(exp, 'mm2_replication_records_lost').map((s) => s.value)).toEqual([72, 0]);
  });

  it('keeps the loss after MM2 moved past it, when the gauge is back to 0; topic granularity sums it', () => {
    const exp = render('partition', true);
    expect(select(exp, 'mm2_replication_records_lost').map((s) => s.value)).toEqual([0, 0]);
    expect(select(exp, 'mm2_replication_lost_records_total').map((s) => s.value)).toEqual([72]);
    const topic = render('topic', true);
    expect(select(topic, 'mm2_replication_lost_records_total').map((s) => [s.labels.topic, s.labels.partition, s.value])).toEqual([['orders', undefined, 72]]);
  });
});
