// The record-count audit on real Kafka and MM2 (Kafka from $KAFKA_VERSION, default 4.4.0), each
// figure checked against ground truth taken by consuming both sides: no false findings over many
// buckets (idle, steady and out-of-order CreateTime traffic); MM2 killed with kill -9 under steady
// traffic: duplicates per partition equal to the records the target really holds twice; records
// deleted on the source before MM2 copied them: missing equal to the records deleted; MM2 with
// exactly.once.support enabled, killed the same way: no duplicates, reported or present.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Producer } from 'kafkajs';
import { createTopic, deleteRecords, endOffsets, kafkaClient, produce, readRecords, startMirrorMaker, waitFor } from '../harness/kafka.js';
import type { KafkaCluster, MirrorMaker, RawRecord } from '../harness/kafka.js';
import { startEastWest, useIntegrationHarness } from './helpers/setup.js';
import { mirrorwatchYaml } from './helpers/mirrorwatch.js';
import { gauge, getJson, scrapeMetrics } from './helpers/figures.js';
import { loadConfig } from '../../src/config/load.js';
import { startDaemon } from '../../src/daemon.js';
import type { Daemon } from '../../src/daemon.js';
import type { AuditFlowView } from '../../src/poller/auditLoop.js';
import { newRunDir } from '../harness/paths.js';
import { freePort } from '../harness/ports.js';
import { startTraffic } from './helpers/traffic.js';
import { createLogger } from '../../src/log.js';
import { noopTelemetry } from '../../src/core/telemetry.js';
import { KafkajsPort } from '../../src/kafka/kafkajsPort.js';
import type { ClusterConfig } from '../../src/core/types.js';
import { CountAuditor } from '../../src/poller/countAuditor.js';
import type { AuditedPartition, BucketResult, LogEnds } from '../../src/poller/countAuditor.js';
import { TopicPartitionMap } from '../../src/kafka/topicPartitionMap.js';
import type { Telemetry } from '../../src/core/telemetry.js';

useIntegrationHarness();

const SOURCE = 'us-east';
const TARGET = 'us-west';
const BUCKET_MS = 1000;
const SETTLE_MS = 3000;
const remote = (topic: string): string => `${SOURCE}.${topic}`;
const CONFIG_TOPICS = ['compacted', 'appendtime', 'srcappend'];

let east: KafkaCluster;
let west: KafkaCluster;
let mm: MirrorMaker;
const ports: KafkajsPort[] = [];
let daemon: Daemon | null = null;

/** The daemon with its count audit on, buckets as the test's: the `audit:` section of the YAML. */
async function startAuditingDaemon(topics: string[] = ['crash']): Promise<Daemon> {
  const dir = newRunDir('mirrorwatch-audit');
  const file = join(dir, 'mirrorwatch.yaml');
  writeFileSync(
    file,
    mirrorwatchYaml({ clusters: [east, west], flows: [{ source: SOURCE, target: TARGET, topics }], requestTimeout: '3s', connectionTimeout: '2s', pollInterval: '2s', pollTimeout: '1900ms', logLevel: 'warn' }) +
      `audit:\n  enabled: true\n  bucket: ${BUCKET_MS}ms\n  settle: ${SETTLE_MS}ms\n  judgeAfter: 60s\n`,
  );
  const config = loadConfig(file);
  return startDaemon({ config, logger: createLogger('error'), httpPort: 0, httpHost: '127.0.0.1' });
}

function port(c: KafkaCluster, telemetry: Telemetry = noopTelemetry): KafkajsPort {
  const cfg: ClusterConfig = { alias: c.alias, bootstrapServers: [c.bootstrap], clientId: 'mirrorwatch-audit-test', connectionTimeoutMs: 3000, requestTimeoutMs: 10_000 };
  const p = new KafkajsPort(cfg, { logger: createLogger('silent'), telemetry });
  ports.push(p);
  return p;
}

/** Requests per cluster and API, as mirrorwatch_kafka_requests_total counts them. */
class RequestCount implements Telemetry {
  readonly requests = new Map<string, number>();
  kafkaRequest(cluster: string, api: string): void {
    const k = `${cluster} ${api}`;
    this.requests.set(k, (this.requests.get(k) ?? 0) + 1);
  }
  pollError(): void {}
  decodeError(): void {}
  get(cluster: string, api: string): number {
    return this.requests.get(`${cluster} ${api}`) ?? 0;
  }
}

