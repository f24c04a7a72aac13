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
  /** MM2's DefaultTopicFilter defaults (topicsExclude: Kafka 4.0 and later, see topicsExcludeDefault). */
  topics: ['.*'],
  topicsExclude: ['mm2.*\\.internal', '.*\\.replica', '__.*'],
  /** The MirrorMaker 2 (Kafka) version assumed where nothing says which one runs. */
  mm2Version: '4.0',
  replicationSeparator: '.',
  /** `flows: discover`: MM2's topics are read again this often (a few requests per cluster). */
  discoveryIntervalMs: 60_000,
  audit: {
    enabled: true,
    bucketMs: 60_000,
    settleMs: 120_000,
    judgeAfterMs: 600_000,
    countMaxOffsets: 10_000,
  },
};

export const DEFAULT_REPLICATION_POLICY_CLASS = 'org.apache.kafka.connect.mirror.DefaultReplicationPolicy';
export const IDENTITY_REPLICATION_POLICY_CLASS = 'org.apache.kafka.connect.mirror.IdentityReplicationPolicy';

/** DefaultTopicFilter's `topics.exclude` default before Kafka 4.0: it also excluded user topics such as `orders-internal`. */
export const TOPICS_EXCLUDE_BEFORE_4 = ['.*[\\-\\.]internal', '.*\\.replica', '__.*'];

/**
 * MM2's default `topics.exclude` for the Kafka version it runs: 4.0 narrowed `.*[\-\.]internal` to
 * `mm2.*\.internal`, so 4.x copies `orders-internal` and 3.x does not. Taking the wrong one makes
 * mirrorwatch report a topic MM2 never copies as missing, or not watch one it copies.
 */
export function topicsExcludeDefault(mm2Version: string | undefined): string[] {
  const major = Number(/^\s*(\d+)/.exec(mm2Version ?? DEFAULTS.mm2Version)?.[1] ?? 4);
  return major >= 4 ? [...DEFAULTS.topicsExclude] : [...TOPICS_EXCLUDE_BEFORE_4];
}
