import { pino } from 'pino';
import type { Logger as PinoLogger, LoggerOptions } from 'pino';

export type Logger = PinoLogger;

// Paths that may carry secrets anywhere in a logged object: pino replaces them before output.
export const REDACT_PATHS = [
  'password',
  '*.password',
  'sasl.password',
  '*.sasl.password',
  'cluster.sasl.password',
  'clientSecret',
  '*.clientSecret',
  '*.sasl.clientSecret',
  'tls.key',
  '*.tls.key',
];

export function createLogger(level: string = 'info', destination?: NodeJS.WritableStream): Logger {
  const options: LoggerOptions = {
    name: 'mirrorwatch',
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
  return destination ? pino(options, destination as never) : pino(options);
}
