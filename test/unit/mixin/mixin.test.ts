// The mixin (src/mixin): the committed rule files and Alertmanager inhibit rules are the rendering
// of the defaults, the rendering is faithful YAML, and other settings change what they should.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { runRules } from '../../../src/cli/rulesCommand.js';
import { DEFAULT_ALERTS, DEFAULT_MIXIN, MixinConfigError, resolveMixin } from '../../../src/mixin/config.js';
import { humanizeCount, humanizeSeconds } from '../../../src/mixin/promql.js';
import { inhibitRules, renderInhibitRules, renderRuleFiles, renderSingleRuleFile } from '../../../src/mixin/render.js';
import { buildRuleFiles } from '../../../src/mixin/rules.js';
import { assertToolInCi, repoPath, runTool, toolAvailability } from '../ops/tools.js';

interface ParsedRule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  keep_firing_for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const rulesOf = (text: string): ParsedRule[] => (yaml.load(text) as { groups: { rules: ParsedRule[] }[] }).groups.flatMap((g) => g.rules);

function captured(): { stdout: { write(t: string): void; text: string }; stderr: { write(t: string): void; text: string } } {
  const stream = () => ({ text: '', write(t: string) { this.text += t; } });
  return { stdout: stream(), stderr: stream() };
}

describe('mixin defaults', () => {
  it('are what prometheus/rules/*.yml hold, byte for byte (regenerate with npm run rules)', () => {
    const rendered = renderRuleFiles(resolveMixin());
    const committed = fs.readdirSync(repoPath('prometheus', 'rules')).filter((f) => f.endsWith('.yml')).sort();
    expect(committed).toEqual(Object.keys(rendered).sort());
    for (const [file, text] of Object.entries(rendered)) {
      expect(fs.readFileSync(repoPath('prometheus', 'rules', file), 'utf8'), `prometheus/rules/${file} is stale: run npm run rules`).toBe(text);
    }
  });

  it('render YAML that reads back as exactly the rules built', () => {
    const config = resolveMixin();
    const rendered = renderRuleFiles(config);
    for (const spec of buildRuleFiles(config)) {
      const text = rendered[spec.file] ?? '';
      const parsed = yaml.load(text) as { groups: { name: string; rules: ParsedRule[] }[] };
      expect(parsed.groups.map((g) => g.name)).toEqual(spec.groups.map((g) => g.name));
      const built = spec.groups.flatMap((g) => g.rules.map(({ comment: _c, ...rule }) => JSON.parse(JSON.stringify(rule)) as ParsedRule));
      expect(parsed.groups.flatMap((g) => g.rules)).toEqual(built);
    }
  });

  it('select the operator job name, keep the deployment labels and aggregate the replica labels away', () => {
    const rules = rulesOf(renderSingleRuleFile(resolveMixin()));
    const absent = rules.find((r) => r.alert === 'MirrorwatchAbsent');
    expect(absent?.expr).toBe('absent(up{job=~".*mirrorwatch.*"})');
    expect(new RegExp('^(?:.*mirrorwatch.*)$').test('monitoring/mirrorwatch')).toBe(true);
    // Every raw mirrorwatch series a rule reads is restricted by the selector.
    for (const r of rules) {
      for (const m of r.expr.matchAll(/\b((?:mm2|mirrorwatch)_[a-z_]+|up)\b(\{[^}]*\})?/g)) {
        expect(m[2] ?? '', `${r.alert ?? r.record}: ${m[1]} without the selector`).toContain('job=~".*mirrorwatch.*"');
      }
    }
    // Every aggregation keeps the deployment labels.
    for (const r of rules) {
      for (const m of r.expr.matchAll(/\b(?:by|on) \(([^)]*)\)/g)) {
        expect((m[1] ?? '').split(', ').slice(0, 4), `${r.alert ?? r.record}: ${m[0]}`).toEqual(DEFAULT_MIXIN.deploymentLabels);
      }
    }
    // Replication rules never keep a replica label.
    const replication = rules.filter((r) => r.alert?.startsWith('Mm2') || r.record?.startsWith('mm2:'));
    for (const r of replication) {
      const kept = [...r.expr.matchAll(/\bby \(([^)]*)\)/g)].flatMap((m) => (m[1] ?? '').split(', '));
      expect(kept.filter((l) => DEFAULT_MIXIN.replicaLabels.includes(l)), `${r.alert ?? r.record}`).toEqual([]);
    }
  });

  it('are what alertmanager/alertmanager.yml inhibits with', () => {
    const am = yaml.load(fs.readFileSync(repoPath('alertmanager', 'alertmanager.yml'), 'utf8')) as { inhibit_rules: unknown[] };
    expect(am.inhibit_rules).toEqual(inhibitRules(resolveMixin()));
    const printed = yaml.load(renderInhibitRules(resolveMixin())) as { inhibit_rules: unknown[] };
    expect(printed.inhibit_rules).toEqual(am.inhibit_rules);
  });

  it('give every rule of the alert file its settings', () => {
    const rules = rulesOf(renderSingleRuleFile(resolveMixin())).filter((r) => r.alert);
    const ids = rules.map((r) => (r.labels?.reason ? `${r.alert}.${r.labels.reason}` : r.alert));
    expect(ids.sort()).toEqual(Object.keys(DEFAULT_ALERTS).sort());
    for (const r of rules) {
      const s = DEFAULT_ALERTS[r.labels?.reason ? `${r.alert}.${r.labels.reason}` : (r.alert as string)];
      expect(r.for ?? '0m').toBe(s?.for);
      expect(r.labels?.severity).toBe(s?.severity);
    }
  });
});

