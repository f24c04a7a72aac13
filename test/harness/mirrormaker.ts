// MirrorMaker 2 in dedicated mode (org.apache.kafka.connect.mirror.MirrorMaker) between harness clusters.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterRef } from './clients.js';
import { waitFor } from './clients.js';
import { ensureKafka } from './install.js';
import { JvmProcess, tailFile, track, untrack } from './jvm.js';
import type { Tracked } from './jvm.js';
import { newRunDir } from './paths.js';

export interface MirrorFlow {
  source: string;
  target: string;
  /** `A->B.topics` (comma-separated whole-name regexes); default ".*". */
  topics?: string;
}

export interface StartMirrorMakerOptions {
  clusters: ClusterRef[];
  flows: MirrorFlow[];
  /** Kafka version whose MM2 to run (default $KAFKA_VERSION or 4.4.0). */
  version?: string;
  /** Added last: overrides any generated key (e.g. `us-west->us-east.emit.heartbeats.enabled`). */
  extraProps?: Record<string, string>;
  baseDir?: string;
  heapMb?: number;
  /** How long start() waits for MM2 to report its herders started (default 90 s). */
  readyTimeoutMs?: number;
}

export interface MirrorMaker {
  /** MM2 version actually running (see KafkaInstall.mm2Version). */
  version: string;
  dir: string;
  propertiesFile: string;
  logFile: string;
  readonly isRunning: boolean;
  readonly pid: number | undefined;
  /** Starts the process again (same properties file); resolves once MM2 reports started. */
  start(): Promise<void>;
  /** Graceful stop: SIGTERM, SIGKILL after `timeoutMs` (default 30 s). */
  stop(timeoutMs?: number): Promise<void>;
  kill(): Promise<void>;
  restart(): Promise<void>;
  rssBytes(): number | undefined;
}

/** Properties the harness writes; exported so tests and the demo can show or reuse them. */
export function mm2Properties(opts: Pick<StartMirrorMakerOptions, 'clusters' | 'flows' | 'extraProps'>): Record<string, string> {
  const aliases = opts.clusters.map((c) => c.alias);
  for (const f of opts.flows) {
    for (const a of [f.source, f.target]) {
      if (!aliases.includes(a)) throw new Error(`flow ${f.source}->${f.target}: no cluster with alias "${a}" was given`);
    }
  }
  const props: Record<string, string> = { clusters: aliases.join(', ') };
  for (const c of opts.clusters) {
    props[`${c.alias}.bootstrap.servers`] = c.bootstrap;
    // Worker settings only take effect per cluster: MM2 builds each herder's Connect worker config
    // from `<target alias>.*` (plus a few prefixes), ignoring top-level worker keys.
    // Connect flushes source offsets (mm2-offsets.*) and MM2 its delayed offset syncs this often.
    props[`${c.alias}.offset.flush.interval.ms`] = '1000';
    // After a broker crash the worker rejoins as a new member and Connect waits this long (default
    // 5 min) before reassigning the "lost" connectors and tasks: replication would stall.
    props[`${c.alias}.scheduled.rebalance.max.delay.ms`] = '2000';
    // MM2's connectors ship ServiceLoader manifests; skipping the classpath scan saves seconds.
    props[`${c.alias}.plugin.discovery`] = 'service_load';
  }
  for (const f of opts.flows) {
    props[`${f.source}->${f.target}.enabled`] = 'true';
    props[`${f.source}->${f.target}.topics`] = f.topics ?? '.*';
  }
  Object.assign(props, {
    'replication.factor': '1',
    'checkpoints.topic.replication.factor': '1',
    'heartbeats.topic.replication.factor': '1',
    'offset-syncs.topic.replication.factor': '1',
    'offset.storage.replication.factor': '1',
    'config.storage.replication.factor': '1',
    'status.storage.replication.factor': '1',
    'refresh.topics.interval.seconds': '2',
    'refresh.groups.interval.seconds': '2',
    'emit.heartbeats.interval.seconds': '1',
    'emit.checkpoints.interval.seconds': '2',
    'sync.group.offsets.enabled': 'true',
    'sync.group.offsets.interval.seconds': '2',
    // No authorizer on the test brokers: ACL sync would only log errors.
    'sync.topic.acls.enabled': 'false',
    ...opts.extraProps,
  });
  return props;
}

export async function startMirrorMaker(opts: StartMirrorMakerOptions): Promise<MirrorMaker> {
  const install = await ensureKafka(opts.version);
  const dir = opts.baseDir ?? newRunDir(`mm2-${opts.clusters.map((c) => c.alias).join('-')}`);
  const propertiesFile = join(dir, 'mm2.properties');
  const logFile = join(dir, 'mm2.log');
  const props = mm2Properties(opts);
  writeFileSync(
    propertiesFile,
    `# written by the mirrorwatch test harness\n` +
      Object.entries(props)
        .map(([k, v]) => `${k} = ${v}`)
        .join('\n') +
      '\n',
  );
  const jvm = new JvmProcess({
    name: 'mm2',
    dir,
    classpath: install.mm2Classpath,
    mainClass: 'org.apache.kafka.connect.mirror.MirrorMaker',
    args: [propertiesFile],
    logFile,
    logBinding: install.mm2Version.startsWith('3.') ? 'reload4j' : 'log4j2',
    heapMb: opts.heapMb ?? 384,
  });
  const readyTimeoutMs = opts.readyTimeoutMs ?? 90_000;
  const tracked: Tracked = {
    stopOrder: 0,
    get describe() {
      return `mm2 (${jvm.isRunning ? `pid ${jvm.pid}` : 'stopped'}): ${logFile} (config ${propertiesFile})`;
    },
    stop: () => mm.stop(),
    killSync: () => jvm.killSync(),
  };
  const mm: MirrorMaker = {
    version: install.mm2Version,
    dir,
    propertiesFile,
    logFile,
    get isRunning() {
      return jvm.isRunning;
    },
    get pid() {
      return jvm.pid;
    },
    async start() {
      const logOffset = existsSync(logFile) ? readFileSync(logFile).length : 0;
      jvm.start();
      track(tracked);
      try {
        await waitFor(
          'MirrorMaker to report started',
          async () => {
            if (!jvm.isRunning) throw new Error(`MM2 exited during startup (exit code ${jvm.lastExitCode})`);
            return /Kafka MirrorMaker started/.test(readFileSync(logFile).subarray(logOffset).toString());
          },
          { timeoutMs: readyTimeoutMs, intervalMs: 250 },
        );
        if (!jvm.isRunning) throw new Error(`MM2 exited during startup (exit code ${jvm.lastExitCode})`);
      } catch (err) {
        await jvm.kill();
        untrack(tracked);
        throw new Error(`${(err as Error).message}\nMM2 log: ${logFile}\n${tailFile(logFile, 30)}`);
      }
    },
    stop: (timeoutMs = 30_000) => jvm.stop(timeoutMs),
    kill: () => jvm.kill(),
    async restart() {
      await jvm.stop(30_000);
      await mm.start();
    },
    rssBytes: () => jvm.rssBytes(),
  };
  await mm.start();
  return mm;
}
