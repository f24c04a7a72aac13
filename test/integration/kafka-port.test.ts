// The kafkajs KafkaPort against a real single-node Kafka (version from $KAFKA_VERSION, default 4.4.0):
// offsets, records, committed offsets, the request cost per API, and behaviour when the broker stops.
import { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompressionTypes } from 'kafkajs';
import type { Producer } from 'kafkajs';
import {
  commitGroupOffsets,
  createTopic,
  deleteTopic,
  kafkaClient,
  logHint,
  produce,
  startCluster,
  stopAll,
  waitFor,
} from '../harness/kafka.js';
import type { KafkaCluster } from '../harness/kafka.js';
import type { ClusterConfig } from '../../src/core/types.js';
import type { Telemetry } from '../../src/core/telemetry.js';
import { createLogger } from '../../src/log.js';
import { KafkajsPort } from '../../src/kafka/kafkajsPort.js';
import type { FetchResult } from '../../src/kafka/port.js';

class RecordingTelemetry implements Telemetry {
  requests = new Map<string, number>();
  pollErrors: string[] = [];
  kafkaRequest(_cluster: string, api: string): void {
    this.requests.set(api, (this.requests.get(api) ?? 0) + 1);
  }
  pollError(_cluster: string, kind: string): void {
    this.pollErrors.push(kind);
  }
  decodeError(): void {}
  take(): Record<string, number> {
    const out = Object.fromEntries([...this.requests].sort());
    this.requests.clear();
    return out;
  }
}

const REQUEST_TIMEOUT_MS = 1500;
const BROKER_RETENTION_MS = 8 * 24 * 3_600_000;
const CONNECTION_TIMEOUT_MS = 1000;

let cluster: KafkaCluster;
const ports: KafkajsPort[] = [];
const producers: Producer[] = [];

function clusterConfig(c: KafkaCluster, overrides: Partial<ClusterConfig> = {}): ClusterConfig {
  return {
    alias: c.alias,
    bootstrapServers: [c.bootstrap],
    clientId: 'mirrorwatch-test',
    connectionTimeoutMs: CONNECTION_TIMEOUT_MS,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    ...overrides,
  };
}

function newPort(telemetry: Telemetry = new RecordingTelemetry(), overrides: Partial<ClusterConfig> = {}): KafkajsPort {
  const port = new KafkajsPort(clusterConfig(cluster, overrides), { logger: createLogger('silent'), telemetry });
  ports.push(port);
  return port;
}

const text = (b: Buffer | null): string | null => (b === null ? null : b.toString('utf8'));
const simple = (r: FetchResult) =>
  r.records.map((rec) => ({ offset: rec.offset, key: text(rec.key), value: text(rec.value) }));

/** What the harness's `produce` wrote for records first..end-1 of a partition. */
const expected = (first: number, end: number) =>
  Array.from({ length: end - first }, (_, i) => ({
    offset: first + i,
    key: `k-${first + i}`,
    value: `value of k-${first + i}`,
  }));

async function rejectionTime(p: Promise<unknown>, what: string): Promise<{ ms: number; error: Error }> {
  const started = Date.now();
  let value: unknown;
  try {
    value = await p;
  } catch (e) {
    return { ms: Date.now() - started, error: e as Error };
  }
  throw new Error(`expected ${what} to reject, it gave ${JSON.stringify(value)}`);
}

beforeAll(async () => {
  // A broker-level default that differs from Kafka's, to tell topic overrides from broker settings.
  cluster = await startCluster({ alias: 'port-test', brokerProps: { 'log.retention.ms': String(BROKER_RETENTION_MS) } });
});

afterAll(async () => {
  if (cluster?.pid !== undefined) {
    try {
      process.kill(cluster.pid, 'SIGCONT');
    } catch {
      // not stopped
    }
  }
  await Promise.allSettled(ports.map((p) => p.close()));
  await Promise.allSettled(producers.map((p) => p.disconnect()));
  await stopAll();
});

