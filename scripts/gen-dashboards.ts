// Generates mirrorwatch's Grafana dashboards (grafana/dashboards/*.json) from code, so that the
// three dashboards share one layout engine, one datasource convention and one set of units.
//
//   npx tsx scripts/gen-dashboards.ts           write grafana/dashboards/*.json
//   npx tsx scripts/gen-dashboards.ts --check   exit 1 when a committed file differs
//
// The JSON files are committed (Grafana provisioning reads them as they are);
// test/unit/ops/dashboards.test.ts fails when they drift from this generator.
//
// Queries read the recording rules of prometheus/rules/mirrorwatch-recording.yml (mm2:...) for
// flow aggregates and the raw series (docs/design.md) for details. Raw series are first
// reduced with `max by` their identifying labels, so two mirrorwatch replicas scraping the same
// clusters do not show twice.
//
// The mixin settings (src/mixin/config.ts, docs/mixin.md) give the labels that identify a
// deployment (job, namespace, environment, k8s_cluster by default): each becomes a template
// variable that every query filters on and every aggregation keeps, so two environments never
// merge; `instance` (the first replica label) is a variable of the dashboards showing raw series.
//   npx tsx scripts/gen-dashboards.ts --config mixin.yaml --out DIR   dashboards for other settings
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import yaml from 'js-yaml';
import { resolveMixin } from '../src/mixin/config.js';
import type { MixinConfig } from '../src/mixin/config.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DASHBOARD_DIR = path.join(REPO_ROOT, 'grafana', 'dashboards');

/** Grafana 12's dashboard schema; older Grafana versions migrate newer files poorly, newer ones migrate this. */
const SCHEMA_VERSION = 41;
const DS = { type: 'prometheus', uid: '${datasource}' } as const;
const TAGS = ['mirrorwatch', 'kafka', 'mirrormaker2'];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json | undefined };
type JsonObject = { [key: string]: Json | undefined };

// ---------------------------------------------------------------- targets

interface Target {
  expr: string;
  legend?: string;
  /** Instant query in table format (tables, stats reading one value per row). */
  table?: boolean;
  /** Instant query in time-series format (stats). */
  instant?: boolean;
}

function targetsJson(targets: readonly Target[]): Json[] {
  return targets.map((t, i) => {
    const json: JsonObject = {
      datasource: DS,
      refId: String.fromCharCode(65 + i),
      expr: t.expr,
      editorMode: 'code',
      range: !(t.table || t.instant),
      instant: Boolean(t.table || t.instant),
      legendFormat: t.legend ?? '__auto',
    };
    if (t.table) json.format = 'table';
    return json;
  });
}

// ---------------------------------------------------------------- field config pieces

// Grafana unit ids; `suffix:<text>` is Grafana's custom unit (value followed by the text).
type Unit = 'short' | 's' | 'percentunit' | 'bytes' | 'reqps' | typeof RECORDS_PER_SECOND | typeof ERRORS_PER_SECOND;
const RECORDS_PER_SECOND = 'suffix: rec/s';
const ERRORS_PER_SECOND = 'suffix: err/s';

const GREEN_RED_AT = (value: number): JsonObject => ({
  mode: 'absolute',
  steps: [
    { color: 'green', value: null },
    { color: 'red', value },
  ],
});

const GREEN_ONLY: JsonObject = { mode: 'absolute', steps: [{ color: 'green', value: null }] };

const READY_MAPPING: JsonObject = {
  type: 'value',
  options: {
    '0': { text: 'NOT READY', color: 'red', index: 0 },
    '1': { text: 'READY', color: 'green', index: 1 },
  },
};

/** mm2_flow_state as one number per flow (see flowDetail): 1 copying ... 5 blind. */
const REPLICATION_STATES: readonly [state: string, text: string, color: string][] = [
  ['copying', 'COPYING', 'green'],
  ['catching-up', 'CATCHING UP', 'yellow'],
  ['topic-stalled', 'TOPIC STALLED', 'orange'],
  ['mm2-silent', 'MM2 SILENT', 'red'],
  ['blind', 'BLIND (mirrorwatch cannot read)', 'purple'],
];

const STATE_MAPPING: JsonObject = {
  type: 'value',
  options: Object.fromEntries(REPLICATION_STATES.map(([, text, color], i) => [String(i + 1), { text, color, index: i }])),
};

const UP_MAPPING: JsonObject = {
  type: 'value',
  options: {
    '0': { text: 'DOWN', color: 'red', index: 0 },
    '1': { text: 'UP', color: 'green', index: 1 },
  },
};

const STUCK_MAPPING: JsonObject = {
  type: 'value',
  options: {
    '1': { text: 'STUCK', color: 'red', index: 0 },
  },
};

const EXPECTED_MAPPING: JsonObject = {
  type: 'value',
  options: {
    '0': { text: 'not emitted', color: 'text', index: 0 },
    '1': { text: 'expected', color: 'green', index: 1 },
  },
};

const MISSING_MAPPING: JsonObject = {
  type: 'value',
  options: {
    '0': { text: 'present', color: 'green', index: 0 },
    '1': { text: 'MISSING', color: 'red', index: 1 },
  },
};

interface FieldOptions {
  unit?: Unit;
  thresholds?: JsonObject;
  mappings?: JsonObject[];
  min?: number;
  decimals?: number;
  colorMode?: 'thresholds' | 'palette-classic';
  overrides?: JsonObject[];
  links?: JsonObject[];
  custom?: JsonObject;
}

function fieldConfig(o: FieldOptions): JsonObject {
  const defaults: JsonObject = {
    unit: o.unit ?? 'short',
    color: { mode: o.colorMode ?? 'thresholds' },
    thresholds: o.thresholds ?? GREEN_ONLY,
    mappings: o.mappings ?? [],
  };
  if (o.min !== undefined) defaults.min = o.min;
  if (o.decimals !== undefined) defaults.decimals = o.decimals;
  if (o.links) defaults.links = o.links;
  if (o.custom) defaults.custom = o.custom;
  return { defaults, overrides: o.overrides ?? [] };
}

function override(field: string, properties: Record<string, Json>): JsonObject {
  return {
    matcher: { id: 'byName', options: field },
    properties: Object.entries(properties).map(([id, value]) => ({ id, value })),
  };
}

// ---------------------------------------------------------------- panels

interface PanelBase {
  title: string;
  description: string;
  targets: readonly Target[];
  width: number;
  height: number;
}

