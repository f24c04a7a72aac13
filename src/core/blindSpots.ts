// Which of a flow's MM2 topics mirrorwatch cannot read or decode right now, worded for the API and
// the failover verdict. A blind spot is mirrorwatch's problem, never evidence that MM2 is down.
import { flowMm2Topics } from './mm2Topics.js';
import type { ReplicationPolicy } from './replicationPolicy.js';
import type { BlindSpot, ClusterAlias, EvidenceKind, FlowConfig, TailStuck } from './types.js';

/** Codec and corrupt-batch problems are decoding; the rest (Kafka errors, no leader) reading. */
export function blindReason(topic: string, cluster: ClusterAlias, kind: string, message: string): string {
  const verb = kind === 'codec' || kind === 'corrupt' ? 'decode' : 'read';
  return `cannot ${verb} ${topic} on ${cluster}: ${message}`;
}

export function flowBlindSpots(
  flow: FlowConfig,
  policy: ReplicationPolicy,
  stuckByCluster: ReadonlyMap<ClusterAlias, readonly TailStuck[]>,
): BlindSpot[] {
  if (stuckByCluster.size === 0) return [];
  const mm2 = flowMm2Topics(flow, policy);
  const spots: BlindSpot[] = [];
  const check = (evidence: EvidenceKind, where: { cluster: string; topic: string }): void => {
    const stuck = stuckByCluster.get(where.cluster)?.find((s) => s.topic === where.topic);
    if (!stuck) return;
    spots.push({
      evidence,
      cluster: where.cluster,
      topic: where.topic,
      kind: stuck.kind,
      message: stuck.message,
      reason: blindReason(where.topic, where.cluster, stuck.kind, stuck.message),
    });
  };
  check('heartbeats', mm2.remoteHeartbeats);
  check('offset-syncs', mm2.offsetSyncs);
  check('checkpoints', mm2.checkpoints);
  check('connect-offsets', mm2.connectOffsets);
  return spots;
}
