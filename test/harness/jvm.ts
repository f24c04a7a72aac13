// Starting, stopping and tracking the JVMs the harness owns. Everything started is registered so
// stopAll() (and process exit or a signal) tears it down even when a test fails half way.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { runsRoot } from './paths.js';

export type LogBinding = 'log4j2' | 'reload4j';

export interface JvmSpec {
  /** Short name used in file names and messages, e.g. "broker-us-east". */
  name: string;
  dir: string;
  classpath: string;
  mainClass: string;
  args: string[];
  logFile: string;
  logBinding: LogBinding;
  heapMb?: number;
  jvmArgs?: string[];
}

const DEFAULT_HEAP_MB = 384;

/**
 * JVM flags for two shared cores: serial GC and C1-only JIT start faster and keep fewer busy
 * threads than the defaults; $MW_KAFKA_JVM_OPTS replaces them (e.g. for a benchmark).
 */
function baseJvmArgs(heapMb: number): string[] {
  const custom = process.env.MW_KAFKA_JVM_OPTS;
  const tuning = custom ? custom.split(/\s+/).filter(Boolean) : ['-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'];
  return [`-Xmx${heapMb}m`, '-Xms64m', '-Xss512k', ...tuning, '-Djava.awt.headless=true'];
}

function writeLogConfig(spec: JvmSpec): string[] {
  // Everything goes to stdout, which is the log file: one file per process to point tests at.
  const pattern = '[%d] %p %m (%c)%n';
  const quiet = ['org.apache.kafka.clients.consumer.ConsumerConfig', 'org.apache.kafka.clients.producer.ProducerConfig', 'org.apache.kafka.clients.admin.AdminClientConfig', 'org.apache.kafka.common.utils.AppInfoParser'];
  if (spec.logBinding === 'log4j2') {
    const file = join(spec.dir, `${spec.name}.log4j2.properties`);
    const lines = [
      'status = warn',
      'appender.out.type = Console',
      'appender.out.name = STDOUT',
      'appender.out.layout.type = PatternLayout',
      `appender.out.layout.pattern = ${pattern}`,
      'rootLogger.level = INFO',
      'rootLogger.appenderRef.out.ref = STDOUT',
      ...quiet.flatMap((c, i) => [`logger.q${i}.name = ${c}`, `logger.q${i}.level = WARN`]),
    ];
    writeFileSync(file, lines.join('\n') + '\n');
    return [`-Dlog4j2.configurationFile=${file}`];
  }
  const file = join(spec.dir, `${spec.name}.log4j.properties`);
  const lines = [
    'log4j.rootLogger=INFO, stdout',
    'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
    'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
    `log4j.appender.stdout.layout.ConversionPattern=${pattern}`,
    ...quiet.map((c) => `log4j.logger.${c}=WARN`),
  ];
  writeFileSync(file, lines.join('\n') + '\n');
  return [`-Dlog4j.configuration=file:${file}`];
}

/** One JVM that can be stopped and started again with the same command line. */
export class JvmProcess {
  private child: ChildProcess | undefined;
  private exitPromise: Promise<number | null> = Promise.resolve(null);
  private exitCode: number | null = null;

