// A single-node KRaft Kafka cluster (broker and controller in one JVM) on free loopback ports.
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import './kafkajsQuiet.js';
import { closeClients } from './clients.js';
import type { ClusterRef } from './clients.js';
import { ensureKafka } from './install.js';
import { JvmProcess, tailFile, track, untrack } from './jvm.js';
import type { Tracked } from './jvm.js';
import { newRunDir } from './paths.js';
import { freePort } from './ports.js';

export interface StartClusterOptions {
  alias: string;
  /** Kafka version (default $KAFKA_VERSION or 4.4.0). */
  version?: string;
  /** Directory for data, config and log (default: a fresh .kafka/runs/<stamp>-<alias>/). */
  baseDir?: string;
  /** Client port (default: a free one). */
  port?: number;
  /** Extra or overriding server.properties entries. */
  brokerProps?: Record<string, string>;
  heapMb?: number;
  /** How long to wait for the broker to answer (default 90 s). */
  readyTimeoutMs?: number;
  /** Listeners besides PLAINTEXT (which the harness itself uses), e.g. SASL_SSL or one behind a proxy. */
  extraListeners?: ExtraListener[];
  /** Extra `kafka-storage format` arguments, e.g. `--add-scram SCRAM-SHA-512=[name=u,password=p]`. */
  formatArgs?: string[];
  /** Extra JVM arguments of the broker, e.g. `-Dorg.apache.kafka.sasl.oauthbearer.allowed.urls=...`. */
  jvmArgs?: string[];
}

export interface ExtraListener {
  /** Listener name (letters, digits, `_`), e.g. SECURE; settings go in brokerProps as `listener.name.<lower-case name>.*`. */
  name: string;
  securityProtocol: 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
  /** Port to bind on 127.0.0.1 (default: a free one). */
  port?: number;
  /** Port advertised to clients (default: the bound port), e.g. a proxy's that forwards to it. */
  advertisedPort?: number;
}

export interface KafkaCluster extends ClusterRef {
  alias: string;
  version: string;
  /** `127.0.0.1:<port>` */
  bootstrap: string;
  port: number;
  controllerPort: number;
  dir: string;
  logFile: string;
  propertiesFile: string;
  /** Bound port of each extra listener, by name. */
  listenerPorts: Record<string, number>;
  readonly isRunning: boolean;
  readonly pid: number | undefined;
  /** Graceful stop: SIGTERM, SIGKILL after `timeoutMs` (default 20 s). */
  stop(timeoutMs?: number): Promise<void>;
  /** SIGKILL, as in a crash. */
  kill(): Promise<void>;
  /** Starts again on the same ports and data, and waits until it answers. */
  start(): Promise<void>;
  /** Resident memory of the JVM in bytes. */
  rssBytes(): number | undefined;
  /**
   * Runs one of Kafka's command-line tools of this cluster's version (the broker's classpath and
   * logging), e.g. `runTool('ConfigCommand', ['--bootstrap-server', c.bootstrap, ...])`; `tool` is
   * a name of KAFKA_TOOLS or a main class. Resolves with its output; rejects when it exits non-zero.
   */
  runTool(tool: string, args: string[], opts?: { input?: string }): Promise<string>;
}

/** Main classes of the Kafka tools the tests and scripts run: 4.x moved them out of the Scala packages. */
export const KAFKA_TOOLS: Record<string, { v3: string; v4: string }> = {
  ConfigCommand: { v3: 'kafka.admin.ConfigCommand', v4: 'org.apache.kafka.tools.ConfigCommand' },
  ConsoleProducer: { v3: 'kafka.tools.ConsoleProducer', v4: 'org.apache.kafka.tools.ConsoleProducer' },
};

export function toolMainClass(tool: string, version: string): string {
  if (tool.includes('.')) return tool;
  const known = KAFKA_TOOLS[tool];
  if (!known) throw new Error(`unknown Kafka tool ${tool}: use a main class or one of ${Object.keys(KAFKA_TOOLS).join(', ')}`);
  return Number(version.split('.')[0]) >= 4 ? known.v4 : known.v3;
}

const MAX_BIND_ATTEMPTS = 3;

