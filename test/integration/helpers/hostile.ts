// Support for the hostile-condition tests (issue 6): mirrorwatch started in-process from a YAML
// text with everything it prints captured (to grep for secrets and count log lines), an HTTP(S)
// client that can present a CA, a client certificate and basic auth, and a KafkaPort wrapper that
// lets a test act in the middle of a poll and see whether polls of a cluster ever overlap.
import { createWriteStream, mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeEach } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import type { MirrorwatchConfig } from '../../../src/core/types.js';
import { startDaemon } from '../../../src/daemon.js';
import type { Daemon } from '../../../src/daemon.js';
import { createKafkajsPort } from '../../../src/kafka/kafkajsPort.js';
import type { KafkaPort, KafkaPortFactory } from '../../../src/kafka/port.js';
import { createLogger } from '../../../src/log.js';
import { logHint, stopAll } from '../../harness/kafka.js';

export interface LogLine {
  level: number;
  msg: string;
  cluster?: string;
  [key: string]: unknown;
}

export interface Watch {
  url: string;
  daemon: Daemon;
  config: MirrorwatchConfig;
  dir: string;
  logFile: string;
  /** Everything mirrorwatch's logger wrote, as written. */
  logText(): string;
  /** The log, one parsed JSON object per line. */
  logLines(): LogLine[];
  stop(): Promise<void>;
}

export interface StartWatchOptions {
  yaml: string;
  /** Environment the loader resolves passwordEnv from (not process.env: secrets stay local). */
  env?: NodeJS.ProcessEnv;
  /** Files to write next to the YAML (relative names), e.g. a password file. */
  files?: Record<string, string>;
  portFactory?: KafkaPortFactory;
  name?: string;
}

const watches = new Set<Watch>();
const startedWatches: Watch[] = [];

export async function startWatch(opts: StartWatchOptions): Promise<Watch> {
  const dir = mkdtempSync(join(tmpdir(), `mirrorwatch-${opts.name ?? 'hostile'}-`));
  for (const [name, text] of Object.entries(opts.files ?? {})) writeFileSync(join(dir, name), text);
  const configFile = join(dir, 'mirrorwatch.yaml');
  writeFileSync(configFile, opts.yaml);
  const config = loadConfig(configFile, opts.env ?? {});
  const logFile = join(dir, 'mirrorwatch.log');
  const file = createWriteStream(logFile, { flags: 'a' });
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      const text = chunk.toString();
      chunks.push(text);
      file.write(text);
      cb();
    },
  });
  const logger = createLogger(config.logLevel, sink);
  const daemon = await startDaemon({ config, logger, httpPort: 0, httpHost: '127.0.0.1', ...(opts.portFactory ? { portFactory: opts.portFactory } : {}) });
  let stopped: Promise<void> | null = null;
  const w: Watch = {
    url: daemon.address.url,
    daemon,
    config,
    dir,
    logFile,
    logText: () => chunks.join(''),
    logLines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as LogLine),
    stop() {
      stopped ??= (async () => {
        try {
          await daemon.stop();
        } finally {
          watches.delete(w);
          await new Promise<void>((r) => file.end(() => r()));
        }
      })();
      return stopped;
    },
  };
  watches.add(w);
  startedWatches.push(w);
  return w;
}

export function watchLogHint(): string {
  return ['mirrorwatch (hostile tests):', ...startedWatches.map((w) => `  ${w.url}: log ${w.logFile}`)].join('\n');
}

/** vitest glue: mirrorwatch stops first, then MM2, brokers and proxies; failures print every log path. */
export function useHostileHarness(): void {
  beforeEach(({ onTestFailed }) => {
    onTestFailed(() => {
      console.error(`${logHint()}\n${watchLogHint()}`);
    });
  });
  afterAll(async () => {
    await Promise.allSettled([...watches].map((w) => w.stop()));
    await stopAll();
  });
}

// ------------------------------------------------------------------ HTTP(S) client

export interface GetOptions {
  /** PEM CA to trust (HTTPS). */
  ca?: string;
  /** Client certificate and key (mutual TLS). */
  cert?: string;
  key?: string;
  /** Basic auth. */
  auth?: { user: string; password: string };
  timeoutMs?: number;
}

export interface GetResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  ms: number;
}

