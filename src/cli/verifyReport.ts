// The logic of `mirrorwatch verify`: is the target a complete copy right now? Per topic: the
// remote topic exists with as many partitions as the source, lag 0 everywhere, nothing lost,
// and MM2's Connect offsets caught up where they are known (otherwise a restarted MM2 would copy
// records again); per flow: both clusters read and heartbeats fresh when expected.
import { formatSeconds } from '../core/failover.js';
import type { FlowStatus, PartitionStatus, TopicStatus } from '../core/types.js';
import type { FlowReading } from './flowSource.js';

export type CheckStatus = 'ok' | 'fail' | 'unknown';

export interface TopicVerdict {
  topic: string;
  remoteTopic: string;
  ok: boolean;
  sourcePartitions: number;
  targetPartitions: number | null;
  /** Sum of the known lags; null when no partition's lag is known. */
  lagRecords: number | null;
  recordsLost: number;
  connectOffsets: CheckStatus;
  problems: string[];
}

export interface VerifyReport {
  flow: string;
  ok: boolean;
  topics: TopicVerdict[];
  /** Problems of the flow as a whole (clusters, heartbeats). */
  flowProblems: string[];
  /** Facts worth printing that do not fail verification. */
  notes: string[];
}

export interface VerifyOptions {
  /** Heartbeats older than this fail verification (when the flow expects heartbeats). */
  maxHeartbeatAgeSeconds: number;
}

const pname = (p: Pick<PartitionStatus, 'topic' | 'partition'>): string => `${p.topic}-${p.partition}`;

function list(names: string[], max = 8): string {
  return names.length > max ? `${names.slice(0, max).join(', ')} and ${names.length - max} more` : names.join(', ');
}

function verifyTopic(t: TopicStatus, target: string): TopicVerdict {
  const problems: string[] = [];
  if (t.remoteMissing) problems.push(`remote topic ${t.remoteTopic} missing on ${target}`);
  else if (t.targetPartitions !== null && t.targetPartitions !== t.sourcePartitions) {
    problems.push(`${t.remoteTopic} has ${t.targetPartitions} partitions, the source ${t.sourcePartitions}`);
  }
  const unknown = t.partitions.filter((p) => p.lagRecords === null);
  const lagging = t.partitions.filter((p) => (p.lagRecords ?? 0) > 0);
  const lost = t.partitions.filter((p) => p.recordsLost > 0);
  if (lagging.length > 0) {
    const n = lagging.reduce((s, p) => s + (p.lagRecords ?? 0), 0);
    problems.push(`lag ${n} records on ${list(lagging.map(pname))}`);
  }
  // Partitions of a missing remote topic are already said to be missing.
  if (unknown.length > 0 && !t.remoteMissing) problems.push(`lag unknown on ${list(unknown.map(pname))}`);
  if (lost.length > 0) {
    const n = lost.reduce((s, p) => s + p.recordsLost, 0);
    problems.push(`data lost: ${n} records deleted on the source before MM2 copied them (${list(lost.map(pname))})`);
  }
  // Connect offsets: exact, flushed every offset.flush.interval.ms; 'ignored' ones belong to an
  // earlier incarnation of the topic.
  const withConnect = t.partitions.filter((p) => p.connectOffset !== null && p.connectOffsetCheck !== 'ignored' && p.sourceEnd > p.sourceStart);
  const behind = withConnect.filter((p) => (p.connectOffset ?? 0) < p.sourceEnd);
  let connectOffsets: CheckStatus = withConnect.length === 0 ? 'unknown' : 'ok';
  if (behind.length > 0) {
    connectOffsets = 'fail';
    problems.push(
      `MM2's Connect offsets trail the source on ${list(behind.map((p) => `${pname(p)} (${p.connectOffset} of ${p.sourceEnd})`))}: MM2 has not committed its position yet (offset.flush.interval.ms), a restart now would copy those records again`,
    );
  }
  const known = t.partitions.filter((p) => p.lagRecords !== null);
  return {
    topic: t.topic,
    remoteTopic: t.remoteTopic,
    ok: problems.length === 0,
    sourcePartitions: t.sourcePartitions,
    targetPartitions: t.targetPartitions,
    lagRecords: known.length === 0 ? null : known.reduce((s, p) => s + (p.lagRecords ?? 0), 0),
    recordsLost: t.partitions.reduce((s, p) => s + p.recordsLost, 0),
    connectOffsets,
    problems,
  };
}

