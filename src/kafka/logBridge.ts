// Routes kafkajs's own log lines into our pino logger.
import type { Logger } from '../log.js';
import { kafkajsLoggers } from './kafkajsInternals.js';
import type { KafkajsLogEntry, KafkajsLogger } from './kafkajsInternals.js';

const { LEVELS } = kafkajsLoggers;

// Keys kafkajs never fills with secrets today; dropped anyway so a future kafkajs log line that
// dumps its connection options cannot leak credentials (pino's redaction is the second net).
const DROPPED_KEYS = new Set(['sasl', 'ssl', 'password', 'key', 'cert', 'ca', 'authenticationProvider']);

function plain(value: unknown): unknown {
  return value instanceof Error ? value.message : value;
}

/** Writes one kafkajs log entry to pino. Exported for tests. */
export function forwardKafkajsLog(logger: Logger, entry: KafkajsLogEntry): void {
  const fields: Record<string, unknown> = { kafkajs: entry.namespace };
  for (const [k, v] of Object.entries(entry.log)) {
    if (k === 'message' || k === 'timestamp' || k === 'logger' || DROPPED_KEYS.has(k)) continue;
    fields[k] = plain(v);
  }
  const message = String(entry.log.message);
  // kafkajs logs an ERROR for every failed connection or request, on every poll; the port turns
  // those into rejected promises that the poller reports once per cluster and reason, with the
  // same text. Logged here too, a wrong password would add two lines per poll forever, so they
  // are debug detail. kafkajs DEBUG dumps whole responses (a metadata response of every topic),
  // which is trace material.
  if (entry.level <= LEVELS.WARN) logger.debug(fields, message);
  else if (entry.level <= LEVELS.INFO) logger.info(fields, message);
  else logger.trace(fields, message);
}

/** A kafkajs logger that writes to `logger`, with kafkajs's level set from pino's. */
export function createKafkajsLogger(logger: Logger): KafkajsLogger {
  const level = logger.isLevelEnabled('trace')
    ? LEVELS.DEBUG
    : logger.isLevelEnabled('info')
      ? LEVELS.INFO
      : logger.isLevelEnabled('warn')
        ? LEVELS.WARN
        : LEVELS.NOTHING;
  return kafkajsLoggers.createLogger({
    level,
    logCreator: () => (entry) => forwardKafkajsLog(logger, entry),
  });
}
