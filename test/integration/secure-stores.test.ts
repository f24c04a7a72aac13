// Issue 12, points 1 and 2, on a real broker: its SSL listeners use a JKS keystore and truststore
// made by keytool. mirrorwatch reads offsets over mutual TLS with a client PKCS12 keystore and a
// client JKS keystore (distinct key password), over SASL_SSL with a JKS truststore, serves its own
// HTTPS from a PKCS12 keystore, and takes every password from config provider variables, a file
// or the environment; once from YAML and once from an mm2.properties file with config.providers.
// A keystore with a wrong store password is one clear log line, cluster_up 0 for that cluster,
// and a daemon that keeps serving. Nothing mirrorwatch logs or answers holds a secret.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTopic, produce } from '../harness/kafka.js';
import { createJavaStores, createPki, jksBrokerProps, startSecureCluster } from '../harness/secure.js';
import type { JavaStores, SecureCluster } from '../harness/secure.js';
import { gauge, parseExposition } from './helpers/figures.js';
import { get, startWatch, useHostileHarness } from './helpers/hostile.js';
import type { GetOptions, Watch } from './helpers/hostile.js';
import { fail, pass, waitUntil } from './helpers/wait.js';

useHostileHarness();

// Fresh per run (letters and digits: keytool and the SCRAM format tool take them as they are).
const secret = (what: string): string => `${what}${randomBytes(12).toString('hex')}`;
const STORE_PASSWORD = secret('store');
const KEY_PASSWORD = secret('key');
const ALICE = secret('alice');
const WRONG_STORE = secret('wrongstore');
const SECRETS = { STORE_PASSWORD, KEY_PASSWORD, ALICE, WRONG_STORE };

const TOPIC = 'orders';
const COUNTS = [5, 3, 8];
const GOOD = ['p12', 'jks', 'scram'];

let broker: SecureCluster;
let stores: JavaStores;
let mw: Watch;
let https: GetOptions;
const startedAt = Date.now();

function endsOf(e: ReturnType<typeof parseExposition>, alias: string): (number | undefined)[] {
  return COUNTS.map((_, p) => gauge(e, 'mm2_partition_end_offset', { cluster: alias, topic: TOPIC, partition: String(p) }));
}

function expectNoSecret(where: string, text: string): void {
  expect(text.length).toBeGreaterThan(500);
  for (const [name, value] of Object.entries(SECRETS)) expect(text.includes(value), `${name} found in ${where}`).toBe(false);
}

beforeAll(async () => {
  const pki = createPki();
  stores = createJavaStores(pki, STORE_PASSWORD, KEY_PASSWORD);
  broker = await startSecureCluster({
    alias: 'stores',
    pki,
    users: [{ mechanism: 'SCRAM-SHA-512', username: 'alice', password: ALICE }],
    brokerProps: jksBrokerProps(stores),
  });
  await createTopic(broker, TOPIC, COUNTS.length);
  for (const [p, n] of COUNTS.entries()) await produce(broker, TOPIC, { partition: p, count: n });

  const q = JSON.stringify;
  const cluster = (alias: string, bootstrap: string, lines: string[]): string[] => [
    `  - alias: ${alias}`,
    `    bootstrapServers: ${bootstrap}`,
    // TLS with cold JIT on a shared 2-core box: generous, so a slow first handshake is not a timeout.
    '    connectionTimeout: 1500ms',
    '    requestTimeout: 1500ms',
    ...lines,
  ];
  const yaml = [
    'clusters:',
    ...cluster('p12', broker.mtlsBootstrap, [
      '    tls:',
      `      keystoreFile: ${q(stores.clientP12)}`,
      '      keystoreType: PKCS12',
      '      keystorePassword: "${env:STORE_PASSWORD}"',
      `      truststoreFile: ${q(stores.truststoreJks)}`,
      '      truststorePasswordFile: truststore.password',
    ]),
    ...cluster('jks', broker.mtlsBootstrap, [
      '    tls:',
      `      keystoreFile: ${q(stores.clientJks)}`,
      '      keystorePassword: "${file:secrets.properties:store.password}"',
      // The directory of the YAML file, read by DirectoryConfigProvider: the whole file key.password.
      '      keyPassword: "${dir:.:key.password}"',
      `      truststoreFile: ${q(stores.truststoreP12)}`,
      '      truststoreType: PKCS12',
      '      truststorePasswordEnv: STORE_PASSWORD',
    ]),
    ...cluster('scram', broker.saslSslBootstrap, [
      // A JKS truststore opens without its password, as in Java (no integrity check).
      `    tls: { truststoreFile: ${q(stores.truststoreJks)} }`,
      '    sasl: { mechanism: scram-sha-512, username: alice, password: "${env:ALICE_PASSWORD}" }',
    ]),
    ...cluster('badstore', broker.mtlsBootstrap, [
      `    tls: { keystoreFile: ${q(stores.clientJks)}, keystorePasswordEnv: WRONG_STORE_PASSWORD, keyPasswordEnv: KEY_PASSWORD, truststoreFile: ${q(stores.truststoreJks)} }`,
    ]),
    'flows:',
    ...[
      ['p12', 'jks'],
      ['jks', 'p12'],
      ['scram', 'badstore'],
      ['badstore', 'scram'],
    ].flatMap(([s, t]) => [`  - source: ${s}`, `    target: ${t}`, `    topics: [${TOPIC}]`]),
    'poll: { interval: 2s, timeout: 1800ms }',
    'http:',
    '  host: 127.0.0.1',
    '  port: 0',
    `  tls: { keystoreFile: ${q(stores.serverP12)}, keystorePassword: "\${env:STORE_PASSWORD}" }`,
    'logLevel: info',
  ].join('\n');
  mw = await startWatch({
    name: 'stores',
    yaml,
    env: { STORE_PASSWORD, KEY_PASSWORD, ALICE_PASSWORD: ALICE, WRONG_STORE_PASSWORD: WRONG_STORE },
    files: { 'truststore.password': `${STORE_PASSWORD}\n`, 'secrets.properties': `store.password = ${STORE_PASSWORD}\n`, 'key.password': KEY_PASSWORD },
  });
  https = { ca: readFileSync(broker.pki.caCert, 'utf8') };
}, 240_000);

