// Small PromQL helpers for the ops tests: which metric names an expression reads, and which names
// exist (docs/design.md and Prometheus' own series; recorded names: ruleFiles.ts).

/** Series mirrorwatch exports: docs/design.md plus the additions of the metrics layer. */
export const MIRRORWATCH_METRICS: readonly string[] = [
  'mm2_replication_lag_records',
  'mm2_replication_lag_seconds',
  'mm2_replication_records_lost',
  'mm2_replication_lost_records_total',
  'mm2_flow_lost_records_total',
  'mm2_partition_end_offset',
  'mm2_partition_start_offset',
  'mm2_heartbeat_expected',
  'mm2_heartbeat_last_timestamp_seconds',
  'mm2_heartbeat_age_seconds',
  'mm2_checkpoint_age_seconds',
  'mm2_checkpoint_lag_records',
  'mm2_remote_topic_missing',
  'mm2_remote_partitions_missing',
  'mm2_flow_failover_ready',
  'mm2_flow_state',
  'mm2_topic_stalled',
  'mm2_partition_region_info',
  'mirrorwatch_cluster_up',
  'mirrorwatch_poll_duration_seconds',
  'mirrorwatch_last_poll_success_timestamp_seconds',
  'mirrorwatch_poll_errors_total',
  'mirrorwatch_decode_errors_total',
  'mirrorwatch_tail_errors_total',
  'mirrorwatch_tail_stuck',
  'mirrorwatch_flow_blind',
  'mirrorwatch_kafka_requests_total',
  'mirrorwatch_build_info',
  'mirrorwatch_snapshot_timestamp_seconds',
  'mirrorwatch_snapshot_series',
];

/** Series Prometheus writes itself, and the prom-client default metrics the dashboards read. */
export const OTHER_METRICS: readonly string[] = [
  'up',
  'scrape_duration_seconds',
  'scrape_samples_scraped',
  'ALERTS',
  'process_resident_memory_bytes',
  'process_cpu_seconds_total',
  'nodejs_eventloop_lag_p99_seconds',
];

const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan', 'Inf', 'NaN']);

/**
 * Metric names an expression reads. Good enough for the expressions of this repository: label
 * lists (by, on, ...), label matchers, durations and strings are dropped, then every remaining
 * identifier that is not a function call or keyword is a metric name.
 */
export function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ');
  const names = new Set<string>();
  for (const m of stripped.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const name = m[0];
    const rest = stripped.slice((m.index ?? 0) + name.length);
    if (/^\s*\(/.test(rest) || KEYWORDS.has(name)) continue;
    // Exponents of numbers such as 1e-9 look like identifiers.
    const before = stripped[(m.index ?? 0) - 1];
    if (before !== undefined && /[0-9.]/.test(before)) continue;
    names.add(name);
  }
  return [...names];
}
