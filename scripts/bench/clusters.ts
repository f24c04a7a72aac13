// Kafka clusters for the benchmark. A Kafka broker keeps one file descriptor open per partition
// (the active segment's .log) and maps about two index files per partition, so a single broker
// cannot hold 20,000 partitions under a 20,000 open-files limit (this machine's hard limit, which
// an unprivileged container cannot raise). The benchmark therefore spreads a cluster over as many
// brokers as the limits require: one KRaft broker+controller plus broker-only nodes. With one
// broker it is exactly the test harness's cluster.
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { ensureKafka, startCluster } from '../../test/harness/kafka.js';
import type { ClusterRef, KafkaCluster } from '../../test/harness/kafka.js';
import { JvmProcess, tailFile, track, untrack } from '../../test/harness/jvm.js';
import type { Tracked } from '../../test/harness/jvm.js';
import { testBrokerDefaults } from '../../test/harness/cluster.js';
import { newRunDir } from '../../test/harness/paths.js';
import { freePort } from '../../test/harness/ports.js';

export interface BenchCluster extends ClusterRef {
  version: string;
  /** Every broker's `host:port`; `bootstrap` is the first. */
  brokers: string[];
  /** Run directories (config, data, log) of the brokers. */
  dirs: string[];
  logFiles: string[];
  /** Summed resident memory of the broker JVMs, bytes. */
  rssBytes(): number;
  /** Open file descriptors of the busiest broker (Linux), or null when unreadable. */
  maxOpenFiles(): number | null;
  stop(): Promise<void>;
}

export interface ProcessLimits {
  openFiles: number | null;
  maxMapCount: number | null;
}

/** This process's open-files limit and the kernel's per-process memory-map limit (Linux). */
export function readProcessLimits(): ProcessLimits {
  let openFiles: number | null = null;
  let maxMapCount: number | null = null;
  try {
    const m = /Max open files\s+(\d+|unlimited)/.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (m?.[1] && m[1] !== 'unlimited') openFiles = Number(m[1]);
  } catch {
    /* not Linux */
  }
  try {
    maxMapCount = Number(readFileSync('/proc/sys/vm/max_map_count', 'utf8').trim()) || null;
  } catch {
    /* not Linux */
  }
  return { openFiles, maxMapCount };
}

/** Room per broker: files and maps measured on Kafka 4.4 at ~1.0 fd and ~2.1 maps per partition. */
export const FDS_PER_PARTITION = 1.0;
export const MAPS_PER_PARTITION = 2.2;
/** Descriptors and maps a broker uses before any topic (jars, sockets, JVM). */
const FIXED_FDS = 600;
const FIXED_MAPS = 1000;

/** Brokers a cluster of `partitions` needs so that no broker runs into the process limits. */
export function brokersNeeded(partitions: number, limits: ProcessLimits): number {
  let perBroker = Infinity;
  if (limits.openFiles !== null) perBroker = Math.min(perBroker, (limits.openFiles - FIXED_FDS) / FDS_PER_PARTITION);
  if (limits.maxMapCount !== null) perBroker = Math.min(perBroker, (limits.maxMapCount - FIXED_MAPS) / MAPS_PER_PARTITION);
  if (!Number.isFinite(perBroker)) return 1;
  if (perBroker < 1) throw new Error(`process limits leave no room for partitions: ${JSON.stringify(limits)}`);
  return Math.max(1, Math.ceil(partitions / Math.floor(perBroker)));
}

export interface StartBenchClusterOptions {
  alias: string;
  brokers: number;
  version?: string;
  heapMb: number;
}

export async function startBenchCluster(opts: StartBenchClusterOptions): Promise<BenchCluster> {
  if (opts.brokers <= 1) return fromHarness(await startCluster({ alias: opts.alias, version: opts.version, heapMb: opts.heapMb }));
  return startMultiBroker(opts);
}

function fromHarness(c: KafkaCluster): BenchCluster {
  return {
    alias: c.alias,
    bootstrap: c.bootstrap,
    version: c.version,
    brokers: [c.bootstrap],
    dirs: [c.dir],
    logFiles: [c.logFile],
    rssBytes: () => c.rssBytes() ?? 0,
    maxOpenFiles: () => openFiles(c.pid),
    stop: () => c.stop(),
  };
}

function openFiles(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return null;
  }
}

function commonProps(dataDir: string): Record<string, string> {
  return {
    ...testBrokerDefaults(dataDir),
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
  };
}

function writeProps(file: string, alias: string, props: Record<string, string>): void {
  writeFileSync(
    file,
    `# written by the mirrorwatch benchmark for cluster ${alias}\n` +
      Object.entries(props)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n') +
      '\n',
  );
}