/** GET with node:http/https (fetch cannot take a CA or a client certificate per request). */
export function get(url: string, opts: GetOptions = {}): Promise<GetResult> {
  const started = performance.now();
  const u = new URL(url);
  const headers: Record<string, string> = {};
  if (opts.auth) headers.authorization = `Basic ${Buffer.from(`${opts.auth.user}:${opts.auth.password}`).toString('base64')}`;
  return new Promise((resolve, reject) => {
    const options = { method: 'GET', headers, timeout: opts.timeoutMs ?? 5000, agent: false as const };
    const onResponse = (res: IncomingMessage): void => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, ms: performance.now() - started }));
      res.on('error', reject);
    };
    const req =
      u.protocol === 'https:'
        ? httpsRequest(u, { ...options, ca: opts.ca, cert: opts.cert, key: opts.key }, onResponse)
        : httpRequest(u, options, onResponse);
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: no answer within ${opts.timeoutMs ?? 5000} ms`)));
    req.on('error', reject);
    req.end();
  });
}

// ------------------------------------------------------------------ watching polls

export interface PollObserver {
  /** Poll steps (KafkaPort calls) of a cluster in flight right now. */
  inFlight(alias: string): number;
  /** Most steps of a cluster ever in flight at once: more than 1 means two polls overlapped. */
  maxInFlight(alias: string): number;
  /** Start times (ms) of each poll (its first step: connect or listTopics) of a cluster. */
  pollStarts(alias: string): number[];
  /**
   * Runs `action` the next time a poll of `alias` reaches `step`, holding that step until the
   * action is done; resolves with the action's result.
   */
  atNext<T>(alias: string, step: PortStep, action: () => Promise<T>): Promise<T>;
}

export type PortStep = 'listTopics' | 'fetchOffsets' | 'fetchOffsetsForTimes' | 'fetch' | 'fetchCommittedOffsets' | 'describeTopicConfigs';

/** The real kafkajs port, observed: no behaviour changes unless a test asks to act mid-poll. */
export function observedPortFactory(): { factory: KafkaPortFactory; observer: PollObserver } {
  const inFlight = new Map<string, number>();
  const maxInFlight = new Map<string, number>();
  const starts = new Map<string, number[]>();
  const pending = new Map<string, { step: PortStep; run: () => Promise<void> }[]>();

  const wrap = (port: KafkaPort): KafkaPort => {
    const alias = port.alias;
    const around = async <T>(step: PortStep | 'connect', call: () => Promise<T>): Promise<T> => {
      const n = (inFlight.get(alias) ?? 0) + 1;
      inFlight.set(alias, n);
      maxInFlight.set(alias, Math.max(maxInFlight.get(alias) ?? 0, n));
      try {
        if (step !== 'connect') {
          const list = pending.get(alias) ?? [];
          const i = list.findIndex((p) => p.step === step);
          if (i >= 0) {
            const [hook] = list.splice(i, 1);
            await hook!.run();
          }
        }
        return await call();
      } finally {
        inFlight.set(alias, (inFlight.get(alias) ?? 1) - 1);
      }
    };
    // A poll opens with connect() (after a failure) or with listTopics(); connect() is followed by
    // listTopics() in the same poll.
    let connected = false;
    const markStart = (): void => {
      (starts.get(alias) ?? starts.set(alias, []).get(alias)!).push(Date.now());
    };
    return {
      alias,
      connect: () => {
        markStart();
        connected = true;
        return around('connect', () => port.connect());
      },
      close: () => port.close(),
      listTopics: () => {
        if (!connected) markStart();
        connected = false;
        return around('listTopics', () => port.listTopics());
      },
      fetchOffsets: (p) => around('fetchOffsets', () => port.fetchOffsets(p)),
      fetchOffsetsForTimes: (q) => around('fetchOffsetsForTimes', () => port.fetchOffsetsForTimes(q)),
      describeTopicConfigs: (t, k) => around('describeTopicConfigs', () => port.describeTopicConfigs(t, k)),
      fetch: (r) => around('fetch', () => port.fetch(r)),
      fetchCommittedOffsets: (g) => around('fetchCommittedOffsets', () => port.fetchCommittedOffsets(g)),
    };
  };

  const observer: PollObserver = {
    inFlight: (a) => inFlight.get(a) ?? 0,
    maxInFlight: (a) => maxInFlight.get(a) ?? 0,
    pollStarts: (a) => [...(starts.get(a) ?? [])],
    atNext<T>(alias: string, step: PortStep, action: () => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const list = pending.get(alias) ?? [];
        list.push({
          step,
          run: async () => {
            try {
              resolve(await action());
            } catch (err) {
              reject(err);
            }
          },
        });
        pending.set(alias, list);
      });
    },
  };
  // The count audit and discovery open ports of their own (docs/audit.md), whose requests run beside
  // the polls by design: only the polls' ports are observed.
  const ownLoop = (deps: Parameters<KafkaPortFactory>[1]): boolean => {
    const component = (deps.logger.bindings() as { component?: string }).component;
    return component === 'audit' || component === 'discovery';
  };
  return { factory: (cluster, deps) => (ownLoop(deps) ? createKafkajsPort(cluster, deps) : wrap(createKafkajsPort(cluster, deps))), observer };
}
