// A poll abandoned at its timeout must not go on talking to Kafka while the next poll runs, and
// its failure is published at the timeout, not after the abandoned work has settled.
import { afterEach, describe, expect, it } from 'vitest';
import { ClusterPoller } from '../../../src/poller/clusterPoller.js';
import type { ClusterPollerState } from '../../../src/poller/clusterPoller.js';
import type { KafkaPort } from '../../../src/kafka/port.js';
import type { Telemetry } from '../../../src/core/telemetry.js';
import { createLogger } from '../../../src/log.js';
import { Writable } from 'node:stream';
import { fakePort } from '../helpers/fakePort.js';

const silent = createLogger('fatal', new Writable({ write: (_c, _e, cb) => cb() }));
const telemetry: Telemetry = { kafkaRequest: () => {}, pollError: () => {}, decodeError: () => {} };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Call {
  step: string;
  start: number;
  end: number;
}

/** A port whose every call takes `ms(step)`; records when each call ran. */
function slowPort(ms: (step: string) => number) {
  const calls: Call[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const t0 = Date.now();
  const step = async <T>(name: string, value: T): Promise<T> => {
    const c: Call = { step: name, start: Date.now() - t0, end: -1 };
    calls.push(c);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      await sleep(ms(name));
      return value;
    } finally {
      inFlight--;
      c.end = Date.now() - t0;
    }
  };
  const port = fakePort({
    alias: 'slow',
    connect: () => step('connect', undefined),
    listTopics: () => step('listTopics', [{ name: 't', partitions: [0] }]),
    fetchOffsets: () => step('fetchOffsets', [{ topic: 't', partition: 0, start: 0, end: 5 }]),
    fetch: () => step('fetch', []),
    fetchCommittedOffsets: () => step('fetchCommittedOffsets', []),
  });
  return { port, calls, t0, maxInFlight: () => maxInFlight };
}

const pollers: ClusterPoller[] = [];
afterEach(async () => {
  await Promise.all(pollers.splice(0).map((p) => p.stop(200)));
});

function poller(port: KafkaPort, opts: { intervalMs: number; timeoutMs: number; settleTimeoutMs?: number }, onPolled: (s: ClusterPollerState) => void) {
  const p = new ClusterPoller(port, {
    ...opts,
    logger: silent,
    telemetry,
    plan: () => ({ offsetTopics: ['t'], tails: [], groups: ['g'] }),
    onPolled,
  });
  pollers.push(p);
  return p;
}

describe('a poll abandoned at its timeout', () => {
  it('issues no further request, so the next poll never runs beside it', async () => {
    // connect, listTopics, fetchOffsets, fetchCommittedOffsets: 4 x 50 ms, timeout 60 ms.
    const { port, calls, maxInFlight } = slowPort(() => 50);
    const p = poller(port, { intervalMs: 20, timeoutMs: 60 }, () => {});
    p.start();
    await sleep(700);
    await p.stop(500);
    expect(calls.length).toBeGreaterThan(6);
    // Each poll gets as far as listTopics, which ends after the timeout; nothing after it.
    expect(calls.filter((c) => c.step === 'fetchOffsets' || c.step === 'fetchCommittedOffsets')).toEqual([]);
    expect(maxInFlight()).toBe(1);
    for (let i = 1; i < calls.length; i++) expect(calls[i]!.start).toBeGreaterThanOrEqual(calls[i - 1]!.end);
  });

  it('reports the failure at the timeout and starts the next poll only after its request settled', async () => {
    // connect hangs 400 ms (a request timeout longer than the poll timeout).
    const { port, calls, maxInFlight } = slowPort((s) => (s === 'connect' ? 400 : 1));
    const started = Date.now();
    const failures: number[] = [];
    const p = poller(port, { intervalMs: 50, timeoutMs: 100, settleTimeoutMs: 600 }, (s) => {
      if (!s.up) failures.push(Date.now() - started);
    });
    p.start();
    await sleep(1000);
    await p.stop(600);
    expect(failures[0]).toBeGreaterThanOrEqual(95);
    expect(failures[0]).toBeLessThan(250);
    const connects = calls.filter((c) => c.step === 'connect');
    expect(connects.length).toBeGreaterThanOrEqual(2);
    // The second poll waited for the first one's hung request instead of running beside it.
    expect(connects[1]!.start).toBeGreaterThanOrEqual(connects[0]!.end);
    expect(maxInFlight()).toBe(1);
  });

  it('still gives a healthy cluster its full reading', async () => {
    const { port } = slowPort(() => 2);
    const states: ClusterPollerState[] = [];
    const p = poller(port, { intervalMs: 1000, timeoutMs: 500 }, (s) => states.push({ ...s }));
    await p.pollOnce();
    expect(states.at(-1)?.up).toBe(true);
    expect(states.at(-1)?.reading?.offsets.size).toBe(1);
  });
});
