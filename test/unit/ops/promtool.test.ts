// promtool on the rule files: `check rules` (syntax, lint) and `test rules` (the unit tests under
// prometheus/tests/). Outside CI a missing promtool skips these with a warning; in CI it fails.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assertToolInCi, repoPath, runTool, toolAvailability } from './tools.js';

const promtool = toolAvailability('promtool', 'prometheus');

const ruleFiles = fs
  .readdirSync(repoPath('prometheus', 'rules'))
  .filter((f) => f.endsWith('.yml'))
  .sort()
  .map((f) => `prometheus/rules/${f}`);
const testFiles = fs
  .readdirSync(repoPath('prometheus', 'tests'))
  .filter((f) => f.endsWith('.yml'))
  .sort()
  .map((f) => `prometheus/tests/${f}`);

describe.skipIf(promtool.skipReason !== null)('promtool', () => {
  it('is installed (required in CI)', () => {
    expect(assertToolInCi('promtool', promtool, 'prometheus')).toBeTruthy();
  });

  it('check rules: every rule file is valid and lint-clean', () => {
    const command = assertToolInCi('promtool', promtool, 'prometheus');
    expect(ruleFiles.length).toBeGreaterThanOrEqual(2);
    const r = runTool(command, ['check', 'rules', ...ruleFiles]);
    expect(r.status, r.output).toBe(0);
    expect(r.output).not.toMatch(/FAILED|lint error/);
  });

  // Every test file in one promtool run: a few seconds, more on a loaded machine.
  it('test rules: every alert and recording rule unit test passes', () => {
    const command = assertToolInCi('promtool', promtool, 'prometheus');
    expect(testFiles.length).toBeGreaterThan(0);
    const r = runTool(command, ['test', 'rules', ...testFiles]);
    expect(r.status, r.output).toBe(0);
    expect(r.output).not.toContain('FAILED');
    // promtool evaluates every case in one process: seconds on a busy machine.
  }, 60_000);

  it('check config: the Compose Prometheus configuration and the rule files it loads are valid', () => {
    const command = assertToolInCi('promtool', promtool, 'prometheus');
    const r = runTool(command, ['check', 'config', 'prometheus/prometheus.yml']);
    expect(r.status, r.output).toBe(0);
    expect(r.output).toContain(`SUCCESS: ${ruleFiles.length} rule files found`);
  });
});
