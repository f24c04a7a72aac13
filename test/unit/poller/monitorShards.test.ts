// Sharding over the whole read path with fake clusters: the same configuration run unsharded and
// as 3 shards. The shards' series together are the unsharded series, each from one shard, and
// each shard asks the clusters for the offsets of its own pairs only (plus MM2's small topics).
import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { encodeCheckpoint, encodeHeartbeat, encodeOffsetSync } from '../../../src/core/codecs/index.js';
import { createReplicationPolicy } from '../../../src/core/replicationPolicy.js';
import { flowShard, topicShard } from '../../../src/core/shard.js';
import { DEFAULT_TOPICS_EXCLUDE } from '../../../src/core/topicFilter.js';
import type { FlowConfig, MirrorwatchConfig, TopicPartition } from '../../../src/core/types.js';
import type { CommittedOffset, FetchResult, KafkaPortFactory, RawRecord, TopicInfo } from '../../../src/kafka/port.js';
import { createLogger } from '../../../src/log.js';
import { renderSnapshotSeries } from '../../../src/metrics/snapshot-series.js';
import { Monitor } from '../../../src/poller/monitor.js';
import { fakePort } from '../helpers/fakePort.js';

const NOW = 5_000_000;
const policy = createReplicationPolicy({ kind: 'default', separator: '.' });

function flow(source: string, target: string, topics: string[], groups: string[] = []): FlowConfig {
  return { source, target, topics, topicsExclude: [...DEFAULT_TOPICS_EXCLUDE], heartbeatsExpected: true, offsetSyncsTopicLocation: 'source', groups, maxLagRecords: 0, maxHeartbeatAgeSeconds: 30 };
}

