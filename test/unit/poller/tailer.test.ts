import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import type { PartitionOffsets } from '../../../src/core/types.js';
import type { FetchErrorKind, FetchRequest, FetchResult, RawRecord } from '../../../src/kafka/port.js';
import { createLogger } from '../../../src/log.js';
import { tpKey } from '../../../src/poller/evidence.js';
import { TailProblemReporter } from '../../../src/poller/tailProblems.js';
import { Tailer, type TailSpec } from '../../../src/poller/tailer.js';
import { fakePort } from '../helpers/fakePort.js';

const rec = (offset: number): RawRecord => ({ offset, timestamp: 1000 + offset, key: Buffer.from(`k${offset}`), value: Buffer.from(`v${offset}`) });

/**
 * One partition of 6 records in batches of 2 (offsets 0-1, 2-3, 4-5). The batch at `badAt` cannot
 * be decoded while `broken` says so: the fetch returns the records before it, nextOffset at it,
 * and the error, like the real port.
 */
function batchedPort(opts: { badAt: number; kind: FetchErrorKind; message: string }) {
  const state = { broken: true, requests: [] as FetchRequest[][] };
  const port = fakePort({
    alias: 'us-west',
    fetch: async (requests) => {
      state.requests.push(requests);
      return requests.map((r): FetchResult => {
        const records: RawRecord[] = [];
        let next = r.offset;
        // Two batches per fetch at most, as a byte limit would.
        for (let batch = 0; batch < 2 && next < 6; batch++) {
          if (state.broken && next === opts.badAt) {
            return { topic: r.topic, partition: r.partition, records, nextOffset: next, highWatermark: -1, error: opts.message, errorKind: opts.kind };
          }
          records.push(rec(next), rec(next + 1));
          next += 2;
        }
        return { topic: r.topic, partition: r.partition, records, nextOffset: next, highWatermark: 6, error: null, errorKind: null };
      });
    },
  });
  return { port, state };
}

const spec: TailSpec = { topic: 'us-east.heartbeats', partitions: [0], startFrom: 'beginning' };
const offsets = (start = 0, end = 6) => new Map<string, PartitionOffsets>([[tpKey(spec.topic, 0), { topic: spec.topic, partition: 0, start, end }]]);
const options = { deadlineMs: Number.MAX_SAFE_INTEGER, maxRounds: 10 };

