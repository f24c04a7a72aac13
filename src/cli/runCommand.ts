import { startDaemon } from '../daemon.js';
import { createLogger } from '../log.js';
import { formatFinding } from '../config/lint.js';
import { configVerdict } from '../config/verdict.js';
import { EXIT_CONFIG, loadConfigOrExit, withShardOption } from './configOption.js';

export interface RunOptions {
  config?: string;
  logLevel?: string;
  port?: string;
  host?: string;
  shard?: string;
}

const STOP_DEADLINE_MS = 5000;

export async function runCommand(opts: RunOptions): Promise<void> {
  const sharded = withShardOption(loadConfigOrExit(opts.config), opts.shard);
  if ('error' in sharded) {
    process.stderr.write(`mirrorwatch: ${sharded.error}\n`);
    process.exit(EXIT_CONFIG);
  }
  const config = sharded;
  const logger = createLogger(opts.logLevel ?? config.logLevel);
  // The verdict check-config gives (lint errors included): logged, never fatal, since MM2 runs the
  // file as it is and mirrorwatch watches what MM2 does.
  const verdict = configVerdict(opts.config ?? process.env.MIRRORWATCH_CONFIG ?? config.file);
  for (const f of verdict.findings) logger.warn({ file: f.file, line: f.line, configKey: f.key, severity: f.severity, rule: f.rule }, formatFinding(f));
  const port = opts.port !== undefined ? Number(opts.port) : undefined;
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    process.stderr.write(`mirrorwatch: --port must be an integer between 0 and 65535, got "${opts.port}"\n`);
    process.exit(2);
  }
  let daemon;
  try {
    daemon = await startDaemon({ config, logger, httpPort: port, httpHost: opts.host });
  } catch (err) {
    logger.fatal({ err }, `mirrorwatch could not start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, `received ${signal}, stopping`);
    // Whatever hangs (a black-holed broker, a slow client), the process leaves within the deadline.
    const force = setTimeout(() => {
      logger.warn('stop took too long, exiting anyway');
      process.exit(0);
    }, STOP_DEADLINE_MS);
    force.unref();
    void daemon.stop().finally(() => {
      clearTimeout(force);
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}
