// kafkajs helpers for tests: topics, produce known records, read raw records, group offsets.
// The harness is test code; only src/ is restricted to talking to Kafka through src/kafka/.
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import './kafkajsQuiet.js';
import type { Admin, Producer } from 'kafkajs';

/** Anything with a bootstrap address: a harness KafkaCluster, or a cluster started elsewhere. */
export interface ClusterRef {
  alias: string;
  bootstrap: string;
}

interface Clients {
  kafka: Kafka;
  admin?: Promise<Admin>;
  producer?: Promise<Producer>;
}

const clients = new Map<string, Clients>();

function kafkaFor(cluster: ClusterRef): Clients {
  let c = clients.get(cluster.bootstrap);
  if (!c) {
    c = {
      kafka: new Kafka({
        clientId: `mw-harness-${cluster.alias}`,
        brokers: [cluster.bootstrap],
        logLevel: logLevel.NOTHING,
        connectionTimeout: 3000,
        requestTimeout: 15_000,
        retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 2000 },
      }),
    };
    clients.set(cluster.bootstrap, c);
  }
  return c;
}

/** A kafkajs client for the cluster (logger silenced). */
export function kafkaClient(cluster: ClusterRef): Kafka {
  return kafkaFor(cluster).kafka;
}

async function adminFor(cluster: ClusterRef): Promise<Admin> {
  const c = kafkaFor(cluster);
  if (!c.admin) {
    const admin = c.kafka.admin();
    c.admin = admin.connect().then(() => admin);
    c.admin.catch(() => (c.admin = undefined));
  }
  return c.admin;
}

async function producerFor(cluster: ClusterRef): Promise<Producer> {
  const c = kafkaFor(cluster);
  if (!c.producer) {
    const producer = c.kafka.producer({ allowAutoTopicCreation: false });
    c.producer = producer.connect().then(() => producer);
    c.producer.catch(() => (c.producer = undefined));
  }
  return c.producer;
}

/** Drops cached connections to a cluster (after it stopped, or at teardown). */
export async function closeClients(bootstrap?: string): Promise<void> {
  const entries = bootstrap ? [[bootstrap, clients.get(bootstrap)] as const] : [...clients.entries()];
  await Promise.allSettled(
    entries.map(async ([key, c]) => {
      clients.delete(key);
      if (!c) return;
      const admin = c.admin?.catch(() => undefined);
      const producer = c.producer?.catch(() => undefined);
      await Promise.allSettled([(await admin)?.disconnect(), (await producer)?.disconnect()]);
    }),
  );
}

export async function listTopics(cluster: ClusterRef): Promise<string[]> {
  return (await adminFor(cluster)).listTopics();
}

export async function createTopic(
  cluster: ClusterRef,
  name: string,
  partitions: number,
  configs: Record<string, string> = {},
): Promise<void> {
  const admin = await adminFor(cluster);
  const created = await admin.createTopics({
    waitForLeaders: true,
    topics: [
      {
        topic: name,
        numPartitions: partitions,
        replicationFactor: 1,
        configEntries: Object.entries(configs).map(([n, value]) => ({ name: n, value })),
      },
    ],
  });
  if (!created) throw new Error(`topic ${name} already exists on ${cluster.alias} (${cluster.bootstrap})`);
}

export async function deleteTopic(cluster: ClusterRef, name: string): Promise<void> {
  await (await adminFor(cluster)).deleteTopics({ topics: [name], timeout: 15_000 });
}

export async function addPartitions(cluster: ClusterRef, topic: string, count: number): Promise<void> {
  await (await adminFor(cluster)).createPartitions({ topicPartitions: [{ topic, count }] });
}

export interface ProduceOptions {
  partition: number;
  count: number;
  /** Keys are `${keyPrefix}-${i}`; default "k". */
  keyPrefix?: string;
  /** Value bytes per record (default: a short text naming the record). */
  valueBytes?: number;
}

export interface ProduceResult {
  topic: string;
  partition: number;
  /** Offsets the records got, in order. */
  offsets: number[];
  /** The partition's end offset right after the last record. */
  nextOffset: number;
}

const CHUNK = 500;

/** Produces `count` records to one partition (acks=all) and returns their offsets. */
export async function produce(cluster: ClusterRef, topic: string, opts: ProduceOptions): Promise<ProduceResult> {
  const producer = await producerFor(cluster);
  const prefix = opts.keyPrefix ?? 'k';
  const offsets: number[] = [];
  for (let start = 0; start < opts.count; start += CHUNK) {
    const n = Math.min(CHUNK, opts.count - start);
    const messages = Array.from({ length: n }, (_, j) => {
      const i = start + j;
      const text = `${prefix}-${i}`;
      const value = opts.valueBytes === undefined ? `value of ${text}` : Buffer.alloc(opts.valueBytes, i % 251);
      return { key: text, value, partition: opts.partition };
    });
    const meta = await producer.send({ topic, acks: -1, messages });
    const base = meta.find((m) => m.partition === opts.partition)?.baseOffset;
    if (base === undefined) throw new Error(`no offset returned producing to ${topic}-${opts.partition} on ${cluster.alias}`);
    for (let j = 0; j < n; j++) offsets.push(Number(base) + j);
  }
  const last = offsets[offsets.length - 1];
  return { topic, partition: opts.partition, offsets, nextOffset: last === undefined ? -1 : last + 1 };
}

export interface PartitionEnds {
  partition: number;
  /** High watermark. */
  end: number;
  /** Log-start offset. */
  start: number;
}

export async function endOffsets(cluster: ClusterRef, topic: string): Promise<PartitionEnds[]> {
  const rows = await (await adminFor(cluster)).fetchTopicOffsets(topic);
  return rows
    .map((r) => ({ partition: r.partition, end: Number(r.high), start: Number(r.low) }))
    .sort((a, b) => a.partition - b.partition);
}

/** Commits `offset` for a consumer group (the group must have no active members). */
export async function commitGroupOffsets(
  cluster: ClusterRef,
  group: string,
  topic: string,
  partition: number,
  offset: number,
): Promise<void> {
  await (await adminFor(cluster)).setOffsets({ groupId: group, topic, partitions: [{ partition, offset: String(offset) }] });
}

/** Committed offsets of a group on a topic (-1 where none). */
export async function groupOffsets(cluster: ClusterRef, group: string, topic: string): Promise<Map<number, number>> {
  const res = await (await adminFor(cluster)).fetchOffsets({ groupId: group, topics: [topic] });
  const out = new Map<number, number>();
  for (const t of res) for (const p of t.partitions) out.set(p.partition, Number(p.offset));
  return out;
}

export interface RawRecord {
  topic: string;
  partition: number;
  offset: number;
  /** Record timestamp, epoch ms. */
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
}

/**
 * Reads every record of a topic up to the end offsets it has when called, with a throwaway group
 * whose `__` prefix keeps MM2 (default groups.exclude) from replicating it. Nothing is committed.
 */
export async function readRecords(
  cluster: ClusterRef,
  topic: string,
  opts: {
    timeoutMs?: number;
    maxPerPartition?: number;
    /**
     * Per partition, the offset one past the last record to wait for, instead of the end offset:
     * on a transactional topic the end offset is a marker, which no consumer receives.
     */
    until?: Record<number, number>;
  } = {},
): Promise<RawRecord[]> {
  const ends = await endOffsets(cluster, topic);
  const want = opts.until
    ? new Map(Object.entries(opts.until).filter(([, end]) => end > 0).map(([p, end]) => [Number(p), end]))
    : new Map(ends.filter((e) => e.end > e.start).map((e) => [e.partition, e.end]));
  const records: RawRecord[] = [];
  if (want.size === 0) return records;
  const groupId = `__mw-harness-reader-${randomBytes(4).toString('hex')}`;
  const consumer = kafkaFor(cluster).kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1000 });
  const counts = new Map<number, number>();
  const timeoutMs = opts.timeoutMs ?? 30_000;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`reading ${topic} on ${cluster.alias}: not at end offsets after ${timeoutMs} ms`)),
        timeoutMs,
      );
      const check = (): void => {
        if (want.size === 0) {
          clearTimeout(timer);
          resolve();
        }
      };
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const offset = Number(message.offset);
            const end = want.get(partition);
            if (end === undefined) return;
            const n = (counts.get(partition) ?? 0) + 1;
            counts.set(partition, n);
            if (opts.maxPerPartition === undefined || n <= opts.maxPerPartition) {
              records.push({
                topic,
                partition,
                offset,
                timestamp: Number(message.timestamp),
                key: message.key,
                value: message.value,
              });
            }
            if (offset + 1 >= end) want.delete(partition);
            check();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await (await adminFor(cluster)).deleteGroups([groupId]).catch(() => undefined);
  }
  return records.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