function flowProblems(flow: FlowStatus, reading: FlowReading, opts: VerifyOptions): string[] {
  const out: string[] = [];
  if (!flow.known) out.push(`clusters ${flow.source} and ${flow.target} not both read`);
  for (const c of reading.clusters) if (!c.up) out.push(`cluster ${c.alias} did not answer its last poll (${c.lastError ?? 'unknown error'})`);
  const hb = flow.heartbeat;
  if (hb.expected) {
    if (hb.ageSeconds === null) out.push(`no heartbeat seen in ${hb.topic} on ${flow.target}: nothing proves MM2 is copying`);
    else if (hb.ageSeconds > opts.maxHeartbeatAgeSeconds) {
      out.push(`heartbeat stale: last ${formatSeconds(hb.ageSeconds)} ago (> ${formatSeconds(opts.maxHeartbeatAgeSeconds)}): MM2 may have stopped copying`);
    }
  }
  return out;
}

export function verifyFlow(reading: FlowReading, opts: VerifyOptions): VerifyReport {
  const { flow } = reading;
  const topics = flow.topics.map((t) => verifyTopic(t, flow.target));
  const problems = flowProblems(flow, reading, opts);
  const notes: string[] = [];
  if (flow.topics.length === 0 && flow.known) notes.push(`the flow selects no topic on ${flow.source}: nothing to verify`);
  if (!flow.heartbeat.expected) notes.push(`heartbeats ${flow.heartbeat.reason ?? 'not expected for this flow (emission is off for the reverse pair)'}: not checked`);
  const unknownConnect = topics.filter((t) => t.connectOffsets === 'unknown' && t.sourcePartitions > 0).length;
  if (unknownConnect > 0) notes.push(`Connect offsets unknown for ${unknownConnect} topic${unknownConnect === 1 ? '' : 's'} (not read, or nothing copied yet): not checked`);
  const covered = /^(lag |lag unknown|data lost|remote topic|heartbeat|no heartbeat|source cluster|target cluster|clusters )/;
  for (const r of flow.failover.reasons) if (!covered.test(r)) notes.push(`failover verdict: ${r}`);
  return {
    flow: `${flow.source}->${flow.target}`,
    ok: problems.length === 0 && topics.every((t) => t.ok),
    topics,
    flowProblems: problems,
    notes,
  };
}

export function formatVerifyReport(report: VerifyReport): string {
  const out: string[] = [];
  for (const t of report.topics) {
    const lag = t.lagRecords === null ? 'lag unknown' : `lag ${t.lagRecords}`;
    const parts = `${t.targetPartitions ?? '-'}/${t.sourcePartitions} partitions`;
    out.push(`${t.ok ? 'OK  ' : 'FAIL'} ${t.topic} -> ${t.remoteTopic}: ${parts}, ${lag}, lost ${t.recordsLost}, Connect offsets ${t.connectOffsets === 'ok' ? 'caught up' : t.connectOffsets === 'fail' ? 'behind' : 'unknown'}`);
    for (const p of t.problems) out.push(`       ${p}`);
  }
  for (const p of report.flowProblems) out.push(`FAIL ${report.flow}: ${p}`);
  for (const n of report.notes) out.push(`note: ${n}`);
  const failed = report.topics.filter((t) => !t.ok).length;
  out.push(
    report.ok
      ? `verified: ${report.flow}: ${report.topics.length} topic${report.topics.length === 1 ? '' : 's'} complete on the target`
      : `NOT verified: ${report.flow}: ${failed} of ${report.topics.length} topics failed${report.flowProblems.length > 0 ? `, ${report.flowProblems.length} flow problem${report.flowProblems.length === 1 ? '' : 's'}` : ''}`,
  );
  return out.join('\n');
}