/** Formats and starts a single-node KRaft cluster, resolving once it serves metadata with a live broker. */
export async function startCluster(opts: StartClusterOptions): Promise<KafkaCluster> {
  const install = await ensureKafka(opts.version);
  const dir = opts.baseDir ?? newRunDir(opts.alias);
  mkdirSync(dir, { recursive: true });
  const logFile = join(dir, 'broker.log');
  const propertiesFile = join(dir, 'server.properties');
  const dataDir = join(dir, 'data');

  // Ports are only reserved by binding them; another process may grab one between our probe and
  // the broker's bind, so a bind failure on first start is retried with fresh ports.
  for (let attempt = 1; ; attempt++) {
    const port = opts.port ?? (await freePort());
    let controllerPort = await freePort();
    while (controllerPort === port) controllerPort = await freePort();
    const listenerPorts: Record<string, number> = {};
    for (const l of opts.extraListeners ?? []) {
      let p = l.port ?? (await freePort());
      while (l.port === undefined && [port, controllerPort, ...Object.values(listenerPorts)].includes(p)) p = await freePort();
      listenerPorts[l.name] = p;
    }
    const extra = opts.extraListeners ?? [];
    const props: Record<string, string> = {
      'process.roles': 'broker,controller',
      'node.id': '1',
      'controller.quorum.voters': `1@127.0.0.1:${controllerPort}`,
      listeners: [
        `PLAINTEXT://127.0.0.1:${port}`,
        `CONTROLLER://127.0.0.1:${controllerPort}`,
        ...extra.map((l) => `${l.name}://127.0.0.1:${listenerPorts[l.name]}`),
      ].join(','),
      'advertised.listeners': [
        `PLAINTEXT://127.0.0.1:${port}`,
        ...extra.map((l) => `${l.name}://127.0.0.1:${l.advertisedPort ?? listenerPorts[l.name]}`),
      ].join(','),
      ...testBrokerDefaults(dataDir),
      'listener.security.protocol.map': ['CONTROLLER:PLAINTEXT', 'PLAINTEXT:PLAINTEXT', ...extra.map((l) => `${l.name}:${l.securityProtocol}`)].join(','),
      ...opts.brokerProps,
    };
    writeFileSync(
      propertiesFile,
      `# written by the mirrorwatch test harness for cluster ${opts.alias}\n` +
        Object.entries(props)
          .map(([k, v]) => `${k}=${v}`)
          .join('\n') +
        '\n',
    );
    const jvm = new JvmProcess({
      name: `broker-${opts.alias}`,
      dir,
      classpath: install.classpath,
      mainClass: 'kafka.Kafka',
      args: [propertiesFile],
      logFile,
      logBinding: install.version.startsWith('3.') ? 'reload4j' : 'log4j2',
      heapMb: opts.heapMb ?? 384,
      ...(opts.jvmArgs ? { jvmArgs: opts.jvmArgs } : {}),
    });
    rmSync(dataDir, { recursive: true, force: true });
    await formatStorage(jvm, propertiesFile, opts.formatArgs ?? []);
    const cluster = makeCluster(opts, install.version, jvm, { port, controllerPort, dir, logFile, propertiesFile, listenerPorts });
    try {
      await cluster.start();
      return cluster;
    } catch (err) {
      const bindFailure = /Address already in use|BindException/.test(tailFile(logFile, 200));
      const fixedPorts = opts.port !== undefined || (opts.extraListeners ?? []).some((l) => l.port !== undefined);
      if (!bindFailure || fixedPorts || attempt >= MAX_BIND_ATTEMPTS) throw err;
    }
  }
}

async function formatStorage(jvm: JvmProcess, propertiesFile: string, extraArgs: string[]): Promise<void> {
  const clusterId = kraftClusterId();
  const { code, output } = await jvm.runTool('format', 'kafka.tools.StorageTool', [
    'format',
    '-t',
    clusterId,
    '-c',
    propertiesFile,
    ...extraArgs,
  ]);
  writeFileSync(join(jvm.spec.dir, 'format.log'), output);
  if (code !== 0) {
    throw new Error(`formatting ${jvm.spec.dir} failed (exit ${code}):\n${output.slice(-3000)}`);
  }
}