interface Panel extends PanelBase {
  type: string;
  fieldConfig: JsonObject;
  options: JsonObject;
  transformations?: JsonObject[];
}

function stat(p: PanelBase & FieldOptions & { graph?: boolean }): Panel {
  return {
    ...p,
    type: 'stat',
    fieldConfig: fieldConfig(p),
    options: {
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      colorMode: 'background',
      graphMode: p.graph ? 'area' : 'none',
      justifyMode: 'auto',
      orientation: 'auto',
      textMode: 'auto',
      wideLayout: true,
      showPercentChange: false,
    },
  };
}

function timeseries(p: PanelBase & FieldOptions & { stack?: boolean; bars?: boolean }): Panel {
  const custom: JsonObject = {
    drawStyle: p.bars ? 'bars' : 'line',
    lineWidth: 1,
    fillOpacity: p.stack ? 30 : 10,
    showPoints: 'never',
    spanNulls: false,
    stacking: { mode: p.stack ? 'normal' : 'none', group: 'A' },
    axisSoftMin: 0,
  };
  return {
    ...p,
    type: 'timeseries',
    fieldConfig: fieldConfig({ colorMode: 'palette-classic', ...p, custom: { ...custom, ...p.custom } }),
    options: {
      legend: { displayMode: 'table', placement: 'right', showLegend: true, calcs: ['lastNotNull', 'max'] },
      tooltip: { mode: 'multi', sort: 'desc' },
    },
  };
}

/** One row per label set; the instant queries' values become columns named after the keys of `columns`. */
function table(p: PanelBase & FieldOptions & { columns: string[]; sortBy?: string }): Panel {
  const renameByName: Record<string, Json> = {};
  p.columns.forEach((name, i) => {
    renameByName[p.columns.length === 1 ? 'Value' : `Value #${String.fromCharCode(65 + i)}`] = name;
  });
  return {
    ...p,
    type: 'table',
    fieldConfig: fieldConfig({ ...p, custom: { align: 'auto', cellOptions: { type: 'auto' }, filterable: true } }),
    options: {
      showHeader: true,
      cellHeight: 'sm',
      footer: { show: false, reducer: ['sum'], fields: '' },
      sortBy: p.sortBy ? [{ displayName: p.sortBy, desc: true }] : [],
    },
    transformations: [
      { id: 'merge', options: {} },
      { id: 'organize', options: { excludeByName: { Time: true }, renameByName, indexByName: {} } },
    ],
  };
}

function stateTimeline(p: PanelBase & FieldOptions): Panel {
  return {
    ...p,
    type: 'state-timeline',
    fieldConfig: fieldConfig({ ...p, custom: { fillOpacity: 80, lineWidth: 0 } }),
    options: {
      mergeValues: true,
      showValue: 'auto',
      alignValue: 'left',
      rowHeight: 0.9,
      legend: { displayMode: 'list', placement: 'bottom', showLegend: false },
      tooltip: { mode: 'single', sort: 'none' },
    },
  };
}

/** Rows are the series (one per partition), colour is the value: a per-partition lag map over time. */
function heatmap(p: PanelBase & { unit: Unit }): Panel {
  return {
    ...p,
    type: 'heatmap',
    fieldConfig: { defaults: { custom: { hideFrom: { legend: false, tooltip: false, viz: false }, scaleDistribution: { type: 'linear' } } }, overrides: [] },
    options: {
      calculate: false,
      cellGap: 1,
      cellValues: { unit: p.unit },
      color: { mode: 'scheme', scheme: 'Oranges', fill: 'dark-orange', scale: 'exponential', exponent: 0.5, steps: 64, reverse: false },
      exemplars: { color: 'rgba(255,0,255,0.7)' },
      filterValues: { le: 1e-9 },
      legend: { show: true },
      rowsFrame: { layout: 'auto' },
      tooltip: { mode: 'single', yHistogram: false, showColorScale: true },
      yAxis: { axisPlacement: 'left', reverse: false },
      showValue: 'never',
    },
  };
}

// ---------------------------------------------------------------- layout

interface Row {
  title: string;
  panels: Panel[];
}

/** Places panels left to right in 24 columns, wrapping to a new line when a panel does not fit. */
function layout(rows: readonly Row[]): Json[] {
  const out: Json[] = [];
  let id = 1;
  let y = 0;
  for (const row of rows) {
    out.push({ type: 'row', id: id++, title: row.title, collapsed: false, gridPos: { h: 1, w: 24, x: 0, y }, panels: [] });
    y += 1;
    let x = 0;
    let lineHeight = 0;
    for (const p of row.panels) {
      if (x + p.width > 24) {
        y += lineHeight;
        x = 0;
        lineHeight = 0;
      }
      const json: JsonObject = {
        id: id++,
        type: p.type,
        title: p.title,
        description: p.description,
        datasource: DS,
        gridPos: { h: p.height, w: p.width, x, y },
        targets: targetsJson(p.targets),
        fieldConfig: p.fieldConfig,
        options: p.options,
      };
      if (p.transformations) json.transformations = p.transformations;
      out.push(json);
      x += p.width;
      lineHeight = Math.max(lineHeight, p.height);
    }
    y += lineHeight;
  }
  return out;
}

// ---------------------------------------------------------------- variables

const datasourceVariable: JsonObject = {
  name: 'datasource',
  label: 'Data source',
  type: 'datasource',
  query: 'prometheus',
  current: {},
  hide: 0,
  refresh: 1,
  regex: '',
  options: [],
  skipUrlSync: false,
};

function queryVariable(o: { name: string; label: string; query: string; multi?: boolean; allValue?: string | null; description?: string }): JsonObject {
  return {
    name: o.name,
    label: o.label,
    type: 'query',
    datasource: DS,
    definition: o.query,
    query: { query: o.query, refId: 'PrometheusVariableQueryEditor-VariableQuery' },
    refresh: 2,
    sort: 1,
    regex: '',
    multi: Boolean(o.multi),
    includeAll: Boolean(o.multi),
    // With "All", match any value rather than listing every topic or group in a huge regex
    // (and, for deployment labels, series that lack the label).
    ...(o.multi && o.allValue !== null ? { allValue: o.allValue ?? '.*' } : {}),
    ...(o.description ? { description: o.description } : {}),
    current: {},
    options: [],
    hide: 0,
    skipUrlSync: false,
  };
}

// ---------------------------------------------------------------- dashboards

interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  variables: JsonObject[];
  rows: Row[];
  time?: string;
}

const dashboardLinks: Json[] = [
  { title: 'mirrorwatch', type: 'dashboards', tags: ['mirrorwatch'], asDropdown: true, includeVars: false, keepTime: true, icon: 'external link', targetBlank: false, tooltip: '', url: '' },
];

function dashboard(spec: DashboardSpec): JsonObject {
  return {
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
      ],
    },
    description: spec.description,
    editable: true,
    fiscalYearStartMonth: 0,
    graphTooltip: 1,
    id: null,
    links: dashboardLinks,
    panels: layout(spec.rows),
    refresh: '30s',
    schemaVersion: SCHEMA_VERSION,
    tags: TAGS,
    templating: { list: [datasourceVariable, ...spec.variables] },
    time: { from: spec.time ?? 'now-3h', to: 'now' },
    timepicker: {},
    timezone: 'browser',
    title: spec.title,
    uid: spec.uid,
    version: 1,
  };
}

const FLOW_LEGEND = '{{source}} → {{target}}';

// ---------------------------------------------------------------- deployment labels

/** The mixin settings the dashboards are built for; set by buildDashboards. */
let mixin: MixinConfig = resolveMixin();
const deploymentLabels = (): readonly string[] => mixin.deploymentLabels;
const instanceLabel = (): string => mixin.replicaLabels[0] ?? 'instance';
/** `by (<deployment labels>, ...labels)`: one deployment's figures never merge with another's. */
const by = (...labels: string[]): string => `by (${[...new Set([...deploymentLabels(), ...labels])].join(', ')})`;
const on = (...labels: string[]): string => `on (${[...new Set([...deploymentLabels(), ...labels])].join(', ')})`;
/** Matchers of the deployment variables. */
const dep = (): string => deploymentLabels().map((l) => `${l}=~"$${l}"`).join(', ');
/** ... and of the replica (instance) variable: for raw series, which carry it. */
const depI = (): string => `${dep()}, ${instanceLabel()}=~"$${instanceLabel()}"`;

/**
 * One variable per deployment label, each listing the values under the previous ones, and
 * optionally the replica label. "All" matches every value and series without the label; the job
 * variable's "All" lists the jobs (so that `up` of other jobs stays out).
 */
function deploymentVariables(withInstance: boolean): JsonObject[] {
  const vars: JsonObject[] = [];
  const before: string[] = [];
  const selector = (): string => (before.length === 0 ? '' : `{${before.map((l) => `${l}=~"$${l}"`).join(', ')}}`);
  for (const l of deploymentLabels()) {
    vars.push(
      queryVariable({
        name: l,
        label: l,
        query: `label_values(mirrorwatch_build_info${selector()}, ${l})`,
        multi: true,
        allValue: l === 'job' ? null : '.*',
        description: `Deployment label ${l} (mixin setting deploymentLabels): every query filters on it and keeps it apart.`,
      }),
    );
    before.push(l);
  }
  if (withInstance) {
    const l = instanceLabel();
    vars.push(
      queryVariable({
        name: l,
        label: l,
        query: `label_values(mirrorwatch_build_info${selector()}, ${l})`,
        multi: true,
        description: 'One mirrorwatch replica, or All: the figures are then deduplicated over the replicas of an HA pair.',
      }),
    );
  }
  return vars;
}

/** Grafana URL parameters carrying the deployment variables to a linked dashboard. */
const deploymentUrlParams = (): string => deploymentLabels().map((l) => `\${${l}:queryparam}`).join('&');

