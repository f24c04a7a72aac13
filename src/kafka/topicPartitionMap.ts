// A map keyed by (topic, partition) without building a string key per entry: at 20,000 partitions
// per poll the string keys cost more than the requests.
import type { TopicPartition } from '../core/types.js';

export class TopicPartitionMap<V> {
  private readonly byTopic = new Map<string, Map<number, V>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(tp: TopicPartition): V | undefined {
    return this.byTopic.get(tp.topic)?.get(tp.partition);
  }

  has(tp: TopicPartition): boolean {
    return this.byTopic.get(tp.topic)?.has(tp.partition) ?? false;
  }

  set(tp: TopicPartition, value: V): this {
    return this.put(tp.topic, tp.partition, value);
  }

  put(topic: string, partition: number, value: V): this {
    let partitions = this.byTopic.get(topic);
    if (!partitions) this.byTopic.set(topic, (partitions = new Map()));
    if (!partitions.has(partition)) this.count++;
    partitions.set(partition, value);
    return this;
  }
}

/** The items with duplicates (same topic and partition) removed, first occurrence kept. */
export function distinct<T extends TopicPartition>(items: readonly T[]): T[] {
  const seen = new TopicPartitionMap<true>();
  const out: T[] = [];
  for (const item of items) {
    if (seen.has(item)) continue;
    seen.set(item, true);
    out.push(item);
  }
  return out;
}