describe('keystores and truststores on a broker whose listeners use keytool-made JKS stores (issue 12 point 2)', () => {
  it('reads exact offsets through a client PKCS12 and a client JKS keystore (mutual TLS) and a JKS truststore (SASL_SSL)', async () => {
    const e = await waitUntil(
      'p12, jks and scram up with the end offsets of orders; badstore down',
      async () => {
        const res = await get(`${mw.url}/metrics`, https);
        if (res.status !== 200) return fail(`GET /metrics ${res.status}`);
        const exp = parseExposition(res.body);
        const seen: Record<string, unknown> = {};
        let ok = true;
        for (const alias of GOOD) {
          const up = gauge(exp, 'mirrorwatch_cluster_up', { cluster: alias });
          const ends = endsOf(exp, alias);
          seen[alias] = { up, ends };
          ok &&= up === 1 && ends.every((v, p) => v === COUNTS[p]);
        }
        const bad = gauge(exp, 'mirrorwatch_cluster_up', { cluster: 'badstore' });
        const tlsErrors = gauge(exp, 'mirrorwatch_poll_errors_total', { cluster: 'badstore', kind: 'tls' }) ?? 0;
        seen.badstore = { up: bad, tlsErrors };
        ok &&= bad === 0 && tlsErrors >= 3;
        return ok ? pass(exp) : fail(seen);
      },
      { timeoutMs: 60_000 },
    );
    console.log(`[secure-stores] PKCS12, JKS and SASL_SSL aliases read, wrong-password keystore down, ${Date.now() - startedAt} ms after the file started`);
    expect(endsOf(e, 'badstore').every((v) => v === undefined)).toBe(true);

    // One clear line naming the cluster and the file, however many polls failed.
    const about = mw.logLines().filter((l) => l.cluster === 'badstore' && l.level >= 40).map((l) => l.msg);
    expect(about).toEqual([
      `poll of cluster badstore failed: TLS keystore ${stores.clientJks} (clusters[3].tls.keystoreFile) cannot be opened: wrong store password (integrity check failed)`,
    ]);
    for (const alias of GOOD) expect(mw.logLines().filter((l) => l.cluster === alias && l.level >= 40), `warnings about ${alias}`).toEqual([]);

    // The daemon keeps running and serving: health, readiness and the flow of the down cluster.
    expect((await get(`${mw.url}/healthz`, https)).status).toBe(200);
    const flow = JSON.parse((await get(`${mw.url}/api/v1/flows/badstore/scram`, https)).body) as { clusters: { alias: string; up: boolean; lastError: string | null }[] };
    expect(flow.clusters.find((c) => c.alias === 'badstore')).toMatchObject({ up: false, lastError: expect.stringContaining('wrong store password') });
  });

  it('serves its own HTTPS from a PKCS12 keystore whose password is a config provider variable', async () => {
    expect(mw.url.startsWith('https://127.0.0.1:')).toBe(true);
    const res = await get(`${mw.url}/api/v1/config`, https);
    expect(res.status).toBe(200);
    const config = JSON.parse(res.body) as { http: { tls: { key: string; keystore: unknown } }; clusters: { alias: string; tls?: { keystore?: unknown; truststore?: unknown; key?: string } }[] };
    expect(config.http.tls.key).toBe('[redacted]');
    expect(config.http.tls.keystore).toEqual({ file: stores.serverP12, type: 'PKCS12' });
    expect(config.clusters.find((c) => c.alias === 'jks')?.tls).toMatchObject({ keystore: { file: stores.clientJks, type: 'JKS' }, truststore: { file: stores.truststoreP12, type: 'PKCS12' }, key: '[redacted]' });
    await expect(get(`${mw.url}/healthz`, {})).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
  });
});

