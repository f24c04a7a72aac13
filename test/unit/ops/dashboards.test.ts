// The Grafana dashboards: generated from scripts/gen-dashboards.ts and committed unchanged, wired to
// the `datasource` variable, every variable they use defined, every metric they read real, and
// every query valid PromQL (checked by promtool as recording rules).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { buildDashboards, renderDashboard } from '../../../scripts/gen-dashboards.js';
import {
  DEFAULT_VARIABLE_VALUES,
  allPanels,
  conditionsOf,
  dashboardFiles,
  extractDashboardQueries,
  loadDashboard,
  substituteVariables,
  variableQueryExpr,
  variablesIn,
} from './dashboardQueries.js';
import { MIRRORWATCH_METRICS, OTHER_METRICS, metricNamesIn } from './promql.js';
import { recordedMetricNames } from './ruleFiles.js';
import { resolveMixin } from '../../../src/mixin/config.js';
import { assertToolInCi, repoPath, runTool, toolAvailability } from './tools.js';

const promtool = toolAvailability('promtool', 'prometheus');

describe('dashboard files', () => {
  it('are exactly what scripts/gen-dashboards.ts generates', () => {
    const generated = buildDashboards();
    expect(dashboardFiles()).toEqual(Object.keys(generated).sort());
    for (const [file, json] of Object.entries(generated)) {
      const committed = fs.readFileSync(repoPath('grafana', 'dashboards', file), 'utf8');
      expect(committed, `${file} is stale: run npx tsx scripts/gen-dashboards.ts`).toBe(renderDashboard(json));
    }
  });

  it('have unique uids, a recent schema and a Prometheus datasource variable every panel uses', () => {
    const uids = new Set<string>();
    for (const file of dashboardFiles()) {
      const d = loadDashboard(file);
      expect(uids.has(d.uid), `duplicate uid ${d.uid}`).toBe(false);
      uids.add(d.uid);
      expect(d.schemaVersion).toBeGreaterThanOrEqual(39);
      const ds = d.templating.list.find((v) => v.name === 'datasource');
      expect(ds, `${file}: no datasource variable`).toMatchObject({ type: 'datasource', query: 'prometheus' });
      for (const p of allPanels(d.panels)) {
        if (p.type === 'row') continue;
        const panel = p as { title: string; datasource?: { uid?: string }; targets?: { datasource?: { uid?: string } }[] };
        expect(panel.datasource?.uid, `${file} / ${panel.title}`).toBe('${datasource}');
        for (const t of panel.targets ?? []) expect(t.datasource?.uid, `${file} / ${panel.title}`).toBe('${datasource}');
      }
    }
  });

  it('lay panels out on the 24-column grid without overlaps', () => {
    for (const file of dashboardFiles()) {
      const cells = new Map<string, string>();
      for (const p of allPanels(loadDashboard(file).panels) as { title: string; gridPos: { x: number; y: number; w: number; h: number } }[]) {
        const { x, y, w, h } = p.gridPos;
        expect(x + w, `${file} / ${p.title} is wider than the grid`).toBeLessThanOrEqual(24);
        for (let i = x; i < x + w; i++) {
          for (let j = y; j < y + h; j++) {
            const key = `${i},${j}`;
            expect(cells.get(key), `${file}: "${p.title}" overlaps "${cells.get(key)}"`).toBeUndefined();
            cells.set(key, p.title);
          }
        }
      }
    }
  });

  it('define every template variable their queries use', () => {
    const builtIn = new Set(Object.keys(DEFAULT_VARIABLE_VALUES).filter((k) => k.startsWith('__')));
    for (const file of dashboardFiles()) {
      const d = loadDashboard(file);
      const defined = new Set(d.templating.list.map((v) => v.name));
      for (const q of extractDashboardQueries().filter((q) => q.file === file)) {
        for (const name of variablesIn(q.rawExpr)) {
          expect(defined.has(name) || builtIn.has(name), `${file} / ${q.panel}: $${name} is not defined`).toBe(true);
        }
      }
    }
  });

  it('read only metrics that mirrorwatch, the recording rules or Prometheus provide', () => {
    const known = new Set([...MIRRORWATCH_METRICS, ...OTHER_METRICS, ...recordedMetricNames()]);
    const unknown = extractDashboardQueries().flatMap((q) =>
      metricNamesIn(q.expr)
        .filter((n) => !known.has(n))
        .map((n) => `${q.file} / ${q.panel}: ${n}`),
    );
    expect(unknown).toEqual([]);
  });
});

