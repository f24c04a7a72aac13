// `mirrorwatch discover` over in-memory clusters behind the KafkaPort interface: argument
// parsing, exit codes, what is read, and that the YAML it prints loads through the real loader.
// Real brokers and MM2: test/integration/discover.test.ts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/cli/args.js';
import type { CommandIo } from '../../../src/cli/commandIo.js';
import { parseBootstrapArg, parseBootstrapArgs, runDiscover } from '../../../src/cli/discoverCommand.js';
import { loadConfig } from '../../../src/config/load.js';
import { encodeHeartbeat, encodeOffsetSync } from '../../../src/core/codecs/index.js';
import type { ClusterObservation } from '../../../src/core/discovery.js';
import type { FetchRequest, FetchResult, KafkaPort, RawRecord } from '../../../src/kafka/port.js';
import { NOW, mm2Layout, type LayoutOptions } from '../helpers/mm2Layout.js';
import { fakePort } from '../helpers/fakePort.js';

interface MemCluster {
  topics: Map<string, RawRecord[][]>;
  unreachable?: boolean;
  fetches: number;
}

/** A cluster with the topics and MM2 records a layout describes. */
function memCluster(obs: ClusterObservation): MemCluster {
  const topics = new Map<string, RawRecord[][]>();
  for (const t of obs.topics) topics.set(t.name, Array.from({ length: t.partitions }, () => []));
  const append = (topic: string, key: Buffer, value: Buffer, timestamp: number): void => {
    const log = topics.get(topic)![0]!;
    log.push({ offset: log.length, timestamp, key, value });
  };
  for (const h of obs.heartbeats) {
    for (let i = h.records - 1; i >= 0; i--) {
      const ts = h.lastTimestampMs - i * 1000;
      const r = encodeHeartbeat({ sourceClusterAlias: h.source, targetClusterAlias: h.target, timestamp: ts });
      append(h.topic, r.key, r.value, ts);
    }
  }
  for (const s of obs.offsetSyncs) {
    for (const topic of s.sourceTopics) {
      const r = encodeOffsetSync({ topic, partition: 0, upstreamOffset: 0, downstreamOffset: 0 });
      append(s.topic, r.key, r.value, NOW);
    }
  }
  return { topics, fetches: 0 };
}

const PER_FETCH = 7;

function memPort(alias: string, c: MemCluster): KafkaPort {
  const unreachable = (): Error => new Error(`cluster ${alias}: could not connect to any broker (ECONNREFUSED)`);
  return fakePort({
    alias,
    connect: async () => {
      if (c.unreachable) throw unreachable();
    },
    listTopics: async () => [...c.topics.entries()].map(([name, parts]) => ({ name, partitions: parts.map((_, i) => i) })),
    fetchOffsets: async (tps) => tps.map((tp) => ({ ...tp, start: 0, end: c.topics.get(tp.topic)?.[tp.partition]?.length ?? 0 })),
    fetch: async (reqs: FetchRequest[]): Promise<FetchResult[]> => {
      c.fetches++;
      return reqs.map((r) => {
        const log = c.topics.get(r.topic)?.[r.partition] ?? [];
        // A few records per fetch, so that reading loops.
        const records = log.slice(r.offset, r.offset + PER_FETCH);
        return { topic: r.topic, partition: r.partition, records, nextOffset: r.offset + records.length, highWatermark: log.length, error: null, errorKind: null };
      });
    },
  });
}

interface Run {
  code: number;
  out: string;
  err: string;
}

async function discoverOn(clusters: Map<string, MemCluster>, args: { bootstrap: string[]; json?: boolean; yaml?: boolean }): Promise<Run> {
  let out = '';
  let err = '';
  const byServer = new Map([...clusters.entries()].map(([alias, c]) => [`${alias}-host:9092`, c]));
  const io: CommandIo = {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env: {},
    now: () => NOW,
    sleep: async () => {},
    portFactory: (cluster) => memPort(cluster.alias, byServer.get(cluster.bootstrapServers[0]!) ?? { topics: new Map(), unreachable: true, fetches: 0 }),
  };
  const code = await runDiscover(args, io);
  return { code, out, err };
}

function layoutClusters(o: LayoutOptions): Map<string, MemCluster> {
  return new Map(mm2Layout(o).map((obs, i) => [o.clusters[i]!, memCluster(obs)]));
}

