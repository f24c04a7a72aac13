// What `mirrorwatch audit` prints: totals per topic and partition, the buckets with findings or
// that could not be judged, and the exit code they add up to. Pure: tested without Kafka.
import type { AuditTotals } from '../core/countAudit.js';
import { addVerdict, emptyTotals } from '../core/countAudit.js';
import type { BucketResult } from '../poller/countAuditor.js';
import type { ConfigUnknown } from '../poller/topicConfigCache.js';
import { renderTable } from './table.js';

/** Exit codes of `audit`: 0 every bucket judged and clean. */
export const AUDIT_EXIT = { clean: 0, findings: 1, usage: 2, cannotJudge: 3 } as const;

export interface PartitionTotals extends AuditTotals {
  topic: string;
  remoteTopic: string;
  partition: number;
  /** Reasons of the buckets that could not be judged, with their count. */
  reasons: Record<string, number>;
}

export function partitionTotals(results: readonly BucketResult[]): PartitionTotals[] {
  const map = new Map<string, PartitionTotals>();
  for (const b of results) {
    for (const p of b.partitions) {
      const key = `${p.topic}\u0000${p.partition}`;
      let t = map.get(key);
      if (!t) map.set(key, (t = { topic: p.topic, remoteTopic: p.remoteTopic, partition: p.partition, reasons: {}, ...emptyTotals() }));
      addVerdict(t, p.verdict);
      if (p.verdict.kind === 'cannot_judge') t.reasons[p.verdict.reason] = (t.reasons[p.verdict.reason] ?? 0) + 1;
      if (p.verdict.kind === 'pending') t.reasons.not_copied_yet = (t.reasons.not_copied_yet ?? 0) + 1;
    }
  }
  return [...map.values()].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
}

export function auditExitCode(results: readonly BucketResult[]): number {
  const totals = emptyTotals();
  for (const b of results) for (const p of b.partitions) addVerdict(totals, p.verdict);
  if (totals.missing > 0 || totals.duplicated > 0) return AUDIT_EXIT.findings;
  if (totals.cannotJudgeBuckets > 0 || totals.pendingBuckets > 0) return AUDIT_EXIT.cannotJudge;
  return AUDIT_EXIT.clean;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** Reasons that hold for a whole topic (its configs): reported once per topic, not per bucket. */
const TOPIC_REASONS: ReadonlySet<string> = new Set(['compacted', 'log_append_time']);

export function formatAuditReport(
  flow: string,
  fromMs: number,
  toMs: number,
  bucketMs: number,
  results: readonly BucketResult[],
  configsUnknown: readonly ConfigUnknown[] = [],
): string {
  const rows = partitionTotals(results);
  const sum = emptyTotals();
  for (const r of rows) {
    sum.sourceRecords += r.sourceRecords;
    sum.targetRecords += r.targetRecords;
    sum.missing += r.missing;
    sum.duplicated += r.duplicated;
  }
  const lines: string[] = [];
  lines.push(`count audit of ${flow}: ${iso(fromMs)} .. ${iso(toMs)}, ${results.length} buckets of ${bucketMs / 1000} s, ${rows.length} partitions`);
  lines.push('');
  lines.push(
    renderTable(
      [
        { header: 'TOPIC' },
        { header: 'PARTITION', align: 'right' },
        { header: 'SOURCE', align: 'right' },
        { header: 'TARGET', align: 'right' },
        { header: 'MISSING', align: 'right' },
        { header: 'DUPLICATED', align: 'right' },
        { header: 'NOT JUDGED' },
      ],
      rows.map((r) => [
        r.topic,
        String(r.partition),
        String(r.sourceRecords),
        String(r.targetRecords),
        String(r.missing),
        String(r.duplicated),
        Object.entries(r.reasons)
          .map(([reason, n]) => `${n} x ${reason}`)
          .join(', ') || '-',
      ]),
    ),
  );
  const byTopic = new Map<string, string>();
  for (const b of results) for (const p of b.partitions) if (p.verdict.kind === 'cannot_judge' && TOPIC_REASONS.has(p.verdict.reason)) byTopic.set(p.topic, `${p.verdict.reason}: ${p.verdict.detail}`);
  if (byTopic.size > 0) {
    lines.push('', 'topics not judged:');
    for (const [topic, why] of [...byTopic].sort(([a], [b]) => a.localeCompare(b))) lines.push(`  ${topic}  ${why}`);
  }
  if (configsUnknown.length > 0) {
    lines.push('', 'topic configs not read (judged, but compaction or LogAppendTime would go unnoticed):');
    for (const u of configsUnknown.slice(0, 50)) lines.push(`  ${u.cluster} ${u.topic}  ${u.error}`);
    if (configsUnknown.length > 50) lines.push(`  ... and ${configsUnknown.length - 50} more`);
  }
  const notable = results.flatMap((b) =>
    b.partitions.flatMap((p) => {
      const v = p.verdict;
      if (v.kind === 'judged' && v.missing === 0 && v.duplicated === 0) return [];
      if (v.kind === 'cannot_judge' && TOPIC_REASONS.has(v.reason)) return [];
      const what =
        v.kind === 'judged'
          ? `${v.missing > 0 ? `${v.missing} missing` : `${v.duplicated} duplicated`} (source ${v.sourceRecords}, target ${v.targetRecords})`
          : v.kind === 'cannot_judge'
            ? `cannot judge: ${v.reason}: ${v.detail}`
            : 'not copied yet';
      return [`  ${iso(b.startMs)}  ${p.topic}-${p.partition}  ${what}`];
    }),
  );
  if (notable.length > 0) {
    lines.push('', 'buckets with findings or not judged:');
    const shown = notable.slice(0, 200);
    lines.push(...shown);
    if (notable.length > shown.length) lines.push(`  ... and ${notable.length - shown.length} more (use --json for all)`);
  }
  lines.push('');
  const code = auditExitCode(results);
  lines.push(
    code === AUDIT_EXIT.clean
      ? `clean: ${sum.sourceRecords} records on the source, every one on the target exactly once`
      : code === AUDIT_EXIT.findings
        ? `FINDINGS: ${sum.missing} records missing, ${sum.duplicated} duplicated`
        : 'no findings, but not every bucket could be judged (see NOT JUDGED)',
  );
  return lines.join('\n');
}

export function auditJson(
  flow: { source: string; target: string },
  fromMs: number,
  toMs: number,
  bucketMs: number,
  results: readonly BucketResult[],
  configsUnknown: readonly ConfigUnknown[] = [],
) {
  return {
    flow,
    from: iso(fromMs),
    to: iso(toMs),
    bucketSeconds: bucketMs / 1000,
    exitCode: auditExitCode(results),
    partitions: partitionTotals(results),
    configsUnknown,
    buckets: results.map((b) => ({ start: iso(b.startMs), end: iso(b.endMs), totals: b.totals, partitions: b.partitions })),
  };
}