function auditor(telemetry: Telemetry = noopTelemetry): CountAuditor {
  return new CountAuditor({
    source: port(east, telemetry),
    target: port(west, telemetry),
    bucketMs: BUCKET_MS,
    settleMs: SETTLE_MS,
    judgeAfterMs: 60_000,
    countMaxOffsets: 100_000,
    now: Date.now,
  });
}

const partitionsOf = (topic: string, n: number): AuditedPartition[] =>
  Array.from({ length: n }, (_, partition) => ({ topic, remoteTopic: remote(topic), partition }));

let pollPorts: { source: KafkajsPort; target: KafkajsPort } | null = null;

/**
 * Log starts and ends as the daemon's poll hands them to the audit: read just before the cycle on
 * ports of their own (the daemon's polls use other connections than its audit).
 */
async function polledEnds(partitions: AuditedPartition[]): Promise<{ source: LogEnds; target: LogEnds }> {
  pollPorts ??= { source: port(east), target: port(west) };
  const [s, t] = await Promise.all([
    pollPorts.source.fetchOffsets(partitions.map((p) => ({ topic: p.topic, partition: p.partition }))),
    pollPorts.target.fetchOffsets(partitions.map((p) => ({ topic: p.remoteTopic, partition: p.partition }))),
  ]);
  const map = (offsets: { topic: string; partition: number; start: number; end: number }[]): LogEnds => {
    const m: LogEnds = new TopicPartitionMap();
    for (const o of offsets) m.set(o, { start: o.start, end: o.end });
    return m;
  };
  return { source: map(s), target: map(t) };
}

/** Runs audit cycles until `done` says the decided buckets are enough; returns them all. */
async function audit(a: CountAuditor, partitions: AuditedPartition[], done: (decided: BucketResult[]) => boolean, timeoutMs: number): Promise<BucketResult[]> {
  const decided: BucketResult[] = [];
  const deadline = Date.now() + timeoutMs;
  while (!done(decided)) {
    if (Date.now() > deadline) throw new Error(`audit: not done after ${timeoutMs} ms; ${decided.length} buckets decided, ${a.pendingBuckets} pending`);
    decided.push(...(await a.cycle(partitions, undefined, await polledEnds(partitions))));
    await new Promise((r) => setTimeout(r, 300));
  }
  return decided;
}

interface PartitionFigures {
  judged: number;
  cannotJudge: string[];
  sourceRecords: number;
  targetRecords: number;
  missing: number;
  duplicated: number;
}

function perPartition(results: BucketResult[], topic: string, partitions: number): PartitionFigures[] {
  const out = Array.from({ length: partitions }, (): PartitionFigures => ({ judged: 0, cannotJudge: [], sourceRecords: 0, targetRecords: 0, missing: 0, duplicated: 0 }));
  for (const b of results) {
    for (const p of b.partitions) {
      if (p.topic !== topic) continue;
      const f = out[p.partition]!;
      const v = p.verdict;
      if (v.kind === 'judged') {
        f.judged++;
        f.sourceRecords += v.sourceRecords;
        f.targetRecords += v.targetRecords;
        f.missing += v.missing;
        f.duplicated += v.duplicated;
      } else if (v.kind === 'cannot_judge') {
        f.cannotJudge.push(`${new Date(b.startMs).toISOString()} ${v.reason}: ${v.detail}`);
      }
    }
  }
  return out;
}

/**
 * Ground truth for [fromMs, toMs), from records consumed on both sides: per partition, the records
 * from the first one stamped at or after fromMs up to the first one stamped at or after toMs (the
 * audit's definition of a range, which out-of-order timestamps make differ from "stamped in the
 * range"); target copies beyond the first; source records absent from the target.
 */
function truth(source: RawRecord[], target: RawRecord[], partitions: number, fromMs: number, toMs: number) {
  const slice = (records: RawRecord[], p: number) => {
    const mine = records.filter((r) => r.partition === p).sort((a, b) => a.offset - b.offset);
    const at = (t: number) => {
      const i = mine.findIndex((r) => r.timestamp >= t);
      return i < 0 ? mine.length : i;
    };
    return mine.slice(at(fromMs), at(toMs));
  };
  const key = (r: RawRecord) => `${r.key?.toString('utf8')}|${r.value?.toString('utf8')}`;
  return Array.from({ length: partitions }, (_, p) => {
    const s = slice(source, p);
    const t = slice(target, p);
    const seen = new Set(t.map(key));
    return {
      sourceRecords: s.length,
      targetRecords: t.length,
      duplicated: t.length - seen.size,
      missing: s.filter((r) => !seen.has(key(r))).length,
    };
  });
}

interface CliAudit {
  exitCode: number;
  stderr: string;
  json: { exitCode: number; partitions: { topic: string; partition: number; sourceRecords: number; targetRecords: number; missing: number; duplicated: number; reasons: Record<string, number> }[] } | null;
}

/** `mirrorwatch audit` as a user runs it, on a config naming both clusters. */
function cliAudit(topic: string, fromMs: number, toMs: number): Promise<CliAudit> {
  const dir = newRunDir('audit-cli');
  const config = join(dir, 'mirrorwatch.yaml');
  writeFileSync(config, mirrorwatchYaml({ clusters: [east, west], flows: [{ source: SOURCE, target: TARGET }], requestTimeout: '5s', connectionTimeout: '3s', pollInterval: '30s', pollTimeout: '20s' }));
  const args = ['--import', 'tsx', 'src/cli/main.ts', 'audit', '--flow', `${SOURCE}->${TARGET}`, '--topic', topic, '--from', String(fromMs), '--to', String(toMs), '--bucket', `${BUCKET_MS}ms`, '--settle', '0s', '--json', '-c', config];
  return new Promise((resolve) => {
    execFile(process.execPath, args, { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: number }).code ?? -1) : 0;
      let json: CliAudit['json'] = null;
      try {
        json = JSON.parse(stdout) as CliAudit['json'];
      } catch {
        // stays null: the assertion shows stderr
      }
      resolve({ exitCode: typeof code === 'number' ? code : -1, stderr, json });
    });
  });
}

/** Every record a read_committed consumer gets from `topic`, once at least `atLeast` arrived and 3 s passed without more. */
async function readCommitted(cluster: KafkaCluster, topic: string, atLeast: number): Promise<RawRecord[]> {
  const records: RawRecord[] = [];
  const consumer = kafkaClient(cluster).consumer({ groupId: `__mw-audit-reader-${Date.now()}`, sessionTimeout: 10_000, heartbeatInterval: 1000 });
  let lastAt = Date.now();
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        records.push({ topic, partition, offset: Number(message.offset), timestamp: Number(message.timestamp), key: message.key, value: message.value });
        lastAt = Date.now();
      },
    });
    await waitFor(`${atLeast} committed records of ${topic}`, async () => records.length >= atLeast && Date.now() - lastAt > 3000, { timeoutMs: 90_000, intervalMs: 500 });
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
  return records;
}

async function caughtUp(topic: string): Promise<void> {
  await waitFor(
    `${remote(topic)} on ${TARGET} to hold every record of ${topic}`,
    async () => {
      const [s, t] = await Promise.all([endOffsets(east, topic), endOffsets(west, remote(topic)).catch(() => [])]);
      return s.every((e) => (t.find((x) => x.partition === e.partition)?.end ?? -1) >= e.end - e.start);
    },
    { timeoutMs: 90_000, intervalMs: 500 },
  );
}

