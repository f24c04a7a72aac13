// How fast a page comes when MirrorMaker 2 stops copying, and that none comes for a planned restart.
// Real Kafka (two single-node clusters dc1, dc2), a real dedicated MM2 (dc1->dc2), mirrorwatch at
// its default poll settings, a real Prometheus (scrape and evaluation every 5 s) loaded with every
// file of prometheus/rules/ as shipped, a real Alertmanager and a webhook receiver, under a steady
// trickle of records. Each fault is injected --repeats times; for each the bench records the time
// to the first mirrorwatch signal, to the first firing alert (and its name), to every alert
// resolved after the repair, and every alert that fired where none should have (baseline, planned
// restarts, recovery).
//
//   npm run bench:detect [-- --repeats 3 --faults kill,sigstop,task-failed,topic-stalled,source-down,restart
//                           --baseline 120 --poll-interval 10s]
//
// A benchmark, not a test: it writes bench/results/detect-<stamp>.json and
// docs/images/bench-detect-timeline.png, prints a Markdown table, and exits 0 unless it could not
// run. It needs the Debian packages prometheus and prometheus-alertmanager.
import { writeFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { createTopic, kafkaClient, produce, startCluster, startMirrorMaker, stopAll, waitForTopic } from '../test/harness/kafka.js';
import type { KafkaCluster, MirrorMaker } from '../test/harness/kafka.js';
import { repoRoot } from '../test/harness/paths.js';
import { startAlertmanager } from '../test/integration/helpers/alertmanager.js';
import { startMirrorwatch, stopAllMirrorwatch } from '../test/integration/helpers/mirrorwatch.js';
import { startPrometheus } from '../test/integration/helpers/prometheus.js';
import type { PromAlert } from '../test/integration/helpers/prometheus.js';
import { startWebhookReceiver } from '../test/integration/helpers/webhook.js';
import { renderTimeline } from './bench/detectPlot.js';
import type { FaultRun, Sample } from './bench/detectTypes.js';
import { FAULT_KINDS } from './bench/detectTypes.js';
import type { FaultKind } from './bench/detectTypes.js';

const positive = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number >= 0');
  return n;
};
const faultList = (value: string): FaultKind[] => {
  const list = value.split(',').map((s) => s.trim());
  for (const f of list) if (!(FAULT_KINDS as readonly string[]).includes(f)) throw new InvalidArgumentError(`unknown fault "${f}" (known: ${FAULT_KINDS.join(', ')})`);
  return list as FaultKind[];
};

const program = new Command('bench:detect')
  .description('time from an MM2 fault to a firing alert in a real Prometheus, and no page for a planned restart')
  .option('--repeats <n>', 'runs of each fault', positive, 3)
  .option('--faults <list>', `comma-separated faults (${FAULT_KINDS.join(', ')})`, faultList, [...FAULT_KINDS])
  .option('--baseline <seconds>', 'steady traffic with no fault before the first one; any alert then is a false one', positive, 120)
  .option('--poll-interval <duration>', 'mirrorwatch poll.interval (its default is 10s)', '10s')
  .option('--hold <seconds>', 'longest a paging fault is held waiting for a page', positive, 150)
  .option('--plot <file>', 'PNG written from this run (relative to the repository)', 'docs/images/bench-detect-timeline.png')
  .option('--from <results.json>', 'run nothing: print the table and draw the plot of an earlier run')
  .parse();
const opts = program.opts<{ repeats: number; faults: FaultKind[]; baseline: number; pollInterval: string; hold: number; plot: string; from?: string }>();

const SOURCE = 'dc1';
const TARGET = 'dc2';
const TRICKLE_TOPICS = { orders: 3, stall: 1 } as const;
const BIG_TOPIC = 'big';
const BIG_REMOTE_MAX_BYTES = 1024;
const TRICKLE_INTERVAL_MS = 250;
/** tasks.max for topic-stalled: above the flow's partition count (heartbeats 1, orders 3, stall 1, big 1). */
const SPREAD_TASKS = 8;
const SCRAPE = '5s';
const EVAL = '5s';
/** Pages: what wakes someone. */
const PAGE_SEVERITIES = new Set(['critical', 'page']);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (msg: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

// ---------------------------------------------------------------------------------------------
// Observation: mirrorwatch's /metrics and Prometheus's alerts, once a second, into one timeline.

interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseMetrics(text: string): Series[] {
  const out: Series[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1] as string] = l[2] as string;
    out.push({ name: m[1] as string, labels, value: Number(m[3]) });
  }
  return out;
}

