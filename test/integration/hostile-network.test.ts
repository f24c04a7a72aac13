// Issue 6, item 3: network faults, with real brokers, a real MM2 and TCP proxies on loopback.
//
//            MM2 ──────────────── proxy "mm2" ─┐ (listener VIA_MM2, advertised at the proxy)
//   us-east ─┤                                 ├─ us-west
//            mirrorwatch ─────── proxy "mw" ───┘ (listener VIA_MW, advertised at the proxy)
//
// A broker hands out the addresses of the listener a client came in on, so each path to us-west
// has a listener of its own whose advertised port is its proxy's: cutting one proxy cuts exactly
// one path. us-east is reached directly by both.
//   a. MM2 -> us-west black-holed while mirrorwatch still reaches both clusters;
//   b. mirrorwatch -> us-west black-holed;
//   c. the us-west broker killed, and MM2 stopped and started, each in the middle of a poll.
// Each scenario prints how long mirrorwatch took to report the fault and to recover.
import { beforeAll, describe, expect, it } from 'vitest';
import { createTopic, produce, startCluster, startMirrorMaker, waitForTopic } from '../harness/kafka.js';
import type { KafkaCluster, MirrorMaker } from '../harness/kafka.js';
import { freePort } from '../harness/ports.js';
import { startProxy } from '../harness/proxy.js';
import type { ProxyMode, TcpProxy } from '../harness/proxy.js';
import { gauge, readFlow, scrapeMetrics, select, summary, tp } from './helpers/figures.js';
import type { FlowFigures } from './helpers/figures.js';
import { observedPortFactory, startWatch, useHostileHarness } from './helpers/hostile.js';
import type { PollObserver, Watch } from './helpers/hostile.js';
import { fail, pass, waitUntil } from './helpers/wait.js';

useHostileHarness();

const EAST = 'us-east';
const WEST = 'us-west';
const TOPIC = 'orders';
const PARTITIONS = 3;
const INITIAL = [5, 8, 3];
const POLL_INTERVAL_MS = 1000;
const POLL_TIMEOUT_MS = 800;
const MAX_HEARTBEAT_AGE_S = 5;
const MAX_SCRAPE_MS = 1000;

let east: KafkaCluster;
let west: KafkaCluster;
let mm2Proxy: TcpProxy;
let mwProxy: TcpProxy;
let mm: MirrorMaker;
let mw: Watch;
let observer: PollObserver;
/** Records produced to each partition of orders so far. */
const produced = [...INITIAL];

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const report = (line: string): void => console.log(`[hostile-network] ${line}`);

async function produceEach(n: number): Promise<void> {
  for (let p = 0; p < PARTITIONS; p++) {
    await produce(east, TOPIC, { partition: p, count: n, keyPrefix: `r${produced[p]}` });
    produced[p]! += n;
  }
}

function lagsOf(f: FlowFigures): number[] {
  return Array.from({ length: PARTITIONS }, (_, p) => f.metricLag[tp(TOPIC, p)] ?? NaN);
}

/** Lag 0 on every partition at the current source ends, fresh heartbeat, failover-ready, both clusters up. */
function healthy(f: FlowFigures): boolean {
  return (
    f.clusterUp[EAST] === 1 &&
    f.clusterUp[WEST] === 1 &&
    lagsOf(f).every((l) => l === 0) &&
    Array.from({ length: PARTITIONS }, (_, p) => f.sourceEnd[tp(TOPIC, p)] === produced[p]).every(Boolean) &&
    f.heartbeatAgeMetric !== undefined &&
    f.heartbeatAgeMetric < 3 &&
    f.failoverReady
  );
}

async function waitHealthy(what: string, timeoutMs: number): Promise<FlowFigures> {
  return waitUntil(
    what,
    async () => {
      const f = await readFlow(mw.url, EAST, WEST, [TOPIC]);
      return healthy(f) ? pass(f) : fail(summary(f));
    },
    { timeoutMs, intervalMs: 250 },
  );
}

