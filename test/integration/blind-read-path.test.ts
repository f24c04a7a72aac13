// mirrorwatch is never silently blind (issue 9, point 2), on real brokers with an authorizer and a
// real MM2. (a) Garbage produced into MM2's heartbeats and offset-syncs topics is counted and
// skipped, and the good records MM2 writes after it are still used: the heartbeat stays fresh and
// lag stays on basis offset-sync. (b) With READ on the remote heartbeats topic revoked from
// mirrorwatch's principal, the tail is stuck on TOPIC_AUTHORIZATION_FAILED: the API, the verdict,
// mirrorwatch_tail_errors_total and mirrorwatch_tail_stuck say mirrorwatch is blind, and nothing
// says MM2's heartbeat is stale or missing. Granting READ again clears it.
import { randomBytes } from 'node:crypto';
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } from 'kafkajs';
import type { AclEntry } from 'kafkajs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTopic, kafkaClient, produce, startMirrorMaker, waitForTopic } from '../harness/kafka.js';
import { createPki, startSecureCluster } from '../harness/secure.js';
import type { SecureCluster } from '../harness/secure.js';
import { gauge, getJson, readFlow, summary, tp } from './helpers/figures.js';
import type { FailoverResponse, FlowsResponse } from './helpers/figures.js';
import { startWatch, useHostileHarness } from './helpers/hostile.js';
import type { Watch } from './helpers/hostile.js';
import { fail, pass, waitUntil } from './helpers/wait.js';

useHostileHarness();

const EAST = 'us-east';
const WEST = 'us-west';
const TOPIC = 'orders';
const HB = `${EAST}.heartbeats`;
const OS = `mm2-offset-syncs.${WEST}.internal`;
const PASSWORD = `mw-${randomBytes(8).toString('hex')}`;
const PRINCIPAL = 'User:mirrorwatch';
const AUTHORIZER = {
  'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
  'super.users': 'User:ANONYMOUS',
};

let east: SecureCluster;
let west: SecureCluster;
let mw: Watch;
let produced = 0;

const acl = (resourceType: 'TOPIC' | 'GROUP', name: string, operation: 'DESCRIBE' | 'READ', prefixed = false): AclEntry => ({
  resourceType: AclResourceTypes[resourceType],
  resourceName: name,
  resourcePatternType: prefixed ? ResourcePatternTypes.PREFIXED : ResourcePatternTypes.LITERAL,
  principal: PRINCIPAL,
  host: '*',
  operation: AclOperationTypes[operation],
  permissionType: AclPermissionTypes.ALLOW,
});

async function withAdmin(cluster: SecureCluster, run: (admin: ReturnType<ReturnType<typeof kafkaClient>['admin']>) => Promise<unknown>): Promise<void> {
  const admin = kafkaClient(cluster).admin();
  await admin.connect();
  try {
    await run(admin);
  } finally {
    await admin.disconnect();
  }
}

const heartbeatRead = acl('TOPIC', HB, 'READ');

beforeAll(async () => {
  const pki = createPki();
  const users = [{ mechanism: 'SCRAM-SHA-512' as const, username: 'mirrorwatch', password: PASSWORD }];
  [east, west] = await Promise.all([
    startSecureCluster({ alias: EAST, users, pki, brokerProps: AUTHORIZER }),
    startSecureCluster({ alias: WEST, users, pki, brokerProps: AUTHORIZER }),
  ]);
  await createTopic(east, TOPIC, 1);
  await produce(east, TOPIC, { partition: 0, count: 20 });
  produced = 20;
  await startMirrorMaker({ clusters: [east, west], flows: [{ source: EAST, target: WEST, topics: TOPIC }] });
  await waitForTopic(west, `${EAST}.${TOPIC}`, { timeoutMs: 60_000 });
  await waitForTopic(west, HB, { timeoutMs: 60_000 });

  await withAdmin(east, (a) => a.createAcls({ acl: [acl('TOPIC', TOPIC, 'DESCRIBE'), acl('TOPIC', OS, 'DESCRIBE'), acl('TOPIC', OS, 'READ')] }));
  await withAdmin(west, (a) =>
    a.createAcls({
      acl: [
        acl('TOPIC', `${EAST}.`, 'DESCRIBE', true),
        heartbeatRead,
        acl('TOPIC', `${EAST}.checkpoints.internal`, 'READ'),
        acl('TOPIC', `mm2-offsets.${EAST}.internal`, 'DESCRIBE'),
        acl('TOPIC', `mm2-offsets.${EAST}.internal`, 'READ'),
      ],
    }),
  );

  const cluster = (c: SecureCluster): string[] => [
    `  - alias: ${c.alias}`,
    `    bootstrapServers: "${c.saslSslBootstrap}"`,
    '    connectionTimeout: 1s',
    '    requestTimeout: 1200ms',
    `    tls: { caFile: ${JSON.stringify(c.pki.caCert)} }`,
    '    sasl: { mechanism: scram-sha-512, username: mirrorwatch, passwordEnv: MW_PASSWORD }',
  ];
  mw = await startWatch({
    name: 'blind',
    env: { MW_PASSWORD: PASSWORD },
    yaml: [
      'clusters:',
      ...cluster(east),
      ...cluster(west),
      'flows:',
      `  - { source: ${EAST}, target: ${WEST}, maxHeartbeatAge: 10s }`,
      'poll: { interval: 2s, timeout: 1500ms }',
      'http: { host: 127.0.0.1, port: 0 }',
    ].join('\n'),
  });
}, 240_000);

