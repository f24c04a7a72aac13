// The correction of kafkajs's idle request-queue timer, on real kafkajs connection pools (no broker
// needed: the queues exist from construction).
import { afterEach, describe, expect, it, vi } from 'vitest';
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

interface TimedQueue {
  inflight: Map<number, unknown>;
  requestTimeoutIntervalId?: NodeJS.Timeout | null;
  scheduleRequestTimeoutCheck(): void;
  sendSocketRequest(request: unknown): void;
  destroy(): void;
}

const timedQueues = (pool: KafkajsConnectionPool): TimedQueue[] => pool.pool.map((c) => (c as unknown as { requestQueue: TimedQueue }).requestQueue);
/** Intervals of 100 ms or less set and not cleared since the spy started (the timeout check's). */
function watchIntervals() {
  const live = new Set<unknown>();
  const set = vi.spyOn(globalThis, 'setInterval');
  const clear = vi.spyOn(globalThis, 'clearInterval');
  set.mockImplementation(((fn: () => void, ms?: number) => {
    const id = realSetInterval(fn, ms);
    if ((ms ?? 0) <= 100) live.add(id);
    return id;
  }) as typeof setInterval);
  clear.mockImplementation(((id: NodeJS.Timeout | undefined) => {
    live.delete(id);
    realClearInterval(id);
  }) as typeof clearInterval);
  return { live, restore: () => { set.mockRestore(); clear.mockRestore(); } };
}
const realSetInterval = globalThis.setInterval;
const realClearInterval = globalThis.clearInterval;

describe('request timeouts checked only while requests are in flight', () => {
  it('kafkajs as shipped runs the 100 ms check from connect on, with nothing in flight', () => {
    const w = watchIntervals();
    try {
      const [q] = timedQueues(newPool());
      q!.scheduleRequestTimeoutCheck();
      expect(q!.inflight.size).toBe(0);
      expect(w.live.size).toBe(1);
      q!.destroy();
    } finally {
      w.restore();
    }
  });

  it('arms nothing at connect, times a request out as before, then disarms', async () => {
    const w = watchIntervals();
    try {
      const [q] = timedQueues(quietIdleRequestQueues(newPool()));
      q!.scheduleRequestTimeoutCheck();
      expect(w.live.size).toBe(0);
      let timedOut = false;
      const request = {
        sentAt: Date.now(),
        requestTimeout: 50,
        timeoutRequest: () => {
          timedOut = true;
          q!.inflight.delete(7);
        },
      };
      q!.sendSocketRequest({ correlationId: 7, expectResponse: true, send: () => q!.inflight.set(7, request) });
      expect(w.live.size).toBe(1);
      await new Promise((r) => setTimeout(r, 400));
      expect(timedOut).toBe(true);
      expect(w.live.size).toBe(0);
      q!.destroy();
    } finally {
      w.restore();
    }
  });

  it('keeps checking while a request is in flight and not yet due', async () => {
    const w = watchIntervals();
    try {
      const [q] = timedQueues(quietIdleRequestQueues(newPool()));
      // A connected connection (the check drops the queue of one that is not, as kafkajs does).
      (q as unknown as { isConnected: () => boolean }).isConnected = () => true;
      q!.sendSocketRequest({ correlationId: 8, expectResponse: true, send: () => q!.inflight.set(8, { sentAt: Date.now(), requestTimeout: 60_000, timeoutRequest: () => {} }) });
      await new Promise((r) => setTimeout(r, 250));
      expect(w.live.size).toBe(1);
      q!.inflight.delete(8);
      await new Promise((r) => setTimeout(r, 250));
      expect(w.live.size).toBe(0);
      q!.destroy();
    } finally {
      w.restore();
    }
  });
});
