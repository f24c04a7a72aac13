// The daemon's audit loop on in-memory logs: when buckets are read and decided, what reaches the
// metrics and the API, and that a cluster that cannot be read is reported and retried, never
// counted as clean. (On real Kafka and MM2: test/integration/count-audit.test.ts.)
import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { AuditLoop } from '../../../src/poller/auditLoop.js';
import { createAuditMetrics } from '../../../src/metrics/auditMetrics.js';
import type { ClusterConfig, MirrorwatchConfig } from '../../../src/core/types.js';
import type { FetchRequest, FetchResult, KafkaPort, TimestampOffset, TimestampQuery } from '../../../src/kafka/port.js';
import type { PartitionOffsets, TopicPartition } from '../../../src/core/types.js';
import { noopTelemetry } from '../../../src/core/telemetry.js';
import { createLogger } from '../../../src/log.js';
import { makeSnapshot, T0 } from '../helpers/snapshot.js';
import { fakePort } from '../helpers/fakePort.js';

type Log = { ts: number; key: string }[];

/** A cluster of in-memory partitions: `topic/partition` -> records in offset order. */
class MemoryCluster {
  readonly logs = new Map<string, Log>();
  failing = false;
  /** Distinct timestamps of each fetchOffsetsForTimes call. */
  readonly asked: number[][] = [];
  log(topic: string, partition: number): Log {
    const k = `${topic}/${partition}`;
    let l = this.logs.get(k);
    if (!l) this.logs.set(k, (l = []));
    return l;
  }
  port(alias: string): KafkaPort {
    const guard = () => {
      if (this.failing) throw new Error(`cluster ${alias} does not answer`);
    };
    return fakePort({
      alias,
      fetchOffsets: async (tps: TopicPartition[]): Promise<PartitionOffsets[]> => {
        guard();
        return tps.map((tp) => ({ ...tp, start: 0, end: this.log(tp.topic, tp.partition).length }));
      },
      fetchOffsetsForTimes: async (qs: TimestampQuery[]): Promise<TimestampOffset[]> => {
        guard();
        this.asked.push([...new Set(qs.map((q) => q.timestamp))]);
        return qs.map((q) => {
          const i = this.log(q.topic, q.partition).findIndex((r) => r.ts >= q.timestamp);
          return { ...q, offset: i < 0 ? null : i };
        });
      },
      fetch: async (rs: FetchRequest[]): Promise<FetchResult[]> => {
        guard();
        return rs.map((r) => {
          const l = this.log(r.topic, r.partition);
          const records = l.slice(r.offset).map((rec, i) => ({ offset: r.offset + i, timestamp: rec.ts, key: Buffer.from(rec.key), value: null }));
          return { topic: r.topic, partition: r.partition, records, nextOffset: l.length, highWatermark: l.length, error: null, errorKind: null };
        });
      },
    });
  }
}

const cluster = (alias: string): ClusterConfig => ({ alias, bootstrapServers: [`${alias}:9092`], clientId: 'mw', connectionTimeoutMs: 1000, requestTimeoutMs: 1000 });

function setup() {
  let now = T0;
  const east = new MemoryCluster();
  const west = new MemoryCluster();
  const config = { clusters: [cluster('us-east'), cluster('us-west')], flows: [{ source: 'us-east', target: 'us-west' }] } as unknown as MirrorwatchConfig;
  const snapshot = makeSnapshot({ flows: [{ source: 'us-east', target: 'us-west', topics: [{ topic: 'orders', partitions: 2 }] }] });
  const registry = new Registry();
  const metrics = createAuditMetrics(registry);
  const loop = new AuditLoop({
    config,
    audit: { enabled: true, bucketMs: 1000, settleMs: 2000, judgeAfterMs: 5000, countMaxOffsets: 1000 },
    portFactory: (c) => (c.alias === 'us-east' ? east : west).port(c.alias),
    logger: createLogger('silent'),
    telemetry: noopTelemetry,
    getSnapshot: () => snapshot,
    onResults: (f, results, pending) => metrics.record(f.source, f.target, results, pending),
    now: () => now,
  });
  /** Records with timestamps in [fromMs, toMs), `perSecond` per second, on both partitions of the source. */
  const produce = (fromMs: number, toMs: number, perSecond: number) => {
    for (let p = 0; p < 2; p++) for (let t = fromMs; t < toMs; t += 1000 / perSecond) east.log('orders', p).push({ ts: t, key: `${p}-${t}` });
  };
  /** MM2 copies everything of the source, writing `twice` records of partition 1 again after the first `after`. */
  const copy = (opts: { twice?: number; after?: number; skip?: number } = {}) => {
    for (let p = 0; p < 2; p++) {
      const src = east.log('orders', p);
      const dst = west.log('us-east.orders', p);
      dst.length = 0;
      for (const [i, r] of src.entries()) {
        if (p === 1 && opts.skip !== undefined && i >= opts.skip && i < opts.skip + 3) continue;
        dst.push(r);
        if (p === 1 && opts.twice !== undefined && i === (opts.after ?? 0) + opts.twice - 1) dst.push(...src.slice(opts.after ?? 0, (opts.after ?? 0) + opts.twice));
      }
    }
  };
  const metric = async (name: string, labels: Record<string, string>) => {
    const m = registry.getSingleMetric(name);
    const values = (await m?.get())?.values ?? [];
    return values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val))?.value;
  };
  return { east, west, loop, produce, copy, metric, advance: (ms: number) => (now += ms), now: () => now };
}