describe('KafkajsPort on a real broker', () => {
  const counts = [7, 0, 12];

  it('reads exact log-start and end offsets, and sees DeleteRecords move the start', async () => {
    try {
      await createTopic(cluster, 'orders', counts.length);
      for (const [partition, count] of counts.entries()) if (count > 0) await produce(cluster, 'orders', { partition, count });
      const telemetry = new RecordingTelemetry();
      const port = newPort(telemetry);
      await port.connect();
      const topics = await port.listTopics();
      expect(topics.find((t) => t.name === 'orders')).toEqual({ name: 'orders', partitions: [0, 1, 2] });

      const tps = counts.map((_, partition) => ({ topic: 'orders', partition }));
      expect(await port.fetchOffsets(tps)).toEqual(counts.map((end, partition) => ({ topic: 'orders', partition, start: 0, end })));

      const admin = kafkaClient(cluster).admin();
      await admin.connect();
      try {
        // kafkajs's deleteTopicRecords needs the topic in its metadata cache first.
        await admin.fetchTopicMetadata({ topics: ['orders'] });
        await admin.deleteTopicRecords({ topic: 'orders', partitions: [{ partition: 2, offset: '5' }] });
      } finally {
        await admin.disconnect();
      }
      const after = await port.fetchOffsets(tps);
      expect(after[2]).toEqual({ topic: 'orders', partition: 2, start: 5, end: counts[2] });
      expect(after[0]).toEqual({ topic: 'orders', partition: 0, start: 0, end: counts[0] });
      expect(telemetry.pollErrors).toEqual([]);
    } catch (e) {
      console.error(logHint());
      throw e;
    }
  });

  it('fetches exactly the produced records, from the start, a mid offset and in pages; out of range is an error field', async () => {
    const telemetry = new RecordingTelemetry();
    const port = newPort(telemetry);
    await port.listTopics();
    telemetry.take();

    const results = await port.fetch([
      { topic: 'orders', partition: 0, offset: 0 },
      { topic: 'orders', partition: 1, offset: 0 },
      { topic: 'orders', partition: 2, offset: 8 },
    ]);
    expect(telemetry.take()).toEqual({ Fetch: 1 });
    const [p0, p1, p2] = results;
    expect(simple(p0!)).toEqual(expected(0, counts[0]!));
    expect(p0).toMatchObject({ nextOffset: counts[0], highWatermark: counts[0], error: null });
    expect(p1).toMatchObject({ records: [], nextOffset: 0, highWatermark: 0, error: null });
    expect(simple(p2!)).toEqual(expected(8, counts[2]!));
    expect(p2).toMatchObject({ nextOffset: counts[2], error: null });
    for (const r of p0!.records) expect(Math.abs(r.timestamp - Date.now())).toBeLessThan(10 * 60_000);

    // Below the log start (moved by DeleteRecords) and past the end: the caller resets from the error.
    const oor = await port.fetch([
      { topic: 'orders', partition: 2, offset: 1 },
      { topic: 'orders', partition: 0, offset: 1000 },
    ]);
    expect(oor.map((r) => [r.partition, r.error, r.records.length, r.nextOffset])).toEqual([
      [2, 'OFFSET_OUT_OF_RANGE', 0, 1],
      [0, 'OFFSET_OUT_OF_RANGE', 0, 1000],
    ]);

    // Small maxBytes: the records come in several pages, each exactly once.
    await createTopic(cluster, 'paged', 1);
    for (let i = 0; i < 4; i++) await produce(cluster, 'paged', { partition: 0, count: 25, keyPrefix: `b${i}` });
    const seen: string[] = [];
    let offset = 0;
    let pages = 0;
    while (offset < 100 && pages < 50) {
      const [r] = await port.fetch([{ topic: 'paged', partition: 0, offset, maxBytes: 64 }]);
      expect(r!.error).toBeNull();
      expect(r!.records[0]?.offset).toBe(offset);
      seen.push(...r!.records.map((x) => text(x.key)!));
      offset = r!.nextOffset;
      pages++;
    }
    expect(pages).toBeGreaterThan(1);
    expect(seen).toEqual([0, 1, 2, 3].flatMap((b) => Array.from({ length: 25 }, (_, i) => `b${b}-${i}`)));
  });

  it('holds a fetch up to maxWaitMs for new records, and for the whole wait while minBytes is not reached', async () => {
    await createTopic(cluster, 'longpoll', 1);
    const port = newPort();
    await port.listTopics();
    const timed = async (p: Promise<FetchResult[]>) => {
      const started = Date.now();
      const [r] = await p;
      return { ms: Date.now() - started, r: r! };
    };
    // Nothing new: the broker holds the answer about the wait (below the request timeout), then answers empty.
    const empty = await timed(port.fetch([{ topic: 'longpoll', partition: 0, offset: 0 }], { maxWaitMs: 700 }));
    expect(empty.r).toMatchObject({ records: [], nextOffset: 0, error: null });
    expect(empty.ms).toBeGreaterThanOrEqual(500);
    // A record written while the fetch waits comes in its answer.
    const waiting = timed(port.fetch([{ topic: 'longpoll', partition: 0, offset: 0 }], { maxWaitMs: 1200 }));
    await produce(cluster, 'longpoll', { partition: 0, count: 1, keyPrefix: 'lp' });
    const arrived = await waiting;
    expect(simple(arrived.r)).toEqual([{ offset: 0, key: 'lp-0', value: 'value of lp-0' }]);
    // The record is there already: minBytes 1 (the default) answers at once, a large minBytes holds
    // the answer for the wait and then gives the same records.
    const atOnce = await timed(port.fetch([{ topic: 'longpoll', partition: 0, offset: 0 }], { maxWaitMs: 1000 }));
    const held = await timed(port.fetch([{ topic: 'longpoll', partition: 0, offset: 0 }], { maxWaitMs: 1000, minBytes: 1024 * 1024 }));
    expect(simple(held.r)).toEqual(simple(atOnce.r));
    expect(held.r.nextOffset).toBe(1);
    expect(held.ms).toBeGreaterThanOrEqual(700);
    expect(atOnce.ms).toBeLessThan(held.ms);
  });

  it('decodes gzip batches and skips transaction markers and aborted transactions', async () => {
    await createTopic(cluster, 'gz', 1);
    await createTopic(cluster, 'txn', 1);
    const kafka = kafkaClient(cluster);
    const plain = kafka.producer({ allowAutoTopicCreation: false });
    producers.push(plain);
    await plain.connect();
    const gzMessages = Array.from({ length: 40 }, (_, i) => ({ key: `g-${i}`, value: `gzip value ${i} `.repeat(5) }));
    await plain.send({ topic: 'gz', compression: CompressionTypes.GZIP, messages: gzMessages });

    const tx = kafka.producer({ transactionalId: 'mw-port-test', idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    producers.push(tx);
    await tx.connect();
    const batches: [string[], 'commit' | 'abort'][] = [
      [['c1', 'c2', 'c3'], 'commit'],
      [['a1', 'a2'], 'abort'],
      [['c4', 'c5'], 'commit'],
    ];
    for (const [keys, outcome] of batches) {
      const t = await tx.transaction();
      await t.send({ topic: 'txn', messages: keys.map((key) => ({ key, value: `v-${key}` })) });
      await (outcome === 'commit' ? t.commit() : t.abort());
    }

    const port = newPort();
    const [gz, txn] = await port.fetch([
      { topic: 'gz', partition: 0, offset: 0 },
      { topic: 'txn', partition: 0, offset: 0 },
    ]);
    expect(gz!.error).toBeNull();
    expect(gz!.records.map((r) => [r.offset, text(r.key), text(r.value)])).toEqual(gzMessages.map((m, i) => [i, m.key, m.value]));

    // 7 data records + 3 markers: the end offset counts the markers, the records skip them and a1/a2.
    const [ends] = await port.fetchOffsets([{ topic: 'txn', partition: 0 }]);
    expect(ends!.end).toBe(10);
    expect(txn!.error).toBeNull();
    expect(txn!.records.map((r) => text(r.key))).toEqual(['c1', 'c2', 'c3', 'c4', 'c5']);
    // c1-c3 at 0-2, commit marker 3, a1-a2 at 4-5, abort marker 6, c4-c5 at 7-8, commit marker 9.
    expect(txn!.records.map((r) => r.offset)).toEqual([0, 1, 2, 7, 8]);
    expect(txn!.nextOffset).toBe(10);
    // Asked from inside the aborted range, nothing of it comes back either.
    const [mid] = await port.fetch([{ topic: 'txn', partition: 0, offset: 5 }]);
    expect(mid!.records.map((r) => text(r.key))).toEqual(['c4', 'c5']);
  });

  it('finds the first offset at or after a timestamp, one ListOffsets per distinct timestamp, null past the last record', async () => {
    await createTopic(cluster, 'stamped', 2);
    const kafka = kafkaClient(cluster);
    const plain = kafka.producer({ allowAutoTopicCreation: false });
    producers.push(plain);
    await plain.connect();
    const base = 1_700_000_000_000;
    // p0 in order 0..9 s; p1 out of order: 5, 1, 7, 3 s.
    await plain.send({ topic: 'stamped', messages: Array.from({ length: 10 }, (_, i) => ({ partition: 0, key: `o${i}`, value: 'x', timestamp: String(base + i * 1000) })) });
    await plain.send({ topic: 'stamped', messages: [5, 1, 7, 3].map((s) => ({ partition: 1, key: `s${s}`, value: 'x', timestamp: String(base + s * 1000) })) });
    const telemetry = new RecordingTelemetry();
    const port = newPort(telemetry);
    await port.listTopics();
    telemetry.take();
    const ask = (timestamp: number) => [0, 1].map((partition) => ({ topic: 'stamped', partition, timestamp }));
    const answers = await port.fetchOffsetsForTimes([...ask(base), ...ask(base + 2500), ...ask(base + 6000), ...ask(base + 60_000)]);
    expect(answers.map((a) => [a.partition, a.timestamp - base, a.offset])).toEqual([
      [0, 0, 0],
      [1, 0, 0],
      [0, 2500, 3],
      [1, 2500, 0], // the first record stamped >= 2.5 s is the 5 s one at offset 0
      [0, 6000, 6],
      [1, 6000, 2],
      [0, 60_000, null],
      [1, 60_000, null],
    ]);
    // One broker, four distinct timestamps: four requests, however many partitions.
    expect(telemetry.take()).toEqual({ ListOffsets: 4 });
    // Transaction markers: a timestamp after the last committed record answers null (read_committed).
    const [txn] = await port.fetchOffsetsForTimes([{ topic: 'txn', partition: 0, timestamp: Date.now() + 3_600_000 }]);
    expect(txn!.offset).toBeNull();
    // Unknown partitions are left out (counted as a poll error), not answered with a guess.
    const partial = await port.fetchOffsetsForTimes([{ topic: 'stamped', partition: 0, timestamp: base }, { topic: 'stamped', partition: 9, timestamp: base }]);
    expect(partial.map((a) => a.partition)).toEqual([0]);
    expect(telemetry.pollErrors).toContain('timestamp_offsets');
  });

  it('returns committed offsets of groups without joining or committing', async () => {
    const group = '__mw-port-test-group';
    await commitGroupOffsets(cluster, group, 'orders', 0, 3);
    await commitGroupOffsets(cluster, group, 'orders', 2, 11);
    const telemetry = new RecordingTelemetry();
    const port = newPort(telemetry);
    await port.listTopics(); // as in a poll: the listing's metadata serves the coordinator lookup
    telemetry.take();
    const read = async () =>
      (await port.fetchCommittedOffsets([group, '__mw-no-such-group'])).sort((a, b) => a.partition - b.partition);
    expect(await read()).toEqual([
      { group, topic: 'orders', partition: 0, offset: 3 },
      { group, topic: 'orders', partition: 2, offset: 11 },
    ]);
    expect(telemetry.take()).toEqual({ FindCoordinator: 2, OffsetFetch: 2 });
    // Coordinators are cached: later polls cost one OffsetFetch per group.
    expect(await read()).toHaveLength(2);
    expect(telemetry.take()).toEqual({ OffsetFetch: 2 });
    // Reading changed nothing: a kafkajs admin sees the same offsets.
    const admin = kafkaClient(cluster).admin();
    await admin.connect();
    try {
      const [t] = await admin.fetchOffsets({ groupId: group, topics: ['orders'] });
      expect(t!.partitions.map((p) => [p.partition, p.offset]).sort()).toEqual([
        [0, '3'],
        [1, '-1'],
        [2, '11'],
      ]);
      const described = await admin.describeGroups([group]);
      expect(described.groups[0]!.members).toEqual([]);
    } finally {
      await admin.disconnect();
    }
  });

  it('costs the same requests for 1 topic as for 50 topics of 4 partitions', async () => {
    const names = Array.from({ length: 50 }, (_, i) => `many-${String(i).padStart(2, '0')}`);
    const admin = kafkaClient(cluster).admin();
    await admin.connect();
    try {
      await admin.createTopics({ waitForLeaders: true, topics: names.map((topic) => ({ topic, numPartitions: 4, replicationFactor: 1 })) });
    } finally {
      await admin.disconnect();
    }
    for (const [i, topic] of names.entries()) if (i % 7 === 0) await produce(cluster, topic, { partition: i % 4, count: i + 1 });

    const telemetry = new RecordingTelemetry();
    const port = newPort(telemetry);
    await port.connect();
    expect(telemetry.take()).toEqual({ ApiVersions: 1 }); // a handshake, no metadata yet

    const poll = async (topics: string[]) => {
      const listed = await port.listTopics();
      const tps = listed.filter((t) => topics.includes(t.name)).flatMap((t) => t.partitions.map((partition) => ({ topic: t.name, partition })));
      const offsets = await port.fetchOffsets(tps);
      const fetched = await port.fetch(tps.map((tp) => ({ ...tp, offset: 0 })));
      return { offsets, fetched, requests: telemetry.take() };
    };
    const one = await poll(names.slice(0, 1));
    const fifty = await poll(names);
    console.info(`[kafka-port] requests per poll, 1 topic x 4 partitions: ${JSON.stringify(one.requests)}; 50 topics x 4 partitions: ${JSON.stringify(fifty.requests)}`);

    expect(one.offsets).toHaveLength(4);
    expect(fifty.offsets).toHaveLength(200);
    for (const [i, topic] of names.entries()) {
      for (let partition = 0; partition < 4; partition++) {
        const end = i % 7 === 0 && partition === i % 4 ? i + 1 : 0;
        expect(fifty.offsets.find((o) => o.topic === topic && o.partition === partition)).toEqual({ topic, partition, start: 0, end });
      }
    }
    expect(fifty.fetched.reduce((n, r) => n + r.records.length, 0)).toBe(names.reduce((n, _, i) => n + (i % 7 === 0 ? i + 1 : 0), 0));
    expect(one.requests).toEqual({ Fetch: 1, ListOffsets: 2, Metadata: 1 });
    expect(fifty.requests).toEqual(one.requests);
  });

  it('refreshes metadata once for a topic created after the listing, and reports a deleted one', async () => {
    const telemetry = new RecordingTelemetry();
    const port = newPort(telemetry);
    await port.listTopics();
    await createTopic(cluster, 'late', 2);
    await produce(cluster, 'late', { partition: 1, count: 3 });
    await createTopic(cluster, 'doomed', 1);
    telemetry.take();
    expect(
      await port.fetchOffsets([
        { topic: 'late', partition: 0 },
        { topic: 'late', partition: 1 },
      ]),
    ).toEqual([
      { topic: 'late', partition: 0, start: 0, end: 0 },
      { topic: 'late', partition: 1, start: 0, end: 3 },
    ]);
    // The listing did not know `late`: one Metadata for it, then the ListOffsets pair again.
    expect(telemetry.take()).toEqual({ ListOffsets: 2, Metadata: 1 });
    expect(telemetry.pollErrors).toEqual([]);

    await port.listTopics();
    await deleteTopic(cluster, 'doomed');
    // The broker may serve the deleted partition for a moment after DeleteTopics returns.
    const offsets = await waitFor(
      'doomed-0 to be left out',
      async () => {
        const o = await port.fetchOffsets([
          { topic: 'doomed', partition: 0 },
          { topic: 'orders', partition: 0 },
        ]);
        return o.length === 1 ? o : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    expect(offsets).toEqual([{ topic: 'orders', partition: 0, start: 0, end: counts[0] }]);
    expect(telemetry.pollErrors).toEqual(['partition_offsets']);
    const [gone] = await port.fetch([{ topic: 'doomed', partition: 0, offset: 0 }]);
    expect(gone!.error).toBe('UNKNOWN_TOPIC_OR_PARTITION');
  });

  it('describes topic configs: compacted, LogAppendTime, overrides vs broker settings and defaults, per-topic errors', async () => {
    await createTopic(cluster, 'cfg-compacted', 1, { 'cleanup.policy': 'compact', 'retention.ms': '3600000' });
    await createTopic(cluster, 'cfg-append-time', 1, { 'message.timestamp.type': 'LogAppendTime' });
    await createTopic(cluster, 'cfg-default', 1);
    const telemetry = new RecordingTelemetry();
    const port = newPort(telemetry);
    await port.listTopics();
    telemetry.take();
    const keys = ['cleanup.policy', 'message.timestamp.type', 'retention.ms'];
    const answers = await port.describeTopicConfigs(['cfg-compacted', 'cfg-append-time', 'cfg-default', 'cfg-missing', 'cfg-default'], keys);
    expect(answers.map((a) => a.topic)).toEqual(['cfg-compacted', 'cfg-append-time', 'cfg-default', 'cfg-missing']);
    const [compacted, appendTime, plain, missing] = answers;
    expect(compacted).toEqual({
      topic: 'cfg-compacted',
      error: null,
      configs: {
        'cleanup.policy': { value: 'compact', source: 'topic' },
        'message.timestamp.type': { value: 'CreateTime', source: 'default' },
        'retention.ms': { value: '3600000', source: 'topic' },
      },
    });
    expect(appendTime!.configs['message.timestamp.type']).toEqual({ value: 'LogAppendTime', source: 'topic' });
    expect(appendTime!.configs['cleanup.policy']).toEqual({ value: 'delete', source: 'default' });
    // No override: the broker's log.retention.ms, not Kafka's default of 7 days.
    expect(plain!.configs['retention.ms']).toEqual({ value: String(BROKER_RETENTION_MS), source: 'broker' });
    expect(plain!.error).toBeNull();
    expect(missing!.configs).toEqual({});
    expect(missing!.error).toMatch(/^UNKNOWN_TOPIC_OR_PARTITION/);
    // One request to one broker for every topic; the topic it does not know is counted, not thrown.
    expect(telemetry.take()).toEqual({ DescribeConfigs: 1 });
    expect(telemetry.pollErrors).toEqual(['topic_configs']);
    expect(await port.describeTopicConfigs([], keys)).toEqual([]);
  });

  it('speaks protocol versions the broker accepts for every API it uses', async () => {
    const port = newPort();
    const versions = await port.negotiatedVersions();
    const perBroker = Object.values(versions);
    expect(perBroker).toHaveLength(1);
    const apis = perBroker[0]!;
    expect(Object.keys(apis).sort()).toEqual([
      'ApiVersions',
      'DescribeConfigs',
      'Fetch',
      'FindCoordinator',
      'ListOffsets',
      'Metadata',
      'OffsetFetch',
      'SaslAuthenticate',
      'SaslHandshake',
    ]);
    for (const [api, v] of Object.entries(apis)) {
      expect(v.error, api).toBeUndefined();
      expect(v.version, api).not.toBeNull();
      expect(v.version!, api).toBeGreaterThanOrEqual(v.brokerMin);
      expect(v.version!, api).toBeLessThanOrEqual(v.brokerMax);
    }
    console.info(`[kafka-port] Kafka ${cluster.version} negotiated versions: ${JSON.stringify(apis)}`);
  });

  it('close() is idempotent and leaves no socket to the broker open', async () => {
    const brokerSockets = () =>
      (process as unknown as { _getActiveHandles(): unknown[] })
        ._getActiveHandles()
        .filter((h): h is Socket => h instanceof Socket)
        .filter((s) => !s.destroyed && s.remotePort === cluster.port);
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = new Set(brokerSockets());
    const timersBefore = timers();
    const port = newPort();
    await port.listTopics();
    await port.fetch([{ topic: 'orders', partition: 0, offset: 0 }]);
    expect(brokerSockets().filter((s) => !before.has(s)).length).toBeGreaterThan(0);
    expect(timers()).toBeGreaterThan(timersBefore); // kafkajs's request-timeout checks
    await Promise.all([port.close(), port.close()]);
    await port.close();
    expect(brokerSockets().filter((s) => !before.has(s))).toEqual([]);
    expect(timers()).toBeLessThanOrEqual(timersBefore);
    await expect(port.listTopics()).rejects.toThrow(/closed/);
  });

  it('rejects within the request timeout when the broker hangs, and recovers when it resumes', async () => {
    await createTopic(cluster, 'hang', 1);
    await produce(cluster, 'hang', { partition: 0, count: 3 });
    await commitGroupOffsets(cluster, '__mw-hang-group', 'hang', 0, 2);
    const port = newPort();
    const tps = [{ topic: 'hang', partition: 0 }];
    // The first lookups after the offsets topic is created may meet a coordinator still loading.
    const committed = await waitFor('committed offsets of __mw-hang-group', async () => {
      const c = await port.fetchCommittedOffsets(['__mw-hang-group']);
      return c.length > 0 ? c : undefined;
    }, { timeoutMs: 30_000, intervalMs: 500 });
    expect(committed).toEqual([{ group: '__mw-hang-group', topic: 'hang', partition: 0, offset: 2 }]);
    const pid = cluster.pid!;
    process.kill(pid, 'SIGSTOP');
    try {
      const slack = 1000;
      const calls = {
        fetchOffsets: () => port.fetchOffsets(tps),
        fetch: () => port.fetch([{ topic: 'hang', partition: 0, offset: 0 }]),
        fetchCommittedOffsets: () => port.fetchCommittedOffsets(['__mw-hang-group']),
        listTopics: () => port.listTopics(),
      };
      for (const [name, call] of Object.entries(calls)) {
        const { ms, error } = await rejectionTime(call(), name);
        expect(ms, `${name}: ${error.message}`).toBeLessThan(REQUEST_TIMEOUT_MS + slack);
        expect(error.message, name).toMatch(/port-test/);
      }
      // A new port cannot even finish its ApiVersions handshake.
      const fresh = newPort();
      const { ms } = await rejectionTime(fresh.connect(), 'connect');
      expect(ms).toBeLessThan(Math.max(REQUEST_TIMEOUT_MS, CONNECTION_TIMEOUT_MS) + slack);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    // A broker paused for seconds may have to re-register before it leads its partitions again.
    const resumed = await waitFor('hang-0 offsets after SIGCONT', async () => {
      const offsets = await port.fetchOffsets(tps);
      return offsets.length === 1 ? offsets : undefined;
    }, { timeoutMs: 30_000, intervalMs: 500 });
    expect(resumed).toEqual([{ topic: 'hang', partition: 0, start: 0, end: 3 }]);
  });

  it('rejects fast while the broker is down and recovers after a restart', async () => {
    await createTopic(cluster, 'restart', 1);
    await produce(cluster, 'restart', { partition: 0, count: 4 });
    const port = newPort();
    const tps = [{ topic: 'restart', partition: 0 }];
    expect(await port.fetchOffsets(tps)).toEqual([{ topic: 'restart', partition: 0, start: 0, end: 4 }]);
    await cluster.kill();
    const slack = 1000;
    const calls = {
      fetchOffsets: () => port.fetchOffsets(tps),
      listTopics: () => port.listTopics(),
      connect: () => newPort().connect(),
    };
    for (const [name, call] of Object.entries(calls)) {
      const { ms, error } = await rejectionTime(call(), name);
      expect(ms, `${name}: ${error.message}`).toBeLessThan(CONNECTION_TIMEOUT_MS + slack);
    }
    await cluster.start();
    // The same port reconnects by itself; the partition may need a moment of log recovery after
    // the SIGKILL, during which it is left out (not an error of the call).
    const recovered = await waitFor('restart-0 offsets after the restart', async () => {
      const offsets = await port.fetchOffsets(tps);
      return offsets.length === 1 ? offsets : undefined;
    }, { timeoutMs: 30_000, intervalMs: 500 });
    expect(recovered).toEqual([{ topic: 'restart', partition: 0, start: 0, end: 4 }]);
  });
});
