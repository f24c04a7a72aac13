// Reading mirrorwatch's rule files and promtool unit tests, and writing variants with other `for`
// durations or thresholds (the integration test shortens them to see alerts within seconds).
import fs from 'node:fs';
import yaml from 'js-yaml';
import { repoPath } from './tools.js';

export const RECORDING_RULES_FILE = 'prometheus/rules/mirrorwatch-recording.yml';
export const ALERT_RULES_FILE = 'prometheus/rules/mirrorwatch-alerts.yml';

export interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  keep_firing_for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  interval?: string;
  rules: Rule[];
}

export interface RulesDocument {
  groups: RuleGroup[];
}

export function readRules(relativePath: string): RulesDocument {
  return yaml.load(fs.readFileSync(repoPath(relativePath), 'utf8')) as RulesDocument;
}

export function recordedMetricNames(): string[] {
  return readRules(RECORDING_RULES_FILE).groups.flatMap((g) => g.rules.flatMap((r) => (r.record ? [r.record] : [])));
}

export function alertRules(): Rule[] {
  return readRules(ALERT_RULES_FILE).groups.flatMap((g) => g.rules.filter((r) => r.alert !== undefined));
}

export function alertNames(): string[] {
  return [...new Set(alertRules().map((r) => r.alert as string))];
}

export interface AlertOverride {
  /** New `for` duration, e.g. "10s". */
  for?: string;
  /** Rewrites the expression, e.g. to lower a threshold: (e) => e.replace('> 60', '> 5'). */
  expr?: (expr: string) => string;
}

/**
 * The alert rules with overrides applied per alert name (every rule of that name), as YAML text
 * for a Prometheus started by a test. An override for an unknown alert, or an expression rewrite
 * that changes no rule of its alert, throws: a renamed alert or threshold is noticed.
 */
export function alertRulesWith(overrides: Readonly<Record<string, AlertOverride>>): string {
  const doc = readRules(ALERT_RULES_FILE);
  const names = new Set(alertNames());
  for (const name of Object.keys(overrides)) {
    if (!names.has(name)) throw new Error(`no alert named ${name} in ${ALERT_RULES_FILE}`);
  }
  const rewritten = new Set<string>();
  for (const group of doc.groups) {
    for (const rule of group.rules) {
      const o = rule.alert ? overrides[rule.alert] : undefined;
      if (!o || !rule.alert) continue;
      if (o.for !== undefined) rule.for = o.for;
      if (o.expr) {
        const next = o.expr(rule.expr);
        if (next !== rule.expr) rewritten.add(rule.alert);
        rule.expr = next;
      }
    }
  }
  for (const [name, o] of Object.entries(overrides)) {
    if (o.expr && !rewritten.has(name)) throw new Error(`the expression override of ${name} changed no rule of that name`);
  }
  return yaml.dump(doc, { lineWidth: -1 });
}

// ---------------------------------------------------------------- promtool unit test files

export interface AlertTestCase {
  eval_time: string;
  alertname: string;
  exp_alerts?: { exp_labels?: Record<string, string>; exp_annotations?: Record<string, string> }[];
}

export interface PromtoolTestFile {
  rule_files: string[];
  tests: { alert_rule_test?: AlertTestCase[]; promql_expr_test?: unknown[] }[];
}

export function promtoolTestFiles(): { file: string; doc: PromtoolTestFile }[] {
  const dir = repoPath('prometheus', 'tests');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yml'))
    .sort()
    .map((f) => ({ file: `prometheus/tests/${f}`, doc: yaml.load(fs.readFileSync(`${dir}/${f}`, 'utf8')) as PromtoolTestFile }));
}

export function alertTestCases(): AlertTestCase[] {
  return promtoolTestFiles().flatMap(({ doc }) => doc.tests.flatMap((t) => t.alert_rule_test ?? []));
}
