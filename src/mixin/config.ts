// The mixin's settings: which series are mirrorwatch's, which labels identify a deployment, which
// labels tell HA replicas apart, and each alert's threshold and `for`. prometheus/rules/*.yml are
// these defaults rendered; `mirrorwatch rules -c FILE` renders the user's own (docs/mixin.md).
import { z } from 'zod';

export interface AlertSettings {
  /** The number the alert compares with (records, seconds, ...); absent for alerts without one. */
  threshold?: number;
  /** Prometheus duration, e.g. "10m". "0m" fires at the first evaluation. */
  for: string;
  severity: 'critical' | 'warning' | 'info';
  keepFiringFor?: string;
}

export interface MixinConfig {
  /**
   * PromQL label matchers (without braces) that select mirrorwatch's series, e.g.
   * `job=~".*mirrorwatch.*"`. Applied to every raw series the rules read, and to `up`.
   */
  selector: string;
  /**
   * Labels that identify one deployment of mirrorwatch (a Prometheus may scrape several: prod and
   * staging, two Kubernetes clusters). Every aggregation keeps them, every join matches on them,
   * so one environment's figures never mix with another's. Labels a series lacks cost nothing.
   */
  deploymentLabels: string[];
  /**
   * Labels that tell the replicas of one deployment apart (an HA pair scraping the same clusters).
   * Replication figures are aggregated over them (one alert, not one per replica); only the
   * per-replica monitor rules keep them.
   */
  replicaLabels: string[];
  /** Per rule: `<Alert>` or, for alerts with several rules, `<Alert>.<reason>`. */
  alerts: Record<string, AlertSettings>;
  /**
   * Alerts (names) that MirrorwatchClusterUnreachable inhibits for flows from or to the cluster it
   * names, in the rendered Alertmanager inhibit rules.
   */
  inhibitedByClusterUnreachable: string[];
}

export const DEFAULT_ALERTS: Readonly<Record<string, AlertSettings>> = {
  Mm2ReplicationLagHigh: { threshold: 10000, for: '10m', severity: 'warning' },
  Mm2ReplicationLagSecondsHigh: { threshold: 300, for: '5m', severity: 'warning' },
  'Mm2HeartbeatStale.heartbeat-old': { threshold: 60, for: '2m', severity: 'critical' },
  'Mm2HeartbeatStale.no-heartbeat': { for: '5m', severity: 'critical' },
  Mm2DataLost: { threshold: 0, for: '0m', severity: 'critical', keepFiringFor: '30m' },
  Mm2RemoteTopicMissing: { for: '15m', severity: 'warning' },
  Mm2RemotePartitionsMissing: { threshold: 0, for: '15m', severity: 'warning' },
  Mm2CheckpointsStale: { threshold: 600, for: '10m', severity: 'warning' },
  Mm2FlowNotFailoverReady: { for: '15m', severity: 'warning' },
  MirrorwatchClusterUnreachable: { for: '5m', severity: 'critical' },
  'MirrorwatchPollsFailing.poll-errors': { threshold: 0, for: '15m', severity: 'warning' },
  'MirrorwatchPollsFailing.no-recent-success': { threshold: 300, for: '5m', severity: 'warning' },
  MirrorwatchBlind: { for: '5m', severity: 'warning' },
  MirrorwatchDown: { for: '3m', severity: 'critical' },
  MirrorwatchAbsent: { for: '10m', severity: 'critical' },
  // Fast pages (docs/alerts/README.md, "Fast paging and the grace"): no `for`, an age is its own
  // waiting period. Mm2FlowNotCopying's threshold is the grace (heartbeat age, s) a planned MM2
  // restart must stay under; Mm2TopicStalled's is the stalled topic's lag in seconds.
  Mm2FlowNotCopying: { threshold: 35, for: '0m', severity: 'critical' },
  Mm2TopicStalled: { threshold: 45, for: '0m', severity: 'critical' },
  // Count audit (docs/audit.md): thresholds are records over the window (30m missing, 1h duplicated).
  Mm2AuditRecordsMissing: { threshold: 0, for: '0m', severity: 'critical' },
  Mm2AuditRecordsDuplicated: { threshold: 0, for: '0m', severity: 'warning' },
  Mm2AuditNotJudging: { for: '30m', severity: 'info' },
  Mm2AuditStalled: { threshold: 1800, for: '5m', severity: 'warning' },
};

