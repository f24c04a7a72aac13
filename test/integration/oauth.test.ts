// Issue 12 point 3 on a real broker: its OAUTH listener takes SASL/OAUTHBEARER and validates
// tokens with Kafka's OAuthBearerValidatorCallbackHandler against the JWKS this test serves; the
// test's OIDC token endpoint issues RS256 JWTs (jose) for the client credentials grant, living 25 s.
// The broker enforces re-authentication (connections.max.reauth.ms), so a connection whose token
// runs out is closed unless the client re-authenticates first.
// - tokens expire several times during the run: every poll succeeds, cluster_up stays 1 and the
//   end offsets follow the records produced, with the connections re-authenticated in place;
// - a wrong client secret: one clear line naming the cluster, cluster_up 0 for it alone;
// - the token endpoint down (HTTP 503): a warning naming the cluster and the endpoint, attempts
//   spaced by a growing backoff, the cluster reported down once its token ran out, and back up
//   when the endpoint answers again;
// - the same from an mm2.properties file (OAuthBearerLoginCallbackHandler, JAAS options, secret
//   from a config provider); no secret and no token in anything mirrorwatch logged or answered.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTopic, produce, startCluster } from '../harness/kafka.js';
import type { KafkaCluster } from '../harness/kafka.js';
import { gauge, parseExposition } from './helpers/figures.js';
import { get, startWatch, useHostileHarness } from './helpers/hostile.js';
import type { Watch } from './helpers/hostile.js';
import { fail, pass, waitUntil } from './helpers/wait.js';

useHostileHarness();

const TOKEN_LIFETIME_S = 25;
const ISSUER = 'https://idp.mirrorwatch.test/realms/kafka';
const AUDIENCE = 'kafka';
const CLIENT_ID = 'mirrorwatch';
/** The idle watch's own client, so that each watch's token requests can be told apart. */
const IDLE_CLIENT_ID = 'mirrorwatch-idle';
const CLIENT_SECRET = `cs-${randomBytes(12).toString('hex')}`;
const WRONG_SECRET = `wrong-${randomBytes(12).toString('hex')}`;
const TOPIC = 'orders';
const COUNTS = [4, 2];

// ------------------------------------------------------------------ the test's OIDC provider

interface TokenRequest {
  at: number;
  clientId: string;
  /** The right secret was presented (tells the oidc cluster from badsecret). */
  secretOk: boolean;
  ok: boolean;
  status: number;
}

interface Idp {
  tokenUrl: string;
  jwksUrl: string;
  requests: TokenRequest[];
  issued: string[];
  /** While set, the token endpoint answers this HTTP status (503: down behind its proxy). */
  failWith: number | null;
  close(): Promise<void>;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

async function startIdp(): Promise<Idp> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key-1', alg: 'RS256', use: 'sig' };
  const idp: Idp = { tokenUrl: '', jwksUrl: '', requests: [], issued: [], failWith: null, close: async () => {} };

  const send = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const readBody = (req: IncomingMessage): Promise<string> =>
    new Promise((resolve) => {
      let b = '';
      req.on('data', (d: Buffer) => (b += d.toString()));
      req.on('end', () => resolve(b));
    });

