// Defaults of every optional setting, in one place so the example file, README and code agree.

export const DEFAULTS = {
  pollIntervalMs: 10_000,
  /** Must stay below the interval: one poll of a cluster never overlaps the next. */
  pollTimeoutMs: 8_000,
  /** Following between polls: one long-poll fetch per broker waits at most this long. */
  followMaxWaitMs: 1_000,
  /** MM2 emits a heartbeat every second by default: 10 s without one is not jitter. */
  silentAfterMs: 10_000,
  /** A few poll intervals: offset syncs and target ends are compared at poll times. */
  stalledAfterMs: 30_000,
  httpHost: '0.0.0.0',
  httpPort: 9467,
  granularity: 'partition' as const,
  maxSeries: 100_000,
  logLevel: 'info' as const,
  clientId: 'mirrorwatch',
  connectionTimeoutMs: 3_000,
  /** Below the poll timeout, so a hung request fails inside the poll that issued it. */
  requestTimeoutMs: 5_000,
  maxLagRecords: 0,
  maxHeartbeatAgeSeconds: 30,
  /** MM2's DefaultTopicFilter defaults. */
  topics: ['.*'],
  topicsExclude: ['.*[\\-\\.]internal', '.*\\.replica', '__.*'],
  replicationSeparator: '.',
};

export const DEFAULT_REPLICATION_POLICY_CLASS = 'org.apache.kafka.connect.mirror.DefaultReplicationPolicy';
export const IDENTITY_REPLICATION_POLICY_CLASS = 'org.apache.kafka.connect.mirror.IdentityReplicationPolicy';
