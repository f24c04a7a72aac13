// Messages between the benchmark (parent) and the agent: the child process that runs mirrorwatch's
// own pieces (Monitor, metrics, HTTP server). The agent runs apart so that its memory, event loop
// and CPU are mirrorwatch's alone: Kafka setup and the scraping client live in the parent.

export interface MemoryFigures {
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  arrayBuffersBytes: number;
}

export interface ClusterCycle {
  alias: string;
  up: boolean;
  /** mirrorwatch's own measure (mirrorwatch_poll_duration_seconds). */
  durationSeconds: number | null;
  error: string | null;
  /** Data partitions whose offsets the poll returned. */
  partitions: number;
}

export interface CycleResult {
  /** Monitor.pollOnce(): both clusters concurrently, plus the snapshot rebuilds and publishes. */
  wallMs: number;
  /** From the cycle's last metrics.publish() call until /metrics serves that snapshot (large ones render in slices). */
  publishMs: number;
  publishes: number;
  /** Longest event-loop delay seen during the cycle (monitorEventLoopDelay max), ms. */
  eventLoopMaxMs: number;
  clusters: ClusterCycle[];
  /** `cluster api` -> requests during the cycle, from mirrorwatch_kafka_requests_total. */
  requests: Record<string, number>;
  series: number;
  /** With the count audit on: the audit of one closed bucket after the poll (included in wallMs), ms. */
  auditMs?: number;
  /** Partition buckets the audit decided that cycle. */
  auditedPartitions?: number;
}

export interface SnapshotSummary {
  sequence: number;
  series: number;
  flows: { source: string; target: string; topics: number; partitions: number; lagRecords: number | null; known: boolean }[];
  clusters: { alias: string; up: boolean; partitions: number }[];
}

export interface LogSummary {
  /** pino level label -> lines logged. */
  levels: Record<string, number>;
  /** The first warn-or-worse messages (text only). */
  warnings: string[];
}

export interface SyntheticFigures {
  targetSeries: number;
  series: number;
  bytes: number;
  publishMs: number[];
  renderMs: number[];
  bareMs: number[];
  /** Longest event-loop delay while publish() ran, ms. */
  publishEventLoopMaxMs: number;
}

export type AgentRequest =
  | { id: number; type: 'start'; configFile?: string; httpPort?: number }
  | { id: number; type: 'warmup'; expectedPartitions: Record<string, number>; timeoutMs: number }
  | { id: number; type: 'cycles'; count: number; intervalMs: number; audit?: boolean }
  | { id: number; type: 'eventLoopReset' }
  | { id: number; type: 'eventLoopMax' }
  | { id: number; type: 'memory' }
  | { id: number; type: 'snapshot' }
  | { id: number; type: 'logs' }
  | { id: number; type: 'synthetic'; targetSeries: number; reps: number }
  | { id: number; type: 'stop' };

export interface AgentResponses {
  start: { url: string; granularity: string; maxSeries: number };
  warmup: { cycles: number; ms: number; snapshot: SnapshotSummary };
  cycles: { cycles: CycleResult[] };
  eventLoopReset: Record<string, never>;
  eventLoopMax: { ms: number };
  memory: MemoryFigures;
  snapshot: SnapshotSummary;
  logs: LogSummary;
  synthetic: SyntheticFigures;
  stop: Record<string, never>;
}

export type AgentReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };
