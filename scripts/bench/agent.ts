// The benchmark's agent: a child process wired like the daemon (src/daemon.ts) - Monitor with the
// kafkajs port, createMetrics publishing every snapshot, the fastify server - except that poll
// cycles run when the parent asks (Monitor.pollOnce), so each cycle's requests can be counted.
// Started by scripts/bench/agentClient.ts with the parent's tsx loader; speaks over IPC.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config/index.js';
import type { MirrorwatchConfig, Snapshot } from '../../src/core/types.js';
import { createHttpServer } from '../../src/http/index.js';
import type { HttpServer } from '../../src/http/index.js';
import { createKafkajsPort } from '../../src/kafka/kafkajsPort.js';
import { createLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics/index.js';
import type { Metrics } from '../../src/metrics/index.js';
import { Monitor } from '../../src/poller/monitor.js';
import { auditedPartitions, snapshotLogEnds } from '../../src/poller/auditLoop.js';
import { AUDIT_DEFAULTS, CountAuditor } from '../../src/poller/countAuditor.js';
import type { KafkaPort } from '../../src/kafka/port.js';
import { VERSION } from '../../src/version.js';
import { largeSnapshot } from '../../test/unit/helpers/snapshot.js';
import { bareExposition } from './bareBuilder.js';
import type {
  AgentReply,
  AgentRequest,
  AgentResponses,
  CycleResult,
  LogSummary,
  MemoryFigures,
  SnapshotSummary,
  SyntheticFigures,
} from './protocol.js';
import { countDelta } from './stats.js';

const MAX_WARNINGS_KEPT = 50;
const PINO_LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/** Keeps counts per level and the text of warnings: the bench reports them, nothing is printed. */
class LogCapture extends Writable {
  readonly summary: LogSummary = { levels: {}, warnings: [] };
  private pending = '';

  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.pending += chunk.toString('utf8');
    let nl: number;
    while ((nl = this.pending.indexOf('\n')) >= 0) {
      const line = this.pending.slice(0, nl);
      this.pending = this.pending.slice(nl + 1);
      this.take(line);
    }
    done();
  }

  private take(line: string): void {
    let entry: { level?: number; msg?: string };
    try {
      entry = JSON.parse(line) as { level?: number; msg?: string };
    } catch {
      return;
    }
    const level = PINO_LEVELS[entry.level ?? 0] ?? String(entry.level);
    this.summary.levels[level] = (this.summary.levels[level] ?? 0) + 1;
    if ((entry.level ?? 0) >= 40 && this.summary.warnings.length < MAX_WARNINGS_KEPT) this.summary.warnings.push(entry.msg ?? line);
  }
}

const logs = new LogCapture();
const logger = createLogger('info', logs);
// Each sample is the time between two ticks of a 2 ms timer, so the max is the longest block plus
// at most 2 ms: an upper bound, never an underestimate.
const eventLoop = monitorEventLoopDelay({ resolution: 2 });
eventLoop.enable();

let config: MirrorwatchConfig | null = null;
let metrics: Metrics | null = null;
let monitor: Monitor | null = null;
let http: HttpServer | null = null;
/** When the latest snapshot was handed to metrics.publish(), and how many were this cycle. */
let lastPublishAt = 0;
let publishes = 0;

function need<T>(value: T | null, what: string): T {
  if (value === null) throw new Error(`agent: ${what} not started (send "start" first)`);
  return value;
}

function memory(): MemoryFigures {
  const m = process.memoryUsage();
  return { rssBytes: m.rss, heapUsedBytes: m.heapUsed, heapTotalBytes: m.heapTotal, externalBytes: m.external, arrayBuffersBytes: m.arrayBuffers };
}

async function requestCounts(): Promise<Record<string, number>> {
  const counter = need(metrics, 'metrics').registry.getSingleMetric('mirrorwatch_kafka_requests_total');
  const out: Record<string, number> = {};
  if (!counter) return out;
  for (const v of (await counter.get()).values) out[`${String(v.labels.cluster)} ${String(v.labels.api)}`] = v.value;
  return out;
}

function summarizeSnapshot(s: Snapshot | null): SnapshotSummary {
  return {
    sequence: s?.sequence ?? 0,
    series: metrics?.seriesCount() ?? 0,
    flows: (s?.flows ?? []).map((f) => ({
      source: f.source,
      target: f.target,
      topics: f.topics.length,
      partitions: f.topics.reduce((n, t) => n + t.partitions.length, 0),
      lagRecords: f.totals.lagRecords,
      known: f.known,
    })),
    clusters: (s?.clusters ?? []).map((c) => ({ alias: c.alias, up: c.up, partitions: c.partitions.length })),
  };
}

