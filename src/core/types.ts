// Shared vocabulary of mirrorwatch (docs/design.md).
// Everything here is plain data: the poller produces it, renderers (metrics, HTTP, CLI) read it.

import type { ReplicationState, ReplicationThresholds } from './replicationState.js';

export type ClusterAlias = string;

export interface TopicPartition {
  topic: string;
  partition: number;
}

/** Log-start offset and high watermark of one partition, as read from a cluster. */
export interface PartitionOffsets extends TopicPartition {
  start: number;
  end: number;
}

// ---------------------------------------------------------------- configuration

export type ReplicationPolicyKind = 'default' | 'identity';

export interface ReplicationPolicyConfig {
  kind: ReplicationPolicyKind;
  /** `replication.policy.separator`, default "." */
  separator: string;
  /**
   * `replication.policy.internal.topic.separator.enabled` (default true): when false, MM2's
   * checkpoints and offset-syncs topics keep "." whatever the separator.
   */
  internalTopicSeparatorEnabled?: boolean;
}

export type PasswordMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';
export type SaslMechanism = PasswordMechanism | 'oauthbearer' | 'aws-msk-iam';

export interface PasswordSaslConfig {
  mechanism: PasswordMechanism;
  username: string;
  /** Resolved secret. Never logged, never rendered: see redactCluster(). */
  password: string;
}

/** SASL/OAUTHBEARER with a token from an OIDC token endpoint (client credentials grant). */
export interface OAuthBearerConfig {
  mechanism: 'oauthbearer';
  tokenEndpointUrl: string;
  clientId: string;
  /** Resolved secret. Never logged, never rendered: see redactCluster(). */
  clientSecret: string;
  scope?: string;
  /** SASL extensions sent with the token (JAAS `extension_<name>` options). */
  extensions?: Record<string, string>;
  /** `sasl.oauthbearer.header.urlencode`: URL-encode client id and secret in the Basic header. */
  headerUrlencode: boolean;
  /** `sasl.login.refresh.window.factor`: a token is renewed after this share of its lifetime. */
  refreshWindowFactor: number;
  /** `sasl.login.retry.backoff.ms` / `.max.ms`: backoff between token endpoint attempts. */
  retryBackoffMs: number;
  retryBackoffMaxMs: number;
}

/** AWS MSK IAM: a SigV4-presigned token made by AWS's signer, sent over SASL/OAUTHBEARER. */
export interface MskIamConfig {
  mechanism: 'aws-msk-iam';
  region: string;
  /** A named profile of the shared AWS config files; otherwise the default credential chain. */
  profile?: string;
  /** A role to assume (through STS) for the credentials. */
  roleArn?: string;
  roleSessionName?: string;
}

export type SaslConfig = PasswordSaslConfig | OAuthBearerConfig | MskIamConfig;

export type StoreType = 'PEM' | 'PKCS12' | 'JKS';

/** Where TLS material came from (no secret: shown by check-config and /api/v1/config). */
export interface TlsStoreSource {
  file: string;
  type: StoreType;
}

export interface TlsConfig {
  /** PEM contents, already read from files (keystores and truststores converted). */
  ca?: string;
  cert?: string;
  key?: string;
  rejectUnauthorized: boolean;
  servername?: string;
  keystore?: TlsStoreSource;
  truststore?: TlsStoreSource;
  /**
   * Why this cluster's keystore or truststore cannot be used (a wrong store password, a key Node
   * cannot use...): the cluster is then reported down with this reason while the others are
   * watched. Names the cluster's file and setting, never a secret.
   */
  unusable?: string;
}

export interface ClusterConfig {
  alias: ClusterAlias;
  bootstrapServers: string[];
  clientId: string;
  connectionTimeoutMs: number;
  requestTimeoutMs: number;
  tls?: TlsConfig;
  sasl?: SaslConfig;
}