describe('Tailer', () => {
  it('keeps the records read before an undecodable batch, reports why it is stuck, and retries that batch', async () => {
    const { port, state } = batchedPort({ badAt: 2, kind: 'codec', message: 'snappy compression is not supported' });
    const tailer = new Tailer();
    const first = await tailer.tail(port, [spec], offsets(), options);
    const p = first.topics[0]!.partitions[0]!;
    expect(p.records.map((r) => r.offset)).toEqual([0, 1]);
    expect(p.position).toBe(2);
    expect(p.problem).toEqual({ kind: 'codec', message: 'snappy compression is not supported', offset: 2 });
    // Stuck partitions are not fetched again in the same poll.
    expect(state.requests).toHaveLength(1);

    const again = await tailer.tail(port, [spec], offsets(), options);
    expect(again.topics[0]!.partitions[0]!.records).toEqual([]);
    expect(again.topics[0]!.partitions[0]!.problem?.kind).toBe('codec');
    expect(state.requests[1]![0]!.offset).toBe(2);

    // Recovery: the batch reads, the tail carries on from where it stopped.
    state.broken = false;
    const recovered = await tailer.tail(port, [spec], offsets(), options);
    const r = recovered.topics[0]!.partitions[0]!;
    expect(r.problem).toBeNull();
    expect(r.records.map((x) => x.offset)).toEqual([2, 3, 4, 5]);
    expect(r.position).toBe(6);
  });

  it('reports a Kafka error such as TOPIC_AUTHORIZATION_FAILED with no records', async () => {
    const { port } = batchedPort({ badAt: 0, kind: 'kafka', message: 'TOPIC_AUTHORIZATION_FAILED' });
    const result = await new Tailer().tail(port, [spec], offsets(), options);
    expect(result.topics[0]!.partitions[0]).toMatchObject({ records: [], position: 0, problem: { kind: 'kafka', message: 'TOPIC_AUTHORIZATION_FAILED' } });
  });

  it('moves an out-of-range position to the log start, reads on, and still reports the move', async () => {
    let calls = 0;
    const port = fakePort({
      alias: 'us-west',
      fetch: async (requests) =>
        requests.map((r) => {
          calls++;
          if (r.offset < 4) return { topic: r.topic, partition: r.partition, records: [], nextOffset: r.offset, highWatermark: -1, error: 'OFFSET_OUT_OF_RANGE', errorKind: 'out-of-range' as const };
          return { topic: r.topic, partition: r.partition, records: [rec(4), rec(5)], nextOffset: 6, highWatermark: 6, error: null, errorKind: null };
        }),
    });
    const tailer = new Tailer();
    // Retention moved the log start to 4 between the offsets read (start 0) and the fetch.
    const moved = await tailer.tail(port, [spec], offsets(0, 6), options);
    expect(moved.topics[0]!.partitions[0]).toMatchObject({ records: [], problem: { kind: 'out-of-range', message: 'OFFSET_OUT_OF_RANGE' } });
    // The next poll sees the new log start and reads from there.
    const result = await tailer.tail(port, [spec], offsets(4, 6), options);
    const p = result.topics[0]!.partitions[0]!;
    expect(p.records.map((r) => r.offset)).toEqual([4, 5]);
    expect(p.problem).toBeNull();
    expect(p.position).toBe(6);
    expect(calls).toBe(2);
  });

  it('flags a topic whose end went below the position (recreated) as reset', async () => {
    const { port, state } = batchedPort({ badAt: -1, kind: 'corrupt', message: '' });
    state.broken = false;
    const tailer = new Tailer();
    await tailer.tail(port, [spec], offsets(), options);
    const result = await tailer.tail(port, [spec], offsets(0, 2), options);
    expect(result.topics[0]!.reset).toBe(true);
    // Read again from the start of the new log.
    expect(result.topics[0]!.partitions[0]!.records[0]?.offset).toBe(0);
  });
});

describe('TailProblemReporter', () => {
  it('counts every stuck fetch, logs once when stuck and once when it recovers, and keeps the start time', async () => {
    const lines: { level: number; msg: string }[] = [];
    const logger = createLogger('info', new Writable({ write: (c: Buffer, _e, done) => { lines.push(JSON.parse(c.toString()) as { level: number; msg: string }); done(); } }));
    const counted: string[] = [];
    const reporter = new TailProblemReporter('us-west', logger, {
      kafkaRequest: () => {},
      pollError: () => {},
      decodeError: () => {},
      tailError: (c, t, k) => counted.push(`${c}/${t}/${k}`),
    });
    const { port, state } = batchedPort({ badAt: 0, kind: 'kafka', message: 'TOPIC_AUTHORIZATION_FAILED' });
    const tailer = new Tailer();
    const stuck1 = reporter.report(await tailer.tail(port, [spec], offsets(), options), 1000);
    const stuck2 = reporter.report(await tailer.tail(port, [spec], offsets(), options), 3000);
    expect(stuck1).toEqual([{ topic: spec.topic, kind: 'kafka', message: 'TOPIC_AUTHORIZATION_FAILED', partitions: [0], sinceMs: 1000 }]);
    expect(stuck2[0]?.sinceMs).toBe(1000);
    expect(counted).toEqual(['us-west/us-east.heartbeats/kafka', 'us-west/us-east.heartbeats/kafka']);
    state.broken = false;
    expect(reporter.report(await tailer.tail(port, [spec], offsets(), options), 5000)).toEqual([]);
    await new Promise((r) => setImmediate(r));
    const msgs = lines.map((l) => l.msg);
    expect(msgs.filter((m) => m.startsWith('cannot read us-east.heartbeats on us-west: TOPIC_AUTHORIZATION_FAILED'))).toHaveLength(1);
    expect(msgs.filter((m) => m.startsWith('reading us-east.heartbeats on us-west works again'))).toHaveLength(1);
  });
});
