// The alert rules' contract with users: names, severity, annotations, runbooks, documentation,
// and a promtool unit test that fires and one that stays quiet for every alert. (Whether the tests
// pass is promtool.test.ts's job; this file checks that they exist and say enough.)
import fs from 'node:fs';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { MIRRORWATCH_METRICS, OTHER_METRICS, metricNamesIn } from './promql.js';
import {
  ALERT_RULES_FILE,
  alertNames,
  alertRules,
  alertRulesWith,
  alertTestCases,
  promtoolTestFiles,
  readRules,
  recordedMetricNames,
  RECORDING_RULES_FILE,
} from './ruleFiles.js';
import type { RulesDocument } from './ruleFiles.js';
import { repoPath } from './tools.js';

/** The alerts issue 4 asks for. More may be added; none of these may disappear. */
const REQUIRED_ALERTS = [
  'Mm2ReplicationLagHigh',
  'Mm2ReplicationLagSecondsHigh',
  'Mm2HeartbeatStale',
  'Mm2DataLost',
  'Mm2RemoteTopicMissing',
  'Mm2RemotePartitionsMissing',
  'Mm2CheckpointsStale',
  'Mm2FlowNotFailoverReady',
  'MirrorwatchClusterUnreachable',
  'MirrorwatchPollsFailing',
  'MirrorwatchDown',
  'MirrorwatchAbsent',
];

/** Alerts whose value is a measurement worth reading in the notification. */
const ALERTS_WITH_VALUE = [
  'Mm2ReplicationLagHigh',
  'Mm2ReplicationLagSecondsHigh',
  'Mm2DataLost',
  'Mm2RemotePartitionsMissing',
  'Mm2CheckpointsStale',
  'MirrorwatchPollsFailing',
];

const SEVERITIES = new Set(['critical', 'warning', 'info']);

describe('alert rules', () => {
  it('include every required alert, named in CamelCase', () => {
    const names = alertNames();
    expect(names).toEqual(expect.arrayContaining(REQUIRED_ALERTS));
    for (const name of names) expect(name).toMatch(/^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+)+$/);
  });

  it('carry a severity, a summary and description naming what is affected, and a runbook in docs/alerts/', () => {
    for (const rule of alertRules()) {
      const name = rule.alert as string;
      const text = `${rule.annotations?.summary ?? ''} ${rule.annotations?.description ?? ''}`;
      expect(SEVERITIES.has(rule.labels?.severity ?? ''), `${name}: severity`).toBe(true);
      expect(rule.annotations?.summary, `${name}: summary`).toBeTruthy();
      expect(rule.annotations?.description, `${name}: description`).toBeTruthy();
      if (name.startsWith('Mm2')) {
        expect(text, `${name} must name the flow`).toContain('{{ $labels.source }}->{{ $labels.target }}');
      } else if (name === 'MirrorwatchClusterUnreachable') {
        // One alert per deployment and cluster, whichever replicas see it (docs/mixin.md).
        expect(text, `${name} must name the cluster`).toContain('{{ $labels.cluster }}');
      } else if (name !== 'MirrorwatchAbsent') {
        expect(text, `${name} must name the instance`).toContain('{{ $labels.instance }}');
      }
      const runbook = rule.annotations?.runbook_url ?? '';
      expect(runbook, `${name}: runbook_url`).toMatch(new RegExp(`docs/alerts\\{\\{ end \\}\\}/${name}\\.md$`));
      expect(fs.existsSync(repoPath('docs', 'alerts', `${name}.md`)), `docs/alerts/${name}.md`).toBe(true);
    }
  });

  it('show the measured value where there is one', () => {
    for (const rule of alertRules().filter((r) => ALERTS_WITH_VALUE.includes(r.alert as string))) {
      const text = `${rule.annotations?.summary ?? ''} ${rule.annotations?.description ?? ''}`;
      expect(text, `${rule.alert}`).toContain('$value');
    }
  });

  it('read only metrics that mirrorwatch, the recording rules or Prometheus provide', () => {
    const known = new Set([...MIRRORWATCH_METRICS, ...OTHER_METRICS, ...recordedMetricNames()]);
    for (const file of [ALERT_RULES_FILE, RECORDING_RULES_FILE]) {
      for (const rule of readRules(file).groups.flatMap((g) => g.rules)) {
        for (const name of metricNamesIn(rule.expr)) {
          expect(known.has(name), `${file}: ${rule.alert ?? rule.record} reads unknown metric ${name}`).toBe(true);
        }
      }
    }
  });

  it('are listed in docs/alerts/README.md with their severity and `for`', () => {
    const readme = fs.readFileSync(repoPath('docs', 'alerts', 'README.md'), 'utf8');
    for (const rule of alertRules()) {
      const name = rule.alert as string;
      const rows = readme.split('\n').filter((l) => l.startsWith('|') && l.includes(`[${name}](${name}.md)`));
      expect(rows.length, `docs/alerts/README.md: no table row for ${name}`).toBeGreaterThan(0);
      const row = rows.find((l) => l.includes(`\`${rule.for ?? '0m'}\``));
      expect(row, `docs/alerts/README.md: ${name} row with for \`${rule.for ?? '0m'}\``).toBeDefined();
      expect(row, `docs/alerts/README.md: ${name} severity`).toContain(rule.labels?.severity as string);
    }
  });
});

