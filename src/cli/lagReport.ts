// What `mirrorwatch lag` prints: per topic and partition where replication stands, then totals
// (also per region when a geo-partition map is configured). Pure: a FlowReading in, text out.
import { formatSeconds } from '../core/failover.js';
import type { PartitionRegion, PartitionStatus, TopicStatus } from '../core/types.js';
import type { FlowReading } from './flowSource.js';
import { formatCount, formatSecondsShort, renderTable, type Column } from './table.js';

export interface LagRow extends Pick<
  PartitionStatus,
  'topic' | 'remoteTopic' | 'partition' | 'sourceStart' | 'sourceEnd' | 'targetEnd' | 'replicated' | 'lagRecords' | 'lagSeconds' | 'recordsLost' | 'basis' | 'connectOffset'
> {
  region: string | null;
}

export interface LagTotals {
  partitions: number;
  lagRecords: number;
  laggingPartitions: number;
  unknownPartitions: number;
  maxLagSeconds: number | null;
  recordsLost: number;
  remoteTopicsMissing: string[];
}

export interface RegionTotals {
  region: string;
  partitions: number;
  lagRecords: number;
  unknownPartitions: number;
  maxLagSeconds: number | null;
  recordsLost: number;
}

function regionIndex(regions: readonly PartitionRegion[]): Map<string, string> {
  return new Map(regions.map((r) => [`${r.topic}\u0000${r.partition}`, r.region]));
}

/** The topics to show: all, or the one named by --topic (source or remote name). */
export function selectTopics(topics: readonly TopicStatus[], topic: string | undefined): TopicStatus[] {
  if (topic === undefined) return [...topics];
  return topics.filter((t) => t.topic === topic || t.remoteTopic === topic);
}

export function lagRows(topics: readonly TopicStatus[], regions: readonly PartitionRegion[] = []): LagRow[] {
  const region = regionIndex(regions);
  const rows: LagRow[] = [];
  for (const t of topics) {
    for (const p of t.partitions) {
      rows.push({
        topic: p.topic,
        remoteTopic: p.remoteTopic,
        partition: p.partition,
        sourceStart: p.sourceStart,
        sourceEnd: p.sourceEnd,
        targetEnd: p.targetEnd,
        replicated: p.replicated,
        lagRecords: p.lagRecords,
        lagSeconds: p.lagSeconds,
        recordsLost: p.recordsLost,
        basis: p.basis,
        connectOffset: p.connectOffset,
        region: region.get(`${p.topic}\u0000${p.partition}`) ?? null,
      });
    }
  }
  return rows;
}

export function lagTotals(topics: readonly TopicStatus[]): LagTotals {
  const rows = lagRows(topics);
  let maxLagSeconds: number | null = null;
  for (const r of rows) if (r.lagSeconds !== null) maxLagSeconds = Math.max(maxLagSeconds ?? 0, r.lagSeconds);
  return {
    partitions: rows.length,
    lagRecords: rows.reduce((n, r) => n + (r.lagRecords ?? 0), 0),
    laggingPartitions: rows.filter((r) => (r.lagRecords ?? 0) > 0).length,
    unknownPartitions: rows.filter((r) => r.lagRecords === null).length,
    maxLagSeconds,
    recordsLost: rows.reduce((n, r) => n + r.recordsLost, 0),
    remoteTopicsMissing: topics.filter((t) => t.remoteMissing).map((t) => t.remoteTopic),
  };
}

export function regionTotals(rows: readonly LagRow[]): RegionTotals[] {
  const by = new Map<string, RegionTotals>();
  for (const r of rows) {
    if (r.region === null) continue;
    let t = by.get(r.region);
    if (!t) by.set(r.region, (t = { region: r.region, partitions: 0, lagRecords: 0, unknownPartitions: 0, maxLagSeconds: null, recordsLost: 0 }));
    t.partitions++;
    if (r.lagRecords === null) t.unknownPartitions++;
    else t.lagRecords += r.lagRecords;
    if (r.lagSeconds !== null) t.maxLagSeconds = Math.max(t.maxLagSeconds ?? 0, r.lagSeconds);
    t.recordsLost += r.recordsLost;
  }
  return [...by.values()].sort((a, b) => (a.region < b.region ? -1 : a.region > b.region ? 1 : 0));
}

