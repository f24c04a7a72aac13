// MM2's own topics written compressed with every codec Kafka producers use, on real brokers and a
// real MM2, read by mirrorwatch: through MM2's producer settings (source side: the offset-syncs
// producer; target side: the Connect worker's producer, which writes the copied heartbeats, the
// checkpoints and the Connect offsets) and through topic-level compression.type, which makes the
// broker recompress. Each phase checks on the broker's own log segments that the newest batches of
// those topics really carry the codec (a pass with nothing compressed would prove nothing), then
// that mirrorwatch's figures are exact: heartbeat fresh, lag exact on basis offset-sync,
// checkpoints present, no decode or tail error.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitGroupOffsets, createTopic, kafkaClient, produce, startMirrorMaker } from '../harness/kafka.js';
import type { KafkaCluster, MirrorMaker } from '../harness/kafka.js';
import { readFlow, select, tp } from './helpers/figures.js';
import type { FlowFigures } from './helpers/figures.js';
import { startMirrorwatch } from './helpers/mirrorwatch.js';
import type { RunningMirrorwatch } from './helpers/mirrorwatch.js';
import { startEastWest, useIntegrationHarness } from './helpers/setup.js';
import { fail, pass, waitUntil } from './helpers/wait.js';

useIntegrationHarness();

const SOURCE = 'us-east';
const TARGET = 'us-west';
const TOPIC = 'orders';
const PARTITIONS = 3;
const GROUP = 'billing';
const CODEC_IDS: Record<string, number> = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 };

// MM2's topics in this set-up (default policy, offset syncs on the source). The target side's
// producer setting governs the task producers (copied heartbeats, checkpoints); the Connect worker's
// offset store (mm2-offsets.*) has a producer of its own, so it is compressed here only by the
// topic-level setting.
const OFFSET_SYNCS = { cluster: 'source', topic: `mm2-offset-syncs.${TARGET}.internal` } as const;
const TASK_TOPICS = [`${SOURCE}.heartbeats`, `${SOURCE}.checkpoints.internal`];
const TARGET_TOPICS = [...TASK_TOPICS, `mm2-offsets.${SOURCE}.internal`];

let east: KafkaCluster;
let west: KafkaCluster;
let mm: MirrorMaker | null = null;
let mw: RunningMirrorwatch;
const produced: Record<string, number> = {};
const figuresTable: string[] = [];

/** Codec ids of every batch in the newest segment of each partition of `topic`, in log order. */
function segmentCodecs(cluster: KafkaCluster, topic: string): number[] {
  const dataDir = join(cluster.dir, 'data');
  const ids: number[] = [];
  for (const dir of readdirSync(dataDir).filter((d) => d.startsWith(`${topic}-`) && /-\d+$/.test(d))) {
    const segments = readdirSync(join(dataDir, dir))
      .filter((f) => f.endsWith('.log'))
      .sort();
    const newest = segments[segments.length - 1];
    if (!newest) continue;
    const data = readFileSync(join(dataDir, dir, newest));
    for (let pos = 0; pos + 23 <= data.length; ) {
      const length = data.readInt32BE(pos + 8);
      if (pos + 12 + length > data.length) break;
      const attributes = data.readInt16BE(pos + 21);
      // Control batches (transaction markers) are never compressed; they say nothing about codecs.
      if ((attributes & 0x20) === 0) ids.push(attributes & 0x07);
      pos += 12 + length;
    }
  }
  return ids;
}

