// Core scenarios a, b, c and e of issue 2 against real Kafka and a real MM2 (active-passive
// us-east -> us-west; Kafka from $KAFKA_VERSION, default 4.4.0). Every figure is read the way users
// read it, from /metrics and the JSON API of one snapshot, and compared with what was produced.
// The tests run in order and share the clusters: each starts from the state the previous left.
import { beforeAll, describe, expect, it } from 'vitest';
import { createTopic, endOffsets, produce, startMirrorMaker } from '../harness/kafka.js';
import type { KafkaCluster, MirrorMaker } from '../harness/kafka.js';
import { getJson, readFlow, sameFigures, summary, tp } from './helpers/figures.js';
import type { FlowFigures } from './helpers/figures.js';
import { startMirrorwatch } from './helpers/mirrorwatch.js';
import type { RunningMirrorwatch } from './helpers/mirrorwatch.js';
import { startEastWest, useIntegrationHarness } from './helpers/setup.js';
import { startTraffic } from './helpers/traffic.js';
import { fail, pass, waitUntil } from './helpers/wait.js';

useIntegrationHarness();

const SOURCE = 'us-east';
const TARGET = 'us-west';
const TOPICS = ['orders', 'payments', 'users'] as const;
const PARTITIONS = 3;
const NEW_TOPIC = 'shipments';
const NEW_TOPIC_RECORDS = [4, 9] as const;

// Produced before MM2 first starts (scenario e): a different count per partition.
const BEFORE_MM2: Record<string, number> = {};
// Produced while MM2 is stopped (scenario b): a different count per partition, none a multiple of
// another, so a partition mix-up or an off-by-one cannot produce the expected table.
const WHILE_STOPPED: Record<string, number> = {};
const PRIMES = [7, 13, 29, 3, 11, 17, 5, 19, 23];
for (const [i, topic] of TOPICS.entries()) {
  for (let p = 0; p < PARTITIONS; p++) {
    BEFORE_MM2[tp(topic, p)] = 2 + 3 * i + p;
    WHILE_STOPPED[tp(topic, p)] = PRIMES[i * PARTITIONS + p] ?? 1;
  }
}
const ALL_PARTITIONS = Object.keys(BEFORE_MM2).sort();
const zeros = (keys: readonly string[]): Record<string, number> => Object.fromEntries(keys.map((k) => [k, 0]));

let east: KafkaCluster;
let west: KafkaCluster;
let mm: MirrorMaker;
let mw: RunningMirrorwatch;

/** Exact end offsets of the data topics on `cluster`, keyed "topic/partition". */
async function ends(cluster: KafkaCluster, topics: readonly string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const topic of topics) for (const e of await endOffsets(cluster, topic)) out[tp(topic, e.partition)] = e.end;
  return out;
}

const flow = (topics: readonly string[] = TOPICS): Promise<FlowFigures> => readFlow(mw.url, SOURCE, TARGET, topics);

/** Lag 0 on every listed partition, in /metrics and the API, with the source end offsets the API reports equal to `sourceEnds`. */
async function waitCaughtUp(what: string, topics: readonly string[], sourceEnds: Record<string, number>, timeoutMs: number): Promise<FlowFigures> {
  const keys = Object.keys(sourceEnds);
  return waitUntil(
    what,
    async () => {
      const f = await flow(topics);
      const ok =
        sameFigures(f.metricLag, zeros(keys)) &&
        sameFigures(f.apiLag, zeros(keys)) &&
        sameFigures(f.sourceEnd, sourceEnds) &&
        topics.every((t) => f.remoteMissing[t] === 0);
      return ok ? pass(f) : fail(summary(f));
    },
    { timeoutMs, intervalMs: 500 },
  );
}

beforeAll(async () => {
  [east, west] = await startEastWest();
  for (const topic of TOPICS) await createTopic(east, topic, PARTITIONS);
  for (const topic of TOPICS) {
    for (let p = 0; p < PARTITIONS; p++) {
      await produce(east, topic, { partition: p, count: BEFORE_MM2[tp(topic, p)] ?? 0, keyPrefix: `before-${topic}-${p}` });
    }
  }
  // mirrorwatch starts before MM2 and is never restarted: everything below reaches it live.
  mw = await startMirrorwatch({ clusters: [east, west], flows: [{ source: SOURCE, target: TARGET }] });
});

