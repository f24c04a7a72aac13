// Checkpoint age and group translation lag per consumer group of one flow S->T.
// Checkpoint records name REMOTE topics (MirrorCheckpointTask.renameTopicPartition): the copy
// `S.orders`, or, for a topic that came from T in the first place (`T.orders` on S, failback),
// its original name `orders`. Their partitions are mapped back to the source topic here.
import type { FlowEvidence } from './flowInput.js';
import { offsetKey, syncsOf } from './flowInput.js';
import type { OffsetSyncPoint } from './lag.js';
import type { ReplicationPolicy } from './replicationPolicy.js';
import { compareNames, topicFilterForFlow } from './topicFilter.js';
import type { Checkpoint, FlowConfig, GroupCheckpointStatus } from './types.js';

type CheckpointFlow = Pick<FlowConfig, 'source' | 'target' | 'topics' | 'topicsExclude' | 'groups'>;

/** The name MM2 S->T gives `sourceTopic` in checkpoint records. */
export function checkpointTopicName(flow: Pick<FlowConfig, 'source' | 'target'>, policy: ReplicationPolicy, sourceTopic: string): string {
  return policy.topicSource(sourceTopic) === flow.target
    ? policy.originalTopic(sourceTopic)
    : policy.formatRemoteTopic(flow.source, sourceTopic);
}

/**
 * Maps checkpoint topic names back to source topics. Built from the source cluster's topics
 * that the flow's filter matches (MM2 checkpoints every such topic, cycles included); names not
 * found there are inverted with the policy, and failing that kept as they are.
 */
export function checkpointTopicResolver(
  flow: CheckpointFlow,
  policy: ReplicationPolicy,
  sourceTopicNames: Iterable<string>,
): (checkpointTopic: string) => string {
  const filter = topicFilterForFlow(flow);
  const bySourceName = new Map<string, string>();
  for (const topic of sourceTopicNames) {
    if (filter.matches(topic)) bySourceName.set(checkpointTopicName(flow, policy, topic), topic);
  }
  return (name) => bySourceName.get(name) ?? policy.sourceTopicOf(flow.source, name) ?? name;
}

/**
 * The source offset that a checkpoint's downstream offset stands for. MM2 (3.5+) translates a
 * committed offset u with the newest offset sync (su, sd) at or below it: sd when su == u, else
 * sd + 1 (conservative: the records after su may have been filtered or compacted). Between two
 * syncs upstream offsets are consecutive, so target offset d >= sd holds source record
 * su + (d - sd). Capped at the checkpoint's upstream offset; null when no known sync lies at or
 * below the downstream offset (the sync MM2 used has been superseded since).
 */
export function translatedUpstream(checkpoint: Pick<Checkpoint, 'upstreamOffset' | 'downstreamOffset'>, syncs: readonly OffsetSyncPoint[]): number | null {
  const d = checkpoint.downstreamOffset;
  if (!Number.isSafeInteger(d) || d < 0) return null;
  let best: OffsetSyncPoint | null = null;
  for (const s of syncs) {
    if (s.downstreamOffset <= d && s.upstreamOffset <= checkpoint.upstreamOffset && (best === null || s.downstreamOffset >= best.downstreamOffset)) best = s;
  }
  if (best === null) return null;
  return Math.min(checkpoint.upstreamOffset, best.upstreamOffset + (d - best.downstreamOffset));
}

export function computeCheckpointStatuses(
  flow: CheckpointFlow,
  evidence: Pick<FlowEvidence, 'checkpoints' | 'committedOffsets' | 'offsetSyncs'>,
  resolveSourceTopic: (checkpointTopic: string) => string,
  nowMs: number,
): GroupCheckpointStatus[] {
  const groups = new Set<string>(flow.groups);
  for (const group of evidence.checkpoints?.keys() ?? []) groups.add(group);

  const statuses: GroupCheckpointStatus[] = [];
  for (const group of [...groups].sort(compareNames)) {
    const ev = evidence.checkpoints?.get(group);
    const last = ev && Number.isFinite(ev.lastRecordTimestampMs) ? ev.lastRecordTimestampMs : null;
    const committed = evidence.committedOffsets?.get(group);
    const latest = new Map<string, Checkpoint>();
    for (const c of ev?.checkpoints ?? []) latest.set(offsetKey(c.topic, c.partition), c);

    const partitions: GroupCheckpointStatus['partitions'] = [];
    for (const c of latest.values()) {
      const topic = resolveSourceTopic(c.topic);
      const offset = committed?.get(offsetKey(topic, c.partition));
      const committedOffset = typeof offset === 'number' && Number.isFinite(offset) ? offset : null;
      const upstreamEquivalent = translatedUpstream(c, syncsOf(evidence.offsetSyncs?.get(offsetKey(topic, c.partition))));
      partitions.push({
        topic,
        remoteTopic: c.topic,
        partition: c.partition,
        committedOffset,
        upstreamOffset: c.upstreamOffset,
        downstreamOffset: c.downstreamOffset,
        // A group rewound below its checkpoint has nothing to re-read: 0, never negative.
        lagRecords: committedOffset === null ? null : Math.max(0, committedOffset - c.upstreamOffset),
        rereadRecords: committedOffset === null || upstreamEquivalent === null ? null : Math.max(0, committedOffset - upstreamEquivalent),
      });
    }
    partitions.sort((a, b) => compareNames(a.topic, b.topic) || a.partition - b.partition);
    statuses.push({
      group,
      lastCheckpointMs: last,
      ageSeconds: last === null ? null : Math.max(0, nowMs - last) / 1000,
      partitions,
    });
  }
  return statuses;
}
