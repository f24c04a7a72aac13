// Issue 4 item 4: the alerting path proven on the real programs. Real Kafka (us-east, us-west) and
// a real MM2 (us-east -> us-west) under traffic, watched by a real mirrorwatch, scraped by
// Prometheus from Debian's package (our recording rules and our alert rules, rendered by the mixin
// with shorter `for` durations and thresholds), which alerts through Alertmanager (Debian's package) to a webhook
// receiver run by the test.
//  1. Every Grafana dashboard query returns data from that Prometheus, except the ones whose
//     series exist only in set-ups this test does not build (listed in the output).
//  2. MM2 stopped while producers keep writing: the heartbeat-stale and lag alerts reach the
//     webhook as firing notifications; the detection time (MM2 stopped -> notification received)
//     is printed per alert.
//  3. MM2 started again: resolved notifications arrive; the time to resolve is printed.
// The tests run in order and share everything started in beforeAll.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitGroupOffsets, createTopic, produce, startMirrorMaker } from '../harness/kafka.js';
import type { KafkaCluster, MirrorMaker } from '../harness/kafka.js';
import { CONDITIONAL_SERIES, extractDashboardQueries } from '../unit/ops/dashboardQueries.js';
import type { DashboardQuery } from '../unit/ops/dashboardQueries.js';
import { RECORDING_RULES_FILE, alertRules, readRules } from '../unit/ops/ruleFiles.js';
import { resolveMixin } from '../../src/mixin/config.js';
import { renderRuleFiles } from '../../src/mixin/render.js';
import { startAlertmanager } from './helpers/alertmanager.js';
import type { RunningAlertmanager } from './helpers/alertmanager.js';
import { readFlow, sameFigures, summary, tp } from './helpers/figures.js';
import { startMirrorwatch } from './helpers/mirrorwatch.js';
import type { RunningMirrorwatch } from './helpers/mirrorwatch.js';
import { hasData, startPrometheus, vectorValues } from './helpers/prometheus.js';
import type { QueryData, RunningPrometheus } from './helpers/prometheus.js';
import { startEastWest, useIntegrationHarness } from './helpers/setup.js';
import { startTraffic } from './helpers/traffic.js';
import type { Traffic } from './helpers/traffic.js';
import { fail, pass, waitUntil } from './helpers/wait.js';
import { startWebhookReceiver } from './helpers/webhook.js';
import type { ReceivedAlert, WebhookReceiver } from './helpers/webhook.js';

useIntegrationHarness();

const SOURCE = 'us-east';
const TARGET = 'us-west';
const TOPIC = 'orders';
const PARTITIONS = 3;
const GROUP = 'orders-service';
const BEFORE_MM2 = 5;
const GROUP_COMMITTED = 3;

// Traffic: one record per partition every 250 ms, 12 records/s over the topic.
const TRAFFIC_INTERVAL_MS = 250;
const RECORDS_PER_SECOND = (PARTITIONS * 1000) / TRAFFIC_INTERVAL_MS;

// Shortened alerts. While MM2 runs, mirrorwatch sees at most about (MM2 latency + the skew
// between the polls of the two clusters, ~1 s each) of traffic as lag and heartbeats about 1-2 s
// old; the thresholds leave room for a slow moment of this loaded machine and are crossed within
// seconds once MM2 stops.
const FOR = '2s';
const HEARTBEAT_AGE_THRESHOLD_S = 5;
const LAG_RECORDS_THRESHOLD = 5 * RECORDS_PER_SECOND;
const LAG_SECONDS_THRESHOLD = 8;
// Detection must happen within this of the stop: threshold crossing + poll + scrape + evaluation
// + `for` + group_wait is ~15 s here; a minute means a stage waits on something it should not
// (e.g. a resend delay).
const DETECTION_BOUND_MS = 60_000;

interface ExpectedAlert {
  alertname: string;
  /** Labels the notification must carry besides alertname, source and target. */
  labels: Record<string, string>;
}

