// The count audit's series, sharded: each shard audits the topics it owns, so its per-topic series
// are its own, but the flow-level ones would collide between shards: they carry `shard`.
import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { createAuditMetrics } from '../../../src/metrics/auditMetrics.js';
import { addVerdict, emptyTotals } from '../../../src/core/countAudit.js';
import type { BucketResult, PartitionVerdict } from '../../../src/poller/countAuditor.js';

function bucket(startMs: number, topic: string): BucketResult {
  const partitions: PartitionVerdict[] = [
    { topic, remoteTopic: `east.${topic}`, partition: 0, verdict: { kind: 'judged', sourceRecords: 5, targetRecords: 6, missing: 0, duplicated: 1, markersOrAborted: 0 } },
    { topic, remoteTopic: `east.${topic}`, partition: 1, verdict: { kind: 'cannot_judge', reason: 'compacted', detail: 'cleanup.policy=compact' } },
  ];
  const totals = emptyTotals();
  for (const p of partitions) addVerdict(totals, p.verdict);
  return { startMs, endMs: startMs + 1000, partitions, totals };
}

async function series(registry: Registry): Promise<string[]> {
  const out: string[] = [];
  for (const m of await registry.getMetricsAsJSON()) {
    for (const v of m.values as { labels: Record<string, string | number> }[]) out.push(`${m.name}{${Object.entries(v.labels).map(([k, x]) => `${k}=${x}`).sort().join(',')}}`);
  }
  return out.sort();
}

describe('audit metrics', () => {
  it('flow-level series carry the shard when sharded, per-topic series do not; unsharded, no shard label', async () => {
    const shards = [0, 1].map((index) => {
      const registry = new Registry();
      createAuditMetrics(registry, { shard: { index, count: 2 } }).record('east', 'west', [bucket(60_000, `t${index}`)], 2);
      return registry;
    });
    const [s0, s1] = await Promise.all(shards.map(series));
    // No series in both shards.
    expect(s0!.filter((k) => s1!.includes(k))).toEqual([]);
    for (const [i, s] of [s0!, s1!].entries()) {
      for (const name of ['mm2_audit_buckets_total', 'mm2_audit_buckets_pending', 'mm2_audit_first_bucket_start_timestamp_seconds', 'mm2_audit_last_bucket_end_timestamp_seconds']) {
        const of = s.filter((k) => k.startsWith(`${name}{`));
        expect(of.length, name).toBeGreaterThan(0);
        expect(of.every((k) => k.includes(`shard=${i}`)), name).toBe(true);
      }
      expect(s.filter((k) => k.startsWith('mm2_audit_duplicated_records_total{'))).toEqual([`mm2_audit_duplicated_records_total{source=east,target=west,topic=t${i}}`]);
      expect(s).toContain(`mm2_audit_partitions_not_judged{reason=compacted,source=east,target=west,topic=t${i}}`);
    }
    const plain = new Registry();
    createAuditMetrics(plain, { shard: { index: 0, count: 1 } }).record('east', 'west', [bucket(60_000, 't0')], 0);
    expect((await series(plain)).filter((k) => k.includes('shard='))).toEqual([]);
  });
});
