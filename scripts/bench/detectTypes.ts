// Shapes of the bench:detect results (bench/results/detect-*.json), shared with its plot.

export const FAULT_KINDS = ['kill', 'sigstop', 'task-failed', 'topic-stalled', 'source-down', 'restart'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** One look at mirrorwatch's /metrics and Prometheus's alerts. */
export interface Sample {
  atMs: number;
  heartbeatAge: number | null;
  heartbeatTs: number | null;
  failoverReady: number | null;
  flowLagSeconds: number | null;
  /** topic -> max mm2_replication_lag_seconds over its partitions. */
  topicLagSeconds: Record<string, number>;
  sourceUp: number | null;
  targetUp: number | null;
  /** The flow's replication state, when mirrorwatch exports one. */
  state: string | null;
  firing: string[];
  pending: string[];
  /** Pending alerts at a paging severity. */
  pendingPages: string[];
}

export interface AlertSeen {
  alert: string;
  severity: string;
  firingSeconds: number;
  phase: string;
}

export interface FaultRun {
  fault: FaultKind;
  repeat: number;
  faultAtMs: number;
  /** How long injecting took (a planned restart: SIGTERM until MM2 reported started again). */
  injectSeconds: number;
  repairAtMs: number | null;
  firstSignal: { metric: string; seconds: number } | null;
  firstState: { state: string; seconds: number } | null;
  /** The first alert at a paging severity that fired after the fault. */
  page: { alert: string; severity: string; seconds: number } | null;
  /** Repair -> no page firing any more. */
  pageResolvedSeconds: number | null;
  /** Repair -> heartbeats fresh, no lagging topic, no alert pending or firing. */
  recoveredSeconds: number | null;
  /** Fault -> heartbeat age back under 5 s after its peak. */
  heartbeatBackSeconds: number | null;
  peakHeartbeatAge: number;
  peakTopicLagSeconds: number;
  alerts: AlertSeen[];
  /** Alerts that fired where none should: any during a planned restart, any new one after the repair. */
  unexpected: AlertSeen[];
  /** Count-audit findings that followed the fault (MM2 re-sent records: at-least-once), not false alerts. */
  findings?: AlertSeen[];
  /** Samples from the fault on, atMs relative to the fault. */
  samples: Sample[];
}
