// Every PromQL query of the Grafana dashboards (panel targets and template-variable queries), with
// Grafana's template variables replaced by concrete values, ready to run against a Prometheus.
// Used by test/unit/ops/dashboards.test.ts (syntax, via promtool) and by the integration test that
// runs each query against a real Prometheus scraping a real mirrorwatch.
import fs from 'node:fs';
import path from 'node:path';
import { metricNamesIn } from './promql.js';
import { repoPath } from './tools.js';

export const DASHBOARDS_DIR = repoPath('grafana', 'dashboards');

export interface DashboardQuery {
  /** Dashboard title. */
  dashboard: string;
  /** File name in grafana/dashboards/. */
  file: string;
  /** Panel title, or `variable <name>` for a template-variable query. */
  panel: string;
  /** Target refId (A, B, ...); the variable name for variable queries. */
  refId: string;
  /** PromQL with template variables substituted. */
  expr: string;
  /** The query as written in the dashboard. */
  rawExpr: string;
  /** Instant query (tables, single stats) rather than a range query. */
  instant: boolean;
  /**
   * Why the query may legitimately return no data: each entry names a series that exists only in
   * some set-ups (see CONDITIONAL_SERIES). Empty: the query must return data whenever mirrorwatch
   * watches a running MM2 flow with heartbeats and Prometheus loads the recording rules.
   */
  conditions: string[];
}

/** Values for the dashboards' template variables and Grafana's built-in interval variables. */
export const DEFAULT_VARIABLE_VALUES: Readonly<Record<string, string>> = {
  datasource: 'prometheus',
  source: 'us-east',
  target: 'us-west',
  topic: 'orders',
  group: 'orders-service',
  job: 'mirrorwatch',
  // The deployment and replica variables at "All" (any value, and series without the label).
  namespace: '.*',
  environment: '.*',
  k8s_cluster: '.*',
  instance: '.*',
  __rate_interval: '1m',
  __interval: '30s',
  __interval_ms: '30000',
  __range: '1h',
  __range_s: '3600',
  __range_ms: '3600000',
};

/** Series that only exist in some set-ups, and what they need. */
export const CONDITIONAL_SERIES: Readonly<Record<string, string>> = {
  mm2_partition_region_info: 'needs a partition-to-region mapping (mm2_partition_region_info)',
  mm2_checkpoint_age_seconds: 'needs MM2 checkpoints: a consumer group that commits offsets on a replicated source topic',
  mm2_checkpoint_lag_records: 'needs MM2 checkpoints: a consumer group that commits offsets on a replicated source topic',
  'mm2:group_checkpoint_lag_records:sum': 'needs MM2 checkpoints: a consumer group that commits offsets on a replicated source topic',
  'mm2:flow_checkpoint_age_seconds:max': 'needs MM2 checkpoints: a consumer group that commits offsets on a replicated source topic',
  mirrorwatch_poll_errors_total: 'needs a failed poll (the counter appears at the first error)',
  mirrorwatch_decode_errors_total: 'needs an MM2 record that does not decode (the counter appears at the first error)',
  mirrorwatch_tail_errors_total: 'needs an MM2 topic mirrorwatch cannot fetch (the counter appears at the first error)',
  mirrorwatch_tail_stuck: 'needs an MM2 topic mirrorwatch cannot read or decode now',
  mirrorwatch_flow_blind: 'needs an MM2 topic mirrorwatch cannot read or decode now',
  ALERTS: 'needs a pending or firing alert',
  mm2_audit_missing_records_total: 'needs a count-audit bucket decided (audit.bucket + audit.settle after start)',
  mm2_audit_duplicated_records_total: 'needs a count-audit bucket decided (audit.bucket + audit.settle after start)',
  mm2_audit_last_bucket_end_timestamp_seconds: 'needs a count-audit bucket decided (audit.bucket + audit.settle after start)',
  mm2_audit_partitions_not_judged: 'needs a partition the count audit cannot judge',
};

