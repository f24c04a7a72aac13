// Loss and lag kept apart on real Kafka and MM2 (Kafka from $KAFKA_VERSION, default 4.4.0):
// records deleted on the source (DeleteRecords, as retention does) before MM2 copied them are
// loss, never lag; the lost_records_total counter keeps every loss after MM2 moved past it.
import { beforeAll, describe, expect, it } from 'vitest';
import { createTopic, deleteRecords, endOffsets, produce, startMirrorMaker } from '../harness/kafka.js';
import type { KafkaCluster, MirrorMaker } from '../harness/kafka.js';
import { gauge, readFlow, summary, tp } from './helpers/figures.js';
import type { FlowFigures } from './helpers/figures.js';
import { startMirrorwatch } from './helpers/mirrorwatch.js';
import type { RunningMirrorwatch } from './helpers/mirrorwatch.js';
import { startEastWest, useIntegrationHarness } from './helpers/setup.js';
import { fail, pass, waitUntil } from './helpers/wait.js';

useIntegrationHarness();

const SOURCE = 'us-east';
const TARGET = 'us-west';
const TOPIC = 'events';
const PARTITIONS = 4;
/** Copied by MM2 before it stops. */
const BEFORE = [6, 8, 10, 12];
/** Produced while MM2 is stopped. */
const WHILE_STOPPED = [40, 50, 30, 20];
/**
 * Records deleted, counted from the first uncopied offset (negative: already-copied records only):
 * p0 everything uncopied, p1 and p2 part of it, p3 only records MM2 had copied.
 */
const DELETE_UNCOPIED = [40, 35, 10, -5];

const expectedLost = DELETE_UNCOPIED.map((d) => Math.max(0, d));
const expectedLag = WHILE_STOPPED.map((n, p) => n - (expectedLost[p] ?? 0));

let east: KafkaCluster;
let west: KafkaCluster;
let mm: MirrorMaker;
let mw: RunningMirrorwatch;

interface LossFigures {
  figures: FlowFigures;
  lagApi: number[];
  lagMetric: (number | undefined)[];
  lostApi: number[];
  lostGauge: (number | undefined)[];
  lostCounter: (number | undefined)[];
  lostCounterApi: (number | undefined)[];
  flowCounter: number | undefined;
}

async function lossFigures(): Promise<LossFigures> {
  const f = await readFlow(mw.url, SOURCE, TARGET, [TOPIC]);
  const parts = f.detail.topics.find((t) => t.topic === TOPIC)?.partitions ?? [];
  const byP = (p: number) => parts.find((x) => x.partition === p);
  const labels = (p: number) => ({ source: SOURCE, target: TARGET, topic: TOPIC, partition: String(p) });
  const ps = [...Array(PARTITIONS).keys()];
  return {
    figures: f,
    lagApi: ps.map((p) => byP(p)?.lagRecords ?? -1),
    lagMetric: ps.map((p) => f.metricLag[tp(TOPIC, p)]),
    lostApi: ps.map((p) => byP(p)?.recordsLost ?? -1),
    lostGauge: ps.map((p) => gauge(f.exposition, 'mm2_replication_records_lost', labels(p))),
    lostCounter: ps.map((p) => gauge(f.exposition, 'mm2_replication_lost_records_total', labels(p))),
    lostCounterApi: ps.map((p) => byP(p)?.recordsLostTotal),
    flowCounter: gauge(f.exposition, 'mm2_flow_lost_records_total', { source: SOURCE, target: TARGET }),
  };
}