/** The flow's replication state, if this mirrorwatch exports one: a `state` label on a 1-valued series, or a per-state gauge. */
function flowState(series: Series[]): string | undefined {
  const flow = series.filter((s) => s.labels.source === SOURCE && s.labels.target === TARGET && s.labels.topic === undefined && /state/.test(s.name));
  const labelled = flow.find((s) => s.labels.state !== undefined && s.value === 1);
  if (labelled) return labelled.labels.state;
  return undefined;
}

const firingKey = (a: PromAlert) => `${a.labels.alertname}${a.labels.topic ? `{topic=${a.labels.topic}}` : ''}${a.labels.reason ? `{reason=${a.labels.reason}}` : ''}`;

interface Episode {
  alert: string;
  severity: string;
  firingAtMs: number;
  resolvedAtMs: number | null;
  phase: string;
}

class Observer {
  readonly samples: Sample[] = [];
  readonly episodes: Episode[] = [];
  phase = 'setup';
  private open = new Map<string, Episode>();
  private stopped = false;
  private loop: Promise<void> | null = null;
  constructor(
    private readonly mwUrl: string,
    private readonly promUrl: string,
    readonly t0: number,
  ) {}

  start(): void {
    this.loop = (async () => {
      while (!this.stopped) {
        const started = Date.now();
        await this.look().catch((err: unknown) => log(`observer: ${(err as Error).message}`));
        await sleep(Math.max(0, 1000 - (Date.now() - started)));
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  last(): Sample | undefined {
    return this.samples[this.samples.length - 1];
  }

  private async look(): Promise<void> {
    const atMs = Date.now();
    const [metricsText, alertsBody] = await Promise.all([
      fetch(`${this.mwUrl}/metrics`, { signal: AbortSignal.timeout(5000) }).then((r) => r.text()),
      fetch(`${this.promUrl}/api/v1/alerts`, { signal: AbortSignal.timeout(5000) }).then((r) => r.json() as Promise<{ data: { alerts: PromAlert[] } }>),
    ]);
    const series = parseMetrics(metricsText);
    const flow = (name: string) => series.find((s) => s.name === name && s.labels.source === SOURCE && s.labels.target === TARGET)?.value;
    const topicLag: Record<string, number> = {};
    for (const s of series) {
      if (s.name === 'mm2_replication_lag_seconds' && s.labels.source === SOURCE && s.labels.target === TARGET && s.labels.topic) {
        topicLag[s.labels.topic] = Math.max(topicLag[s.labels.topic] ?? 0, s.value);
      }
    }
    const clusterUp = (c: string) => series.find((s) => s.name === 'mirrorwatch_cluster_up' && s.labels.cluster === c)?.value;
    const firing = alertsBody.data.alerts.filter((a) => a.state === 'firing');
    const sample: Sample = {
      atMs,
      heartbeatAge: flow('mm2_heartbeat_age_seconds') ?? null,
      heartbeatTs: flow('mm2_heartbeat_last_timestamp_seconds') ?? null,
      failoverReady: flow('mm2_flow_failover_ready') ?? null,
      flowLagSeconds: flow('mm2_flow_lag_seconds') ?? null,
      topicLagSeconds: topicLag,
      sourceUp: clusterUp(SOURCE) ?? null,
      targetUp: clusterUp(TARGET) ?? null,
      state: flowState(series) ?? null,
      firing: firing.map(firingKey),
      pending: alertsBody.data.alerts.filter((a) => a.state === 'pending').map(firingKey),
      pendingPages: alertsBody.data.alerts.filter((a) => a.state === 'pending' && PAGE_SEVERITIES.has(a.labels.severity ?? '')).map(firingKey),
    };
    this.samples.push(sample);
    const now = new Set<string>();
    for (const a of firing) {
      const key = firingKey(a);
      now.add(key);
      if (!this.open.has(key)) {
        const e: Episode = { alert: key, severity: a.labels.severity ?? '', firingAtMs: atMs, resolvedAtMs: null, phase: this.phase };
        this.open.set(key, e);
        this.episodes.push(e);
        log(`  alert firing: ${key} (${e.severity}) [${this.phase}]`);
      }
    }
    for (const [key, e] of this.open) {
      if (!now.has(key)) {
        e.resolvedAtMs = atMs;
        this.open.delete(key);
        log(`  alert resolved: ${key}`);
      }
    }
  }

  /** Waits (looking at the samples) until `cond` holds on the newest sample; returns its time or null on timeout. */
  async waitFor(cond: (s: Sample) => boolean, timeoutMs: number, sinceMs = 0): Promise<number | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = this.last();
      if (s && s.atMs >= sinceMs && cond(s)) return s.atMs;
      if (Date.now() > deadline) return null;
      await sleep(250);
    }
  }

  firstSample(sinceMs: number, cond: (s: Sample) => boolean): Sample | undefined {
    return this.samples.find((s) => s.atMs >= sinceMs && cond(s));
  }
}

// ---------------------------------------------------------------------------------------------
// A trickle that outlives a source outage (the harness's stops at its first error).

function startTrickle(cluster: KafkaCluster): { stop(): Promise<void>; produced: () => number; errors: () => number } {
  let running = true;
  let produced = 0;
  let errors = 0;
  const loop = (async () => {
    while (running) {
      const producer = kafkaClient(cluster).producer({ allowAutoTopicCreation: false });
      try {
        await producer.connect();
        while (running) {
          const at = new Date().toISOString();
          await producer.sendBatch({
            acks: -1,
            topicMessages: Object.entries(TRICKLE_TOPICS).map(([topic, partitions]) => ({
              topic,
              messages: Array.from({ length: partitions }, (_, p) => ({ partition: p, value: `trickle ${at}` })),
            })),
          });
          produced += Object.values(TRICKLE_TOPICS).reduce((a, b) => a + b, 0);
          await sleep(TRICKLE_INTERVAL_MS);
        }
      } catch {
        errors++;
        await sleep(1000);
      } finally {
        await producer.disconnect().catch(() => undefined);
      }
    }
  })();
  return {
    produced: () => produced,
    errors: () => errors,
    async stop() {
      running = false;
      await loop;
    },
  };
}

async function setTopicConfig(cluster: KafkaCluster, topic: string, entries: Record<string, string>): Promise<void> {
  const admin = kafkaClient(cluster).admin();
  await admin.connect();
  try {
    // type 2 = TOPIC. AlterConfigs replaces the topic's dynamic configs with these.
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: 2, name: topic, configEntries: Object.entries(entries).map(([name, value]) => ({ name, value })) }] });
  } finally {
    await admin.disconnect();
  }
}

