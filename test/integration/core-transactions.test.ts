// Transactional source topics on real Kafka and MM2 (Kafka from $KAFKA_VERSION, default 4.4.0):
// commit and abort markers take offsets MM2 never copies, and records of aborted transactions are
// not data a read_committed consumer reads. After traffic stops, lag must be 0 and the flow
// failover-ready with maxLagRecords 0; while MM2 is stopped, lag counts the committed records a
// read_committed consumer of the source would read beyond MM2's position, not offsets.
import { beforeAll, describe, expect, it } from 'vitest';
import { createTopic, endOffsets, produceTransactions, readRecords, startMirrorMaker } from '../harness/kafka.js';
import type { KafkaCluster, MirrorMaker, TransactionSpec } from '../harness/kafka.js';
import { readFlow, summary, tp } from './helpers/figures.js';
import type { FlowFigures } from './helpers/figures.js';
import { startMirrorwatch } from './helpers/mirrorwatch.js';
import type { RunningMirrorwatch } from './helpers/mirrorwatch.js';
import { startEastWest, useIntegrationHarness } from './helpers/setup.js';
import { fail, pass, waitUntil } from './helpers/wait.js';

useIntegrationHarness();

const SOURCE = 'us-east';
const TARGET = 'us-west';
const TOPIC = 'ledger';
const PARTITIONS = 3;

const c = (partition: number, count: number): TransactionSpec => ({ partition, count, outcome: 'commit' });
const a = (partition: number, count: number): TransactionSpec => ({ partition, count, outcome: 'abort' });

/** With MM2 running: p0 commits only; p1 ends with a commit after an abort; p2 ends with an abort. */
const WHILE_RUNNING = [c(0, 5), c(0, 4), c(0, 3), c(1, 4), a(1, 3), c(1, 2), c(2, 7), a(2, 6)];
/** With MM2 stopped: p0 committed and aborted records, p1 committed only, p2 aborted only (lag 0). */
const WHILE_STOPPED = [c(0, 4), a(0, 2), c(0, 1), c(1, 3), a(2, 5), a(2, 1)];

interface Tally {
  committed: number;
  aborted: number;
  markers: number;
}

function tally(specs: readonly TransactionSpec[]): Tally[] {
  const out = [...Array(PARTITIONS).keys()].map(() => ({ committed: 0, aborted: 0, markers: 0 }));
  for (const s of specs) {
    const t = out[s.partition] as Tally;
    if (s.outcome === 'abort') t.aborted += s.count;
    else t.committed += s.count;
    t.markers++;
  }
  return out;
}

let east: KafkaCluster;
let west: KafkaCluster;
let mm: MirrorMaker;
let mw: RunningMirrorwatch;
let offsetsRunning: number[][] = [];

interface TxnFigures {
  f: FlowFigures;
  lagApi: (number | null)[];
  lagMetric: (number | undefined)[];
  replicated: (number | null)[];
  sourceEnd: number[];
  gaps: (unknown | undefined)[];
}

async function txnFigures(): Promise<TxnFigures> {
  const f = await readFlow(mw.url, SOURCE, TARGET, [TOPIC]);
  const parts = f.detail.topics.find((t) => t.topic === TOPIC)?.partitions ?? [];
  const ps = [...Array(PARTITIONS).keys()];
  const byP = (p: number) => parts.find((x) => x.partition === p);
  return {
    f,
    lagApi: ps.map((p) => byP(p)?.lagRecords ?? null),
    lagMetric: ps.map((p) => f.metricLag[tp(TOPIC, p)]),
    replicated: ps.map((p) => byP(p)?.replicated ?? null),
    sourceEnd: ps.map((p) => byP(p)?.sourceEnd ?? -1),
    gaps: ps.map((p) => byP(p)?.transactionalGap),
  };
}

/**
 * The source end offsets once they are `expected`: the transaction coordinator writes the markers
 * after the producer's commit or abort returned, so the last one may land a moment later.
 */
async function sourceEnds(expected: number[]): Promise<number[]> {
  return waitUntil(
    `source end offsets ${JSON.stringify(expected)} (every marker written)`,
    async () => {
      const ends = (await endOffsets(east, TOPIC)).map((e) => e.end);
      return same(ends, expected) ? pass(ends) : fail(ends);
    },
    { timeoutMs: 30_000, intervalMs: 200 },
  );
}

const brief = (t: TxnFigures) => ({ lagApi: t.lagApi, lagMetric: t.lagMetric, replicated: t.replicated, gaps: t.gaps, ...summary(t.f) });
const same = (x: readonly (number | null | undefined)[], y: readonly number[]): boolean => x.length === y.length && x.every((v, i) => v === y[i]);

function table(title: string, tallies: Tally[], t: TxnFigures, extra: Record<string, (p: number) => unknown> = {}): void {
  console.log(title);
  console.table(
    tallies.map((x, p) => ({
      partition: p,
      'committed records': x.committed,
      'aborted records': x.aborted,
      markers: x.markers,
      'source end': t.sourceEnd[p],
      'MM2 position': t.replicated[p],
      'lag reported': t.lagApi[p],
      ...Object.fromEntries(Object.entries(extra).map(([k, fn]) => [k, fn(p)])),
    })),
  );
}