const same = (a: readonly (number | undefined)[], b: readonly number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
const brief = (l: LossFigures) => ({ lagApi: l.lagApi, lagMetric: l.lagMetric, lostApi: l.lostApi, lostGauge: l.lostGauge, lostCounter: l.lostCounter, flowCounter: l.flowCounter, ...summary(l.figures) });

beforeAll(async () => {
  [east, west] = await startEastWest();
  await createTopic(east, TOPIC, PARTITIONS);
  for (let p = 0; p < PARTITIONS; p++) await produce(east, TOPIC, { partition: p, count: BEFORE[p] ?? 0, keyPrefix: `before-${p}` });
  mw = await startMirrorwatch({ clusters: [east, west], flows: [{ source: SOURCE, target: TARGET, topics: [TOPIC] }] });
  mm = await startMirrorMaker({ clusters: [east, west], flows: [{ source: SOURCE, target: TARGET, topics: TOPIC }] });
});

describe('records deleted before MM2 copied them: loss, never lag; remembered after MM2 moved on', () => {
  const started = Date.now();
  let lossSeen: LossFigures;

  it('MM2 stopped, records produced then deleted on the source: lag is what is still to copy, lost what was deleted uncopied', async () => {
    await waitUntil(
      'MM2 to copy the first records (lag 0)',
      async () => {
        const l = await lossFigures();
        return same(l.lagApi, [0, 0, 0, 0]) && same(l.lagMetric, [0, 0, 0, 0]) && l.figures.sourceEnd[tp(TOPIC, 3)] === BEFORE[3] ? pass(l) : fail(brief(l));
      },
      { timeoutMs: 120_000 },
    );
    await mm.stop();
    for (let p = 0; p < PARTITIONS; p++) await produce(east, TOPIC, { partition: p, count: WHILE_STOPPED[p] ?? 0, keyPrefix: `stopped-${p}` });
    const stoppedLag = await waitUntil(
      'lag to equal what was produced while MM2 is stopped',
      async () => {
        const l = await lossFigures();
        return same(l.lagApi, WHILE_STOPPED) && same(l.lagMetric, WHILE_STOPPED) && same(l.lostApi, [0, 0, 0, 0]) ? pass(l) : fail(brief(l));
      },
      { timeoutMs: 30_000, stableFor: 2 },
    );
    // No loss yet: no per-partition counter series; the flow's counter is there, at 0.
    expect(stoppedLag.lostCounter).toEqual([undefined, undefined, undefined, undefined]);
    expect(stoppedLag.lostCounterApi).toEqual([0, 0, 0, 0]);
    expect(stoppedLag.flowCounter).toBe(0);

    const upTo: Record<number, number> = {};
    for (let p = 0; p < PARTITIONS; p++) upTo[p] = (BEFORE[p] ?? 0) + (DELETE_UNCOPIED[p] ?? 0);
    await deleteRecords(east, TOPIC, upTo);
    const starts = (await endOffsets(east, TOPIC)).map((e) => e.start);
    expect(starts).toEqual(Object.values(upTo));

    lossSeen = await waitUntil(
      'lag and records lost per partition to follow the deletion',
      async () => {
        const l = await lossFigures();
        const ok =
          same(l.lagApi, expectedLag) &&
          same(l.lagMetric, expectedLag) &&
          same(l.lostApi, expectedLost) &&
          same(l.lostGauge, expectedLost) &&
          same(l.lostCounter.map((v) => v ?? 0), expectedLost);
        return ok ? pass(l) : fail(brief(l));
      },
      { timeoutMs: 30_000, stableFor: 3 },
    );
    expect(lossSeen.lostCounterApi).toEqual(expectedLost);
    // The partition that lost nothing has no counter series (absent, not 0).
    expect(lossSeen.lostCounter[3]).toBeUndefined();
    expect(lossSeen.flowCounter).toBe(expectedLost.reduce((a, b) => a + b, 0));
    // The verdict says lag for what is left to copy and loss for what was deleted: never both.
    const lagTotal = expectedLag.reduce((a, b) => a + b, 0);
    expect(lossSeen.figures.detail.failover.rpo.records).toBe(lagTotal);
    expect(lossSeen.figures.detail.failover.reasons.some((r) => r.startsWith(`lag ${lagTotal} records`))).toBe(true);
    expect(lossSeen.figures.detail.failover.reasons.some((r) => r.startsWith(`data lost: ${expectedLost.reduce((a, b) => a + b, 0)} records`))).toBe(true);
  });

  it('MM2 restarted: lag drains to 0 (the fully deleted partition too, with no new traffic); the counter keeps the loss', async () => {
    await mm.start();
    const after = await waitUntil(
      'lag 0 on every partition and the partially deleted partitions copied past their gap',
      async () => {
        const l = await lossFigures();
        // p0 had nothing left to copy: MM2 writes no offset sync for it, its position stays below
        // the log start, and the gauge keeps showing the loss. The others were copied from their
        // new log start on, so the gauge is back to 0 there.
        const ok = same(l.lagApi, [0, 0, 0, 0]) && same(l.lagMetric, [0, 0, 0, 0]) && same(l.lostGauge.slice(1), [0, 0, 0]);
        return ok ? pass(l) : fail(brief(l));
      },
      { timeoutMs: 120_000, stableFor: 3 },
    );
    expect(after.lostCounter).toEqual(expectedLost.map((n) => (n > 0 ? n : undefined)));
    expect(after.lostCounterApi).toEqual(expectedLost);
    expect(after.flowCounter).toBe(expectedLost.reduce((a, b) => a + b, 0));
    expect(after.lostGauge[0]).toBe(expectedLost[0]);

    const targetEnds = (await endOffsets(west, `${SOURCE}.${TOPIC}`)).map((e) => e.end);
    const rows = [...Array(PARTITIONS).keys()].map((p) => ({
      partition: p,
      'produced (before + while stopped)': `${BEFORE[p]} + ${WHILE_STOPPED[p]}`,
      'deleted uncopied': expectedLost[p],
      'lag after delete': lossSeen.lagApi[p],
      'lost gauge after delete': lossSeen.lostGauge[p],
      'lost counter after delete': lossSeen.lostCounter[p] ?? '(absent)',
      'lag after MM2 restart': after.lagApi[p],
      'lost gauge final': after.lostGauge[p],
      'lost counter final': after.lostCounter[p] ?? '(absent)',
      'target end': targetEnds[p],
    }));
    console.log(`retention loss (Kafka ${east.version}, MM2 ${mm.version}), ${((Date.now() - started) / 1000).toFixed(0)} s`);
    console.table(rows);
    // MM2 copied exactly what survived: the records before, plus the undeleted ones.
    expect(targetEnds).toEqual([...Array(PARTITIONS).keys()].map((p) => (BEFORE[p] ?? 0) + (expectedLag[p] ?? 0)));
  });
});
