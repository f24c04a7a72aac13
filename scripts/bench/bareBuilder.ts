// The yardstick for the metrics layer: the most direct way to write the same exposition text from a
// snapshot, with no registry, no batching and no pre-encoding - an array of lines per family,
// joined once and encoded once. The benchmark divides the metrics layer's time by this one's.
// It writes the bytes of renderSnapshotSeries(snapshot, 'partition') for snapshots without
// duplicate partitions (test/unit/bench/bareBuilder.test.ts holds it to that).
import type { Snapshot } from '../../src/core/types.js';
import { SNAPSHOT_FAMILIES } from '../../src/metrics/index.js';

type Family = keyof typeof SNAPSHOT_FAMILIES;

const esc = (v: string): string => (/[\\"\n]/.test(v) ? v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : v);
const num = (v: number): string => (Number.isFinite(v) ? String(v) : Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf');

export function bareExposition(snapshot: Snapshot): Buffer {
  const lines = {} as Record<Family, string[]>;
  for (const k of Object.keys(SNAPSHOT_FAMILIES) as Family[]) lines[k] = [];
  const add = (family: Family, labels: string, value: number): void => {
    const name = SNAPSHOT_FAMILIES[family].name;
    lines[family].push(labels === '' ? `${name} ${num(value)}\n` : `${name}{${labels}} ${num(value)}\n`);
  };

  for (const flow of snapshot.flows) {
    const f = `source="${esc(flow.source)}",target="${esc(flow.target)}"`;
    for (const topic of flow.topics) {
      const t = `${f},topic="${esc(topic.topic)}"`;
      for (const p of topic.partitions) {
        const l = `${t},partition="${p.partition}"`;
        if (p.lagRecords !== null) add('lagRecords', l, p.lagRecords);
        if (p.lagSeconds !== null) add('lagSeconds', l, p.lagSeconds);
        if (p.replicated !== null) add('recordsLost', l, p.recordsLost);
      }
      add('remoteTopicMissing', t, topic.remoteMissing ? 1 : 0);
      add('remotePartitionsMissing', t, topic.partitionsMissing);
      add('remoteTopicInfo', `${t},remote_topic="${esc(topic.remoteTopic)}"`, 1);
    }
    add('heartbeatExpected', f, flow.heartbeat.expected ? 1 : 0);
    if (flow.heartbeat.expected && flow.heartbeat.lastTimestampMs !== null) add('heartbeatTimestamp', f, flow.heartbeat.lastTimestampMs / 1000);
    if (flow.heartbeat.expected && flow.heartbeat.ageSeconds !== null) add('heartbeatAge', f, flow.heartbeat.ageSeconds);
    for (const g of flow.checkpoints) {
      const gl = `${f},group="${esc(g.group)}"`;
      if (g.ageSeconds !== null) add('checkpointAge', gl, g.ageSeconds);
      for (const p of g.partitions) {
        if (p.lagRecords !== null) add('checkpointLag', `${gl},topic="${esc(p.topic)}",partition="${p.partition}"`, p.lagRecords);
      }
    }
    add('flowFailoverReady', f, flow.failover.ready ? 1 : 0);
    if (flow.totals.lagRecords !== null) add('flowLagRecords', f, flow.totals.lagRecords);
    if (flow.totals.maxLagSeconds !== null) add('flowLagSeconds', f, flow.totals.maxLagSeconds);
    add('flowRecordsLost', f, flow.totals.recordsLost);
  }
  for (const c of snapshot.clusters) {
    const cl = `cluster="${esc(c.alias)}"`;
    add('clusterUp', cl, c.up ? 1 : 0);
    if (c.lastPollDurationSeconds !== null) add('pollDuration', cl, c.lastPollDurationSeconds);
    if (c.lastSuccessMs !== null) add('lastPollSuccess', cl, c.lastSuccessMs / 1000);
    for (const p of c.partitions) {
      const l = `${cl},topic="${esc(p.topic)}",partition="${p.partition}"`;
      add('endOffset', l, p.end);
      add('startOffset', l, p.start);
    }
  }
  add('snapshotTimestamp', '', snapshot.takenAtMs / 1000);

  const out: string[] = [];
  // The metrics layer writes the counter families after the gauges (they join the per-scrape part).
  const keys = Object.keys(SNAPSHOT_FAMILIES) as Family[];
  const ordered = [...keys.filter((k) => SNAPSHOT_FAMILIES[k].type !== 'counter'), ...keys.filter((k) => SNAPSHOT_FAMILIES[k].type === 'counter')];
  for (const k of ordered) {
    const { name, help, type } = SNAPSHOT_FAMILIES[k];
    out.push(`# HELP ${name} ${help}\n# TYPE ${name} ${type}\n`);
    for (const line of lines[k]) out.push(line);
  }
  return Buffer.from(out.join(''));
}