function config(shard?: { index: number; count: number }): MirrorwatchConfig {
  return {
    file: 'test.yaml',
    clusters: ['east', 'west', 'north'].map((alias) => ({ alias, bootstrapServers: ['127.0.0.1:1'], clientId: 'mw', connectionTimeoutMs: 1000, requestTimeoutMs: 1000 })),
    // Active-active east<->west, and a chain west->north that copies east's copies on west: on
    // west, `east.t1` is the remote topic of east->west and a source topic of west->north.
    flows: [flow('east', 'west', ['t.*'], ['g1', 'g2']), flow('west', 'east', ['w.*']), flow('west', 'north', ['east\\.t.*'])],
    replicationPolicy: { kind: 'default', separator: '.' },
    poll: { intervalMs: 10_000, timeoutMs: 5000 },
    http: { host: '127.0.0.1', port: 0 },
    granularity: 'partition',
    maxSeries: 100_000,
    logLevel: 'info',
    warnings: [],
    regions: [{ topic: 't1', partition: 0, region: 'eu' }],
    ...(shard ? { shard } : {}),
  };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const T_TOPICS = range(40).map((i) => ({ name: `t${i}`, partitions: range(1 + (i % 3)) }));
const W_TOPICS = range(12).map((i) => ({ name: `w${i}`, partitions: range(2) }));

function topicsOf(alias: string): TopicInfo[] {
  const remote = (src: string, list: TopicInfo[]) => list.map((t) => ({ name: `${src}.${t.name}`, partitions: t.partitions }));
  if (alias === 'east') return [...T_TOPICS, ...remote('west', W_TOPICS), { name: 'mm2-offset-syncs.west.internal', partitions: [0] }, { name: 'west.heartbeats', partitions: [0] }, { name: 'west.checkpoints.internal', partitions: [0] }];
  if (alias === 'west') {
    return [...W_TOPICS, ...remote('east', T_TOPICS), { name: 'east.heartbeats', partitions: [0] }, { name: 'east.checkpoints.internal', partitions: [0] }, { name: 'mm2-offset-syncs.east.internal', partitions: [0] }, { name: 'mm2-offset-syncs.north.internal', partitions: [0] }];
  }
  return [...remote('west', remote('east', T_TOPICS)), { name: 'west.heartbeats', partitions: [0] }];
}

function mm2Records(alias: string, topic: string): RawRecord[] {
  const records: { key: Buffer; value: Buffer }[] = [];
  if (topic.endsWith('.heartbeats')) records.push(encodeHeartbeat({ sourceClusterAlias: topic.split('.')[0]!, targetClusterAlias: alias, timestamp: NOW - 2000 }));
  if (topic === 'east.checkpoints.internal') {
    for (const t of T_TOPICS.slice(0, 6)) records.push(encodeCheckpoint({ group: 'g1', topic: `east.${t.name}`, partition: 0, upstreamOffset: 90, downstreamOffset: 90, metadata: '' }));
  }
  if (topic.startsWith('mm2-offset-syncs.')) {
    const sources = alias === 'east' ? T_TOPICS : alias === 'west' && topic.includes('north') ? T_TOPICS.map((t) => ({ ...t, name: `east.${t.name}` })) : W_TOPICS;
    for (const t of sources) for (const p of t.partitions) records.push(encodeOffsetSync({ topic: t.name, partition: p, upstreamOffset: 80, downstreamOffset: 80 }));
  }
  return records.map((r, offset) => ({ offset, timestamp: NOW - 1000, ...r }));
}

interface Run {
  series: Map<string, number>;
  /** Partitions asked for in fetchOffsets, per cluster: "topic/partition". */
  requested: Map<string, Set<string>>;
  /** Topic-partitions fetched (tailed), per cluster. */
  fetched: Map<string, Set<string>>;
  committedGroups: Map<string, string[]>;
}

async function run(shard?: { index: number; count: number }): Promise<Run> {
  const requested = new Map<string, Set<string>>();
  const fetched = new Map<string, Set<string>>();
  const committedGroups = new Map<string, string[]>();
  const factory: KafkaPortFactory = (c) => {
    const topics = topicsOf(c.alias);
    const port = fakePort({
      alias: c.alias,
      listTopics: async () => topics,
      fetchOffsets: async (tps: TopicPartition[]) => {
        const seen = requested.get(c.alias) ?? new Set();
        requested.set(c.alias, seen);
        return tps.map((tp) => {
          seen.add(`${tp.topic}/${tp.partition}`);
          const mm2 = mm2Records(c.alias, tp.topic);
          return { ...tp, start: 0, end: mm2.length > 0 || tp.topic.includes('heartbeats') || tp.topic.includes('internal') ? mm2.length : tp.topic.includes('.') ? 90 : 100 };
        });
      },
      fetchCommittedOffsets: async (groups: string[]): Promise<CommittedOffset[]> => {
        committedGroups.set(c.alias, [...(committedGroups.get(c.alias) ?? []), ...groups]);
        return groups.includes('g1') ? T_TOPICS.slice(0, 6).map((t) => ({ group: 'g1', topic: t.name, partition: 0, offset: 99 })) : [];
      },
      fetch: async (requests) =>
        requests.map((r): FetchResult => {
          const seen = fetched.get(c.alias) ?? new Set();
          fetched.set(c.alias, seen);
          seen.add(`${r.topic}/${r.partition}`);
          const all = mm2Records(c.alias, r.topic);
          return { topic: r.topic, partition: r.partition, records: all.slice(r.offset), nextOffset: all.length, highWatermark: all.length, error: null, errorKind: null };
        }),
    });
    return port;
  };
  const logger = createLogger('error', new Writable({ write: (_c, _e, done) => done() }));
  const telemetry = { kafkaRequest: () => {}, pollError: () => {}, decodeError: () => {}, tailError: () => {} };
  const monitor = new Monitor({ config: config(shard), portFactory: factory, logger, telemetry, now: () => NOW });
  await monitor.pollOnce();
  const snapshot = await monitor.pollOnce();
  await monitor.stop(10);
  const rendered = renderSnapshotSeries(snapshot, 'partition');
  const text = Buffer.concat(rendered.chunks).toString() + rendered.counters;
  const series = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    series.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return { series, requested, fetched, committedGroups };
}

const withoutShard = (key: string): string => key.replace(/,shard="\d+"/, '');
const PER_PROCESS = /^mirrorwatch_(cluster_up|poll_duration_seconds|last_poll_success_timestamp_seconds|snapshot_timestamp_seconds|partitions_polled)\b/;

describe('3 shards against one unsharded instance (fake clusters)', () => {
  it('the shards export the unsharded series, each from exactly one shard, and read only their own pairs', async () => {
    const whole = await run();
    const shards = [await run({ index: 0, count: 3 }), await run({ index: 1, count: 3 }), await run({ index: 2, count: 3 })];

    // Series: per-process self-monitoring (cluster_up...) is every instance's own; all the rest
    // is split. The flow totals carry the shard's index, the rest the unsharded labels.
    const split = (r: Run) => [...r.series.keys()].filter((k) => !PER_PROCESS.test(k));
    const owners = new Map<string, number[]>();
    shards.forEach((r, i) => {
      for (const k of split(r)) owners.set(k, [...(owners.get(k) ?? []), i]);
    });
    const duplicated = [...owners].filter(([, list]) => list.length > 1);
    expect(duplicated).toEqual([]);
    const union = new Set([...owners.keys()].map(withoutShard));
    expect([...union].sort()).toEqual(split(whole).sort());
    expect(split(whole).length).toBeGreaterThan(500);
    // Every shard has pairs: the test would prove nothing if one shard owned everything.
    for (const r of shards) expect(split(r).filter((k) => k.startsWith('mm2_replication_lag_records')).length).toBeGreaterThan(10);

    // Per-partition values equal the unsharded ones; flow totals add up (sum) and the verdict is
    // the conjunction (min).
    for (const [k, [i]] of owners) {
      const v = shards[i!]!.series.get(k)!;
      if (!k.startsWith('mm2_flow_')) expect([k, v]).toEqual([k, whole.series.get(k)]);
    }
    for (const f of ['source="east",target="west"', 'source="west",target="east"', 'source="west",target="north"']) {
      const parts = shards.map((r, i) => r.series.get(`mm2_flow_lag_records{${f},shard="${i}"}`)!);
      expect(parts.reduce((a, b) => a + b, 0)).toBe(whole.series.get(`mm2_flow_lag_records{${f}}`));
      const ready = Math.min(...shards.map((r, i) => r.series.get(`mm2_flow_failover_ready{${f},shard="${i}"}`)!));
      expect(ready).toBe(whole.series.get(`mm2_flow_failover_ready{${f}}`));
    }
    expect(whole.series.get('mm2_flow_lag_records{source="east",target="west"}')).toBeGreaterThan(0);

    // Requests: data partitions asked for are exactly the shard's pairs' (source and copy), and
    // together exactly the unsharded instance's; MM2's heartbeats and checkpoints only at the
    // flow's owner; offset syncs everywhere.
    const flows = config().flows;
    for (const cluster of ['east', 'west', 'north']) {
      const isMm2 = (tp: string) => /heartbeats|internal/.test(tp);
      const data = (r: Run) => [...(r.requested.get(cluster) ?? [])].filter((tp) => !isMm2(tp));
      const all = data(whole);
      const seen = new Map<string, number>();
      shards.forEach((r, i) => {
        for (const tp of data(r)) {
          const topic = tp.split('/')[0]!;
          // Who may read this partition: the owner of a pair it belongs to (as source or copy).
          const claimants = flows.flatMap((f) => {
            const out: number[] = [];
            if (f.source === cluster && new RegExp(`^(${f.topics.join('|')})$`).test(topic)) out.push(topicShard(f.source, f.target, topic, 3));
            const src = policy.sourceTopicOf(f.source, topic);
            if (f.target === cluster && src !== null && new RegExp(`^(${f.topics.join('|')})$`).test(src)) out.push(topicShard(f.source, f.target, src, 3));
            return out;
          });
          expect(claimants, `${cluster} ${tp} read by shard ${i}`).toContain(i);
          seen.set(tp, (seen.get(tp) ?? 0) + 1);
        }
      });
      expect([...seen.keys()].sort()).toEqual([...all].sort());
      // Only a chain's middle topics (east.tN on west) may be read by two shards.
      for (const [tp, n] of seen) if (n > 1) expect(cluster === 'west' && tp.startsWith('east.t')).toBe(true);
    }
    const owner = flowShard('east', 'west', 3);
    shards.forEach((r, i) => {
      const west = r.fetched.get('west') ?? new Set();
      expect(west.has('east.heartbeats/0')).toBe(i === owner);
      expect(west.has('east.checkpoints.internal/0')).toBe(i === owner);
      expect(r.fetched.get('east')?.has('mm2-offset-syncs.west.internal/0')).toBe(true);
      expect((r.committedGroups.get('east') ?? []).includes('g1')).toBe(i === owner);
    });
    // mirrorwatch_partitions_polled is what was asked for, and the shards' data shares add up.
    for (const r of [whole, ...shards]) {
      for (const cluster of ['east', 'west', 'north']) {
        expect(r.series.get(`mirrorwatch_partitions_polled{cluster="${cluster}"}`)).toBe(r.requested.get(cluster)?.size ?? 0);
      }
    }
  });
});