/** A query that ends in `or vector(...)` returns a sample even when its series are absent. */
const FALLBACK = /\bor\s+(?:on\s*\(\s*\)\s*)?vector\s*\(/;

export function conditionsOf(expr: string): string[] {
  if (FALLBACK.test(expr)) return [];
  const reasons = metricNamesIn(expr).flatMap((name) => {
    const reason = CONDITIONAL_SERIES[name];
    return reason ? [reason] : [];
  });
  return [...new Set(reasons)];
}

/** Names of variables an expression uses: $name, ${name}, ${name:format}, [[name]]. */
export function variablesIn(expr: string): string[] {
  const names = new Set<string>();
  for (const m of expr.matchAll(/\$\{(\w+)(?::\w+)?\}|\[\[(\w+)(?::\w+)?\]\]|\$(\w+)/g)) {
    const name = m[1] ?? m[2] ?? m[3];
    // $1, $2: capture-group references of label_replace, not variables.
    if (name !== undefined && !/^\d+$/.test(name)) names.add(name);
  }
  return [...names];
}

/** Replaces template variables with `values`; throws on a variable without a value. */
export function substituteVariables(expr: string, values: Readonly<Record<string, string>>): string {
  const lookup = (whole: string, name: string): string => {
    if (/^\d+$/.test(name)) return whole;
    const value = values[name];
    if (value === undefined) throw new Error(`no value for template variable $${name} in: ${expr}`);
    return value;
  };
  return expr
    .replace(/\$\{(\w+)(?::\w+)?\}/g, (whole, name: string) => lookup(whole, name))
    .replace(/\[\[(\w+)(?::\w+)?\]\]/g, (whole, name: string) => lookup(whole, name))
    .replace(/\$(\w+)/g, (whole, name: string) => lookup(whole, name));
}

/**
 * The PromQL inside a Prometheus variable query: the selector of label_values(selector, label),
 * the expression of query_result(expr); null for queries without one (label_values(label),
 * label_names(), metrics(regex)).
 */
export function variableQueryExpr(query: string): string | null {
  const q = query.trim();
  const labelValues = /^label_values\s*\(([\s\S]*),\s*[A-Za-z_][A-Za-z0-9_]*\s*\)$/.exec(q);
  if (labelValues?.[1] !== undefined) return labelValues[1].trim();
  const queryResult = /^query_result\s*\(([\s\S]*)\)$/.exec(q);
  if (queryResult?.[1] !== undefined) return queryResult[1].trim();
  if (/^(label_values|label_names|metrics)\s*\(/.test(q)) return null;
  return q;
}

interface PanelJson {
  type?: string;
  title?: string;
  panels?: PanelJson[];
  targets?: { expr?: string; refId?: string; instant?: boolean; hide?: boolean }[];
}

interface VariableJson {
  name: string;
  type: string;
  query?: string | { query?: string };
  definition?: string;
}

export interface DashboardJson {
  title: string;
  uid: string;
  schemaVersion: number;
  panels: PanelJson[];
  templating: { list: VariableJson[] };
}

export function dashboardFiles(): string[] {
  return fs
    .readdirSync(DASHBOARDS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort();
}

export function loadDashboard(file: string): DashboardJson {
  return JSON.parse(fs.readFileSync(path.join(DASHBOARDS_DIR, file), 'utf8')) as DashboardJson;
}

/** Panels of a dashboard, rows flattened (a collapsed row keeps its panels inside it). */
export function allPanels(panels: readonly PanelJson[]): PanelJson[] {
  return panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
}

/** Every query of every dashboard under grafana/dashboards/, variables substituted. */
export function extractDashboardQueries(values: Readonly<Record<string, string>> = {}): DashboardQuery[] {
  const vars = { ...DEFAULT_VARIABLE_VALUES, ...values };
  const out: DashboardQuery[] = [];
  for (const file of dashboardFiles()) {
    const d = loadDashboard(file);
    const add = (panel: string, refId: string, rawExpr: string, instant: boolean) => {
      const expr = substituteVariables(rawExpr, vars);
      out.push({ dashboard: d.title, file, panel, refId, expr, rawExpr, instant, conditions: conditionsOf(expr) });
    };
    for (const v of d.templating.list) {
      if (v.type !== 'query') continue;
      const query = typeof v.query === 'string' ? v.query : (v.query?.query ?? v.definition ?? '');
      const expr = variableQueryExpr(query);
      if (expr !== null) add(`variable ${v.name}`, v.name, expr, true);
    }
    for (const p of allPanels(d.panels)) {
      for (const t of p.targets ?? []) {
        if (t.hide || !t.expr) continue;
        add(p.title ?? '(untitled)', t.refId ?? '?', t.expr, Boolean(t.instant));
      }
    }
  }
  return out;
}