/** With a config file: the daemon's wiring. Without: metrics and HTTP only, for synthetic snapshots. */
async function start(configFile: string | undefined, httpPort: number | undefined): Promise<AgentResponses['start']> {
  if (configFile === undefined) {
    const m = createMetrics({ version: VERSION, logger, maxSeries: Number.MAX_SAFE_INTEGER });
    metrics = m;
    http = createHttpServer({ host: '127.0.0.1', port: httpPort ?? 0, logger, metrics: m, getSnapshot: () => null, isAlive: () => true, version: VERSION });
    const address = await http.start();
    return { url: address.url, granularity: m.granularity, maxSeries: Number.MAX_SAFE_INTEGER };
  }
  config = loadConfig(configFile);
  const m = createMetrics({ version: VERSION, granularity: config.granularity, maxSeries: config.maxSeries, logger });
  metrics = m;
  monitor = new Monitor({
    config,
    portFactory: createKafkajsPort,
    logger,
    telemetry: m.telemetry,
    onSnapshot: (s) => {
      lastPublishAt = performance.now();
      publishes++;
      m.publish(s);
    },
  });
  const mon = monitor;
  http = createHttpServer({
    host: '127.0.0.1',
    port: httpPort ?? 0,
    logger,
    metrics: m,
    getSnapshot: () => mon.latest(),
    isAlive: () => true,
    version: VERSION,
  });
  const address = await http.start();
  return { url: address.url, granularity: config.granularity, maxSeries: config.maxSeries };
}