function overview(): JsonObject {
  const flowLink: JsonObject = {
    title: 'Flow detail',
    url: `/d/mirrorwatch-flow/mirrorwatch-flow-detail?var-datasource=\${datasource}&var-source=\${__data.fields.source}&var-target=\${__data.fields.target}&${deploymentUrlParams()}&\${__url_time_range}`,
  };
  return dashboard({
    uid: 'mirrorwatch-overview',
    title: 'mirrorwatch / Overview',
    description: 'Every MirrorMaker 2 flow watched by mirrorwatch: failover readiness, lag, heartbeats, data loss and drift.',
    variables: deploymentVariables(false),
    rows: [
      {
        title: 'Summary',
        panels: [
          stat({
            title: 'Flows',
            description: 'Replication flows (source → target) mirrorwatch watches.',
            targets: [{ expr: `count(count ${by('source', 'target')} (mm2_flow_failover_ready{${dep()}}))`, instant: true }],
            width: 4,
            height: 4,
          }),
          stat({
            title: 'Flows not failover-ready',
            description: 'Flows where failing over now would lose more than the configured bounds, or where heartbeats, checkpoints or remote topics are missing. Reasons: mirrorwatch API /api/v1/flows/<source>/<target>/failover.',
            targets: [{ expr: `count(min ${by('source', 'target')} (max ${by('source', 'target', 'shard')} (mm2_flow_failover_ready{${dep()}})) == 0) or vector(0)`, instant: true }],
            thresholds: GREEN_RED_AT(1),
            width: 4,
            height: 4,
          }),
          stat({
            title: 'Records lost',
            description: 'Records deleted by retention on a source before MM2 copied them, summed over all flows. Anything above 0 is data loss (alert Mm2DataLost).',
            targets: [{ expr: `sum(mm2:flow_records_lost:sum{${dep()}}) or vector(0)`, instant: true }],
            thresholds: GREEN_RED_AT(1),
            width: 4,
            height: 4,
          }),
          stat({
            title: 'Worst lag',
            description: 'Age of the oldest record not yet copied, over all flows: the worst recovery point right now.',
            targets: [{ expr: `max(mm2:flow_lag_seconds:max{${dep()}})`, instant: true }],
            unit: 's',
            thresholds: { mode: 'absolute', steps: [{ color: 'green', value: null }, { color: 'orange', value: 60 }, { color: 'red', value: 300 }] },
            width: 4,
            height: 4,
          }),
          stat({
            title: 'Clusters unreachable',
            description: 'Kafka clusters whose last poll failed (mirrorwatch_cluster_up == 0).',
            targets: [{ expr: `count(max ${by('cluster')} (mirrorwatch_cluster_up{${dep()}}) == 0) or vector(0)`, instant: true }],
            thresholds: GREEN_RED_AT(1),
            width: 4,
            height: 4,
          }),
          stat({
            title: 'Firing alerts',
            description: "mirrorwatch's alerts (Mm2*, Mirrorwatch*) firing now in this Prometheus.",
            targets: [{ expr: `count(ALERTS{alertstate="firing", alertname=~"Mm2.+|Mirrorwatch.+", ${dep()}}) or vector(0)`, instant: true }],
            thresholds: GREEN_RED_AT(1),
            width: 4,
            height: 4,
          }),
        ],
      },
      {
        title: 'Flows',
        panels: [
          table({
            title: 'Flows',
            description: 'One row per flow. Lag: records not yet on the target, and the age of the oldest of them. Heartbeat age: empty when heartbeats are not emitted for this flow. Click a row for the flow detail.',
            targets: [
              { expr: `min ${by('source', 'target')} (max ${by('source', 'target', 'shard')} (mm2_flow_failover_ready{${dep()}}))`, table: true },
              { expr: `mm2:flow_lag_records:sum{${dep()}}`, table: true },
              { expr: `mm2:flow_lag_seconds:max{${dep()}}`, table: true },
              { expr: `max ${by('source', 'target')} (mm2_heartbeat_age_seconds{${dep()}})`, table: true },
              { expr: `max ${by('source', 'target')} (mm2_heartbeat_expected{${dep()}})`, table: true },
              { expr: `mm2:flow_records_lost:sum{${dep()}}`, table: true },
              { expr: `mm2:flow_remote_topics_missing:sum{${dep()}}`, table: true },
              { expr: `mm2:flow_remote_partitions_missing:sum{${dep()}}`, table: true },
            ],
            columns: ['Failover', 'Lag (records)', 'Lag (time)', 'Heartbeat age', 'Heartbeats', 'Records lost', 'Remote topics missing', 'Partitions missing'],
            links: [flowLink],
            overrides: [
              override('Failover', { mappings: [READY_MAPPING], 'custom.cellOptions': { type: 'color-background' } }),
              override('Lag (time)', { unit: 's' }),
              override('Heartbeat age', { unit: 's', thresholds: { mode: 'absolute', steps: [{ color: 'green', value: null }, { color: 'red', value: 60 }] }, 'custom.cellOptions': { type: 'color-text' } }),
              override('Heartbeats', { mappings: [EXPECTED_MAPPING] }),
              override('Records lost', { thresholds: GREEN_RED_AT(1), 'custom.cellOptions': { type: 'color-background' } }),
              override('Remote topics missing', { thresholds: GREEN_RED_AT(1), 'custom.cellOptions': { type: 'color-text' } }),
              override('Partitions missing', { thresholds: GREEN_RED_AT(1), 'custom.cellOptions': { type: 'color-text' } }),
            ],
            width: 24,
            height: 8,
          }),
        ],
      },
      {
        title: 'Lag',
        panels: [
          timeseries({
            title: 'Lag (records) per flow',
            description: 'Records on the source not yet copied to the target, summed over the flow (recording rule mm2:flow_lag_records:sum).',
            targets: [{ expr: `mm2:flow_lag_records:sum{${dep()}}`, legend: FLOW_LEGEND }],
            width: 12,
            height: 8,
          }),
          timeseries({
            title: 'Lag (time) per flow',
            description: 'Age of the oldest record not yet copied (mm2:flow_lag_seconds:max): what a failover now would lose, in time.',
            targets: [{ expr: `mm2:flow_lag_seconds:max{${dep()}}`, legend: FLOW_LEGEND }],
            unit: 's',
            width: 12,
            height: 8,
          }),
          timeseries({
            title: 'Heartbeat age',
            description: 'Age of the newest MM2 heartbeat of each flow seen on its target. Grows without bound while a flow is stopped. Flows without heartbeat emission have no line.',
            targets: [{ expr: `max ${by('source', 'target')} (mm2_heartbeat_age_seconds{${dep()}})`, legend: FLOW_LEGEND }],
            unit: 's',
            thresholds: GREEN_RED_AT(60),
            custom: { thresholdsStyle: { mode: 'dashed' } },
            width: 12,
            height: 8,
          }),
          timeseries({
            title: 'Source produce rate per flow',
            description: "Records per second written into the source topics each flow selects (mm2:flow_source_records:rate5m): the rate MM2 must sustain. Times the average record size, it is the flow's share of the inter-datacenter bandwidth.",
            targets: [{ expr: `mm2:flow_source_records:rate5m{${dep()}}`, legend: FLOW_LEGEND }],
            unit: RECORDS_PER_SECOND,
            width: 12,
            height: 8,
          }),
        ],
      },
      {
        title: 'Readiness, loss and drift',
        panels: [
          stateTimeline({
            title: 'Failover readiness',
            description: 'READY when heartbeats are fresh, lag is within bounds, nothing is lost, no topic or partition is missing and checkpoints are fresh.',
            targets: [{ expr: `min ${by('source', 'target')} (max ${by('source', 'target', 'shard')} (mm2_flow_failover_ready{${dep()}}))`, legend: FLOW_LEGEND }],
            mappings: [READY_MAPPING],
            width: 12,
            height: 8,
          }),
          timeseries({
            title: 'Records lost',
            description:
              'Records deleted on the source by retention before MM2 copied them (mm2:flow_records_lost:sum), and records newly seen lost in the last 30 minutes (mm2:flow_lost_records:increase30m, from the counter that keeps a loss after MM2 moved past it). Anything above 0 is data loss.',
            targets: [
              { expr: `mm2:flow_records_lost:sum{${dep()}}`, legend: FLOW_LEGEND },
              { expr: `mm2:flow_lost_records:increase30m{${dep()}}`, legend: `${FLOW_LEGEND} lost in the last 30m` },
            ],
            thresholds: GREEN_RED_AT(1),
            width: 12,
            height: 8,
          }),
          timeseries({
            title: 'Drift: remote topics and partitions missing',
            description: 'Selected source topics without a remote topic on the target, and partitions the remote topics lack. MM2 fixes both at its next topic refresh (refresh.topics.interval.seconds).',
            targets: [
              { expr: `mm2:flow_remote_topics_missing:sum{${dep()}}`, legend: 'topics missing {{source}} → {{target}}' },
              { expr: `mm2:flow_remote_partitions_missing:sum{${dep()}}`, legend: 'partitions missing {{source}} → {{target}}' },
            ],
            thresholds: GREEN_RED_AT(1),
            width: 12,
            height: 8,
          }),
          table({
            title: 'Most lagging topics',
            description: 'The ten topics with the most records not yet copied, over all flows.',
            targets: [{ expr: `topk(10, mm2:topic_lag_records:sum{${dep()}})`, table: true }],
            columns: ['Lag (records)'],
            sortBy: 'Lag (records)',
            width: 12,
            height: 8,
          }),
        ],
      },
    ],
  });
}

