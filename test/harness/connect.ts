// A Kafka Connect distributed worker (org.apache.kafka.connect.cli.ConnectDistributed, from the
// connect-runtime jar on the MM2 classpath) attached to one harness cluster, with its REST API on a
// free loopback port: MM2 in "Connect mode", as Strimzi's KafkaMirrorMaker2 and many companies run it.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterRef } from './clients.js';
import { waitFor } from './clients.js';
import { ensureKafka } from './install.js';
import { JvmProcess, tailFile, track, untrack } from './jvm.js';
import type { Tracked } from './jvm.js';
import { newRunDir } from './paths.js';
import { freePort } from './ports.js';

export interface StartConnectOptions {
  /** The cluster the worker stores its topics on (MM2's target). */
  cluster: ClusterRef;
  groupId?: string;
  /** offset.storage.topic; the point of Connect mode is that it is not MM2's default. */
  offsetsTopic: string;
  configTopic?: string;
  statusTopic?: string;
  version?: string;
  heapMb?: number;
  extraProps?: Record<string, string>;
}

export interface ConnectWorker {
  /** http://127.0.0.1:<port> */
  url: string;
  dir: string;
  logFile: string;
  offsetsTopic: string;
  /** PUT /connectors/<name>/config (create or update). */
  putConnector(name: string, config: Record<string, string>): Promise<void>;
  deleteConnector(name: string): Promise<void>;
  /** Resolves once the connector and all its tasks report RUNNING. */
  waitRunning(name: string, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

async function rest(url: string, method: string, body?: unknown): Promise<{ status: number; text: string }> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(30_000),
  });
  return { status: res.status, text: await res.text() };
}

export async function startConnectWorker(opts: StartConnectOptions): Promise<ConnectWorker> {
  const install = await ensureKafka(opts.version);
  const dir = newRunDir(`connect-${opts.cluster.alias}`);
  const port = await freePort();
  const propsFile = join(dir, 'connect-distributed.properties');
  const logFile = join(dir, 'connect.log');
  const props: Record<string, string> = {
    'bootstrap.servers': opts.cluster.bootstrap,
    'group.id': opts.groupId ?? 'mw-connect',
    'key.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter',
    'value.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter',
    'offset.storage.topic': opts.offsetsTopic,
    'config.storage.topic': opts.configTopic ?? 'mw-connect-configs',
    'status.storage.topic': opts.statusTopic ?? 'mw-connect-status',
    'offset.storage.replication.factor': '1',
    'config.storage.replication.factor': '1',
    'status.storage.replication.factor': '1',
    'offset.storage.partitions': '5',
    'status.storage.partitions': '1',
    // Source offsets reach the offsets topic this often: the Connect-offsets cross-check needs them.
    'offset.flush.interval.ms': '1000',
    'scheduled.rebalance.max.delay.ms': '2000',
    listeners: `http://127.0.0.1:${port}`,
    'rest.advertised.host.name': '127.0.0.1',
    'rest.advertised.port': String(port),
    'plugin.discovery': 'service_load',
    // Lets a connector write to another cluster than the worker's (producer.override.*).
    'connector.client.config.override.policy': 'All',
    ...opts.extraProps,
  };
  writeFileSync(propsFile, Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
  const jvm = new JvmProcess({
    name: 'connect',
    dir,
    classpath: install.mm2Classpath,
    mainClass: 'org.apache.kafka.connect.cli.ConnectDistributed',
    args: [propsFile],
    logFile,
    logBinding: install.mm2Version.startsWith('3.') ? 'reload4j' : 'log4j2',
    heapMb: opts.heapMb ?? 384,
  });
  const url = `http://127.0.0.1:${port}`;
  const tracked: Tracked = {
    stopOrder: 0,
    get describe() {
      return `connect worker (${jvm.isRunning ? `pid ${jvm.pid}` : 'stopped'}): ${logFile} (config ${propsFile}, REST ${url})`;
    },
    stop: () => jvm.stop(30_000),
    killSync: () => jvm.killSync(),
  };
  jvm.start();
  track(tracked);
  try {
    await waitFor(
      'the Connect worker REST API to answer',
      async () => {
        if (!jvm.isRunning) throw new Error(`Connect exited during startup (exit code ${jvm.lastExitCode})`);
        try {
          const r = await rest(`${url}/connectors`, 'GET');
          return r.status === 200;
        } catch {
          return false;
        }
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
  } catch (err) {
    await jvm.kill();
    untrack(tracked);
    throw new Error(`${(err as Error).message}\nConnect log: ${logFile}\n${existsSync(logFile) ? tailFile(logFile, 30) : ''}`);
  }
  const worker: ConnectWorker = {
    url,
    dir,
    logFile,
    offsetsTopic: opts.offsetsTopic,
    async putConnector(name, config) {
      // The herder may still be joining its group: 409 (rebalance) is retried.
      await waitFor(
        `PUT connector ${name}`,
        async () => {
          const r = await rest(`${url}/connectors/${encodeURIComponent(name)}/config`, 'PUT', config);
          if (r.status === 200 || r.status === 201) return true;
          if (r.status === 409 || r.status >= 500) return false;
          throw new Error(`PUT /connectors/${name}/config answered ${r.status}: ${r.text}`);
        },
        { timeoutMs: 60_000, intervalMs: 500 },
      );
    },
    async deleteConnector(name) {
      await waitFor(
        `DELETE connector ${name}`,
        async () => {
          const r = await rest(`${url}/connectors/${encodeURIComponent(name)}`, 'DELETE');
          if (r.status === 204 || r.status === 200 || r.status === 404) return true;
          if (r.status === 409 || r.status >= 500) return false;
          throw new Error(`DELETE /connectors/${name} answered ${r.status}: ${r.text}`);
        },
        { timeoutMs: 60_000, intervalMs: 500 },
      );
    },
    async waitRunning(name, timeoutMs = 90_000) {
      let last = '';
      try {
        await waitFor(
          `connector ${name} and its tasks to run`,
          async () => {
            const r = await rest(`${url}/connectors/${encodeURIComponent(name)}/status`, 'GET');
            last = r.text;
            if (r.status !== 200) return false;
            const s = JSON.parse(r.text) as { connector: { state: string }; tasks: { state: string }[] };
            if (s.connector.state === 'FAILED' || s.tasks.some((t) => t.state === 'FAILED')) throw new Error(`connector ${name} failed: ${r.text}`);
            return s.connector.state === 'RUNNING' && s.tasks.length > 0 && s.tasks.every((t) => t.state === 'RUNNING');
          },
          { timeoutMs, intervalMs: 500 },
        );
      } catch (err) {
        throw new Error(`${(err as Error).message}\nlast status: ${last}\nConnect log: ${logFile}\n${tailFile(logFile, 30)}`);
      }
    },
    async stop() {
      await jvm.stop(30_000);
      untrack(tracked);
    },
  };
  return worker;
}

/** Whether `text` occurs in the worker's log (for failure hints). */
export function connectLogHas(worker: ConnectWorker, text: string): boolean {
  return existsSync(worker.logFile) && readFileSync(worker.logFile, 'utf8').includes(text);
}
