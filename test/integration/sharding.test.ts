// Sharding on real Kafka and a real MM2 (us-east -> us-west): three daemons run as shards 0/3,
// 1/3 and 2/3 next to one unsharded daemon, all on the same clusters. Together the shards export
// exactly the unsharded daemon's mm2_* series, each series from one shard only, and each shard asks
// the clusters for the offsets of its own (flow, topic) pairs only (mirrorwatch_partitions_polled,
// checked against the ownership the hash gives and against what the unsharded daemon reads).
import { beforeAll, describe, expect, it } from 'vitest';
import { commitGroupOffsets, createTopic, endOffsets, produce, startMirrorMaker } from '../harness/kafka.js';
import type { KafkaCluster } from '../harness/kafka.js';
import { flowShard, topicShard } from '../../src/core/shard.js';
import { gauge, scrapeMetrics, select, tp } from './helpers/figures.js';
import type { Exposition } from './helpers/figures.js';
import { startMirrorwatch } from './helpers/mirrorwatch.js';
import type { RunningMirrorwatch } from './helpers/mirrorwatch.js';
import { startEastWest, useIntegrationHarness } from './helpers/setup.js';
import { fail, pass, waitUntil } from './helpers/wait.js';

useIntegrationHarness();

const SOURCE = 'us-east';
const TARGET = 'us-west';
const COUNT = 3;
const GROUP = 'shard-app';
// 15 topics of 1 to 3 partitions (30 partitions); with these names each of the 3 shards owns
// between 4 and 6 topics (asserted below, so a change of hash cannot make the test vacuous).
const TOPICS = Array.from({ length: 15 }, (_, i) => ({ name: `topic-${i}`, partitions: 1 + (i % 3) }));
const owner = (topic: string): number => topicShard(SOURCE, TARGET, topic, COUNT);
const FLOW_OWNER = flowShard(SOURCE, TARGET, COUNT);

let east: KafkaCluster;
let west: KafkaCluster;
let whole: RunningMirrorwatch;
let shards: RunningMirrorwatch[];

/** Series key: name and labels (sorted), without `shard`. */
function key(name: string, labels: Record<string, string>, keepShard = false): string {
  const pairs = Object.entries(labels)
    .filter(([k]) => keepShard || k !== 'shard')
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `${name}{${pairs.join(',')}}`;
}

const mm2Keys = (exp: Exposition, keepShard = false): string[] => exp.samples.filter((s) => s.name.startsWith('mm2_')).map((s) => key(s.name, s.labels, keepShard));

beforeAll(async () => {
  [east, west] = await startEastWest();
  for (const t of TOPICS) {
    await createTopic(east, t.name, t.partitions);
    for (let p = 0; p < t.partitions; p++) await produce(east, t.name, { partition: p, count: 3 + p, keyPrefix: `${t.name}-${p}` });
  }
  // An idle consumer group with commits: MM2 checkpoints it, so checkpoint series exist to split.
  for (const t of TOPICS.slice(0, 4)) await commitGroupOffsets(east, GROUP, t.name, 0, 2);
  await startMirrorMaker({ clusters: [east, west], flows: [{ source: SOURCE, target: TARGET }] });
  // The count audit with short buckets, so that its series exist and are split too.
  const opts = { clusters: [east, west], flows: [{ source: SOURCE, target: TARGET }], extraYaml: 'audit:\n  bucket: 1s\n  settle: 3s\n' };
  [whole, ...shards] = await Promise.all([
    startMirrorwatch(opts),
    ...Array.from({ length: COUNT }, (_, index) => startMirrorwatch({ ...opts, shard: { index, count: COUNT } })),
  ]);
}, 240_000);

