import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log.js';
import { createKafkajsLogger, forwardKafkajsLog } from '../../../src/kafka/logBridge.js';

function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      cb();
    },
  });
  return { logger: createLogger(level, stream).child({ cluster: 'us-east' }), lines };
}

describe('kafkajs log bridge', () => {
  it('maps kafkajs levels to pino (errors and warnings to debug: the poller reports them once) and keeps the cluster binding', () => {
    const { logger, lines } = capture('trace');
    const k = createKafkajsLogger(logger).namespace('Connection');
    k.error('Connection error: ECONNREFUSED', { broker: '127.0.0.1:1' });
    k.warn('w');
    k.info('i');
    k.debug('Request Metadata', { size: 3 });
    expect(lines.map((l) => [l.level, l.msg, l.kafkajs, l.cluster])).toEqual([
      [20, 'Connection error: ECONNREFUSED', 'Connection', 'us-east'],
      [20, 'w', 'Connection', 'us-east'],
      [30, 'i', 'Connection', 'us-east'],
      [10, 'Request Metadata', 'Connection', 'us-east'],
    ]);
    expect(lines[0]!.broker).toBe('127.0.0.1:1');
  });

  it('does not hand kafkajs debug output to an info logger', () => {
    const { logger, lines } = capture('info');
    const k = createKafkajsLogger(logger);
    k.debug('noisy');
    k.info('kept');
    expect(lines.map((l) => l.msg)).toEqual(['kept']);
  });

  it('drops credential-bearing fields and flattens errors', () => {
    const { logger, lines } = capture('debug');
    forwardKafkajsLog(logger, {
      namespace: 'SASL',
      level: 1,
      label: 'ERROR',
      log: {
        message: 'auth failed',
        timestamp: 'x',
        logger: 'kafkajs',
        sasl: { mechanism: 'plain', username: 'u', password: 'hunter2' },
        ssl: { key: 'PRIVATE' },
        password: 'hunter2',
        error: new Error('boom'),
      },
    });
    const out = JSON.stringify(lines);
    expect(out).not.toContain('hunter2');
    expect(out).not.toContain('PRIVATE');
    expect(lines[0]).toMatchObject({ msg: 'auth failed', error: 'boom', kafkajs: 'SASL' });
  });
});
