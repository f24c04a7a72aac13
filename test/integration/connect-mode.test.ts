// MM2 in Connect mode (issue 9): MirrorSourceConnector, MirrorCheckpointConnector and
// MirrorHeartbeatConnector posted to a real Kafka Connect distributed worker attached to the target
// us-west, whose offsets topic is NOT MM2's default, with Strimzi's connector names. Two
// mirrorwatch instances watch it: one from the YAML Connect settings (connectOffsetsTopic,
// heartbeats unset = auto, maxCheckpointAge), one from a Strimzi KafkaMirrorMaker2 resource that
// describes the same set-up. Phases, in order:
//  1. no heartbeat connector: exact figures, Connect-offsets cross-check, checkpoints, and no
//     false alarm (heartbeats "not expected: no heartbeats topic", failover-ready);
//  2. source connector paused: lag equals what was produced since, per partition (offset-sync);
//  3. a heartbeat connector emitting into us-east: heartbeats expected and fresh;
//  4. that connector deleted: the existing heartbeats topic keeps them expected, so the stop is
//     caught (the documented trade-off of `heartbeats: auto`).
import { createWriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConnectWorker } from '../harness/connect.js';
import type { ConnectWorker } from '../harness/connect.js';
import { commitGroupOffsets, createTopic, endOffsets, produce } from '../harness/kafka.js';
import type { KafkaCluster } from '../harness/kafka.js';
import { newRunDir } from '../harness/paths.js';
import { loadConfig } from '../../src/config/load.js';
import { startDaemon } from '../../src/daemon.js';
import { createLogger } from '../../src/log.js';
import type { FlowStatus } from '../../src/core/types.js';
import { gauge, getJson, scrapeMetrics } from './helpers/figures.js';
import { startEastWest, useIntegrationHarness } from './helpers/setup.js';
import { fail, pass, waitUntil } from './helpers/wait.js';

useIntegrationHarness();

const S = 'us-east';
const T = 'us-west';
const OFFSETS_TOPIC = 'mw-connect-offsets';
const SOURCE_CONNECTOR = `${S}->${T}.MirrorSourceConnector`;
const CHECKPOINT_CONNECTOR = `${S}->${T}.MirrorCheckpointConnector`;
// Strimzi's proposal 115: the heartbeat connector that proves S->T runs in the opposite direction,
// writing into S (here through a producer override; Strimzi users deploy it on a Connect cluster
// attached to S). One in the S->T direction writes into T's own `heartbeats`, which proves nothing
// about the data path.
const HEARTBEAT_CONNECTOR = `${T}->${S}.MirrorHeartbeatConnector`;
const GROUP = 'mw-connect-group';
const PARTITIONS: Record<string, number> = { orders: 3, payments: 2 };
const TOPICS = Object.keys(PARTITIONS);
// A different count per partition, so a mix-up cannot produce the expected table.
const FIRST: Record<string, number> = { 'orders/0': 7, 'orders/1': 13, 'orders/2': 5, 'payments/0': 11, 'payments/1': 3 };
const WHILE_PAUSED: Record<string, number> = { 'orders/0': 4, 'orders/1': 9, 'orders/2': 2, 'payments/0': 6, 'payments/1': 8 };
const MAX_HEARTBEAT_AGE_S = 8;

let east: KafkaCluster;
let west: KafkaCluster;
let connect: ConnectWorker;
const instances: { name: string; url: string }[] = [];
const startedAt = Date.now();

interface ApiDetail {
  topics: { topic: string; partitions: FlowStatus['topics'][number]['partitions'] }[];
  heartbeat: FlowStatus['heartbeat'];
  checkpoints: FlowStatus['checkpoints'];
  failover: FlowStatus['failover'];
}

async function detail(url: string): Promise<ApiDetail> {
  const r = await getJson<ApiDetail>(url, `/api/v1/flows/${encodeURIComponent(S)}/${encodeURIComponent(T)}`);
  if (r.status !== 200) throw new Error(`flow detail answered ${r.status}`);
  return r.body;
}