describe('promtool unit tests of the alerts', () => {
  it('load rule files that exist', () => {
    for (const { file, doc } of promtoolTestFiles()) {
      for (const rf of doc.rule_files) expect(fs.existsSync(repoPath('prometheus', 'tests', rf)), `${file}: ${rf}`).toBe(true);
    }
  });

  it('have, for every alert, a firing case with labels and annotations and a case where it stays quiet', () => {
    const cases = alertTestCases();
    const firing = new Map<string, number>();
    const quiet = new Map<string, number>();
    for (const c of cases) {
      const expected = c.exp_alerts ?? [];
      if (expected.length === 0) {
        quiet.set(c.alertname, (quiet.get(c.alertname) ?? 0) + 1);
        continue;
      }
      for (const a of expected) {
        expect(a.exp_labels?.severity, `${c.alertname} at ${c.eval_time}: exp_labels`).toBeTruthy();
        expect(Object.keys(a.exp_annotations ?? {}).sort(), `${c.alertname} at ${c.eval_time}: exp_annotations`).toEqual([
          'description',
          'runbook_url',
          'summary',
        ]);
      }
      firing.set(c.alertname, (firing.get(c.alertname) ?? 0) + 1);
    }
    for (const name of alertNames()) {
      expect(firing.get(name) ?? 0, `${name}: no firing test case`).toBeGreaterThan(0);
      expect(quiet.get(name) ?? 0, `${name}: no test case where it must stay quiet`).toBeGreaterThan(0);
    }
    const count = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
    console.log(`alert tests: ${cases.length} cases for ${alertNames().length} alerts (${count(firing)} firing, ${count(quiet)} quiet)`);
  });
});

describe('alertRulesWith', () => {
  it('rewrites `for` and expressions of the named alert only', () => {
    const doc = yaml.load(
      alertRulesWith({ Mm2HeartbeatStale: { for: '10s', expr: (e) => e.replace('> 60', '> 5') } }),
    ) as RulesDocument;
    const rules = doc.groups.flatMap((g) => g.rules);
    const stale = rules.filter((r) => r.alert === 'Mm2HeartbeatStale');
    expect(stale.length).toBeGreaterThan(0);
    for (const r of stale) expect(r.for).toBe('10s');
    expect(stale.some((r) => /mm2_heartbeat_age_seconds\{[^}]*\}\) > 5\n/.test(r.expr))).toBe(true);
    expect(rules.find((r) => r.alert === 'Mm2ReplicationLagHigh')?.for).toBe('10m');
  });

  it('refuses unknown alerts and rewrites that change nothing', () => {
    expect(() => alertRulesWith({ NoSuchAlert: { for: '1s' } })).toThrow(/NoSuchAlert/);
    expect(() => alertRulesWith({ Mm2DataLost: { expr: (e) => e.replace('no such text', '') } })).toThrow(/changed no rule/);
  });
});