/** Waits until the last batch written to each topic carries the codec. */
async function expectNewestBatches(cluster: KafkaCluster, topics: string[], codec: string): Promise<void> {
  for (const topic of topics) {
    await waitUntil(
      `newest batch of ${topic} on ${cluster.alias} compressed with ${codec}`,
      () => {
        const ids = segmentCodecs(cluster, topic);
        return ids.length > 0 && ids[ids.length - 1] === CODEC_IDS[codec] ? pass(ids.length) : fail({ codecsInLog: ids.slice(-8) });
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
  }
}

async function produceRound(count: (p: number) => number): Promise<void> {
  for (let p = 0; p < PARTITIONS; p++) {
    const n = count(p);
    await produce(east, TOPIC, { partition: p, count: n });
    produced[tp(TOPIC, p)] = (produced[tp(TOPIC, p)] ?? 0) + n;
  }
}

/** Exact lag 0 on basis offset-sync for every partition, heartbeat fresh, the group's checkpoints present, no read errors. */
async function expectExactFigures(label: string): Promise<FlowFigures> {
  const f = await waitUntil(
    `${label}: lag 0 on basis offset-sync everywhere, heartbeat fresh, checkpoints of ${GROUP} current`,
    async () => {
      const flow = await readFlow(mw.url, SOURCE, TARGET, [TOPIC]);
      const partitions = flow.detail.topics.flatMap((t) => t.partitions);
      const caughtUp = partitions.length === PARTITIONS && partitions.every((p) => p.lagRecords === 0 && p.basis === 'offset-sync' && p.sourceEnd === produced[tp(TOPIC, p.partition)]);
      const heartbeatFresh = flow.heartbeatAgeApi !== null && flow.heartbeatAgeApi < 5;
      const group = flow.detail.checkpoints.find((c) => c.group === GROUP);
      const checkpointed = group !== undefined && group.partitions.length === PARTITIONS && group.partitions.every((c) => c.upstreamOffset === produced[tp(TOPIC, c.partition)]);
      return caughtUp && heartbeatFresh && checkpointed
        ? pass(flow)
        : fail({ lag: flow.apiLag, basis: flow.basis, sourceEnd: flow.sourceEnd, produced, heartbeatAge: flow.heartbeatAgeApi, checkpoints: group?.partitions });
    },
    { timeoutMs: 120_000, intervalMs: 500 },
  );
  const errors = [
    ...select(f.exposition, 'mirrorwatch_decode_errors_total'),
    ...select(f.exposition, 'mirrorwatch_tail_errors_total'),
    ...select(f.exposition, 'mirrorwatch_tail_stuck'),
  ].filter((s) => s.value > 0);
  expect(errors, `${label}: decode or tail errors`).toEqual([]);
  expect(f.detail.blind ?? [], `${label}: blind spots`).toEqual([]);
  return f;
}

/** Commits the group's position at the current end, so MM2 writes new checkpoints for it. */
async function commitGroupAtEnd(): Promise<void> {
  for (let p = 0; p < PARTITIONS; p++) await commitGroupOffsets(east, GROUP, TOPIC, p, produced[tp(TOPIC, p)] ?? 0);
}

async function runMm2(extraProps: Record<string, string>): Promise<void> {
  if (mm) await mm.stop();
  mm = await startMirrorMaker({ clusters: [east, west], flows: [{ source: SOURCE, target: TARGET }], extraProps });
}

/**
 * AlterConfigs (kafkajs has no incremental variant) replaces a topic's whole dynamic config: the
 * topic's own entries (MM2's cleanup.policy=compact, which Connect insists on) are sent again.
 */
async function setTopicCompression(cluster: KafkaCluster, topics: string[], codec: string): Promise<void> {
  const admin = kafkaClient(cluster).admin();
  await admin.connect();
  try {
    const TOPIC_TYPE = 2;
    const TOPIC_CONFIG_SOURCE = 1; // DYNAMIC_TOPIC_CONFIG
    const described = await admin.describeConfigs({ includeSynonyms: false, resources: topics.map((name) => ({ type: TOPIC_TYPE, name })) });
    await admin.alterConfigs({
      validateOnly: false,
      resources: described.resources.map((r) => ({
        type: TOPIC_TYPE,
        name: r.resourceName,
        configEntries: [
          ...r.configEntries.filter((e) => e.configSource === TOPIC_CONFIG_SOURCE && e.configName !== 'compression.type').map((e) => ({ name: e.configName, value: e.configValue })),
          { name: 'compression.type', value: codec },
        ],
      })),
    });
  } finally {
    await admin.disconnect();
  }
}

function note(phase: string, side: string, codec: string, f: FlowFigures): void {
  const bases = [...new Set(Object.values(f.basis))].join(',');
  figuresTable.push(`${phase.padEnd(22)} ${side.padEnd(32)} ${codec.padEnd(7)} heartbeat age ${String(f.heartbeatAgeApi?.toFixed(2)).padStart(5)} s, lag basis ${bases}`);
}

beforeAll(async () => {
  [east, west] = await startEastWest();
  await createTopic(east, TOPIC, PARTITIONS);
  await produceRound((p) => 5 + p);
  await commitGroupAtEnd();
  mw = await startMirrorwatch({ clusters: [east, west], flows: [{ source: SOURCE, target: TARGET }] });
});

afterAll(() => {
  if (figuresTable.length > 0) console.log(['compression figures:', ...figuresTable].join('\n'));
});

describe('MM2 topics compressed with every codec', () => {
  const producerPhases: [string, string][] = [
    ['snappy', 'lz4'],
    ['zstd', 'gzip'],
  ];
  for (const [sourceCodec, targetCodec] of producerPhases) {
    it(`producer settings: source side ${sourceCodec}, target side ${targetCodec}`, async () => {
      await runMm2({ [`${SOURCE}.producer.compression.type`]: sourceCodec, [`${TARGET}.producer.compression.type`]: targetCodec });
      await produceRound((p) => 7 + 3 * p);
      await commitGroupAtEnd();
      await expectNewestBatches(east, [OFFSET_SYNCS.topic], sourceCodec);
      await expectNewestBatches(west, TASK_TOPICS, targetCodec);
      const f = await expectExactFigures(`producers ${sourceCodec}/${targetCodec}`);
      note('producer setting', `${SOURCE}.producer (offset syncs)`, sourceCodec, f);
      note('producer setting', `${TARGET}.producer (heartbeats, ...)`, targetCodec, f);
    });
  }

  it('topic-level compression.type: the brokers recompress what uncompressed producers send', async () => {
    await setTopicCompression(east, [OFFSET_SYNCS.topic], 'lz4');
    // MM2 keeps a remote topic's config in sync with its source topic's (sync.topic.configs), so
    // us-east.heartbeats takes its compression.type from us-east's heartbeats topic; MM2's internal
    // topics on the target are set directly.
    await setTopicCompression(east, ['heartbeats'], 'snappy');
    await setTopicCompression(west, TARGET_TOPICS.filter((t) => t !== `${SOURCE}.heartbeats`), 'snappy');
    await runMm2({ [`${SOURCE}.producer.compression.type`]: 'none', [`${TARGET}.producer.compression.type`]: 'none' });
    await produceRound((p) => 4 + 2 * p);
    await commitGroupAtEnd();
    await expectNewestBatches(east, [OFFSET_SYNCS.topic], 'lz4');
    await expectNewestBatches(west, TARGET_TOPICS, 'snappy');
    const f = await expectExactFigures('topic-level lz4/snappy');
    note('topic compression.type', `${OFFSET_SYNCS.topic}`, 'lz4', f);
    note('topic compression.type', `${TARGET} MM2 topics`, 'snappy', f);
  });
});
