// `mirrorwatch discover` against real Kafka and a real MM2 (dedicated mode): active-passive,
// active-active, a hub of three clusters, a custom separator and the identity policy. Three
// clusters are shared by all cases; MM2 is restarted with other properties between them, and the
// topics a case leaves behind (MM2's and the copies) are deleted first where the next case needs
// a clean slate. Each case asserts the flows, the heartbeat-only herders, the policy and the
// separator exactly, and loads the YAML it printed through the real loader.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CommandIo } from '../../src/cli/commandIo.js';
import { runDiscover } from '../../src/cli/discoverCommand.js';
import { loadConfig } from '../../src/config/load.js';
import type { DiscoveryResult } from '../../src/core/discovery.js';
import type { MirrorwatchConfig } from '../../src/core/types.js';
import { createTopic, deleteTopic, listTopics, produce, startCluster, startMirrorMaker } from '../harness/kafka.js';
import type { KafkaCluster, MirrorFlow, MirrorMaker } from '../harness/kafka.js';
import { newRunDir } from '../harness/paths.js';
import { useIntegrationHarness } from './helpers/setup.js';
import { fail, pass, waitUntil } from './helpers/wait.js';

useIntegrationHarness();

const EAST = 'us-east';
const WEST = 'us-west';
const HUB = 'eu-central';
/** Data topics per cluster, with their partition counts. */
const DATA: Record<string, Record<string, number>> = {
  [EAST]: { orders: 3, payments: 2 },
  [WEST]: { users: 2 },
  [HUB]: { invoices: 1 },
};
const IDENTITY = 'org.apache.kafka.connect.mirror.IdentityReplicationPolicy';
const REPO = join(import.meta.dirname, '..', '..');

let east: KafkaCluster;
let west: KafkaCluster;
let hub: KafkaCluster;
let mm: MirrorMaker | null = null;
let runDir: string;

interface Discovered {
  code: number;
  out: string;
  err: string;
  result: (DiscoveryResult & { yaml: string | null }) | null;
}

async function discoverJson(bootstrap: string[]): Promise<Discovered> {
  let out = '';
  let err = '';
  const io: CommandIo = {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env: {},
    now: Date.now,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  };
  const code = await runDiscover({ bootstrap, json: true }, io);
  return { code, out, err, result: code === 2 ? null : (JSON.parse(out) as DiscoveryResult & { yaml: string | null }) };
}

const flowNames = (r: DiscoveryResult): string[] => r.flows.map((f) => `${f.source}->${f.target}`);
const herderNames = (r: DiscoveryResult): string[] => r.heartbeatOnlyHerders.map((h) => `${h.source}->${h.target}`);

interface Expected {
  flows: string[];
  herders: string[];
  /** Per flow: topics that must be seen as copies (prefixed names, or same names for identity). */
  copies: Record<string, string[]>;
  identity?: boolean;
}

/** Every expected flow fully visible: heartbeats copied and dated, checkpoints, offset syncs, copies. */
function complete(r: DiscoveryResult, want: Expected): boolean {
  if (flowNames(r).join() !== want.flows.join() || herderNames(r).join() !== want.herders.join()) return false;
  return r.flows.every((f) => {
    const e = f.evidence;
    const copies = want.identity ? e.sameNameTopics : (e.remoteTopics?.topics ?? []);
    return (
      e.remoteHeartbeats.length > 0 &&
      f.lastHeartbeatAgeSeconds !== null &&
      e.checkpoints.length > 0 &&
      e.offsetSyncs.length > 0 &&
      (want.copies[`${f.source}->${f.target}`] ?? []).every((t) => copies.includes(t))
    );
  });
}

async function discoverUntil(what: string, bootstrap: string[], want: Expected): Promise<DiscoveryResult & { yaml: string | null }> {
  return waitUntil(
    what,
    async () => {
      const d = await discoverJson(bootstrap);
      if (!d.result) return fail(d.err);
      return complete(d.result, want)
        ? pass(d.result)
        : fail({ flows: flowNames(d.result), herders: herderNames(d.result), evidence: d.result.flows.map((f) => ({ flow: `${f.source}->${f.target}`, ...f.evidence, heartbeatKeys: f.evidence.heartbeatKeys.length })) });
    },
    { timeoutMs: 120_000, intervalMs: 1000 },
  );
}