const SEVERITY = Object.fromEntries(alertRules().map((r) => [r.alert ?? '', r.labels?.severity ?? '']));
const EXPECTED: ExpectedAlert[] = [
  { alertname: 'Mm2HeartbeatStale', labels: { reason: 'heartbeat-old', severity: SEVERITY.Mm2HeartbeatStale ?? '' } },
  { alertname: 'Mm2ReplicationLagHigh', labels: { severity: SEVERITY.Mm2ReplicationLagHigh ?? '' } },
  { alertname: 'Mm2ReplicationLagSecondsHigh', labels: { severity: SEVERITY.Mm2ReplicationLagSecondsHigh ?? '' } },
];

/**
 * The rules rendered by the mixin with the alerts under test shortened, as a user would with
 * `mirrorwatch rules -c settings.yaml`. The "heartbeats never seen" rule of Mm2HeartbeatStale keeps
 * its `for`: it is not what this test proves, and while MM2 is down the age series it checks for
 * stays present.
 */
function shortenedRuleFiles(): Record<string, string> {
  return renderRuleFiles(
    resolveMixin({
      alerts: {
        'Mm2HeartbeatStale.heartbeat-old': { for: FOR, threshold: HEARTBEAT_AGE_THRESHOLD_S },
        Mm2ReplicationLagHigh: { for: FOR, threshold: LAG_RECORDS_THRESHOLD },
        Mm2ReplicationLagSecondsHigh: { for: FOR, threshold: LAG_SECONDS_THRESHOLD },
      },
    }),
  );
}

/** Dashboard conditions this set-up fulfils: a consumer group commits on the replicated topic. */
const FULFILLED_CONDITIONS = new Set(
  ['mm2_checkpoint_age_seconds', 'mm2_checkpoint_lag_records', 'mm2:group_checkpoint_lag_records:sum', 'mm2:flow_checkpoint_age_seconds:max'].map((name) => {
    const reason = CONDITIONAL_SERIES[name];
    if (!reason) throw new Error(`CONDITIONAL_SERIES has no entry for ${name}`);
    return reason;
  }),
);

let east: KafkaCluster;
let west: KafkaCluster;
let mm: MirrorMaker;
let mw: RunningMirrorwatch;
let webhook: WebhookReceiver;
let am: RunningAlertmanager;
let prom: RunningPrometheus;
let traffic: Traffic | undefined;
let prometheusStartedAt = 0;
/** Set once the firing notifications have arrived: the resolve test needs alerts that fired. */
let firedAll = false;

const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const flowOf = (a: { labels: Record<string, string> }): boolean => a.labels.source === SOURCE && a.labels.target === TARGET;
const isExpected = (e: ExpectedAlert, a: { labels: Record<string, string> }): boolean =>
  a.labels.alertname === e.alertname && flowOf(a) && Object.entries(e.labels).every(([k, v]) => a.labels[k] === v);
const describeExpected = (e: ExpectedAlert): string => `${e.alertname}{source="${SOURCE}",target="${TARGET}"${Object.entries(e.labels).map(([k, v]) => `,${k}="${v}"`).join('')}}`;

/** What a failing alert wait prints: Prometheus's alert states, Alertmanager's alerts, the last notifications, mirrorwatch's figures. */
async function alertingState(): Promise<Record<string, unknown>> {
  const attempt = async <T>(f: () => Promise<T>): Promise<T | string> => f().catch((err: unknown) => `error: ${(err as Error).message}`);
  const promAlerts = await attempt(async () => (await prom.alerts()).map((a) => ({ state: a.state, activeAt: a.activeAt, value: a.value, labels: a.labels })));
  const amAlerts = await attempt(async () => (await am.alerts()).map((a) => ({ state: a.status.state, startsAt: a.startsAt, endsAt: a.endsAt, labels: a.labels })));
  const flow = await attempt(async () => {
    const f = await readFlow(mw.url, SOURCE, TARGET, [TOPIC]);
    return { metricLag: f.metricLag, heartbeatAge: f.heartbeatAgeMetric, lagSeconds: f.detail.topics.flatMap((t) => t.partitions.map((p) => p.lagSeconds)) };
  });
  const recorded = await attempt(async () => ({
    flowLagRecords: vectorValues(await prom.query('mm2:flow_lag_records:sum')),
    flowLagSeconds: vectorValues(await prom.query('mm2:flow_lag_seconds:max')),
    heartbeatAge: vectorValues(await prom.query('max by (source, target) (mm2_heartbeat_age_seconds)')),
  }));
  return {
    prometheusAlerts: promAlerts,
    alertmanagerAlerts: amAlerts,
    lastNotifications: webhook.received().slice(-8).map((a) => ({ at: new Date(a.receivedAtMs).toISOString(), status: a.status, labels: a.labels })),
    rejectedRequests: webhook.rejected,
    prometheusSeries: recorded,
    mirrorwatch: flow,
    traffic: { rounds: traffic?.rounds, error: traffic?.error?.message ?? null },
  };
}

