// The correction of kafkajs's idle request-queue timer, on real kafkajs connection pools (no broker
// needed: the queues exist from construction).
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionPool, InstrumentationEventEmitter, createSocketFactory, quietIdleRequestQueues } from '../../../src/kafka/kafkajsInternals.js';
import type { KafkajsConnectionPool } from '../../../src/kafka/kafkajsInternals.js';
import { createKafkajsLogger } from '../../../src/kafka/logBridge.js';
import { createLogger } from '../../../src/log.js';

interface Queue {
  pending: unknown[];
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  scheduleCheckPendingRequests(): void;
  destroy(): void;
}

function newPool(): KafkajsConnectionPool {
  return new ConnectionPool({
    host: '127.0.0.1',
    port: 9,
    ssl: null,
    sasl: null,
    clientId: 'test',
    socketFactory: createSocketFactory(),
    connectionTimeout: 100,
    requestTimeout: 100,
    enforceRequestTimeout: true,
    maxInFlightRequests: null,
    instrumentationEmitter: new InstrumentationEventEmitter(),
    logger: createKafkajsLogger(createLogger('error')),
  });
}

const queues = (pool: KafkajsConnectionPool): Queue[] => pool.pool.map((c) => (c as unknown as { requestQueue: Queue }).requestQueue);
const made: Queue[] = [];
afterEach(() => {
  for (const q of made.splice(0)) {
    if (q.throttleCheckTimeoutId) clearTimeout(q.throttleCheckTimeoutId);
    q.throttleCheckTimeoutId = null;
  }
});

describe('quietIdleRequestQueues', () => {
  it('kafkajs as shipped arms a timer with nothing pending (the behaviour being corrected)', () => {
    const [q] = queues(newPool());
    made.push(q!);
    expect(q!.pending).toHaveLength(0);
    q!.scheduleCheckPendingRequests();
    expect(q!.throttleCheckTimeoutId).not.toBeNull();
  });

  it('arms no timer while nothing waits, on every connection of the pool', () => {
    const pool = quietIdleRequestQueues(newPool());
    expect(pool.pool.length).toBeGreaterThan(0);
    for (const q of queues(pool)) {
      made.push(q);
      q.scheduleCheckPendingRequests();
      expect(q.throttleCheckTimeoutId).toBeNull();
    }
  });

  it('still schedules the check when a request waits', () => {
    const [q] = queues(quietIdleRequestQueues(newPool()));
    made.push(q!);
    q!.pending.push({ placeholder: true });
    q!.scheduleCheckPendingRequests();
    expect(q!.throttleCheckTimeoutId).not.toBeNull();
    q!.pending.length = 0;
  });
});