beforeAll(async () => {
  [east, west] = await startEastWest();
  await Promise.all([
    createTopic(east, 'steady', 3),
    createTopic(east, 'idle', 2),
    createTopic(east, 'shuffled', 2),
    createTopic(east, 'crash', 3),
    createTopic(east, 'deleted', 2),
    // Configs the audit must not judge (compaction; a target stamping LogAppendTime, made before MM2
    // would create it: MM2 does not copy message.timestamp.type), and one it can (LogAppendTime on
    // the source only: MM2 copies the broker's stamps into a CreateTime target).
    createTopic(east, 'compacted', 2, { 'cleanup.policy': 'compact' }),
    createTopic(east, 'appendtime', 2),
    createTopic(west, remote('appendtime'), 2, { 'message.timestamp.type': 'LogAppendTime' }),
    createTopic(east, 'srcappend', 2, { 'message.timestamp.type': 'LogAppendTime' }),
  ]);
  for (const t of CONFIG_TOPICS) await produce(east, t, { partition: 0, count: 5, keyPrefix: `${t}-warmup` });
  for (const t of ['steady', 'shuffled', 'crash', 'deleted']) await produce(east, t, { partition: 0, count: 5, keyPrefix: `${t}-warmup` });
  mm = await startMirrorMaker({
    clusters: [east, west],
    flows: [{ source: SOURCE, target: TARGET, topics: `steady|idle|shuffled|crash|deleted|${CONFIG_TOPICS.join('|')}` }],
    // Source positions committed every 4 s: a kill -9 leaves up to 4 s of copied records to copy again.
    extraProps: { [`${TARGET}.offset.flush.interval.ms`]: '4000' },
  });
  for (const t of ['steady', 'shuffled', 'crash', 'deleted', ...CONFIG_TOPICS]) await caughtUp(t);
}, 180_000);

afterAll(async () => {
  await daemon?.stop();
  await Promise.allSettled(ports.map((p) => p.close()));
});