beforeAll(async () => {
  [east, west] = await startEastWest();
  await createTopic(east, TOPIC, PARTITIONS);
  mw = await startMirrorwatch({ clusters: [east, west], flows: [{ source: SOURCE, target: TARGET, topics: [TOPIC] }] });
  mm = await startMirrorMaker({ clusters: [east, west], flows: [{ source: SOURCE, target: TARGET, topics: TOPIC }] });
});

describe('transactional source: markers and aborted records are never lag', () => {
  const started = Date.now();

  it('after committed and aborted transactions stop, lag is 0 on every partition and the flow is failover-ready with maxLagRecords 0', async () => {
    expect(mw.config.flows[0]?.maxLagRecords).toBe(0);
    offsetsRunning = await produceTransactions(east, TOPIC, WHILE_RUNNING, 'mw-test-ledger-1');
    const tallies = tally(WHILE_RUNNING);
    const ends = await sourceEnds(tallies.map((x) => x.committed + x.aborted + x.markers));

    const done = await waitUntil(
      'lag 0 everywhere and the flow failover-ready',
      async () => {
        const t = await txnFigures();
        const ok = same(t.lagApi, [0, 0, 0]) && same(t.lagMetric, [0, 0, 0]) && same(t.sourceEnd, ends) && t.f.failoverReady;
        return ok ? pass(t) : fail(brief(t));
      },
      { timeoutMs: 120_000, stableFor: 3 },
    );
    // MM2's position stops short of the end by the trailing marker, which the probe proved unreadable.
    for (let p = 0; p < PARTITIONS; p++) {
      expect(done.replicated[p], `partition ${p}`).toBeLessThan(ends[p] ?? 0);
      expect(done.gaps[p], `partition ${p}`).toMatchObject({ readableRecords: 0 });
    }
    expect(done.f.detail.failover).toMatchObject({ ready: true, reasons: [], rpo: { records: 0 } });
    // MM2's source consumer reads read_uncommitted (its default): it copies the records of aborted
    // transactions too, and only the markers are missing on the target.
    const targetEnds = (await endOffsets(west, `${SOURCE}.${TOPIC}`)).map((e) => e.end);
    expect(targetEnds).toEqual(tallies.map((x) => x.committed + x.aborted));
    table(`transactions, MM2 running (Kafka ${east.version}, MM2 ${mm.version})`, tallies, done, {
      'offsets not copied': (p) => (ends[p] ?? 0) - (done.replicated[p] ?? 0),
      'target end': (p) => targetEnds[p],
    });
  });

  it('MM2 stopped: lag counts the committed records a read_committed consumer would read beyond MM2 position, not offsets', async () => {
    await mm.stop();
    const before = await txnFigures();
    const offsetsStopped = await produceTransactions(east, TOPIC, WHILE_STOPPED, 'mw-test-ledger-2');
    const tallies = tally(WHILE_STOPPED);
    const ends = await sourceEnds(tallies.map((x, p) => (before.sourceEnd[p] ?? 0) + x.committed + x.aborted + x.markers));

    const expected = tallies.map((x) => x.committed);
    const seen = await waitUntil(
      'lag to count the committed records written while MM2 is stopped',
      async () => {
        const t = await txnFigures();
        return same(t.sourceEnd, ends) && same(t.lagApi, expected) && same(t.lagMetric, expected) ? pass(t) : fail(brief(t));
      },
      { timeoutMs: 60_000, stableFor: 3 },
    );
    expect(seen.replicated).toEqual(before.replicated);
    // What a read_committed consumer of the source reads beyond MM2's position.
    // The consumer is read_committed (kafkajs' default); it is told where the last committed
    // record is, since the end offset of every partition is a marker it never receives.
    const until: Record<number, number> = {};
    [...WHILE_RUNNING, ...WHILE_STOPPED].forEach((spec, i) => {
      const offs = (i < WHILE_RUNNING.length ? offsetsRunning[i] : offsetsStopped[i - WHILE_RUNNING.length]) ?? [];
      if (spec.outcome !== 'abort') until[spec.partition] = Math.max(until[spec.partition] ?? 0, (offs[offs.length - 1] ?? -1) + 1);
    });
    const readable = await readRecords(east, TOPIC, { until });
    const beyond = [...Array(PARTITIONS).keys()].map((p) => readable.filter((r) => r.partition === p && r.offset >= (seen.replicated[p] ?? Infinity)).length);
    expect(beyond).toEqual(expected);
    expect(seen.lagApi).toEqual(beyond);
    for (let p = 0; p < PARTITIONS; p++) {
      const offsets = (ends[p] ?? 0) - (seen.replicated[p] ?? 0);
      expect(seen.gaps[p], `partition ${p}`).toEqual({ offsets, readableRecords: expected[p], markersOrAborted: offsets - (expected[p] ?? 0) });
    }
    table('transactions written while MM2 is stopped', tallies, seen, {
      'offsets beyond MM2': (p) => (ends[p] ?? 0) - (seen.replicated[p] ?? 0),
      'read_committed consumer beyond MM2': (p) => beyond[p],
    });
    console.log(`transactions test: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  });
});