interface Row {
  sourceEnd: number;
  lag: number | null;
  basis: string;
  connectOffset: number | null;
  check: string | undefined;
}

function rows(d: ApiDetail): Record<string, Row> {
  const out: Record<string, Row> = {};
  for (const t of d.topics) {
    for (const p of t.partitions) {
      out[`${t.topic}/${p.partition}`] = { sourceEnd: p.sourceEnd, lag: p.lagRecords, basis: p.basis, connectOffset: p.connectOffset, check: p.connectOffsetCheck };
    }
  }
  return out;
}

const sum = (a: Record<string, number>, b: Record<string, number>): Record<string, number> => Object.fromEntries(Object.keys(a).map((k) => [k, (a[k] ?? 0) + (b[k] ?? 0)]));

function mirrorConfig(extra: Record<string, string>): Record<string, string> {
  return {
    'source.cluster.alias': S,
    'target.cluster.alias': T,
    'source.cluster.bootstrap.servers': east.bootstrap,
    'target.cluster.bootstrap.servers': west.bootstrap,
    'key.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter',
    'value.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter',
    'tasks.max': '1',
    ...extra,
  };
}

const SOURCE_CONFIG = (): Record<string, string> =>
  mirrorConfig({
    'connector.class': 'org.apache.kafka.connect.mirror.MirrorSourceConnector',
    topics: TOPICS.join(','),
    'replication.factor': '1',
    'offset-syncs.topic.replication.factor': '1',
    'sync.topic.acls.enabled': 'false',
    'sync.topic.configs.enabled': 'false',
    'refresh.topics.interval.seconds': '2',
  });

const CHECKPOINT_CONFIG = (): Record<string, string> =>
  mirrorConfig({
    'connector.class': 'org.apache.kafka.connect.mirror.MirrorCheckpointConnector',
    groups: '.*',
    'checkpoints.topic.replication.factor': '1',
    'emit.checkpoints.interval.seconds': '2',
    'refresh.groups.interval.seconds': '2',
    'sync.group.offsets.enabled': 'false',
  });

async function startInstance(name: string, configFile: string): Promise<void> {
  const config = loadConfig(configFile);
  const stream = createWriteStream(join(configFile, '..', `${name}.log`), { flags: 'a' });
  const daemon = await startDaemon({ config, logger: createLogger('info', stream), httpPort: 0, httpHost: '127.0.0.1' });
  instances.push({ name, url: daemon.address.url });
  // Stopped by the harness teardown order: register with the same mechanism as the helper does.
  afterStops.push(async () => {
    await daemon.stop();
    await new Promise<void>((r) => stream.end(() => r()));
  });
}
const afterStops: (() => Promise<void>)[] = [];