  const tokenServer = createServer((req, res) => {
    void (async () => {
      const body = new URLSearchParams(await readBody(req));
      const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
      const [id, secret] = basic ? Buffer.from(basic[1]!, 'base64').toString('utf8').split(':') : [];
      const record = (status: number): void => void idp.requests.push({ at: Date.now(), clientId: id ?? '', secretOk: secret === CLIENT_SECRET, ok: status === 200, status });
      if (idp.failWith !== null) {
        record(idp.failWith);
        return send(res, idp.failWith, { error: 'temporarily_unavailable' });
      }
      if (req.method !== 'POST' || req.url !== '/token' || body.get('grant_type') !== 'client_credentials') {
        record(400);
        return send(res, 400, { error: 'invalid_request' });
      }
      if ((id !== CLIENT_ID && id !== IDLE_CLIENT_ID) || secret !== CLIENT_SECRET) {
        record(401);
        return send(res, 401, { error: 'invalid_client', error_description: 'Invalid client or Invalid client credentials' });
      }
      const now = Math.floor(Date.now() / 1000);
      const token = await new SignJWT({ scope: body.get('scope') ?? '', azp: id })
        .setProtectedHeader({ alg: 'RS256', kid: jwk.kid, typ: 'JWT' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setSubject(`service-account-${id}`)
        .setIssuedAt(now)
        .setExpirationTime(now + TOKEN_LIFETIME_S)
        .sign(privateKey);
      idp.issued.push(token);
      record(200);
      send(res, 200, { access_token: token, token_type: 'Bearer', expires_in: TOKEN_LIFETIME_S, scope: body.get('scope') ?? '' });
    })();
  });
  const jwksServer = createServer((req, res) => send(res, 200, { keys: [jwk] }));
  const tokenPort = await listen(tokenServer);
  const jwksPort = await listen(jwksServer);
  idp.tokenUrl = `http://127.0.0.1:${tokenPort}/token`;
  idp.jwksUrl = `http://127.0.0.1:${jwksPort}/jwks`;
  idp.close = async () => {
    for (const s of [tokenServer, jwksServer]) {
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    }
  };
  return idp;
}

// ------------------------------------------------------------------ broker and daemon

let idp: Idp;
let broker: KafkaCluster;
let oauthBootstrap: string;
let mw: Watch;
/** Polls less often than tokens live: every poll finds the broker's session over. */
let idle: Watch;
const IDLE_POLL_S = 27;
const startedAt = Date.now();
const produced = [...COUNTS];

async function metrics(w: Watch): Promise<ReturnType<typeof parseExposition>> {
  const res = await get(`${w.url}/metrics`);
  if (res.status !== 200) throw new Error(`GET /metrics ${res.status}`);
  return parseExposition(res.body);
}

const ends = (e: ReturnType<typeof parseExposition>, alias: string): (number | undefined)[] =>
  COUNTS.map((_, p) => gauge(e, 'mm2_partition_end_offset', { cluster: alias, topic: TOPIC, partition: String(p) }));
const requests = (e: ReturnType<typeof parseExposition>, alias: string, api: string): number =>
  gauge(e, 'mirrorwatch_kafka_requests_total', { cluster: alias, api }) ?? 0;
const pollErrors = (e: ReturnType<typeof parseExposition>, alias: string): number =>
  e.samples.filter((s) => s.name === 'mirrorwatch_poll_errors_total' && s.labels.cluster === alias).reduce((a, s) => a + s.value, 0);

beforeAll(async () => {
  idp = await startIdp();
  broker = await startCluster({
    alias: 'oidc',
    extraListeners: [{ name: 'OAUTH', securityProtocol: 'SASL_PLAINTEXT' }],
    // Kafka 4 fetches no token or JWKS URL that this system property does not list (3.9 allows all).
    jvmArgs: [`-Dorg.apache.kafka.sasl.oauthbearer.allowed.urls=${idp.jwksUrl},${idp.tokenUrl}`],
    brokerProps: {
      'listener.name.oauth.sasl.enabled.mechanisms': 'OAUTHBEARER',
      'listener.name.oauth.oauthbearer.sasl.jaas.config': 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required ;',
      'listener.name.oauth.oauthbearer.sasl.server.callback.handler.class': 'org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler',
      'sasl.oauthbearer.jwks.endpoint.url': idp.jwksUrl,
      'sasl.oauthbearer.expected.audience': AUDIENCE,
      'sasl.oauthbearer.expected.issuer': ISSUER,
      // Sessions end with their token: a client that does not re-authenticate in time is cut off.
      'connections.max.reauth.ms': '3600000',
    },
  });
  oauthBootstrap = `127.0.0.1:${broker.listenerPorts.OAUTH}`;
  await createTopic(broker, TOPIC, COUNTS.length);
  for (const [p, n] of COUNTS.entries()) await produce(broker, TOPIC, { partition: p, count: n });

  const oauth = (alias: string, secretLine: string, clientId = CLIENT_ID): string[] => [
    `  - alias: ${alias}`,
    `    bootstrapServers: ${oauthBootstrap}`,
    '    connectionTimeout: 1500ms',
    '    requestTimeout: 1500ms',
    '    sasl:',
    '      mechanism: oauthbearer',
    `      tokenEndpointUrl: ${idp.tokenUrl}`,
    `      clientId: ${clientId}`,
    `      ${secretLine}`,
    '      scope: kafka',
    '      retryBackoff: 200ms',
    '      retryBackoffMax: 3200ms',
  ];
  mw = await startWatch({
    name: 'oauth',
    yaml: [
      'clusters:',
      ...oauth('oidc', 'clientSecret: "${env:OIDC_CLIENT_SECRET}"'),
      ...oauth('badsecret', 'clientSecretFile: wrong.secret'),
      `  - alias: plain`,
      `    bootstrapServers: ${broker.bootstrap}`,
      'flows:',
      `  - { source: oidc, target: plain, topics: [${TOPIC}] }`,
      `  - { source: badsecret, target: plain, topics: [${TOPIC}] }`,
      'poll: { interval: 2s, timeout: 1800ms }',
      'http: { host: 127.0.0.1, port: 0 }',
      'logLevel: info',
    ].join('\n'),
    env: { OIDC_CLIENT_SECRET: CLIENT_SECRET },
    files: { 'wrong.secret': `${WRONG_SECRET}\n` },
  });
  idle = await startWatch({
    name: 'oauth-idle',
    yaml: [
      'clusters:',
      ...oauth('idle', 'clientSecretEnv: OIDC_CLIENT_SECRET', IDLE_CLIENT_ID),
      `  - alias: plain`,
      `    bootstrapServers: ${broker.bootstrap}`,
      'flows:',
      `  - { source: idle, target: plain, topics: [${TOPIC}] }`,
      `poll: { interval: ${IDLE_POLL_S}s, timeout: 6s }`,
      'http: { host: 127.0.0.1, port: 0 }',
    ].join('\n'),
    env: { OIDC_CLIENT_SECRET: CLIENT_SECRET },
  });
}, 180_000);

describe('SASL/OAUTHBEARER with OIDC client credentials against a broker validating JWTs (issue 12 point 3)', () => {
  it('survives several token expiries without a gap: every poll succeeds, re-authenticating the live connections', async () => {
    await waitUntil(
      'oidc up with the end offsets of orders',
      async () => {
        const e = await metrics(mw);
        const seen = { up: gauge(e, 'mirrorwatch_cluster_up', { cluster: 'oidc' }), ends: ends(e, 'oidc') };
        return seen.up === 1 && seen.ends.every((v, p) => v === produced[p]) ? pass(seen) : fail(seen);
      },
      { timeoutMs: 60_000 },
    );
    const first = await metrics(mw);
    const firstAuth = requests(first, 'oidc', 'SaslAuthenticate');
    const firstApiVersions = requests(first, 'oidc', 'ApiVersions');
    const firstErrors = pollErrors(first, 'oidc');
    const tokensBefore = idp.requests.filter((r) => r.ok && r.clientId === CLIENT_ID).length;
    console.log(`[oauth] oidc up ${Date.now() - startedAt} ms after the file started; ${tokensBefore} token(s) so far`);

    // 2.4 token lifetimes: every token in use at the start has expired twice over by the end.
    const windowMs = TOKEN_LIFETIME_S * 2_400;
    const until = Date.now() + windowMs;
    const ups: number[] = [];
    let lastSuccess = gauge(first, 'mirrorwatch_last_poll_success_timestamp_seconds', { cluster: 'oidc' }) ?? 0;
    let longestGapS = 0;
    let round = 0;
    const idleSuccesses = new Set<number>();
    while (Date.now() < until) {
      await new Promise((r) => setTimeout(r, 1_000));
      const ie = await metrics(idle);
      const s = gauge(ie, 'mirrorwatch_last_poll_success_timestamp_seconds', { cluster: 'idle' });
      if (s !== undefined) idleSuccesses.add(s);
      if (++round % 5 === 0) {
        await produce(broker, TOPIC, { partition: round % 2, count: 1 });
        produced[round % 2]! += 1;
      }
      const e = await metrics(mw);
      ups.push(gauge(e, 'mirrorwatch_cluster_up', { cluster: 'oidc' }) ?? -1);
      const success = gauge(e, 'mirrorwatch_last_poll_success_timestamp_seconds', { cluster: 'oidc' }) ?? 0;
      if (success > lastSuccess) {
        longestGapS = Math.max(longestGapS, success - lastSuccess);
        lastSuccess = success;
      }
    }
    const last = await waitUntil(
      'oidc shows the records produced during the window',
      async () => {
        const e = await metrics(mw);
        return ends(e, 'oidc').every((v, p) => v === produced[p]) ? pass(e) : fail({ ends: ends(e, 'oidc'), produced });
      },
      { timeoutMs: 10_000 },
    );
    const tokens = idp.requests.filter((r) => r.ok && r.clientId === CLIENT_ID).length - tokensBefore;
    const auths = requests(last, 'oidc', 'SaslAuthenticate') - firstAuth;
    const reconnects = requests(last, 'oidc', 'ApiVersions') - firstApiVersions;
    console.log(
      `[oauth] ${windowMs} ms window (token lifetime ${TOKEN_LIFETIME_S} s): ${ups.length} samples of cluster_up, min ${Math.min(...ups)}; ` +
        `longest gap between successful polls ${longestGapS.toFixed(1)} s; ${tokens} new tokens; ${auths} SaslAuthenticate; ${reconnects} ApiVersions (reconnects); ` +
        `poll errors ${pollErrors(last, 'oidc') - firstErrors}`,
    );
    expect(ups.every((u) => u === 1), `cluster_up samples ${ups.join(',')}`).toBe(true);
    expect(pollErrors(last, 'oidc') - firstErrors).toBe(0);
    // Polls every 2 s; a missed poll would leave a gap of 4 s or more.
    expect(longestGapS).toBeLessThan(4);
    // Tokens were renewed and sessions re-authenticated on the connections they had, not reopened.
    expect(tokens).toBeGreaterThanOrEqual(2);
    expect(auths).toBeGreaterThanOrEqual(2);
    expect(reconnects).toBe(0);
    expect(mw.logLines().filter((l) => l.cluster === 'oidc' && l.level >= 40)).toEqual([]);

    // Polled every 27 s with 25 s tokens: each poll after the first finds its connection's session
    // over. Kafka accepts a re-authentication (SaslHandshake) on an expired session and refuses
    // only other requests, and kafkajs re-authenticates before sending: the same connection goes on.
    const ie = await metrics(idle);
    const idleConnections = requests(ie, 'idle', 'ApiVersions');
    const idleAuths = requests(ie, 'idle', 'SaslAuthenticate');
    console.log(
      `[oauth] idle cluster (poll every ${IDLE_POLL_S} s, tokens ${TOKEN_LIFETIME_S} s): ${idleSuccesses.size} successful polls seen, ${pollErrors(ie, 'idle')} poll errors, ` +
        `${idleAuths} SaslAuthenticate, ${idleConnections} ApiVersions (connections opened); ${idp.requests.filter((r) => r.ok && r.clientId === IDLE_CLIENT_ID).length} tokens`,
    );
    expect(idleSuccesses.size).toBeGreaterThanOrEqual(3);
    expect(pollErrors(ie, 'idle')).toBe(0);
    expect(gauge(ie, 'mirrorwatch_cluster_up', { cluster: 'idle' })).toBe(1);
    expect(idleAuths).toBeGreaterThanOrEqual(3);
    expect(idleConnections).toBe(1);
    expect(idle.logLines().filter((l) => l.level >= 40 && l.cluster === 'idle')).toEqual([]);
  });

  it('a wrong client secret: one clear line naming the cluster, that cluster down, the others watched', async () => {
    const e = await waitUntil(
      'badsecret down with an auth error',
      async () => {
        const m = await metrics(mw);
        const seen = { up: gauge(m, 'mirrorwatch_cluster_up', { cluster: 'badsecret' }), auth: gauge(m, 'mirrorwatch_poll_errors_total', { cluster: 'badsecret', kind: 'auth' }) ?? 0 };
        return seen.up === 0 && seen.auth >= 3 ? pass(m) : fail(seen);
      },
      { timeoutMs: 30_000 },
    );
    expect(gauge(e, 'mirrorwatch_cluster_up', { cluster: 'oidc' })).toBe(1);
    const about = mw.logLines().filter((l) => l.cluster === 'badsecret' && l.level >= 40).map((l) => l.msg);
    expect(about).toEqual([
      `poll of cluster badsecret failed: cluster badsecret: the SASL/OAUTHBEARER token endpoint ${idp.tokenUrl} refused the client credentials: ` +
        `answered HTTP 401 for client "${CLIENT_ID}" and scope "kafka": invalid_client: Invalid client or Invalid client credentials`,
    ]);
    // Refused credentials are not retried in a loop: one request per poll.
    const refused = idp.requests.filter((r) => r.status === 401);
    const polls = (await get(`${mw.url}/api/v1/flows/badsecret/plain`)).body;
    expect(polls).toContain('refused the client credentials');
    expect(refused.length).toBeLessThanOrEqual(Math.ceil((Date.now() - startedAt) / 2_000) + 1);
  });

  it('token endpoint down: a warning naming the cluster, retries with a growing backoff, cluster reported down, back when it answers', async () => {
    const downAt = Date.now();
    idp.failWith = 503;
    const down = await waitUntil(
      'oidc down once its token ran out',
      async () => {
        const e = await metrics(mw);
        const up = gauge(e, 'mirrorwatch_cluster_up', { cluster: 'oidc' });
        return up === 0 ? pass(e) : fail({ up, sinceMs: Date.now() - downAt });
      },
      { timeoutMs: (TOKEN_LIFETIME_S + 20) * 1000 },
    );
    const downForMs = Date.now() - downAt;
    // Keep it down a little longer, to see the backoff settle at its cap.
    await new Promise((r) => setTimeout(r, 8_000));
    const attempts = idp.requests.filter((r) => r.at >= downAt && r.status === 503 && r.secretOk && r.clientId === CLIENT_ID).map((r) => r.at);
    const gaps = attempts.slice(1).map((t, i) => t - attempts[i]!);
    const flow = JSON.parse((await get(`${mw.url}/api/v1/flows/oidc/plain`)).body) as { clusters: { alias: string; up: boolean; lastError: string | null }[] };
    idp.failWith = null;
    const backAt = Date.now();
    await waitUntil(
      'oidc up again',
      async () => {
        const e = await metrics(mw);
        const up = gauge(e, 'mirrorwatch_cluster_up', { cluster: 'oidc' });
        return up === 1 ? pass(up) : fail({ up });
      },
      { timeoutMs: 30_000 },
    );
    console.log(
      `[oauth] endpoint down (503): cluster down after ${downForMs} ms (token lifetime ${TOKEN_LIFETIME_S} s); ${attempts.length} attempts, gaps ms ${gaps.join(',')}; up again ${Date.now() - backAt} ms after the endpoint came back`,
    );
    expect(pollErrors(down, 'oidc')).toBeGreaterThan(0);
    expect(flow.clusters.find((c) => c.alias === 'oidc')).toMatchObject({ up: false, lastError: expect.stringContaining(`token endpoint ${idp.tokenUrl} answered HTTP 503`) });
    // Backoff: 200 ms doubling to 3.2 s (with jitter): the gaps grow, and the endpoint is not hammered.
    expect(attempts.length).toBeGreaterThanOrEqual(4);
    expect(Math.max(...gaps)).toBeGreaterThanOrEqual(2_000);
    expect(gaps[0]!).toBeLessThan(Math.max(...gaps));
    expect(attempts.length).toBeLessThan((Date.now() - downAt) / 150);
    const warnings = mw.logLines().filter((l) => l.cluster === 'oidc' && l.level >= 40).map((l) => l.msg);
    expect(warnings[0]).toBe(
      `cluster oidc: the SASL/OAUTHBEARER token endpoint ${idp.tokenUrl} answered HTTP 503 for client "${CLIENT_ID}" and scope "kafka": temporarily_unavailable; ` +
        `retrying with backoff (200 ms doubling to 3200 ms); the current token (expires ${/expires (\S+)\)/.exec(warnings[0]!)?.[1]}) stays in use until 12 s before it expires`,
    );
    // The token it kept (obtained at most 10 s before: renewal is due then) carried the cluster on.
    expect(downForMs).toBeGreaterThan(1_000);
    expect(warnings.some((m) => m.startsWith('poll of cluster oidc failed:') && m.includes(idp.tokenUrl))).toBe(true);
    expect(mw.logLines().some((l) => l.cluster === 'oidc' && l.msg === `cluster oidc: the SASL/OAUTHBEARER token endpoint ${idp.tokenUrl} answered again`)).toBe(true);
  });
});

describe('OAUTHBEARER from mm2.properties as MM2 configures it (issue 12 point 3)', () => {
  it('reads sasl.oauthbearer.token.endpoint.url, the login callback handler and the JAAS options, secret from a config provider', async () => {
    const props = [
      'clusters = oidc, plain',
      `oidc.bootstrap.servers = ${oauthBootstrap}`,
      `plain.bootstrap.servers = ${broker.bootstrap}`,
      'oidc->plain.enabled = true',
      `oidc->plain.topics = ${TOPIC}`,
      'config.providers = env',
      'config.providers.env.class = org.apache.kafka.common.config.provider.EnvVarConfigProvider',
      'oidc.security.protocol = SASL_PLAINTEXT',
      'oidc.sasl.mechanism = OAUTHBEARER',
      `oidc.sasl.oauthbearer.token.endpoint.url = ${idp.tokenUrl}`,
      'oidc.sasl.login.callback.handler.class = org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler',
      `oidc.sasl.jaas.config = org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientId="${CLIENT_ID}" clientSecret="\${env:MM2_OIDC_SECRET}" scope="kafka";`,
    ].join('\n');
    const w = await startWatch({
      name: 'oauth-props',
      files: { 'mm2.properties': `${props}\n` },
      env: { MM2_OIDC_SECRET: CLIENT_SECRET },
      yaml: ['mm2Properties: mm2.properties', 'clusters:', '  - { alias: oidc, connectionTimeout: 1500ms, requestTimeout: 1500ms }', 'poll: { interval: 2s, timeout: 1800ms }', 'http: { host: 127.0.0.1, port: 0 }'].join('\n'),
    });
    await waitUntil(
      'oidc (from mm2.properties) up with the offsets of orders',
      async () => {
        const e = await metrics(w);
        const seen = { up: gauge(e, 'mirrorwatch_cluster_up', { cluster: 'oidc' }), ends: ends(e, 'oidc') };
        return seen.up === 1 && seen.ends.every((v, p) => v === produced[p]) ? pass(seen) : fail(seen);
      },
      { timeoutMs: 30_000 },
    );
    const config = JSON.parse((await get(`${w.url}/api/v1/config`)).body) as { clusters: { alias: string; sasl?: Record<string, unknown> }[] };
    // The API redacts every key that names a token (its endpoint URL too), and the secret.
    expect(config.clusters.find((c) => c.alias === 'oidc')?.sasl).toMatchObject({ mechanism: 'oauthbearer', tokenEndpointUrl: '[redacted]', clientId: CLIENT_ID, clientSecret: '[redacted]', scope: 'kafka' });
    const answers = await Promise.all(['/metrics', '/api/v1/config', '/api/v1/flows', '/api/v1/flows/oidc/plain'].map(async (p) => (await get(`${w.url}${p}`)).body));
    await w.stop();
    expectNothingSecret('the mm2.properties watch', `${w.logText()}\n${answers.join('\n')}`);
  });
});

function expectNothingSecret(where: string, text: string): void {
  expect(text.length).toBeGreaterThan(500);
  expect(text.includes(CLIENT_SECRET), `client secret in ${where}`).toBe(false);
  expect(text.includes(WRONG_SECRET), `wrong client secret in ${where}`).toBe(false);
  expect(idp.issued.length).toBeGreaterThan(0);
  for (const token of idp.issued) expect(text.includes(token.split('.')[2]!), `a token in ${where}`).toBe(false);
}

describe('secrets and tokens (issue 12 point 3)', () => {
  it('appear nowhere in what the YAML watch logged or answered', async () => {
    const answers: string[] = [];
    for (const p of ['/', '/metrics', '/healthz', '/readyz', '/api/v1/flows', '/api/v1/config', '/api/v1/flows/oidc/plain', '/api/v1/flows/badsecret/plain/failover']) {
      const res = await get(`${mw.url}${p}`);
      expect(res.status, p).toBeLessThan(500);
      answers.push(`${p}\n${res.body}`);
    }
    await mw.stop();
    await idle.stop();
    await idp.close();
    expectNothingSecret('the YAML watch', `${mw.logText()}\n${answers.join('\n')}`);
  });
});