/** Rewrites MM2's tasks.max and restarts it (a planned restart). */
async function setTasksMax(mm: MirrorMaker, n: number): Promise<void> {
  const lines = readFileSync(mm.propertiesFile, 'utf8').split('\n').filter((l) => !l.startsWith('tasks.max '));
  lines.splice(lines.length - 1, 0, `tasks.max = ${n}`);
  writeFileSync(mm.propertiesFile, lines.join('\n'));
  await mm.restart();
}

async function topicEnd(cluster: KafkaCluster, topic: string): Promise<number> {
  const admin = kafkaClient(cluster).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, o) => sum + Number(o.high), 0);
  } finally {
    await admin.disconnect();
  }
}

// ---------------------------------------------------------------------------------------------

interface Rig {
  east: KafkaCluster;
  west: KafkaCluster;
  mm: MirrorMaker;
  obs: Observer;
}

interface Fault {
  /** Whether a page is the right answer. */
  pages: boolean;
  /** Set-up the fault needs (not timed; alerts during it count as false ones). */
  prepare?(rig: Rig): Promise<void>;
  inject(rig: Rig): Promise<void>;
  repair(rig: Rig): Promise<void>;
}

const FAULTS: Record<FaultKind, Fault> = {
  kill: {
    pages: true,
    inject: ({ mm }) => mm.kill(),
    repair: ({ mm }) => mm.start(),
  },
  sigstop: {
    pages: true,
    async inject({ mm }) {
      process.kill(mm.pid as number, 'SIGSTOP');
    },
    async repair({ mm }) {
      process.kill(mm.pid as number, 'SIGCONT');
    },
  },
  'task-failed': {
    pages: true,
    // The remote topic accepts at most BIG_REMOTE_MAX_BYTES; the source takes a larger record,
    // MM2's producer gets RecordTooLargeException and the task fails (errors.tolerance = none).
    async inject({ east, west }) {
      await setTopicConfig(west, `${SOURCE}.${BIG_TOPIC}`, { 'max.message.bytes': String(BIG_REMOTE_MAX_BYTES) });
      await produce(east, BIG_TOPIC, { partition: 0, count: 1, keyPrefix: 'big', valueBytes: 4 * BIG_REMOTE_MAX_BYTES });
    },
    // The operator's repair: raise the limit and restart MM2 (dedicated mode has no REST restart).
    async repair({ east, west, mm }) {
      await setTopicConfig(west, `${SOURCE}.${BIG_TOPIC}`, { 'max.message.bytes': String(1024 * 1024 + 12) });
      await mm.restart();
      const want = await topicEnd(east, BIG_TOPIC);
      const deadline = Date.now() + 120_000;
      while ((await topicEnd(west, `${SOURCE}.${BIG_TOPIC}`)) < want && Date.now() < deadline) await sleep(1000);
    },
  },
  'topic-stalled': {
    pages: true,
    // One topic stops while the heartbeats flow: the task copying it fails, as in task-failed, but
    // with tasks.max above the flow's partition count every partition (the heartbeats' too) has a
    // task of its own. (A retriable refusal such as min.insync.replicas above the replica count
    // cannot be made on a one-broker cluster: Kafka caps the effective minimum ISR at the
    // replication factor.)
    prepare: ({ mm }) => setTasksMax(mm, SPREAD_TASKS),
    async inject({ east, west }) {
      await setTopicConfig(west, `${SOURCE}.stall`, { 'max.message.bytes': String(BIG_REMOTE_MAX_BYTES) });
      await produce(east, 'stall', { partition: 0, count: 1, keyPrefix: 'big', valueBytes: 4 * BIG_REMOTE_MAX_BYTES });
    },
    async repair({ east, west, mm }) {
      await setTopicConfig(west, `${SOURCE}.stall`, { 'max.message.bytes': String(1024 * 1024 + 12) });
      await setTasksMax(mm, 1);
      const want = await topicEnd(east, 'stall');
      const deadline = Date.now() + 120_000;
      while ((await topicEnd(west, `${SOURCE}.stall`)) < want && Date.now() < deadline) await sleep(1000);
    },
  },
  'source-down': {
    pages: true,
    inject: ({ east }) => east.stop(),
    repair: ({ east }) => east.start(),
  },
  restart: {
    pages: false,
    // A planned restart: SIGTERM, wait for the JVM to exit, start again at once.
    inject: ({ mm }) => mm.restart(),
    async repair() {},
  },
};