describe('active-passive us-east -> us-west (scenarios e, a, b, c)', () => {
  it('e: before MM2 starts the remote topics are reported missing; data produced before MM2 first started is picked up without restart', async () => {
    const ready = await waitUntil(
      '/readyz to answer 200',
      async () => {
        const r = await getJson<{ status: string }>(mw.url, '/readyz');
        return r.status === 200 ? pass(r.body) : fail(r);
      },
      { timeoutMs: 30_000 },
    );
    expect(ready.status).toBe('ready');

    // No MM2 yet: nothing on us-west, so every data topic's copy is missing.
    const before = await waitUntil(
      'the data topics to be listed with their remote topics missing',
      async () => {
        const f = await flow();
        const ok = TOPICS.every((t) => f.remoteMissing[t] === 1) && sameFigures(f.sourceEnd, BEFORE_MM2);
        return ok ? pass(f) : fail(summary(f));
      },
      { timeoutMs: 30_000 },
    );
    expect(before.apiTopics).toEqual([...TOPICS]);
    expect(before.failoverReady).toBe(false);
    // With no copy to compare against, a partition's lag is either unknown (no series, null in
    // the API) or the whole backlog; /metrics and the API must agree either way.
    for (const key of ALL_PARTITIONS) {
      const api = before.apiLag[key];
      if (api === null) expect(before.metricLag[key], key).toBeUndefined();
      else {
        expect(api, key).toBe(BEFORE_MM2[key]);
        expect(before.metricLag[key], key).toBe(api);
      }
    }

    mm = await startMirrorMaker({ clusters: [east, west], flows: [{ source: SOURCE, target: TARGET }] });
    const after = await waitCaughtUp('MM2 to copy what was produced before it started (lag 0)', TOPICS, BEFORE_MM2, 120_000);
    expect(after.metricLag).toEqual(zeros(ALL_PARTITIONS));
    expect(after.apiLag).toEqual(zeros(ALL_PARTITIONS));
    expect(after.sourceEnd).toEqual(BEFORE_MM2);
    // The copies hold exactly what the source holds.
    const remote = await ends(west, TOPICS.map((t) => `${SOURCE}.${t}`));
    expect(Object.fromEntries(Object.entries(remote).map(([k, v]) => [k.slice(SOURCE.length + 1), v]))).toEqual(BEFORE_MM2);
  });

  it('a: steady traffic into 3 topics x 3 partitions: lag reaches 0 on every partition once it stops; heartbeat age stays under 5 s', async () => {
    // MM2 creates us-east.heartbeats on us-west a little after the data topics' copies.
    await waitUntil(
      'the first heartbeat to be reported',
      async () => {
        const f = await flow();
        return f.heartbeatAgeMetric !== undefined ? pass(f) : fail(summary(f));
      },
      { timeoutMs: 60_000 },
    );
    const start = await ends(east, TOPICS);
    const traffic = await startTraffic({ cluster: east, topics: TOPICS, partitions: PARTITIONS, intervalMs: 200, perRound: (r) => 1 + (r % 3) });
    const heartbeatAges: { metric: number | undefined; api: number | null }[] = [];
    const startedAt = Date.now();
    try {
      // At least 10 s of traffic and a heartbeat age sample every ~second of it.
      await waitUntil(
        '10 s of traffic with heartbeat samples',
        async () => {
          const f = await flow();
          heartbeatAges.push({ metric: f.heartbeatAgeMetric, api: f.heartbeatAgeApi });
          if (traffic.error) throw traffic.error;
          return Date.now() - startedAt >= 10_000 && heartbeatAges.length >= 8 ? pass(true) : fail({ samples: heartbeatAges.length, rounds: traffic.rounds });
        },
        { timeoutMs: 60_000, intervalMs: 1000 },
      );
    } finally {
      await traffic.stop();
    }
    expect(traffic.error).toBeNull();
    const expectedEnds = Object.fromEntries(Object.entries(start).map(([k, v]) => [k, v + (traffic.produced.get(k) ?? 0)]));
    expect(await ends(east, TOPICS)).toEqual(expectedEnds);

    const done = await waitCaughtUp('lag 0 on every partition after the traffic stopped', TOPICS, expectedEnds, 60_000);
    expect(done.metricLag).toEqual(zeros(ALL_PARTITIONS));
    expect(done.apiLag).toEqual(zeros(ALL_PARTITIONS));

    // A few more heartbeat samples after the traffic, then all of them must be fresh.
    for (let i = 0; i < 3; i++) {
      const f = await flow();
      heartbeatAges.push({ metric: f.heartbeatAgeMetric, api: f.heartbeatAgeApi });
      await new Promise((r) => setTimeout(r, 1000));
    }
    console.log(`scenario a: ${traffic.rounds} rounds, ${[...traffic.produced.values()].reduce((a, b) => a + b, 0)} records; heartbeat ages seen (s): ${heartbeatAges.map((h) => h.metric).join(', ')}`);
    for (const h of heartbeatAges) {
      expect(h.metric, `heartbeat age samples ${JSON.stringify(heartbeatAges)}`).toBeDefined();
      expect(h.metric).toBe(h.api);
      expect(h.metric).toBeGreaterThanOrEqual(0);
      expect(h.metric).toBeLessThan(5);
    }
  });

  it('b: MM2 stopped, then exactly N records produced to each partition: lag equals N exactly; heartbeat age grows past 10 s', async () => {
    await mm.stop();
    const stoppedAt = Date.now();
    const base = await ends(east, TOPICS);
    // Whatever MM2 copied before it stopped, the figures must still show it as caught up.
    await waitCaughtUp('lag 0 right after MM2 stopped', TOPICS, base, 30_000);

    for (const topic of TOPICS) {
      for (let p = 0; p < PARTITIONS; p++) {
        await produce(east, topic, { partition: p, count: WHILE_STOPPED[tp(topic, p)] ?? 0, keyPrefix: `stopped-${topic}-${p}` });
      }
    }
    const expectedEnds = Object.fromEntries(Object.entries(base).map(([k, v]) => [k, v + (WHILE_STOPPED[k] ?? 0)]));
    expect(await ends(east, TOPICS)).toEqual(expectedEnds);

    // Stable: the poller has read the new end offsets, on three consecutive looks.
    const seen = await waitUntil(
      'mirrorwatch to read the new source end offsets',
      async () => {
        const f = await flow();
        return sameFigures(f.sourceEnd, expectedEnds) ? pass(f) : fail(summary(f));
      },
      { timeoutMs: 30_000, stableFor: 3 },
    );
    expect(seen.metricLag).toEqual(WHILE_STOPPED);
    expect(seen.apiLag).toEqual(WHILE_STOPPED);

    // The lag must hold still while the heartbeats age.
    const lagsWhileAging: Record<string, number>[] = [];
    const aged = await waitUntil(
      'heartbeat age past 10 s with MM2 stopped',
      async () => {
        const f = await flow();
        lagsWhileAging.push(f.metricLag);
        const age = f.heartbeatAgeMetric;
        return age !== undefined && age > 10 && f.heartbeatAgeApi !== null && f.heartbeatAgeApi > 10 ? pass(f) : fail(summary(f));
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    for (const lag of lagsWhileAging) expect(lag).toEqual(WHILE_STOPPED);
    expect(aged.metricLag).toEqual(WHILE_STOPPED);
    expect(aged.apiLag).toEqual(WHILE_STOPPED);
    expect(aged.heartbeatAgeMetric).toBe(aged.heartbeatAgeApi);
    // The age counts from the last heartbeat MM2 wrote, which is no later than its stop.
    expect(aged.heartbeatAgeMetric ?? 0).toBeGreaterThanOrEqual((aged.takenAtMs - stoppedAt) / 1000 - 1);
    expect(aged.failoverReady).toBe(false);

    const rows = ALL_PARTITIONS.map((k) => ({
      partition: k,
      'N produced': WHILE_STOPPED[k],
      'lag (/metrics)': aged.metricLag[k],
      'lag (API)': aged.apiLag[k],
      basis: aged.basis[k],
    }));
    console.log(`scenario b (Kafka ${east.version}, MM2 ${mm.version}): heartbeat age ${aged.heartbeatAgeMetric} s`);
    console.table(rows);
  });

  it('c: MM2 restarted: lag returns to 0 everywhere and heartbeats are fresh again', async () => {
    const sourceEnds = await ends(east, TOPICS);
    await mm.start();
    const f = await waitCaughtUp('lag 0 everywhere after MM2 restarted', TOPICS, sourceEnds, 120_000);
    expect(f.metricLag).toEqual(zeros(ALL_PARTITIONS));
    expect(f.apiLag).toEqual(zeros(ALL_PARTITIONS));
    const fresh = await waitUntil(
      'heartbeat age under 5 s after MM2 restarted',
      async () => {
        const g = await flow();
        return g.heartbeatAgeMetric !== undefined && g.heartbeatAgeMetric < 5 ? pass(g) : fail(summary(g));
      },
      { timeoutMs: 60_000 },
    );
    expect(fresh.heartbeatAgeApi).toBe(fresh.heartbeatAgeMetric);
    const remote = await ends(west, TOPICS.map((t) => `${SOURCE}.${t}`));
    expect(Object.values(remote).reduce((a, b) => a + b, 0)).toBe(Object.values(sourceEnds).reduce((a, b) => a + b, 0));
  });

  it('e: a topic created while mirrorwatch runs appears in /metrics and the API with lag 0 once copied', async () => {
    await createTopic(east, NEW_TOPIC, NEW_TOPIC_RECORDS.length);
    const expected: Record<string, number> = {};
    for (const [p, n] of NEW_TOPIC_RECORDS.entries()) {
      await produce(east, NEW_TOPIC, { partition: p, count: n });
      expected[tp(NEW_TOPIC, p)] = n;
    }
    const f = await waitCaughtUp(`${NEW_TOPIC} to be copied and reported with lag 0`, [NEW_TOPIC], expected, 60_000);
    expect(f.metricLag).toEqual(zeros(Object.keys(expected)));
    expect(f.remoteMissing).toEqual({ [NEW_TOPIC]: 0 });
    const all = await flow([...TOPICS, NEW_TOPIC]);
    expect(all.apiTopics).toEqual(expect.arrayContaining([...TOPICS, NEW_TOPIC]));
    expect(all.metricTopics).toEqual(expect.arrayContaining([...TOPICS, NEW_TOPIC]));
    expect(Object.keys(all.metricLag).sort()).toEqual([...ALL_PARTITIONS, ...Object.keys(expected)].sort());
  });
});