/** Polls until every cluster is up and reports at least the expected data partitions. */
async function warmup(expected: Record<string, number>, timeoutMs: number): Promise<AgentResponses['warmup']> {
  const mon = need(monitor, 'monitor');
  const started = performance.now();
  let cycles = 0;
  for (;;) {
    const snapshot = await mon.pollOnce();
    await new Promise((r) => setImmediate(r));
    cycles++;
    const done = snapshot.clusters.every((c) => c.up && c.partitions.length >= (expected[c.alias] ?? 0));
    if (done) return { cycles, ms: performance.now() - started, snapshot: summarizeSnapshot(snapshot) };
    if (performance.now() - started > timeoutMs) {
      const state = snapshot.clusters.map((c) => `${c.alias}: ${c.up ? 'up' : `down (${c.lastError})`}, ${c.partitions.length}/${expected[c.alias] ?? 0} partitions`);
      throw new Error(`warm-up did not see every partition within ${timeoutMs} ms after ${cycles} polls: ${state.join('; ')}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

const auditPorts = new Map<string, KafkaPort>();
/** One CountAuditor per flow, as the daemon keeps, on a clock that moves one bucket per cycle. */
const auditors = new Map<string, CountAuditor>();
let auditClockMs: number | null = null;

/**
 * What the daemon's count audit adds to a cycle in which a bucket closes: the daemon's auditor of
 * every flow, on ports of its own and the same request counter, given the log starts and ends of
 * the poll just made (as the daemon's audit takes them from the latest snapshot). Its clock moves
 * one bucket per cycle, so each cycle reads one new closed bucket (one new boundary) and judges it.
 */
async function auditOneBucket(snapshot: Snapshot): Promise<number> {
  const cfg = need(config, 'config');
  const m = need(metrics, 'metrics');
  const port = (alias: string): KafkaPort => {
    let p = auditPorts.get(alias);
    if (!p) {
      p = createKafkajsPort(cfg.clusters.find((c) => c.alias === alias)!, { logger, telemetry: m.telemetry });
      auditPorts.set(alias, p);
    }
    return p;
  };
  const bucketMs = AUDIT_DEFAULTS.bucketMs;
  // Buckets of the last minutes (the records' timestamps are those of the benchmark's setup or
  // later). An auditor made at clock C (aligned) first reads the bucket [C + b, C + 2b): the clock
  // starts there and moves one bucket per cycle.
  const startedAt = auditClockMs === null ? Math.floor(Date.now() / bucketMs) * bucketMs - 10 * bucketMs : null;
  if (startedAt !== null) auditClockMs = startedAt;
  const ends = snapshotLogEnds(snapshot, Date.now(), Number.MAX_SAFE_INTEGER);
  let decided = 0;
  for (const flow of cfg.flows) {
    const key = `${flow.source}->${flow.target}`;
    let auditor = auditors.get(key);
    if (!auditor) {
      auditor = new CountAuditor({
        source: port(flow.source),
        target: port(flow.target),
        bucketMs,
        settleMs: 0,
        judgeAfterMs: 0,
        countMaxOffsets: AUDIT_DEFAULTS.countMaxOffsets,
        now: () => auditClockMs!,
      });
      auditors.set(key, auditor);
    }
  }
  auditClockMs = startedAt !== null ? startedAt + 2 * bucketMs : auditClockMs! + bucketMs;
  for (const flow of cfg.flows) {
    const auditor = auditors.get(`${flow.source}->${flow.target}`)!;
    const partitions = auditedPartitions(snapshot, flow);
    const results = await auditor.cycle(partitions, undefined, { source: ends.get(flow.source), target: ends.get(flow.target) });
    decided += results.reduce((n, b) => n + b.partitions.length, 0);
  }
  return decided;
}

/** `count` polls of every cluster, each starting `intervalMs` after the previous one started (0: back to back). */
async function cycles(count: number, intervalMs: number, audit = false): Promise<AgentResponses['cycles']> {
  const mon = need(monitor, 'monitor');
  const m = need(metrics, 'metrics');
  const out: CycleResult[] = [];
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    // The daemon's rhythm: a poll starts one interval after the previous one started.
    const wait = started + i * intervalMs - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const before = await requestCounts();
    publishes = 0;
    eventLoop.reset();
    const t0 = performance.now();
    const snapshot = await mon.pollOnce();
    // The monitor hands the snapshot to the metrics layer on a later turn of the event loop, and
    // a large one is rendered over several turns: the cycle ends when /metrics serves it.
    await new Promise((r) => setImmediate(r));
    await m.settled();
    let auditMs: number | undefined;
    let auditedPartitions: number | undefined;
    if (audit) {
      const a0 = performance.now();
      auditedPartitions = await auditOneBucket(snapshot);
      auditMs = performance.now() - a0;
    }
    const settledAt = performance.now();
    const wallMs = settledAt - t0;
    const eventLoopMaxMs = eventLoop.max / 1e6;
    out.push({
      wallMs,
      publishMs: publishes > 0 ? settledAt - lastPublishAt : 0,
      publishes,
      eventLoopMaxMs,
      clusters: snapshot.clusters.map((c) => ({
        alias: c.alias,
        up: c.up,
        durationSeconds: c.lastPollDurationSeconds,
        error: c.lastError,
        partitions: c.partitions.length,
      })),
      requests: countDelta(before, await requestCounts()),
      series: m.seriesCount(),
      ...(auditMs !== undefined ? { auditMs, auditedPartitions } : {}),
    });
  }
  return { cycles: out };
}

/** Publishes synthetic snapshots of about `targetSeries` series and times the layer against the bare builder. */
async function synthetic(targetSeries: number, reps: number): Promise<SyntheticFigures> {
  const m = need(metrics, 'metrics');
  // largeSnapshot writes 7 series per partition (3 lag series, start and end offsets on 2 clusters).
  const perTopic = 10;
  const topics = Math.max(1, Math.round(targetSeries / 7 / perTopic));
  const figures: SyntheticFigures = { targetSeries, series: 0, bytes: 0, publishMs: [], renderMs: [], bareMs: [], publishEventLoopMaxMs: 0 };
  // One unmeasured round first: the first call of each function runs unoptimised code.
  for (let rep = -1; rep < reps; rep++) {
    const snapshot = largeSnapshot(topics, perTopic, rep + 2 + targetSeries);
    // Alternating which runs first keeps heap state from favouring one of the two.
    const layerFirst = rep % 2 === 0;
    let bare = 0;
    const runBare = (): void => {
      const t0 = performance.now();
      const body = bareExposition(snapshot);
      bare = performance.now() - t0;
      if (body.length === 0) throw new Error('bare builder wrote nothing');
    };
    if (!layerFirst) runBare();
    eventLoop.reset();
    const t0 = performance.now();
    m.publish(snapshot);
    await m.settled();
    const t1 = performance.now();
    const rendered = await m.render();
    const t2 = performance.now();
    const eventLoopMs = eventLoop.max / 1e6;
    if (layerFirst) runBare();
    if (rep < 0) continue;
    figures.publishMs.push(t1 - t0);
    figures.renderMs.push(t2 - t1);
    figures.bareMs.push(bare);
    figures.publishEventLoopMaxMs = Math.max(figures.publishEventLoopMaxMs, eventLoopMs);
    figures.series = m.seriesCount();
    figures.bytes = rendered.body.length;
  }
  return figures;
}

async function stop(): Promise<Record<string, never>> {
  await Promise.allSettled([...auditPorts.values()].map((p) => p.close()));
  await monitor?.stop(2000);
  await http?.close();
  return {};
}

async function handle(req: AgentRequest): Promise<unknown> {
  switch (req.type) {
    case 'start':
      return start(req.configFile, req.httpPort);
    case 'warmup':
      return warmup(req.expectedPartitions, req.timeoutMs);
    case 'cycles':
      return cycles(req.count, req.intervalMs, req.audit === true);
    case 'eventLoopReset':
      eventLoop.reset();
      return {};
    case 'eventLoopMax':
      return { ms: eventLoop.max / 1e6 };
    case 'memory':
      return memory();
    case 'snapshot':
      return summarizeSnapshot(monitor?.latest() ?? null);
    case 'logs':
      return logs.summary;
    case 'synthetic':
      return synthetic(req.targetSeries, req.reps);
    case 'stop':
      return stop();
  }
}

process.on('message', (msg: AgentRequest) => {
  void handle(msg).then(
    (value) => process.send?.({ id: msg.id, ok: true, value } satisfies AgentReply),
    (err: unknown) => process.send?.({ id: msg.id, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies AgentReply),
  );
});
process.on('disconnect', () => process.exit(0));
