// The one interface between mirrorwatch and Kafka. Only src/kafka/ imports kafkajs;
// everything else speaks this interface, so the client can be replaced without touching the rest.
import type { ClusterConfig, PartitionOffsets, TopicPartition } from '../core/types.js';
import type { Telemetry } from '../core/telemetry.js';
import type { Logger } from '../log.js';

export interface TopicInfo {
  name: string;
  /** Partition ids, sorted. */
  partitions: number[];
}

export interface RawRecord {
  offset: number;
  /** Record timestamp, epoch ms. */
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
}

export interface FetchRequest extends TopicPartition {
  /** First offset wanted. */
  offset: number;
  /** Upper bound of bytes returned for this partition (default 1 MiB). */
  maxBytes?: number;
}

export interface FetchResult extends TopicPartition {
  records: RawRecord[];
  /** Offset to ask for next time (last record offset + 1, or the request offset if none). */
  nextOffset: number;
  highWatermark: number;
  /** Set when the broker refused this partition (e.g. OFFSET_OUT_OF_RANGE). */
  error: string | null;
}

export interface CommittedOffset extends TopicPartition {
  group: string;
  /** -1 when the group has no committed offset for the partition. */
  offset: number;
}

export interface KafkaPort {
  readonly alias: string;
  connect(): Promise<void>;
  close(): Promise<void>;
  /** Metadata of every topic on the cluster (internal `__*` topics included). */
  listTopics(): Promise<TopicInfo[]>;
  /** Log-start and high watermark of each partition; one ListOffsets round per leader broker. */
  fetchOffsets(partitions: TopicPartition[]): Promise<PartitionOffsets[]>;
  /** Reads records without a consumer group and without committing; batched per leader broker. */
  fetch(requests: FetchRequest[]): Promise<FetchResult[]>;
  /** Committed offsets of the given groups (OffsetFetch); never commits anything. */
  fetchCommittedOffsets(groups: string[]): Promise<CommittedOffset[]>;
}

export interface KafkaPortDeps {
  logger: Logger;
  telemetry: Telemetry;
}

export type KafkaPortFactory = (cluster: ClusterConfig, deps: KafkaPortDeps) => KafkaPort;