const isPage = (e: Episode) => PAGE_SEVERITIES.has(e.severity);
// MM2 copies at least once: after a crash, or a freeze longer than its Connect session, it copies
// again what it had copied but not committed, and the count audit reports those duplicates (a
// warning that stays up for the alert's window). They are findings about the fault, not false
// alerts, and not a sign that replication is unhealthy now.
const FINDING_ALERTS = ['Mm2AuditRecordsDuplicated'];
const isFinding = (alertKey: string) => FINDING_ALERTS.some((name) => alertKey === name || alertKey.startsWith(`${name}{`));
// Pending warnings may linger (MirrorwatchPollsFailing rates poll errors over 5m after an outage):
// they page no one and do not mean replication is unhealthy.
const healthy = (s: Sample) =>
  s.heartbeatAge !== null &&
  s.heartbeatAge < 15 &&
  s.sourceUp === 1 &&
  s.targetUp === 1 &&
  s.firing.every(isFinding) &&
  s.pendingPages.length === 0 &&
  Object.values(s.topicLagSeconds).every((v) => v < 15);

async function waitHealthy(obs: Observer, what: string): Promise<void> {
  let streak = 0;
  const deadline = Date.now() + 300_000;
  while (streak < 5) {
    const s = obs.last();
    streak = s && healthy(s) ? streak + 1 : 0;
    if (Date.now() > deadline) throw new Error(`not healthy within 300 s before ${what}: ${JSON.stringify(obs.last())}`);
    await sleep(1000);
  }
}

/** The first mirrorwatch signal after the fault: which figure moved first, and when. */
/** The first sample from which `cond` holds on `n` consecutive samples (a flicker is no signal). */
function firstSustained(samples: Sample[], n: number, cond: (s: Sample) => boolean): Sample | undefined {
  for (let i = 0; i + n <= samples.length; i++) if (samples.slice(i, i + n).every(cond)) return samples[i];
  return undefined;
}

/**
 * The first mirrorwatch signal in the samples after a fault: which figure moved past what it was
 * while healthy, and when; and the first replication state other than copying. (Not
 * mm2_flow_failover_ready: with the default maxLagRecords of 0 it flickers under any trickle.)
 */