/** Same shape as `kafka-storage random-uuid` (base64url of 16 random bytes), without a JVM start. */
function kraftClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

interface Placement {
  port: number;
  controllerPort: number;
  dir: string;
  logFile: string;
  propertiesFile: string;
  listenerPorts: Record<string, number>;
}

function makeCluster(opts: StartClusterOptions, version: string, jvm: JvmProcess, at: Placement): KafkaCluster {
  const bootstrap = `127.0.0.1:${at.port}`;
  const readyTimeoutMs = opts.readyTimeoutMs ?? 90_000;
  const tracked: Tracked = {
    stopOrder: 1,
    get describe() {
      return `broker ${opts.alias} (${bootstrap}, ${jvm.isRunning ? `pid ${jvm.pid}` : 'stopped'}): ${at.logFile}`;
    },
    stop: () => cluster.stop(),
    killSync: () => jvm.killSync(),
  };
  const cluster: KafkaCluster = {
    alias: opts.alias,
    version,
    bootstrap,
    ...at,
    get isRunning() {
      return jvm.isRunning;
    },
    get pid() {
      return jvm.pid;
    },
    async stop(timeoutMs?: number) {
      await closeClients(bootstrap);
      await jvm.stop(timeoutMs);
    },
    async kill() {
      await closeClients(bootstrap);
      await jvm.kill();
    },
    async start() {
      jvm.start();
      track(tracked);
      try {
        await waitUntilServing(opts.alias, bootstrap, jvm, readyTimeoutMs);
      } catch (err) {
        await jvm.kill();
        untrack(tracked);
        throw new Error(`${(err as Error).message}\nbroker log: ${at.logFile}\n${tailFile(at.logFile, 30)}`);
      }
    },
    rssBytes: () => jvm.rssBytes(),
    async runTool(tool, args, o) {
      const mainClass = toolMainClass(tool, version);
      const name = mainClass.split('.').at(-1)!;
      const { code, output } = await jvm.runTool(name, mainClass, args, o?.input);
      // The arguments stay out of the message: they may hold a password (ConfigCommand --add-config).
      if (code !== 0) throw new Error(`${name} on ${opts.alias} exited ${code}: ${output.trim().split('\n').slice(-5).join(' | ')}`);
      return output;
    },
  };
  return cluster;
}

async function waitUntilServing(alias: string, bootstrap: string, jvm: JvmProcess, timeoutMs: number): Promise<void> {
  const kafka = new Kafka({
    clientId: 'mw-harness-probe',
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 5000,
    retry: { retries: 0 },
  });
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void jvm.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited || !jvm.isRunning) {
      throw new Error(`broker ${alias} exited during startup (exit code ${jvm.lastExitCode})`);
    }
    const admin = kafka.admin();
    try {
      await admin.connect();
      const desc = await admin.describeCluster();
      // A KRaft broker answers before it is unfenced; with no live broker, topic creation fails.
      if (desc.brokers.length > 0) return;
    } catch {
      /* not up yet */
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`broker ${alias} did not answer on ${bootstrap} within ${timeoutMs} ms`);
}

/**
 * Broker settings shared by every test and bench broker: replication factor 1 for internal topics
 * and no topic auto-creation. Listeners and roles are the caller's.
 */
export function testBrokerDefaults(dataDir: string): Record<string, string> {
  return {
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'log.dirs': dataDir,
    'num.partitions': '1',
    'offsets.topic.replication.factor': '1',
    // Fewer internal partitions: the first group commit creates them all on two shared cores.
    'offsets.topic.num.partitions': '4',
    'transaction.state.log.replication.factor': '1',
    'transaction.state.log.min.isr': '1',
    'transaction.state.log.num.partitions': '4',
    'share.coordinator.state.topic.replication.factor': '1',
    'share.coordinator.state.topic.min.isr': '1',
    'group.initial.rebalance.delay.ms': '0',
    // Metadata requests from kafkajs (and mirrorwatch) must never create MM2's remote topics.
    'auto.create.topics.enable': 'false',
    'log.segment.bytes': String(16 * 1024 * 1024),
  };
}