async function startMultiBroker(opts: StartBenchClusterOptions): Promise<BenchCluster> {
  const install = await ensureKafka(opts.version);
  const clusterId = kraftClusterId();
  const controllerPort = await freePort();
  const ports: number[] = [];
  while (ports.length < opts.brokers) {
    const p = await freePort();
    if (p !== controllerPort && !ports.includes(p)) ports.push(p);
  }
  const nodes = ports.map((port, i) => {
    const nodeId = i + 1;
    const dir = newRunDir(`${opts.alias}-node${nodeId}`);
    const propertiesFile = join(dir, 'server.properties');
    const dataDir = join(dir, 'data');
    const isController = nodeId === 1;
    writeProps(propertiesFile, opts.alias, {
      'process.roles': isController ? 'broker,controller' : 'broker',
      'node.id': String(nodeId),
      'controller.quorum.voters': `1@127.0.0.1:${controllerPort}`,
      listeners: isController ? `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}` : `PLAINTEXT://127.0.0.1:${port}`,
      'advertised.listeners': `PLAINTEXT://127.0.0.1:${port}`,
      ...commonProps(dataDir),
    });
    const jvm = new JvmProcess({
      name: `broker-${opts.alias}-${nodeId}`,
      dir,
      classpath: install.classpath,
      mainClass: 'kafka.Kafka',
      args: [propertiesFile],
      logFile: join(dir, 'broker.log'),
      logBinding: install.version.startsWith('3.') ? 'reload4j' : 'log4j2',
      heapMb: opts.heapMb,
    });
    return { nodeId, port, dir, propertiesFile, jvm };
  });

  await Promise.all(
    nodes.map(async (n) => {
      const { code, output } = await n.jvm.runTool('format', 'kafka.tools.StorageTool', ['format', '-t', clusterId, '-c', n.propertiesFile]);
      writeFileSync(join(n.dir, 'format.log'), output);
      if (code !== 0) throw new Error(`formatting ${n.dir} failed (exit ${code}):\n${output.slice(-3000)}`);
    }),
  );

  const stop = async (): Promise<void> => {
    // Broker-only nodes first: the controller must outlive them for a clean controlled shutdown.
    await Promise.allSettled(nodes.filter((n) => n.nodeId !== 1).map((n) => n.jvm.stop()));
    await Promise.allSettled(nodes.filter((n) => n.nodeId === 1).map((n) => n.jvm.stop()));
    untrack(tracked);
  };
  const tracked: Tracked = {
    stopOrder: 1,
    get describe() {
      return `bench cluster ${opts.alias} (${nodes.map((n) => `127.0.0.1:${n.port}`).join(',')}): ${nodes.map((n) => n.jvm.spec.logFile).join(' ')}`;
    },
    stop,
    killSync: () => nodes.forEach((n) => n.jvm.killSync()),
  };
  for (const n of nodes) n.jvm.start();
  track(tracked);
  const bootstrap = `127.0.0.1:${ports[0]}`;
  try {
    await waitForBrokers(bootstrap, opts.brokers, nodes.map((n) => n.jvm));
  } catch (err) {
    for (const n of nodes) await n.jvm.kill();
    untrack(tracked);
    const logs = nodes.map((n) => `${n.jvm.spec.logFile}:\n${tailFile(n.jvm.spec.logFile, 20)}`).join('\n');
    throw new Error(`${(err as Error).message}\n${logs}`);
  }
  return {
    alias: opts.alias,
    bootstrap,
    version: install.version,
    brokers: ports.map((p) => `127.0.0.1:${p}`),
    dirs: nodes.map((n) => n.dir),
    logFiles: nodes.map((n) => n.jvm.spec.logFile),
    rssBytes: () => nodes.reduce((sum, n) => sum + (n.jvm.rssBytes() ?? 0), 0),
    maxOpenFiles: () => {
      const counts = nodes.map((n) => openFiles(n.jvm.pid)).filter((c): c is number => c !== null);
      return counts.length ? Math.max(...counts) : null;
    },
    stop,
  };
}

async function waitForBrokers(bootstrap: string, count: number, jvms: JvmProcess[], timeoutMs = 120_000): Promise<void> {
  const kafka = new Kafka({ clientId: 'mw-bench-probe', brokers: [bootstrap], logLevel: logLevel.NOTHING, connectionTimeout: 1000, requestTimeout: 5000, retry: { retries: 0 } });
  const deadline = Date.now() + timeoutMs;
  let seen = 0;
  while (Date.now() < deadline) {
    const dead = jvms.find((j) => !j.isRunning);
    if (dead) throw new Error(`${dead.spec.name} exited during startup (exit code ${dead.lastExitCode})`);
    const admin = kafka.admin();
    try {
      await admin.connect();
      seen = (await admin.describeCluster()).brokers.length;
      if (seen >= count) return;
    } catch {
      /* not up yet */
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`cluster at ${bootstrap}: ${seen} of ${count} brokers registered after ${timeoutMs} ms`);
}

/** Same shape as `kafka-storage random-uuid`. */
function kraftClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** Deletes the brokers' run directories (data, logs): 20,000 partitions leave tens of thousands of files. */
export function removeClusterDirs(cluster: BenchCluster): void {
  for (const dir of cluster.dirs) rmSync(dir, { recursive: true, force: true });
}
