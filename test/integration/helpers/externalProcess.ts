// Programs other than the JVMs that an integration test starts (Prometheus, Alertmanager from
// Debian's packages). Each runs in a harness run directory (.kafka/runs/...) with its output in a
// log file kept after the run, and is registered with the harness teardown: stopAll(), process
// exit and signals stop it, logHint() lists its log next to the brokers' and MM2's, and the
// orphan reaper of the next run kills it if this test process was SIGKILLed.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { tailFile } from '../../harness/kafka.js';
import { track } from '../../harness/jvm.js';
import type { Tracked } from '../../harness/jvm.js';
import { freePort } from '../../harness/ports.js';

/**
 * The first of `candidates` that runs with `--version`, or the command in `$envVar` when set;
 * null when none does.
 */
export function findBinary(envVar: string, candidates: readonly string[]): string | null {
  const fromEnv = process.env[envVar];
  for (const command of fromEnv ? [fromEnv] : candidates) {
    const r = spawnSync(command, ['--version'], { encoding: 'utf8', timeout: 30_000 });
    if (!r.error && r.status === 0) return command;
  }
  return null;
}

/** Like findBinary, but throws a message that says how to install the program. */
export function requireBinary(envVar: string, candidates: readonly string[], debianPackage: string): string {
  const found = findBinary(envVar, candidates);
  if (found) return found;
  throw new Error(
    `none of ${candidates.join(', ')} runs (nor $${envVar}): install Debian's ${debianPackage} package ` +
      `(apt-get install -y --no-install-recommends ${debianPackage}), as .ci/run does`,
  );
}

export interface ExternalProcessSpec {
  /** Short name for messages and file names, e.g. "prometheus". */
  name: string;
  command: string;
  args: string[];
  /** Working directory; also where the pid file for the orphan reaper goes. */
  dir: string;
  logFile: string;
  /**
   * One argument that only this process has (e.g. `--config.file=<its run dir>/...`): the orphan
   * reaper kills a leftover process only when its command line contains it.
   */
  marker: string;
  /** Extra text for logHint(), e.g. the URL. */
  describe?: string;
}

export interface ExternalProcess {
  readonly spec: ExternalProcessSpec;
  readonly pid: number | undefined;
  readonly isRunning: boolean;
  /** Exit code (null after a signal) once the process has ended. */
  readonly exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
}

const children = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // The harness installs its own hooks when the first JVM starts; this one covers a test that
  // fails before any JVM exists. 'exit' cannot wait, so kill outright.
  process.on('exit', () => {
    for (const c of children) c.kill('SIGKILL');
  });
}

/** Starts the process now (output appended to the log file) and registers it for teardown. */
export function startExternalProcess(spec: ExternalProcessSpec): ExternalProcess {
  installExitHook();
  const fd = openSync(spec.logFile, 'a');
  writeSync(fd, `\n===== mirrorwatch test: starting ${spec.name} at ${new Date().toISOString()}\n===== ${spec.command} ${spec.args.join(' ')}\n`);
  let child: ChildProcess;
  try {
    // Own process group: a terminal's Ctrl-C reaches the test process, which stops it in order.
    child = spawn(spec.command, spec.args, { cwd: spec.dir, stdio: ['ignore', fd, fd], detached: true });
  } finally {
    closeSync(fd);
  }
  children.add(child);
  const exited = new Promise<number | null>((resolve) => {
    child.once('error', () => resolve(null));
    child.once('exit', (code) => {
      children.delete(child);
      resolve(code);
    });
  });
  if (child.pid !== undefined) {
    writeFileSync(join(spec.dir, `${spec.name}.pid.json`), JSON.stringify({ owner: process.pid, pid: child.pid, marker: spec.marker }) + '\n');
  }
  const isRunning = (): boolean => child.exitCode === null && child.signalCode === null && child.pid !== undefined;
  const proc: ExternalProcess = {
    spec,
    pid: child.pid,
    get isRunning() {
      return isRunning();
    },
    exited,
    async stop(timeoutMs = 10_000) {
      if (!isRunning()) return;
      child.kill('SIGTERM');
      const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), timeoutMs).unref());
      if ((await Promise.race([exited, timer])) === 'timeout') {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
  const tracked: Tracked = {
    // Before MM2 (0) and the brokers (1): nothing of ours should outlive what it watches.
    stopOrder: -1,
    get describe() {
      const state = isRunning() ? `pid ${child.pid}` : 'stopped';
      return `${spec.name} (${state}${spec.describe ? `, ${spec.describe}` : ''}): ${spec.logFile}`;
    },
    stop: () => proc.stop(),
    killSync: () => {
      if (isRunning()) child.kill('SIGKILL');
    },
  };
  track(tracked);
  return proc;
}

export interface StartHttpServiceOptions {
  name: string;
  command: string;
  /** The arguments for a given loopback port. */
  args: (port: number) => string[];
  dir: string;
  logFile: string;
  marker: string;
  /** Path answering 200 once the service is ready, e.g. "/-/ready". */
  readyPath: string;
  readyTimeoutMs?: number;
}

export interface HttpService {
  process: ExternalProcess;
  port: number;
  /** `http://127.0.0.1:<port>` */
  url: string;
}

/**
 * Starts an HTTP service on a free loopback port and waits until `readyPath` answers 200. The
 * port is free when picked but another process may take it before the service binds: then the
 * service exits and is started again on another port (three tries).
 */
export async function startHttpService(opts: StartHttpServiceOptions): Promise<HttpService> {
  const timeoutMs = opts.readyTimeoutMs ?? 60_000;
  let lastProblem = '';
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const logOffset = existsSync(opts.logFile) ? statSync(opts.logFile).size : 0;
    const proc = startExternalProcess({
      name: opts.name,
      command: opts.command,
      args: opts.args(port),
      dir: opts.dir,
      logFile: opts.logFile,
      marker: opts.marker,
      describe: url,
    });
    const deadline = Date.now() + timeoutMs;
    let exitCode: number | null | undefined;
    void proc.exited.then((c) => (exitCode = c));
    while (Date.now() < deadline) {
      if (!proc.isRunning) break;
      try {
        const res = await fetch(`${url}${opts.readyPath}`, { signal: AbortSignal.timeout(2000) });
        await res.text();
        if (res.status === 200) return { process: proc, port, url };
        lastProblem = `GET ${opts.readyPath} answered ${res.status}`;
      } catch (err) {
        lastProblem = `GET ${opts.readyPath}: ${(err as Error).message}`;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    if (proc.isRunning) {
      await proc.stop();
      throw new Error(`${opts.name} did not become ready on ${url} within ${timeoutMs / 1000} s (${lastProblem}); log ${opts.logFile}:\n${tailFile(opts.logFile, 30)}`);
    }
    await proc.exited;
    const log = tailFile(opts.logFile, 30);
    // Only what this attempt wrote decides whether the port was the problem.
    const thisRun = readFileSync(opts.logFile).subarray(logOffset).toString('utf8');
    if (!/address already in use/i.test(thisRun)) {
      throw new Error(`${opts.name} exited with code ${String(exitCode)} before becoming ready; log ${opts.logFile}:\n${log}`);
    }
    lastProblem = `port ${port} was taken`;
  }
  throw new Error(`${opts.name} could not bind a loopback port in 3 tries (${lastProblem}); log ${opts.logFile}`);
}