const dir = mkdtempSync(join(tmpdir(), 'mirrorwatch-discover-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function loadYaml(text: string, name: string) {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, text);
  return loadConfig(file, {});
}

describe('--bootstrap', () => {
  it('takes HOST:PORT, ALIAS=HOST:PORT and several brokers', () => {
    expect(parseBootstrapArg('10.0.0.1:9092')).toEqual({ label: '10.0.0.1:9092', alias: null, servers: ['10.0.0.1:9092'] });
    expect(parseBootstrapArg('us-east=a:9092,b:9093')).toEqual({ label: 'us-east=a:9092,b:9093', alias: 'us-east', servers: ['a:9092', 'b:9093'] });
    expect(parseBootstrapArg('x=[::1]:9092').servers).toEqual(['[::1]:9092']);
  });

  it.each([
    ['', /--bootstrap is required/],
    ['us east=a:9092', /"us east" is not a cluster alias/],
    ['a=', /names no broker/],
    ['a=host', /"host" is not HOST:PORT/],
    ['a=host:99999', /"host:99999" is not HOST:PORT/],
  ])('refuses %j', (text, message) => {
    expect(() => parseBootstrapArgs(text === '' ? [] : [text])).toThrow(message);
  });

  it('refuses an alias given twice', () => {
    expect(() => parseBootstrapArgs(['a=h:1', 'a=h:2'])).toThrow(UsageError);
  });
});

describe('mirrorwatch discover', () => {
  it('active-passive: exit 0, the flow with its evidence, and YAML that the loader accepts', async () => {
    const clusters = layoutClusters({ clusters: ['us-east', 'us-west'], flows: [['us-east', 'us-west']], data: { 'us-east': ['orders'] } });
    const run = await discoverOn(clusters, { bootstrap: ['us-east-host:9092', 'us-west-host:9092'] });
    expect(run.code).toBe(0);
    expect(run.out).toContain('flows MM2 runs between the given clusters: 1');
    expect(run.out).toMatch(/us-east->us-west: default policy, separator "\." \(high confidence\)/);
    expect(run.out).toContain('remote heartbeats: us-east.heartbeats on us-west');
    expect(run.out).toContain('herders that only emit heartbeats');
    expect(run.err).toMatch(/mirrorwatch discover: reading 2 cluster\(s\)/);
    expect(run.err).toMatch(/found 1 flow\(s\)/);
    // Heartbeats were read in several fetches (7 records each), to the end.
    expect(clusters.get('us-west')!.fetches).toBeGreaterThan(4);

    const yaml = await discoverOn(clusters, { bootstrap: ['us-east-host:9092', 'us-west-host:9092'], yaml: true });
    expect(yaml.code).toBe(0);
    const cfg = loadYaml(yaml.out, 'ap');
    expect(cfg.clusters.map((c) => [c.alias, c.bootstrapServers])).toEqual([
      ['us-east', ['us-east-host:9092']],
      ['us-west', ['us-west-host:9092']],
    ]);
    expect(cfg.flows.map((f) => [f.source, f.target, f.heartbeatsExpected, f.offsetSyncsTopicLocation])).toEqual([['us-east', 'us-west', true, 'source']]);
    expect(cfg.replicationPolicy).toMatchObject({ kind: 'default', separator: '.' });
  });

  // Under the identity policy, offset syncs on the targets read exactly like offset syncs on the
  // sources in an active-active pair: MM2's default (source) is assumed.
  it.each([
    ['_', false, 'target'],
    ['-', false, 'target'],
    ['.', true, 'source'],
  ] as const)('separator %j (identity %s), offset syncs on the %s: the YAML keeps them through the loader', async (separator, identity, location) => {
    const clusters = layoutClusters({ clusters: ['a', 'b'], flows: [['a', 'b'], ['b', 'a']], separator, identity, data: { a: ['orders'], b: ['users'] }, offsetSyncsLocation: location });
    const run = await discoverOn(clusters, { bootstrap: ['a-host:9092', 'b-host:9092'], yaml: true });
    expect(run.code).toBe(0);
    const cfg = loadYaml(run.out, `sep-${identity}`);
    expect(cfg.replicationPolicy).toMatchObject({ kind: identity ? 'identity' : 'default', separator });
    expect(cfg.flows.map((f) => `${f.source}->${f.target}:${f.offsetSyncsTopicLocation}`)).toEqual([`a->b:${location}`, `b->a:${location}`]);
  });

  it('--json: the result with the YAML text', async () => {
    const clusters = layoutClusters({ clusters: ['a', 'b'], flows: [['a', 'b']] });
    const run = await discoverOn(clusters, { bootstrap: ['a-host:9092', 'b=b-host:9092'], json: true });
    expect(run.code).toBe(0);
    const body = JSON.parse(run.out) as { flows: { source: string; target: string }[]; clusters: { alias: string; aliasFrom: string }[]; yaml: string };
    expect(body.flows.map((f) => `${f.source}->${f.target}`)).toEqual(['a->b']);
    expect(body.clusters.map((c) => `${c.alias}:${c.aliasFrom}`)).toEqual(['a:heartbeats', 'b:given']);
    expect(body.yaml).toMatch(/^# mirrorwatch configuration written by `mirrorwatch discover`/);
  });

  it('an unreachable bootstrap: exit 2 naming it', async () => {
    const clusters = layoutClusters({ clusters: ['a', 'b'], flows: [['a', 'b']] });
    const run = await discoverOn(clusters, { bootstrap: ['a-host:9092', 'nowhere=gone:9092'] });
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/cannot read the cluster at --bootstrap nowhere=gone:9092: .*could not connect/);
    expect(run.out).toBe('');
  });

  it('bad usage: exit 2', async () => {
    expect((await discoverOn(new Map(), { bootstrap: [] })).code).toBe(2);
    const both = await discoverOn(new Map(), { bootstrap: ['a:1'], json: true, yaml: true });
    expect(both.code).toBe(2);
    expect(both.err).toMatch(/--json or --yaml, not both/);
  });

  it('nothing found: exit 1 with what was looked at, and no YAML', async () => {
    const plain: MemCluster = { topics: new Map([['orders', [[]]]]), fetches: 0 };
    const run = await discoverOn(new Map([['x', plain]]), { bootstrap: ['x=x-host:9092'], yaml: true });
    expect(run.code).toBe(1);
    expect(run.out).toBe('');
    expect(run.err).toMatch(/found no MM2 flow between the given clusters\. Looked at:\n {2}x: 1 topics; MM2 topics: none; 0 heartbeat record\(s\) read/);
  });

  it('only the source given: exit 1, and the flow named with the cluster to add', async () => {
    const clusters = layoutClusters({ clusters: ['a', 'b'], flows: [['a', 'b']], data: { a: ['orders'] } });
    const run = await discoverOn(new Map([['a', clusters.get('a')!]]), { bootstrap: ['a-host:9092'] });
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/flows with a cluster that was not given: a->b/);
  });

  it('records that are not heartbeats are reported, not silently skipped', async () => {
    const clusters = layoutClusters({ clusters: ['a', 'b'], flows: [['a', 'b']] });
    clusters.get('b')!.topics.get('a.heartbeats')![0]!.push({ offset: 999, timestamp: NOW, key: Buffer.from('garbage'), value: Buffer.from('x') });
    // Offsets must be dense for the in-memory log.
    const log = clusters.get('b')!.topics.get('a.heartbeats')![0]!;
    log[log.length - 1]!.offset = log.length - 1;
    const run = await discoverOn(clusters, { bootstrap: ['a-host:9092', 'b-host:9092'] });
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/not read: a\.heartbeats: 1 record\(s\) are not MM2 heartbeats \(first at offset \d+: heartbeat/);
  });

  it('a long heartbeats topic: both ends read, keys from each found', async () => {
    const clusters = layoutClusters({ clusters: ['a', 'b'], flows: [['a', 'b']] });
    const log = clusters.get('b')!.topics.get('heartbeats')![0]!;
    const old = encodeHeartbeat({ sourceClusterAlias: 'gone', targetClusterAlias: 'b', timestamp: NOW - 86_400_000 });
    const fresh = encodeHeartbeat({ sourceClusterAlias: 'a', targetClusterAlias: 'b', timestamp: NOW - 500 });
    const records: RawRecord[] = [{ offset: 0, timestamp: NOW, key: old.key, value: old.value }];
    for (let i = 1; i < 10_000; i++) records.push({ offset: i, timestamp: NOW, key: fresh.key, value: fresh.value });
    log.splice(0, log.length, ...records);
    const run = await discoverOn(clusters, { bootstrap: ['a-host:9092', 'b-host:9092'], json: true });
    const body = JSON.parse(run.out) as { heartbeatOnlyHerders: { source: string; target: string }[]; looked: { heartbeatRecords: number }[] };
    expect(body.heartbeatOnlyHerders.map((h) => `${h.source}->${h.target}`)).toContain('gone->b');
  });
});
