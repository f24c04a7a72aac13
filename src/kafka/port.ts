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

/**
 * Why a partition's fetch stopped short, by kind: `codec` (a batch compressed with a codec that
 * cannot be decompressed here), `corrupt` (a batch or record that cannot be parsed, or one larger
 * than the bytes asked for), `out-of-range` (the position is below the log start or past the end),
 * `kafka` (the broker answered with an error code for the partition, e.g. TOPIC_AUTHORIZATION_FAILED),
 * `unreachable` (the leader did not answer or the partition has no leader).
 */
export type FetchErrorKind = 'codec' | 'corrupt' | 'out-of-range' | 'kafka' | 'unreachable';

export interface FetchCallOptions {
  /** How long each broker may wait for new records before answering (default 0: answer at once). */
  maxWaitMs?: number;
  /**
   * Bytes a broker waits for before answering within `maxWaitMs` (default 1: as soon as anything
   * is there). Larger, the broker holds the answer for the whole wait unless that much arrives.
   */
  minBytes?: number;
}

export interface FetchResult extends TopicPartition {
  records: RawRecord[];
  /**
   * Offset to ask for next time: just past the last record batch read, which may lie beyond the
   * last record returned (transaction markers, aborted or compacted-away records); the request
   * offset if nothing was read.
   */
  nextOffset: number;
  /** -1 when the broker did not say (any error). */
  highWatermark: number;
  /**
   * Why this partition has no (more) records: a Kafka error name such as OFFSET_OUT_OF_RANGE
   * (reset to the log start or end) or UNKNOWN_TOPIC_OR_PARTITION, a broker that did not answer,
   * or a batch that cannot be decoded (e.g. snappy/lz4 compression); records before that batch are
   * still returned. null when all is well.
   */
  error: string | null;
  /** The kind of `error`; null exactly when `error` is null. */
  errorKind: FetchErrorKind | null;
}

export interface TimestampQuery extends TopicPartition {
  /** Epoch ms. */
  timestamp: number;
}

export interface TimestampOffset extends TimestampQuery {
  /**
   * First offset whose record timestamp is at or after `timestamp`, below the last stable offset
   * (read_committed); null when the partition has no such record (yet).
   */
  offset: number | null;
}

/** Where a topic's config value comes from: a topic-level override, the broker's settings, or Kafka's default. */
export type ConfigSource = 'topic' | 'broker' | 'default' | 'unknown';

export interface TopicConfigValue {
  /** null for a sensitive value (never kept) or a config without a value. */
  value: string | null;
  source: ConfigSource;
}

export interface TopicConfigs {
  topic: string;
  /** The keys asked for that the broker answered, by name (empty when `error` is set). */
  configs: Record<string, TopicConfigValue>;
  /**
   * Why the topic's configs could not be read: a Kafka error name such as TOPIC_AUTHORIZATION_FAILED
   * (no DescribeConfigs permission) or UNKNOWN_TOPIC_OR_PARTITION, with the broker's message if any;
   * null when read.
   */
  error: string | null;
}

export interface CommittedOffset extends TopicPartition {
  group: string;
  /** -1 when the group has no committed offset for the partition (the broker rarely says so). */
  offset: number;
}

/**
 * Failures: every method rejects when the cluster cannot be reached (no broker answers), within
 * about one request timeout per request in flight. Partial failures do not reject: partitions
 * whose leader moves are retried once after a metadata refresh; what still fails is left out
 * (fetchOffsets, fetchOffsetsForTimes, fetchCommittedOffsets; logged once per call and counted as poll error kind
 * `partition_offsets` / `timestamp_offsets` / `committed_offsets`) or carries `error` (fetch).
 */
export interface KafkaPort {
  readonly alias: string;
  /**
   * Connects to a bootstrap server (handshake and authentication, no Metadata request), so bad
   * addresses or credentials show early; optional, every method connects on first use.
   */
  connect(): Promise<void>;
  /** Idempotent; leaves no socket or timer behind. Calls after it reject. */
  close(): Promise<void>;
  /** Metadata of every topic on the cluster (internal `__*` topics included); one Metadata request. */
  listTopics(): Promise<TopicInfo[]>;
  /**
   * Log-start offset and high watermark (read_uncommitted) of each distinct partition asked for, in
   * request order; two ListOffsets requests per leader broker. Uses the metadata of the last
   * listTopics() when fresh, so a poll costs no second Metadata request.
   */
  fetchOffsets(partitions: TopicPartition[]): Promise<PartitionOffsets[]>;
  /**
   * ListOffsets by timestamp: for each distinct (partition, timestamp) asked for, in request order,
   * the first offset at or after that record timestamp; one ListOffsets request per leader broker
   * per distinct timestamp. Failures as fetchOffsets (poll error kind `timestamp_offsets`).
   */
  fetchOffsetsForTimes(queries: TimestampQuery[]): Promise<TimestampOffset[]>;
  /**
   * Reads records without a consumer group and without committing: one Fetch per leader broker,
   * not waiting for new data unless `options.maxWaitMs` says how long a broker may hold the
   * answer for new records (a long poll: following MM2's topics between polls). One result per distinct partition, in request order. Transaction
   * markers and records of aborted transactions are skipped.
   */
  fetch(requests: FetchRequest[], options?: FetchCallOptions): Promise<FetchResult[]>;
  /**
   * Committed offsets of the given groups: one OffsetFetch per group for all its partitions, plus a
   * FindCoordinator the first time (coordinators are cached). Never joins a group, never commits.
   */
  fetchCommittedOffsets(groups: string[]): Promise<CommittedOffset[]>;
  /**
   * The named config keys of each distinct topic asked for, in request order (DescribeConfigs,
   * one request to any broker). A topic the broker refuses or does not know carries `error`
   * (counted as poll error kind `topic_configs`); the call rejects only when no broker answers.
   */
  describeTopicConfigs(topics: string[], keys: string[]): Promise<TopicConfigs[]>;
}

export interface KafkaPortDeps {
  logger: Logger;
  telemetry: Telemetry;
}

export type KafkaPortFactory = (cluster: ClusterConfig, deps: KafkaPortDeps) => KafkaPort;