const counter = (exp: Parameters<typeof gauge>[0], name: string, labels: Record<string, string>): number => gauge(exp, name, labels) ?? 0;

describe('the read path is never silently blind', () => {
  it('(a) counts and skips garbage in heartbeats and offset syncs, and uses the good records after it', async () => {
    await waitUntil(
      'lag 0 on basis offset-sync and a fresh heartbeat',
      async () => {
        const f = await readFlow(mw.url, EAST, WEST);
        const ok = f.apiLag[tp(TOPIC, 0)] === 0 && f.basis[tp(TOPIC, 0)] === 'offset-sync' && f.heartbeatAgeApi !== null && f.heartbeatAgeApi < 5;
        return ok ? pass(f) : fail(summary(f));
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );

    // Records no MM2 decoder accepts, straight into the topics mirrorwatch tails.
    await produce(west, HB, { partition: 0, count: 5, keyPrefix: 'garbage' });
    await produce(east, OS, { partition: 0, count: 5, keyPrefix: 'garbage' });
    // New data, so MM2 writes new offset syncs after the garbage.
    await produce(east, TOPIC, { partition: 0, count: 150 });
    produced += 150;

    const after = await waitUntil(
      'both garbage batches counted, lag 0 again on basis offset-sync, heartbeat fresh',
      async () => {
        const f = await readFlow(mw.url, EAST, WEST);
        const hb = counter(f.exposition, 'mirrorwatch_decode_errors_total', { cluster: WEST, topic: HB });
        const os = counter(f.exposition, 'mirrorwatch_decode_errors_total', { cluster: EAST, topic: OS });
        const ok =
          hb === 5 &&
          os === 5 &&
          f.sourceEnd[tp(TOPIC, 0)] === produced &&
          f.apiLag[tp(TOPIC, 0)] === 0 &&
          f.basis[tp(TOPIC, 0)] === 'offset-sync' &&
          f.heartbeatAgeApi !== null &&
          f.heartbeatAgeApi < 5;
        return ok ? pass({ f, hb, os }) : fail({ hb, os, ...summary(f) });
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    // Garbage is a decode problem of single records, not a stuck tail.
    expect(after.f.detail.blind).toEqual([]);
    expect(gauge(after.f.exposition, 'mirrorwatch_tail_stuck')).toBeUndefined();
    expect(after.f.detail.failover.reasons.join('; ')).not.toMatch(/heartbeat|cannot/);
    // One log line per (cluster, topic, kind), however many records.
    const decodeLines = mw.logLines().filter((l) => l.msg.startsWith('skipping undecodable record'));
    const perTopic = new Map<string, number>();
    for (const l of decodeLines) {
      const topic = /record (.*)-\d+@/.exec(l.msg)?.[1] ?? '?';
      perTopic.set(topic, (perTopic.get(topic) ?? 0) + 1);
    }
    expect([...perTopic.keys()].sort()).toEqual([HB, OS].sort());
    expect(decodeLines.length).toBeLessThanOrEqual(4);
  });

  it('(b) an ACL denying READ on the heartbeats topic is reported as mirrorwatch being blind, not MM2 being down', async () => {
    await withAdmin(west, (a) =>
      a.deleteAcls({
        filters: [{ ...heartbeatRead, resourceType: AclResourceTypes.TOPIC, resourcePatternType: ResourcePatternTypes.LITERAL }],
      }),
    );
    const expected = `cannot read ${HB} on ${WEST}: TOPIC_AUTHORIZATION_FAILED`;
    const blind = await waitUntil(
      'the heartbeats tail stuck on TOPIC_AUTHORIZATION_FAILED, counted, with the gauge at 1',
      async () => {
        const f = await readFlow(mw.url, EAST, WEST);
        const errors = counter(f.exposition, 'mirrorwatch_tail_errors_total', { cluster: WEST, topic: HB, kind: 'kafka' });
        const stuck = gauge(f.exposition, 'mirrorwatch_tail_stuck', { cluster: WEST, topic: HB, kind: 'kafka' });
        const ok = errors >= 3 && stuck === 1 && f.detail.blind.some((b) => b.reason === expected);
        return ok ? pass({ f, errors }) : fail({ errors, stuck, blind: f.detail.blind, reasons: f.detail.failover.reasons });
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    // Still blind well past maxHeartbeatAge (10 s): the last heartbeat seen ages, yet nothing blames MM2.
    const f = await waitUntil(
      'blind for longer than maxHeartbeatAge',
      async () => {
        const g = await readFlow(mw.url, EAST, WEST);
        const old = g.detail.heartbeat.ageSeconds !== null && g.detail.heartbeat.ageSeconds > 15;
        return old && g.detail.heartbeat.blind !== undefined ? pass(g) : fail({ heartbeat: g.detail.heartbeat });
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    expect(f.detail.heartbeat.blind).toBe(expected);
    expect(f.failoverReady).toBe(false);
    const reasons = f.detail.failover.reasons;
    expect(reasons.some((r) => r.startsWith(expected))).toBe(true);
    expect(reasons.join('; ')).not.toMatch(/heartbeat stale|no heartbeat seen/);
    // No heartbeat age series (the alert cannot blame MM2); the flow's blind spot instead.
    expect(f.heartbeatAgeMetric).toBeUndefined();
    expect(gauge(f.exposition, 'mirrorwatch_flow_blind', { source: EAST, target: WEST, evidence: 'heartbeats' })).toBe(1);
    // The flows list and the verdict endpoint say it too.
    const list = await getJson<FlowsResponse>(mw.url, '/api/v1/flows');
    const listed = list.body.flows.find((x) => x.source === EAST && x.target === WEST);
    expect(listed?.blind.map((b) => b.reason)).toEqual([expected]);
    expect(listed?.failover.reasons.some((r) => r.startsWith(expected))).toBe(true);
    const verdict = await getJson<FailoverResponse>(mw.url, `/api/v1/flows/${EAST}/${WEST}/failover`);
    expect(verdict.body.ready).toBe(false);
    expect(verdict.body.reasons.some((r) => r.startsWith(expected))).toBe(true);
    expect(verdict.body.heartbeat.blind).toBe(expected);
    // Lag figures are unaffected: they do not depend on the heartbeats topic.
    expect(f.apiLag[tp(TOPIC, 0)]).toBe(0);
    // Said once in the log, not every poll.
    const stuckLines = mw.logLines().filter((l) => l.msg.startsWith(expected));
    expect(stuckLines.length).toBe(1);
    expect(blind.errors).toBeGreaterThanOrEqual(3);

    // Grant READ again: the tail reads on, the heartbeat is fresh, the blind spot is gone.
    await withAdmin(west, (a) => a.createAcls({ acl: [heartbeatRead] }));
    const cleared = await waitUntil(
      'the heartbeats tail reading again',
      async () => {
        const g = await readFlow(mw.url, EAST, WEST);
        const ok =
          g.detail.blind.length === 0 &&
          g.detail.heartbeat.blind === undefined &&
          gauge(g.exposition, 'mirrorwatch_tail_stuck') === undefined &&
          g.heartbeatAgeMetric !== undefined &&
          g.heartbeatAgeMetric < 5 &&
          g.failoverReady;
        return ok ? pass(g) : fail({ blind: g.detail.blind, heartbeat: g.detail.heartbeat, reasons: g.detail.failover.reasons });
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(cleared.detail.failover.reasons).toEqual([]);
    const final = await readFlow(mw.url, EAST, WEST);
    console.log(
      `blind read path: ${blind.errors} tail errors when first seen stuck, ` +
        `${counter(final.exposition, 'mirrorwatch_tail_errors_total', { cluster: WEST, topic: HB, kind: 'kafka' })} in all; ` +
        `heartbeat ${f.detail.heartbeat.ageSeconds?.toFixed(1)} s old while blind, ${cleared.heartbeatAgeMetric?.toFixed(1)} s after READ was granted again`,
    );
    expect(mw.logLines().some((l) => l.msg.startsWith(`reading ${HB} on ${WEST} works again`))).toBe(true);
  });
});