function loadYaml(yaml: string | null, name: string): MirrorwatchConfig {
  expect(yaml).not.toBeNull();
  const file = join(runDir, `${name}.yaml`);
  writeFileSync(file, yaml!);
  return loadConfig(file, {});
}

async function startMm2(clusters: KafkaCluster[], flows: MirrorFlow[], extraProps: Record<string, string> = {}): Promise<void> {
  mm = await startMirrorMaker({ clusters, flows, extraProps });
}

async function stopMm2(): Promise<void> {
  await mm?.stop();
  mm = null;
}

/** Deletes every topic but Kafka's and the data topics, and waits until they are gone. */
async function clearMm2Topics(): Promise<void> {
  await stopMm2();
  for (const c of [east, west, hub]) {
    const keep = new Set(Object.keys(DATA[c.alias] ?? {}));
    const doomed = (await listTopics(c)).filter((t) => !t.startsWith('__') && !keep.has(t));
    for (const t of doomed) await deleteTopic(c, t);
    await waitUntil(
      `MM2's topics to be gone from ${c.alias}`,
      async () => {
        const left = (await listTopics(c)).filter((t) => doomed.includes(t));
        return left.length === 0 ? pass(true) : fail(left);
      },
      { timeoutMs: 60_000 },
    );
  }
}

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      cwd: REPO,
      env: { ...process.env, MIRRORWATCH_CONFIG: '', NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  runDir = newRunDir('discover');
  [east, west, hub] = await Promise.all([startCluster({ alias: EAST }), startCluster({ alias: WEST }), startCluster({ alias: HUB })]);
  for (const c of [east, west, hub]) {
    for (const [topic, partitions] of Object.entries(DATA[c.alias]!)) {
      await createTopic(c, topic, partitions);
      for (let p = 0; p < partitions; p++) await produce(c, topic, { partition: p, count: 3 + p, keyPrefix: `${topic}-${p}` });
    }
  }
});