export interface FlowConfig {
  source: ClusterAlias;
  target: ClusterAlias;
  /** Whole-name regexes (MM2 semantics), from `topics` / `A->B.topics`. */
  topics: string[];
  /** Whole-name regexes, from `topics.exclude`. */
  topicsExclude: string[];
  /** Whether heartbeats can prove this flow end to end (reverse herder emits them). */
  heartbeatsExpected: boolean;
  /**
   * `heartbeats: auto` with nothing that says whether MM2 emits them (no mm2.properties; Connect
   * mode): heartbeats count as expected only once the remote heartbeats topic exists on the target
   * or a heartbeat was seen, so a deployment without a heartbeat connector raises no alarm.
   */
  heartbeatsAuto?: boolean;
  /** Where MM2 keeps the offset-sync topic of this flow. */
  offsetSyncsTopicLocation: 'source' | 'target';
  /** Consumer groups whose checkpoints matter for failover (issue: failover readiness). */
  groups: string[];
  /** Lag bound (records) under which the flow counts as failover-ready. */
  maxLagRecords: number;
  /** Heartbeat age (seconds) above which the flow is not failover-ready. */
  maxHeartbeatAgeSeconds: number;
  /**
   * Checkpoint age (seconds) above which a group's checkpoints count as stale for failover.
   * Default: max(120, 3 x maxHeartbeatAgeSeconds) (see src/core/failover.ts).
   */
  maxCheckpointAgeSeconds?: number;
  /** Connect offsets topic of this flow's herder on the target (`offset.storage.topic`); default `mm2-offsets.<source>.internal`. */
  connectOffsetsTopic?: string;
  /**
   * Connect mode: the REST name of this flow's MirrorSourceConnector (e.g.
   * `us-east->us-west.MirrorSourceConnector`). When set, only its Connect offsets count.
   */
  sourceConnectorName?: string;
}

/**
 * The region a range of partitions of a source topic carries (geo-partitioning: a producer routes
 * region us-east to partitions 0-1, eu-west to 2-3). Exported as mm2_partition_region_info so
 * dashboards can show lag per region without a region label on every series.
 */
export interface PartitionRegion {
  /** Source topic name. */
  topic: string;
  partition: number;
  region: string;
}

export interface ConfigWarning {
  file: string;
  line?: number;
  key?: string;
  message: string;
}

export interface HttpTlsConfig {
  /** PEM certificate (chain) the HTTP server presents. */
  cert: string;
  /** PEM private key. Never logged, never rendered. */
  key: string;
  /** PEM CA certificates; when set, clients must present a certificate they signed. */
  clientCa?: string;
  /** Set when cert and key came from a keystore. */
  keystore?: TlsStoreSource;
}

export interface MirrorwatchConfig {
  /** The file the configuration was read from (YAML or mm2.properties). */
  file: string;
  clusters: ClusterConfig[];
  flows: FlowConfig[];
  replicationPolicy: ReplicationPolicyConfig;
  poll: {
    intervalMs: number;
    /** Upper bound of one poll of one cluster; a poll never overlaps the next. */
    timeoutMs: number;
    /** Follow MM2's heartbeats and offset-syncs topics between polls (default true). */
    follow?: boolean;
    /** How long one follow fetch may wait at the broker for new records (default 1 s). */
    followMaxWaitMs?: number;
  };
  /** Thresholds of the per-flow replication state (defaults: DEFAULT_REPLICATION_THRESHOLDS). */
  replicationState?: ReplicationThresholds;
  http: {
    host: string;
    port: number;
    /** HTTPS instead of HTTP (PEM contents, read at load time). */
    tls?: HttpTlsConfig;
    /** Basic auth on every endpoint: user name -> bcrypt hash. */
    basicAuthUsers?: Record<string, string>;
  };
  granularity: 'partition' | 'topic';
  /** Log a warning when the number of exported series passes this bound. */
  maxSeries: number;
  logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  /** Problems that do not stop start-up (e.g. a value Java reads differently than intended). */
  warnings: ConfigWarning[];
  /** Optional geo-partition map, one entry per partition (ranges expanded). */
  regions?: PartitionRegion[];
  /** This instance's shard (docs/sharding.md); absent or count 1: the whole configuration. */
  shard?: { index: number; count: number };
  /** The record-count audit; absent: the defaults (see resolveAuditConfig). */
  audit?: AuditConfig;
  /** `flows: discover`: the daemon finds the flows itself and keeps them current (docs/discovery.md); `flows` starts empty. */
  discovery?: DiscoveryConfig;
}

/** Run-time discovery of the flows (`flows: discover`). */
export interface DiscoveryConfig {
  intervalMs: number;
  /** replicationPolicy was set in the file: discovered flows use it, not the inferred one. */
  policyConfigured: boolean;
  /** Topic filter of every discovered flow (MM2's defaults for mm2Version). */
  topics: string[];
  topicsExclude: string[];
}

/** Record-count audit of every flow (docs/audit.md). */
export interface AuditConfig {
  enabled: boolean;
  /** Length of a time bucket. */
  bucketMs: number;
  /** How long after its end a bucket is first read: the time MM2 has to copy it. */
  settleMs: number;
  /** How long after settling MM2 may take to copy past a bucket before it is judged anyway. */
  judgeAfterMs: number;
  /** Largest offset range counted record by record (read_committed) per side, partition and bucket. */
  countMaxOffsets: number;
}

