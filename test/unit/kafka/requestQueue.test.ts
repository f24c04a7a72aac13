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
  it('kafkajs as shipped arms a timer with nothing pending, due before now (the behaviour being corrected)', () => {
    const [q] = queues(newPool());
    made.push(q!);
    expect(q!.pending).toHaveLength(0);
    // Caught rather than armed: Node 26 would print a TimeoutNegativeWarning for the test process.
    const delays: (number | undefined)[] = [];
    const spy = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((_fn: () => void, ms?: number) => {
      delays.push(ms);
      return { ref: () => undefined, unref: () => undefined } as unknown as NodeJS.Timeout;
    }) as unknown as typeof setTimeout);
    try {
      q!.scheduleCheckPendingRequests();
    } finally {
      spy.mockRestore();
    }
    expect(q!.throttleCheckTimeoutId).not.toBeNull();
    // throttledUntil (-1, no throttle) minus now: Node runs it after 1 ms, and it re-arms itself.
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeLessThan(-1_000_000_000);
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
/** Timers set by the code under test and neither cleared nor fired yet. */
function watchTimers() {
  const live = new Set<unknown>();
  const spies = [
    vi.spyOn(globalThis, 'setInterval').mockImplementation(((fn: () => void, ms?: number) => {
      const id = realSetInterval(fn, ms);
      live.add(id);
      return id;
    }) as typeof setInterval),
    vi.spyOn(globalThis, 'clearInterval').mockImplementation(((id: NodeJS.Timeout | undefined) => {
      live.delete(id);
      realClearInterval(id);
    }) as typeof clearInterval),
    vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
      const id: NodeJS.Timeout = realSetTimeout(() => {
        live.delete(id);
        fn();
      }, ms);
      live.add(id);
      return id;
    }) as typeof setTimeout),
    vi.spyOn(globalThis, 'clearTimeout').mockImplementation(((id: NodeJS.Timeout | undefined) => {
      live.delete(id);
      realClearTimeout(id);
    }) as typeof clearTimeout),
  ];
  return { live, restore: () => spies.forEach((sp) => sp.mockRestore()) };
}
const realSetInterval = globalThis.setInterval;
const realClearInterval = globalThis.clearInterval;
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;
const sleep = (ms: number) => new Promise((r) => realSetTimeout(r, ms));

describe('request timeouts checked only while requests are in flight', () => {
  it('kafkajs as shipped runs a 100 ms check from connect on, with nothing in flight', () => {
    const w = watchTimers();
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

  it('arms nothing at connect, times a request out as before, then leaves no timer', async () => {
    const w = watchTimers();
    try {
      const [q] = timedQueues(quietIdleRequestQueues(newPool()));
      q!.scheduleRequestTimeoutCheck();
      expect(w.live.size).toBe(0);
      let timedOut = 0;
      const request = {
        sentAt: Date.now(),
        requestTimeout: 50,
        timeoutRequest: () => {
          timedOut = Date.now();
          q!.inflight.delete(7);
        },
      };
      q!.sendSocketRequest({ correlationId: 7, expectResponse: true, send: () => q!.inflight.set(7, request) });
      expect(w.live.size).toBe(1);
      await sleep(400);
      expect(timedOut - request.sentAt).toBeGreaterThan(50);
      expect(w.live.size).toBe(0);
      q!.destroy();
    } finally {
      w.restore();
    }
  });

  it('one timer for many requests, due at the earliest; none once they are answered and it fired', async () => {
    const w = watchTimers();
    try {
      const [q] = timedQueues(quietIdleRequestQueues(newPool()));
      const timedOut: number[] = [];
      const add = (id: number, timeoutMs: number) =>
        q!.sendSocketRequest({
          correlationId: id,
          expectResponse: true,
          send: () =>
            q!.inflight.set(id, {
              sentAt: Date.now(),
              requestTimeout: timeoutMs,
              timeoutRequest: () => {
                timedOut.push(id);
                q!.inflight.delete(id);
              },
            }),
        });
      add(1, 60_000);
      add(2, 100);
      add(3, 60_000);
      expect(w.live.size).toBe(1);
      await sleep(300);
      expect(timedOut).toEqual([2]);
      // Still armed for the other two.
      expect(w.live.size).toBe(1);
      q!.inflight.clear();
      q!.destroy();
      expect(w.live.size).toBe(0);
    } finally {
      w.restore();
    }
  });
});
