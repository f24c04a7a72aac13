// The gap probe's bounds and bookkeeping, with a scripted port (its Kafka behaviour is covered on
// real brokers by test/integration/core-transactions.test.ts).
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { PartitionOffsets } from '../../../src/core/types.js';
import type { FetchRequest, FetchResult } from '../../../src/kafka/port.js';
import { createLogger } from '../../../src/log.js';
import { tpKey } from '../../../src/poller/evidence.js';
import { GapProbe, MAX_PARTITIONS_PER_POLL } from '../../../src/poller/gapProbe.js';
import { makeSnapshot } from '../helpers/snapshot.js';
import type { PartitionInput } from '../helpers/snapshot.js';
import { fakePort } from '../helpers/fakePort.js';

const silent = createLogger('fatal', new Writable({ write: (_c, _e, done) => done() }));

function recorder() {
  const errors: string[] = [];
  return { errors, telemetry: { kafkaRequest: () => {}, pollError: (_c: string, kind: string) => errors.push(kind), decodeError: () => {} } };
}

/** A port whose fetch answers from a per-partition script: offsets of data records, and the log end. */
function scriptedPort(logs: Record<string, { records: number[]; end: number; error?: string }>) {
  const calls: FetchRequest[][] = [];
  const port = fakePort({
    alias: 'us-east',
    fetch: (reqs: FetchRequest[]) => {
      calls.push(reqs);
      return Promise.resolve(
        reqs.map((r): FetchResult => {
          const log = logs[tpKey(r.topic, r.partition)] ?? { records: [], end: r.offset };
          if (log.error) return { topic: r.topic, partition: r.partition, records: [], nextOffset: r.offset, highWatermark: -1, error: log.error, errorKind: 'kafka' };
          const records = log.records.filter((o) => o >= r.offset).map((offset) => ({ offset, timestamp: 0, key: null, value: null }));
          return { topic: r.topic, partition: r.partition, records, nextOffset: log.end, highWatermark: log.end, error: null, errorKind: null };
        }),
      );
    },
  });
  return { port, calls };
}

const snapshot = (partitions: PartitionInput[]) => makeSnapshot({ flows: [{ source: 'us-east', target: 'us-west', topics: [{ topic: 'ledger', partitions }] }] });
const offsetsOf = (parts: { partition: number; start?: number; end: number }[]): Map<string, PartitionOffsets> =>
  new Map(parts.map((p) => [tpKey('ledger', p.partition), { topic: 'ledger', partition: p.partition, start: p.start ?? 0, end: p.end }]));

