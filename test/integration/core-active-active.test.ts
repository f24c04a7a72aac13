// Core scenario d of issue 2: active-active (MM2 replicates us-east -> us-west and us-west ->
// us-east). Both flows must be reported, and the copies MM2 makes (us-west.orders on us-east) must
// never be taken for source topics of the reverse flow. Kafka from $KAFKA_VERSION (default 4.4.0).
import { beforeAll, describe, expect, it } from 'vitest';
import { createTopic, produce, startMirrorMaker } from '../harness/kafka.js';
import type { KafkaCluster } from '../harness/kafka.js';
import { getJson, readFlow, sameFigures, select, summary, tp } from './helpers/figures.js';
import type { FlowFigures, FlowsResponse } from './helpers/figures.js';
import { startMirrorwatch } from './helpers/mirrorwatch.js';
import type { RunningMirrorwatch } from './helpers/mirrorwatch.js';
import { startEastWest, useIntegrationHarness } from './helpers/setup.js';
import { fail, pass, waitUntil } from './helpers/wait.js';

useIntegrationHarness();

const PARTITIONS = 2;
// `orders` exists on both sides (the classic active-active case); the others on one side only.
// Counts differ per cluster, topic and partition so figures cannot be confused between flows.
const PRODUCED: Record<string, Record<string, number>> = {
  'us-east': { [tp('orders', 0)]: 3, [tp('orders', 1)]: 5, [tp('payments', 0)]: 7, [tp('payments', 1)]: 2 },
  'us-west': { [tp('orders', 0)]: 4, [tp('orders', 1)]: 6, [tp('inventory', 0)]: 8, [tp('inventory', 1)]: 1 },
};
const DATA_TOPICS: Record<string, string[]> = { 'us-east': ['orders', 'payments'], 'us-west': ['inventory', 'orders'] };
// The data MM2 replicates from each cluster: its own topics, never the copies MM2 made there
// (us-west.orders, us-west.heartbeats on us-east) nor MM2's internal topics. MM2 also copies the
// `heartbeats` topic; mirrorwatch reports that as heartbeat age, not as a data topic.
const SOURCE_TOPICS: Record<string, string[]> = {
  'us-east': ['orders', 'payments'],
  'us-west': ['inventory', 'orders'],
};
const FLOWS = [
  { source: 'us-east', target: 'us-west' },
  { source: 'us-west', target: 'us-east' },
] as const;

let clusters: Record<string, KafkaCluster>;
let mw: RunningMirrorwatch;

const zeros = (keys: readonly string[]): Record<string, number> => Object.fromEntries(keys.map((k) => [k, 0]));

beforeAll(async () => {
  const [east, west] = await startEastWest();
  clusters = { 'us-east': east, 'us-west': west };
  for (const [alias, produced] of Object.entries(PRODUCED)) {
    const cluster = clusters[alias]!;
    for (const topic of DATA_TOPICS[alias] ?? []) await createTopic(cluster, topic, PARTITIONS);
    for (const [key, count] of Object.entries(produced)) {
      const [topic = '', p = '0'] = key.split('/');
      await produce(cluster, topic, { partition: Number(p), count, keyPrefix: `${alias}-${key}` });
    }
  }
  await startMirrorMaker({ clusters: [east, west], flows: [...FLOWS] });
  mw = await startMirrorwatch({ clusters: [east, west], flows: [...FLOWS] });
});

describe('active-active us-east <-> us-west (scenario d)', () => {
  it('reports both flows, each with its own source topics only and exact lag 0 once MM2 has copied everything', async () => {
    const settled: Record<string, FlowFigures> = {};
    for (const { source, target } of FLOWS) {
      const dataTopics = DATA_TOPICS[source] ?? [];
      const expectedEnds = PRODUCED[source] ?? {};
      settled[`${source}->${target}`] = await waitUntil(
        `flow ${source}->${target}: every copy present, lag 0, heartbeats seen, reverse copies present on ${source}`,
        async () => {
          const f = await readFlow(mw.url, source, target);
          const data = await readFlow(mw.url, source, target, dataTopics);
          // The reverse flow's copies must exist on this flow's source, or the check below proves nothing.
          const reverseCopies = select(f.exposition, 'mm2_partition_end_offset', { cluster: source }).map((s) => s.labels.topic);
          const ok =
            sameFigures(data.metricLag, zeros(Object.keys(expectedEnds))) &&
            sameFigures(data.apiLag, zeros(Object.keys(expectedEnds))) &&
            sameFigures(data.sourceEnd, expectedEnds) &&
            dataTopics.every((t) => data.remoteMissing[t] === 0) &&
            f.heartbeatAgeMetric !== undefined &&
            (DATA_TOPICS[target] ?? []).every((t) => reverseCopies.includes(`${target}.${t}`));
          return ok ? pass(f) : fail({ ...summary(data), allTopics: f.apiTopics, topicsReadOnSource: reverseCopies });
        },
        { timeoutMs: 120_000 },
      );
    }

    for (const { source, target } of FLOWS) {
      const f = settled[`${source}->${target}`]!;
      // Exactly the topics MM2 replicates from the source: no `us-west.orders` for us-east->us-west.
      expect(f.apiTopics, `source topics of ${source}->${target}`).toEqual(SOURCE_TOPICS[source]);
      expect(f.metricTopics, `topics in /metrics for ${source}->${target}`).toEqual(SOURCE_TOPICS[source]);
      for (const topic of f.apiTopics) expect(topic.startsWith(`${target}.`)).toBe(false);
      // Remote topic names in the API are the copies on the target.
      expect(f.detail.topics.map((t) => t.remoteTopic).sort()).toEqual((SOURCE_TOPICS[source] ?? []).map((t) => `${source}.${t}`));
      expect(f.detail.topics.every((t) => !t.remoteMissing && t.partitionsMissing === 0)).toBe(true);
    }

    const { status, body } = await getJson<FlowsResponse>(mw.url, '/api/v1/flows');
    expect(status).toBe(200);
    expect(body.flows.map((f) => `${f.source}->${f.target}`).sort()).toEqual(['us-east->us-west', 'us-west->us-east']);
    expect(body.clusters.map((c) => [c.alias, c.up]).sort()).toEqual([
      ['us-east', true],
      ['us-west', true],
    ]);
    const exposition = settled['us-east->us-west']!.exposition;
    expect(select(exposition, 'mm2_flow_failover_ready').map((s) => `${s.labels.source}->${s.labels.target}`).sort()).toEqual([
      'us-east->us-west',
      'us-west->us-east',
    ]);
  });
});