  constructor(readonly spec: JvmSpec) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get isRunning(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Exit code (or null after a signal) of the last run. */
  get lastExitCode(): number | null {
    return this.exitCode;
  }

  /** Resolves when the current run ends. */
  get exited(): Promise<number | null> {
    return this.exitPromise;
  }

  /** Runs a separate short-lived java command (same classpath and logging) to completion; `input` is its stdin. */
  async runTool(name: string, mainClass: string, args: string[], input?: string): Promise<{ code: number | null; output: string }> {
    const logArgs = writeLogConfig({ ...this.spec, name: `${this.spec.name}-${name}` });
    const javaArgs = [...baseJvmArgs(256), ...logArgs, '-cp', this.spec.classpath, mainClass, ...args];
    return new Promise((resolve, reject) => {
      const child = spawn(javaBinary(), javaArgs, { cwd: this.spec.dir, stdio: ['pipe', 'pipe', 'pipe'] });
      // A tool that exits without reading its input must not turn into an unhandled EPIPE.
      child.stdin.on('error', () => undefined);
      child.stdin.end(input ?? '');
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      child.on('error', (err) => reject(new Error(`cannot run java (${javaBinary()}): ${err.message}`)));
      child.on('close', (code) => resolve({ code, output }));
    });
  }

  start(): void {
    if (this.isRunning) throw new Error(`${this.spec.name} is already running (pid ${this.pid})`);
    reapOrphans();
    installExitHandlers();
    const heap = this.spec.heapMb ?? DEFAULT_HEAP_MB;
    const marker = `-Dmirrorwatch.harness.dir=${this.spec.dir}`;
    const javaArgs = [
      ...baseJvmArgs(heap),
      ...writeLogConfig(this.spec),
      marker,
      ...(this.spec.jvmArgs ?? []),
      '-cp',
      this.spec.classpath,
      this.spec.mainClass,
      ...this.spec.args,
    ];
    const fd = openSync(this.spec.logFile, 'a');
    writeSync(fd, `\n===== mirrorwatch harness: starting ${this.spec.name} at ${new Date().toISOString()}\n===== java ${javaArgs.join(' ')}\n`);
    let child: ChildProcess;
    try {
      child = spawn(javaBinary(), javaArgs, {
        cwd: this.spec.dir,
        stdio: ['ignore', fd, fd],
        // Own process group: a terminal's Ctrl-C reaches only us, and we stop MM2 before the brokers.
        detached: true,
      });
    } finally {
      closeSync(fd);
    }
    this.child = child;
    this.exitCode = null;
    this.exitPromise = new Promise((resolve) => {
      child.once('error', () => resolve(null));
      child.once('exit', (code) => {
        this.exitCode = code;
        livePids.delete(child.pid ?? -1);
        resolve(code);
      });
    });
    if (child.pid !== undefined) {
      livePids.add(child.pid);
      writeFileSync(
        join(this.spec.dir, `${this.spec.name}.pid.json`),
        JSON.stringify({ owner: process.pid, pid: child.pid, marker }) + '\n',
      );
    }
  }

  /** SIGTERM, then SIGKILL if the JVM has not exited after `timeoutMs`. */
  async stop(timeoutMs = 20_000): Promise<void> {
    const child = this.child;
    if (!child || !this.isRunning) return;
    child.kill('SIGTERM');
    const timer = new Promise<'timeout'>((r) => {
      const t = setTimeout(() => r('timeout'), timeoutMs);
      t.unref();
    });
    if ((await Promise.race([this.exitPromise, timer])) === 'timeout') {
      child.kill('SIGKILL');
      await this.exitPromise;
    }
  }

  /** SIGKILL: a crash, as far as Kafka can tell. */
  async kill(): Promise<void> {
    if (!this.child || !this.isRunning) return;
    this.child.kill('SIGKILL');
    await this.exitPromise;
  }

  killSync(): void {
    if (this.child && this.isRunning) this.child.kill('SIGKILL');
  }

  /** Resident memory of the JVM in bytes (Linux), undefined when not running. */
  rssBytes(): number | undefined {
    if (!this.isRunning || this.pid === undefined) return undefined;
    try {
      const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
      return m?.[1] ? Number(m[1]) * 1024 : undefined;
    } catch {
      return undefined;
    }
  }
}

function javaBinary(): string {
  return process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

// ------------------------------------------------------------------ tracking and teardown

export interface Tracked {
  /** Lower stops first (MM2 before the brokers it talks to). */
  readonly stopOrder: number;
  readonly describe: string;
  stop(): Promise<void>;
  killSync(): void;
}

const tracked = new Set<Tracked>();
const livePids = new Set<number>();

export function track(t: Tracked): void {
  tracked.add(t);
}

export function untrack(t: Tracked): void {
  tracked.delete(t);
}

/** Stops everything the harness started in this process, MM2 first. */
export async function stopAll(): Promise<void> {
  const items = [...tracked];
  const orders = [...new Set(items.map((t) => t.stopOrder))].sort((a, b) => a - b);
  for (const o of orders) {
    await Promise.allSettled(items.filter((t) => t.stopOrder === o).map((t) => t.stop()));
  }
  for (const t of items) tracked.delete(t);
}

/** A line per started process and its log file, for failing tests to print. */
export function logHint(): string {
  const items = [...tracked];
  if (items.length === 0) return 'mirrorwatch harness: nothing running.';
  return ['mirrorwatch harness logs:', ...items.map((t) => `  ${t.describe}`)].join('\n');
}

let handlersInstalled = false;

function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  // 'exit' cannot wait: kill outright so no JVM outlives its test process.
  process.on('exit', () => {
    for (const t of tracked) t.killSync();
    for (const pid of livePids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  });
  // npx/tsx relay a terminal's Ctrl-C, so the same signal often arrives twice; a second one must
  // not fall through to Node's default (exit without 'exit' handlers) while MM2 is stopping.
  let stopping = false;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      if (stopping) return;
      stopping = true;
      void stopAll().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
    });
  }
}

let reaped = false;

/**
 * A test process killed with SIGKILL leaves its JVMs running. Their run directories record owner
 * and pid; a JVM whose owner is gone and whose command line names that run directory is ours to
 * kill. Anything else (other helpers' brokers) is left alone.
 */
function reapOrphans(): void {
  if (reaped) return;
  reaped = true;
  const root = runsRoot();
  if (!existsSync(root)) return;
  const dayAgo = Date.now() - 24 * 3600_000;
  for (const run of readdirSync(root)) {
    const dir = join(root, run);
    let anyAlive = false;
    let files: string[];
    try {
      files = readdirSync(dir).filter((f) => f.endsWith('.pid.json'));
    } catch {
      continue;
    }
    for (const f of files) {
      try {
        const info = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { owner: number; pid: number; marker: string };
        if (isAlive(info.owner)) {
          anyAlive = true;
          continue;
        }
        const cmdline = readFileSync(`/proc/${info.pid}/cmdline`, 'utf8').split('\0');
        if (cmdline.includes(info.marker)) process.kill(info.pid, 'SIGKILL');
      } catch {
        /* process gone or file unreadable: nothing to reap */
      }
    }
    // Keep a day of post-mortem material; older run directories of dead owners go.
    try {
      if (!anyAlive && statSync(dir).mtimeMs < dayAgo) rmSync(dir, { recursive: true, force: true });
    } catch {
      /* raced with another reaper */
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Last `lines` lines of a log file, for error messages. */
export function tailFile(file: string, lines = 40): string {
  try {
    const text = readFileSync(file, 'utf8');
    return text.split('\n').slice(-lines - 1).join('\n');
  } catch {
    return `(cannot read ${file})`;
  }
}