const PARTITION_LEGEND = '{{topic}} [{{partition}}]';

function flowDetail(): JsonObject {
  const FLOW = `source="$source", target="$target", ${depI()}`;
  const FLOW_TOPICS = `${FLOW}, topic=~"$topic"`;
  const SOURCE_TOPICS = `cluster="$source", topic=~"$topic", ${depI()}`;
  // The remote topics on the target are found by the name mirrorwatch exports for them
  // (mm2_remote_topic_info), never rebuilt as `<source>.<topic>`: the identity policy and custom
  // separators name them differently.
  const remoteTopics = `label_replace(max ${by('remote_topic')} (mm2_remote_topic_info{${FLOW_TOPICS}}), "topic", "$1", "remote_topic", "(.*)")`;
  const onRemote = (inner: string): string => `${inner} * ${on('topic')} group_left () ${remoteTopics}`;
  const remoteEnd = onRemote(`max ${by('topic', 'partition')} (mm2_partition_end_offset{cluster="$target", ${depI()}})`);
  const remoteRate = `sum ${by('topic')} (${onRemote(`max ${by('topic', 'partition')} (rate(mm2_partition_end_offset{cluster="$target", ${depI()}}[$__rate_interval]))`)})`;
  const lagByPartition = `max ${by('topic', 'partition')} (mm2_replication_lag_records{${FLOW_TOPICS}})`;
  const secondsByPartition = `max ${by('topic', 'partition')} (mm2_replication_lag_seconds{${FLOW_TOPICS}})`;
  const regionJoin = (inner: string) =>
    `${inner} * ${on('topic', 'partition')} group_left (region) max ${by('topic', 'partition', 'region')} (mm2_partition_region_info{${depI()}})`;
  return dashboard({
    uid: 'mirrorwatch-flow',
    title: 'mirrorwatch / Flow detail',
    description: 'One MirrorMaker 2 flow: per-partition lag, offsets, drift, consumer-group checkpoints and lag per region.',
    variables: [
      ...deploymentVariables(true),
      queryVariable({ name: 'source', label: 'Source', query: `label_values(mm2_flow_failover_ready{${depI()}}, source)` }),
      queryVariable({ name: 'target', label: 'Target', query: `label_values(mm2_flow_failover_ready{source="$source", ${depI()}}, target)` }),
      queryVariable({ name: 'topic', label: 'Topic', query: `label_values(mm2_remote_topic_missing{${FLOW}}, topic)`, multi: true }),
      queryVariable({ name: 'group', label: 'Consumer group', query: `label_values(mm2_checkpoint_age_seconds{${FLOW}}, group)`, multi: true }),
    ],
    rows: [
      {
        title: 'Flow $source → $target',
        panels: [
          stat({
            title: 'Failover',
            description: 'mirrorwatch\'s verdict. Reasons and RPO: GET /api/v1/flows/$source/$target/failover, or `mirrorwatch verify --flow "$source->$target"`.',
            targets: [{ expr: `min(max by (shard) (mm2_flow_failover_ready{${FLOW}}))`, instant: true }],
            mappings: [READY_MAPPING],
            width: 4,
            height: 4,
          }),
          stat({
            title: 'Lag (records)',
            description: 'Records of the selected topics not yet on the target.',
            targets: [{ expr: `sum(${lagByPartition})` }],
            graph: true,
            width: 4,
            height: 4,
          }),
          stat({
            title: 'Lag (time)',
            description: 'Age of the oldest record of the selected topics not yet on the target.',
            targets: [{ expr: `max(${secondsByPartition})` }],
            unit: 's',
            graph: true,
            thresholds: { mode: 'absolute', steps: [{ color: 'green', value: null }, { color: 'orange', value: 60 }, { color: 'red', value: 300 }] },
            width: 4,
            height: 4,
          }),
          stat({
            title: 'Heartbeat age',
            description: 'Age of the newest heartbeat of this flow on the target. No data when heartbeats are not emitted (see "Heartbeats").',
            targets: [{ expr: `max(mm2_heartbeat_age_seconds{${FLOW}})` }],
            unit: 's',
            graph: true,
            thresholds: GREEN_RED_AT(60),
            width: 4,
            height: 4,
          }),
          stat({
            title: 'Heartbeats',
            description: 'Whether MM2 emits heartbeats that prove this flow end to end (the reverse herder $target->$source emits them into $source).',
            targets: [{ expr: `max(mm2_heartbeat_expected{${FLOW}})`, instant: true }],
            mappings: [EXPECTED_MAPPING],
            width: 4,
            height: 4,
          }),
          stat({
            title: 'Records lost',
            description: 'Records of the selected topics deleted by retention on the source before MM2 copied them.',
            targets: [{ expr: `sum(max ${by('topic', 'partition')} (mm2_replication_records_lost{${FLOW_TOPICS}}))` }],
            thresholds: GREEN_RED_AT(1),
            width: 4,
            height: 4,
          }),
        ],
      },
      {
        title: 'Partitions',
        panels: [
          table({
            title: 'Lag per partition',
            description: 'Now, per partition of the selected topics. A partition without a value has an unknown replicated position (no offset sync yet, or its remote partition is missing).',
            targets: [
              { expr: lagByPartition, table: true },
              { expr: secondsByPartition, table: true },
              { expr: `max ${by('topic', 'partition')} (mm2_replication_records_lost{${FLOW_TOPICS}})`, table: true },
            ],
            columns: ['Lag (records)', 'Lag (time)', 'Records lost'],
            sortBy: 'Lag (records)',
            overrides: [
              override('Lag (time)', { unit: 's' }),
              override('Records lost', { thresholds: GREEN_RED_AT(1), 'custom.cellOptions': { type: 'color-background' } }),
            ],
            width: 10,
            height: 10,
          }),
          heatmap({
            title: 'Lag per partition over time',
            description: 'One row per partition, colour = records not yet copied. A partition that stays dark while the others clear points at a stuck MM2 task or a hot partition.',
            targets: [{ expr: lagByPartition, legend: PARTITION_LEGEND }],
            unit: 'short',
            width: 14,
            height: 10,
          }),
          timeseries({
            title: 'Lag (records) per partition',
            description: 'Records not yet on the target, per partition.',
            targets: [{ expr: lagByPartition, legend: PARTITION_LEGEND }],
            width: 12,
            height: 8,
          }),
          timeseries({
            title: 'Lag (time) per partition',
            description: 'Age of the oldest record not yet on the target, per partition.',
            targets: [{ expr: secondsByPartition, legend: PARTITION_LEGEND }],
            unit: 's',
            width: 12,
            height: 8,
          }),
        ],
      },
      {
        title: 'Offsets',
        panels: [
          timeseries({
            title: 'Source offsets',
            description: 'Per source partition: log-start offset, end offset (high watermark) and the replicated position (end minus lag: the first source offset not yet on the target). Records lost = start above replicated.',
            targets: [
              { expr: `max ${by('topic', 'partition')} (mm2_partition_end_offset{${SOURCE_TOPICS}})`, legend: 'end {{topic}} [{{partition}}]' },
              { expr: `max ${by('topic', 'partition')} (mm2_partition_end_offset{${SOURCE_TOPICS}}) - ${lagByPartition}`, legend: 'replicated {{topic}} [{{partition}}]' },
              { expr: `max ${by('topic', 'partition')} (mm2_partition_start_offset{${SOURCE_TOPICS}})`, legend: 'start {{topic}} [{{partition}}]' },
            ],
            width: 12,
            height: 8,
          }),
          timeseries({
            title: 'Remote topic end offsets on $target',
            description: 'End offsets of the remote topics on the target, found by the names mirrorwatch exports for them (mm2_remote_topic_info: <source>.<topic> with the default replication policy, <topic> with the identity policy, or with your separator). In active-active set-ups with the identity policy, the remote topic is also the target\'s local topic of that name, and its local writes show here too.',
            targets: [{ expr: remoteEnd, legend: PARTITION_LEGEND }],
            width: 12,
            height: 8,
          }),
          timeseries({
            title: 'Write rates',
            description: 'Records per second written to the selected source topics, and to their remote topics by MM2. While MM2 keeps up, both lines match.',
            targets: [
              { expr: `sum ${by('topic')} (max ${by('topic', 'partition')} (rate(mm2_partition_end_offset{${SOURCE_TOPICS}}[$__rate_interval])))`, legend: 'source {{topic}}' },
              { expr: remoteRate, legend: 'remote {{topic}}' },
            ],
            unit: RECORDS_PER_SECOND,
            width: 12,
            height: 8,
          }),
          table({
            title: 'Drift',
            description: 'Per selected topic: whether its remote topic exists on the target, and how many partitions it lacks.',
            targets: [
              { expr: `max ${by('topic')} (mm2_remote_topic_missing{${FLOW_TOPICS}})`, table: true },
              { expr: `max ${by('topic')} (mm2_remote_partitions_missing{${FLOW_TOPICS}})`, table: true },
            ],
            columns: ['Remote topic', 'Partitions missing'],
            overrides: [
              override('Remote topic', { mappings: [MISSING_MAPPING], 'custom.cellOptions': { type: 'color-text' } }),
              override('Partitions missing', { thresholds: GREEN_RED_AT(1), 'custom.cellOptions': { type: 'color-text' } }),
            ],
            width: 12,
            height: 8,
          }),
        ],
      },
      {
        title: 'Consumer-group checkpoints',
        panels: [
          timeseries({
            title: 'Checkpoint age per group',
            description: 'Age of the newest checkpoint of each consumer group. MM2 writes a checkpoint only when the translated offset changes, so an idle group ages without harm; it matters when the group also has a translation lag.',
            targets: [{ expr: `max ${by('group')} (mm2_checkpoint_age_seconds{${FLOW}, group=~"$group"})`, legend: '{{group}}' }],
            unit: 's',
            width: 12,
            height: 8,
          }),
          timeseries({
            title: 'Group translation lag',
            description: "Per group and topic: the group's committed offset on the source minus the upstream offset of its latest checkpoint. What a consumer failed over to the target would re-read.",
            targets: [
              {
                expr: `sum ${by('group', 'topic')} (max ${by('group', 'topic', 'partition')} (mm2_checkpoint_lag_records{${FLOW_TOPICS}, group=~"$group"}))`,
                legend: '{{group}} {{topic}}',
              },
            ],
            width: 12,
            height: 8,
          }),
        ],
      },
      {
        title: 'Replication state',
        panels: [
          stateTimeline({
            title: 'Replication state',
            description:
              'mm2_flow_state: COPYING; CATCHING UP (copying again after a silence or stall, lag still above maxLagRecords); TOPIC STALLED (a topic\'s source moves while its target end and offset syncs stand still: a failed MM2 task; which topic: mm2_topic_stalled); MM2 SILENT (no heartbeat past replicationState.silentAfter); BLIND (mirrorwatch cannot read: never MM2 down). Reasons: GET /api/v1/flows/$source/$target.',
            // The current state's number: every state series is 0 except the current one.
            targets: [
              {
                expr: `max(${REPLICATION_STATES.map(([state], i) => `${i + 1} * mm2_flow_state{${FLOW}, state="${state}"}`).join(' or ')})`,
                legend: '$source → $target',
              },
            ],
            mappings: [STATE_MAPPING],
            width: 24,
            height: 5,
          }),
        ],
      },
      {
        title: 'Lag per region',
        panels: [
          timeseries({
            title: 'Lag (records) per region',
            description: 'Lag summed per region, for partitions mapped to regions by mm2_partition_region_info{topic, partition, region}. No data when no region mapping is configured.',
            targets: [{ expr: `sum ${by('region')} (${regionJoin(lagByPartition)})`, legend: '{{region}}' }],
            width: 12,
            height: 8,
          }),
          timeseries({
            title: 'Lag (time) per region',
            description: 'Age of the oldest record not yet copied, per region (mm2_partition_region_info). No data when no region mapping is configured.',
            targets: [{ expr: `max ${by('region')} (${regionJoin(secondsByPartition)})`, legend: '{{region}}' }],
            unit: 's',
            width: 12,
            height: 8,
          }),
        ],
      },
      {
        title: 'Count audit',
        panels: [
          stat({
            title: 'Missing (audit, 24h)',
            description: 'Records of the selected topics that the count audit found on the source but not on the target, over the buckets closed in the last 24 h (docs/audit.md). Above 0 is data loss (alert Mm2AuditRecordsMissing).',
            targets: [{ expr: `sum(max by (topic) (increase(mm2_audit_missing_records_total{${FLOW_TOPICS}}[24h]))) or vector(0)`, instant: true }],
            thresholds: GREEN_RED_AT(1),
            width: 6,
            height: 4,
          }),
          stat({
            title: 'Duplicated (audit, 24h)',
            description: 'Records the target holds more than once, found by the count audit over the buckets closed in the last 24 h. At-least-once MM2 leaves some after a crash; exactly-once MM2 none (alert Mm2AuditRecordsDuplicated).',
            targets: [{ expr: `sum(max by (topic) (increase(mm2_audit_duplicated_records_total{${FLOW_TOPICS}}[24h]))) or vector(0)`, instant: true }],
            thresholds: GREEN_RED_AT(1),
            width: 6,
            height: 4,
          }),
          stat({
            title: 'Audited up to',
            description: 'How long ago the last bucket the count audit decided ended: bucket length, settle delay and MM2 catching up (alert Mm2AuditStalled above 30m).',
            targets: [{ expr: `time() - min(max by (shard) (mm2_audit_last_bucket_end_timestamp_seconds{${FLOW}}))`, instant: true }],
            unit: 's',
            thresholds: GREEN_RED_AT(1800),
            width: 6,
            height: 4,
          }),
          stat({
            title: 'Partitions not judged',
            description: 'Partitions of the selected topics the count audit could not judge in its last bucket; reasons in the panel below and in /api/v1/flows/$source/$target/audit.',
            targets: [{ expr: `sum(max by (topic, reason) (mm2_audit_partitions_not_judged{${FLOW_TOPICS}})) or vector(0)`, instant: true }],
            thresholds: GREEN_RED_AT(1),
            width: 6,
            height: 4,
          }),
          timeseries({
            title: 'Records missing and duplicated per topic (audit)',
            description: 'Per topic, records the count audit found missing on the target or duplicated, per 5 minutes of closed buckets.',
            targets: [
              { expr: `max by (topic) (increase(mm2_audit_missing_records_total{${FLOW_TOPICS}}[5m]))`, legend: 'missing {{topic}}' },
              { expr: `max by (topic) (increase(mm2_audit_duplicated_records_total{${FLOW_TOPICS}}[5m]))`, legend: 'duplicated {{topic}}' },
            ],
            width: 12,
            height: 8,
          }),
          timeseries({
            title: 'Partitions not judged by reason (audit)',
            description: 'Partitions the count audit could not judge in its last bucket, by topic and reason (docs/audit.md explains each reason).',
            targets: [{ expr: `max by (topic, reason) (mm2_audit_partitions_not_judged{${FLOW_TOPICS}})`, legend: '{{topic}}: {{reason}}' }],
            width: 12,
            height: 8,
          }),
        ],
      },
    ],
  });
}