describe('mixin settings of a user', () => {
  const custom = resolveMixin({
    selector: '{job="mw", namespace="kafka"}',
    deploymentLabels: ['region_name'],
    replicaLabels: ['instance'],
    alerts: {
      Mm2ReplicationLagHigh: { threshold: 250000, for: '30m', severity: 'critical' },
      'Mm2HeartbeatStale.heartbeat-old': { threshold: 120 },
    },
    inhibitedByClusterUnreachable: ['Mm2HeartbeatStale'],
  });
  const rules = rulesOf(renderSingleRuleFile(custom));

  it('change selectors, aggregation labels, thresholds, durations and texts', () => {
    const lag = rules.find((r) => r.alert === 'Mm2ReplicationLagHigh');
    expect(lag).toMatchObject({ expr: 'mm2:flow_lag_records:sum > 250000', for: '30m', labels: { severity: 'critical' } });
    expect(lag?.annotations?.description).toContain('(threshold 250k records for 30m)');
    const stale = rules.find((r) => r.alert === 'Mm2HeartbeatStale' && r.labels?.reason === 'heartbeat-old');
    expect(stale?.expr).toContain('max by (region_name, source, target) (mm2_heartbeat_age_seconds{job="mw", namespace="kafka"}) > 120');
    expect(stale?.for).toBe('2m');
    expect(rules.find((r) => r.alert === 'MirrorwatchAbsent')?.expr).toBe('absent(up{job="mw", namespace="kafka"})');
    expect(rules.find((r) => r.record === 'mirrorwatch:poll_errors:rate5m')?.expr).toContain('by (region_name, instance, cluster, kind)');
    expect(inhibitRules(custom)[0]).toEqual({
      source_matchers: ['alertname = "MirrorwatchClusterUnreachable"'],
      target_matchers: ['alertname =~ "Mm2HeartbeatStale"'],
      equal: ['source', 'region_name'],
    });
  });

  it('are refused with a message naming the setting when wrong', () => {
    const refused = (o: unknown): string => {
      try {
        resolveMixin(o, 'mixin.yaml');
      } catch (err) {
        expect(err).toBeInstanceOf(MixinConfigError);
        return (err as Error).message;
      }
      throw new Error(`accepted ${JSON.stringify(o)}`);
    };
    expect(refused({ alerts: { Mm2Lag: { for: '5m' } } })).toMatch(/^mixin\.yaml: alerts\.Mm2Lag: no such rule/);
    expect(refused({ alerts: { Mm2ReplicationLagHigh: { for: 'ten minutes' } } })).toMatch(/alerts\.Mm2ReplicationLagHigh\.for/);
    expect(refused({ alerts: { Mm2RemoteTopicMissing: { threshold: 3 } } })).toMatch(/has no threshold/);
    expect(refused({ deploymentLabels: ['cluster'] })).toMatch(/cluster is a label of mirrorwatch's own series/);
    expect(refused({ deploymentLabels: ['instance'] })).toMatch(/instance in both/);
    expect(refused({ selektor: 'x' })).toMatch(/selektor|Unrecognized/);
  });

  it('humanize thresholds as the descriptions quote them', () => {
    expect([humanizeCount(10000), humanizeCount(1500000), humanizeCount(999)]).toEqual(['10k', '1.5M', '999']);
    expect([humanizeSeconds(60), humanizeSeconds(300), humanizeSeconds(90), humanizeSeconds(7200)]).toEqual(['60s', '5m', '90s', '2h']);
  });
});

describe('mirrorwatch rules (command)', () => {
  it('writes the two files, --check finds them current, and finds a changed one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-rules-'));
    try {
      const io = captured();
      expect(runRules({ out: dir }, io)).toBe(0);
      expect(fs.readdirSync(dir).sort()).toEqual(['mirrorwatch-alerts.yml', 'mirrorwatch-recording.yml']);
      expect(runRules({ out: dir, check: true }, captured())).toBe(0);
      const settings = path.join(dir, 'mixin.yaml');
      fs.writeFileSync(settings, 'alerts:\n  Mm2ReplicationLagHigh: {threshold: 5}\n');
      const check = captured();
      expect(runRules({ out: dir, check: true, config: settings }, check)).toBe(1);
      expect(check.stderr.text).toContain('mirrorwatch-alerts.yml');
      fs.writeFileSync(settings, 'deploymentLabels: [cluster]\n');
      const bad = captured();
      expect(runRules({ config: settings }, bad)).toBe(2);
      expect(bad.stderr.text).toContain(`${settings}: cluster is a label`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

const promtool = toolAvailability('promtool', 'prometheus');

describe.skipIf(promtool.skipReason !== null)('rendered rules (promtool)', () => {
  it('are valid and lint-clean with other settings too', () => {
    const command = assertToolInCi('promtool', promtool, 'prometheus');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-rules-'));
    try {
      const file = path.join(dir, 'rules.yml');
      const settings = { selector: 'job="mw"', deploymentLabels: ['env', 'namespace'], replicaLabels: ['pod'] };
      fs.writeFileSync(file, renderSingleRuleFile(resolveMixin(settings)));
      const r = runTool(command, ['check', 'rules', file]);
      expect(r.status, r.output).toBe(0);
      const count = buildRuleFiles(resolveMixin(settings)).flatMap((f) => f.groups.flatMap((g) => g.rules)).length;
      expect(count).toBeGreaterThan(25);
      expect(r.output).toContain(`SUCCESS: ${count} rules found`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
