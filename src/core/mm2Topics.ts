// Where MM2 keeps the evidence of one flow S->T, as Apache Kafka's connect/mirror computes it:
// - remote heartbeats: MirrorSourceConnector S->T copies S's `heartbeats` (written there by the
//   reverse herder's heartbeat connector) to T under formatRemoteTopic(S, "heartbeats"); the
//   identity policy keeps this prefix too;
// - checkpoints: MirrorCheckpointConfig.checkpointsTopic() = policy.checkpointsTopic(S), on T;
// - offset syncs: Mirror{Source,Checkpoint}Config.offsetSyncsTopic() names the topic after the
//   cluster it does NOT live on: location "source" -> policy.offsetSyncsTopic(T) on S,
//   location "target" -> policy.offsetSyncsTopic(S) on T;
// - Connect offsets: MirrorMakerConfig.workerConfig() defaults offset.storage.topic to
//   "mm2-offsets." + S + ".internal" (always '.', whatever the separator) on T, the cluster the
//   herder S->T's worker runs against.
import type { ReplicationPolicy } from './replicationPolicy.js';
import type { ClusterAlias, FlowConfig } from './types.js';

export interface Mm2TopicRef {
  cluster: ClusterAlias;
  topic: string;
}

export interface FlowMm2Topics {
  /** `S.heartbeats` on T: its newest record dates the end-to-end data path. */
  remoteHeartbeats: Mm2TopicRef;
  /** `S.checkpoints.internal` on T: translated group offsets. */
  checkpoints: Mm2TopicRef;
  /** `mm2-offset-syncs.T.internal` on S, or `mm2-offset-syncs.S.internal` on T. */
  offsetSyncs: Mm2TopicRef;
  /** `mm2-offsets.S.internal` on T: Connect source offsets of herder S->T (JSON). */
  connectOffsets: Mm2TopicRef;
}

type FlowNaming = Pick<FlowConfig, 'source' | 'target' | 'offsetSyncsTopicLocation' | 'connectOffsetsTopic'>;

export function defaultConnectOffsetsTopic(source: ClusterAlias): string {
  return `mm2-offsets.${source}.internal`;
}

export function flowMm2Topics(flow: FlowNaming, policy: ReplicationPolicy): FlowMm2Topics {
  const { source, target } = flow;
  return {
    remoteHeartbeats: { cluster: target, topic: policy.formatRemoteTopic(source, policy.heartbeatsTopic()) },
    checkpoints: { cluster: target, topic: policy.checkpointsTopic(source) },
    offsetSyncs:
      flow.offsetSyncsTopicLocation === 'target'
        ? { cluster: target, topic: policy.offsetSyncsTopic(source) }
        : { cluster: source, topic: policy.offsetSyncsTopic(target) },
    connectOffsets: { cluster: target, topic: flow.connectOffsetsTopic ?? defaultConnectOffsetsTopic(source) },
  };
}

/** Every MM2 topic the flows need, grouped by the cluster to read it from (topic names sorted). */
export function mm2TopicsByCluster(flows: readonly FlowNaming[], policy: ReplicationPolicy): Map<ClusterAlias, string[]> {
  const byCluster = new Map<ClusterAlias, Set<string>>();
  for (const flow of flows) {
    const topics = flowMm2Topics(flow, policy);
    for (const ref of [topics.remoteHeartbeats, topics.checkpoints, topics.offsetSyncs, topics.connectOffsets]) {
      let set = byCluster.get(ref.cluster);
      if (!set) byCluster.set(ref.cluster, (set = new Set()));
      set.add(ref.topic);
    }
  }
  return new Map([...byCluster].map(([cluster, set]) => [cluster, [...set].sort()]));
}