function monitorHealth(): JsonObject {
  const JOB = depI();
  return dashboard({
    uid: 'mirrorwatch-health',
    title: 'mirrorwatch / Monitor health',
    description: "mirrorwatch itself: scrapes, polls of each Kafka cluster, errors, Kafka requests and the process.",
    time: 'now-6h',
    variables: deploymentVariables(true),
    rows: [
      {
        title: 'Instances',
        panels: [
          stat({
            title: 'Scrape',
            description: 'Whether Prometheus reaches each mirrorwatch instance (up). DOWN for 3m fires MirrorwatchDown.',
            targets: [{ expr: `up{${JOB}}`, legend: '{{instance}}', instant: true }],
            mappings: [UP_MAPPING],
            width: 6,
            height: 4,
          }),
          table({
            title: 'Version',
            description: 'mirrorwatch version of each instance (mirrorwatch_build_info).',
            targets: [{ expr: `max by (instance, version) (mirrorwatch_build_info{${JOB}})`, table: true }],
            columns: ['Info'],
            overrides: [override('Info', { 'custom.hidden': true })],
            width: 6,
            height: 4,
          }),
          stat({
            title: 'Snapshot age',
            description: 'Seconds since the snapshot behind /metrics was computed. Grows when the poll loop stops finishing.',
            targets: [{ expr: `time() - max by (instance) (mirrorwatch_snapshot_timestamp_seconds{${JOB}})`, legend: '{{instance}}' }],
            unit: 's',
            thresholds: GREEN_RED_AT(120),
            graph: true,
            width: 6,
            height: 4,
          }),
          stat({
            title: 'Exported series',
            description: 'Series derived from the latest snapshot (mirrorwatch_snapshot_series). granularity: topic cuts them for very large clusters.',
            targets: [{ expr: `max by (instance) (mirrorwatch_snapshot_series{${JOB}})`, legend: '{{instance}}' }],
            graph: true,
            width: 6,
            height: 4,
          }),
        ],
      },
      {
        title: 'Polls',
        panels: [
          stateTimeline({
            title: 'Cluster reachable',
            description: 'mirrorwatch_cluster_up per cluster and instance: DOWN when the last poll failed. DOWN for 5m fires MirrorwatchClusterUnreachable.',
            targets: [{ expr: `mirrorwatch_cluster_up{${JOB}}`, legend: '{{cluster}} ({{instance}})' }],
            mappings: [UP_MAPPING],
            width: 12,
            height: 8,
          }),
          timeseries({
            title: 'Poll duration',
            description: 'Duration of the last poll of each cluster (metadata, offsets, MM2 internal topics). Should stay well below poll.timeout.',
            targets: [{ expr: `max by (cluster, instance) (mirrorwatch_poll_duration_seconds{${JOB}})`, legend: '{{cluster}} ({{instance}})' }],
            unit: 's',
            width: 12,
            height: 8,
          }),
          timeseries({
            title: 'Time since last successful poll',
            description: 'Over 5m (with the cluster reachable) fires MirrorwatchPollsFailing.',
            targets: [{ expr: `time() - max by (cluster, instance) (mirrorwatch_last_poll_success_timestamp_seconds{${JOB}})`, legend: '{{cluster}} ({{instance}})' }],
            unit: 's',
            width: 12,
            height: 8,
          }),
          stat({
            title: 'Poll errors (1h)',
            description: 'Failed polls or poll steps in the last hour, all clusters.',
            targets: [{ expr: `sum(increase(mirrorwatch_poll_errors_total{${JOB}}[1h])) or vector(0)`, instant: true }],
            thresholds: GREEN_RED_AT(1),
            width: 6,
            height: 8,
          }),
          stat({
            title: 'Decode errors (1h)',
            description: 'MM2 records that did not decode in the last hour (unknown record version, truncated record).',
            targets: [{ expr: `sum(increase(mirrorwatch_decode_errors_total{${JOB}}[1h])) or vector(0)`, instant: true }],
            thresholds: GREEN_RED_AT(1),
            width: 6,
            height: 8,
          }),
          timeseries({
            title: 'Poll errors by kind',
            description: 'Rate of failed polls or poll steps per cluster and kind. No data while nothing fails.',
            targets: [{ expr: `sum ${by('cluster', 'kind')} (rate(mirrorwatch_poll_errors_total{${JOB}}[$__rate_interval]))`, legend: '{{cluster}} {{kind}}' }],
            unit: ERRORS_PER_SECOND,
            width: 12,
            height: 8,
          }),
          timeseries({
            title: 'Decode errors by topic',
            description: 'Rate of MM2 records that did not decode, per cluster and topic. No data while everything decodes.',
            targets: [{ expr: `sum ${by('cluster', 'topic')} (rate(mirrorwatch_decode_errors_total{${JOB}}[$__rate_interval]))`, legend: '{{cluster}} {{topic}}' }],
            unit: ERRORS_PER_SECOND,
            width: 12,
            height: 8,
          }),
          timeseries({
            title: 'Tail errors by topic and kind',
            description:
              'Rate of fetches of MM2 topics that stopped short (mirrorwatch_tail_errors_total), per cluster, topic and kind: kafka (e.g. TOPIC_AUTHORIZATION_FAILED), codec, corrupt, unreachable, out-of-range. No data while every tail reads.',
            targets: [{ expr: `sum ${by('cluster', 'topic', 'kind')} (rate(mirrorwatch_tail_errors_total{${JOB}}[$__rate_interval]))`, legend: '{{cluster}} {{topic}} {{kind}}' }],
            unit: ERRORS_PER_SECOND,
            width: 12,
            height: 8,
          }),
          stateTimeline({
            title: 'Stuck MM2 topics (mirrorwatch blind)',
            description:
              'mirrorwatch_tail_stuck: MM2 topics mirrorwatch cannot read or decode now. Their heartbeats, offset syncs or checkpoints are not evidence about MM2 meanwhile; 5m fires MirrorwatchBlind. No data while every tail reads.',
            targets: [{ expr: `max by (cluster, topic, kind, instance) (mirrorwatch_tail_stuck{${JOB}})`, legend: '{{cluster}} {{topic}} {{kind}} ({{instance}})' }],
            mappings: [STUCK_MAPPING],
            width: 12,
            height: 8,
          }),
        ],
      },
      {
        title: 'Kafka requests and scrapes',
        panels: [
          timeseries({
            title: 'Kafka requests',
            description: 'Requests mirrorwatch sends to each cluster, by Kafka API. Grows with brokers and MM2 topics, not with the number of topics watched.',
            targets: [{ expr: `sum ${by('cluster', 'api')} (rate(mirrorwatch_kafka_requests_total{${JOB}}[$__rate_interval]))`, legend: '{{cluster}} {{api}}' }],
            unit: 'reqps',
            stack: true,
            width: 12,
            height: 8,
          }),
          timeseries({
            title: 'Scrape duration',
            description: 'How long Prometheus takes to scrape /metrics. A scrape renders the latest snapshot and never waits on Kafka.',
            targets: [{ expr: `scrape_duration_seconds{${JOB}}`, legend: '{{instance}}' }],
            unit: 's',
            width: 12,
            height: 8,
          }),
          timeseries({
            title: 'Samples per scrape',
            description: 'Samples Prometheus ingests per scrape of each instance.',
            targets: [{ expr: `scrape_samples_scraped{${JOB}}`, legend: '{{instance}}' }],
            width: 12,
            height: 8,
          }),
        ],
      },
      {
        title: 'Process',
        panels: [
          timeseries({
            title: 'Memory (RSS)',
            description: 'Resident memory of the mirrorwatch process.',
            targets: [{ expr: `process_resident_memory_bytes{${JOB}}`, legend: '{{instance}}' }],
            unit: 'bytes',
            width: 8,
            height: 8,
          }),
          timeseries({
            title: 'CPU',
            description: 'CPU seconds per second used by the mirrorwatch process.',
            targets: [{ expr: `rate(process_cpu_seconds_total{${JOB}}[$__rate_interval])`, legend: '{{instance}}' }],
            unit: 'percentunit',
            width: 8,
            height: 8,
          }),
          timeseries({
            title: 'Event loop lag (p99)',
            description: "Node.js event loop delay, 99th percentile: scrapes and polls share the loop, so this bounds their extra latency.",
            targets: [{ expr: `nodejs_eventloop_lag_p99_seconds{${JOB}}`, legend: '{{instance}}' }],
            unit: 's',
            width: 8,
            height: 8,
          }),
        ],
      },
    ],
  });
}

