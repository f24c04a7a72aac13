// Issue 6, items 1 and 2: secured clusters and protected endpoints, on a real broker.
// One broker serves a SASL_SSL listener (SCRAM-SHA-512, SCRAM-SHA-256, PLAIN; certificate from a
// throwaway CA) and a mutual-TLS listener. mirrorwatch watches it under six aliases: four with
// right credentials (one per mechanism, and mTLS), one with a wrong password and one trusting the
// wrong CA. Its own HTTP server runs HTTPS with basic auth. Everything mirrorwatch printed and
// answered is then searched for the secrets.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import bcrypt from 'bcryptjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTopic, produce } from '../harness/kafka.js';
import { startSecureCluster } from '../harness/secure.js';
import type { SecureCluster } from '../harness/secure.js';
import { gauge, parseExposition } from './helpers/figures.js';
import { get, startWatch, useHostileHarness } from './helpers/hostile.js';
import type { GetOptions, Watch } from './helpers/hostile.js';
import { fail, pass, waitUntil } from './helpers/wait.js';

useHostileHarness();

// Fresh per run, so a match in the output can only come from mirrorwatch echoing it.
const secret = (what: string): string => `${what}-${randomBytes(9).toString('base64url').replace(/[^A-Za-z0-9]/g, 'x')}`;
const ALICE = secret('alice');
const BOB = secret('bob');
const CAROL = secret('carol');
const WRONG = secret('wrong');
const SCRAPER = secret('scraper');
const WRONG_JAAS = secret('wrongjaas');

const TOPIC = 'orders';
const COUNTS = [4, 7, 2];
const GOOD = ['scram512', 'scram256', 'plain', 'mtls'];

let broker: SecureCluster;
let mw: Watch;
let https: GetOptions;

function yaml(b: SecureCluster): string {
  const tls = (extra = ''): string => `    tls: { caFile: ${JSON.stringify(b.pki.caCert)}${extra} }`;
  const cluster = (alias: string, bootstrap: string, lines: string[]): string[] => [
    `  - alias: ${alias}`,
    `    bootstrapServers: ${bootstrap}`,
    // TLS, SCRAM and cold JIT on a shared 2-core box: generous, so a slow first handshake is not a timeout.
    '    connectionTimeout: 1s',
    '    requestTimeout: 1200ms',
    ...lines,
  ];
  return [
    'clusters:',
    ...cluster('scram512', b.saslSslBootstrap, [tls(), '    sasl: { mechanism: SCRAM-SHA-512, username: alice, passwordEnv: ALICE_PASSWORD }']),
    ...cluster('scram256', b.saslSslBootstrap, [tls(), '    sasl: { mechanism: scram-sha-256, username: bob, passwordFile: bob.password }']),
    ...cluster('plain', b.saslSslBootstrap, [tls(), '    sasl: { mechanism: plain, username: carol, passwordEnv: CAROL_PASSWORD }']),
    ...cluster('mtls', b.mtlsBootstrap, [tls(`, certFile: ${JSON.stringify(b.pki.client.cert)}, keyFile: ${JSON.stringify(b.pki.client.key)}`)]),
    ...cluster('wrongpw', b.saslSslBootstrap, [tls(), '    sasl: { mechanism: scram-sha-512, username: alice, passwordEnv: WRONG_PASSWORD }']),
    ...cluster('wrongca', b.saslSslBootstrap, [
      `    tls: { caFile: ${JSON.stringify(b.pki.otherCaCert)} }`,
      '    sasl: { mechanism: scram-sha-512, username: alice, passwordEnv: ALICE_PASSWORD }',
    ]),
    'flows:',
    // Each alias is the source of some flow, so each reads the offsets of "orders".
    ...[
      ['scram512', 'scram256'],
      ['scram256', 'scram512'],
      ['plain', 'mtls'],
      ['mtls', 'plain'],
      ['wrongpw', 'wrongca'],
      ['wrongca', 'wrongpw'],
    ].flatMap(([s, t]) => [`  - source: ${s}`, `    target: ${t}`, `    topics: [${TOPIC}]`]),
    'poll: { interval: 2s, timeout: 1500ms }',
    'http:',
    '  host: 127.0.0.1',
    '  port: 0',
    `  tls: { certFile: ${JSON.stringify(b.pki.server.cert)}, keyFile: ${JSON.stringify(b.pki.server.key)} }`,
    '  basicAuthUsers:',
    `    prometheus: ${JSON.stringify(bcrypt.hashSync(SCRAPER, 6))}`,
    'logLevel: info',
  ].join('\n');
}

