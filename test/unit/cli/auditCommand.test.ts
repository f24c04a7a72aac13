// `mirrorwatch audit`: time arguments, the report and the exit code it adds up to, and the
// daemon's `audit:` settings; the real clusters are in test/integration/count-audit.test.ts.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTimeArg, runAudit } from '../../../src/cli/auditCommand.js';
import { AUDIT_EXIT, auditExitCode, auditJson, formatAuditReport, partitionTotals } from '../../../src/cli/auditReport.js';
import { UsageError } from '../../../src/cli/args.js';
import { addVerdict, emptyTotals } from '../../../src/core/countAudit.js';
import type { BucketVerdict } from '../../../src/core/countAudit.js';
import type { BucketResult } from '../../../src/poller/countAuditor.js';
import { ConfigError, loadConfig, resolveAuditConfig } from '../../../src/config/load.js';
import { tempFiles } from '../config/helpers.js';

const NOW = Date.parse('2026-12-05T04:00:00Z');

function bucket(startMs: number, verdicts: BucketVerdict[]): BucketResult {
  const partitions = verdicts.map((verdict, partition) => ({ topic: 'orders', remoteTopic: 'us-east.orders', partition, verdict }));
  const totals = emptyTotals();
  for (const p of partitions) addVerdict(totals, p.verdict);
  return { startMs, endMs: startMs + 60_000, partitions, totals };
}

const clean = (n: number): BucketVerdict => ({ kind: 'judged', sourceRecords: n, targetRecords: n, missing: 0, duplicated: 0, markersOrAborted: 0 });

describe('parseTimeArg', () => {
  it('takes ISO times, epoch ms, now and durations ago', () => {
    expect(parseTimeArg('--from', '2026-12-05T03:10:00Z', NOW)).toBe(Date.parse('2026-12-05T03:10:00Z'));
    expect(parseTimeArg('--from', '1796443800000', NOW)).toBe(1796443800000);
    expect(parseTimeArg('--to', 'now', NOW)).toBe(NOW);
    expect(parseTimeArg('--from', '30m', NOW)).toBe(NOW - 30 * 60_000);
    expect(parseTimeArg('--from', '-2h', NOW)).toBe(NOW - 2 * 3_600_000);
  });

  it('refuses what is not a time, naming the option', () => {
    expect(() => parseTimeArg('--from', 'yesterday', NOW)).toThrow(/--from "yesterday" is not a time/);
    expect(() => parseTimeArg('--from', undefined, NOW)).toThrow(UsageError);
  });
});

describe('audit report and exit code', () => {
  const t0 = Date.parse('2026-12-05T03:10:00Z');

  it('is clean (0) only when every bucket was judged and nothing was found', () => {
    const results = [bucket(t0, [clean(10), clean(12)]), bucket(t0 + 60_000, [clean(0), clean(3)])];
    expect(auditExitCode(results)).toBe(AUDIT_EXIT.clean);
    expect(formatAuditReport('us-east->us-west', t0, t0 + 120_000, 60_000, results)).toContain('clean: 25 records on the source, every one on the target exactly once');
  });

  it('exits 1 on records missing or duplicated, and lists the buckets', () => {
    const dup: BucketVerdict = { kind: 'judged', sourceRecords: 10, targetRecords: 14, missing: 0, duplicated: 4, markersOrAborted: 0 };
    const results = [bucket(t0, [clean(10), dup]), bucket(t0 + 60_000, [{ kind: 'cannot_judge', reason: 'source_truncated', detail: 'gone' }, clean(1)])];
    expect(auditExitCode(results)).toBe(AUDIT_EXIT.findings);
    const text = formatAuditReport('us-east->us-west', t0, t0 + 120_000, 60_000, results);
    expect(text).toContain('2026-12-05T03:10:00.000Z  orders-1  4 duplicated (source 10, target 14)');
    expect(text).toContain('cannot judge: source_truncated: gone');
    expect(text).toContain('FINDINGS: 0 records missing, 4 duplicated');
    expect(partitionTotals(results).map((p) => [p.partition, p.duplicated, p.reasons])).toEqual([
      [0, 0, { source_truncated: 1 }],
      [1, 4, {}],
    ]);
    expect(auditJson({ source: 'us-east', target: 'us-west' }, t0, t0 + 120_000, 60_000, results).exitCode).toBe(1);
  });

  it('names a topic not judged for its configs once, not per bucket, and lists configs it could not read', () => {
    const compacted: BucketVerdict = { kind: 'cannot_judge', reason: 'compacted', detail: 'cleanup.policy=compact on us-east (orders): compaction removes records on each side independently' };
    const results = [bucket(t0, [compacted, compacted]), bucket(t0 + 60_000, [compacted, compacted])];
    const unknown = [{ cluster: 'us-west', topic: 'us-east.payments', error: 'TOPIC_AUTHORIZATION_FAILED' }];
    const text = formatAuditReport('us-east->us-west', t0, t0 + 120_000, 60_000, results, unknown);
    expect(text).toContain('topics not judged:\n  orders  compacted: cleanup.policy=compact on us-east (orders)');
    expect(text).not.toContain('buckets with findings or not judged');
    expect(text).toContain('topic configs not read (judged, but compaction or LogAppendTime would go unnoticed):\n  us-west us-east.payments  TOPIC_AUTHORIZATION_FAILED');
    expect(partitionTotals(results).map((p) => p.reasons)).toEqual([{ compacted: 2 }, { compacted: 2 }]);
    expect(auditExitCode(results)).toBe(AUDIT_EXIT.cannotJudge);
    expect(auditJson({ source: 'us-east', target: 'us-west' }, t0, t0 + 120_000, 60_000, results, unknown).configsUnknown).toEqual(unknown);
  });

  it('exits 3 when nothing was found but not every bucket could be judged', () => {
    expect(auditExitCode([bucket(t0, [clean(1), { kind: 'pending' }])])).toBe(AUDIT_EXIT.cannotJudge);
    expect(auditExitCode([bucket(t0, [{ kind: 'cannot_judge', reason: 'transactional_gap', detail: '' }])])).toBe(AUDIT_EXIT.cannotJudge);
  });
});