export const DEFAULT_MIXIN: Readonly<MixinConfig> = {
  // Matches `mirrorwatch`, the Prometheus operator's `monitoring/mirrorwatch`, and release-named
  // jobs such as `prod-mirrorwatch`: a narrower default pages MirrorwatchAbsent on healthy installs.
  selector: 'job=~".*mirrorwatch.*"',
  // Not `cluster`: mirrorwatch's own series use it for the Kafka cluster alias.
  deploymentLabels: ['job', 'namespace', 'environment', 'k8s_cluster'],
  replicaLabels: ['instance', 'pod'],
  alerts: DEFAULT_ALERTS,
  inhibitedByClusterUnreachable: [
    'Mm2HeartbeatStale',
    'Mm2ReplicationLagHigh',
    'Mm2ReplicationLagSecondsHigh',
    'Mm2CheckpointsStale',
    'Mm2FlowNotFailoverReady',
  ],
};

const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;
const label = z.string().regex(LABEL, 'a Prometheus label name');

const alertSchema = z
  .object({
    threshold: z.number().finite().optional(),
    for: z.string().regex(DURATION, 'a Prometheus duration such as 10m').optional(),
    severity: z.enum(['critical', 'warning', 'info']).optional(),
    keepFiringFor: z.string().regex(DURATION, 'a Prometheus duration such as 30m').optional(),
  })
  .strict();

const fileSchema = z
  .object({
    selector: z.string().optional(),
    deploymentLabels: z.array(label).optional(),
    replicaLabels: z.array(label).optional(),
    alerts: z.record(z.string(), alertSchema).optional(),
    inhibitedByClusterUnreachable: z.array(z.string().regex(/^[A-Za-z0-9_]+$/)).optional(),
  })
  .strict();

export type MixinOverrides = z.input<typeof fileSchema>;

export class MixinConfigError extends Error {}

/**
 * The defaults with `overrides` applied (alerts merged per rule, lists replaced). `where` names
 * the file in error messages. Unknown keys, unknown rules and a label in both lists are errors.
 */
export function resolveMixin(overrides: unknown = {}, where = 'mixin settings'): MixinConfig {
  const parsed = fileSchema.safeParse(overrides ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`);
    throw new MixinConfigError(`${where}: ${problems.join('; ')}`);
  }
  const o = parsed.data;
  const alerts: Record<string, AlertSettings> = {};
  for (const [id, d] of Object.entries(DEFAULT_ALERTS)) alerts[id] = { ...d };
  for (const [id, a] of Object.entries(o.alerts ?? {})) {
    const base = alerts[id];
    if (!base) throw new MixinConfigError(`${where}: alerts.${id}: no such rule (known: ${Object.keys(DEFAULT_ALERTS).join(', ')})`);
    if (a.threshold !== undefined && base.threshold === undefined) throw new MixinConfigError(`${where}: alerts.${id}: this rule has no threshold`);
    alerts[id] = { ...base, ...stripUndefined(a) };
  }
  const config: MixinConfig = {
    selector: (o.selector ?? DEFAULT_MIXIN.selector).trim().replace(/^\{|\}$/g, ''),
    deploymentLabels: unique(o.deploymentLabels ?? DEFAULT_MIXIN.deploymentLabels),
    replicaLabels: unique(o.replicaLabels ?? DEFAULT_MIXIN.replicaLabels),
    alerts,
    inhibitedByClusterUnreachable: o.inhibitedByClusterUnreachable ?? [...DEFAULT_MIXIN.inhibitedByClusterUnreachable],
  };
  const both = config.deploymentLabels.filter((l) => config.replicaLabels.includes(l));
  if (both.length > 0) throw new MixinConfigError(`${where}: ${both.join(', ')} in both deploymentLabels and replicaLabels`);
  const reserved = config.deploymentLabels.concat(config.replicaLabels).filter((l) => MIRRORWATCH_LABELS.includes(l));
  if (reserved.length > 0) {
    throw new MixinConfigError(`${where}: ${reserved.join(', ')} is a label of mirrorwatch's own series; name the deployment label differently (e.g. k8s_cluster)`);
  }
  return config;
}

/** Labels mirrorwatch's series carry themselves: a deployment or replica label must not reuse them. */
export const MIRRORWATCH_LABELS: readonly string[] = ['cluster', 'source', 'target', 'topic', 'partition', 'group', 'kind', 'evidence', 'api', 'region', 'version', 'revision'];

function unique(list: readonly string[]): string[] {
  return [...new Set(list)];
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