beforeAll(async () => {
  broker = await startSecureCluster({
    alias: 'secure',
    users: [
      { mechanism: 'SCRAM-SHA-512', username: 'alice', password: ALICE },
      { mechanism: 'SCRAM-SHA-256', username: 'bob', password: BOB },
      { mechanism: 'PLAIN', username: 'carol', password: CAROL },
    ],
  });
  await createTopic(broker, TOPIC, COUNTS.length);
  for (const [p, n] of COUNTS.entries()) await produce(broker, TOPIC, { partition: p, count: n });
  mw = await startWatch({
    name: 'secure',
    yaml: yaml(broker),
    env: { ALICE_PASSWORD: ALICE, CAROL_PASSWORD: CAROL, WRONG_PASSWORD: WRONG },
    files: { 'bob.password': `${BOB}\n` },
  });
  https = { ca: readFileSync(broker.pki.caCert, 'utf8'), auth: { user: 'prometheus', password: SCRAPER } };
});

describe('secured clusters (issue 6 item 1)', () => {
  it('reads exact offsets with SCRAM-SHA-512, SCRAM-SHA-256, PLAIN and mutual TLS; a wrong password or CA is a down cluster with a clear reason', async () => {
    const started = Date.now();
    const exp = await waitUntil(
      'every good alias up with the end offsets of orders, the bad ones down',
      async () => {
        const res = await get(`${mw.url}/metrics`, https);
        if (res.status !== 200) return fail(`GET /metrics ${res.status}`);
        const e = parseExposition(res.body);
        const seen: Record<string, unknown> = {};
        let ok = true;
        for (const alias of GOOD) {
          const ends = COUNTS.map((_, p) => gauge(e, 'mm2_partition_end_offset', { cluster: alias, topic: TOPIC, partition: String(p) }));
          const up = gauge(e, 'mirrorwatch_cluster_up', { cluster: alias });
          seen[alias] = { up, ends };
          ok &&= up === 1 && ends.every((v, p) => v === COUNTS[p]);
        }
        for (const alias of ['wrongpw', 'wrongca']) {
          const up = gauge(e, 'mirrorwatch_cluster_up', { cluster: alias });
          seen[alias] = { up };
          ok &&= up === 0;
        }
        const authErrors = gauge(e, 'mirrorwatch_poll_errors_total', { cluster: 'wrongpw', kind: 'auth' });
        const tlsErrors = gauge(e, 'mirrorwatch_poll_errors_total', { cluster: 'wrongca', kind: 'tls' });
        seen.errors = { authErrors, tlsErrors };
        ok &&= authErrors !== undefined && authErrors > 0 && tlsErrors !== undefined && tlsErrors > 0;
        return ok ? pass(e) : fail(seen);
      },
      { timeoutMs: 30_000 },
    );
    console.log(`[hostile-secure] all four secured aliases read and both bad ones reported down (auth / tls) ${Date.now() - started} ms after start`);
    // Series of the clusters that could not be read stay away rather than showing zeros.
    expect(gauge(exp, 'mm2_partition_end_offset', { cluster: 'wrongpw', topic: TOPIC, partition: '0' })).toBeUndefined();

    // Let a few more polls fail: the reason is still logged once, not once per poll.
    await waitUntil(
      'five failed polls of wrongpw',
      async () => {
        const failed = gauge(parseExposition((await get(`${mw.url}/metrics`, https)).body), 'mirrorwatch_poll_errors_total', { cluster: 'wrongpw', kind: 'auth' }) ?? 0;
        return failed >= 5 ? pass(failed) : fail({ failedPolls: failed });
      },
      { timeoutMs: 20_000 },
    );

    const lines = mw.logLines();
    const about = (alias: string) => lines.filter((l) => l.cluster === alias && l.level >= 40).map((l) => l.msg);
    // One line per reason, not one per poll (a slow first handshake may add a timeout line).
    const wrongpw = about('wrongpw');
    expect(new Set(wrongpw).size, `warnings about wrongpw: ${JSON.stringify(wrongpw)}`).toBe(wrongpw.length);
    expect(wrongpw.filter((m) => /poll of cluster wrongpw failed: .*authentication failed/i.test(m))).toHaveLength(1);
    expect(wrongpw.length).toBeLessThanOrEqual(2);
    const wrongca = about('wrongca');
    expect(new Set(wrongca).size, `warnings about wrongca: ${JSON.stringify(wrongca)}`).toBe(wrongca.length);
    expect(wrongca.filter((m) => /poll of cluster wrongca failed: .*certificate/i.test(m))).toHaveLength(1);
    expect(wrongca.length).toBeLessThanOrEqual(2);
    for (const alias of GOOD) expect(about(alias), `warnings about ${alias}`).toEqual([]);
    console.log(`[hostile-secure] wrongpw logged: ${wrongpw.join(' | ')}`);
    console.log(`[hostile-secure] wrongca logged: ${wrongca.join(' | ')}`);

    // The JSON API says the same, with the reason.
    const flows = JSON.parse((await get(`${mw.url}/api/v1/flows/wrongpw/wrongca`, https)).body) as {
      clusters: { alias: string; up: boolean; lastError: string | null }[];
    };
    const down = flows.clusters.find((c) => c.alias === 'wrongpw');
    expect(down?.up).toBe(false);
    expect(down?.lastError).toMatch(/authentication failed/i);
  });
});

