// MM2's topic naming rules, mirrored from Apache Kafka's connect/mirror-client
// ReplicationPolicy (interface defaults), DefaultReplicationPolicy and IdentityReplicationPolicy.
// Everything mirrorwatch derives from a topic name (remote copy, origin, MM2-internal or not, cycle)
// must agree with what MM2 itself computes, quirks included, or lag is read from the wrong topic.
import type { ClusterAlias, ReplicationPolicyConfig } from './types.js';

const HEARTBEATS_TOPIC = 'heartbeats';

export interface ReplicationPolicy {
  readonly kind: ReplicationPolicyConfig['kind'];
  readonly separator: string;
  /** Name MM2 gives `topic` of cluster `sourceAlias` on the target (`us-east.orders`). */
  formatRemoteTopic(sourceAlias: ClusterAlias, topic: string): string;
  /** Alias of the cluster `topic` was copied from, or null when it is not a remote topic. */
  topicSource(topic: string): ClusterAlias | null;
  /** Name of `topic` one hop upstream, or null when it is not a remote topic. */
  upstreamTopic(topic: string): string | null;
  /** Name of the topic at its origin, following every hop. */
  originalTopic(topic: string): string;
  /**
   * Inverse of formatRemoteTopic for one known source: the source topic whose remote copy is
   * `remoteTopic`, or null when `remoteTopic` is not named like a copy from `sourceAlias`.
   * Not part of MM2's interface: MM2 never needs to invert a name for a given source.
   */
  sourceTopicOf(sourceAlias: ClusterAlias, remoteTopic: string): string | null;
  isInternalTopic(topic: string): boolean;
  isMM2InternalTopic(topic: string): boolean;
  isHeartbeatsTopic(topic: string): boolean;
  isCheckpointsTopic(topic: string): boolean;
  /** `heartbeats`: the local heartbeats topic of every cluster. */
  heartbeatsTopic(): string;
  /** Checkpoints topic of the flow from `sourceAlias`, on its target. */
  checkpointsTopic(sourceAlias: ClusterAlias): string;
  /** Offset-syncs topic named for `otherAlias` (see mm2Topics.ts for which alias a flow uses). */
  offsetSyncsTopic(otherAlias: ClusterAlias): string;
}

/** Why a replication policy configuration cannot be used, or null when it can. */
export function replicationPolicyConfigProblem(cfg: ReplicationPolicyConfig): string | null {
  if (cfg.kind !== 'default' && cfg.kind !== 'identity') {
    return `unknown replication policy kind "${String(cfg.kind)}" (expected "default" or "identity")`;
  }
  if (typeof cfg.separator !== 'string' || cfg.separator.length === 0) {
    // An empty separator makes MM2 split names between every character: nothing sensible follows.
    return 'replication.policy.separator must not be empty';
  }
  return null;
}

/**
 * Java's `Pattern.quote(sep).split(topic)`: like String.split, but trailing empty strings are
 * dropped, which is why `orders.` has no source while `.orders` has the source "".
 */
function javaSplit(topic: string, separator: string): string[] {
  const parts = topic.split(separator);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** @throws RangeError when the configuration is unusable; the config layer checks it first with replicationPolicyConfigProblem. */
export function createReplicationPolicy(cfg: ReplicationPolicyConfig): ReplicationPolicy {
  const problem = replicationPolicyConfigProblem(cfg);
  if (problem !== null) throw new RangeError(problem);

  const separator = cfg.separator;
  // replication.policy.internal.topic.separator.enabled=false keeps '.' in MM2's internal topic
  // names (for upgrades from MM2 versions that ignored the custom separator there).
  const internalSeparator = cfg.internalTopicSeparatorEnabled === false ? '.' : separator;
  const internalSuffix = `${internalSeparator}internal`;
  const checkpointsSuffix = `${internalSeparator}checkpoints${internalSuffix}`;
  const identity = cfg.kind === 'identity';

  const defaultTopicSource = (topic: string): string | null => {
    const parts = javaSplit(topic, separator);
    return parts.length < 2 ? null : (parts[0] ?? null);
  };
  const defaultUpstreamTopic = (topic: string): string | null => {
    const source = defaultTopicSource(topic);
    return source === null ? null : topic.substring(source.length + separator.length);
  };
  // IdentityReplicationPolicy keeps names unchanged, except heartbeats topics, which keep the
  // default prefix so that heartbeats still trace every hop (`us-east.heartbeats`).
  const looksLikeHeartbeat = (topic: string): boolean => topic.endsWith(HEARTBEATS_TOPIC);

  const formatRemoteTopic = (sourceAlias: string, topic: string): string =>
    identity && !looksLikeHeartbeat(topic) ? topic : `${sourceAlias}${separator}${topic}`;
  // Identity: MM2 answers with `source.cluster.alias` when configured; mirrorwatch has no such
  // setting, so a non-heartbeat topic has no known source (which also means: no cycle detection,
  // exactly as MM2 warns for this policy).
  const topicSource = (topic: string): string | null =>
    identity && !looksLikeHeartbeat(topic) ? null : defaultTopicSource(topic);
  const upstreamTopic = (topic: string): string | null =>
    identity && !looksLikeHeartbeat(topic) ? topic : defaultUpstreamTopic(topic);

  const originalTopic = (topic: string): string => {
    // Iterative form of ReplicationPolicy.originalTopic; each hop strips at least one character,
    // so it ends, but a bound keeps a pathological name from looping.
    let current = topic;
    for (let hops = 0; hops <= topic.length; hops++) {
      const upstream = upstreamTopic(current);
      if (upstream === null || upstream === current) return current;
      current = upstream;
    }
    return current;
  };

  const isMM2InternalTopic = (topic: string): boolean => topic.endsWith(internalSuffix);

  return {
    kind: cfg.kind,
    separator,
    formatRemoteTopic,
    topicSource,
    upstreamTopic,
    originalTopic,
    sourceTopicOf(sourceAlias, remoteTopic) {
      const prefix = `${sourceAlias}${separator}`;
      const candidate = remoteTopic.startsWith(prefix) ? remoteTopic.substring(prefix.length) : null;
      // Round trip through formatRemoteTopic: it alone decides the naming, for both policies.
      if (candidate !== null && candidate.length > 0 && formatRemoteTopic(sourceAlias, candidate) === remoteTopic) {
        return candidate;
      }
      if (formatRemoteTopic(sourceAlias, remoteTopic) === remoteTopic) return remoteTopic;
      return null;
    },
    isMM2InternalTopic,
    isInternalTopic(topic) {
      const kafkaInternal = topic.startsWith('__') || topic.startsWith('.');
      const connectInternal = topic.endsWith('-internal') || topic.endsWith('.internal');
      return isMM2InternalTopic(topic) || kafkaInternal || connectInternal;
    },
    isHeartbeatsTopic: (topic) => originalTopic(topic) === HEARTBEATS_TOPIC,
    isCheckpointsTopic: (topic) => topic.endsWith(checkpointsSuffix),
    heartbeatsTopic: () => HEARTBEATS_TOPIC,
    checkpointsTopic: (sourceAlias) => `${sourceAlias}${checkpointsSuffix}`,
    offsetSyncsTopic: (otherAlias) => `mm2-offset-syncs${internalSeparator}${otherAlias}${internalSuffix}`,
  };
}
