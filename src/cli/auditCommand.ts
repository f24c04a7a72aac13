// mirrorwatch audit --flow S->T --from TIME [--to TIME] [--bucket 1m] [--settle 2m] [--topic T] [--json] -c FILE
// Counts, per topic, partition and time bucket, the records on the source and their copies on the
// target (ListOffsets by timestamp on both sides; no record consumed unless the counts differ) and
// reports records missing or duplicated. Exit 0 clean, 1 records missing or duplicated, 2 bad
// usage, 3 nothing found but some buckets could not be judged (or the clusters could not be read).
import { parseDuration } from '../config/duration.js';
import type { AuditedPartition, BucketResult } from '../poller/countAuditor.js';
import { AUDIT_DEFAULTS, auditBuckets } from '../poller/countAuditor.js';
import { bucketsIn } from '../core/countAudit.js';
import { noopTelemetry } from '../core/telemetry.js';
import { createKafkajsPort } from '../kafka/kafkajsPort.js';
import type { KafkaPort } from '../kafka/port.js';
import { createLogger } from '../log.js';
import { UsageError, parseDurationArg, parseFlowArg } from './args.js';
import { loadConfigFor, usageExit, type CommandIo } from './commandIo.js';
import { configFlowSource } from './flowSource.js';
import { TopicConfigCache, auditExclusions } from '../poller/topicConfigCache.js';
import { AUDIT_EXIT, auditExitCode, auditJson, formatAuditReport } from './auditReport.js';

export interface AuditOptions {
  flow?: string;
  from?: string;
  to?: string;
  bucket?: string;
  settle?: string;
  topic?: string;
  json?: boolean;
  config?: string;
  url?: string;
  logLevel?: string;
}

/** An ISO 8601 time, epoch milliseconds, `now`, or a duration before now (`30m`, `-2h`). */
export function parseTimeArg(name: string, text: string | undefined, nowMs: number): number {
  if (text === undefined || text.trim() === '') throw new UsageError(`${name} is required (ISO time such as 2026-12-05T03:10:00Z, epoch ms, "now", or a duration ago such as 30m)`);
  const s = text.trim();
  if (s === 'now') return nowMs;
  if (/^\d{12,}$/.test(s)) return Number(s);
  const ago = parseDuration(s.replace(/^-/, ''));
  if (ago !== null && !/^\d+(\.\d+)?$/.test(s.replace(/^-/, ''))) return nowMs - ago;
  const ms = Date.parse(s);
  if (Number.isNaN(ms)) throw new UsageError(`${name} "${text}" is not a time (ISO time such as 2026-12-05T03:10:00Z, epoch ms, "now", or a duration ago such as 30m)`);
  return ms;
}

export async function runAudit(opts: AuditOptions, io: CommandIo): Promise<number> {
  let ports: KafkaPort[] = [];
  try {
    if (opts.url !== undefined) throw new UsageError('audit reads the clusters itself: pass -c FILE, not --url');
    const ref = parseFlowArg(opts.flow);
    const name = `${ref.source}->${ref.target}`;
    const now = io.now();
    const bucketMs = parseDurationArg('--bucket', opts.bucket, AUDIT_DEFAULTS.bucketMs);
    const settleMs = parseDurationArg('--settle', opts.settle, AUDIT_DEFAULTS.settleMs, { allowZero: true });
    const fromMs = parseTimeArg('--from', opts.from, now);
    let toMs = opts.to === undefined ? now - settleMs : parseTimeArg('--to', opts.to, now);
    if (toMs > now - settleMs) {
      io.stderr.write(`mirrorwatch: --to is within the settle delay (${settleMs / 1000} s); auditing up to ${new Date(now - settleMs).toISOString()}\n`);
      toMs = now - settleMs;
    }
    const buckets = bucketsIn(fromMs, toMs, bucketMs);
    if (buckets.length === 0) throw new UsageError(`no whole ${bucketMs / 1000} s bucket lies between --from and --to`);
    const config = loadConfigFor(opts.config, io);
    const logger = createLogger(opts.logLevel ?? 'fatal', io.stderr as NodeJS.WritableStream);
    const factory = io.portFactory ?? createKafkajsPort;

    // The flow's topics and partitions, as the daemon sees them (replication policy, filters).
    const source = configFlowSource(config, ref, { logger, ...(io.portFactory ? { portFactory: io.portFactory } : {}), recordTimestamps: false, now: io.now });
    let partitions: AuditedPartition[];
    try {
      const reading = await source.read();
      const topics = reading.flow.topics.filter((t) => !t.remoteMissing && (opts.topic === undefined || t.topic === opts.topic || t.remoteTopic === opts.topic));
      if (opts.topic !== undefined && topics.length === 0) throw new UsageError(`flow ${name} replicates no topic "${opts.topic}" present on both clusters`);
      partitions = topics.flatMap((t) =>
        t.partitions.filter((p) => p.partition < (t.targetPartitions ?? 0)).map((p) => ({ topic: t.topic, remoteTopic: t.remoteTopic, partition: p.partition })),
      );
    } finally {
      await source.close().catch(() => {});
    }
    const clusterOf = (alias: string) => config.clusters.find((c) => c.alias === alias)!;
    const sourcePort = factory(clusterOf(ref.source), { logger, telemetry: noopTelemetry });
    const targetPort = factory(clusterOf(ref.target), { logger, telemetry: noopTelemetry });
    ports = [sourcePort, targetPort];

    // Compacted and LogAppendTime topics (either side) cannot be judged: read their configs first.
    const { notJudged, unknown } = await auditExclusions(
      { alias: ref.source, configs: new TopicConfigCache(sourcePort, io.now) },
      { alias: ref.target, configs: new TopicConfigCache(targetPort, io.now) },
      partitions,
    );

    const tty = io.stderr.isTTY === true;
    const startedAt = io.now();
    const results: BucketResult[] = await auditBuckets(
      { source: sourcePort, target: targetPort, bucketMs, countMaxOffsets: AUDIT_DEFAULTS.countMaxOffsets },
      partitions,
      buckets,
      {
        judgeAll: true,
        excluded: notJudged,
        onProgress: (p) => {
          if (p.bucketsTotal <= 30 && !tty) return;
          const pct = Math.floor((100 * p.bucketsDone) / p.bucketsTotal);
          const line = `audited ${p.bucketsDone}/${p.bucketsTotal} buckets (${pct}%) of ${partitions.length} partitions in ${Math.round((io.now() - startedAt) / 1000)} s`;
          io.stderr.write(tty ? `\r\u001b[2K${line}${p.bucketsDone === p.bucketsTotal ? '\n' : ''}` : `${line}\n`);
        },
      },
    );
    const first = buckets[0]!.startMs;
    const last = buckets[buckets.length - 1]!.endMs;
    io.stdout.write(opts.json ? `${JSON.stringify(auditJson(ref, first, last, bucketMs, results, unknown), null, 2)}\n` : `${formatAuditReport(name, first, last, bucketMs, results, unknown)}\n`);
    return auditExitCode(results);
  } catch (err) {
    if (err instanceof UsageError) return usageExit(err, io);
    io.stderr.write(`mirrorwatch: cannot audit: ${err instanceof Error ? err.message : String(err)}\n`);
    return AUDIT_EXIT.cannotJudge;
  } finally {
    await Promise.allSettled(ports.map((p) => p.close()));
  }
}
