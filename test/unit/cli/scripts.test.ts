// The runbook scripts' control flow, with a stand-in for the mirrorwatch command: steps in order,
// hooks called with their environment, the first failing step stops everything.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = resolve(import.meta.dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'mw-scripts-'));
const fake = join(dir, 'fake-mirrorwatch');
// Logs each call; exits with $FAKE_<SUBCOMMAND> (default 0).
writeFileSync(fake, '#!/usr/bin/env bash\necho "mirrorwatch $*" >> "$CALLS"\nvar="FAKE_${1^^}"\nexit "${!var:-0}"\n');
chmodSync(fake, 0o755);
const hooks = join(dir, 'hooks.sh');
writeFileSync(
  hooks,
  ['stop_producers', 'stop_consumers', 'switch_traffic', 'start_consumers', 'start_producers', 'enable_reverse_flow', 'restore_replication']
    .map((h) => `${h}() { echo "hook ${h} $MW_SCRIPT $MW_STEP $MW_SOURCE $MW_TARGET" >> "$CALLS"; }`)
    .join('\n') + '\nswitch_traffic() { echo "hook switch_traffic" >> "$CALLS"; false; echo "must not run" >> "$CALLS"; }\n',
);

function runScript(name: string, args: string[], env: Record<string, string> = {}) {
  const calls = join(dir, `calls-${Math.random().toString(36).slice(2)}`);
  writeFileSync(calls, '');
  const r = spawnSync('bash', [join(REPO, 'scripts', name), ...args], { env: { ...process.env, MIRRORWATCH: fake, CALLS: calls, ...env }, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, calls: readFileSync(calls, 'utf8').trim().split('\n').filter((l) => l !== '') };
}

const goodHooks = join(dir, 'good-hooks.sh');
writeFileSync(goodHooks, `${readFileSync(hooks, 'utf8').split('\n').slice(0, 7).join('\n')}\n`);

describe('scripts/failover.sh', () => {
  it('runs every step in order and exits 0', () => {
    const r = runScript('failover.sh', ['--flow', 'a->b', '-c', 'mw.yaml', '--hooks', goodHooks, '--group', 'billing', '--wait-timeout', '1m']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.calls).toEqual([
      'mirrorwatch lag --flow a->b -c mw.yaml',
      'hook stop_producers failover stop_producers a b',
      'mirrorwatch wait --flow a->b --max-lag 0 --timeout 1m -c mw.yaml',
      'hook stop_consumers failover stop_consumers a b',
      'mirrorwatch wait --flow a->b --max-lag 0 --group billing --timeout 1m -c mw.yaml',
      'mirrorwatch verify --flow a->b --timeout 2m -c mw.yaml',
      'hook switch_traffic failover switch_traffic a b',
      'hook start_consumers failover start_consumers a b',
      'hook start_producers failover start_producers a b',
    ]);
    expect(r.stdout).toContain('failover: done, traffic now on b');
  });

  it('stops at the first failing mirrorwatch step, naming it', () => {
    const r = runScript('failover.sh', ['--flow', 'a->b', '--url', 'http://mw:9467', '--hooks', goodHooks], { FAKE_WAIT: '1' });
    expect(r.code).toBe(1);
    expect(r.calls.at(-1)).toBe('mirrorwatch wait --flow a->b --max-lag 0 --timeout 10m --url http://mw:9467');
    expect(r.stderr).toContain('failover FAILED at step 3 (wait): replication did not catch up within 10m; producers are stopped, traffic still points at a');
  });

  it('a failing command inside a hook fails the step', () => {
    const r = runScript('failover.sh', ['--flow', 'a->b', '--hooks', hooks]);
    expect(r.code).toBe(1);
    expect(r.calls).toContain('hook switch_traffic');
    expect(r.calls).not.toContain('must not run');
    expect(r.calls.some((c) => c.startsWith('hook start_consumers'))).toBe(false);
    expect(r.stderr).toContain('FAILED at step 7 (switch_traffic): hook switch_traffic exited with 1');
  });

  it('a required hook that is missing stops before anything changes; hooks may be environment commands', () => {
    let r = runScript('failover.sh', ['--flow', 'a->b']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no stop_producers hook: define a shell function stop_producers in the hooks file (--hooks or MIRRORWATCH_HOOKS) or set HOOK_STOP_PRODUCERS');
    r = runScript('failover.sh', ['--flow', 'a->b'], {
      HOOK_STOP_PRODUCERS: 'echo "env stop $MW_SOURCE" >> "$CALLS"',
      HOOK_SWITCH_TRAFFIC: 'true',
      HOOK_START_CONSUMERS: 'true',
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.calls).toContain('env stop a');
    expect(r.stdout).toContain('(no stop_consumers hook: skipped)');
  });

  it('exits 2 on bad usage', () => {
    for (const args of [[], ['--flow', 'ab'], ['--flow', 'a->b', '--bogus'], ['--flow', 'a->b', '--hooks', join(dir, 'nope.sh')]]) {
      expect(runScript('failover.sh', args).code).toBe(2);
    }
  });
});

describe('scripts/failback.sh', () => {
  it('enables the reverse flow, catches up, waits for lag 0, verifies and switches back', () => {
    const r = runScript('failback.sh', ['--flow', 'b->a', '-c', 'mw.yaml', '--hooks', goodHooks, '--catch-up-lag', '500']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.calls).toEqual([
      'hook enable_reverse_flow failback enable_reverse_flow b a',
      'mirrorwatch wait --flow b->a --max-lag 500 --timeout 30m -c mw.yaml',
      'hook stop_producers failback stop_producers b a',
      'mirrorwatch wait --flow b->a --max-lag 0 --timeout 10m -c mw.yaml',
      'hook stop_consumers failback stop_consumers b a',
      'mirrorwatch verify --flow b->a --timeout 2m -c mw.yaml',
      'hook switch_traffic failback switch_traffic b a',
      'hook start_consumers failback start_consumers b a',
      'hook start_producers failback start_producers b a',
      'hook restore_replication failback restore_replication b a',
    ]);
  });

  it('does not switch anything when verification fails', () => {
    const r = runScript('failback.sh', ['--flow', 'b->a', '--hooks', goodHooks], { FAKE_VERIFY: '1' });
    expect(r.code).toBe(1);
    expect(r.calls.some((c) => c.startsWith('hook switch_traffic'))).toBe(false);
    expect(r.stderr).toContain('failback FAILED at step 7 (verify)');
  });
});
