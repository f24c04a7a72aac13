// The port's view of cluster metadata: brokers, topics, partition leaders. Pure: built from decoded
// Metadata responses, queried to route requests to leader brokers.
import type { TopicPartition } from '../core/types.js';
import type { TopicInfo } from './port.js';
import { ErrorCode } from './errorCodes.js';

export interface BrokerNode {
  nodeId: number;
  host: string;
  port: number;
}

export interface PartitionMeta {
  leader: number;
  errorCode: number;
}

export interface TopicMeta {
  name: string;
  errorCode: number;
  partitions: Map<number, PartitionMeta>;
}

export interface ClusterMetadata {
  brokers: Map<number, BrokerNode>;
  topics: Map<string, TopicMeta>;
  /** Epoch ms of the response the topics came from (the oldest, after merges). */
  fetchedAt: number;
  /** Came from an all-topics request: a topic it lacks did not exist then. */
  complete: boolean;
}

/** The shape of kafkajs's decoded Metadata response (v1-v6). */
export interface RawMetadataResponse {
  brokers: { nodeId: number; host: string; port: number }[];
  topicMetadata: {
    topicErrorCode: number;
    topic: string;
    partitionMetadata: { partitionErrorCode: number; partitionId: number; leader: number }[];
  }[];
}

export function metadataFromResponse(raw: RawMetadataResponse, now: number, complete: boolean): ClusterMetadata {
  const brokers = new Map<number, BrokerNode>();
  for (const b of raw.brokers) brokers.set(b.nodeId, { nodeId: b.nodeId, host: b.host, port: b.port });
  const topics = new Map<string, TopicMeta>();
  for (const t of raw.topicMetadata) {
    const partitions = new Map<number, PartitionMeta>();
    for (const p of t.partitionMetadata) {
      partitions.set(p.partitionId, { leader: p.leader, errorCode: p.partitionErrorCode });
    }
    topics.set(t.topic, { name: t.topic, errorCode: t.topicErrorCode, partitions });
  }
  return { brokers, topics, fetchedAt: now, complete };
}

/**
 * Applies a response for some topics onto `base`: those topics are replaced (or dropped when the
 * broker says they do not exist), the broker list is the newer one, the rest is kept.
 */
export function mergeMetadata(base: ClusterMetadata, update: ClusterMetadata): ClusterMetadata {
  const topics = new Map(base.topics);
  for (const [name, meta] of update.topics) {
    if (meta.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION && meta.partitions.size === 0) topics.delete(name);
    else topics.set(name, meta);
  }
  return { brokers: update.brokers, topics, fetchedAt: base.fetchedAt, complete: base.complete };
}

export function topicInfos(meta: ClusterMetadata): TopicInfo[] {
  const out: TopicInfo[] = [];
  for (const t of meta.topics.values()) {
    if (t.partitions.size === 0) continue; // e.g. a topic being deleted or not yet created
    out.push({ name: t.name, partitions: [...t.partitions.keys()].sort((a, b) => a - b) });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export interface Unroutable<T> {
  item: T;
  errorCode: number;
}

export interface LeaderGroups<T> {
  /** Items per leader broker id, in input order. */
  byLeader: Map<number, T[]>;
  /** Items whose leader is unknown, with the reason as a Kafka error code. */
  unroutable: Unroutable<T>[];
}

export function groupByLeader<T extends TopicPartition>(meta: ClusterMetadata, items: readonly T[]): LeaderGroups<T> {
  const byLeader = new Map<number, T[]>();
  const unroutable: Unroutable<T>[] = [];
  for (const item of items) {
    const p = meta.topics.get(item.topic)?.partitions.get(item.partition);
    if (!p) {
      unroutable.push({ item, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION });
    } else if (p.leader < 0 || !meta.brokers.has(p.leader)) {
      unroutable.push({ item, errorCode: p.errorCode !== ErrorCode.NONE ? p.errorCode : ErrorCode.LEADER_NOT_AVAILABLE });
    } else {
      let list = byLeader.get(p.leader);
      if (!list) byLeader.set(p.leader, (list = []));
      list.push(item);
    }
  }
  return { byLeader, unroutable };
}

export function leaderOf(meta: ClusterMetadata, tp: TopicPartition): number | null {
  const leader = meta.topics.get(tp.topic)?.partitions.get(tp.partition)?.leader;
  return leader === undefined || leader < 0 ? null : leader;
}

/** `[{topic, partitions: [items]}]` in first-seen topic order: the shape Kafka requests nest by. */
export function nestByTopic<T extends TopicPartition>(items: readonly T[]): { topic: string; partitions: T[] }[] {
  const byTopic = new Map<string, T[]>();
  for (const item of items) {
    let list = byTopic.get(item.topic);
    if (!list) byTopic.set(item.topic, (list = []));
    list.push(item);
  }
  return [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
}
