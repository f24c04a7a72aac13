// mirrorwatch under test: a YAML file written for the harness clusters, loaded by the real loader
// (loadConfig), and the daemon started in-process on a free loopback port, logging to a file that
// failing waits point at.
import { createWriteStream, writeFileSync } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { ClusterRef } from '../../harness/kafka.js';
import { newRunDir } from '../../harness/paths.js';
import { loadConfig } from '../../../src/config/load.js';
import type { MirrorwatchConfig } from '../../../src/core/types.js';
import { startDaemon } from '../../../src/daemon.js';
import type { Daemon } from '../../../src/daemon.js';
import { createLogger } from '../../../src/log.js';

export interface FlowSpec {
  source: string;
  target: string;
  /** Whole-name regexes; default: mirrorwatch's (all topics). */
  topics?: string[];
}

export interface MirrorwatchOptions {
  clusters: ClusterRef[];
  /** The flows, or 'discover' (the daemon finds them from MM2's topics). */
  flows: FlowSpec[] | 'discover';
  /** discovery.interval with flows 'discover' (default: the loader's). */
  discoveryInterval?: string;
  /** Default "1s". */
  pollInterval?: string;
  /** Default "900ms". */
  pollTimeout?: string;
  /** Default "700ms": below the poll timeout, as the loader demands. */
  requestTimeout?: string;
  /** Default "500ms". */
  connectionTimeout?: string;
  /** HTTP port; default 0 (any free one). */
  port?: number;
  logLevel?: string;
  /** This instance's shard (the YAML `shard` key); default: none (the whole configuration). */
  shard?: { index: number; count: number };
  /** Directory for the YAML file and the log (default: a fresh harness run directory, next to the brokers' and MM2's). */
  dir?: string;
  /** YAML appended as is, e.g. an `audit:` section. */
  extraYaml?: string;
}

export interface RunningMirrorwatch {
  /** `http://127.0.0.1:<port>` */
  url: string;
  daemon: Daemon;
  config: MirrorwatchConfig;
  configFile: string;
  logFile: string;
  stop(): Promise<void>;
}

const running = new Set<RunningMirrorwatch>();
// Kept after stop so a failure later in the file still points at every log written.
const started: RunningMirrorwatch[] = [];

/** The YAML mirrorwatch is given: plain and explicit, so a failing test shows what was watched. */
export function mirrorwatchYaml(opts: MirrorwatchOptions): string {
  const q = (s: string): string => JSON.stringify(s);
  const lines = ['clusters:'];
  for (const c of opts.clusters) {
    lines.push(
      `  - alias: ${q(c.alias)}`,
      `    bootstrapServers: ${q(c.bootstrap)}`,
      `    connectionTimeout: ${opts.connectionTimeout ?? '500ms'}`,
      `    requestTimeout: ${opts.requestTimeout ?? '700ms'}`,
    );
  }
  if (opts.flows === 'discover') {
    lines.push('flows: discover');
    if (opts.discoveryInterval) lines.push('discovery:', `  interval: ${opts.discoveryInterval}`);
  } else {
    lines.push('flows:');
    for (const f of opts.flows) {
      lines.push(`  - source: ${q(f.source)}`, `    target: ${q(f.target)}`);
      if (f.topics) lines.push(`    topics: [${f.topics.map(q).join(', ')}]`);
    }
  }
  lines.push(
    'poll:',
    `  interval: ${opts.pollInterval ?? '1s'}`,
    `  timeout: ${opts.pollTimeout ?? '900ms'}`,
    'http:',
    '  host: 127.0.0.1',
    `  port: ${opts.port ?? 0}`,
    `logLevel: ${opts.logLevel ?? 'info'}`,
  );
  if (opts.shard) lines.push(`shard: { index: ${opts.shard.index}, count: ${opts.shard.count} }`);
  return lines.join('\n') + '\n' + (opts.extraYaml ?? '');
}

function closeStream(stream: WriteStream): Promise<void> {
  return new Promise((resolve) => stream.end(() => resolve()));
}

export async function startMirrorwatch(opts: MirrorwatchOptions): Promise<RunningMirrorwatch> {
  const dir = opts.dir ?? newRunDir('mirrorwatch');
  const configFile = join(dir, 'mirrorwatch.yaml');
  const logFile = join(dir, 'mirrorwatch.log');
  writeFileSync(configFile, mirrorwatchYaml(opts));
  const config = loadConfig(configFile);
  const stream = createWriteStream(logFile, { flags: 'a' });
  const logger = createLogger(config.logLevel, stream);
  const daemon = await startDaemon({ config, logger, httpPort: opts.port ?? 0, httpHost: '127.0.0.1' });
  let stopped: Promise<void> | null = null;
  const mw: RunningMirrorwatch = {
    url: daemon.address.url,
    daemon,
    config,
    configFile,
    logFile,
    stop() {
      stopped ??= (async () => {
        try {
          await daemon.stop();
        } finally {
          running.delete(mw);
          await closeStream(stream);
        }
      })();
      return stopped;
    },
  };
  running.add(mw);
  started.push(mw);
  return mw;
}

/** Stops every mirrorwatch these helpers started (before the brokers go, so it logs no noise). */
export async function stopAllMirrorwatch(): Promise<void> {
  await Promise.allSettled([...running].map((m) => m.stop()));
}

export function mirrorwatchLogHint(): string {
  if (started.length === 0) return 'mirrorwatch: none started.';
  const line = (m: RunningMirrorwatch): string =>
    `  ${m.url}${running.has(m) ? '' : ' (stopped)'}: log ${m.logFile} (config ${m.configFile})`;
  return ['mirrorwatch:', ...started.map(line)].join('\n');
}