function firstSignal(samples: Sample[], hbBase: number, lagBase: number): { metric: { name: string; atMs: number } | null; state: { name: string; atMs: number } | null } {
  const checks: [string, (s: Sample) => boolean][] = [
    [`mm2_heartbeat_age_seconds > healthy peak ${hbBase.toFixed(1)} + 5`, (s) => s.heartbeatAge !== null && s.heartbeatAge > hbBase + 5],
    [`mm2_replication_lag_seconds > healthy peak ${lagBase.toFixed(1)} + 5`, (s) => Object.values(s.topicLagSeconds).some((v) => v > lagBase + 5)],
    ['mirrorwatch_cluster_up 0', (s) => s.sourceUp === 0 || s.targetUp === 0],
  ];
  let metric: { name: string; atMs: number } | null = null;
  for (const [name, cond] of checks) {
    const s = firstSustained(samples, 3, cond);
    if (s && (!metric || s.atMs < metric.atMs)) metric = { name, atMs: s.atMs };
  }
  const st = firstSustained(samples, 3, (s) => s.state !== null && s.state !== 'copying');
  return { metric, state: st ? { name: st.state as string, atMs: st.atMs } : null };
}

async function runFault(rig: Rig, kind: FaultKind, repeat: number): Promise<FaultRun> {
  const { obs } = rig;
  const fault = FAULTS[kind];
  if (fault.prepare) {
    obs.phase = `preparing ${kind}#${repeat}`;
    log(`${kind} #${repeat}: prepare`);
    await fault.prepare(rig);
  }
  obs.phase = `healthy before ${kind}#${repeat}`;
  await waitHealthy(obs, `${kind} #${repeat}`);
  const before = obs.samples.slice(-30);
  log(`${kind} #${repeat}: inject`);
  obs.phase = `${kind}#${repeat}`;
  const faultAt = Date.now();
  await fault.inject(rig);
  const injectedAt = Date.now();
  let repairAt: number;
  let firing: Episode | undefined;
  if (fault.pages) {
    const fired = await obs.waitFor(() => obs.episodes.some((e) => e.firingAtMs >= faultAt && isPage(e)), opts.hold * 1000);
    firing = obs.episodes.find((e) => e.firingAtMs >= faultAt && isPage(e));
    if (fired === null) log(`${kind} #${repeat}: no page within ${opts.hold} s`);
    repairAt = Date.now();
    log(`${kind} #${repeat}: repair`);
    obs.phase = `recovering after ${kind}#${repeat}`;
    await fault.repair(rig);
  } else {
    repairAt = injectedAt;
    obs.phase = `${kind}#${repeat}`;
  }
  // Recovered: heartbeats fresh, no lagging topic, nothing firing; then a minute more, so a rule
  // that was slow to notice the gap can still show it fired.
  const recovered = await obs.waitFor((s) => healthy(s), 300_000, repairAt);
  const settleUntil = Date.now() + 60_000;
  while (Date.now() < settleUntil) await sleep(1000);
  const done = Date.now();
  const during = obs.samples.filter((s) => s.atMs >= faultAt && s.atMs <= done);
  const episodes = obs.episodes.filter((e) => e.firingAtMs >= faultAt && e.firingAtMs <= done);
  const pageResolvedAt = fault.pages
    ? (obs.firstSample(repairAt, (s) => !s.firing.some((k) => episodes.some((e) => e.alert === k && isPage(e))))?.atMs ?? null)
    : null;
  const peakAt = during.reduce<Sample | undefined>((best, s) => (best === undefined || (s.heartbeatAge ?? 0) > (best.heartbeatAge ?? 0) ? s : best), undefined);
  const heartbeatBack = peakAt ? obs.firstSample(peakAt.atMs, (s) => s.heartbeatAge !== null && s.heartbeatAge < 5) : undefined;
  const hbBase = Math.max(0, ...before.map((s) => s.heartbeatAge ?? 0));
  const lagBase = Math.max(0, ...before.flatMap((s) => Object.values(s.topicLagSeconds)));
  const signal = firstSignal(obs.samples.filter((s) => s.atMs >= faultAt), hbBase, lagBase);
  const sec = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : Math.round(ms) / 1000);
  const run: FaultRun = {
    fault: kind,
    repeat,
    faultAtMs: faultAt,
    injectSeconds: sec(injectedAt - faultAt) as number,
    repairAtMs: fault.pages ? repairAt : null,
    firstSignal: signal.metric ? { metric: signal.metric.name, seconds: sec(signal.metric.atMs - faultAt) as number } : null,
    firstState: signal.state ? { state: signal.state.name, seconds: sec(signal.state.atMs - faultAt) as number } : null,
    page: firing ? { alert: firing.alert, severity: firing.severity, seconds: sec(firing.firingAtMs - faultAt) as number } : null,
    pageResolvedSeconds: pageResolvedAt === null ? null : sec(pageResolvedAt - repairAt),
    recoveredSeconds: recovered === null ? null : sec(recovered - repairAt),
    heartbeatBackSeconds: heartbeatBack ? sec(heartbeatBack.atMs - faultAt) : null,
    peakHeartbeatAge: Math.max(0, ...during.map((s) => s.heartbeatAge ?? 0)),
    peakTopicLagSeconds: Math.max(0, ...during.flatMap((s) => Object.values(s.topicLagSeconds))),
    alerts: episodes.map((e) => ({ alert: e.alert, severity: e.severity, firingSeconds: sec(e.firingAtMs - faultAt) as number, phase: e.phase })),
    unexpected: episodes
      .filter((e) => (!fault.pages || e.phase.startsWith('recovering')) && !(isFinding(e.alert) && !isPage(e)))
      .map((e) => ({ alert: e.alert, severity: e.severity, firingSeconds: sec(e.firingAtMs - faultAt) as number, phase: e.phase })),
    findings: episodes
      .filter((e) => isFinding(e.alert) && !isPage(e))
      .map((e) => ({ alert: e.alert, severity: e.severity, firingSeconds: sec(e.firingAtMs - faultAt) as number, phase: e.phase })),
    samples: during.map((s) => ({ ...s, atMs: s.atMs - faultAt })),
  };
  log(
    `${kind} #${repeat}: signal ${run.firstSignal ? `${run.firstSignal.seconds} s (${run.firstSignal.metric})` : '-'}, ` +
      `page ${run.page ? `${run.page.seconds} s ${run.page.alert}` : '-'}, resolved ${run.pageResolvedSeconds ?? '-'} s after repair, ` +
      `peak heartbeat age ${run.peakHeartbeatAge.toFixed(1)} s, unexpected ${run.unexpected.length}`,
  );
  return run;
}