/** Waits for a notification of every expected alert with `status`, received after `sinceMs`. */
async function waitForNotifications(status: 'firing' | 'resolved', sinceMs: number, timeoutMs: number): Promise<Map<ExpectedAlert, ReceivedAlert>> {
  return waitUntil(
    `${status} notifications of ${EXPECTED.map(describeExpected).join(', ')} at the webhook`,
    async () => {
      const found = new Map<ExpectedAlert, ReceivedAlert>();
      for (const e of EXPECTED) {
        const first = webhook.received().find((a) => a.receivedAtMs >= sinceMs && a.status === status && isExpected(e, a));
        if (first) found.set(e, first);
      }
      if (found.size === EXPECTED.length) return pass(found);
      return fail({ missing: EXPECTED.filter((e) => !found.has(e)).map((e) => e.alertname), ...(await alertingState()) });
    },
    { timeoutMs, intervalMs: 250 },
  );
}

// Registered after useIntegrationHarness, so it runs before the brokers go away.
afterAll(async () => {
  await traffic?.stop();
});

beforeAll(async () => {
  // Alertmanager and the webhook need nothing from Kafka: start them while the brokers start.
  [[east, west]] = await Promise.all([
    startEastWest(),
    (async () => {
      webhook = await startWebhookReceiver();
      am = await startAlertmanager({ webhookUrl: webhook.url, groupWait: '1s', groupInterval: '1s', repeatInterval: '1m' });
    })(),
  ]);
  await createTopic(east, TOPIC, PARTITIONS);
  for (let p = 0; p < PARTITIONS; p++) {
    await produce(east, TOPIC, { partition: p, count: BEFORE_MM2, keyPrefix: `before-${p}` });
    // A group behind the end of the topic: MM2 checkpoints it, mirrorwatch reports its checkpoint
    // age and translation lag, and the dashboards' checkpoint panels have data.
    await commitGroupOffsets(east, GROUP, TOPIC, p, GROUP_COMMITTED);
  }
  mw = await startMirrorwatch({ clusters: [east, west], flows: [{ source: SOURCE, target: TARGET }], pollInterval: '1s' });
  mm = await startMirrorMaker({ clusters: [east, west], flows: [{ source: SOURCE, target: TARGET }] });

  // Prometheus starts once replication is healthy, so that any alert it sends before MM2 is
  // stopped is a false alarm (asserted below), not MM2 still starting up.
  const zeros = Object.fromEntries(Array.from({ length: PARTITIONS }, (_, p) => [tp(TOPIC, p), 0]));
  await waitUntil(
    'mirrorwatch to report a fresh heartbeat and lag 0 on every partition',
    async () => {
      const f = await readFlow(mw.url, SOURCE, TARGET, [TOPIC]);
      const ok = f.heartbeatAgeMetric !== undefined && f.heartbeatAgeMetric < HEARTBEAT_AGE_THRESHOLD_S && sameFigures(f.metricLag, zeros);
      return ok ? pass(f) : fail(summary(f));
    },
    { timeoutMs: 120_000 },
  );
  traffic = await startTraffic({ cluster: east, topics: [TOPIC], partitions: PARTITIONS, intervalMs: TRAFFIC_INTERVAL_MS, perRound: 1 });
  prom = await startPrometheus({
    mirrorwatchTargets: [new URL(mw.url).host],
    ruleFiles: shortenedRuleFiles(),
    alertmanagers: [am.hostPort],
    scrapeInterval: '1s',
    evaluationInterval: '1s',
  });
  prometheusStartedAt = Date.now();
  console.log(
    `alerting e2e: Prometheus ${prom.url} (log ${prom.logFile}), Alertmanager ${am.url} (log ${am.logFile}), ` +
      `webhook ${webhook.url} (log ${webhook.logFile}), mirrorwatch ${mw.url}, MM2 ${mm.version}`,
  );
});

