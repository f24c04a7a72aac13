// The harness itself, against real Kafka and MM2 ($KAFKA_VERSION): what every other integration
// test relies on, including the MM2 behaviour docs/design.md describe.
import { readFileSync } from 'node:fs';
import { ConfigResourceTypes } from 'kafkajs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  commitGroupOffsets,
  createTopic,
  endOffsets,
  groupOffsets,
  kafkaClient,
  listTopics,
  produce,
  readRecords,
  startCluster,
  startMirrorMaker,
  waitFor,
  waitForEndOffsets,
  waitForTopic,
} from '../harness/kafka.js';
import type { KafkaCluster, MirrorMaker, RawRecord } from '../harness/kafka.js';
import { useKafkaHarness } from '../harness/vitest.js';

useKafkaHarness();

// Different counts per partition, so a mix-up between partitions shows.
const PRODUCED = [5, 7, 11] as const;

let east: KafkaCluster;
let west: KafkaCluster;
let mm: MirrorMaker;

// Minimal readers of MM2's formats (big-endian, STRING = int16 length + UTF-8), kept independent
// of src/core/codecs so this file checks the harness and MM2, not our decoders.
function readString(b: Buffer, at: number): [string, number] {
  const n = b.readInt16BE(at);
  return [b.subarray(at + 2, at + 2 + n).toString('utf8'), at + 2 + n];
}

function heartbeatKey(r: RawRecord): string {
  if (!r.key) throw new Error(`heartbeat at ${r.topic}-${r.partition}@${r.offset} has no key`);
  const [source, at] = readString(r.key, 0);
  const [target] = readString(r.key, at);
  return `${source}->${target}`;
}

function offsetSync(r: RawRecord): { topic: string; partition: number; upstream: number; downstream: number } {
  if (!r.key || !r.value) throw new Error(`offset sync at offset ${r.offset} lacks key or value`);
  const [topic, at] = readString(r.key, 0);
  return {
    topic,
    partition: r.key.readInt32BE(at),
    upstream: Number(r.value.readBigInt64BE(0)),
    downstream: Number(r.value.readBigInt64BE(8)),
  };
}

function checkpoint(r: RawRecord): { group: string; topic: string; partition: number; upstream: number; downstream: number } {
  if (!r.key || !r.value) throw new Error(`checkpoint at offset ${r.offset} lacks key or value`);
  const [group, a] = readString(r.key, 0);
  const [topic, b] = readString(r.key, a);
  expect(r.value.readInt16BE(0)).toBe(0);
  return {
    group,
    topic,
    partition: r.key.readInt32BE(b),
    upstream: Number(r.value.readBigInt64BE(2)),
    downstream: Number(r.value.readBigInt64BE(10)),
  };
}

function keysAndValues(records: RawRecord[], partition: number): string[] {
  return records.filter((r) => r.partition === partition).map((r) => `${r.key?.toString()}=${r.value?.toString()}`);
}

beforeAll(async () => {
  [east, west] = await Promise.all([startCluster({ alias: 'us-east' }), startCluster({ alias: 'us-west' })]);
  await createTopic(east, 'orders', PRODUCED.length);
  // Produced before MM2 first starts: MM2 must copy them from the beginning.
  for (const [p, n] of PRODUCED.entries()) await produce(east, 'orders', { partition: p, count: n, keyPrefix: `p${p}` });
  mm = await startMirrorMaker({ clusters: [east, west], flows: [{ source: 'us-east', target: 'us-west', topics: 'orders' }] });
});

