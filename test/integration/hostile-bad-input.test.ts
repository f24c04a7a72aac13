// Issue 6, item 4: bad records in MM2's topics, written with a plain producer next to MM2's own.
// Garbage, truncated and wrong-version records go into `heartbeats` on us-east (which MM2 copies
// to `us-east.heartbeats` on us-west as they are), `us-east.heartbeats` and
// `us-east.checkpoints.internal` on us-west, and the offset-sync topic on us-east. Each must be
// counted in mirrorwatch_decode_errors_total{cluster,topic}, logged once per kind, and leave the
// figures from good records as they were: exact lag, fresh heartbeat, the group's checkpoint.
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeCheckpoint, decodeHeartbeat, decodeOffsetSync, encodeCheckpoint, encodeHeartbeat, encodeOffsetSync } from '../../src/core/codecs/index.js';
import { commitGroupOffsets, createTopic, kafkaClient, produce, startCluster, startMirrorMaker, waitForTopic } from '../harness/kafka.js';
import type { KafkaCluster } from '../harness/kafka.js';
import { gauge, readFlow, scrapeMetrics, summary, tp } from './helpers/figures.js';
import type { FlowFigures } from './helpers/figures.js';
import { startWatch, useHostileHarness } from './helpers/hostile.js';
import type { Watch } from './helpers/hostile.js';
import { fail, pass, waitUntil } from './helpers/wait.js';

useHostileHarness();

const EAST = 'us-east';
const WEST = 'us-west';
const TOPIC = 'orders';
const GROUP = 'billing';
const COUNTS = [12, 7];
const COMMITTED = 12;

let east: KafkaCluster;
let west: KafkaCluster;
let mw: Watch;
const produced = [...COUNTS];

interface Bad {
  label: string;
  key: Buffer | null;
  value: Buffer | null;
}

const now = Date.now();
// A heartbeat from the future in a version mirrorwatch does not know: taken for good, it would
// make the heartbeat look fresh forever.
const FUTURE = now + 365 * 86_400_000;
const hb = encodeHeartbeat({ sourceClusterAlias: WEST, targetClusterAlias: EAST, timestamp: FUTURE });
const ck = encodeCheckpoint({ group: GROUP, topic: `${EAST}.${TOPIC}`, partition: 0, upstreamOffset: 999, downstreamOffset: 999, metadata: '' });
const os = encodeOffsetSync({ topic: TOPIC, partition: 0, upstreamOffset: 5, downstreamOffset: 5 });

const BAD = {
  heartbeat: [
    { label: 'garbage', key: Buffer.from('garbage!'), value: Buffer.from([0xde, 0xad, 0xbe, 0xef]) },
    { label: 'truncated', key: hb.key, value: hb.value.subarray(0, 5) },
    { label: 'wrong version', key: hb.key, value: encodeHeartbeat({ sourceClusterAlias: WEST, targetClusterAlias: EAST, timestamp: FUTURE }, 7).value },
  ],
  checkpoint: [
    { label: 'garbage', key: Buffer.from([0xff, 0xff, 0x00]), value: Buffer.from('not a checkpoint at all') },
    { label: 'truncated', key: ck.key, value: ck.value.subarray(0, 11) },
    { label: 'wrong version', key: ck.key, value: encodeCheckpoint({ group: GROUP, topic: `${EAST}.${TOPIC}`, partition: 0, upstreamOffset: 999, downstreamOffset: 999, metadata: '' }, 3).value },
  ],
  offsetSync: [
    { label: 'garbage', key: Buffer.from('x'), value: Buffer.from('nonsense') },
    { label: 'truncated', key: os.key, value: os.value.subarray(0, 9) },
    { label: 'trailing bytes', key: os.key, value: Buffer.concat([os.value, Buffer.from([1, 2, 3])]) },
  ],
} satisfies Record<string, Bad[]>;

type Decoder = (k: Buffer | null, v: Buffer | null) => { ok: true } | { ok: false; error: { kind: string } };

/** The error kinds the decoder itself gives these records (none may decode). */
function kindsOf(bad: Bad[], decode: Decoder): string[] {
  return bad.map((b) => {
    const r = decode(b.key, b.value);
    if (r.ok) throw new Error(`test record "${b.label}" decodes fine`);
    return r.error.kind;
  });
}

async function write(cluster: KafkaCluster, topic: string, bad: Bad[]): Promise<void> {
  const producer = kafkaClient(cluster).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: bad.map((b) => ({ key: b.key, value: b.value, partition: 0 })) });
  } finally {
    await producer.disconnect();
  }
}

function decodeErrors(f: { exposition: FlowFigures['exposition'] }, cluster: string, topic: string): number {
  return gauge(f.exposition, 'mirrorwatch_decode_errors_total', { cluster, topic }) ?? 0;
}

/** Lag 0 at the current source ends, fresh heartbeat, the group's checkpoint at COMMITTED. */
function healthy(f: FlowFigures): boolean {
  const group = f.detail.checkpoints.find((c) => c.group === GROUP);
  return (
    COUNTS.every((_, p) => f.metricLag[tp(TOPIC, p)] === 0 && f.sourceEnd[tp(TOPIC, p)] === produced[p]) &&
    f.heartbeatAgeMetric !== undefined &&
    f.heartbeatAgeMetric >= 0 &&
    f.heartbeatAgeMetric < 3 &&
    group?.partitions.find((p) => p.topic === TOPIC && p.partition === 0)?.upstreamOffset === COMMITTED
  );
}