/** Polls `probe` until it returns a value other than undefined/false; errors count as "not yet". */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  opts: WaitOptions = {},
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 250));
  }
}

export async function waitForTopic(cluster: ClusterRef, topic: string, opts: WaitOptions = {}): Promise<void> {
  await waitFor(`topic ${topic} on ${cluster.alias}`, async () => (await listTopics(cluster)).includes(topic), opts);
}

/** Waits until every partition's end offset is at least the given value (a number applies to all). */
export async function waitForEndOffsets(
  cluster: ClusterRef,
  topic: string,
  minimum: number | Record<number, number>,
  opts: WaitOptions = {},
): Promise<PartitionEnds[]> {
  return waitFor(`end offsets of ${topic} on ${cluster.alias} >= ${JSON.stringify(minimum)}`, async () => {
    const ends = await endOffsets(cluster, topic);
    const ok =
      typeof minimum === 'number'
        ? ends.length > 0 && ends.every((e) => e.end >= minimum)
        : Object.entries(minimum).every(([p, min]) => (ends.find((e) => e.partition === Number(p))?.end ?? -1) >= min);
    return ok ? ends : undefined;
  }, opts);
}

/** DeleteRecords: moves each partition's log start up to the given offset (kafka-delete-records.sh). */
export async function deleteRecords(cluster: ClusterRef, topic: string, upTo: Record<number, number>): Promise<void> {
  const partitions = Object.entries(upTo).map(([partition, offset]) => ({ partition: Number(partition), offset: String(offset) }));
  const admin = await adminFor(cluster);
  // kafkajs finds the leaders in its cached metadata, which may not know the topic yet.
  await admin.fetchTopicMetadata({ topics: [topic] });
  try {
    await admin.deleteTopicRecords({ topic, partitions });
  } catch (err) {
    const detail = (err as { partitions?: { partition: number; error?: Error }[] }).partitions?.map((p) => `${p.partition}: ${p.error?.message ?? '?'}`);
    throw new Error(`deleting records of ${topic} on ${cluster.alias} up to ${JSON.stringify(upTo)}: ${(err as Error).message} ${detail ? `(${detail.join('; ')})` : ''}`);
  }
}

export interface TransactionSpec {
  partition: number;
  count: number;
  /** Commit (default) or abort the transaction. */
  outcome?: 'commit' | 'abort';
  keyPrefix?: string;
}

/**
 * Writes each spec as one transaction of a transactional producer (one partition per transaction,
 * so each ends with exactly one commit or abort marker in that partition). Returns the offsets the
 * records got, per spec.
 */
export async function produceTransactions(cluster: ClusterRef, topic: string, specs: TransactionSpec[], transactionalId: string): Promise<number[][]> {
  const producer = kafkaFor(cluster).kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  const offsets: number[][] = [];
  try {
    for (const [i, spec] of specs.entries()) {
      const txn = await producer.transaction();
      const prefix = spec.keyPrefix ?? `txn-${i}`;
      const messages = Array.from({ length: spec.count }, (_, j) => ({ key: `${prefix}-${j}`, value: `value of ${prefix}-${j}`, partition: spec.partition }));
      try {
        const meta = await txn.send({ topic, acks: -1, messages });
        const base = Number(meta.find((m) => m.partition === spec.partition)?.baseOffset ?? -1);
        offsets.push(Array.from({ length: spec.count }, (_, j) => base + j));
      } catch (err) {
        await txn.abort().catch(() => undefined);
        throw err;
      }
      if (spec.outcome === 'abort') await txn.abort();
      else await txn.commit();
    }
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
  return offsets;
}
