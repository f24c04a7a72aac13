// One verdict for a configuration (issue 9, point 7): check-config runs lint's checks on the
// mm2.properties it reads, so a file lint finds errors in is not "OK", the same finding has the
// same severity in both commands, and the exit codes are 0 ok / 1 errors / 2 invalid.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCheckConfig } from '../../../src/cli/checkConfigCommand.js';
import { runLint } from '../../../src/cli/lintCommand.js';
import { configVerdict } from '../../../src/config/verdict.js';
import { fakeIo } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mw-check-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function check(path: string, json = false, env: NodeJS.ProcessEnv = {}): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = runCheckConfig({ config: path, json }, env, { write: (s: string) => (out += s) }, { write: (s: string) => (err += s) });
  return { code, out, err };
}

describe('check-config and lint: one verdict', () => {
  it('active-active.properties: lint errors are errors in check-config too (exit 1, not OK)', async () => {
    const AA = 'config/examples/active-active.properties';
    const r = check(AA);
    expect(r.code).toBe(1);
    expect(r.out).not.toContain(': OK');
    expect(r.out).toMatch(/active-active\.properties: 2 errors, 0 warnings\n/);
    expect(r.err).toContain('active-active.properties:16: error: checkpoint.group.consistency.level: MirrorMaker 2 does not know this setting');
    const io = fakeIo([]);
    expect(await runLint(AA, {}, io)).toBe(1);
    // The same findings, line for line.
    const lintLines = io.out().split('\n').filter((l) => / (error|warning): /.test(l));
    expect(r.err.trimEnd().split('\n')).toEqual(lintLines);
  });

  it('the same inline-comment value has the same severity in both (error)', async () => {
    const AP = 'config/examples/active-passive.properties';
    const v = configVerdict(AP, {});
    const lio = fakeIo([]);
    await runLint(AP, {}, lio);
    const inline = v.findings.find((f) => f.rule === 'inline-comment')!;
    expect(inline).toMatchObject({ severity: 'error', line: 7 });
    expect(lio.out()).toContain(':7: error: ');
    expect(v.exitCode).toBe(1);
    // The importer's warning for that line is not reported a second time as a warning.
    expect(v.findings.filter((f) => f.line === 7 && f.severity === 'warning' && f.rule === 'config')).toEqual([]);
  });

  it('a YAML file whose mm2Properties has lint errors gets them too, with its own warnings', () => {
    const props = file('mm2.properties', 'clusters = a, b\na.bootstrap.servers = a:1\nb.bootstrap.servers = b:1\na->b.enabled = true\nb->a.enabled = false # off\n');
    const yamlFile = file('mw.yaml', `mm2Properties: ${props}\nflows:\n  - source: a\n    target: b\n    heartbeats: true\n`);
    const r = check(yamlFile);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/mm2\.properties:5: error: .*\[inline-comment\]/);
    expect(r.err).toMatch(/mw\.yaml: warning: heartbeats: true overrides/);
  });

  it('exit 0 and OK for a clean file; warnings do not change that', () => {
    const ok = file('ok.yaml', 'clusters:\n  - {alias: a, bootstrapServers: "a:1"}\n  - {alias: b, bootstrapServers: "b:1"}\nflows:\n  - {source: a, target: b, connectOffsetsTopic: connect-offsets}\n');
    const r = check(ok);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/ok\.yaml: OK\n/);
    expect(r.out).toContain('heartbeats auto (expected once the remote heartbeats topic exists)');
    expect(r.out).toContain('Connect offsets in connect-offsets');
  });

  it('exit 2 with the field named for a file mirrorwatch cannot use; JSON carries the verdict and no secret', () => {
    const bad = file('bad.yaml', 'clusters:\n  - {alias: a, bootstrapServers: "a:1"}\nflows:\n  - {source: a, target: z}\n');
    const r = check(bad);
    expect(r.code).toBe(2);
    expect(r.err).toContain('mirrorwatch: invalid configuration');
    expect(r.err).toContain('bad.yaml: error: flows[0].target: cluster "z" is not defined');
    const cr = file(
      'kmm2.yaml',
      'apiVersion: kafka.strimzi.io/v1beta2\nkind: KafkaMirrorMaker2\nspec:\n  connectCluster: b\n  clusters:\n    - {alias: a, bootstrapServers: "a:1", authentication: {type: plain, username: u, passwordSecret: {secretName: s, password: p}}}\n    - {alias: b, bootstrapServers: "b:1"}\n  mirrors: [{sourceCluster: a, targetCluster: b, sourceConnector: {}}]\n',
    );
    const j = check(cr, true, { MIRRORWATCH_SECRET_S_P: 'top-secret-value' });
    expect(j.code).toBe(0);
    const parsed = JSON.parse(j.out) as { ok: boolean; config: { flows: { connectOffsetsTopic: string }[] } };
    expect(parsed.ok).toBe(true);
    expect(parsed.config.flows[0]!.connectOffsetsTopic).toBe('mirrormaker2-cluster-offsets');
    expect(j.out).not.toContain('top-secret-value');
  });

  it('lint accepts a Strimzi resource and judges it like check-config', async () => {
    const cr = file('kmm2-bad.yaml', 'apiVersion: kafka.strimzi.io/v1\nkind: KafkaMirrorMaker2\nspec:\n  connectCluster: b\n  mirrors: []\n');
    const io = fakeIo([]);
    expect(await runLint(cr, {}, io)).toBe(1);
    expect(io.out()).toContain('error: spec.target: required in kafka.strimzi.io/v1');
    expect(check(cr).code).toBe(2);
  });
});