// ---------------------------------------------------------------------------------------------

const median = (xs: number[]) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const r1 = (x: number | null) => (x === null ? '-' : x.toFixed(1));
const range = (xs: number[]) => (xs.length === 0 ? '-' : xs.length === 1 ? r1(xs[0] as number) : `${r1(median(xs))} (${r1(Math.min(...xs))}-${r1(Math.max(...xs))})`);

const states = (rs: FaultRun[]) => {
  const names = [...new Set(rs.map((r) => r.firstState?.state).filter((x): x is string => !!x))];
  return names.length ? ` (${names.join(', ')})` : '';
};

function table(runs: FaultRun[]): string {
  const rows = [
    '| fault | runs | first mirrorwatch signal, s | first state, s | firing page, s | alert | resolved after repair, s | peak heartbeat age, s | alerts that should not have fired | audit findings after the fault |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const kind of FAULT_KINDS) {
    const rs = runs.filter((r) => r.fault === kind);
    if (rs.length === 0) continue;
    const names = [...new Set(rs.map((r) => r.page?.alert).filter((x): x is string => !!x))].join(', ') || '-';
    const signals = [...new Set(rs.map((r) => r.firstSignal?.metric.split(' ')[0]).filter((x): x is string => !!x))].join(', ');
    const unexpected = rs.flatMap((r) => r.unexpected.map((u) => `${u.alert} (${u.severity}, ${u.firingSeconds} s, ${u.phase})`));
    const findings = rs.filter((r) => (r.findings ?? []).length > 0).length;
    const missed = FAULTS[kind].pages ? rs.filter((r) => !r.page).length : 0;
    rows.push(
      `| ${kind} | ${rs.length} | ${range(rs.flatMap((r) => (r.firstSignal ? [r.firstSignal.seconds] : [])))} ${signals ? `(${signals})` : ''} | ` +
        `${range(rs.flatMap((r) => (r.firstState ? [r.firstState.seconds] : [])))}${states(rs)} | ` +
        `${FAULTS[kind].pages ? range(rs.flatMap((r) => (r.page ? [r.page.seconds] : []))) + (missed ? `, ${missed} run(s) no page` : '') : 'none expected'} | ${names} | ` +
        `${range(rs.flatMap((r) => (r.pageResolvedSeconds !== null ? [r.pageResolvedSeconds] : [])))} | ` +
        `${range(rs.map((r) => Math.round(r.peakHeartbeatAge * 10) / 10))} | ${unexpected.length ? unexpected.join('; ') : 'none'} | ${findings ? `duplicates in ${findings} of ${rs.length} run(s)` : 'none'} |`,
    );
  }
  return rows.join('\n');
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  log('starting dc1, dc2, Alertmanager and the webhook receiver...');
  const webhook = await startWebhookReceiver();
  const [[east, west], am] = await Promise.all([
    Promise.all([startCluster({ alias: SOURCE }), startCluster({ alias: TARGET })]),
    startAlertmanager({ webhookUrl: webhook.url, groupWait: '1s', groupInterval: '1s', repeatInterval: '1h' }),
  ]);
  for (const [topic, partitions] of Object.entries(TRICKLE_TOPICS)) await createTopic(east, topic, partitions);
  await createTopic(east, BIG_TOPIC, 1);
  log('starting MM2 (dedicated, dc1->dc2)...');
  // No topic config sync: it would reset the remote topic configs the faults set.
  const mm = await startMirrorMaker({ clusters: [east, west], flows: [{ source: SOURCE, target: TARGET }], extraProps: { 'sync.topic.configs.enabled': 'false' } });
  for (const t of [...Object.keys(TRICKLE_TOPICS), BIG_TOPIC]) await waitForTopic(west, `${SOURCE}.${t}`, { timeoutMs: 120_000 });
  const trickle = startTrickle(east);
  const mw = await startMirrorwatch({
    clusters: [east, west],
    flows: [{ source: SOURCE, target: TARGET }],
    // mirrorwatch's defaults except the interval when asked (the helper's are for fast tests).
    pollInterval: opts.pollInterval,
    pollTimeout: '8s',
    requestTimeout: '5s',
    connectionTimeout: '3s',
  });
  const rulesDir = join(repoRoot, 'prometheus', 'rules');
  const ruleFiles = Object.fromEntries(readdirSync(rulesDir).filter((f) => f.endsWith('.yml')).map((f) => [f, readFileSync(join(rulesDir, f), 'utf8')]));
  const prom = await startPrometheus({
    mirrorwatchTargets: [new URL(mw.url).host],
    ruleFiles,
    alertmanagers: [am.hostPort],
    scrapeInterval: SCRAPE,
    evaluationInterval: EVAL,
  });
  log(`mirrorwatch ${mw.url} (log ${mw.logFile}), Prometheus ${prom.url} with ${Object.keys(ruleFiles).join(', ')}, Alertmanager ${am.url}, MM2 ${mm.version} (log ${mm.logFile})`);
  const obs = new Observer(mw.url, prom.url, startedAt);
  obs.start();
  const rig: Rig = { east, west, mm, obs };
  const runs: FaultRun[] = [];
  let baseline: { seconds: number; alerts: Episode[]; peakHeartbeatAge: number; peakTopicLagSeconds: number } | null = null;
  try {
    obs.phase = 'warm-up';
    await waitHealthy(obs, 'the baseline');
    if (opts.baseline > 0) {
      log(`baseline: ${opts.baseline} s of steady traffic`);
      obs.phase = 'baseline';
      const from = Date.now();
      await sleep(opts.baseline * 1000);
      const ss = obs.samples.filter((s) => s.atMs >= from);
      baseline = {
        seconds: opts.baseline,
        alerts: obs.episodes.filter((e) => e.firingAtMs >= from),
        peakHeartbeatAge: Math.max(0, ...ss.map((s) => s.heartbeatAge ?? 0)),
        peakTopicLagSeconds: Math.max(0, ...ss.flatMap((s) => Object.values(s.topicLagSeconds))),
      };
      log(`baseline: peak heartbeat age ${baseline.peakHeartbeatAge.toFixed(1)} s, peak topic lag ${baseline.peakTopicLagSeconds.toFixed(1)} s, ${baseline.alerts.length} alert(s)`);
    }
    // SIGUSR2: finish the fault in progress, then write what was measured (SIGINT stops
    // everything at once: the harness's handler).
    let stopRequested = false;
    process.once('SIGUSR2', () => {
      stopRequested = true;
      log('SIGUSR2: stopping after the fault in progress');
    });
    for (let r = 1; r <= opts.repeats && !stopRequested; r++) {
      for (const kind of opts.faults) {
        if (stopRequested) break;
        runs.push(await runFault(rig, kind, r));
      }
    }
  } finally {
    // A frozen MM2 would ignore the harness's SIGTERM.
    if (mm.pid) {
      try {
        process.kill(mm.pid, 'SIGCONT');
      } catch {
        /* gone */
      }
    }
    await obs.stop();
    await trickle.stop();
    const stamp = new Date(startedAt).toISOString().replace(/[-:]/g, '').slice(0, 15);
    const resultsDir = join(repoRoot, 'bench', 'results');
    mkdirSync(resultsDir, { recursive: true });
    const outOfPhase = obs.episodes.filter((e) => e.phase.startsWith('healthy') || e.phase.startsWith('preparing') || e.phase === 'warm-up');
    const result = {
      kind: 'bench:detect',
      startedAt: new Date(startedAt).toISOString(),
      settings: { repeats: opts.repeats, faults: opts.faults, pollInterval: opts.pollInterval, scrapeInterval: SCRAPE, evaluationInterval: EVAL, ruleFiles: Object.keys(ruleFiles), mm2: mm.version, trickleRecordsPerSecond: (Object.values(TRICKLE_TOPICS).reduce((a, b) => a + b, 0) * 1000) / TRICKLE_INTERVAL_MS },
      machine: { cpus: (await import('node:os')).cpus().length, note: 'shared with other jobs while measured' },
      baseline,
      alertsBetweenFaults: outOfPhase,
      trickle: { produced: trickle.produced(), producerErrors: trickle.errors() },
      notifications: webhook.received().map((a) => ({ atMs: a.receivedAtMs - startedAt, status: a.status, alertname: a.labels.alertname, severity: a.labels.severity })),
      runs,
    };
    const file = join(resultsDir, `detect-${stamp}.json`);
    writeFileSync(file, JSON.stringify(result, null, 1) + '\n');
    log(`results: ${file}`);
    if (runs.length > 0) {
      const plot = resolve(repoRoot, opts.plot);
      mkdirSync(join(plot, '..'), { recursive: true });
      writeFileSync(plot, renderTimeline(runs, { graceSeconds: 35, topicThresholdSeconds: 45 }));
      log(`timeline: ${plot}`);
    }
    console.log(table(runs));
    if (baseline) console.log(`\nbaseline ${baseline.seconds} s: ${baseline.alerts.length} alert(s) fired; peak heartbeat age ${baseline.peakHeartbeatAge.toFixed(1)} s, peak topic lag ${baseline.peakTopicLagSeconds.toFixed(1)} s`);
    console.log(`alerts firing between faults (while waiting for health): ${outOfPhase.length ? outOfPhase.map((e) => `${e.alert} [${e.phase}]`).join(', ') : 'none'}`);
    await stopAllMirrorwatch();
    await Promise.allSettled([prom.stop(), am.stop(), webhook.stop()]);
    await stopAll();
  }
}

