// The count audit's series. They change when a bucket is decided, not with each snapshot, so they
// live in the prom-client registry: counters over every closed bucket, gauges for the last one.
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import { CANNOT_JUDGE_REASONS } from '../core/countAudit.js';
import type { BucketResult } from '../poller/countAuditor.js';
import { GoneTopics } from '../core/goneTopics.js';
import type { ShardSpec } from '../core/shard.js';
import { isSharded } from '../core/shard.js';

export interface AuditMetrics {
  /**
   * Newly decided buckets of one flow, oldest first, how many still wait for MM2, and how many of
   * the flow's topics (on either cluster) have configs the audit could not read.
   */
  record(source: string, target: string, results: readonly BucketResult[], pendingBuckets: number, configsUnknown?: number): void;
}

export interface AuditMetricsOptions {
  /** This instance's shard: the flow-level series then carry `shard` (each shard audits its own topics). */
  shard?: ShardSpec;
}

export function createAuditMetrics(registry: Registry, options: AuditMetricsOptions = {}): AuditMetrics {
  const registers = [registry];
  // Per-topic series belong to the shard that owns the topic; the flow-level ones (bucket counts,
  // the audited range, pending buckets) would come from every shard with the same labels, so
  // sharded they carry the shard's index, like mm2_flow_state (min / max / sum over `shard`).
  const shard = isSharded(options.shard) ? String(options.shard.index) : null;
  const flowNames: string[] = shard === null ? ['source', 'target'] : ['source', 'target', 'shard'];
  const flowOf = (source: string, target: string): Record<string, string> => (shard === null ? { source, target } : { source, target, shard });
  const missingTotal = new Counter({
    name: 'mm2_audit_missing_records_total',
    help: 'Records on the source that the target does not hold, over the closed buckets audited since start (count audit).',
    labelNames: ['source', 'target', 'topic'] as const,
    registers,
  });
  const duplicatedTotal = new Counter({
    name: 'mm2_audit_duplicated_records_total',
    help: 'Records the target holds more than once, over the closed buckets audited since start (count audit).',
    labelNames: ['source', 'target', 'topic'] as const,
    registers,
  });
  const auditedTotal = new Counter({
    name: 'mm2_audit_source_records_total',
    help: 'Source records in the closed buckets audited since start.',
    labelNames: ['source', 'target', 'topic'] as const,
    registers,
  });
  const bucketsTotal = new Counter({
    name: 'mm2_audit_buckets_total',
    help: 'Partition buckets decided by the count audit, by result: clean, missing, duplicated (both when both), not_judged.',
    labelNames: [...flowNames, 'result'],
    registers,
  });
  const lastMissing = new Gauge({
    name: 'mm2_audit_last_bucket_missing_records',
    help: 'Records missing on the target in the last audited bucket.',
    labelNames: ['source', 'target', 'topic'] as const,
    registers,
  });
  const lastDuplicated = new Gauge({
    name: 'mm2_audit_last_bucket_duplicated_records',
    help: 'Records duplicated on the target in the last audited bucket.',
    labelNames: ['source', 'target', 'topic'] as const,
    registers,
  });
  const auditedFrom = new Gauge({
    name: 'mm2_audit_first_bucket_start_timestamp_seconds',
    help: 'Start of the first bucket the count audit decided since start (Unix seconds).',
    labelNames: flowNames,
    registers,
  });
  const auditedTo = new Gauge({
    name: 'mm2_audit_last_bucket_end_timestamp_seconds',
    help: 'End of the last bucket the count audit decided (Unix seconds): everything before it has been audited.',
    labelNames: flowNames,
    registers,
  });
  const pending = new Gauge({
    name: 'mm2_audit_buckets_pending',
    help: 'Settled buckets whose source was read and that wait for MM2 to copy past them.',
    labelNames: flowNames,
    registers,
  });
  const configsUnknownGauge = new Gauge({
    name: 'mm2_audit_topic_configs_unknown',
    help: 'Topics of the flow (source or remote, per cluster) whose configs the count audit could not read (DescribeConfigs refused or failed): judged, but compaction or LogAppendTime there would go unnoticed.',
    labelNames: flowNames,
    registers,
  });
  const notJudged = new Gauge({
    name: 'mm2_audit_partitions_not_judged',
    help: 'Partitions the count audit could not judge in the last audited bucket, by reason.',
    labelNames: ['source', 'target', 'topic', 'reason'] as const,
    registers,
  });
  const lastTopics = new Map<string, Set<string>>();
  const lastNotJudged = new Map<string, { topic: string; reason: string }[]>();
  /** Per flow, the topics with counter series, and which of them left the flow (deleted). */
  const counted = new Map<string, { topics: Set<string>; gone: GoneTopics }>();

  return {
    record(source, target, results, pendingBuckets, configsUnknown = 0) {
      const flow = `${source}\u0000${target}`;
      const flowLabels = flowOf(source, target);
      pending.set(flowLabels, pendingBuckets);
      configsUnknownGauge.set(flowLabels, configsUnknown);
      if (results.length === 0) return;
      // Summed per topic first: a prom-client call per partition costs more than the audit itself at 20,000 partitions.
      const perTopic = new Map<string, { missing: number; duplicated: number; records: number }>();
      const buckets = { clean: 0, missing: 0, duplicated: 0, not_judged: 0 };
      for (const b of results) {
        for (const p of b.partitions) {
          const v = p.verdict;
          let t = perTopic.get(p.topic);
          if (!t) perTopic.set(p.topic, (t = { missing: 0, duplicated: 0, records: 0 }));
          if (v.kind === 'judged') {
            t.missing += v.missing;
            t.duplicated += v.duplicated;
            t.records += v.sourceRecords;
            if (v.missing > 0) buckets.missing++;
            if (v.duplicated > 0) buckets.duplicated++;
            if (v.missing === 0 && v.duplicated === 0) buckets.clean++;
          } else if (v.kind === 'cannot_judge') {
            buckets.not_judged++;
          }
        }
      }
      // Counters exist from the first bucket on (also at 0), so rate() and increase() see them start.
      let c = counted.get(flow);
      if (!c) counted.set(flow, (c = { topics: new Set(), gone: new GoneTopics() }));
      for (const [topic, t] of perTopic) {
        const labels = { source, target, topic };
        missingTotal.inc(labels, t.missing);
        duplicatedTotal.inc(labels, t.duplicated);
        auditedTotal.inc(labels, t.records);
        c.topics.add(topic);
      }
      // A deleted topic's counters would stay in memory and on /metrics for good (one series each
      // per topic ever audited): they go once two decisions in a row did not audit the topic. The
      // increase they saw stays in Prometheus; a topic created again starts from 0 (a counter reset).
      for (const topic of c.gone.sweep(c.topics, (t) => perTopic.has(t))) {
        const labels = { source, target, topic };
        missingTotal.remove(labels);
        duplicatedTotal.remove(labels);
        auditedTotal.remove(labels);
        c.topics.delete(topic);
      }
      for (const [result, n] of Object.entries(buckets)) if (n > 0) bucketsTotal.inc({ ...flowLabels, result }, n);
      if (!lastTopics.has(flow)) auditedFrom.set(flowLabels, results[0]!.startMs / 1000);
      const last = results[results.length - 1]!;
      auditedTo.set(flowLabels, last.endMs / 1000);

      // The last bucket's gauges: every topic of the flow, 0 when clean; topics gone since are removed.
      const missing = new Map<string, number>();
      const duplicated = new Map<string, number>();
      const reasons = new Map<string, number>();
      for (const p of last.partitions) {
        missing.set(p.topic, (missing.get(p.topic) ?? 0) + (p.verdict.kind === 'judged' ? p.verdict.missing : 0));
        duplicated.set(p.topic, (duplicated.get(p.topic) ?? 0) + (p.verdict.kind === 'judged' ? p.verdict.duplicated : 0));
        if (p.verdict.kind === 'cannot_judge') {
          const k = `${p.topic}\u0000${p.verdict.reason}`;
          reasons.set(k, (reasons.get(k) ?? 0) + 1);
        }
      }
      for (const topic of lastTopics.get(flow) ?? []) {
        if (!missing.has(topic)) {
          lastMissing.remove({ source, target, topic });
          lastDuplicated.remove({ source, target, topic });
        }
      }
      for (const [topic, n] of missing) lastMissing.set({ source, target, topic }, n);
      for (const [topic, n] of duplicated) lastDuplicated.set({ source, target, topic }, n);
      lastTopics.set(flow, new Set(missing.keys()));
      for (const old of lastNotJudged.get(flow) ?? []) notJudged.remove({ source, target, topic: old.topic, reason: old.reason });
      const now: { topic: string; reason: string }[] = [];
      for (const [k, n] of reasons) {
        const [topic, reason] = k.split('\u0000') as [string, string];
        if (!CANNOT_JUDGE_REASONS.includes(reason as never)) continue;
        notJudged.set({ source, target, topic, reason }, n);
        now.push({ topic, reason });
      }
      lastNotJudged.set(flow, now);
    },
  };
}
