// The count audit under topic churn: each decided bucket audits the topics alive at the time, and
// every topic is deleted again soon. What the audit keeps per topic (three counter series each,
// the API's totals per topic) must follow the topics that exist, or it grows with every topic
// ever audited: the 60-minute soak kept ~600 bytes per deleted topic in these counters.
import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import type { BucketVerdict } from '../../../src/core/countAudit.js';
import { emptyTotals } from '../../../src/core/countAudit.js';
import { noopTelemetry } from '../../../src/core/telemetry.js';
import type { ClusterConfig, MirrorwatchConfig } from '../../../src/core/types.js';
import { createLogger } from '../../../src/log.js';
import { createAuditMetrics } from '../../../src/metrics/auditMetrics.js';
import { AuditLoop } from '../../../src/poller/auditLoop.js';
import type { BucketResult } from '../../../src/poller/countAuditor.js';
import { fakePort } from '../helpers/fakePort.js';

const LIVE = 4;
const judged = (records: number): BucketVerdict => ({ kind: 'judged', sourceRecords: records, targetRecords: records, missing: 0, duplicated: 0 }) as BucketVerdict;

/** One decided bucket per step, over the LIVE newest topics churn-(step-LIVE+1)..churn-step. */
function bucket(step: number): BucketResult {
  const topics = Array.from({ length: Math.min(LIVE, step) }, (_, i) => `churn-${step - i}`);
  const partitions = topics.flatMap((topic) => [0, 1].map((partition) => ({ topic, remoteTopic: `us-east.${topic}`, partition, verdict: judged(3) })));
  return { startMs: step * 1000, endMs: (step + 1) * 1000, partitions, totals: emptyTotals() };
}

const topicsOf = async (registry: Registry, name: string): Promise<string[]> =>
  ((await registry.getSingleMetric(name)?.get())?.values ?? []).map((v) => String(v.labels.topic)).sort();

describe('count audit under topic churn', () => {
  it('drops the per-topic counters of topics no longer audited, keeping those of live ones', async () => {
    const registry = new Registry();
    const metrics = createAuditMetrics(registry);
    for (let step = 1; step <= 300; step++) metrics.record('us-east', 'us-west', [bucket(step)], 0);
    for (const name of ['mm2_audit_source_records_total', 'mm2_audit_missing_records_total', 'mm2_audit_duplicated_records_total']) {
      const topics = await topicsOf(registry, name);
      // The live topics, plus the one left out of the last decision only.
      expect(topics.length, name).toBeLessThanOrEqual(LIVE + 1);
      for (const t of ['churn-297', 'churn-298', 'churn-299', 'churn-300']) expect(topics, name).toContain(t);
    }
    // A live topic keeps counting across decisions: 2 partitions x 3 records x 4 buckets.
    const audited = (await registry.getSingleMetric('mm2_audit_source_records_total')?.get())?.values.find((v) => v.labels.topic === 'churn-297');
    expect(audited?.value).toBe(24);
  });

  it('keeps a topic left out of one decision only', async () => {
    const registry = new Registry();
    const metrics = createAuditMetrics(registry);
    const only = (topics: string[]): BucketResult => ({ startMs: 0, endMs: 1000, partitions: topics.map((topic) => ({ topic, remoteTopic: `us-east.${topic}`, partition: 0, verdict: judged(1) })), totals: emptyTotals() });
    metrics.record('us-east', 'us-west', [only(['a', 'b'])], 0);
    metrics.record('us-east', 'us-west', [only(['a'])], 0);
    metrics.record('us-east', 'us-west', [only(['a', 'b'])], 0);
    metrics.record('us-east', 'us-west', [only(['a'])], 0);
    expect(await topicsOf(registry, 'mm2_audit_source_records_total')).toEqual(['a', 'b']);
    metrics.record('us-east', 'us-west', [only(['a'])], 0);
    expect(await topicsOf(registry, 'mm2_audit_source_records_total')).toEqual(['a']);
  });

  it('drops the API totals of topics no longer audited; the flow totals keep counting them', () => {
    const cluster = (alias: string): ClusterConfig => ({ alias, bootstrapServers: [`${alias}:9092`], clientId: 'mw', connectionTimeoutMs: 1000, requestTimeoutMs: 1000 });
    const config = { clusters: [cluster('us-east'), cluster('us-west')], flows: [{ source: 'us-east', target: 'us-west' }] } as unknown as MirrorwatchConfig;
    const loop = new AuditLoop({
      config,
      audit: { enabled: true, bucketMs: 1000, settleMs: 2000, judgeAfterMs: 5000, countMaxOffsets: 1000 },
      portFactory: (c) => fakePort({ alias: c.alias }),
      logger: createLogger('silent'),
      telemetry: noopTelemetry,
      getSnapshot: () => null,
      now: () => 0,
    });
    const flow = loop['flows'][0]!;
    for (let step = 1; step <= 300; step++) loop['apply'](flow, [bucket(step)]);
    const view = loop.view().flows[0]!;
    expect(Object.keys(view.topics).length).toBeLessThanOrEqual(LIVE + 1);
    expect(Object.keys(view.topics)).toContain('churn-300');
    expect(view.topics['churn-297']?.sourceRecords).toBe(24);
    expect(view.totals.sourceRecords).toBe(2 * 3 * (4 * 300 - 6));
  });
});
