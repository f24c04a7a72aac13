// The inhibit rules of alertmanager/alertmanager.yml on a real Alertmanager (Debian's
// `prometheus-alertmanager`), driven with amtool as an operator would: alerts with the labels the
// mixin's rules give them (prometheus/tests/mixin.test.yml proves those labels) are posted with
// `amtool alert add`, and `amtool alert query` says which are inhibited.
//  - A Kafka cluster no replica can reach (MirrorwatchClusterUnreachable, us-east in prod)
//    inhibits the heartbeat and lag pages of prod's flows from and to us-east, and the failing
//    polls of us-east: one DC outage, one page.
//  - It does not inhibit another deployment's alerts for the same aliases (staging), flows that do
//    not touch us-east, or data loss (records lost are lost whatever the cause).
//  - A stale heartbeat inhibits the same flow's "not failover-ready" ticket.
// No Kafka: Alertmanager alone, well under a minute.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopAll } from '../harness/kafka.js';
import { findTool, repoPath, runTool } from '../unit/ops/tools.js';
import { startAlertmanagerWithConfig } from './helpers/alertmanager.js';
import type { RunningAlertmanager } from './helpers/alertmanager.js';
import { fail, pass, waitUntil } from './helpers/wait.js';

type Labels = Record<string, string>;

const PROD = { job: 'monitoring/mirrorwatch', namespace: 'prod' };
const STAGING = { job: 'monitoring/mirrorwatch', namespace: 'staging' };

// What each posted alert must end up as: inhibited (by which alert) or active.
const ALERTS: { name: string; labels: Labels; inhibitedBy: string | null }[] = [
  {
    name: 'us-east unreachable (prod)',
    labels: { alertname: 'MirrorwatchClusterUnreachable', severity: 'critical', cluster: 'us-east', source: 'us-east', target: 'us-east', ...PROD },
    inhibitedBy: null,
  },
  {
    name: 'heartbeat us-east->us-west (prod)',
    labels: { alertname: 'Mm2HeartbeatStale', severity: 'critical', reason: 'heartbeat-old', source: 'us-east', target: 'us-west', ...PROD },
    inhibitedBy: 'us-east unreachable (prod)',
  },
  {
    name: 'lag us-west->us-east (prod)',
    labels: { alertname: 'Mm2ReplicationLagHigh', severity: 'warning', source: 'us-west', target: 'us-east', ...PROD },
    inhibitedBy: 'us-east unreachable (prod)',
  },
  {
    name: 'lag seconds us-east->eu-west (prod)',
    labels: { alertname: 'Mm2ReplicationLagSecondsHigh', severity: 'warning', source: 'us-east', target: 'eu-west', ...PROD },
    inhibitedBy: 'us-east unreachable (prod)',
  },
  {
    name: 'polls of us-east failing on one replica (prod)',
    labels: { alertname: 'MirrorwatchPollsFailing', severity: 'warning', reason: 'poll-errors', cluster: 'us-east', instance: '10.0.0.7:9467', pod: 'mirrorwatch-0', ...PROD },
    inhibitedBy: 'us-east unreachable (prod)',
  },
  {
    name: 'data lost us-east->us-west (prod)',
    labels: { alertname: 'Mm2DataLost', severity: 'critical', source: 'us-east', target: 'us-west', ...PROD },
    inhibitedBy: null,
  },
  {
    name: 'heartbeat us-west->eu-west (prod)',
    labels: { alertname: 'Mm2HeartbeatStale', severity: 'critical', reason: 'heartbeat-old', source: 'us-west', target: 'eu-west', ...PROD },
    inhibitedBy: null,
  },
  {
    name: 'not failover-ready us-west->eu-west (prod)',
    labels: { alertname: 'Mm2FlowNotFailoverReady', severity: 'warning', source: 'us-west', target: 'eu-west', ...PROD },
    inhibitedBy: 'heartbeat us-west->eu-west (prod)',
  },
  {
    name: 'heartbeat us-east->us-west (staging)',
    labels: { alertname: 'Mm2HeartbeatStale', severity: 'critical', reason: 'heartbeat-old', source: 'us-east', target: 'us-west', ...STAGING },
    inhibitedBy: null,
  },
  {
    name: 'lag us-west->us-east (staging)',
    labels: { alertname: 'Mm2ReplicationLagHigh', severity: 'warning', source: 'us-west', target: 'us-east', ...STAGING },
    inhibitedBy: null,
  },
];