describe('dashboard query helpers', () => {
  it('substitute every variable form and leave label_replace references alone', () => {
    const values = { source: 'us-east', topic: 'orders', __rate_interval: '1m' };
    expect(substituteVariables('rate(x{a="$source", b=~"${topic}", c="[[topic]]", d="${source:regex}"}[$__rate_interval])', values)).toBe(
      'rate(x{a="us-east", b=~"orders", c="orders", d="us-east"}[1m])',
    );
    expect(substituteVariables('label_replace(x, "t", "$1", "c", "(.*)")', values)).toBe('label_replace(x, "t", "$1", "c", "(.*)")');
    expect(() => substituteVariables('x{a="$nope"}', values)).toThrow(/\$nope/);
  });

  it('find the PromQL of variable queries', () => {
    expect(variableQueryExpr('label_values(mm2_flow_failover_ready{source="$source"}, target)')).toBe('mm2_flow_failover_ready{source="$source"}');
    expect(variableQueryExpr('query_result(topk(5, up))')).toBe('topk(5, up)');
    expect(variableQueryExpr('label_values(job)')).toBeNull();
  });

  it('mark queries of set-up dependent series as conditional, unless they fall back to a vector', () => {
    expect(conditionsOf('sum by (region) (x * on (topic) group_left (region) mm2_partition_region_info)')).toHaveLength(1);
    expect(conditionsOf('sum(increase(mirrorwatch_poll_errors_total[1h])) or vector(0)')).toEqual([]);
    expect(conditionsOf('mm2:flow_lag_records:sum')).toEqual([]);
  });
});

