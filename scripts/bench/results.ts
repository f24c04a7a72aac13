// Shape of bench/results/<timestamp>.json.
import type { MachineInfo } from './machine.js';
import type { LogSummary, MemoryFigures } from './protocol.js';
import type { Summary } from './stats.js';
import type { WireFigures } from './wire.js';

export interface StepResult {
  /** Bench partitions per cluster. */
  partitions: number;
  topicsPerCluster: number;
  /** Wall time to create this step's new topics on both clusters (and fill them). */
  setupSeconds: number;
  warmup: { cycles: number; ms: number };
  cycles: number;
  /** Per cluster: mirrorwatch_poll_duration_seconds over the cycles. */
  pollSeconds: Record<string, Summary>;
  /** Monitor.pollOnce(): both clusters, snapshot rebuilds and publishes. */
  cycleWallMs: Summary;
  /** From the cycle's last metrics.publish() call until /metrics serves that snapshot. */
  publishMsPerCycle: Summary;
  /** Median per cycle, per cluster and API. */
  requestsPerCycle: Record<string, Record<string, number>>;
  requestsPerCycleTotal: number;
  series: number;
  /** Longest event-loop block per cycle while the scraper ran. */
  eventLoopMaxMsPerCycle: Summary;
  scrapesDuringCycles: { ms: Summary; bytes: number };
  loadAverage: number[];
  pollErrors: string[];
  /** The same cycles with the count audit on (the final step): one closed bucket audited per cycle. */
  auditOn?: {
    cycles: number;
    cycleWallMs: Summary;
    auditMs: Summary;
    pollSeconds: Record<string, Summary>;
    requestsPerCycle: Record<string, Record<string, number>>;
    requestsPerCycleTotal: number;
    auditedPartitionsPerCycle: number;
  };
}

export interface ScrapeFigures {
  ms: Summary;
  bytes: number;
  /** Longest event-loop block in the agent while each scrape was served. */
  eventLoopMaxMs: Summary;
}

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
  series?: number;
  pollSecondsP50?: Record<string, number>;
  requestsPerCycleTotal?: number;
  publishMsP50?: number;
}

/** One shard of a `--shards N` run, measured alone against the full-size clusters. */
export interface ShardResult {
  index: number;
  count: number;
  /** Data partitions the shard owns per cluster (what it reads and exports). */
  partitions: Record<string, number>;
  /** mirrorwatch_partitions_polled per cluster: data and MM2 topics asked for. */
  partitionsPolled: Record<string, number>;
  cycles: number;
  pollSeconds: Record<string, Summary>;
  cycleWallMs: Summary;
  publishMsPerCycle: Summary;
  requestsPerCycleTotal: number;
  series: number;
  memory: { afterWarmup: MemoryFigures; afterCycles: MemoryFigures };
}

export interface KafkaResults {
  kafkaVersion: string;
  mm2Version: string | null;
  brokersPerCluster: number;
  partitionsPerTopic: number;
  groups: number;
  recordsPerPartition: number;
  /** Start of one measured cycle to the next (0: back to back). */
  cycleIntervalMs: number;
  /** Period of the scrapes made while cycles run. */
  scrapeIntervalMs: number;
  steps: StepResult[];
  memory: { afterWarmup: MemoryFigures; afterCycles: MemoryFigures };
  idleScrapes: ScrapeFigures;
  brokers: { alias: string; rssMB: number; maxOpenFiles: number | null }[];
  logs: LogSummary;
  checks: CheckResult[];
  /** `--shards N`: each shard's figures at the last step (absent without). */
  shards?: ShardResult[];
}

export interface SyntheticResult {
  targetSeries: number;
  series: number;
  bytes: number;
  publishMs: Summary;
  renderMs: Summary;
  /** publish (until settled) + render per repetition: what the metrics layer costs for a new snapshot and a scrape. */
  layerMs: Summary;
  bareMs: Summary;
  /** layer p50 / bare p50. */
  ratio: number | null;
  publishEventLoopMaxMs: number;
  scrapes: ScrapeFigures;
  memory: MemoryFigures;
  /** Bytes per scrape on the wire, plain vs gzip (absent in results from before it was measured). */
  wire?: WireFigures;
}

export interface TargetResult {
  name: string;
  target: string;
  measured: string;
  /** null: not measured in this run (mode or scale). */
  pass: boolean | null;
  note?: string;
}

export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  command: string;
  machine: MachineInfo;
  loadAverageAtEnd: number[];
  options: Record<string, unknown>;
  kafka?: KafkaResults;
  synthetic?: SyntheticResult[];
  targets: TargetResult[];
}