describe('3 shards and one unsharded daemon on the same clusters', () => {
  it('every shard owns some pairs', () => {
    for (let s = 0; s < COUNT; s++) expect(TOPICS.filter((t) => owner(t.name) === s).length).toBeGreaterThanOrEqual(4);
  });

  it('the union of the shards mm2_* series equals the unsharded series, each series in exactly one shard; each shard reads only its own partitions', async () => {
    const allPartitions = TOPICS.flatMap((t) => Array.from({ length: t.partitions }, (_, p) => tp(t.name, p)));
    // Caught up, heartbeats and the group's checkpoints seen by the unsharded daemon and by the
    // shards: then the series sets hold still and are compared from scrapes taken together.
    const seen = await waitUntil(
      'the unsharded daemon and the 3 shards to show the caught-up flow with heartbeats and checkpoints, and the same series',
      async () => {
        const [w, ...s] = await Promise.all([whole, ...shards].map((m) => scrapeMetrics(m.url).then((r) => r.exposition)));
        const lagged = select(w!, 'mm2_replication_lag_records', { source: SOURCE, target: TARGET });
        const lagKeys = lagged.map((x) => tp(x.labels.topic!, x.labels.partition!)).sort();
        const caughtUp = lagKeys.join() === [...allPartitions].sort().join() && lagged.every((x) => x.value === 0);
        const heartbeat = gauge(w!, 'mm2_heartbeat_age_seconds', { source: SOURCE, target: TARGET }) !== undefined;
        const checkpoint = gauge(w!, 'mm2_checkpoint_age_seconds', { group: GROUP }) !== undefined;
        const union = new Set(s.flatMap((e) => mm2Keys(e)));
        const wholeKeys = new Set(mm2Keys(w!));
        const same = union.size === wholeKeys.size && [...union].every((k) => wholeKeys.has(k));
        const shardsCaughtUp = s.every((e) => select(e, 'mm2_replication_lag_records').every((x) => x.value === 0));
        // Every daemon's audit has decided buckets of each of its topics (per-topic and flow-level series exist).
        const audited = [w!, ...s].every((e) => select(e, 'mm2_audit_source_records_total').length > 0 && select(e, 'mm2_audit_last_bucket_end_timestamp_seconds').length === 1);
        const state = { caughtUp, heartbeat, checkpoint, same, shardsCaughtUp, audited, onlyInUnion: [...union].filter((k) => !wholeKeys.has(k)).slice(0, 5), onlyInWhole: [...wholeKeys].filter((k) => !union.has(k)).slice(0, 5) };
        return caughtUp && heartbeat && checkpoint && same && shardsCaughtUp && audited ? pass({ w: w!, s }) : fail(state);
      },
      { timeoutMs: 150_000, intervalMs: 1000 },
    );
    const { w, s } = seen;

    // Each series (shard label included) in exactly one shard; without it, the unsharded set.
    const counts = new Map<string, number[]>();
    s.forEach((e, i) => {
      for (const k of mm2Keys(e, true)) counts.set(k, [...(counts.get(k) ?? []), i]);
    });
    expect([...counts].filter(([, list]) => list.length > 1)).toEqual([]);
    expect(new Set([...counts.keys()].map((k) => k.replace(/shard="\d+",?/, '')))).toEqual(new Set(mm2Keys(w)));
    const wholeCount = mm2Keys(w).length;
    console.log(`sharding: unsharded ${wholeCount} mm2_* series; shards ${s.map((e) => mm2Keys(e).length).join(' + ')} (flow totals once per shard)`);

    // Who exports what: partition series by the pair's owner, heartbeats and checkpoints by the
    // flow's owner, flow totals by every shard with its index; the verdicts agree.
    s.forEach((e, i) => {
      for (const x of select(e, 'mm2_replication_lag_records')) expect(owner(x.labels.topic!), x.labels.topic).toBe(i);
      for (const x of select(e, 'mm2_partition_end_offset')) {
        const topic = x.labels.cluster === TARGET ? x.labels.topic!.slice(SOURCE.length + 1) : x.labels.topic!;
        expect(owner(topic), `${x.labels.cluster} ${x.labels.topic}`).toBe(i);
      }
      expect(gauge(e, 'mm2_heartbeat_age_seconds') !== undefined).toBe(i === FLOW_OWNER);
      expect(select(e, 'mm2_checkpoint_age_seconds').length > 0).toBe(i === FLOW_OWNER);
      expect(gauge(e, 'mm2_flow_failover_ready', { shard: String(i) })).toBe(1);
      // The audit's flow-level series carry the shard too; its per-topic series are the owner's only.
      for (const name of ['mm2_audit_last_bucket_end_timestamp_seconds', 'mm2_audit_buckets_pending']) {
        expect(select(e, name).map((x) => x.labels.shard), `${name} of shard ${i}`).toEqual([String(i)]);
      }
      expect(new Set(select(e, 'mm2_audit_source_records_total').map((x) => owner(x.labels.topic!))), `audited topics of shard ${i}`).toEqual(new Set([i]));
      expect(gauge(e, 'mirrorwatch_shard_info', { index: String(i), count: String(COUNT) })).toBe(1);
    });
    expect(gauge(w, 'mm2_flow_failover_ready')).toBe(1);
    expect(gauge(w, 'mirrorwatch_shard_info', { index: '0', count: '1' })).toBe(1);

    // Requests: the offsets asked for per cluster are the shard's own pairs' partitions plus MM2's
    // topics it reads: offset syncs and Connect offsets everywhere, heartbeats and checkpoints at
    // the flow's owner only. The unsharded daemon's count gives MM2's share.
    const polled = (e: Exposition, cluster: string): number => gauge(e, 'mirrorwatch_partitions_polled', { cluster })!;
    const data = (topics: typeof TOPICS): number => topics.reduce((n, t) => n + t.partitions, 0);
    const heartbeatsAndCheckpoints = (await endOffsets(west, `${SOURCE}.heartbeats`)).length + (await endOffsets(west, `${SOURCE}.checkpoints.internal`)).length;
    const rows: string[] = [];
    for (const cluster of [SOURCE, TARGET]) {
      const mm2 = polled(w, cluster) - data(TOPICS);
      expect(mm2).toBeGreaterThan(0);
      let sum = 0;
      s.forEach((e, i) => {
        const own = data(TOPICS.filter((t) => owner(t.name) === i));
        const notOwner = cluster === TARGET && i !== FLOW_OWNER ? heartbeatsAndCheckpoints : 0;
        expect(polled(e, cluster), `shard ${i} on ${cluster}`).toBe(own + mm2 - notOwner);
        sum += own;
        rows.push(`${cluster} shard ${i}: ${polled(e, cluster)} (own data ${own})`);
      });
      expect(sum).toBe(data(TOPICS));
      rows.push(`${cluster} unsharded: ${polled(w, cluster)} (data ${data(TOPICS)})`);
    }
    console.log(`sharding: partitions polled: ${rows.join('; ')}`);
  });
});