/** File name (in grafana/dashboards/) -> dashboard JSON, for the mixin settings (default: the defaults). */
export function buildDashboards(config: MixinConfig = resolveMixin()): Record<string, JsonObject> {
  mixin = config;
  return {
    'mirrorwatch-overview.json': overview(),
    'mirrorwatch-flow.json': flowDetail(),
    'mirrorwatch-health.json': monitorHealth(),
  };
}

export function renderDashboard(dashboard: JsonObject): string {
  return JSON.stringify(dashboard, null, 2) + '\n';
}

function main(argv: readonly string[]): number {
  const check = argv.includes('--check');
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const configFile = arg('--config');
  const outDir = arg('--out') ?? DASHBOARD_DIR;
  const config = resolveMixin(configFile ? yaml.load(fs.readFileSync(configFile, 'utf8')) : {}, configFile);
  let stale = 0;
  for (const [file, json] of Object.entries(buildDashboards(config))) {
    const target = path.join(outDir, file);
    const text = renderDashboard(json);
    const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : null;
    if (current === text) continue;
    if (check) {
      console.error(`${path.relative(REPO_ROOT, target)} is out of date: run npx tsx scripts/gen-dashboards.ts`);
      stale++;
    } else {
      fs.mkdirSync(outDir, { recursive: true });
      fs.writeFileSync(target, text);
      console.log(`wrote ${path.relative(REPO_ROOT, target)}`);
    }
  }
  return stale > 0 ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
