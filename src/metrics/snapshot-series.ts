// Turns one immutable Snapshot into the text of every series derived from it (docs/design.md).
// Everything here is recomputed from scratch per snapshot, so series of topics, partitions, groups,
// flows and clusters that left the snapshot simply are not written again.
import type { ClusterStatus, FlowStatus, PartitionStatus, Snapshot } from '../core/types.js';
import { FamilyWriter, escapeLabelValue, labelPairs } from './exposition.js';
import { REPLICATION_STATES } from '../core/replicationState.js';
import type { FamilySpec } from './exposition.js';

export type Granularity = 'partition' | 'topic';

const gauge = (name: string, help: string): FamilySpec => ({ name, help, type: 'gauge' });
const counter = (name: string, help: string): FamilySpec => ({ name, help, type: 'counter' });

/** Every family written from a snapshot, in output order. Names are a contract (docs/design.md). */
export const SNAPSHOT_FAMILIES = {
  lagRecords: gauge('mm2_replication_lag_records', 'Source records not yet on the target and still on the source (source end offset minus the replicated position or the log start, whichever is higher; records of aborted transactions and transaction markers not counted where verified). Absent when unknown.'),
  lagSeconds: gauge('mm2_replication_lag_seconds', 'Seconds since the source partition first moved past the replicated position. Absent when unknown.'),
  recordsLost: gauge('mm2_replication_records_lost', 'Records deleted on the source (retention) before MM2 copied them. Absent when the replicated position is unknown.'),
  recordsLostTotal: counter(
    'mm2_replication_lost_records_total',
    'Every record seen deleted on the source before MM2 copied it, since mirrorwatch started; stays after MM2 moves past the gap.',
  ),
  endOffset: gauge('mm2_partition_end_offset', 'High watermark of a partition, per cluster; the topic label is the topic name on that cluster.'),
  startOffset: gauge('mm2_partition_start_offset', 'Log-start offset of a partition, per cluster; the topic label is the topic name on that cluster.'),
  heartbeatExpected: gauge('mm2_heartbeat_expected', '1 when MM2 emits heartbeats that prove this flow end to end, 0 when none are expected (switched off for the reverse pair, or heartbeats: auto and no remote heartbeats topic on the target).'),
  heartbeatTimestamp: gauge('mm2_heartbeat_last_timestamp_seconds', 'Timestamp of the newest heartbeat of the flow seen on the target. Absent when none seen, not expected, or while mirrorwatch cannot read the heartbeats topic.'),
  heartbeatAge: gauge('mm2_heartbeat_age_seconds', 'Age of the newest heartbeat of the flow seen on the target. Absent when none seen, not expected, or while mirrorwatch cannot read the heartbeats topic.'),
  checkpointAge: gauge('mm2_checkpoint_age_seconds', 'Age of the newest checkpoint of a consumer group. Absent when none seen.'),
  checkpointLag: gauge('mm2_checkpoint_lag_records', 'Group committed offset on the source minus the upstream offset of its latest checkpoint: what a failed-over consumer would re-read.'),
  remoteTopicMissing: gauge('mm2_remote_topic_missing', '1 when the remote topic of a selected source topic does not exist on the target.'),
  remotePartitionsMissing: gauge('mm2_remote_partitions_missing', 'Partitions of the source topic that the remote topic lacks.'),
  flowState: gauge('mm2_flow_state', 'Replication state of the flow: 1 for the current state (copying, catching-up, topic-stalled, mm2-silent, blind), 0 for the others. blind means mirrorwatch cannot read what the judgement needs, never that MM2 is down. Absent before the state is evaluated.'),
  topicStalled: gauge('mm2_topic_stalled', '1 while a partition of the source topic moves on the source while its target end and offset syncs stand still past the stall threshold (an MM2 task failed); 0 otherwise. Present for every topic of a flow whose state is evaluated.'),
  flowFailoverReady: gauge('mm2_flow_failover_ready', '1 when failing over to the target now loses nothing beyond the configured bounds.'),
  flowLagRecords: gauge('mm2_flow_lag_records', 'Sum of mm2_replication_lag_records over the flow. Absent when unknown.'),
  flowLagSeconds: gauge('mm2_flow_lag_seconds', 'Maximum of mm2_replication_lag_seconds over the flow. Absent when unknown.'),
  flowRecordsLost: gauge('mm2_flow_records_lost', 'Sum of mm2_replication_records_lost over the flow.'),
  flowRecordsLostTotal: counter('mm2_flow_lost_records_total', 'Every record of the flow seen lost since mirrorwatch started (never decreases, even when partitions go away).'),
  clusterUp: gauge('mirrorwatch_cluster_up', '1 when the last poll of the cluster succeeded.'),
  pollDuration: gauge('mirrorwatch_poll_duration_seconds', 'Duration of the last poll of the cluster.'),
  lastPollSuccess: gauge('mirrorwatch_last_poll_success_timestamp_seconds', 'End of the last successful poll of the cluster.'),
  snapshotTimestamp: gauge('mirrorwatch_snapshot_timestamp_seconds', 'When the snapshot behind these series was computed.'),
  tailStuck: gauge('mirrorwatch_tail_stuck', '1 while mirrorwatch cannot read or decode an MM2 topic it tails (kind: codec, corrupt, kafka, unreachable). Absent when it reads fine.'),
  flowBlind: gauge('mirrorwatch_flow_blind', '1 while mirrorwatch cannot read the MM2 topic holding a flow\'s evidence (heartbeats, offset-syncs, checkpoints, connect-offsets): figures from it are not evidence about MM2. Absent otherwise.'),
  partitionRegion: gauge('mm2_partition_region_info', 'Always 1: the region a source topic partition carries (geo-partitioning, from the regions setting); join on topic and partition.'),
} as const satisfies Record<string, FamilySpec>;

