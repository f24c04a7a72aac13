// What the runbook commands (lag, wait, verify, lint) need from the outside world, passed in so
// that their exit-code logic can be tested without a terminal, a network or Kafka.
import { ConfigError, loadConfig } from '../config/load.js';
import type { MirrorwatchConfig } from '../core/types.js';
import type { KafkaPortFactory } from '../kafka/port.js';
import { createLogger, type Logger } from '../log.js';
import { EXIT_USAGE, UsageError, sourceChoice, type FlowRef } from './args.js';
import { configFlowSource, httpFlowSource, type FlowSource } from './flowSource.js';

export interface OutStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface CommandIo {
  stdout: OutStream;
  stderr: OutStream;
  env: NodeJS.ProcessEnv;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Test seam: replaces the real sources (Monitor or HTTP). */
  openSource?: (flow: FlowRef, opts: SourceOptions) => FlowSource;
  portFactory?: KafkaPortFactory;
  fetchImpl?: typeof fetch;
}

export interface SourceOptions {
  config?: string;
  url?: string;
  logLevel?: string;
  /** Read lag seconds of lagging partitions from record timestamps (config mode). */
  recordTimestamps?: boolean;
}

export function processIo(): CommandIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    now: Date.now,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}

/** Loads the configuration or says why not; never exits the process itself. */
export function loadConfigFor(file: string | undefined, io: CommandIo): MirrorwatchConfig {
  const path = file ?? io.env.MIRRORWATCH_CONFIG;
  if (!path) throw new UsageError('no configuration given: pass -c FILE (YAML or mm2.properties), set MIRRORWATCH_CONFIG, or ask a running mirrorwatch with --url');
  try {
    return loadConfig(path, io.env);
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(`invalid configuration\n${err.message}`);
    throw new UsageError(`cannot load configuration ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function cliLogger(level: string | undefined, io: CommandIo): Logger {
  // Poll failures are reported by the commands themselves; the log only adds detail on request.
  return createLogger(level ?? 'fatal', io.stderr as NodeJS.WritableStream);
}

export function openSource(flow: FlowRef, opts: SourceOptions, io: CommandIo): FlowSource {
  if (io.openSource) return io.openSource(flow, opts);
  const choice = sourceChoice(opts, io.env);
  if (choice.kind === 'url') return httpFlowSource(choice.url, flow, io.fetchImpl ? { fetchImpl: io.fetchImpl } : {});
  // lag, wait and verify judge a whole flow: a `shard` in the file (meant for the daemon) is ignored.
  const { shard: _shard, ...config } = loadConfigFor(choice.file, io);
  return configFlowSource(config, flow, {
    logger: cliLogger(opts.logLevel, io),
    ...(io.portFactory ? { portFactory: io.portFactory } : {}),
    recordTimestamps: opts.recordTimestamps ?? true,
    now: io.now,
  });
}

/** Prints a usage error and returns its exit code; anything else is rethrown. */
export function usageExit(err: unknown, io: CommandIo): number {
  if (err instanceof UsageError) {
    io.stderr.write(`mirrorwatch: ${err.message}\n`);
    return EXIT_USAGE;
  }
  throw err;
}
