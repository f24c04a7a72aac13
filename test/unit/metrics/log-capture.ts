// A pino logger whose lines tests can read back.
import { Writable } from 'node:stream';
import { createLogger } from '../../../src/log.js';
import type { Logger } from '../../../src/log.js';

export interface CapturedLog {
  logger: Logger;
  lines: () => Record<string, unknown>[];
  text: () => string;
}

export function captureLogger(level = 'info'): CapturedLog {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  const logger = createLogger(level, stream);
  const text = () => chunks.join('');
  return {
    logger,
    text,
    lines: () =>
      text()
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
