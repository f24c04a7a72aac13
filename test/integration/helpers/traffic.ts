// A traffic generator for real-Kafka scenarios and the demo: a few records at a time into every
// partition of some topics, counted per partition so a test knows exactly what was produced.
import type { Producer } from 'kafkajs';
import { kafkaClient } from '../../harness/kafka.js';
import type { ClusterRef } from '../../harness/kafka.js';

export interface TrafficOptions {
  cluster: ClusterRef;
  topics: readonly string[];
  partitions: number;
  /** Pause between rounds, ms (default 250). */
  intervalMs?: number;
  /** Records per partition per round: a number, or a function of the round (bursts). Default 1. */
  perRound?: number | ((round: number) => number);
}

export interface Traffic {
  /** "topic/partition" -> records acknowledged so far. */
  readonly produced: ReadonlyMap<string, number>;
  readonly rounds: number;
  /** The first error that stopped the generator, if any. */
  readonly error: Error | null;
  /** Stops after the round in flight and disconnects; resolves with the final counts. */
  stop(): Promise<ReadonlyMap<string, number>>;
}

export async function startTraffic(opts: TrafficOptions): Promise<Traffic> {
  const producer: Producer = kafkaClient(opts.cluster).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const produced = new Map<string, number>();
  const intervalMs = opts.intervalMs ?? 250;
  const perRound = typeof opts.perRound === 'function' ? opts.perRound : () => (opts.perRound as number | undefined) ?? 1;
  let rounds = 0;
  let error: Error | null = null;
  let running = true;
  let wake: (() => void) | null = null;

  const loop = (async () => {
    while (running) {
      const n = perRound(rounds);
      if (n > 0) {
        const topicMessages = opts.topics.map((topic) => ({
          topic,
          messages: Array.from({ length: opts.partitions * n }, (_, i) => ({
            partition: i % opts.partitions,
            key: `r${rounds}-${i}`,
            value: `traffic round ${rounds} record ${i} at ${new Date().toISOString()}`,
          })),
        }));
        try {
          await producer.sendBatch({ acks: -1, topicMessages });
        } catch (err) {
          error = err instanceof Error ? err : new Error(String(err));
          break;
        }
        for (const topic of opts.topics) {
          for (let p = 0; p < opts.partitions; p++) produced.set(`${topic}/${p}`, (produced.get(`${topic}/${p}`) ?? 0) + n);
        }
      }
      rounds++;
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, intervalMs);
      });
      wake = null;
    }
  })();

  return {
    produced,
    get rounds() {
      return rounds;
    },
    get error() {
      return error;
    },
    async stop() {
      running = false;
      (wake as (() => void) | null)?.();
      await loop;
      await producer.disconnect().catch(() => undefined);
      return produced;
    },
  };
}