describe('protected endpoints (issue 6 item 2)', () => {
  it('serves HTTPS with the configured certificate and demands basic auth on every route', async () => {
    expect(mw.url.startsWith('https://127.0.0.1:')).toBe(true);
    const ca = https.ca!;
    for (const path of ['/metrics', '/healthz', '/readyz', '/api/v1/flows', '/api/v1/config', '/', '/no-such-route']) {
      const anonymous = await get(`${mw.url}${path}`, { ca });
      expect(anonymous.status, `${path} without credentials`).toBe(401);
      expect(anonymous.headers['www-authenticate']).toMatch(/^Basic realm="mirrorwatch"/);
      expect(anonymous.body).not.toMatch(/mm2_|orders/);
      const wrong = await get(`${mw.url}${path}`, { ca, auth: { user: 'prometheus', password: 'not-it' } });
      expect(wrong.status, `${path} with a wrong password`).toBe(401);
    }
    const ok = await get(`${mw.url}/metrics`, https);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatch(/mirrorwatch_cluster_up/);
    // A verified password is remembered: scrapes do not pay bcrypt each time.
    const again = await get(`${mw.url}/metrics`, https);
    expect(again.status).toBe(200);
    console.log(`[hostile-secure] authenticated /metrics: first ${ok.ms.toFixed(0)} ms, next ${again.ms.toFixed(0)} ms`);

    // Without the test CA the certificate is not trusted, and plain HTTP gets no answer.
    await expect(get(`${mw.url}/metrics`, { auth: https.auth! })).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
    await expect(get(mw.url.replace('https:', 'http:') + '/metrics', { auth: https.auth!, timeoutMs: 2000 })).rejects.toThrow();
  });
});

describe('secrets (issue 6 item 1)', () => {
  it('appear nowhere in what mirrorwatch logged or answered', async () => {
    const answers: string[] = [];
    for (const path of [
      '/',
      '/metrics',
      '/healthz',
      '/readyz',
      '/api/v1/flows',
      '/api/v1/config',
      ...['scram512/scram256', 'scram256/scram512', 'plain/mtls', 'mtls/plain', 'wrongpw/wrongca', 'wrongca/wrongpw'].flatMap((f) => [
        `/api/v1/flows/${f}`,
        `/api/v1/flows/${f}/failover`,
      ]),
    ]) {
      const res = await get(`${mw.url}${path}`, https);
      expect(res.status, path).toBeLessThan(500);
      answers.push(`${path}\n${res.body}`);
    }
    const config = JSON.parse(answers.find((a) => a.startsWith('/api/v1/config\n'))!.slice('/api/v1/config\n'.length)) as {
      clusters: { alias: string; sasl?: { password: string } }[];
    };
    expect(config.clusters.find((c) => c.alias === 'scram512')?.sasl?.password).toBe('[redacted]');

    await mw.stop();
    const everything = `${mw.logText()}\n${answers.join('\n')}`;
    expect(everything.length).toBeGreaterThan(1000);
    const clientKeyBody = readFileSync(broker.pki.client.key, 'utf8').split('\n')[1]!;
    const serverKeyBody = readFileSync(broker.pki.server.key, 'utf8').split('\n')[1]!;
    for (const [name, value] of Object.entries({ ALICE, BOB, CAROL, WRONG, SCRAPER, clientKeyBody, serverKeyBody })) {
      expect(everything.includes(value), `${name} found in mirrorwatch's output`).toBe(false);
    }
    // The scraper's bcrypt hash is no secret to Kafka but is one to an attacker with time.
    expect(everything).not.toMatch(/\$2[aby]\$06\$/);
  });
});

