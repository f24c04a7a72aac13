// Issue 14 item 5: the fast paging rules as shipped, on the real programs. Real Kafka (us-east,
// us-west), a real dedicated MM2 (us-east -> us-west) under a trickle of records, a real
// mirrorwatch, and a real Prometheus (Debian's package, scraping and evaluating every 5 s) loaded
// with every file of prometheus/rules/ unmodified.
//  1. A planned MM2 restart (SIGTERM, start again at once) fires no alert at a paging severity.
//  2. MM2 killed with SIGKILL: the flow's page (Mm2FlowNotCopying, critical) fires.
// Behaviour, not speed: the waits are generous; the time to page is measured by
// `npm run bench:detect` and documented in docs/performance.md.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTopic, startMirrorMaker } from '../harness/kafka.js';
import type { KafkaCluster, MirrorMaker } from '../harness/kafka.js';
import { repoPath } from '../unit/ops/tools.js';
import { readFlow, tp } from './helpers/figures.js';
import { startMirrorwatch } from './helpers/mirrorwatch.js';
import type { RunningMirrorwatch } from './helpers/mirrorwatch.js';
import { startPrometheus, vectorValues } from './helpers/prometheus.js';
import type { PromAlert, RunningPrometheus } from './helpers/prometheus.js';
import { startEastWest, useIntegrationHarness } from './helpers/setup.js';
import { startTraffic } from './helpers/traffic.js';
import type { Traffic } from './helpers/traffic.js';
import { fail, pass, waitUntil } from './helpers/wait.js';

useIntegrationHarness();

const SOURCE = 'us-east';
const TARGET = 'us-west';
const TOPIC = 'orders';
const PARTITIONS = 3;
const PAGE = /^(critical|page)$/;
const FAST_PAGE = 'Mm2FlowNotCopying';

let east: KafkaCluster;
let west: KafkaCluster;
let mm: MirrorMaker;
let mw: RunningMirrorwatch;
let prom: RunningPrometheus;
let traffic: Traffic | undefined;

const ofFlow = (a: PromAlert) => a.labels.source === SOURCE && a.labels.target === TARGET;
const pages = (alerts: PromAlert[]) => alerts.filter((a) => a.state === 'firing' && PAGE.test(a.labels.severity ?? ''));
const describeAlerts = (alerts: PromAlert[]) => alerts.map((a) => ({ state: a.state, value: a.value, labels: a.labels }));

async function heartbeatAge(): Promise<number | undefined> {
  return (await readFlow(mw.url, SOURCE, TARGET, [TOPIC])).heartbeatAgeMetric;
}

afterAll(async () => {
  await traffic?.stop();
});

beforeAll(async () => {
  [east, west] = await startEastWest();
  await createTopic(east, TOPIC, PARTITIONS);
  mm = await startMirrorMaker({ clusters: [east, west], flows: [{ source: SOURCE, target: TARGET }] });
  traffic = await startTraffic({ cluster: east, topics: [TOPIC], partitions: PARTITIONS, intervalMs: 250, perRound: 1 });
  // A short poll interval: the test's waits end sooner; the rules are the ones shipped.
  mw = await startMirrorwatch({ clusters: [east, west], flows: [{ source: SOURCE, target: TARGET }], pollInterval: '5s', pollTimeout: '4s', requestTimeout: '3s', connectionTimeout: '2s' });
  const dir = repoPath('prometheus', 'rules');
  const ruleFiles = Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith('.yml')).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
  expect(ruleFiles['mirrorwatch-alerts.yml']).toContain('name: mirrorwatch.detect.alerts');
  prom = await startPrometheus({ mirrorwatchTargets: [new URL(mw.url).host], ruleFiles, scrapeInterval: '5s', evaluationInterval: '5s' });
  await waitUntil(
    'replication healthy: a fresh heartbeat, the remote topic copied, every rule loaded and healthy, no alert pending or firing',
    async () => {
      const f = await readFlow(mw.url, SOURCE, TARGET, [TOPIC]);
      const rules = (await prom.rules()).flatMap((g) => g.rules);
      const alerts = await prom.alerts();
      const fresh = f.heartbeatAgeMetric !== undefined && f.heartbeatAgeMetric < 10;
      const copied = Array.from({ length: PARTITIONS }, (_, p) => f.metricLag[tp(TOPIC, p)]).every((l) => l !== undefined && l < 50);
      const ok = fresh && copied && rules.some((r) => r.name === FAST_PAGE) && rules.every((r) => r.health === 'ok') && alerts.length === 0;
      return ok ? pass(true) : fail({ heartbeatAge: f.heartbeatAgeMetric, lag: f.metricLag, unhealthyRules: rules.filter((r) => r.health !== 'ok').map((r) => r.name), alerts: describeAlerts(alerts) });
    },
    { timeoutMs: 150_000, stableFor: 3, intervalMs: 1000 },
  );
});