// ---------------------------------------------------------------- MM2 records

export interface Heartbeat {
  sourceClusterAlias: string;
  targetClusterAlias: string;
  /** Epoch milliseconds. */
  timestamp: number;
}

export interface Checkpoint {
  group: string;
  /** Remote topic name on the target. */
  topic: string;
  partition: number;
  upstreamOffset: number;
  downstreamOffset: number;
  metadata: string;
}

export interface OffsetSync {
  /** Source topic name. */
  topic: string;
  partition: number;
  upstreamOffset: number;
  downstreamOffset: number;
}

// ---------------------------------------------------------------- snapshot

/** Which evidence `replicated` was computed from (docs/design.md). */
export type ReplicatedBasis =
  | 'offset-sync' // latest offset sync extrapolated with the target's end offset
  | 'empty-target' // no sync yet and nothing on the target: nothing copied
  | 'connect-offsets' // MM2's Connect offsets topic (exact but up to a flush interval old)
  | 'target-size' // no usable sync: estimate from the number of records on the target
  | 'unknown'; // target partition missing or data unavailable

export interface PartitionStatus {
  /** Source topic name. */
  topic: string;
  remoteTopic: string;
  partition: number;
  sourceStart: number;
  sourceEnd: number;
  /** null when the remote partition does not exist or its cluster was never read. */
  targetEnd: number | null;
  /** First upstream offset not yet on the target; null when unknown. */
  replicated: number | null;
  basis: ReplicatedBasis;
  lastSync: { upstreamOffset: number; downstreamOffset: number } | null;
  lagRecords: number | null;
  lagSeconds: number | null;
  recordsLost: number;
  /** Replicated position according to MM2's Connect offsets, when read. */
  connectOffset: number | null;
  /**
   * How connectOffset compares with the estimate from the other evidence: 'consistent' (at or
   * behind it, as expected of a value flushed up to a minute ago), 'ahead' (it showed more copied:
   * it was used, basis 'connect-offsets'), 'ignored' (beyond the source end or with an empty
   * target: left over from an earlier incarnation of the topic). Absent without a Connect offset.
   */
  connectOffsetCheck?: 'consistent' | 'ahead' | 'ignored';
  /** The latest offset sync points past the source or target end (topic recreated/truncated) and was not used. */
  syncStale?: boolean;
  /** The target was read and has no such partition of the remote topic (drift). */
  remotePartitionMissing?: boolean;
  /** Why `basis` is not 'offset-sync' when mirrorwatch cannot read the offset syncs (a BlindSpot reason). */
  basisReason?: string;
  /**
   * Set when a read_committed probe of the source covered the uncopied offsets: lagRecords is
   * `readableRecords`, and `markersOrAborted` of the `offsets` hold only transaction markers or
   * records of aborted transactions, which no read_committed consumer reads (never lag).
   */
  transactionalGap?: { offsets: number; readableRecords: number; markersOrAborted: number };
  /**
   * Every record this mirrorwatch has seen deleted on the source before MM2 copied it, since it
   * started watching the partition: unlike recordsLost, it stays after MM2 moves past the gap.
   */
  recordsLostTotal?: number;
}

export interface TopicStatus {
  topic: string;
  remoteTopic: string;
  sourcePartitions: number;
  /** null when the remote topic is missing. */
  targetPartitions: number | null;
  remoteMissing: boolean;
  /** Partitions present on the source but not on the target. */
  partitionsMissing: number;
  partitions: PartitionStatus[];
}

export interface HeartbeatStatus {
  /** false when heartbeat emission is switched off for the reverse pair: no alarm then. */
  expected: boolean;
  /** Why heartbeats are not expected (e.g. "not expected: no heartbeats topic"); absent when expected. */
  reason?: string;
  topic: string;
  lastTimestampMs: number | null;
  ageSeconds: number | null;
  /**
   * Set while mirrorwatch cannot read or decode the heartbeats topic (a BlindSpot reason): the
   * age is then not evidence about MM2, and no staleness is reported.
   */
  blind?: string;
}

export interface GroupCheckpointStatus {
  group: string;
  lastCheckpointMs: number | null;
  ageSeconds: number | null;
  partitions: {
    /** Source topic name. */
    topic: string;
    /** Topic name as the checkpoint record gives it (on the target). */
    remoteTopic?: string;
    partition: number;
    committedOffset: number | null;
    upstreamOffset: number;
    downstreamOffset: number;
    lagRecords: number | null;
    /**
     * Records a consumer of the group failing over now would read again on the target: committed
     * offset minus the source position its translated (downstream) offset corresponds to. At least
     * lagRecords; more when MM2 translated conservatively from an older offset sync. null when
     * the committed offset or the offset sync MM2 translated with is unknown.
     */
    rereadRecords?: number | null;
  }[];
}