describe('real Kafka and MM2 harness', () => {
  it('runs each cluster as one KRaft node on its own loopback ports', async () => {
    for (const c of [east, west]) {
      expect(c.bootstrap).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(c.isRunning).toBe(true);
      const props = readFileSync(c.propertiesFile, 'utf8');
      expect(props).toContain('process.roles=broker,controller');
      const admin = kafkaClient(c).admin();
      await admin.connect();
      try {
        const desc = await admin.describeCluster();
        expect(desc.brokers.map((b) => `${b.host}:${b.port}`)).toEqual([c.bootstrap]);
      } finally {
        await admin.disconnect();
      }
    }
    expect(east.port).not.toBe(west.port);
  });

  it('replicates orders to us-east.orders on us-west, record for record', async () => {
    await waitForTopic(west, 'us-east.orders', { timeoutMs: 60_000 });
    const ends = await waitForEndOffsets(west, 'us-east.orders', { ...PRODUCED }, { timeoutMs: 60_000 });
    expect(ends.map((e) => e.end)).toEqual([...PRODUCED]);
    const source = await readRecords(east, 'orders');
    const remote = await readRecords(west, 'us-east.orders');
    for (const p of PRODUCED.keys()) {
      expect(keysAndValues(remote, p)).toEqual(keysAndValues(source, p));
      expect(keysAndValues(remote, p)).toHaveLength(PRODUCED[p] ?? -1);
    }
  });

  it('creates the MM2 topics of docs/design.md where it says', async () => {
    await waitForTopic(east, 'mm2-offset-syncs.us-west.internal');
    await waitForTopic(west, 'us-east.heartbeats');
    const eastTopics = await listTopics(east);
    const westTopics = await listTopics(west);
    expect(eastTopics).toContain('heartbeats');
    expect(westTopics).toContain('heartbeats');
    expect(westTopics).toContain('mm2-offsets.us-east.internal');
    // us-west->us-east is not enabled: nothing of us-west is replicated into us-east.
    expect(eastTopics.filter((t) => t.startsWith('us-west.'))).toEqual([]);
  });

  it('emits heartbeats into us-east from the reverse herder although us-west->us-east is disabled', async () => {
    await waitFor('heartbeats on both clusters', async () => {
      const [e, w] = await Promise.all([endOffsets(east, 'heartbeats'), endOffsets(west, 'heartbeats')]);
      return e.some((x) => x.end > 1) && w.some((x) => x.end > 1);
    });
    const intoEast = await readRecords(east, 'heartbeats');
    expect(new Set(intoEast.map(heartbeatKey))).toEqual(new Set(['us-west->us-east']));
    const intoWest = await readRecords(west, 'heartbeats');
    expect(new Set(intoWest.map(heartbeatKey))).toEqual(new Set(['us-east->us-west']));

    // us-east.heartbeats on us-west is the copy of us-east's own `heartbeats`: same keys
    // (us-west->us-east), same timestamps. Fresh ones prove the us-east->us-west data path.
    await waitFor('a fresh heartbeat in us-east.heartbeats', async () => {
      const copied = await readRecords(west, 'us-east.heartbeats');
      const newest = copied[copied.length - 1];
      return newest !== undefined && Date.now() - newest.timestamp < 5_000 ? copied : undefined;
    });
    const copied = await readRecords(west, 'us-east.heartbeats');
    expect(new Set(copied.map(heartbeatKey))).toEqual(new Set(['us-west->us-east']));
    const originalTs = new Map(intoEast.map((r) => [r.offset, r.timestamp]));
    for (const r of copied.filter((c) => originalTs.has(c.offset))) {
      expect(r.timestamp).toBe(originalTs.get(r.offset));
      // value: version INT16 0, timestamp INT64 equal to the record timestamp
      expect(r.value?.length).toBe(10);
      expect(r.value?.readInt16BE(0)).toBe(0);
      expect(Number(r.value?.readBigInt64BE(2))).toBe(r.timestamp);
    }
  });

  it('writes offset syncs up to the last record of every partition', async () => {
    const syncs = await waitFor('offset syncs for the last record of every orders partition', async () => {
      const all = (await readRecords(east, 'mm2-offset-syncs.us-west.internal')).map(offsetSync);
      const orders = all.filter((s) => s.topic === 'orders');
      return PRODUCED.every((n, p) => orders.some((s) => s.partition === p && s.upstream === n - 1)) ? orders : undefined;
    });
    for (const s of syncs) {
      expect(s.partition).toBeGreaterThanOrEqual(0);
      expect(s.partition).toBeLessThan(PRODUCED.length);
      // No compaction, no transactions, empty target: offsets are copied one to one.
      expect(s.downstream).toBe(s.upstream);
    }
  });

  it('checkpoints a committed group into us-east.checkpoints.internal and syncs it on us-west', async () => {
    const committed = [3, PRODUCED[1], PRODUCED[2]];
    for (const [p, offset] of committed.entries()) await commitGroupOffsets(east, 'billing', 'orders', p, offset);
    const latest = await waitFor(
      'checkpoints of group billing for all partitions',
      async () => {
        const cps = (await readRecords(west, 'us-east.checkpoints.internal')).map(checkpoint).filter((c) => c.group === 'billing');
        const last = new Map(cps.map((c) => [c.partition, c]));
        return committed.every((o, p) => last.get(p)?.upstream === o) ? last : undefined;
      },
      { timeoutMs: 60_000 },
    );
    for (const [p, offset] of committed.entries()) {
      const c = latest.get(p);
      expect(c?.topic).toBe('us-east.orders');
      // MM2 3.5+ translates conservatively: at most the upstream offset, exact at a sync point.
      expect(c?.downstream).toBeLessThanOrEqual(offset);
      expect(c?.downstream).toBeGreaterThanOrEqual(1);
    }
    // Committed at the end of partitions 1 and 2, where the last sync sits: translation is exact.
    expect(latest.get(1)?.downstream).toBe(PRODUCED[1]);
    expect(latest.get(2)?.downstream).toBe(PRODUCED[2]);
    const synced = await waitFor(
      'group billing synced on us-west',
      async () => {
        const offs = await groupOffsets(west, 'billing', 'us-east.orders');
        return committed.every((_, p) => offs.get(p) === latest.get(p)?.downstream) ? offs : undefined;
      },
      { timeoutMs: 60_000 },
    );
    expect(synced.get(2)).toBe(PRODUCED[2]);
  });

  it('stops and starts MM2 on demand', async () => {
    await mm.stop();
    expect(mm.isRunning).toBe(false);
    await produce(east, 'orders', { partition: 0, count: 4, keyPrefix: 'while-stopped' });
    await new Promise((r) => setTimeout(r, 3000));
    expect((await endOffsets(west, 'us-east.orders'))[0]?.end).toBe(PRODUCED[0]);
    await mm.start();
    expect(mm.isRunning).toBe(true);
    await waitForEndOffsets(west, 'us-east.orders', { 0: PRODUCED[0] + 4 }, { timeoutMs: 60_000 });
  });

  it('kills and restarts a broker on the same port with its data', async () => {
    const before = await endOffsets(west, 'us-east.orders');
    await west.kill();
    expect(west.isRunning).toBe(false);
    await west.start();
    expect(west.isRunning).toBe(true);
    // Serving metadata comes before every partition has its leader back: NOT_LEADER for a moment.
    let after: Awaited<ReturnType<typeof endOffsets>> | undefined;
    for (const deadline = Date.now() + 60_000; after === undefined; ) {
      try {
        after = await endOffsets(west, 'us-east.orders');
      } catch (err) {
        if (Date.now() > deadline || !/leader/i.test((err as Error).message)) throw err;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    expect(after).toEqual(before);
    // MM2 carries on once the target is back.
    await produce(east, 'orders', { partition: 1, count: 1, keyPrefix: 'after-restart' });
    await waitForEndOffsets(west, 'us-east.orders', { 1: PRODUCED[1] + 1 }, { timeoutMs: 60_000 });
  });

  it("runs Kafka's command-line tools of the cluster's version, with stdin, and rejects on a failed run", async () => {
    await createTopic(east, 'tool-config', 1);
    await east.runTool('ConfigCommand', ['--bootstrap-server', east.bootstrap, '--alter', '--entity-type', 'topics', '--entity-name', 'tool-config', '--add-config', 'retention.ms=123456789']);
    const admin = kafkaClient(east).admin();
    await admin.connect();
    try {
      const { resources } = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: 'tool-config', configNames: ['retention.ms'] }], includeSynonyms: false });
      expect(resources[0]?.configEntries.find((e) => e.configName === 'retention.ms')?.configValue).toBe('123456789');
    } finally {
      await admin.disconnect();
    }
    await east.runTool('ConsoleProducer', ['--bootstrap-server', east.bootstrap, '--topic', 'tool-config'], { input: 'one\ntwo\nthree\n' });
    expect((await endOffsets(east, 'tool-config'))[0]?.end).toBe(3);
    await expect(east.runTool('ConfigCommand', ['--bootstrap-server', east.bootstrap, '--alter', '--entity-type', 'topics', '--entity-name', 'no-such-topic', '--add-config', 'retention.ms=1'])).rejects.toThrow(/ConfigCommand on us-east exited [1-9]/);
    await expect(east.runTool('NoSuchTool', [])).rejects.toThrow(/unknown Kafka tool NoSuchTool/);
  });
});
