// Issue 6, item 6 made checkable: the access SECURITY.md says mirrorwatch needs is enough, on real
// brokers with an authorizer. Both clusters run StandardAuthorizer; MM2 and the harness use the
// PLAINTEXT listener as User:ANONYMOUS, a super user. mirrorwatch logs in over SASL_SSL as
// User:mirrorwatch, which holds exactly the ACLs of SECURITY.md: Describe on the watched topics,
// Describe and Read on MM2's topics it tails, Describe on the group it checks. Nothing to write.
// A second group, checkpointed by MM2 but not granted, shows what a missing group ACL does, and
// the optional DescribeConfigs (count audit) is not granted either.
import { randomBytes } from 'node:crypto';
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } from 'kafkajs';
import type { AclEntry } from 'kafkajs';
import { beforeAll, describe, expect, it } from 'vitest';
import { commitGroupOffsets, createTopic, kafkaClient, produce, startMirrorMaker, waitForTopic } from '../harness/kafka.js';
import { createPki, startSecureCluster } from '../harness/secure.js';
import type { SecureCluster } from '../harness/secure.js';
import { gauge, readFlow, select, summary, tp } from './helpers/figures.js';
import { startWatch, useHostileHarness } from './helpers/hostile.js';
import type { Watch } from './helpers/hostile.js';
import { fail, pass, waitUntil } from './helpers/wait.js';

useHostileHarness();

const EAST = 'us-east';
const WEST = 'us-west';
const TOPIC = 'orders';
const GROUP = 'billing';
const COUNTS = [9, 4];
const PASSWORD = `mw-${randomBytes(8).toString('hex')}`;
const PRINCIPAL = 'User:mirrorwatch';
const AUTHORIZER = {
  'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
  // The harness, MM2 and the brokers themselves come in over PLAINTEXT as ANONYMOUS.
  'super.users': 'User:ANONYMOUS',
};

let east: SecureCluster;
let west: SecureCluster;
let mw: Watch;

type Op = 'DESCRIBE' | 'READ';
const acl = (resourceType: 'TOPIC' | 'GROUP', name: string, operation: Op, prefixed = false): AclEntry => ({
  resourceType: AclResourceTypes[resourceType],
  resourceName: name,
  resourcePatternType: prefixed ? ResourcePatternTypes.PREFIXED : ResourcePatternTypes.LITERAL,
  principal: PRINCIPAL,
  host: '*',
  operation: AclOperationTypes[operation],
  permissionType: AclPermissionTypes.ALLOW,
});

async function grant(cluster: SecureCluster, entries: AclEntry[]): Promise<void> {
  const admin = kafkaClient(cluster).admin();
  await admin.connect();
  try {
    await admin.createAcls({ acl: entries });
  } finally {
    await admin.disconnect();
  }
}

beforeAll(async () => {
  const pki = createPki();
  const users = [{ mechanism: 'SCRAM-SHA-512' as const, username: 'mirrorwatch', password: PASSWORD }];
  [east, west] = await Promise.all([
    startSecureCluster({ alias: EAST, users, pki, brokerProps: AUTHORIZER }),
    startSecureCluster({ alias: WEST, users, pki, brokerProps: AUTHORIZER }),
  ]);
  await createTopic(east, TOPIC, COUNTS.length);
  await createTopic(east, 'not-for-mirrorwatch', 1);
  for (const [p, n] of COUNTS.entries()) await produce(east, TOPIC, { partition: p, count: n });
  await commitGroupOffsets(east, GROUP, TOPIC, 0, COUNTS[0]!);
  // MM2 checkpoints this group too; mirrorwatch gets no ACL for it.
  await commitGroupOffsets(east, 'analytics', TOPIC, 1, COUNTS[1]!);
  await startMirrorMaker({ clusters: [east, west], flows: [{ source: EAST, target: WEST, topics: `${TOPIC}|not-for-mirrorwatch` }] });
  await waitForTopic(west, `${EAST}.${TOPIC}`, { timeoutMs: 60_000 });

  // The ACLs of SECURITY.md, for flow us-east -> us-west with group billing.
  await grant(east, [
    acl('TOPIC', TOPIC, 'DESCRIBE'),
    acl('TOPIC', `mm2-offset-syncs.${WEST}.internal`, 'DESCRIBE'),
    acl('TOPIC', `mm2-offset-syncs.${WEST}.internal`, 'READ'),
    acl('GROUP', GROUP, 'DESCRIBE'),
  ]);
  await grant(west, [
    acl('TOPIC', `${EAST}.`, 'DESCRIBE', true),
    acl('TOPIC', `${EAST}.heartbeats`, 'READ'),
    acl('TOPIC', `${EAST}.checkpoints.internal`, 'READ'),
    acl('TOPIC', `mm2-offsets.${EAST}.internal`, 'DESCRIBE'),
    acl('TOPIC', `mm2-offsets.${EAST}.internal`, 'READ'),
  ]);

  const cluster = (c: SecureCluster): string[] => [
    `  - alias: ${c.alias}`,
    `    bootstrapServers: "${c.saslSslBootstrap}"`,
    '    connectionTimeout: 1s',
    '    requestTimeout: 1200ms',
    `    tls: { caFile: ${JSON.stringify(c.pki.caCert)} }`,
    '    sasl: { mechanism: scram-sha-512, username: mirrorwatch, passwordEnv: MW_PASSWORD }',
  ];
  mw = await startWatch({
    name: 'acl',
    env: { MW_PASSWORD: PASSWORD },
    yaml: [
      'clusters:',
      ...cluster(east),
      ...cluster(west),
      'flows:',
      `  - { source: ${EAST}, target: ${WEST}, groups: [${GROUP}] }`,
      'poll: { interval: 2s, timeout: 1500ms }',
      'http: { host: 127.0.0.1, port: 0 }',
    ].join('\n'),
  });
});