export interface FailoverVerdict {
  ready: boolean;
  reasons: string[];
  rpo: { records: number | null; seconds: number | null };
}

/** Which of MM2's topics a blind spot hides. */
export type EvidenceKind = 'heartbeats' | 'checkpoints' | 'offset-syncs' | 'connect-offsets';

/**
 * An MM2 topic of a flow that mirrorwatch cannot currently read or decode: the flow's figures
 * that depend on it are mirrorwatch's blind spot, not a statement about MM2.
 */
export interface BlindSpot {
  evidence: EvidenceKind;
  cluster: ClusterAlias;
  topic: string;
  /** The fetch error kind: codec, corrupt, kafka or unreachable. */
  kind: string;
  /** The error as Kafka or the decoder gave it, e.g. TOPIC_AUTHORIZATION_FAILED. */
  message: string;
  /** "cannot read us-east.heartbeats on us-west: TOPIC_AUTHORIZATION_FAILED" */
  reason: string;
}

/** When one side's offsets used for a flow were read. */
export interface ReadingAge {
  readAtMs: number;
  ageSeconds: number;
}

export interface FlowReadings {
  source: ReadingAge | null;
  target: ReadingAge | null;
  /** Source readAt minus target readAt, in seconds; null unless both were read. */
  skewSeconds: number | null;
}

/** A tailed MM2 topic of a cluster whose reading is stuck (every partition's worst problem). */
export interface TailStuck {
  topic: string;
  kind: string;
  message: string;
  partitions: number[];
  /** Epoch ms of the first poll that found it stuck. */
  sinceMs: number;
}

export interface FlowStatus {
  source: ClusterAlias;
  target: ClusterAlias;
  /** Both clusters have been read at least once. */
  known: boolean;
  topics: TopicStatus[];
  heartbeat: HeartbeatStatus;
  checkpoints: GroupCheckpointStatus[];
  totals: {
    lagRecords: number | null;
    maxLagSeconds: number | null;
    recordsLost: number;
    remoteTopicsMissing: number;
    partitionsMissing: number;
    /** Partitions whose lag is unknown (remote partition missing, target not read); lagRecords sums the others. */
    lagUnknownPartitions?: number;
    /** Sum of every loss observed on the flow since mirrorwatch started (never decreases). */
    recordsLostTotal?: number;
  };
  /** MM2 topics of this flow mirrorwatch cannot read or decode now; absent or empty when none. */
  blind?: BlindSpot[];
  /** How old the source and target offsets paired for this flow are (see src/core/readingPair.ts). */
  readings?: FlowReadings;
  /** Is MM2 copying this flow now (src/core/replicationState.ts); absent where not evaluated (one-shot commands). */
  replication?: ReplicationState;
  failover: FailoverVerdict;
  /**
   * Set when this instance is one of several shards (docs/sharding.md): `topics` and the totals
   * cover the pairs this shard owns, and heartbeats and checkpoints are read by the flow's owner
   * only (`ownsFlow`).
   */
  shard?: { index: number; count: number; ownsFlow: boolean };
}

export interface ClusterStatus {
  alias: ClusterAlias;
  up: boolean;
  /** Epoch ms of the end of the last successful poll; null before the first. */
  lastSuccessMs: number | null;
  lastPollDurationSeconds: number | null;
  lastError: string | null;
  /** Offsets of every partition this cluster was asked for in its last successful poll. */
  partitions: PartitionOffsets[];
  /** MM2 topics on this cluster whose tail is stuck, as of the last poll that tailed them. */
  tailStuck?: TailStuck[];
  /** Partitions whose offsets the last poll asked for (data and MM2 topics); absent before the first poll. */
  partitionsPolled?: number;
}

export interface Snapshot {
  /** Epoch ms when the snapshot was computed. */
  takenAtMs: number;
  /** Incremented on every published snapshot. */
  sequence: number;
  /** Every configured cluster has finished at least one poll (success or failure). */
  complete: boolean;
  clusters: ClusterStatus[];
  flows: FlowStatus[];
  /** The configured geo-partition map (MirrorwatchConfig.regions), for renderers. */
  regions?: PartitionRegion[];
  /** This instance's shard when sharded (count > 1). */
  shard?: { index: number; count: number };
}