describe.skipIf(promtool.skipReason !== null)('dashboard queries (promtool)', () => {
  it('are all valid PromQL', () => {
    const command = assertToolInCi('promtool', promtool, 'prometheus');
    const queries = extractDashboardQueries();
    expect(queries.length).toBeGreaterThan(0);
    // One group per query, named after its origin, so that promtool's error names the panel.
    const groups = queries.map((q, i) => ({
      name: `${i + 1}: ${q.file} / ${q.panel} / ${q.refId}`,
      rules: [{ record: `dashboard_query_${i + 1}`, expr: q.expr }],
    }));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-dashboard-queries-'));
    try {
      const file = path.join(dir, 'queries.yml');
      fs.writeFileSync(file, yaml.dump({ groups }, { lineWidth: -1 }));
      const r = runTool(command, ['check', 'rules', file]);
      expect(r.status, r.output).toBe(0);
      expect(r.output).toContain(`SUCCESS: ${queries.length} rules found`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const conditional = queries.filter((q) => q.conditions.length > 0).length;
    console.log(
      `dashboards: ${queries.length} queries from ${dashboardFiles().length} dashboards validated with promtool ` +
        `(${conditional} conditional on set-up dependent series)`,
    );
  });
});

describe('dashboards as part of the mixin', () => {
  const deployment = resolveMixin().deploymentLabels;

  it('filter every series they read on every deployment variable, and raw series on the instance variable where there is one', () => {
    const missing: string[] = [];
    for (const file of dashboardFiles()) {
      const d = loadDashboard(file);
      const names = new Set(d.templating.list.map((v) => v.name));
      for (const l of deployment) expect(names.has(l), `${file}: no variable ${l}`).toBe(true);
      // The deployment variables' own queries list values under the variables before them.
      const own = new Set([...deployment, 'instance'].map((l) => `variable ${l}`));
      for (const q of extractDashboardQueries().filter((x) => x.file === file && !own.has(x.panel))) {
        for (const name of metricNamesIn(q.rawExpr)) {
          const escaped = name.replace(/[:]/g, '\\:');
          for (const m of q.rawExpr.matchAll(new RegExp(`(?<![\\w:"])${escaped}(\\{[^}]*\\})?`, 'g'))) {
            const selector = m[1] ?? '';
            const wanted = deployment.map((l) => `${l}=~"$${l}"`);
            if (names.has('instance') && !name.includes(':')) wanted.push('instance=~"$instance"');
            for (const w of wanted) if (!selector.includes(w)) missing.push(`${file} / ${q.panel}: ${name}${selector} lacks ${w}`);
          }
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('follow other mixin settings: their deployment labels become the variables', () => {
    const custom = buildDashboards(resolveMixin({ deploymentLabels: ['region_name'], replicaLabels: ['pod'] }));
    const flow = custom['mirrorwatch-flow.json'] as unknown as { templating: { list: { name: string }[] }; panels: { targets?: { expr: string }[] }[] };
    expect(flow.templating.list.map((v) => v.name).slice(0, 3)).toEqual(['datasource', 'region_name', 'pod']);
    const exprs = flow.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
    expect(exprs.length).toBeGreaterThan(0);
    for (const e of exprs) expect(e).toContain('region_name=~"$region_name"');
    // The committed files are the defaults again afterwards.
    expect(renderDashboard(buildDashboards()['mirrorwatch-flow.json'] as never)).toBe(fs.readFileSync(repoPath('grafana', 'dashboards', 'mirrorwatch-flow.json'), 'utf8'));
  });
});

describe.skipIf(promtool.skipReason !== null)('flow dashboard remote-topic panels (promtool)', () => {
  // The remote topic of us-east's `orders` on us-west, as three replication policies name it; a
  // local topic of us-west and another flow's remote topic must never show.
  it.each([
    ['default policy', 'us-east.orders'],
    ['identity policy', 'orders'],
    ['custom separator "__"', 'us-east__orders'],
  ])('find the remote topic by the name mirrorwatch exports (%s)', (_policy, remote) => {
    const command = assertToolInCi('promtool', promtool, 'prometheus');
    const panel = extractDashboardQueries({ source: 'us-east', target: 'us-west', topic: '.*' }).find(
      (q) => q.file === 'mirrorwatch-flow.json' && q.panel === 'Remote topic end offsets on $target',
    );
    expect(panel).toBeDefined();
    const common = 'job="mirrorwatch",instance="mw:9467"';
    const series = [
      { series: `mm2_remote_topic_info{source="us-east",target="us-west",topic="orders",remote_topic="${remote}",${common}}`, values: '1x5' },
      { series: `mm2_remote_topic_info{source="eu-west",target="us-west",topic="orders",remote_topic="eu-west.orders",${common}}`, values: '1x5' },
      { series: `mm2_partition_end_offset{cluster="us-west",topic="${remote}",partition="0",${common}}`, values: '700x5' },
      { series: `mm2_partition_end_offset{cluster="us-west",topic="${remote}",partition="1",${common}}`, values: '300x5' },
      { series: `mm2_partition_end_offset{cluster="us-west",topic="eu-west.orders",partition="0",${common}}`, values: '900x5' },
      { series: `mm2_partition_end_offset{cluster="us-west",topic="payments",partition="0",${common}}`, values: '50x5' },
      // A second replica of the same deployment: deduplicated, not doubled.
      { series: `mm2_partition_end_offset{cluster="us-west",topic="${remote}",partition="0",job="mirrorwatch",instance="mw-2:9467"}`, values: '700x5' },
    ];
    if (remote !== 'orders') series.push({ series: `mm2_partition_end_offset{cluster="us-west",topic="orders",partition="0",${common}}`, values: '10x5' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-dashboard-remote-'));
    try {
      fs.writeFileSync(path.join(dir, 'empty.yml'), 'groups: []\n');
      const test = {
        rule_files: ['empty.yml'],
        evaluation_interval: '1m',
        tests: [
          {
            interval: '1m',
            input_series: series,
            promql_expr_test: [
              {
                expr: panel?.expr,
                eval_time: '2m',
                exp_samples: [
                  { labels: `{job="mirrorwatch",topic="${remote}",partition="0"}`, value: 700 },
                  { labels: `{job="mirrorwatch",topic="${remote}",partition="1"}`, value: 300 },
                ],
              },
            ],
          },
        ],
      };
      fs.writeFileSync(path.join(dir, 'remote.test.yml'), yaml.dump(test, { lineWidth: -1 }));
      const r = runTool(command, ['test', 'rules', path.join(dir, 'remote.test.yml')]);
      expect(r.status, r.output).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