type FamilyKey = keyof typeof SNAPSHOT_FAMILIES;

export interface RenderedSeries {
  /**
   * UTF-8 exposition text in pieces, kept encoded so that a scrape does not convert 10 MB again;
   * joined once per scrape together with the registry's text.
   */
  chunks: Buffer[];
  bytes: number;
  /**
   * The counter families, as text 0.0.4, kept apart from `chunks`: OpenMetrics names a counter
   * family without its `_total`, so their HELP/TYPE lines differ by format and are converted per
   * scrape with the registry's counters (a few series: only partitions that ever lost records).
   * `chunks` holds gauges only and serves both formats as it is.
   */
  counters: string;
  /** Number of samples written (HELP/TYPE lines not counted). */
  series: number;
}

const MS_PER_SECOND = 1000;

/** With `null` (nothing polled yet) only the HELP/TYPE lines are written. */
export function renderSnapshotSeries(snapshot: Snapshot | null, granularity: Granularity): RenderedSeries {
  const steps = renderSnapshotSteps(snapshot, granularity);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** About this many partitions are written between two steps of renderSnapshotSteps(). */
const PARTITIONS_PER_STEP = 1024;

/**
 * renderSnapshotSeries() cut into steps: each next() writes about PARTITIONS_PER_STEP partitions'
 * lines; the last one returns the result. The metrics layer spreads large snapshots over several
 * turns of the event loop with it (metrics.ts), so a scrape never waits for a whole rendering.
 */
export function* renderSnapshotSteps(snapshot: Snapshot | null, granularity: Granularity): Generator<void, RenderedSeries, void> {
  const w = {} as Record<FamilyKey, FamilyWriter>;
  for (const key of Object.keys(SNAPSHOT_FAMILIES) as FamilyKey[]) w[key] = new FamilyWriter(SNAPSHOT_FAMILIES[key]);

  if (snapshot) {
    for (const flow of snapshot.flows) yield* writeFlow(w, flow, granularity);
    for (const cluster of snapshot.clusters) yield* writeCluster(w, cluster, granularity);
    w.snapshotTimestamp.add('', snapshot.takenAtMs / MS_PER_SECOND);
    writeRegions(w.partitionRegion, snapshot.regions ?? [], granularity);
    yield;
  }

  const texts: string[] = [];
  let counters = '';
  let series = 0;
  let bytes = 0;
  for (const writer of Object.values(w)) {
    series += writer.count;
    if (writer.spec.type === 'counter') {
      counters += writer.textsWithHeader().join('');
      continue;
    }
    for (const text of writer.textsWithHeader()) {
      texts.push(text);
      bytes += Buffer.byteLength(text);
    }
  }
  // Encoded into one Buffer (see FamilyWriter): one large allocation the allocator hands back whole.
  const body = Buffer.allocUnsafe(bytes);
  let offset = 0;
  for (const text of texts) offset += body.write(text, offset);
  return { chunks: [body], bytes, counters, series };
}

function* writeFlow(w: Record<FamilyKey, FamilyWriter>, flow: FlowStatus, granularity: Granularity): Generator<void, void, void> {
  const flowLabels = 'source="' + escapeLabelValue(flow.source) + '",target="' + escapeLabelValue(flow.target) + '"';

  let sinceStep = 0;
  for (const topic of flow.topics) {
    sinceStep += topic.partitions.length;
    if (sinceStep >= PARTITIONS_PER_STEP) {
      sinceStep = 0;
      yield;
    }
    const topicLabels = flowLabels + ',topic="' + escapeLabelValue(topic.topic) + '"';
    if (granularity === 'partition') writePartitions(w, topicLabels, topic.partitions);
    else writeTopicAggregate(w, topicLabels, topic.partitions);
    w.remoteTopicMissing.add(topicLabels, topic.remoteMissing ? 1 : 0);
    w.remotePartitionsMissing.add(topicLabels, topic.partitionsMissing);
  }

  const hb = flow.heartbeat;
  w.heartbeatExpected.add(flowLabels, hb.expected ? 1 : 0);
  // "Not expected" must not look like "stopped": no timestamp or age series at all then, and
  // alert rules tell the two apart with mm2_heartbeat_expected.
  // While mirrorwatch cannot read the heartbeats topic, the last heartbeat it saw says nothing about
  // MM2: no age series then (mirrorwatch_flow_blind says why), so no heartbeat alert blames MM2.
  if (hb.expected && hb.blind === undefined) {
    if (hb.lastTimestampMs !== null) w.heartbeatTimestamp.add(flowLabels, hb.lastTimestampMs / MS_PER_SECOND);
    if (hb.ageSeconds !== null) w.heartbeatAge.add(flowLabels, hb.ageSeconds);
  }

  for (const group of flow.checkpoints) {
    sinceStep += group.partitions.length;
    if (sinceStep >= PARTITIONS_PER_STEP) {
      sinceStep = 0;
      yield;
    }
    const groupLabels = flowLabels + ',group="' + escapeLabelValue(group.group) + '"';
    if (group.ageSeconds !== null) w.checkpointAge.add(groupLabels, group.ageSeconds);
    writeCheckpointLag(w.checkpointLag, groupLabels, group.partitions, granularity);
  }

  const replication = flow.replication;
  if (replication) {
    for (const state of REPLICATION_STATES) w.flowState.add(flowLabels + ',state="' + state + '"', replication.state === state ? 1 : 0);
    const stalled = new Set(replication.stalledTopics);
    for (const topic of flow.topics) w.topicStalled.add(flowLabels + ',topic="' + escapeLabelValue(topic.topic) + '"', stalled.has(topic.topic) ? 1 : 0);
  }
  w.flowFailoverReady.add(flowLabels, flow.failover.ready ? 1 : 0);
  if (flow.totals.lagRecords !== null) w.flowLagRecords.add(flowLabels, flow.totals.lagRecords);
  if (flow.totals.maxLagSeconds !== null) w.flowLagSeconds.add(flowLabels, flow.totals.maxLagSeconds);
  w.flowRecordsLost.add(flowLabels, flow.totals.recordsLost);
  for (const b of flow.blind ?? []) w.flowBlind.add(flowLabels + ',evidence="' + escapeLabelValue(b.evidence) + '"', 1);
  if (flow.totals.recordsLostTotal !== undefined) w.flowRecordsLostTotal.add(flowLabels, flow.totals.recordsLostTotal);
}

function writePartitions(w: Record<FamilyKey, FamilyWriter>, topicLabels: string, partitions: readonly PartitionStatus[]): void {
  for (const p of partitions) {
    const labels = topicLabels + ',partition="' + p.partition + '"';
    if (p.lagRecords !== null) w.lagRecords.add(labels, p.lagRecords);
    if (p.lagSeconds !== null) w.lagSeconds.add(labels, p.lagSeconds);
    // Without a replicated position, "0 lost" would be a claim we cannot back.
    if (p.replicated !== null) w.recordsLost.add(labels, p.recordsLost);
    // Only partitions that ever lost records: a series per partition that stays 0 would add a third
    // to the exposition at scale. The flow-level counter is always there (for increase()).
    if (p.recordsLostTotal) w.recordsLostTotal.add(labels, p.recordsLostTotal);
  }
}

/**
 * Topic granularity: records are summed and seconds maximised over the partitions whose value is
 * known; a topic with no known partition gets no series (same rule as a null partition).
 */
function writeTopicAggregate(w: Record<FamilyKey, FamilyWriter>, topicLabels: string, partitions: readonly PartitionStatus[]): void {
  let lag = 0;
  let lagKnown = false;
  let seconds = 0;
  let secondsKnown = false;
  let lost = 0;
  let lostKnown = false;
  let lostTotal = 0;
  let lostTotalKnown = false;
  for (const p of partitions) {
    if (p.lagRecords !== null) {
      lag += p.lagRecords;
      lagKnown = true;
    }
    if (p.lagSeconds !== null) {
      seconds = secondsKnown ? Math.max(seconds, p.lagSeconds) : p.lagSeconds;
      secondsKnown = true;
    }
    if (p.replicated !== null) {
      lost += p.recordsLost;
      lostKnown = true;
    }
    if (p.recordsLostTotal) {
      lostTotal += p.recordsLostTotal;
      lostTotalKnown = true;
    }
  }
  if (lagKnown) w.lagRecords.add(topicLabels, lag);
  if (secondsKnown) w.lagSeconds.add(topicLabels, seconds);
  if (lostKnown) w.recordsLost.add(topicLabels, lost);
  if (lostTotalKnown) w.recordsLostTotal.add(topicLabels, lostTotal);
}

function writeCheckpointLag(
  writer: FamilyWriter,
  groupLabels: string,
  partitions: FlowStatus['checkpoints'][number]['partitions'],
  granularity: Granularity,
): void {
  if (granularity === 'partition') {
    for (const p of partitions) {
      if (p.lagRecords === null) continue;
      writer.add(groupLabels + ',topic="' + escapeLabelValue(p.topic) + '",partition="' + p.partition + '"', p.lagRecords);
    }
    return;
  }
  // Insertion-ordered, so output follows the snapshot's order.
  const perTopic = new Map<string, number>();
  for (const p of partitions) {
    if (p.lagRecords === null) continue;
    perTopic.set(p.topic, (perTopic.get(p.topic) ?? 0) + p.lagRecords);
  }
  for (const [topic, lag] of perTopic) writer.add(groupLabels + ',topic="' + escapeLabelValue(topic) + '"', lag);
}

function* writeCluster(w: Record<FamilyKey, FamilyWriter>, cluster: ClusterStatus, granularity: Granularity): Generator<void, void, void> {
  const clusterLabels = 'cluster="' + escapeLabelValue(cluster.alias) + '"';
  w.clusterUp.add(clusterLabels, cluster.up ? 1 : 0);
  if (cluster.lastPollDurationSeconds !== null) w.pollDuration.add(clusterLabels, cluster.lastPollDurationSeconds);
  if (cluster.lastSuccessMs !== null) w.lastPollSuccess.add(clusterLabels, cluster.lastSuccessMs / MS_PER_SECOND);
  for (const s of cluster.tailStuck ?? []) {
    w.tailStuck.add(clusterLabels + ',topic="' + escapeLabelValue(s.topic) + '",kind="' + escapeLabelValue(s.kind) + '"', 1);
  }

  // Partitions arrive grouped by topic from the poller, so the label prefix is rebuilt only when
  // the topic changes. A repeated topic-partition would make Prometheus reject the whole scrape, so
  // duplicates are dropped (numeric sets per topic: string keys cost a third of this function).
  if (granularity === 'partition') {
    const seen = new Map<string, Set<number>>();
    let topicSeen = new Set<number>();
    let topic: string | null = null;
    let prefix = '';
    let sinceStep = 0;
    for (const p of cluster.partitions) {
      if (++sinceStep === PARTITIONS_PER_STEP) {
        sinceStep = 0;
        yield;
      }
      if (p.topic !== topic) {
        topic = p.topic;
        prefix = clusterLabels + ',topic="' + escapeLabelValue(topic) + '",partition="';
        const known = seen.get(topic);
        if (known) topicSeen = known;
        else seen.set(topic, (topicSeen = new Set()));
      }
      if (topicSeen.has(p.partition)) continue;
      topicSeen.add(p.partition);
      const labels = prefix + p.partition + '"';
      w.endOffset.add(labels, p.end);
      w.startOffset.add(labels, p.start);
    }
    return;
  }
  const perTopic = new Map<string, { start: number; end: number; partitions: Set<number> }>();
  for (const p of cluster.partitions) {
    let agg = perTopic.get(p.topic);
    if (!agg) {
      agg = { start: 0, end: 0, partitions: new Set() };
      perTopic.set(p.topic, agg);
    }
    if (agg.partitions.has(p.partition)) continue;
    agg.partitions.add(p.partition);
    agg.start += p.start;
    agg.end += p.end;
  }
  for (const [topic, agg] of perTopic) {
    const labels = labelPairs([['cluster', cluster.alias], ['topic', topic]]);
    w.endOffset.add(labels, agg.end);
    w.startOffset.add(labels, agg.start);
  }
}

/**
 * One info series per configured partition, whatever the flows: the map says what a partition
 * carries, not whether it is replicated. At topic granularity there is no partition to join on,
 * so the series carry the topic and region only (one per distinct pair).
 */
function writeRegions(writer: FamilyWriter, regions: NonNullable<Snapshot['regions']>, granularity: Granularity): void {
  if (granularity === 'partition') {
    for (const r of regions) {
      writer.add('topic="' + escapeLabelValue(r.topic) + '",partition="' + r.partition + '",region="' + escapeLabelValue(r.region) + '"', 1);
    }
    return;
  }
  const seen = new Set<string>();
  for (const r of regions) {
    const labels = 'topic="' + escapeLabelValue(r.topic) + '",region="' + escapeLabelValue(r.region) + '"';
    if (seen.has(labels)) continue;
    seen.add(labels);
    writer.add(labels, 1);
  }
}