describe('least privilege (SECURITY.md)', () => {
  it('reads lag, heartbeats and checkpoints with Describe and Read only', async () => {
    const f = await waitUntil(
      'exact lag 0, a fresh heartbeat and the checkpoint of billing, as User:mirrorwatch',
      async () => {
        const fig = await readFlow(mw.url, EAST, WEST);
        const group = fig.detail.checkpoints.find((c) => c.group === GROUP);
        const ok =
          fig.clusterUp[EAST] === 1 &&
          fig.clusterUp[WEST] === 1 &&
          COUNTS.every((n, p) => fig.metricLag[tp(TOPIC, p)] === 0 && fig.sourceEnd[tp(TOPIC, p)] === n) &&
          fig.heartbeatAgeMetric !== undefined &&
          fig.heartbeatAgeMetric < 5 &&
          group?.partitions.find((p) => p.partition === 0)?.committedOffset === COUNTS[0] &&
          fig.detail.checkpoints.some((c) => c.group === 'analytics');
        return ok ? pass(fig) : fail(summary(fig));
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    // A topic mirrorwatch may not describe does not exist for it.
    expect(f.apiTopics).toEqual([TOPIC]);
    // Only the group without an ACL is refused: once in the log, however many polls.
    await waitUntil(
      'five refused reads of the group analytics',
      async () => {
        const fig = await readFlow(mw.url, EAST, WEST);
        const refused = gauge(fig.exposition, 'mirrorwatch_poll_errors_total', { cluster: EAST, kind: 'committed_offsets' }) ?? 0;
        return refused >= 5 ? pass(refused) : fail({ refused });
      },
      { timeoutMs: 30_000 },
    );
    // DescribeConfigs is not granted (optional, SECURITY.md): the count audit judges the topic
    // anyway and says its configs are unknown on both clusters, without a warning or a poll error.
    const unknown = await waitUntil(
      'the count audit to have asked for the topic configs',
      async () => {
        const fig = await readFlow(mw.url, EAST, WEST);
        const n = gauge(fig.exposition, 'mm2_audit_topic_configs_unknown', { source: EAST, target: WEST });
        return n !== undefined && n > 0 ? pass(n) : fail({ n });
      },
      { timeoutMs: 60_000 },
    );
    expect(unknown).toBe(2);
    const audit = (await (await fetch(`${mw.url}/api/v1/flows/${EAST}/${WEST}/audit`)).json()) as { configsUnknown: { cluster: string; topic: string; error: string }[] };
    expect(audit.configsUnknown.map((u) => `${u.cluster} ${u.topic}`)).toEqual([`${EAST} ${TOPIC}`, `${WEST} ${EAST}.${TOPIC}`]);
    for (const u of audit.configsUnknown) expect(u.error).toMatch(/^TOPIC_AUTHORIZATION_FAILED/);
    const warnings = mw.logLines().filter((l) => l.level >= 40 && !l.msg.includes('failover-ready')).map((l) => l.msg);
    expect(warnings).toEqual(['reading committed offsets: 1 not read: group analytics: FindCoordinator for group analytics: GROUP_AUTHORIZATION_FAILED']);
    // No request was refused along the way, but for the group mirrorwatch has no ACL for.
    const later = await readFlow(mw.url, EAST, WEST);
    const errors = select(later.exposition, 'mirrorwatch_poll_errors_total');
    expect(errors.map((s) => `${s.labels.cluster}/${s.labels.kind}`)).toEqual([`${EAST}/committed_offsets`]);
    // That group's committed offset is unknown, not invented.
    const analytics = later.detail.checkpoints.find((c) => c.group === 'analytics');
    expect(analytics?.partitions.every((p) => p.committedOffset === null)).toBe(true);
    expect(gauge(later.exposition, 'mirrorwatch_decode_errors_total')).toBeUndefined();
  });
});
