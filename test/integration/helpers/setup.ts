// vitest glue for the core scenarios: a failing test prints where every log is, and afterAll stops
// mirrorwatch first (so it does not log the brokers going away), then MM2 and the brokers.
import { afterAll, beforeEach } from 'vitest';
import { startCluster, stopAll } from '../../harness/kafka.js';
import type { KafkaCluster } from '../../harness/kafka.js';
import { stopAllMirrorwatch } from './mirrorwatch.js';
import { failureHint } from './wait.js';

/** Call once at the top of a test file that uses real Kafka and mirrorwatch. */
export function useIntegrationHarness(): void {
  beforeEach(({ onTestFailed }) => {
    onTestFailed(() => {
      console.error(failureHint());
    });
  });
  afterAll(async () => {
    await stopAllMirrorwatch();
    await stopAll();
  });
}

/** us-east and us-west, started in parallel (Kafka version from $KAFKA_VERSION, default 4.4.0). */
export async function startEastWest(): Promise<[KafkaCluster, KafkaCluster]> {
  const [east, west] = await Promise.all([startCluster({ alias: 'us-east' }), startCluster({ alias: 'us-west' })]);
  return [east, west];
}