export function formatLagTable(reading: FlowReading, topic?: string): string {
  const { flow } = reading;
  const topics = selectTopics(flow.topics, topic);
  const rows = lagRows(topics, reading.regions);
  const withRegion = rows.some((r) => r.region !== null);
  const out: string[] = [];
  out.push(`flow ${flow.source}->${flow.target}, read at ${new Date(reading.takenAtMs).toISOString()}`);
  for (const c of reading.clusters) {
    if (!c.up) out.push(`warning: cluster ${c.alias} did not answer its last poll (${c.lastError ?? 'unknown error'}); its figures are from an earlier poll`);
  }
  if (topic !== undefined && topics.length === 0) {
    out.push(`no topic "${topic}" in this flow (its topics: ${flow.topics.map((t) => t.topic).join(', ') || 'none'})`);
    return out.join('\n');
  }
  if (rows.length === 0) {
    out.push('the flow selects no topic on the source: nothing to replicate');
  } else {
    const columns: Column[] = [
      { header: 'TOPIC' },
      { header: 'PARTITION', align: 'right' },
      { header: 'SOURCE END', align: 'right' },
      { header: 'REPLICATED', align: 'right' },
      { header: 'LAG', align: 'right' },
      { header: 'LAG S', align: 'right' },
      { header: 'LOST', align: 'right' },
      { header: 'BASIS' },
      ...(withRegion ? [{ header: 'REGION' }] : []),
    ];
    const body = rows.map((r) => [
      r.topic,
      String(r.partition),
      formatCount(r.sourceEnd),
      formatCount(r.replicated),
      formatCount(r.lagRecords),
      formatSecondsShort(r.lagSeconds),
      formatCount(r.recordsLost),
      r.basis,
      ...(withRegion ? [r.region ?? '-'] : []),
    ]);
    out.push(renderTable(columns, body));
  }
  for (const t of topics) {
    if (t.remoteMissing) out.push(`drift: remote topic ${t.remoteTopic} is missing on ${flow.target}`);
    else if (t.targetPartitions !== null && t.targetPartitions < t.sourcePartitions) {
      out.push(`drift: remote topic ${t.remoteTopic} has ${t.targetPartitions} of ${t.sourcePartitions} partitions`);
    }
  }
  const totals = lagTotals(topics);
  const parts = [
    `total: ${totals.lagRecords} records behind on ${totals.laggingPartitions} of ${totals.partitions} partition${totals.partitions === 1 ? '' : 's'}`,
    `max lag ${totals.maxLagSeconds === null ? 'unknown' : formatSeconds(totals.maxLagSeconds)}`,
    `${totals.recordsLost} records lost`,
  ];
  if (totals.unknownPartitions > 0) parts.push(`lag unknown on ${totals.unknownPartitions} partition${totals.unknownPartitions === 1 ? '' : 's'}`);
  out.push(parts.join('; '));
  if (withRegion) {
    for (const r of regionTotals(rows)) {
      const extra = r.unknownPartitions > 0 ? `, unknown on ${r.unknownPartitions}` : '';
      out.push(`  region ${r.region}: ${r.lagRecords} records behind on ${r.partitions} partition${r.partitions === 1 ? '' : 's'}${extra}, max lag ${r.maxLagSeconds === null ? 'unknown' : formatSeconds(r.maxLagSeconds)}, ${r.recordsLost} lost`);
    }
  }
  const hb = flow.heartbeat;
  out.push(
    !hb.expected
      ? 'heartbeats: not expected for this flow (heartbeat emission is off for the reverse pair)'
      : hb.ageSeconds === null
        ? `heartbeats: none seen in ${hb.topic}`
        : `heartbeats: last ${formatSeconds(hb.ageSeconds)} ago`,
  );
  const v = flow.failover;
  const rpo = `RPO now: ${v.rpo.records === null ? 'unknown' : `${v.rpo.records} records`}, ${v.rpo.seconds === null ? 'unknown' : formatSeconds(v.rpo.seconds)}`;
  out.push(v.ready ? `failover: ready; ${rpo}` : `failover: NOT ready: ${v.reasons.join('; ')}; ${rpo}`);
  if (totals.laggingPartitions > 0) {
    out.push(
      reading.lagSecondsBasis === 'record-timestamp'
        ? 'LAG S: age of the first record not yet copied (from its timestamp).'
        : "LAG S: from the monitor's end-offset samples, accurate to about one poll interval.",
    );
  }
  return out.join('\n');
}

export function lagJson(reading: FlowReading, topic?: string) {
  const { flow } = reading;
  const topics = selectTopics(flow.topics, topic);
  const rows = lagRows(topics, reading.regions);
  return {
    flow: `${flow.source}->${flow.target}`,
    source: flow.source,
    target: flow.target,
    readAt: new Date(reading.takenAtMs).toISOString(),
    known: flow.known,
    lagSecondsBasis: reading.lagSecondsBasis,
    totals: lagTotals(topics),
    regions: regionTotals(rows),
    topics: topics.map((t) => ({
      topic: t.topic,
      remoteTopic: t.remoteTopic,
      remoteMissing: t.remoteMissing,
      sourcePartitions: t.sourcePartitions,
      targetPartitions: t.targetPartitions,
    })),
    partitions: rows,
    heartbeat: flow.heartbeat,
    failover: flow.failover,
    clusters: reading.clusters,
  };
}
