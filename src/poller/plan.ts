// Decides, for one cluster and its current topic list, what a poll reads: offsets of the topics
// the flows replicate (as source) and of their copies (as target), MM2's topics to tail, and the
// consumer groups whose committed offsets feed the checkpoint lag.
import { decodeCheckpoint, decodeHeartbeat, decodeOffsetSync } from '../core/codecs/index.js';
import { decodeConnectOffset, isFlowSourceConnectorOffset } from '../core/connectOffsets.js';
import { flowMm2Topics } from '../core/mm2Topics.js';
import type { ReplicationPolicy } from '../core/replicationPolicy.js';
import { remoteTopicCandidates, selectSourceTopics } from '../core/topicFilter.js';
import type { FlowConfig } from '../core/types.js';
import type { TopicInfo } from '../kafka/port.js';
import type { ClusterPlan } from './clusterPoller.js';
import type { DecodeErrorReporter } from './decodeErrors.js';
import { flowKey, type FlowEvidence } from './evidence.js';
import type { TailSpec } from './tailer.js';

/** Heartbeats arrive every second or so; only the newest matters, so a fresh tail skips history. */
const HEARTBEAT_HISTORY = 50;

export interface PlanContext {
  flows: FlowConfig[];
  policy: ReplicationPolicy;
  evidence: Map<string, FlowEvidence>;
  decodeErrors: DecodeErrorReporter;
}

export function planCluster(ctx: PlanContext, alias: string, topicList: TopicInfo[]): ClusterPlan {
  const names = topicList.map((t) => t.name);
  const partitionsOf = new Map(topicList.map((t) => [t.name, t.partitions]));
  const offsetTopics = new Set<string>();
  const tails: TailSpec[] = [];
  const groups = new Set<string>();

  for (const flow of ctx.flows) {
    const evidence = ctx.evidence.get(flowKey(flow.source, flow.target));
    if (!evidence) continue;
    const mm2 = flowMm2Topics(flow, ctx.policy);

    if (flow.source === alias) {
      for (const t of selectSourceTopics(flow, ctx.policy, names)) offsetTopics.add(t);
      for (const g of flow.groups) groups.add(g);
      for (const g of evidence.checkpoints.keys()) groups.add(g);
    }
    if (flow.target === alias) {
      for (const c of remoteTopicCandidates(flow, ctx.policy, names)) offsetTopics.add(c.remoteTopic);
    }

    const tail = (topic: string, startFrom: TailSpec['startFrom'], onRecord: TailSpec['onRecord'], onReset: () => void): void => {
      const partitions = partitionsOf.get(topic);
      if (partitions) tails.push({ topic, partitions, startFrom, onRecord, onReset });
    };
    const bad = (topic: string, partition: number, offset: number, kind: string, message: string): void =>
      ctx.decodeErrors.report(alias, topic, partition, offset, kind, message);

    if (mm2.remoteHeartbeats.cluster === alias) {
      const topic = mm2.remoteHeartbeats.topic;
      tail(
        topic,
        { last: HEARTBEAT_HISTORY },
        (partition, rec) => {
          const r = decodeHeartbeat(rec.key, rec.value);
          if (r.ok) evidence.recordHeartbeat(r.value.timestamp);
          else if (r.error.kind !== 'null-value') bad(topic, partition, rec.offset, r.error.kind, r.error.message);
        },
        () => evidence.reset('heartbeats'),
      );
    }
    if (mm2.offsetSyncs.cluster === alias) {
      const topic = mm2.offsetSyncs.topic;
      tail(
        topic,
        'beginning',
        (partition, rec) => {
          const r = decodeOffsetSync(rec.key, rec.value);
          if (r.ok) evidence.recordOffsetSync(r.value);
          else if (r.error.kind !== 'null-value') bad(topic, partition, rec.offset, r.error.kind, r.error.message);
        },
        () => evidence.reset('offset-syncs'),
      );
    }
    if (mm2.checkpoints.cluster === alias) {
      const topic = mm2.checkpoints.topic;
      tail(
        topic,
        'beginning',
        (partition, rec) => {
          const r = decodeCheckpoint(rec.key, rec.value);
          if (r.ok) evidence.recordCheckpoint(r.value, rec.timestamp);
          else if (r.error.kind !== 'null-value') bad(topic, partition, rec.offset, r.error.kind, r.error.message);
        },
        () => evidence.reset('checkpoints'),
      );
    }
    if (mm2.connectOffsets.cluster === alias) {
      const topic = mm2.connectOffsets.topic;
      tail(
        topic,
        'beginning',
        (partition, rec) => {
          const r = decodeConnectOffset(rec.key, rec.value);
          if (!r.ok) {
            bad(topic, partition, rec.offset, 'invalid', r.error);
            return;
          }
          // The same topic holds the checkpoint and heartbeat connectors' offsets: only the source
          // connector's entries for this flow's source say how far replication got.
          if (isFlowSourceConnectorOffset(r.value, flow)) {
            evidence.recordConnectOffset(r.value.topic, r.value.partition, r.value.nextOffset);
          }
        },
        () => evidence.reset('connect-offsets'),
      );
    }
  }
  return { offsetTopics: [...offsetTopics], tails, groups: [...groups].sort() };
}