describe('count audit on real MM2', () => {
  it('finds nothing over 30+ buckets of idle, steady and out-of-order CreateTime traffic', async () => {
    const steady = await startTraffic({ cluster: east, topics: ['steady'], partitions: 3, intervalMs: 100, perRound: 3 });
    // Timestamps up to 900 ms in the past, in random order: records cross bucket boundaries out of order.
    const producer: Producer = kafkaClient(east).producer();
    await producer.connect();
    let shuffling = true;
    let shuffledCount = 0;
    const shuffle = (async () => {
      for (let round = 0; shuffling; round++) {
        const now = Date.now();
        const messages = Array.from({ length: 8 }, (_, i) => ({
          partition: i % 2,
          key: `s${round}-${i}`,
          value: `shuffled ${round}/${i}`,
          timestamp: String(now - Math.floor(Math.random() * 900)),
        }));
        await producer.send({ topic: 'shuffled', acks: -1, messages });
        shuffledCount += messages.length;
        await new Promise((r) => setTimeout(r, 120));
      }
    })();
    const requests = new RequestCount();
    const a = auditor(requests);
    const partitions = [...partitionsOf('steady', 3), ...partitionsOf('idle', 2), ...partitionsOf('shuffled', 2)];
    let results: BucketResult[];
    try {
      results = await audit(a, partitions, (d) => d.length >= 32, 120_000);
    } finally {
      shuffling = false;
      await shuffle;
      await producer.disconnect();
      await steady.stop();
    }
    expect(steady.error).toBeNull();
    const findings = results.flatMap((b) => b.partitions.filter((p) => p.verdict.kind !== 'judged' || p.verdict.missing > 0 || p.verdict.duplicated > 0).map((p) => ({ bucket: b.startMs, ...p })));
    expect(findings).toEqual([]);
    const fromMs = results[0]!.startMs;
    const toMs = results[results.length - 1]!.endMs;
    const counted = (topic: string, n: number) => perPartition(results, topic, n).map((f) => f.sourceRecords);
    // Ground truth: the records of each topic stamped in the audited range, read from both sides.
    for (const [topic, n] of [['steady', 3], ['shuffled', 2]] as const) {
      await caughtUp(topic);
      const [s, t] = await Promise.all([readRecords(east, topic), readRecords(west, remote(topic))]);
      const real = truth(s, t, n, fromMs, toMs);
      console.log(`(d) ${topic}: audit ${JSON.stringify(perPartition(results, topic, n))} truth ${JSON.stringify(real)}`);
      expect(counted(topic, n)).toEqual(real.map((r) => r.sourceRecords));
      expect(real.every((r) => r.duplicated === 0 && r.missing === 0 && r.targetRecords === r.sourceRecords)).toBe(true);
    }
    // Cost (the single broker of each cluster): ListOffsets by timestamp only, one per new
    // boundary on the source; on the target one per boundary plus re-reads of boundaries MM2 had
    // not copied past yet. Bound: two per broker per audited boundary.
    const boundaries = (a.sourceReadUntilMs - results[0]!.startMs) / BUCKET_MS + 1;
    const perBoundary = { source: requests.get(SOURCE, 'ListOffsets') / boundaries, target: requests.get(TARGET, 'ListOffsets') / boundaries };
    console.log(`(d) cost: ${results.length} buckets, ListOffsets per boundary ${JSON.stringify(perBoundary)}, requests ${JSON.stringify(Object.fromEntries(requests.requests))}`);
    expect(perBoundary.source).toBeLessThanOrEqual(1);
    expect(perBoundary.target).toBeLessThanOrEqual(2);
    expect(counted('idle', 2)).toEqual([0, 0]);
    expect(counted('steady', 3).every((n) => n > 0)).toBe(true);
    expect(shuffledCount).toBeGreaterThan(0);
  }, 200_000);

  it('counts the duplicates a kill -9 of MM2 leaves, per partition, as consuming the target does', async () => {
    daemon = await startAuditingDaemon();
    const traffic = await startTraffic({ cluster: east, topics: ['crash'], partitions: 3, intervalMs: 100, perRound: 10 });
    const a = auditor();
    const partitions = partitionsOf('crash', 3);
    let results: BucketResult[] = [];
    let stoppedAtMs = 0;
    try {
      // Let MM2 copy for a while without committing its position, then kill it.
      results = await audit(a, partitions, (d) => d.length >= 3, 60_000);
      await new Promise((r) => setTimeout(r, 2500));
      await mm.kill();
      await new Promise((r) => setTimeout(r, 1500));
      await mm.start();
      await caughtUp('crash');
      await new Promise((r) => setTimeout(r, 2000));
    } finally {
      await traffic.stop();
      stoppedAtMs = Date.now();
    }
    expect(traffic.error).toBeNull();
    await caughtUp('crash');
    results.push(...(await audit(a, partitions, (d) => (d[d.length - 1]?.endMs ?? 0) > stoppedAtMs + BUCKET_MS, 90_000)));
    const fromMs = results[0]!.startMs;
    const toMs = results[results.length - 1]!.endMs;
    const [s, t] = await Promise.all([readRecords(east, 'crash'), readRecords(west, remote('crash'))]);
    const real = truth(s, t, 3, fromMs, toMs);
    const seen = perPartition(results, 'crash', 3);
    console.log(`(a) kill -9: audit ${JSON.stringify(seen)} truth ${JSON.stringify(real)}`);
    expect(seen.map((f) => f.cannotJudge)).toEqual([[], [], []]);
    expect(seen.map((f) => f.duplicated)).toEqual(real.map((r) => r.duplicated));
    expect(seen.map((f) => f.missing)).toEqual(real.map((r) => r.missing));
    expect(seen.map((f) => f.sourceRecords)).toEqual(real.map((r) => r.sourceRecords));
    // The scenario did what it is for: MM2 really wrote records twice.
    expect(real.reduce((n, r) => n + r.duplicated, 0)).toBeGreaterThan(0);

    // The same range reviewed afterwards with the CLI: exit 1, the same figures.
    const cli = await cliAudit('crash', fromMs, toMs);
    console.log(`(a) CLI exit ${cli.exitCode}: ${JSON.stringify(cli.json?.partitions)} ${cli.stderr}`);
    expect(cli.exitCode, cli.stderr).toBe(1);
    expect(cli.json?.partitions.map((p) => p.duplicated)).toEqual(real.map((r) => r.duplicated));
    expect(cli.json?.partitions.map((p) => p.missing)).toEqual([0, 0, 0]);

    // The daemon audited the same flow on its own: its counters and API hold the same duplicates.
    const url = daemon.address.url;
    const labels = { source: SOURCE, target: TARGET, topic: 'crash' };
    const exp = await waitFor(
      'the daemon to have audited past the end of the traffic',
      async () => {
        const m = await scrapeMetrics(url);
        const until = gauge(m.exposition, 'mm2_audit_last_bucket_end_timestamp_seconds', { source: SOURCE, target: TARGET }) ?? 0;
        return until * 1000 > stoppedAtMs + BUCKET_MS && m.exposition;
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    const api = await getJson<AuditFlowView>(url, `/api/v1/flows/${SOURCE}/${TARGET}/audit`);
    const realTotal = real.reduce((n, r) => n + r.duplicated, 0);
    console.log(
      `(a) daemon: duplicated_total ${gauge(exp, 'mm2_audit_duplicated_records_total', labels)} missing_total ${gauge(exp, 'mm2_audit_missing_records_total', labels)} api ${JSON.stringify(api.body.topics.crash)} truth ${realTotal}`,
    );
    expect(gauge(exp, 'mm2_audit_duplicated_records_total', labels)).toBe(realTotal);
    expect(gauge(exp, 'mm2_audit_missing_records_total', labels)).toBe(0);
    expect(api.status).toBe(200);
    expect(api.body.topics.crash).toMatchObject({ duplicated: realTotal, missing: 0, cannotJudgeBuckets: 0 });
    expect(api.body.notJudged).toEqual([]);
    await daemon.stop();
    daemon = null;
  }, 240_000);

  it('counts records deleted on the source before MM2 copied them as missing', async () => {
    const a = auditor();
    const partitions = partitionsOf('deleted', 2);
    // Buckets that settle while this runs; records start after the auditor does.
    const startedMs = Date.now();
    await new Promise((r) => setTimeout(r, BUCKET_MS));
    const ends0 = await endOffsets(east, 'deleted');
    await Promise.all([0, 1].map((p) => produce(east, 'deleted', { partition: p, count: 20, keyPrefix: `copied-${p}` })));
    await caughtUp('deleted');
    await mm.stop();
    const deleteUncopied = [50, 30];
    const before = await endOffsets(east, 'deleted');
    await Promise.all([0, 1].map((p) => produce(east, 'deleted', { partition: p, count: 50, keyPrefix: `uncopied-${p}` })));
    const producedMs = Date.now();
    // The auditor reads the source once a bucket has settled: after that, the records may go.
    const results = await audit(a, partitions, () => a.sourceReadUntilMs > producedMs, 60_000);
    await deleteRecords(east, 'deleted', Object.fromEntries([0, 1].map((p) => [p, (before.find((e) => e.partition === p)?.end ?? 0) + deleteUncopied[p]!])));
    await mm.start();
    await Promise.all([0, 1].map((p) => produce(east, 'deleted', { partition: p, count: 10, keyPrefix: `after-${p}` })));
    const afterMs = Date.now();
    results.push(...(await audit(a, partitions, (d) => (d[d.length - 1]?.endMs ?? 0) > afterMs + BUCKET_MS && a.pendingBuckets === 0, 90_000)));
    const seen = perPartition(results, 'deleted', 2);
    // Ground truth: what was produced in the audited range (known: the producer counted it) against what the target holds.
    const t = await readRecords(west, remote('deleted'));
    const fromMs = results[0]!.startMs;
    const toMs = results[results.length - 1]!.endMs;
    expect(fromMs).toBeGreaterThanOrEqual(startedMs - SETTLE_MS - BUCKET_MS);
    const onTarget = [0, 1].map((p) => t.filter((r) => r.partition === p && r.timestamp >= fromMs && r.timestamp < toMs).length);
    const produced = [0, 1].map(() => 20 + 50 + 10);
    const realMissing = produced.map((n, p) => n - onTarget[p]!);
    console.log(`(b) deleted: audit ${JSON.stringify(seen)} produced ${JSON.stringify(produced)} on target ${JSON.stringify(onTarget)} start offsets ${JSON.stringify(ends0)}`);
    expect(realMissing).toEqual(deleteUncopied);
    expect(seen.map((f) => f.missing)).toEqual(realMissing);
    expect(seen.map((f) => f.duplicated)).toEqual([0, 0]);
    expect(seen.map((f) => f.sourceRecords)).toEqual(produced);
    expect(seen.map((f) => f.cannotJudge)).toEqual([[], []]);

    // Reviewed afterwards, the source no longer holds what was deleted: the CLI cannot count those
    // buckets on the source and says so (exit 3), rather than taking copies for duplicates.
    const cli = await cliAudit('deleted', fromMs, toMs);
    console.log(`(b) CLI exit ${cli.exitCode}: ${JSON.stringify(cli.json?.partitions)} ${cli.stderr}`);
    expect(cli.exitCode, cli.stderr).toBe(3);
    expect(cli.json?.partitions.map((p) => [p.missing, p.duplicated, (p.reasons.source_truncated ?? 0) > 0])).toEqual([
      [0, 0, true],
      [0, 0, true],
    ]);
  }, 240_000);

  it('does not judge a compacted topic or a target stamping LogAppendTime, and says why (daemon, API, metrics, CLI)', async () => {
    daemon = await startAuditingDaemon(CONFIG_TOPICS);
    const traffic = await startTraffic({ cluster: east, topics: CONFIG_TOPICS, partitions: 2, intervalMs: 100, perRound: 3 });
    let stoppedAtMs = 0;
    try {
      await new Promise((r) => setTimeout(r, 4000));
    } finally {
      await traffic.stop();
      stoppedAtMs = Date.now();
    }
    expect(traffic.error).toBeNull();
    for (const t of CONFIG_TOPICS) await caughtUp(t);
    const url = daemon.address.url;
    const exp = await waitFor(
      'the daemon to have audited past the end of the traffic',
      async () => {
        const m = await scrapeMetrics(url);
        const until = gauge(m.exposition, 'mm2_audit_last_bucket_end_timestamp_seconds', { source: SOURCE, target: TARGET }) ?? 0;
        return until * 1000 > stoppedAtMs + BUCKET_MS && m.exposition;
      },
      { timeoutMs: 90_000, intervalMs: 1000 },
    );
    const api = (await getJson<AuditFlowView>(url, `/api/v1/flows/${SOURCE}/${TARGET}/audit`)).body;
    console.log(`(config) daemon: ${JSON.stringify(api.topics)} not judged ${JSON.stringify(api.notJudged.map((n) => [n.topic, n.partition, n.reason]))} unknown ${JSON.stringify(api.configsUnknown)}`);
    const reasons = (topic: string) => [...new Set(api.notJudged.filter((n) => n.topic === topic).map((n) => n.reason))];
    expect(reasons('compacted')).toEqual(['compacted']);
    expect(reasons('appendtime')).toEqual(['log_append_time']);
    expect(reasons('srcappend')).toEqual([]);
    expect(api.notJudged.find((n) => n.topic === 'appendtime')?.detail).toContain(`LogAppendTime on ${TARGET} (${remote('appendtime')})`);
    for (const topic of ['compacted', 'appendtime']) {
      expect(api.topics[topic], topic).toMatchObject({ judgedBuckets: 0, missing: 0, duplicated: 0, sourceRecords: 0 });
      expect(api.topics[topic]!.cannotJudgeBuckets, topic).toBeGreaterThan(0);
      expect(gauge(exp, 'mm2_audit_missing_records_total', { source: SOURCE, target: TARGET, topic }), topic).toBe(0);
      expect(gauge(exp, 'mm2_audit_duplicated_records_total', { source: SOURCE, target: TARGET, topic }), topic).toBe(0);
    }
    expect(gauge(exp, 'mm2_audit_partitions_not_judged', { source: SOURCE, target: TARGET, topic: 'compacted', reason: 'compacted' })).toBe(2);
    expect(gauge(exp, 'mm2_audit_partitions_not_judged', { source: SOURCE, target: TARGET, topic: 'appendtime', reason: 'log_append_time' })).toBe(2);
    // LogAppendTime on the source alone: judged, and clean (MM2 did not lose or repeat anything here).
    expect(api.topics.srcappend).toMatchObject({ missing: 0, duplicated: 0, cannotJudgeBuckets: 0 });
    expect(api.topics.srcappend!.sourceRecords).toBeGreaterThan(0);
    expect(api.configsUnknown).toEqual([]);
    await daemon.stop();
    daemon = null;

    // The CLI reviewing the same time: not judged, exit 3, the reason per partition.
    const cli = await cliAudit('compacted', stoppedAtMs - 6000, stoppedAtMs);
    console.log(`(config) CLI exit ${cli.exitCode}: ${JSON.stringify(cli.json?.partitions)} ${cli.stderr}`);
    expect(cli.exitCode, cli.stderr).toBe(3);
    expect(cli.json?.partitions.map((p) => [p.missing, p.duplicated, p.sourceRecords, (p.reasons.compacted ?? 0) > 0])).toEqual([
      [0, 0, 0, true],
      [0, 0, 0, true],
    ]);
  }, 240_000);

  it('with exactly-once MM2 killed under traffic: zero duplicates reported, zero present (read_committed)', async () => {
    // The at-least-once MM2 is not needed any more; the exactly-once one gets Connect topics and a
    // group of its own, so nothing of the first one's state is reused.
    await mm.stop();
    await createTopic(east, 'eos', 3);
    const restPort = await freePort();
    const eos = await startMirrorMaker({
      clusters: [east, west],
      flows: [{ source: SOURCE, target: TARGET, topics: 'eos' }],
      extraProps: {
        // KIP-618/KIP-656: transactional source tasks on the worker that writes to us-west
        [`${TARGET}.exactly.once.source.support`]: 'enabled',
        // Dedicated mode needs its internal REST server for exactly-once (KIP-710).
        'dedicated.mode.enable.internal.rest': 'true',
        listeners: `http://127.0.0.1:${restPort}`,
        // Read only committed records from the source (matters when the source is transactional too).
        [`${SOURCE}.consumer.isolation.level`]: 'read_committed',
        [`${TARGET}.group.id`]: 'mm2-eos',
        [`${TARGET}.config.storage.topic`]: 'mm2-eos-configs.us-east.internal',
        [`${TARGET}.offset.storage.topic`]: 'mm2-eos-offsets.us-east.internal',
        [`${TARGET}.status.storage.topic`]: 'mm2-eos-status.us-east.internal',
        [`${TARGET}.offset.flush.interval.ms`]: '4000',
      },
    });
    const traffic = await startTraffic({ cluster: east, topics: ['eos'], partitions: 3, intervalMs: 100, perRound: 10 });
    const a = auditor();
    const partitions = partitionsOf('eos', 3);
    let results: BucketResult[] = [];
    let stoppedAtMs = 0;
    try {
      await waitFor('remote topic us-east.eos', async () => (await endOffsets(west, remote('eos')).catch(() => [])).some((e) => e.end > 0), { timeoutMs: 90_000, intervalMs: 500 });
      results = await audit(a, partitions, (d) => d.length >= 3, 60_000);
      await new Promise((r) => setTimeout(r, 2500));
      await eos.kill();
      await new Promise((r) => setTimeout(r, 1500));
      await eos.start();
      await new Promise((r) => setTimeout(r, 4000));
    } finally {
      await traffic.stop();
      stoppedAtMs = Date.now();
    }
    expect(traffic.error).toBeNull();
    results.push(...(await audit(a, partitions, (d) => (d[d.length - 1]?.endMs ?? 0) > stoppedAtMs + BUCKET_MS && a.pendingBuckets === 0, 120_000)));
    const fromMs = results[0]!.startMs;
    const toMs = results[results.length - 1]!.endMs;
    const produced = [...traffic.produced.values()].reduce((n, v) => n + v, 0);
    const s = await readRecords(east, 'eos');
    // Ground truth on the target: a read_committed consumer (kafkajs' default) until it has seen as
    // many records as were produced, then a little longer for any extra copy.
    const t = await readCommitted(west, remote('eos'), produced);
    const real = truth(s, t, 3, fromMs, toMs);
    const seen = perPartition(results, 'eos', 3);
    const ends = await endOffsets(west, remote('eos'));
    const offsetsOnTarget = ends.reduce((n, e) => n + e.end, 0);
    console.log(`(c) exactly-once kill -9: audit ${JSON.stringify(seen)} truth ${JSON.stringify(real)}; target offsets ${offsetsOnTarget} for ${t.length} records`);
    expect(real.map((r) => r.duplicated)).toEqual([0, 0, 0]);
    expect(real.map((r) => r.missing)).toEqual([0, 0, 0]);
    expect(seen.map((f) => f.cannotJudge)).toEqual([[], [], []]);
    expect(seen.map((f) => f.duplicated)).toEqual([0, 0, 0]);
    expect(seen.map((f) => f.missing)).toEqual([0, 0, 0]);
    expect(seen.map((f) => f.sourceRecords)).toEqual(real.map((r) => r.sourceRecords));
    // Exactly-once was in force: the target holds transaction markers (more offsets than records).
    expect(offsetsOnTarget).toBeGreaterThan(t.length);
    await eos.stop();
  }, 300_000);
});