/** Redraws and re-tabulates an earlier run, judging the first signals again with today's rules. */
function fromEarlierRun(file: string): void {
  const result = JSON.parse(readFileSync(file, 'utf8')) as { runs: FaultRun[]; baseline: { peakHeartbeatAge: number; peakTopicLagSeconds: number } | null };
  for (const r of result.runs) {
    const signal = firstSignal(r.samples, result.baseline?.peakHeartbeatAge ?? 1, result.baseline?.peakTopicLagSeconds ?? 10);
    r.firstSignal = signal.metric ? { metric: signal.metric.name, seconds: signal.metric.atMs / 1000 } : null;
    r.firstState = signal.state ? { state: signal.state.name, seconds: signal.state.atMs / 1000 } : null;
  }
  const plot = resolve(repoRoot, opts.plot);
  mkdirSync(join(plot, '..'), { recursive: true });
  writeFileSync(plot, renderTimeline(result.runs, { graceSeconds: 35, topicThresholdSeconds: 45 }));
  log(`timeline: ${plot}`);
  console.log(table(result.runs));
}

if (opts.from) {
  fromEarlierRun(opts.from);
  process.exit(0);
}

main().then(
  () => process.exit(0),
  async (err: unknown) => {
    console.error(err);
    await stopAllMirrorwatch().catch(() => undefined);
    await stopAll().catch(() => undefined);
    process.exit(1);
  },
);