describe('AuditLoop', () => {
  it('reads a bucket once it has settled, judges it once MM2 copied past it, and counts duplicates and missing records', async () => {
    const s = setup();
    // Buckets from the one after T0 - settle on; records every 100 ms.
    s.produce(T0 - 3000, T0 + 10_000, 10);
    s.copy({ twice: 4, after: 35 });
    await s.loop.cycle();
    expect(s.loop.view().flows[0]!.auditedTo).toBeNull();
    s.advance(10_000);
    await s.loop.cycle();
    const view = s.loop.view().flows[0]!;
    expect(view.topics.orders).toMatchObject({ duplicated: 4, missing: 0, cannotJudgeBuckets: 0 });
    expect(await s.metric('mm2_audit_duplicated_records_total', { topic: 'orders' })).toBe(4);
    expect(await s.metric('mm2_audit_missing_records_total', { topic: 'orders' })).toBe(0);
    expect(await s.metric('mm2_audit_last_bucket_end_timestamp_seconds', { source: 'us-east' })).toBe(Date.parse(view.auditedTo!) / 1000);
    expect(view.recentBuckets.flatMap((b) => b.findings.map((f) => f.partition))).toEqual([1]);

    // Later buckets: MM2 skipped 3 records of partition 1.
    s.produce(T0 + 10_000, T0 + 20_000, 10);
    s.copy({ twice: 4, after: 35, skip: 150 });
    s.advance(10_000);
    await s.loop.cycle();
    expect(s.loop.view().flows[0]!.topics.orders).toMatchObject({ duplicated: 4, missing: 3 });
    expect(await s.metric('mm2_audit_missing_records_total', { topic: 'orders' })).toBe(3);
  });

  it('keeps buckets pending while MM2 is behind, and judges them when it catches up', async () => {
    const s = setup();
    s.produce(T0 - 3000, T0 + 8000, 10);
    // MM2 copied nothing yet; no bucket is past its judge deadline (end + settle + judgeAfter).
    s.advance(6000);
    await s.loop.cycle();
    expect(s.loop.view().flows[0]!.pendingBuckets).toBe(5);
    expect(s.loop.view().flows[0]!.totals).toMatchObject({ judgedBuckets: 0, cannotJudgeBuckets: 0 });
    expect(await s.metric('mm2_audit_buckets_pending', { source: 'us-east' })).toBeGreaterThan(0);
    s.copy();
    await s.loop.cycle();
    const view = s.loop.view().flows[0]!;
    expect(view.pendingBuckets).toBe(0);
    expect(view.totals).toMatchObject({ missing: 0, duplicated: 0, cannotJudgeBuckets: 0 });
    expect(view.totals.sourceRecords).toBe(2 * 5 * 10);
  });

  it('judges what MM2 has not copied past by the deadline as not copied, never as clean', async () => {
    const s = setup();
    s.produce(T0 - 3000, T0 + 20_000, 10);
    s.advance(9000);
    await s.loop.cycle();
    const view = s.loop.view().flows[0]!;
    expect(view.totals.judgedBuckets).toBe(0);
    expect(view.notJudged.map((n) => n.reason)).toEqual(['not_copied', 'not_copied']);
    expect(await s.metric('mm2_audit_partitions_not_judged', { topic: 'orders', reason: 'not_copied' })).toBe(2);
  });

  it('asks the source once per boundary: the end of one bucket is the start of the next', async () => {
    const s = setup();
    s.produce(T0 - 3000, T0 + 30_000, 10);
    s.copy();
    for (let i = 0; i < 6; i++) {
      s.advance(1000);
      await s.loop.cycle();
    }
    // A bucket settles per cycle from the second on: both boundaries of the first are asked on the
    // source, then one per bucket; the target is asked both boundaries of the bucket it judges.
    expect(s.east.asked.map((a) => a.length)).toEqual([2, 1, 1, 1, 1]);
    expect(s.west.asked.map((a) => a.length)).toEqual([2, 2, 2, 2, 2]);
    expect(s.loop.view().flows[0]!.totals).toMatchObject({ missing: 0, duplicated: 0, cannotJudgeBuckets: 0, pendingBuckets: 0 });
  });

  it('reports a cluster it cannot read and retries, without counting anything as clean', async () => {
    const s = setup();
    s.produce(T0 - 3000, T0 + 8000, 10);
    s.copy();
    s.west.failing = true;
    s.advance(6000);
    await s.loop.cycle();
    let view = s.loop.view().flows[0]!;
    expect(view.lastError).toContain('cluster us-west does not answer');
    expect(view.totals).toMatchObject({ judgedBuckets: 0, cannotJudgeBuckets: 0 });
    expect(view.pendingBuckets).toBe(5);
    // Still unreadable past the judge deadline (end + 2 s settle + 5 s): those buckets are given
    // up as unreadable, never kept for ever nor counted clean.
    s.advance(3000);
    await s.loop.cycle();
    view = s.loop.view().flows[0]!;
    expect(view.totals).toMatchObject({ judgedBuckets: 0, cannotJudgeBuckets: 3 * 2 });
    expect(view.notJudged.map((n) => n.reason)).toEqual(['unreadable', 'unreadable']);
    expect(view.pendingBuckets).toBe(5);
    s.west.failing = false;
    await s.loop.cycle();
    view = s.loop.view().flows[0]!;
    expect(view.lastError).toBeNull();
    expect(view.totals).toMatchObject({ missing: 0, duplicated: 0, cannotJudgeBuckets: 6 });
    expect(view.totals.judgedBuckets).toBeGreaterThan(0);
  });
});
