// The fast paging rules (group mirrorwatch.detect.alerts of prometheus/rules/mirrorwatch-alerts.yml): they page, they have runbooks
// and a row in docs/alerts/README.md, they read only known metrics, and the grace written in two
// rules is one value. (promtool.test.ts runs their promtool tests with every other test file.)
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MIRRORWATCH_METRICS, OTHER_METRICS, metricNamesIn } from './promql.js';
import { alertTestCases, readRules, recordedMetricNames } from './ruleFiles.js';
import type { Rule } from './ruleFiles.js';
import { repoPath } from './tools.js';

const DETECT_RULES_FILE = 'prometheus/rules/mirrorwatch-alerts.yml';
const rules = (): Rule[] => readRules(DETECT_RULES_FILE).groups.filter((g) => g.name === 'mirrorwatch.detect.alerts').flatMap((g) => g.rules);
const byName = (name: string): Rule => {
  const r = rules().find((x) => x.alert === name);
  if (!r) throw new Error(`${DETECT_RULES_FILE}: no rule ${name}`);
  return r;
};

describe('fast paging rules', () => {
  it('page (severity critical) without a `for`, and link a runbook with what it means, what to check, what to do', () => {
    const names = rules().map((r) => r.alert);
    expect(names).toEqual(['Mm2FlowNotCopying', 'Mm2TopicStalled']);
    for (const r of rules()) {
      const name = r.alert as string;
      expect(r.labels?.severity, name).toBe('critical');
      expect(r.for, `${name}: an age is its own waiting period; a \`for\` only delays the page`).toBeUndefined();
      expect(r.annotations?.runbook_url, name).toContain(`/${name}.md`);
      const page = fs.readFileSync(repoPath('docs', 'alerts', `${name}.md`), 'utf8');
      expect(page.startsWith(`# ${name}\n`)).toBe(true);
      for (const section of ['## What it means', '## What to check', '## What to do']) expect(page, `${name}.md`).toContain(section);
      expect(page, `${name}.md`).toMatch(/mirrorwatch (lag|wait|verify) --flow '[^']+->[^']+'/);
    }
  });

  it('use one grace: the flow page threshold is the heartbeat age at which the topic page steps aside', () => {
    const grace = /mm2_heartbeat_age_seconds(?:\{[^}]*\})?(?:\[\w+\]\))?\) > (\d+)/;
    const flow = grace.exec(byName('Mm2FlowNotCopying').expr)?.[1];
    const topic = grace.exec(byName('Mm2TopicStalled').expr)?.[1];
    expect(flow).toBeDefined();
    expect(topic).toBe(flow);
    // The descriptions state the values the expressions use.
    expect(byName('Mm2FlowNotCopying').annotations?.description).toContain(`grace ${flow}s`);
    const threshold = /mm2_replication_lag_seconds(?:\{[^}]*\})?\) > (\d+)/.exec(byName('Mm2TopicStalled').expr)?.[1];
    expect(byName('Mm2TopicStalled').annotations?.description).toContain(`threshold ${threshold}s`);
  });

  it('read only metrics that mirrorwatch, the recording rules or Prometheus provide', () => {
    const known = new Set([...MIRRORWATCH_METRICS, ...OTHER_METRICS, ...recordedMetricNames()]);
    for (const r of rules()) for (const m of metricNamesIn(r.expr)) expect(known.has(m), `${r.alert} reads unknown metric ${m}`).toBe(true);
  });

  it('are listed in docs/alerts/README.md with their severity, and have promtool cases that fire and stay quiet', () => {
    const readme = fs.readFileSync(repoPath('docs', 'alerts', 'README.md'), 'utf8');
    const cases = alertTestCases();
    for (const r of rules()) {
      const name = r.alert as string;
      const row = readme.split('\n').find((l) => l.startsWith('|') && l.includes(`[${name}](${name}.md)`));
      expect(row, `docs/alerts/README.md: no row for ${name}`).toBeDefined();
      expect(row).toContain('critical');
      expect(cases.some((c) => c.alertname === name && (c.exp_alerts ?? []).length > 0), `${name}: firing case`).toBe(true);
      expect(cases.some((c) => c.alertname === name && (c.exp_alerts ?? []).length === 0), `${name}: quiet case`).toBe(true);
    }
  });
});