describe('fast paging on real Kafka, MM2 and Prometheus with the shipped rules', () => {
  it('a planned MM2 restart (SIGTERM, start again at once) fires no page', async () => {
    const from = Date.now();
    await mm.restart();
    const restartedMs = Date.now() - from;
    // Heartbeats back, then long enough for a slow rule to show whatever it saw: the fast rules
    // have no `for`, so a page would fire within one poll, scrape and evaluation of the peak.
    let peakAge = 0;
    const seenPages: PromAlert[] = [];
    const watch = async () => {
      const age = await heartbeatAge();
      if (age !== undefined) peakAge = Math.max(peakAge, age);
      seenPages.push(...pages(await prom.alerts()));
      return age;
    };
    await waitUntil(
      'heartbeats fresh again after the restart',
      async () => {
        const age = await watch();
        return age !== undefined && age < 5 && Date.now() - from > 10_000 ? pass(age) : fail({ heartbeatAge: age, peakAge });
      },
      { timeoutMs: 120_000, intervalMs: 1000 },
    );
    const quietUntil = Date.now() + 25_000;
    while (Date.now() < quietUntil) {
      await watch();
      await new Promise((r) => setTimeout(r, 1000));
    }
    // Prometheus's own record of the window as well: ALERTS holds every evaluation's firing alerts.
    const windowS = Math.ceil((Date.now() - from) / 1000) + 5;
    const fired = vectorValues(await prom.query(`max_over_time(ALERTS{alertstate="firing",severity=~"critical|page"}[${windowS}s])`));
    console.log(`planned restart: MM2 back in ${(restartedMs / 1000).toFixed(1)} s, peak heartbeat age seen ${peakAge.toFixed(1)} s, pages: ${fired.length + seenPages.length}`);
    expect(describeAlerts(seenPages)).toEqual([]);
    expect(fired.map((f) => f.labels)).toEqual([]);
  });

  it('MM2 killed (SIGKILL): the flow page fires', async () => {
    const killedAt = Date.now();
    await mm.kill();
    const page = await waitUntil(
      `${FAST_PAGE} firing for ${SOURCE}->${TARGET}`,
      async () => {
        const alerts = await prom.alerts();
        const p = pages(alerts).find((a) => a.labels.alertname === FAST_PAGE && ofFlow(a));
        return p ? pass(p) : fail({ heartbeatAge: await heartbeatAge().catch(() => 'unreadable'), alerts: describeAlerts(alerts) });
      },
      { timeoutMs: 180_000, intervalMs: 1000 },
    );
    console.log(`kill -9: ${FAST_PAGE} firing after ${((Date.now() - killedAt) / 1000).toFixed(1)} s ("${page.annotations.summary}")`);
    expect(page.labels).toMatchObject({ alertname: FAST_PAGE, severity: 'critical', source: SOURCE, target: TARGET });
    expect(page.annotations.runbook_url).toBe(`docs/alerts/${FAST_PAGE}.md`);
    expect(traffic?.error ?? null).toBeNull();
  });
});