beforeAll(async () => {
  [east, west] = await startEastWest();
  for (const t of TOPICS) await createTopic(east, t, PARTITIONS[t]!);
  for (const [key, count] of Object.entries(FIRST)) {
    const [topic, p] = key.split('/') as [string, string];
    await produce(east, topic, { partition: Number(p), count, keyPrefix: `first-${key}` });
  }
  // The group's committed offsets on the source, for the checkpoint connector to translate.
  await commitGroupOffsets(east, GROUP, 'orders', 0, 5);
  connect = await startConnectWorker({ cluster: west, offsetsTopic: OFFSETS_TOPIC });

  const dir = newRunDir('mirrorwatch-connect');
  const common = ['poll:', '  interval: 1s', '  timeout: 900ms', 'http:', '  host: 127.0.0.1', '  port: 0', 'logLevel: info'];
  // 1. The YAML settings (no connector name: the key shape and source alias decide).
  const yamlFile = join(dir, 'connect.yaml');
  writeFileSync(
    yamlFile,
    [
      'clusters:',
      `  - alias: ${S}`,
      `    bootstrapServers: "${east.bootstrap}"`,
      '    requestTimeout: 700ms',
      '    connectionTimeout: 500ms',
      `  - alias: ${T}`,
      `    bootstrapServers: "${west.bootstrap}"`,
      '    requestTimeout: 700ms',
      '    connectionTimeout: 500ms',
      'flows:',
      `  - source: ${S}`,
      `    target: ${T}`,
      `    topics: [${TOPICS.join(', ')}]`,
      `    connectOffsetsTopic: ${OFFSETS_TOPIC}`,
      `    maxHeartbeatAge: ${MAX_HEARTBEAT_AGE_S}s`,
      '    maxCheckpointAge: 60s',
      `    groups: [${GROUP}]`,
      ...common,
    ].join('\n') + '\n',
  );
  // 2. A Strimzi KafkaMirrorMaker2 (v1beta2) describing the same set-up, with a mirrorwatch YAML
  //    that reads it through mm2Properties and adds what a CR cannot say.
  const crFile = join(dir, 'kmm2.yaml');
  writeFileSync(
    crFile,
    `apiVersion: kafka.strimzi.io/v1beta2
kind: KafkaMirrorMaker2
metadata:
  name: mw-connect-test
spec:
  version: 4.0.0
  replicas: 1
  connectCluster: "${T}"
  clusters:
    - alias: "${S}"
      bootstrapServers: "${east.bootstrap}"
    - alias: "${T}"
      bootstrapServers: "${west.bootstrap}"
      config:
        offset.storage.topic: ${OFFSETS_TOPIC}
        config.storage.topic: mw-connect-configs
        status.storage.topic: mw-connect-status
  mirrors:
    - sourceCluster: "${S}"
      targetCluster: "${T}"
      topicsPattern: "${TOPICS.join('|')}"
      groupsPattern: ".*"
      sourceConnector:
        tasksMax: 1
        config:
          replication.factor: 1
          sync.topic.acls.enabled: "false"
      checkpointConnector:
        tasksMax: 1
        config:
          checkpoints.topic.replication.factor: 1
`,
  );
  const overlayFile = join(dir, 'strimzi.yaml');
  writeFileSync(
    overlayFile,
    [
      'mm2Properties: kmm2.yaml',
      'clusters:',
      `  - alias: ${S}`,
      '    requestTimeout: 700ms',
      '    connectionTimeout: 500ms',
      `  - alias: ${T}`,
      '    requestTimeout: 700ms',
      '    connectionTimeout: 500ms',
      'flows:',
      `  - source: ${S}`,
      `    target: ${T}`,
      `    maxHeartbeatAge: ${MAX_HEARTBEAT_AGE_S}s`,
      `    groups: [${GROUP}]`,
      ...common,
    ].join('\n') + '\n',
  );
  // The CR on its own (`-c kmm2.yaml`) gives the same flow as the overlay, before the overlay's refinements.
  const direct = loadConfig(crFile).flows[0]!;
  expect(direct).toMatchObject({
    source: S,
    target: T,
    topics: [TOPICS.join('|')],
    heartbeatsExpected: true,
    heartbeatsAuto: true,
    connectOffsetsTopic: OFFSETS_TOPIC,
    sourceConnectorName: SOURCE_CONNECTOR,
  });
  await startInstance('yaml', yamlFile);
  await startInstance('strimzi', overlayFile);

  await connect.putConnector(SOURCE_CONNECTOR, SOURCE_CONFIG());
  await connect.putConnector(CHECKPOINT_CONNECTOR, CHECKPOINT_CONFIG());
  await connect.waitRunning(SOURCE_CONNECTOR);
  await connect.waitRunning(CHECKPOINT_CONNECTOR);
}, 240_000);