interface QueriedAlert {
  labels: Labels;
  fingerprint: string;
  status: { state: string; inhibitedBy: string[] | null };
}

const amtool = findTool('amtool');
let am: RunningAlertmanager;

const sameLabels = (a: Labels, b: Labels): boolean => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

function query(args: string[]): QueriedAlert[] {
  const r = runTool(amtool as string, ['alert', 'query', `--alertmanager.url=${am.url}`, '-o', 'json', ...args]);
  if (r.status !== 0) throw new Error(`amtool alert query ${args.join(' ')}: ${r.output}`);
  return JSON.parse(r.stdout) as QueriedAlert[];
}

afterAll(async () => {
  await stopAll();
});

beforeAll(async () => {
  if (!amtool) throw new Error("amtool does not run: install Debian's prometheus-alertmanager package, as .ci/run does");
  am = await startAlertmanagerWithConfig(readFileSync(repoPath('alertmanager', 'alertmanager.yml'), 'utf8'));
});

describe('alertmanager/alertmanager.yml inhibitions on a real Alertmanager (amtool)', () => {
  it('a cluster no mirrorwatch replica reaches inhibits the heartbeat, lag and poll alerts of its flows, in its deployment only', async () => {
    for (const a of ALERTS) {
      const args = Object.entries(a.labels).map(([k, v]) => `${k}=${v}`);
      const r = runTool(amtool as string, ['alert', 'add', `--alertmanager.url=${am.url}`, `--annotation=summary=${a.name}`, ...args]);
      expect(r.status, `amtool alert add ${args.join(' ')}: ${r.output}`).toBe(0);
    }
    const expectedInhibited = ALERTS.filter((a) => a.inhibitedBy !== null);
    const states = await waitUntil(
      `Alertmanager to hold ${ALERTS.length} alerts, ${expectedInhibited.length} of them inhibited`,
      () => {
        const all = query([]).concat(query(['--inhibited']));
        const byName = new Map(ALERTS.map((a) => [a.name, all.find((q) => sameLabels(q.labels, a.labels))]));
        const wrong = ALERTS.filter((a) => {
          const q = byName.get(a.name);
          return q === undefined || (q.status.state === 'suppressed') !== (a.inhibitedBy !== null);
        }).map((a) => ({ alert: a.name, want: a.inhibitedBy ? 'inhibited' : 'active', got: byName.get(a.name)?.status.state ?? 'missing' }));
        return wrong.length === 0 ? pass(byName) : fail(wrong);
      },
      { timeoutMs: 30_000, intervalMs: 500, stableFor: 3 },
    );

    // Each inhibited alert names the alert that inhibits it.
    const lines: string[] = [];
    for (const a of ALERTS) {
      const q = states.get(a.name) as QueriedAlert;
      if (a.inhibitedBy === null) {
        expect(q.status.state, a.name).toBe('active');
        lines.push(`  active:    ${a.name}`);
        continue;
      }
      const by = states.get(a.inhibitedBy) as QueriedAlert;
      expect(q.status.inhibitedBy ?? [], a.name).toEqual([by.fingerprint]);
      lines.push(`  inhibited: ${a.name} (by ${a.inhibitedBy})`);
    }
    // What an operator sees without flags: only the active ones.
    const shown = query([]).map((q) => q.labels);
    expect(shown).toHaveLength(ALERTS.length - expectedInhibited.length);
    console.log(`Alertmanager ${am.url} (log ${am.logFile}): ${ALERTS.length} alerts posted with amtool\n${lines.join('\n')}`);
  });
});