describe('runAudit usage errors', () => {
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return {
      out,
      err,
      io: { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) }, env: {}, now: () => NOW, sleep: async () => {} },
    };
  };

  it('exits 2 with a message for a bad flow, time or --url', async () => {
    const a = io();
    expect(await runAudit({ flow: 'us-east', from: '1h' }, a.io)).toBe(2);
    const b = io();
    expect(await runAudit({ flow: 'us-east->us-west', from: 'soon' }, b.io)).toBe(2);
    expect(b.err.join('')).toContain('--from "soon" is not a time');
    const c = io();
    expect(await runAudit({ flow: 'us-east->us-west', from: '1h', url: 'http://x' }, c.io)).toBe(2);
    expect(c.err.join('')).toContain('pass -c FILE, not --url');
    const d = io();
    expect(await runAudit({ flow: 'us-east->us-west', from: '30s', to: 'now', bucket: '1m', settle: '0s' }, d.io)).toBe(2);
    expect(d.err.join('')).toContain('no whole 60 s bucket');
  });
});

describe('audit settings', () => {
  const yaml = (audit: string) =>
    `clusters:\n  - alias: a\n    bootstrapServers: a:9092\n  - alias: b\n    bootstrapServers: b:9092\nflows:\n  - source: a\n    target: b\n${audit}`;

  it('defaults: on, 1m buckets, 2m settle, judged after 10m', () => {
    expect(resolveAuditConfig(undefined)).toEqual({ enabled: true, bucketMs: 60_000, settleMs: 120_000, judgeAfterMs: 600_000, countMaxOffsets: 10_000 });
    const dir = tempFiles({ 'mw.yaml': yaml('') });
    expect(loadConfig(path.join(dir, 'mw.yaml')).audit).toBeUndefined();
  });

  it('reads the audit section and refuses buckets below a second', () => {
    const dir = tempFiles({ 'mw.yaml': yaml('audit:\n  enabled: false\n  bucket: 5m\n  settle: 10m\n'), 'bad.yaml': yaml('audit:\n  bucket: 500ms\n'), 'typo.yaml': yaml('audit:\n  buckets: 5m\n') });
    expect(loadConfig(path.join(dir, 'mw.yaml')).audit).toEqual({ enabled: false, bucketMs: 300_000, settleMs: 600_000, judgeAfterMs: 600_000, countMaxOffsets: 10_000 });
    expect(() => loadConfig(path.join(dir, 'bad.yaml'))).toThrow(/audit\.bucket \(500ms\) must be at least 1s/);
    expect(() => loadConfig(path.join(dir, 'typo.yaml'))).toThrow(ConfigError);
  });
});