describe('GapProbe', () => {
  it('probes the small uncopied ranges of the first snapshot, later only ranges that held still for two snapshots, and keeps evidence while it holds', async () => {
    const { telemetry } = recorder();
    const probe = new GapProbe(silent, telemetry);
    // p0: MM2 at 14, end 15 (trailing marker); p1: at 11, end 16 with 3 records behind markers.
    const parts = [{ partition: 0, replicated: 14, sourceEnd: 15 }, { partition: 1, replicated: 11, sourceEnd: 16 }, { partition: 2 }];
    const { port, calls } = scriptedPort({ [tpKey('ledger', 0)]: { records: [], end: 15 }, [tpKey('ledger', 1)]: { records: [12, 13, 14], end: 16 } });
    const offsets = offsetsOf([{ partition: 0, end: 15 }, { partition: 1, end: 16 }, { partition: 2, end: 100 }]);

    probe.plan(snapshot(parts));
    await probe.probe(port, 'us-east', offsets, Infinity, Date.now);
    expect(calls.map((c) => c.map((r) => [r.partition, r.offset]))).toEqual([[[0, 14], [1, 11]]]);
    const checks = probe.checksFor('us-east', 'us-west');
    expect(checks?.get(tpKey('ledger', 0))).toMatchObject({ from: 14, end: 15, readableRecords: 0 });
    expect(checks?.get(tpKey('ledger', 1))).toMatchObject({ from: 11, end: 16, readableRecords: 3 });

    // MM2 moved on p1: its evidence is dropped, and the moving range is not probed; p0's holds.
    const moved = [parts[0] as PartitionInput, { partition: 1, replicated: 12, sourceEnd: 16 }];
    probe.plan(snapshot(moved));
    expect(probe.checksFor('us-east', 'us-west')?.has(tpKey('ledger', 1))).toBe(false);
    await probe.probe(port, 'us-east', offsets, Infinity, Date.now);
    expect(calls).toHaveLength(1);
    // Held still for two snapshots: probed from the new position.
    probe.plan(snapshot(moved));
    await probe.probe(port, 'us-east', offsets, Infinity, Date.now);
    expect(calls[1]?.map((r) => [r.partition, r.offset])).toEqual([[1, 12]]);
    expect(probe.checksFor('us-east', 'us-west')?.get(tpKey('ledger', 1))).toMatchObject({ from: 12, end: 16, readableRecords: 3 });
  });

  it('leaves ranges above the bound to offsets, caps partitions per poll, and counts failures without evidence', async () => {
    const { telemetry, errors } = recorder();
    const probe = new GapProbe(silent, telemetry);
    const many = Array.from({ length: MAX_PARTITIONS_PER_POLL + 20 }, (_, partition) => ({ partition, replicated: 10, sourceEnd: 11 }));
    const big = { partition: many.length, replicated: 0, sourceEnd: 5000 };
    const failing = { partition: many.length + 1, replicated: 3, sourceEnd: 4 };
    const all = [failing, ...many, big];
    const logs: Record<string, { records: number[]; end: number; error?: string }> = {};
    for (const p of many) logs[tpKey('ledger', p.partition)] = { records: [], end: 11 };
    logs[tpKey('ledger', failing.partition)] = { records: [], end: 4, error: 'NOT_LEADER_OR_FOLLOWER' };
    const { port, calls } = scriptedPort(logs);
    const offsets = offsetsOf(all.map((p) => ({ partition: p.partition, end: p.sourceEnd })));
    probe.plan(snapshot(all));
    await probe.probe(port, 'us-east', offsets, Infinity, Date.now);
    expect(calls[0]).toHaveLength(MAX_PARTITIONS_PER_POLL);
    expect(calls.flat().some((r) => r.partition === big.partition)).toBe(false);
    expect(errors).toEqual(['gap_probe']);
    expect(probe.checksFor('us-east', 'us-west')?.has(tpKey('ledger', failing.partition))).toBe(false);
    // The rest get their turn on the next poll (after the next snapshot).
    probe.plan(snapshot(all));
    await probe.probe(port, 'us-east', offsets, Infinity, Date.now);
    expect(probe.checksFor('us-east', 'us-west')?.size).toBe(many.length);
  });
});

describe('GapProbe without Read on a topic', () => {
  it('stops probing the topic and counts no error: Read on data topics is optional', async () => {
    const { telemetry, errors } = recorder();
    const probe = new GapProbe(silent, telemetry);
    const parts = [{ partition: 0, replicated: 14, sourceEnd: 15 }];
    const { port, calls } = scriptedPort({ [tpKey('ledger', 0)]: { records: [], end: 15, error: 'TOPIC_AUTHORIZATION_FAILED' } });
    const offsets = offsetsOf([{ partition: 0, end: 15 }]);
    for (let i = 0; i < 3; i++) {
      probe.plan(snapshot(parts));
      await probe.probe(port, 'us-east', offsets, Infinity, Date.now);
    }
    expect(calls).toHaveLength(1);
    expect(errors).toEqual([]);
    expect(probe.checksFor('us-east', 'us-west')).toBeUndefined();
    // The topic is deleted: its refusal is forgotten with it (topic churn must not pile them up).
    expect(probe['deniedTopics'].size).toBe(1);
    probe.plan(makeSnapshot({ flows: [{ source: 'us-east', target: 'us-west', topics: [{ topic: 'other', partitions: [{ partition: 0 }] }] }] }));
    expect(probe['deniedTopics'].size).toBe(0);
  });
});