/** Runs `action` in the middle of the next poll of us-west that reaches `step`. */
async function midPoll<T>(step: 'listTopics' | 'fetchOffsets', what: string, action: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no poll of ${WEST} reached ${step} within 20 s (for: ${what})`)), 20_000);
  });
  try {
    return await Promise.race([observer.atNext(WEST, step, action), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

beforeAll(async () => {
  const [mm2ListenerPort, mwListenerPort] = [await freePort(), await freePort()];
  mm2Proxy = await startProxy({ name: 'mm2->us-west', targetPort: mm2ListenerPort });
  mwProxy = await startProxy({ name: 'mirrorwatch->us-west', targetPort: mwListenerPort });
  [east, west] = await Promise.all([
    startCluster({ alias: EAST }),
    startCluster({
      alias: WEST,
      extraListeners: [
        { name: 'VIA_MM2', securityProtocol: 'PLAINTEXT', port: mm2ListenerPort, advertisedPort: mm2Proxy.port },
        { name: 'VIA_MW', securityProtocol: 'PLAINTEXT', port: mwListenerPort, advertisedPort: mwProxy.port },
      ],
    }),
  ]);
  await createTopic(east, TOPIC, PARTITIONS);
  for (const [p, n] of INITIAL.entries()) await produce(east, TOPIC, { partition: p, count: n, keyPrefix: 'init' });
  mm = await startMirrorMaker({
    clusters: [east, { alias: WEST, bootstrap: mm2Proxy.address }],
    flows: [{ source: EAST, target: WEST, topics: TOPIC }],
  });
  await waitForTopic(west, `${EAST}.${TOPIC}`, { timeoutMs: 60_000 });
  const observed = observedPortFactory();
  observer = observed.observer;
  mw = await startWatch({
    name: 'network',
    portFactory: observed.factory,
    yaml: [
      'clusters:',
      `  - { alias: ${EAST}, bootstrapServers: "${east.bootstrap}", connectionTimeout: 500ms, requestTimeout: 600ms }`,
      `  - { alias: ${WEST}, bootstrapServers: "${mwProxy.address}", connectionTimeout: 500ms, requestTimeout: 600ms }`,
      'flows:',
      `  - { source: ${EAST}, target: ${WEST}, topics: [${TOPIC}], maxLagRecords: 1000, maxHeartbeatAge: ${MAX_HEARTBEAT_AGE_S}s }`,
      `poll: { interval: ${POLL_INTERVAL_MS}ms, timeout: ${POLL_TIMEOUT_MS}ms }`,
      'http: { host: 127.0.0.1, port: 0 }',
    ].join('\n'),
  });
  await waitHealthy('a healthy start (lag 0, heartbeat fresh, ready)', 90_000);
});

describe('network faults (issue 6 item 3)', () => {
  it('a. MM2 cut off from the target: heartbeat age and lag grow, the flow turns not ready, and all recovers with the link', async () => {
    await mm2Proxy.setMode({ kind: 'blackhole' });
    const cutAt = Date.now();
    await produceEach(10);
    const lagSeenAt = await waitUntil(
      'lag of 10 on every partition while MM2 cannot write',
      async () => {
        const f = await readFlow(mw.url, EAST, WEST, [TOPIC]);
        return lagsOf(f).every((l) => l === 10) ? pass(Date.now()) : fail(summary(f));
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    const notReady = await waitUntil(
      'the flow not failover-ready for a stale heartbeat',
      async () => {
        const f = await readFlow(mw.url, EAST, WEST, [TOPIC]);
        const stale = f.detail.failover.reasons.some((r) => r.startsWith('heartbeat stale'));
        return !f.failoverReady && stale ? pass(f) : fail(summary(f));
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    const notReadyAt = Date.now();
    // Still cut: more records pile up, the heartbeat keeps ageing.
    await produceEach(10);
    const later = await waitUntil(
      'lag 20 on every partition and an older heartbeat',
      async () => {
        const f = await readFlow(mw.url, EAST, WEST, [TOPIC]);
        const ok = lagsOf(f).every((l) => l === 20) && (f.heartbeatAgeMetric ?? 0) > (notReady.heartbeatAgeMetric ?? Infinity) && !f.failoverReady;
        return ok ? pass(f) : fail(summary(f));
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    expect(later.clusterUp).toEqual({ [EAST]: 1, [WEST]: 1 });
    expect(later.detail.failover.rpo.records).toBe(20 * PARTITIONS);

    await mm2Proxy.setMode({ kind: 'pass' });
    const restoredAt = Date.now();
    await waitHealthy('lag 0, fresh heartbeat and ready after the MM2 link returns', 90_000);
    const recoveredAt = Date.now();
    report(
      `a) MM2->target link black-holed: lag of the records produced after the cut shown ${seconds(lagSeenAt - cutAt)} after the cut; ` +
        `flow not ready (heartbeat stale > ${MAX_HEARTBEAT_AGE_S} s) ${seconds(notReadyAt - cutAt)} after the cut; ` +
        `heartbeat age ${later.heartbeatAgeMetric?.toFixed(1)} s and lag ${20 * PARTITIONS} records at the worst; ` +
        `lag 0, heartbeat fresh and ready again ${seconds(recoveredAt - restoredAt)} after the link returned`,
    );
  });

  it('b. mirrorwatch cut off from one cluster, then on a slow link to it: polls end at the timeout without overlapping, the other cluster stays fresh, /metrics stays fast', async () => {
    const heapBefore = process.memoryUsage().heapUsed;
    const handlesBefore = process.getActiveResourcesInfo().length;
    const before = await readFlow(mw.url, EAST, WEST, [TOPIC]);
    expect(lagsOf(before)).toEqual([0, 0, 0]);

    interface Phase {
      name: string;
      cutAt: number;
      downAt: number | null;
      scrapeMs: number[];
      eastAgeMs: number[];
      westPollSeconds: number[];
      lags: Set<number>;
      starts: number[];
      peakConnections: number;
    }
    const runPhase = async (name: string, mode: ProxyMode, windowMs: number): Promise<Phase> => {
      mwProxy.resetPeak();
      const startsBefore = observer.pollStarts(WEST).length;
      await mwProxy.setMode(mode);
      const ph: Phase = { name, cutAt: Date.now(), downAt: null, scrapeMs: [], eastAgeMs: [], westPollSeconds: [], lags: new Set(), starts: [], peakConnections: 0 };
      while (Date.now() - ph.cutAt < windowMs) {
        const s = await scrapeMetrics(mw.url, 5000);
        const now = Date.now();
        ph.scrapeMs.push(s.ms);
        const lastEast = gauge(s.exposition, 'mirrorwatch_last_poll_success_timestamp_seconds', { cluster: EAST });
        ph.eastAgeMs.push(now - (lastEast ?? 0) * 1000);
        if (gauge(s.exposition, 'mirrorwatch_cluster_up', { cluster: WEST }) === 0 && ph.downAt === null) ph.downAt = now;
        const d = gauge(s.exposition, 'mirrorwatch_poll_duration_seconds', { cluster: WEST });
        if (ph.downAt !== null && d !== undefined) ph.westPollSeconds.push(d);
        for (const l of select(s.exposition, 'mm2_replication_lag_records', { source: EAST, target: WEST })) ph.lags.add(l.value);
        await new Promise((r) => setTimeout(r, 200));
      }
      ph.starts = observer.pollStarts(WEST).slice(startsBefore);
      ph.peakConnections = mwProxy.stats().peakOpen;
      return ph;
    };
    const checkPhase = (ph: Phase): string => {
      expect(ph.downAt, `${ph.name}: us-west reported down`).not.toBeNull();
      // Reported at the failing poll's timeout, not after it settled.
      expect(ph.downAt! - ph.cutAt).toBeLessThan(POLL_INTERVAL_MS + POLL_TIMEOUT_MS + 1000);
      expect(Math.max(...ph.scrapeMs)).toBeLessThan(MAX_SCRAPE_MS);
      // us-east is polled every second throughout: its last success is never more than ~2 polls old.
      expect(Math.max(...ph.eastAgeMs)).toBeLessThan(2 * POLL_INTERVAL_MS + POLL_TIMEOUT_MS);
      const gaps = ph.starts.slice(1).map((t, i) => t - ph.starts[i]!);
      expect(gaps.length).toBeGreaterThanOrEqual(3);
      // One poll per interval at most, and the next one never waits long: no pile-up, no stall.
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(POLL_INTERVAL_MS - 100);
      expect(Math.max(...gaps)).toBeLessThan(POLL_INTERVAL_MS + 2 * POLL_TIMEOUT_MS + 700);
      expect(Math.max(...ph.westPollSeconds)).toBeLessThan((2 * POLL_TIMEOUT_MS + 300) / 1000);
      expect(ph.peakConnections).toBeLessThanOrEqual(4);
      // The lag kept its last known value (no invented zero or negative) while us-west was unreadable.
      expect([...ph.lags]).toEqual([0]);
      return (
        `us-west reported down (cluster_up 0) ${seconds(ph.downAt! - ph.cutAt)} after the fault began; ${ph.starts.length} polls of us-west ${Math.min(...gaps)}-${Math.max(...gaps)} ms apart, ` +
        `poll duration ${Math.min(...ph.westPollSeconds).toFixed(2)}-${Math.max(...ph.westPollSeconds).toFixed(2)} s (timeout ${POLL_TIMEOUT_MS} ms), never overlapping; ` +
        `us-east last success at most ${seconds(Math.max(...ph.eastAgeMs))} old; /metrics max ${Math.max(...ph.scrapeMs).toFixed(0)} ms over ${ph.scrapeMs.length} scrapes; ` +
        `peak ${ph.peakConnections} connection(s) through the proxy`
      );
    };

    // Packets vanish: every request hangs until the request timeout.
    const hole = await runPhase('black hole', { kind: 'blackhole' }, 8000);
    await mwProxy.setMode({ kind: 'pass' });
    const holeEndedAt = Date.now();
    await waitHealthy('us-west up again with lag 0 after the black hole', 30_000);
    const holeRecovery = Date.now() - holeEndedAt;
    // A slow link: every chunk 250 ms late each way. Each request answers within its timeout, but a
    // whole poll needs several in a row and cannot finish in time: it is abandoned at the poll
    // timeout and must not go on issuing requests while the next poll runs.
    const slow = await runPhase('slow link', { kind: 'delay', ms: 250 }, 6000);
    await mwProxy.setMode({ kind: 'pass' });
    const restoredAt = Date.now();
    const back = await waitHealthy('us-west up again with lag 0', 30_000);
    const upAt = Date.now();
    expect(lagsOf(back)).toEqual([0, 0, 0]);

    const holeText = checkPhase(hole);
    const slowText = checkPhase(slow);
    expect(observer.maxInFlight(WEST)).toBe(1);
    // Nothing piles up in mirrorwatch either.
    const heapDelta = process.memoryUsage().heapUsed - heapBefore;
    expect(process.getActiveResourcesInfo().length).toBeLessThan(handlesBefore + 10);
    expect(heapDelta).toBeLessThan(40 * 1024 * 1024);
    report(`b1) mirrorwatch->us-west black-holed for 8 s: ${holeText}; us-west up again ${seconds(holeRecovery)} after the link returned`);
    report(`b2) mirrorwatch->us-west delayed 250 ms each way for 6 s: ${slowText}; us-west up again ${seconds(upAt - restoredAt)} after the delay ended`);
    report(`b) heap change over both ${(heapDelta / 1048576).toFixed(1)} MB`);
  });

  it('c. broker killed and MM2 restarted in the middle of polls: no negative lag, no false zero while records are pending, figures recover', async () => {
    // Every look at the figures from here on; checked at the end.
    const looks: { at: number; lags: number[]; up: number | undefined; phase: string }[] = [];
    let phase = 'before';
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        try {
          const s = await scrapeMetrics(mw.url, 5000);
          const lags = Array.from({ length: PARTITIONS }, (_, p) => gauge(s.exposition, 'mm2_replication_lag_records', { source: EAST, target: WEST, topic: TOPIC, partition: String(p) }) ?? NaN);
          looks.push({ at: Date.now(), lags, up: gauge(s.exposition, 'mirrorwatch_cluster_up', { cluster: WEST }), phase });
        } catch {
          /* a failed scrape is caught by the other assertions */
        }
        await new Promise((r) => setTimeout(r, 150));
      }
    })();

    try {
      // MM2 stopped in the middle of a poll of us-west; records produced while it is away are pending.
      let mmStopped: Promise<void> | undefined;
      await midPoll('fetchOffsets', 'stopping MM2', async () => {
        mmStopped = mm.stop();
      });
      const mmStopAt = Date.now();
      await mmStopped;
      await produceEach(10);
      await waitUntil(
        'lag 10 on every partition (records pending while MM2 is down)',
        async () => {
          const f = await readFlow(mw.url, EAST, WEST, [TOPIC]);
          return lagsOf(f).every((l) => l === 10) ? pass(f) : fail(summary(f));
        },
        { timeoutMs: 20_000, intervalMs: 200 },
      );
      phase = 'pending';

      // The us-west broker SIGKILLed in the middle of a poll, then started again.
      await midPoll('fetchOffsets', 'killing the us-west broker', () => west.kill());
      const killedAt = Date.now();
      const downAt = await waitUntil(
        'us-west reported down',
        async () => {
          const s = await scrapeMetrics(mw.url);
          return gauge(s.exposition, 'mirrorwatch_cluster_up', { cluster: WEST }) === 0 ? pass(Date.now()) : fail('still up');
        },
        { timeoutMs: 20_000, intervalMs: 100 },
      );
      const restartBegan = Date.now();
      await west.start();
      const brokerBackAt = Date.now();
      const upAgainAt = await waitUntil(
        'us-west up again with the pending lag',
        async () => {
          const f = await readFlow(mw.url, EAST, WEST, [TOPIC]);
          return f.clusterUp[WEST] === 1 && lagsOf(f).every((l) => l === 10) ? pass(Date.now()) : fail(summary(f));
        },
        { timeoutMs: 60_000, intervalMs: 200 },
      );

      // MM2 started again in the middle of a poll; from here a zero lag is the truth again.
      let mmStarted: Promise<void> | undefined;
      await midPoll('fetchOffsets', 'starting MM2', async () => {
        phase = 'mm2 starting';
        mmStarted = mm.start();
      });
      const mmStartAt = Date.now();
      await mmStarted;
      await waitHealthy('lag 0, heartbeat fresh and ready after MM2 is back', 120_000);
      const recoveredAt = Date.now();

      report(
        `c) us-west broker SIGKILLed mid-poll: reported down ${seconds(downAt - killedAt)} after the kill; broker restart took ${seconds(brokerBackAt - restartBegan)}; ` +
          `reported up (with the pending lag of 10 per partition intact) ${seconds(upAgainAt - brokerBackAt)} after the broker answered. ` +
          `MM2 stopped mid-poll (down ${seconds(mmStartAt - mmStopAt)}), started mid-poll: lag 0, heartbeat fresh and ready ${seconds(recoveredAt - mmStartAt)} after the start`,
      );
    } finally {
      sampling = false;
      await sampler;
    }

    const pending = looks.filter((l) => l.phase === 'pending');
    expect(pending.length).toBeGreaterThan(20);
    for (const l of looks) expect(l.lags.every((v) => Number.isNaN(v) || v >= 0), `negative lag at ${new Date(l.at).toISOString()}: ${l.lags}`).toBe(true);
    for (const l of pending) {
      // Absent (unknown) would be honest; zero or a value other than the 10 pending records would not.
      expect(l.lags.every((v) => Number.isNaN(v) || v === 10), `${l.phase} at ${new Date(l.at).toISOString()} (up ${l.up}): lag ${l.lags}`).toBe(true);
    }
    expect(pending.some((l) => l.up === 0)).toBe(true);
    expect(observer.maxInFlight(WEST)).toBe(1);
    expect(observer.maxInFlight(EAST)).toBe(1);
  });
});