beforeAll(async () => {
  [east, west] = await Promise.all([startCluster({ alias: EAST }), startCluster({ alias: WEST })]);
  await createTopic(east, TOPIC, COUNTS.length);
  for (const [p, n] of COUNTS.entries()) await produce(east, TOPIC, { partition: p, count: n });
  await commitGroupOffsets(east, GROUP, TOPIC, 0, COMMITTED);
  await startMirrorMaker({ clusters: [east, west], flows: [{ source: EAST, target: WEST, topics: TOPIC }] });
  await waitForTopic(west, `${EAST}.${TOPIC}`, { timeoutMs: 60_000 });
  mw = await startWatch({
    name: 'bad-input',
    yaml: [
      'clusters:',
      `  - { alias: ${EAST}, bootstrapServers: "${east.bootstrap}", connectionTimeout: 500ms, requestTimeout: 600ms }`,
      `  - { alias: ${WEST}, bootstrapServers: "${west.bootstrap}", connectionTimeout: 500ms, requestTimeout: 600ms }`,
      'flows:',
      `  - { source: ${EAST}, target: ${WEST}, topics: [${TOPIC}], groups: [${GROUP}] }`,
      'poll: { interval: 1s, timeout: 800ms }',
      'http: { host: 127.0.0.1, port: 0 }',
    ].join('\n'),
  });
  await waitUntil(
    'lag 0, a fresh heartbeat and the checkpoint of billing',
    async () => {
      const f = await readFlow(mw.url, EAST, WEST, [TOPIC]);
      return healthy(f) ? pass(f) : fail(summary(f));
    },
    { timeoutMs: 90_000, intervalMs: 500 },
  );
});

describe('bad records in MM2 topics (issue 6 item 4)', () => {
  it('are counted per topic, logged once per kind, and change no figure', async () => {
    const heartbeatKinds = kindsOf(BAD.heartbeat, decodeHeartbeat);
    const checkpointKinds = kindsOf(BAD.checkpoint, decodeCheckpoint);
    const syncKinds = kindsOf(BAD.offsetSync, decodeOffsetSync);
    const HB = `${EAST}.heartbeats`;
    const CK = `${EAST}.checkpoints.internal`;
    const OS = `mm2-offset-syncs.${WEST}.internal`;
    const before = await scrapeMetrics(mw.url);
    expect(decodeErrors(before, WEST, HB) + decodeErrors(before, WEST, CK) + decodeErrors(before, EAST, OS)).toBe(0);

    // Two rounds: the counter counts every record, the log says each kind once.
    for (let round = 1; round <= 2; round++) {
      const writtenAt = Date.now();
      await write(east, 'heartbeats', BAD.heartbeat); // copied by MM2 to us-east.heartbeats on us-west
      await write(west, HB, BAD.heartbeat);
      await write(west, CK, BAD.checkpoint);
      await write(east, OS, BAD.offsetSync);
      const expected: Record<string, number> = { [HB]: 2 * BAD.heartbeat.length * round, [CK]: BAD.checkpoint.length * round, [OS]: BAD.offsetSync.length * round };
      await waitUntil(
        `round ${round}: every bad record counted`,
        async () => {
          const s = await scrapeMetrics(mw.url);
          const seen: Record<string, number> = { [HB]: decodeErrors(s, WEST, HB), [CK]: decodeErrors(s, WEST, CK), [OS]: decodeErrors(s, EAST, OS) };
          return Object.entries(expected).every(([t, n]) => seen[t] === n) ? pass(seen) : fail({ seen, expected });
        },
        { timeoutMs: 30_000, intervalMs: 250 },
      );
      console.log(`[hostile-bad-input] round ${round}: ${Object.values(expected).reduce((a, b) => a + b, 0)} bad records counted within ${Date.now() - writtenAt} ms of writing them`);
    }

    // Figures from the good records: lag exact (also for records produced now), heartbeat fresh
    // (the future-dated wrong-version heartbeat ignored), the group's checkpoint unchanged.
    for (let p = 0; p < COUNTS.length; p++) {
      await produce(east, TOPIC, { partition: p, count: 5, keyPrefix: 'after' });
      produced[p]! += 5;
    }
    const after = await waitUntil(
      'lag 0 at the new source ends, a fresh heartbeat, the checkpoint of billing',
      async () => {
        const f = await readFlow(mw.url, EAST, WEST, [TOPIC]);
        return healthy(f) ? pass(f) : fail(summary(f));
      },
      { timeoutMs: 60_000, intervalMs: 250, stableFor: 3 },
    );
    expect(after.detail.heartbeat.lastTimestampMs).toBeLessThan(Date.now() + 1000);
    expect(after.detail.checkpoints.find((c) => c.group === GROUP)?.partitions.find((p) => p.partition === 0)?.upstreamOffset).toBe(COMMITTED);

    // One warning per (cluster, topic, kind), whatever the number of records.
    const skipped = mw.logLines().filter((l) => l.level === 40 && l.msg.startsWith('skipping undecodable record'));
    const byTopic = (cluster: string, topic: string) => skipped.filter((l) => l.cluster === cluster && l.topic === topic).map((l) => String(l.kind)).sort();
    expect(byTopic(WEST, HB)).toEqual([...new Set(heartbeatKinds)].sort());
    expect(byTopic(WEST, CK)).toEqual([...new Set(checkpointKinds)].sort());
    expect(byTopic(EAST, OS)).toEqual([...new Set(syncKinds)].sort());
    expect(skipped).toHaveLength(new Set([...heartbeatKinds]).size + new Set(checkpointKinds).size + new Set(syncKinds).size);
    for (const l of skipped) expect(l.msg).toMatch(/further .* errors on this topic are only counted/);
    console.log(`[hostile-bad-input] kinds logged once each: ${skipped.map((l) => `${l.cluster}/${l.topic}: ${l.kind}`).join('; ')}`);
  });
});