describe('alerting end to end: mirrorwatch -> Prometheus -> Alertmanager -> webhook', () => {
  it('Prometheus loads the recording rules and every alert rule, and evaluates them without errors', async () => {
    const expectedAlerting = alertRules().length;
    const expectedRecording = readRules(RECORDING_RULES_FILE).groups.flatMap((g) => g.rules).length;
    const groups = await waitUntil(
      'every rule to be loaded and evaluated once with health "ok"',
      async () => {
        const g = await prom.rules();
        const rules = g.flatMap((x) => x.rules);
        const alerting = rules.filter((r) => r.type === 'alerting').length;
        const recording = rules.filter((r) => r.type === 'recording').length;
        const notOk = rules.filter((r) => r.health !== 'ok').map((r) => ({ name: r.name, health: r.health, lastError: r.lastError }));
        const ok = alerting === expectedAlerting && recording === expectedRecording && notOk.length === 0;
        return ok ? pass(g) : fail({ alerting, expectedAlerting, recording, expectedRecording, notOk });
      },
      { timeoutMs: 30_000 },
    );
    const shortened = groups.flatMap((g) => g.rules).filter((r) => r.type === 'alerting' && EXPECTED.some((e) => e.alertname === r.name));
    // The shortened `for` is what Prometheus runs; the "never seen" heartbeat rule kept its own.
    expect(shortened.filter((r) => r.duration === 2).map((r) => r.name).sort()).toEqual(EXPECTED.map((e) => e.alertname).sort());
    expect(shortened.filter((r) => r.duration !== 2).map((r) => r.name)).toEqual(['Mm2HeartbeatStale']);
  });

  it('every dashboard query returns data from Prometheus, except those whose series this set-up cannot have', async () => {
    const queries = extractDashboardQueries({ source: SOURCE, target: TARGET, topic: TOPIC, group: GROUP, job: 'mirrorwatch', __rate_interval: '1m' });
    const mustHaveData = (q: DashboardQuery): boolean => q.conditions.every((c) => FULFILLED_CONDITIONS.has(c));
    const required = queries.filter(mustHaveData);
    const optional = queries.filter((q) => !mustHaveData(q));
    const label = (q: DashboardQuery): string => `${q.file} "${q.panel}" ${q.refId}`;
    expect(required.length).toBeGreaterThan(0);

    // Every query runs as an instant query at "now" (for a graph panel: its latest point).
    // Enough scrapes for rate() over the dashboards' 1m interval, then whatever arrives last
    // (MM2's first checkpoint of the group comes ~10-15 s after MM2 starts).
    const results = await waitUntil(
      'every dashboard query without an unmet condition to return data',
      async () => {
        const out = new Map<DashboardQuery, QueryData>();
        const empty: { query: string; expr: string }[] = [];
        const errors: { query: string; error: string }[] = [];
        for (const q of queries) {
          try {
            const data = await prom.query(q.expr);
            out.set(q, data);
            if (mustHaveData(q) && !hasData(data)) empty.push({ query: label(q), expr: q.expr });
          } catch (err) {
            errors.push({ query: label(q), error: (err as Error).message });
          }
        }
        return empty.length === 0 && errors.length === 0 ? pass(out) : fail({ errors, empty });
      },
      { timeoutMs: 90_000, intervalMs: 2000 },
    );

    const withData = [...results.values()].filter(hasData).length;
    console.log(
      [
        `dashboard queries: ${queries.length} checked against Prometheus, ${withData} returned data ` +
          `(${required.length} required to, all did; ${optional.length} may legitimately return nothing here):`,
        ...optional.map((q) => `  - ${label(q)}: ${hasData(results.get(q) as QueryData) ? 'returned data' : 'no data'} (${q.conditions.join('; ')})`),
      ].join('\n'),
    );
    for (const q of required) expect(hasData(results.get(q) as QueryData), `${label(q)}: ${q.expr}`).toBe(true);
    // The queries the checkpoint conditions cover must be among those that returned data: the group commits.
    expect(required.filter((q) => q.conditions.length > 0).length).toBeGreaterThan(0);
  });

  it('MM2 stopped while producers keep writing: heartbeat-stale and lag alerts reach the webhook through Alertmanager', async () => {
    // Healthy first: none of the alerts under test pending or firing, on consecutive looks.
    await waitUntil(
      'none of the alerts under test pending or firing while MM2 runs',
      async () => {
        const active = (await prom.alerts()).filter((a) => EXPECTED.some((e) => isExpected(e, a)));
        return active.length === 0 ? pass(true) : fail(await alertingState());
      },
      { timeoutMs: 60_000, stableFor: 3, intervalMs: 1000 },
    );
    const healthyFor = Math.max(2, Math.floor((Date.now() - prometheusStartedAt) / 1000));
    const peak = async (expr: string): Promise<string> => {
      const v = vectorValues(await prom.query(`max(max_over_time((${expr})[${healthyFor}s:1s]))`))[0]?.value;
      return v === undefined ? 'none' : v.toFixed(1);
    };
    console.log(
      `healthy for ${healthyFor} s under ${RECORDS_PER_SECOND} records/s: peak lag ${await peak('mm2:flow_lag_records:sum')} records ` +
        `(alert threshold ${LAG_RECORDS_THRESHOLD}), ${await peak('mm2:flow_lag_seconds:max')} s (threshold ${LAG_SECONDS_THRESHOLD}), ` +
        `heartbeat age ${await peak('max by (source, target) (mm2_heartbeat_age_seconds)')} s (threshold ${HEARTBEAT_AGE_THRESHOLD_S})`,
    );
    // No false alarm while replication was healthy under traffic.
    const falseAlarms = webhook.received().filter((a) => a.status === 'firing' && EXPECTED.some((e) => isExpected(e, a)));
    expect(falseAlarms, JSON.stringify(falseAlarms, null, 2)).toEqual([]);

    const stopRequestedAt = Date.now();
    await mm.stop();
    const stoppedAt = Date.now();
    const firing = await waitForNotifications('firing', stopRequestedAt, 120_000);

    const lines = [`MM2 stop took ${secs(stoppedAt - stopRequestedAt)}; detection time (MM2 stop requested -> firing notification received at the webhook):`];
    for (const e of EXPECTED) {
      const a = firing.get(e) as ReceivedAlert;
      expect(a.labels).toMatchObject({ alertname: e.alertname, source: SOURCE, target: TARGET, ...e.labels });
      expect(a.annotations.summary).toContain(`${SOURCE}->${TARGET}`);
      expect(a.annotations.runbook_url).toBe(`docs/alerts/${e.alertname}.md`);
      const detectionMs = a.receivedAtMs - stopRequestedAt;
      const activeMs = Date.parse(a.startsAt) - stopRequestedAt;
      lines.push(`  ${e.alertname}: ${secs(detectionMs)} (condition true from ${secs(activeMs)}, firing after for=${FOR}; "${a.annotations.summary}")`);
      expect(detectionMs, `${e.alertname} detection time`).toBeLessThan(DETECTION_BOUND_MS);
    }
    console.log(lines.join('\n'));
    expect(traffic?.error ?? null).toBeNull();
    firedAll = true;
  });

  it('MM2 started again: resolved notifications arrive for those alerts', async () => {
    expect(firedAll, 'the previous test did not see every alert fire: nothing to resolve').toBe(true);
    const restartAt = Date.now();
    await mm.start();
    const startedAt = Date.now();
    const resolved = await waitForNotifications('resolved', restartAt, 120_000);
    const lines = [`MM2 start took ${secs(startedAt - restartAt)}; time to resolve (MM2 restart requested -> resolved notification received):`];
    for (const e of EXPECTED) {
      const a = resolved.get(e) as ReceivedAlert;
      expect(a.labels).toMatchObject({ alertname: e.alertname, source: SOURCE, target: TARGET, ...e.labels });
      expect(Date.parse(a.endsAt)).toBeLessThanOrEqual(a.receivedAtMs);
      lines.push(`  ${e.alertname}: ${secs(a.receivedAtMs - restartAt)}`);
    }
    console.log(lines.join('\n'));
    await traffic?.stop();
    expect(traffic?.error ?? null).toBeNull();
    expect(webhook.rejected).toEqual([]);
  });
});