describe('an mm2.properties file with config.providers, keystores and truststores (issue 12 points 1 and 2)', () => {
  it('resolves file, env and dir variables in sasl.jaas.config and ssl.* as MM2 does and reads the broker', async () => {
    const secretsDir = join(broker.pki.dir, 'provider-secrets');
    mkdirSync(secretsDir, { recursive: true });
    writeFileSync(join(secretsDir, 'kafka.properties'), `truststore.password = ${STORE_PASSWORD}\n`);
    writeFileSync(join(secretsDir, 'store.password'), STORE_PASSWORD);
    const props = [
      'clusters = secure, mtls',
      `secure.bootstrap.servers = ${broker.saslSslBootstrap}`,
      `mtls.bootstrap.servers = ${broker.mtlsBootstrap}`,
      'secure->mtls.enabled = true',
      `secure->mtls.topics = ${TOPIC}`,
      'mtls->secure.enabled = true',
      `mtls->secure.topics = ${TOPIC}`,
      'config.providers = file, env, dir',
      'config.providers.file.class = org.apache.kafka.common.config.provider.FileConfigProvider',
      `config.providers.file.param.allowed.paths = ${secretsDir}`,
      'config.providers.env.class = org.apache.kafka.common.config.provider.EnvVarConfigProvider',
      'config.providers.env.param.allowlist.pattern = MM2_.*',
      'config.providers.dir.class = org.apache.kafka.common.config.provider.DirectoryConfigProvider',
      'secure.security.protocol = SASL_SSL',
      'secure.sasl.mechanism = SCRAM-SHA-512',
      'secure.sasl.jaas.config = org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="${env:MM2_ALICE_PASSWORD}";',
      'secure.ssl.truststore.type = JKS',
      `secure.ssl.truststore.location = ${stores.truststoreJks}`,
      `secure.ssl.truststore.password = \${file:${secretsDir}/kafka.properties:truststore.password}`,
      'mtls.security.protocol = SSL',
      'mtls.ssl.keystore.type = JKS',
      `mtls.ssl.keystore.location = ${stores.clientJks}`,
      `mtls.ssl.keystore.password = \${dir:${secretsDir}:store.password}`,
      'mtls.ssl.key.password = ${env:MM2_KEY_PASSWORD}',
      'mtls.ssl.truststore.type = PKCS12',
      `mtls.ssl.truststore.location = ${stores.truststoreP12}`,
      'mtls.ssl.truststore.password = ${env:MM2_STORE_PASSWORD}',
    ].join('\n');
    const timeouts = (alias: string): string[] => [`  - alias: ${alias}`, '    connectionTimeout: 1500ms', '    requestTimeout: 1500ms'];
    const w = await startWatch({
      name: 'stores-props',
      files: { 'mm2.properties': `${props}\n` },
      env: { MM2_ALICE_PASSWORD: ALICE, MM2_KEY_PASSWORD: KEY_PASSWORD, MM2_STORE_PASSWORD: STORE_PASSWORD, OTHER_SECRET: WRONG_STORE },
      yaml: ['mm2Properties: mm2.properties', 'clusters:', ...timeouts('secure'), ...timeouts('mtls'), 'poll: { interval: 2s, timeout: 1800ms }', 'http: { host: 127.0.0.1, port: 0 }'].join('\n'),
    });
    await waitUntil(
      'secure (SASL_SSL, JKS truststore) and mtls (JKS keystore, PKCS12 truststore) up with the offsets of orders',
      async () => {
        const e = parseExposition((await get(`${w.url}/metrics`)).body);
        const seen = Object.fromEntries(['secure', 'mtls'].map((a) => [a, { up: gauge(e, 'mirrorwatch_cluster_up', { cluster: a }), ends: endsOf(e, a) }]));
        const ok = Object.values(seen).every((s) => s.up === 1 && s.ends.every((v, p) => v === COUNTS[p]));
        return ok ? pass(seen) : fail(seen);
      },
      { timeoutMs: 45_000 },
    );
    const answers = await Promise.all(['/metrics', '/api/v1/config', '/api/v1/flows', '/api/v1/flows/secure/mtls'].map(async (p) => (await get(`${w.url}${p}`)).body));
    await w.stop();
    expectNoSecret('the mm2.properties watch', `${w.logText()}\n${answers.join('\n')}`);
  });
});

describe('secrets (issue 12 point 1)', () => {
  it('appear nowhere in what the YAML watch logged or answered', async () => {
    const answers: string[] = [];
    for (const p of ['/', '/metrics', '/healthz', '/readyz', '/api/v1/flows', '/api/v1/config', '/api/v1/flows/p12/jks', '/api/v1/flows/badstore/scram/failover']) {
      const res = await get(`${mw.url}${p}`, https);
      expect(res.status, p).toBeLessThan(500);
      answers.push(`${p}\n${res.body}`);
    }
    await mw.stop();
    const clientKeyBody = readFileSync(broker.pki.client.key, 'utf8').split('\n')[1]!;
    const serverKeyBody = readFileSync(broker.pki.server.key, 'utf8').split('\n')[1]!;
    const everything = `${mw.logText()}\n${answers.join('\n')}`;
    expectNoSecret('the YAML watch', everything);
    expect(everything.includes(clientKeyBody), 'client key material in the output').toBe(false);
    expect(everything.includes(serverKeyBody), 'server key material in the output').toBe(false);
  });
});
