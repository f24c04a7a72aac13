// Grows the benchmark's topic set on the harness clusters: plain topics on the source and their
// MM2-style copies (`<source>.<topic>`) on the target, so that each cluster holds the same number
// of partitions and the flow reads both sides.
import { Kafka, logLevel } from 'kafkajs';
import type { Admin } from 'kafkajs';
import type { ClusterRef } from '../../test/harness/kafka.js';

export const TOPIC_PREFIX = 'bench-';

export interface TopicSpec {
  name: string;
  partitions: number;
}

/** `bench-00042`: fixed width so names sort in creation order. */
export function benchTopicName(index: number): string {
  return TOPIC_PREFIX + String(index).padStart(5, '0');
}

/**
 * Topics to add so that the bench topics hold `target` partitions when `have` exist already in
 * `existingTopics` topics: full topics of `perTopic` partitions, the last one smaller if needed.
 */
export function planTopics(have: number, existingTopics: number, target: number, perTopic: number): TopicSpec[] {
  if (!Number.isInteger(perTopic) || perTopic < 1) throw new Error(`partitions per topic must be a positive integer, got ${perTopic}`);
  const out: TopicSpec[] = [];
  let missing = Math.max(0, target - have);
  let index = existingTopics;
  while (missing > 0) {
    const partitions = Math.min(perTopic, missing);
    out.push({ name: benchTopicName(index++), partitions });
    missing -= partitions;
  }
  return out;
}

/** Splits `items` into consecutive batches of at most `size`. */
export function batches<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new Error(`batch size must be a positive integer, got ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A kafkajs client with timeouts fit for creating thousands of partitions on a busy machine. */
export function benchKafka(cluster: ClusterRef): Kafka {
  return new Kafka({
    clientId: `mw-bench-${cluster.alias}`,
    brokers: [cluster.bootstrap],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 5000,
    requestTimeout: 120_000,
    retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 5000 },
  });
}

export async function benchAdmin(cluster: ClusterRef): Promise<Admin> {
  const admin = benchKafka(cluster).admin();
  await admin.connect();
  return admin;
}

/**
 * Creates `topics` in batches of `batchSize` per CreateTopics request, calling `progress` with the
 * partitions created so far. Leaders are not awaited here: the monitor's warm-up polls wait until
 * every partition answers.
 */
export async function createTopics(
  admin: Admin,
  topics: readonly TopicSpec[],
  batchSize: number,
  progress: (createdPartitions: number) => void,
): Promise<void> {
  let created = 0;
  for (const batch of batches(topics, batchSize)) {
    await admin.createTopics({
      waitForLeaders: false,
      timeout: 120_000,
      topics: batch.map((t) => ({ topic: t.name, numPartitions: t.partitions, replicationFactor: 1 })),
    });
    created += batch.reduce((n, t) => n + t.partitions, 0);
    progress(created);
  }
}

/** Writes `perPartition` small records to every partition of `topics`, a few hundred topics per request. */
export async function fillPartitions(cluster: ClusterRef, topics: readonly TopicSpec[], perPartition: number, progress: (topicsDone: number) => void): Promise<void> {
  if (perPartition <= 0 || topics.length === 0) return;
  const producer = benchKafka(cluster).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    let done = 0;
    const deadline = Date.now() + 15 * 60_000;
    for (const batch of batches(topics, 200)) {
      const send = () =>
        producer.sendBatch({
          acks: 1,
          topicMessages: batch.map((t) => ({
            topic: t.name,
            messages: Array.from({ length: t.partitions * perPartition }, (_, i) => ({ partition: i % t.partitions, value: 'mirrorwatch bench' })),
          })),
        });
      // A broker is named leader in the metadata before it has created thousands of new logs, and
      // answers NOT_LEADER until then; kafkajs's own retries run out before that on two cores.
      // A retried batch may write some records twice: the bench needs lag, not exact counts.
      for (;;) {
        try {
          await send();
          break;
        } catch (err) {
          if (Date.now() > deadline) throw err;
          await new Promise((r) => setTimeout(r, 2000));
        }
      }
      done += batch.length;
      progress(done);
    }
  } finally {
    await producer.disconnect();
  }
}

/** Commits an offset for each group (groups with no members; nothing consumes). */
export async function commitGroups(admin: Admin, groups: readonly string[], topic: string, offset: number): Promise<void> {
  for (const groupId of groups) await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: String(offset) }] });
}