describe('mirrorwatch discover on real MM2', () => {
  it('active-passive: aliases learned from heartbeats, the reverse herder only beats; the CLI prints YAML that check-config accepts', async () => {
    await startMm2([east, west], [{ source: EAST, target: WEST }]);
    const r = await discoverUntil('discover to see us-east->us-west', [east.bootstrap, west.bootstrap], {
      flows: [`${EAST}->${WEST}`],
      herders: [`${WEST}->${EAST}`],
      copies: { [`${EAST}->${WEST}`]: ['us-east.orders', 'us-east.payments'] },
    });
    expect(r.clusters.map((c) => [c.alias, c.aliasFrom])).toEqual([
      [EAST, 'heartbeats'],
      [WEST, 'heartbeats'],
    ]);
    expect(r.policy).toMatchObject({ kind: 'default', separator: '.', internalSeparatorEnabled: true, confidence: 'high' });
    const f = r.flows[0]!;
    expect(f.evidence.remoteHeartbeats).toEqual([{ cluster: WEST, topic: 'us-east.heartbeats' }]);
    expect(f.evidence.checkpoints).toEqual([{ cluster: WEST, topic: 'us-east.checkpoints.internal' }]);
    expect(f.evidence.offsetSyncs.map((o) => [o.cluster, o.topic, o.location])).toEqual([[EAST, 'mm2-offset-syncs.us-west.internal', 'source']]);
    expect(f.evidence.remoteTopics).toMatchObject({ cluster: WEST, prefix: 'us-east.' });
    expect(f.evidence.remoteTopics!.topics).toEqual(['us-east.orders', 'us-east.payments']);
    expect(f.evidence.connectInternal.map((t) => t.topic)).toEqual(['mm2-configs.us-east.internal', 'mm2-offsets.us-east.internal', 'mm2-status.us-east.internal']);
    // The key of herder us-east->us-west in us-west's heartbeats, and the one copied from us-east.
    expect(f.evidence.heartbeatKeys.map((h) => `${h.topic}@${h.cluster}:${h.source}->${h.target}`)).toEqual([
      'heartbeats@us-west:us-east->us-west',
      'us-east.heartbeats@us-west:us-west->us-east',
    ]);
    expect(f.heartbeats).toBe(true);

    const cfg = loadYaml(r.yaml, 'active-passive');
    expect(cfg.clusters.map((c) => [c.alias, c.bootstrapServers])).toEqual([
      [EAST, [east.bootstrap]],
      [WEST, [west.bootstrap]],
    ]);
    expect(cfg.flows.map((x) => [x.source, x.target, x.heartbeatsExpected, x.offsetSyncsTopicLocation])).toEqual([[EAST, WEST, true, 'source']]);
    expect(cfg.replicationPolicy).toMatchObject({ kind: 'default', separator: '.' });

    // The command as users run it: YAML on stdout, progress on stderr, then check-config on it.
    const cli = await runCli(['discover', '--bootstrap', east.bootstrap, '--bootstrap', `${WEST}=${west.bootstrap}`, '--yaml']);
    expect(cli.code).toBe(0);
    expect(cli.stderr).toMatch(/mirrorwatch discover: found 1 flow\(s\)/);
    const file = join(runDir, 'cli.yaml');
    writeFileSync(file, cli.stdout);
    const check = await runCli(['check-config', '-c', file]);
    expect(check.stderr).toBe('');
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('flow us-east->us-west: topics .*');
    expect(check.stdout).toContain('replication policy: default (separator ".")');

    const unreachable = await runCli(['discover', '--bootstrap', east.bootstrap, '--bootstrap', 'gone=127.0.0.1:1']);
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toMatch(/cannot read the cluster at --bootstrap gone=127\.0\.0\.1:1/);
  });

  it('nothing to find: exit 1 naming what was looked at', async () => {
    const d = await discoverJson([hub.bootstrap]);
    expect(d.code).toBe(1);
    expect(d.result!.flows).toEqual([]);
    expect(d.err).toMatch(/found no MM2 flow between the given clusters\. Looked at:\n {2}127\.0\.0\.1:\d+: 1 topics; MM2 topics: none/);
  });

  it('active-active: MM2 restarted with the reverse flow enabled; both flows, no heartbeat-only herder', async () => {
    await stopMm2();
    await startMm2([east, west], [
      { source: EAST, target: WEST },
      { source: WEST, target: EAST },
    ]);
    const r = await discoverUntil('discover to see both flows', [east.bootstrap, west.bootstrap], {
      flows: [`${EAST}->${WEST}`, `${WEST}->${EAST}`],
      herders: [],
      copies: { [`${EAST}->${WEST}`]: ['us-east.orders', 'us-east.payments'], [`${WEST}->${EAST}`]: ['us-west.users'] },
    });
    expect(r.policy).toMatchObject({ kind: 'default', separator: '.', internalSeparatorEnabled: true, confidence: 'high' });
    expect(r.flows.map((f) => [f.evidence.remoteTopics?.topics, f.offsetSyncsTopicLocation])).toEqual([
      [['us-east.orders', 'us-east.payments'], 'source'],
      [['us-west.users'], 'source'],
    ]);
    const cfg = loadYaml(r.yaml, 'active-active');
    expect(cfg.flows.map((x) => `${x.source}->${x.target}`)).toEqual([`${EAST}->${WEST}`, `${WEST}->${EAST}`]);
  });

  it('hub of three: two spokes into eu-central (given by alias), four heartbeat-only herders', async () => {
    await clearMm2Topics();
    await startMm2([east, west, hub], [
      { source: EAST, target: HUB },
      { source: WEST, target: HUB },
    ]);
    const r = await discoverUntil('discover to see both spokes', [east.bootstrap, west.bootstrap, `${HUB}=${hub.bootstrap}`], {
      flows: [`${EAST}->${HUB}`, `${WEST}->${HUB}`],
      herders: [`${HUB}->${EAST}`, `${HUB}->${WEST}`, `${EAST}->${WEST}`, `${WEST}->${EAST}`],
      copies: { [`${EAST}->${HUB}`]: ['us-east.orders', 'us-east.payments'], [`${WEST}->${HUB}`]: ['us-west.users'] },
    });
    expect(r.clusters.map((c) => [c.alias, c.aliasFrom])).toEqual([
      [EAST, 'heartbeats'],
      [WEST, 'heartbeats'],
      [HUB, 'given'],
    ]);
    expect(r.policy).toMatchObject({ kind: 'default', separator: '.', internalSeparatorEnabled: true, confidence: 'high' });
    const cfg = loadYaml(r.yaml, 'hub');
    expect(cfg.clusters.map((c) => c.alias)).toEqual([EAST, WEST, HUB]);
    expect(cfg.flows.map((x) => `${x.source}->${x.target}`)).toEqual([`${EAST}->${HUB}`, `${WEST}->${HUB}`]);
  });

  it('custom separator "_": remote topics, heartbeats and internal topics all use it', async () => {
    await clearMm2Topics();
    await startMm2([east, west], [{ source: EAST, target: WEST }], { 'replication.policy.separator': '_' });
    const r = await discoverUntil('discover to see us-east->us-west with "_"', [east.bootstrap, west.bootstrap], {
      flows: [`${EAST}->${WEST}`],
      herders: [`${WEST}->${EAST}`],
      copies: { [`${EAST}->${WEST}`]: ['us-east_orders', 'us-east_payments'] },
    });
    expect(r.policy).toMatchObject({ kind: 'default', separator: '_', internalSeparatorEnabled: true, confidence: 'high' });
    const e = r.flows[0]!.evidence;
    expect(e.remoteHeartbeats.map((t) => t.topic)).toEqual(['us-east_heartbeats']);
    expect(e.checkpoints.map((t) => t.topic)).toEqual(['us-east_checkpoints_internal']);
    expect(e.offsetSyncs.map((t) => t.topic)).toEqual(['mm2-offset-syncs_us-west_internal']);
    expect(e.remoteTopics).toMatchObject({ prefix: 'us-east_', topics: ['us-east_orders', 'us-east_payments'] });
    const cfg = loadYaml(r.yaml, 'separator');
    expect(cfg.replicationPolicy).toMatchObject({ kind: 'default', separator: '_' });
  });

  it('identity policy: no prefixed copies, same names and partition counts, heartbeats keep their prefix', async () => {
    await clearMm2Topics();
    await startMm2([east, west], [{ source: EAST, target: WEST }], { 'replication.policy.class': IDENTITY });
    const r = await discoverUntil('discover to see us-east->us-west under the identity policy', [east.bootstrap, west.bootstrap], {
      flows: [`${EAST}->${WEST}`],
      herders: [`${WEST}->${EAST}`],
      copies: { [`${EAST}->${WEST}`]: ['orders', 'payments'] },
      identity: true,
    });
    expect(r.policy).toMatchObject({ kind: 'identity', separator: '.', internalSeparatorEnabled: true, confidence: 'high' });
    const f = r.flows[0]!;
    expect(f.evidence.remoteTopics).toBeNull();
    expect(f.evidence.sameNameTopics).toEqual(['orders', 'payments']);
    expect(f.evidence.remoteHeartbeats.map((t) => t.topic)).toEqual(['us-east.heartbeats']);
    expect(f.policy.reasons[0]).toMatch(/same name \(orders, payments\), with the same partition counts/);
    const cfg = loadYaml(r.yaml, 'identity');
    expect(cfg.replicationPolicy).toMatchObject({ kind: 'identity', separator: '.' });
    expect(cfg.flows.map((x) => [x.source, x.target, x.heartbeatsExpected])).toEqual([[EAST, WEST, true]]);
    await stopMm2();
  });
});