afterAll(async () => {
  await Promise.allSettled(afterStops.map((f) => f()));
  console.log(`connect-mode: total ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
});

/** Every instance's detail, once `ok` holds for all of them. */
async function waitAll(what: string, ok: (d: ApiDetail) => boolean, timeoutMs: number): Promise<Record<string, ApiDetail>> {
  return waitUntil(
    what,
    async () => {
      const out: Record<string, ApiDetail> = {};
      for (const i of instances) {
        const d = await detail(i.url);
        if (!ok(d)) return fail({ instance: i.name, rows: rows(d), heartbeat: d.heartbeat, failover: d.failover, checkpoints: d.checkpoints.map((c) => ({ group: c.group, partitions: c.partitions.length })) });
        out[i.name] = d;
      }
      return pass(out);
    },
    { timeoutMs, intervalMs: 500 },
  );
}

const caughtUp = (expectedEnds: Record<string, number>) => (d: ApiDetail): boolean => {
  const r = rows(d);
  return Object.entries(expectedEnds).every(([k, end]) => r[k]?.sourceEnd === end && r[k]?.lag === 0 && r[k]?.connectOffset === end);
};

describe('MM2 on Kafka Connect, offsets topic mw-connect-offsets, Strimzi connector names', () => {
  it('1. without a heartbeat connector: exact figures, Connect offsets cross-checked, checkpoints present, heartbeats not expected, failover-ready', async () => {
    const got = await waitAll(
      'lag 0 with Connect offsets at the source end on every partition, checkpoints of the group, failover-ready',
      (d) => caughtUp(FIRST)(d) && d.checkpoints.some((c) => c.group === GROUP && c.partitions.length > 0) && d.failover.ready,
      150_000,
    );
    for (const i of instances) {
      const d = got[i.name]!;
      const r = rows(d);
      console.log(`connect-mode phase 1 (${i.name}): ${JSON.stringify(r)}; heartbeat ${JSON.stringify(d.heartbeat)}`);
      for (const [k, end] of Object.entries(FIRST)) {
        expect(r[k], `${i.name} ${k}`).toEqual({ sourceEnd: end, lag: 0, basis: 'offset-sync', connectOffset: end, check: 'consistent' });
      }
      expect(d.heartbeat).toMatchObject({ expected: false, reason: 'not expected: no heartbeats topic', lastTimestampMs: null });
      expect(d.failover).toMatchObject({ ready: true, reasons: [] });
      const cp = d.checkpoints.find((c) => c.group === GROUP)!;
      expect(cp.partitions.find((p) => p.topic === 'orders' && p.partition === 0)).toMatchObject({ upstreamOffset: 5, committedOffset: 5 });
      const exp = (await scrapeMetrics(i.url)).exposition;
      expect(gauge(exp, 'mm2_heartbeat_expected', { source: S, target: T }), i.name).toBe(0);
      expect(gauge(exp, 'mm2_heartbeat_age_seconds', { source: S, target: T }), i.name).toBeUndefined();
    }
  });

  it('2. source connector paused: lag is exactly what was produced since, per partition (basis offset-sync); 0 again after resume', async () => {
    const r = await fetch(`${connect.url}/connectors/${encodeURIComponent(SOURCE_CONNECTOR)}/pause`, { method: 'PUT' });
    expect(r.status).toBe(202);
    await waitUntil(
      'the source connector to report PAUSED',
      async () => {
        const s = (await (await fetch(`${connect.url}/connectors/${encodeURIComponent(SOURCE_CONNECTOR)}/status`)).json()) as { connector: { state: string }; tasks: { state: string }[] };
        return s.connector.state === 'PAUSED' && s.tasks.every((t) => t.state === 'PAUSED') ? pass(s) : fail(s);
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    for (const [key, count] of Object.entries(WHILE_PAUSED)) {
      const [topic, p] = key.split('/') as [string, string];
      await produce(east, topic, { partition: Number(p), count, keyPrefix: `paused-${key}` });
    }
    const ends = sum(FIRST, WHILE_PAUSED);
    const got = await waitAll(
      'lag to equal what was produced while paused',
      (d) => Object.entries(WHILE_PAUSED).every(([k, n]) => rows(d)[k]?.lag === n && rows(d)[k]?.sourceEnd === ends[k]),
      60_000,
    );
    for (const i of instances) {
      const rr = rows(got[i.name]!);
      console.log(`connect-mode phase 2 paused (${i.name}): ${JSON.stringify(rr)}`);
      for (const [k, n] of Object.entries(WHILE_PAUSED)) {
        expect(rr[k], `${i.name} ${k}`).toMatchObject({ lag: n, basis: 'offset-sync', connectOffset: FIRST[k], check: 'consistent' });
      }
    }
    const resumed = await fetch(`${connect.url}/connectors/${encodeURIComponent(SOURCE_CONNECTOR)}/resume`, { method: 'PUT' });
    expect(resumed.status).toBe(202);
    const after = await waitAll('lag 0 again after resume, Connect offsets caught up', caughtUp(ends), 90_000);
    for (const i of instances) {
      const rr = rows(after[i.name]!);
      for (const k of Object.keys(ends)) expect(rr[k], `${i.name} ${k}`).toMatchObject({ lag: 0, basis: 'offset-sync', connectOffset: ends[k], check: 'consistent' });
    }
    const real = Object.fromEntries((await Promise.all(TOPICS.map(async (t) => (await endOffsets(west, `${S}.${t}`)).map((e) => [`${t}/${e.partition}`, e.end] as const)))).flat());
    expect(real).toEqual(ends);
  });

  it('3. with a heartbeat connector emitting into us-east: heartbeats expected and fresh, failover-ready', async () => {
    await connect.putConnector(HEARTBEAT_CONNECTOR, {
      'connector.class': 'org.apache.kafka.connect.mirror.MirrorHeartbeatConnector',
      'source.cluster.alias': T,
      'target.cluster.alias': S,
      'source.cluster.bootstrap.servers': west.bootstrap,
      'target.cluster.bootstrap.servers': east.bootstrap,
      'producer.override.bootstrap.servers': east.bootstrap,
      'heartbeats.topic.replication.factor': '1',
      'emit.heartbeats.interval.seconds': '1',
      'tasks.max': '1',
    });
    await connect.waitRunning(HEARTBEAT_CONNECTOR);
    const got = await waitAll(
      'heartbeats expected and fresh',
      (d) => d.heartbeat.expected && d.heartbeat.ageSeconds !== null && d.heartbeat.ageSeconds < 5 && d.failover.ready,
      120_000,
    );
    for (const i of instances) {
      const d = got[i.name]!;
      console.log(`connect-mode phase 3 (${i.name}): heartbeat ${JSON.stringify(d.heartbeat)}`);
      expect(d.heartbeat.reason).toBeUndefined();
      expect(d.heartbeat.topic).toBe(`${S}.heartbeats`);
      const exp = (await scrapeMetrics(i.url)).exposition;
      expect(gauge(exp, 'mm2_heartbeat_expected', { source: S, target: T }), i.name).toBe(1);
      expect(gauge(exp, 'mm2_heartbeat_age_seconds', { source: S, target: T }), i.name).toBeLessThan(5);
    }
  });

  it('4. heartbeat connector deleted: the heartbeats topic exists, so heartbeats stay expected and the stop is caught', async () => {
    await connect.deleteConnector(HEARTBEAT_CONNECTOR);
    const got = await waitAll(
      `heartbeat age above ${MAX_HEARTBEAT_AGE_S} s and the flow not failover-ready`,
      (d) => d.heartbeat.expected && (d.heartbeat.ageSeconds ?? 0) > MAX_HEARTBEAT_AGE_S && !d.failover.ready,
      90_000,
    );
    for (const i of instances) {
      const d = got[i.name]!;
      console.log(`connect-mode phase 4 (${i.name}): heartbeat ${JSON.stringify(d.heartbeat)}; failover ${JSON.stringify(d.failover.reasons)}`);
      expect(d.failover.reasons.some((r) => r.startsWith('heartbeat stale'))).toBe(true);
    }
  });
});