describe('secured clusters from an mm2.properties file (issue 6 item 1)', () => {
  it('connects with the SASL_SSL settings MM2 uses, reports a wrong JAAS password, and never echoes the inline passwords', async () => {
    const jaas = (password: string): string =>
      `org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="${password}";`;
    const props = [
      'clusters = secure, badsecure, plainside',
      `secure.bootstrap.servers = ${broker.saslSslBootstrap}`,
      'secure.security.protocol = SASL_SSL',
      'secure.sasl.mechanism = SCRAM-SHA-512',
      `secure.sasl.jaas.config = ${jaas(ALICE)}`,
      'secure.ssl.truststore.type = PEM',
      `secure.ssl.truststore.location = ${broker.pki.caCert}`,
      `badsecure.bootstrap.servers = ${broker.saslSslBootstrap}`,
      'badsecure.security.protocol = SASL_SSL',
      'badsecure.sasl.mechanism = SCRAM-SHA-512',
      `badsecure.sasl.jaas.config = ${jaas(WRONG_JAAS)}`,
      'badsecure.ssl.truststore.type = PEM',
      `badsecure.ssl.truststore.location = ${broker.pki.caCert}`,
      `plainside.bootstrap.servers = ${broker.bootstrap}`,
      'secure->plainside.enabled = true',
      `secure->plainside.topics = ${TOPIC}`,
      'badsecure->plainside.enabled = true',
      `badsecure->plainside.topics = ${TOPIC}`,
    ].join('\n');
    const timeouts = (alias: string): string[] => [`  - alias: ${alias}`, '    connectionTimeout: 1s', '    requestTimeout: 1200ms'];
    const w = await startWatch({
      name: 'secure-props',
      files: { 'mm2.properties': `${props}\n` },
      yaml: [
        'mm2Properties: mm2.properties',
        'clusters:',
        ...timeouts('secure'),
        ...timeouts('badsecure'),
        ...timeouts('plainside'),
        'poll: { interval: 2s, timeout: 1500ms }',
        'http: { host: 127.0.0.1, port: 0 }',
      ].join('\n'),
    });
    const url = w.url;
    await waitUntil(
      'secure up with the offsets of orders, badsecure down for authentication',
      async () => {
        const e = parseExposition((await get(`${url}/metrics`)).body);
        const ends = COUNTS.map((_, p) => gauge(e, 'mm2_partition_end_offset', { cluster: 'secure', topic: TOPIC, partition: String(p) }));
        const seen = {
          secure: gauge(e, 'mirrorwatch_cluster_up', { cluster: 'secure' }),
          ends,
          badsecure: gauge(e, 'mirrorwatch_cluster_up', { cluster: 'badsecure' }),
          authErrors: gauge(e, 'mirrorwatch_poll_errors_total', { cluster: 'badsecure', kind: 'auth' }),
        };
        const ok = seen.secure === 1 && ends.every((v, p) => v === COUNTS[p]) && seen.badsecure === 0 && (seen.authErrors ?? 0) > 0;
        return ok ? pass(seen) : fail(seen);
      },
      { timeoutMs: 30_000 },
    );
    const answers = await Promise.all(
      ['/metrics', '/api/v1/flows', '/api/v1/config', '/api/v1/flows/secure/plainside', '/api/v1/flows/badsecure/plainside'].map(async (p) => (await get(`${url}${p}`)).body),
    );
    await w.stop();
    const everything = `${w.logText()}\n${answers.join('\n')}`;
    expect(everything).toMatch(/poll of cluster badsecure failed: .*authentication failed/i);
    for (const [name, value] of Object.entries({ ALICE, WRONG_JAAS })) {
      expect(everything.includes(value), `${name} (inline in sasl.jaas.config) found in mirrorwatch's output`).toBe(false);
    }
  });
});
