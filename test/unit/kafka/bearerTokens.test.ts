// Bearer tokens (issue 12 point 3): the client credentials request as Kafka forms it, sent to a
// real local HTTP endpoint; renewal ahead of expiry; exponential backoff while the endpoint is
// down or refuses connections; a refusal not retried; nothing secret in a message.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MIN_OFFERED_MS, MIN_REMAINING_MS, refreshDueAt, stillValid } from '../../../src/core/tokenRefresh.js';
import type { OAuthBearerConfig } from '../../../src/core/types.js';
import { RefreshingToken } from '../../../src/kafka/bearerTokens.js';
import { bearerTokens, toKafkajsSasl } from '../../../src/kafka/clientOptions.js';
import { clientCredentialsFetcher, jwtExpiryMs } from '../../../src/kafka/oidcClientCredentials.js';
import { captureLogger } from '../metrics/log-capture.js';

const SECRET = 'p@ss word:with/odd+chars';

interface Seen {
  at: number;
  authorization: string;
  contentType: string;
  body: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse, seen: Seen) => void;

const servers: Server[] = [];
const tokens: RefreshingToken[] = [];
afterEach(async () => {
  for (const t of tokens.splice(0)) t.close();
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function endpoint(handler: Handler): Promise<{ url: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const s = { at: Date.now(), authorization: req.headers.authorization ?? '', contentType: req.headers['content-type'] ?? '', body };
      seen.push(s);
      handler(req, res, s);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`, seen, server };
}

const jwt = (claims: object): string => `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`;
const json = (res: ServerResponse, status: number, body: object): void => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

function oauth(url: string, extra: Partial<OAuthBearerConfig> = {}): OAuthBearerConfig {
  return { mechanism: 'oauthbearer', tokenEndpointUrl: url, clientId: 'mirror watch', clientSecret: SECRET, scope: 'kafka read', headerUrlencode: false, refreshWindowFactor: 0.8, retryBackoffMs: 50, retryBackoffMaxMs: 400, ...extra };
}

function refreshing(c: OAuthBearerConfig, log = captureLogger('debug'), now?: () => number): { token: RefreshingToken; log: ReturnType<typeof captureLogger> } {
  const token = new RefreshingToken({
    alias: 'east',
    source: `SASL/OAUTHBEARER token endpoint ${c.tokenEndpointUrl}`,
    fetch: clientCredentialsFetcher(c, { timeoutMs: 2_000 }),
    windowFactor: c.refreshWindowFactor,
    backoffMs: c.retryBackoffMs,
    backoffMaxMs: c.retryBackoffMaxMs,
    waitMs: 1_500,
    logger: log.logger,
    ...(now ? { now } : {}),
  });
  tokens.push(token);
  return { token, log };
}

describe('renewal policy (pure)', () => {
  it('renews at the window factor, but early enough that the token outlives kafkajs re-authentication', () => {
    // A 1-hour token: at 80 %.
    expect(refreshDueAt({ obtainedAtMs: 0, expiresAtMs: 3_600_000 }, 0.8)).toBe(2_880_000);
    // A 60 s token: 80 % would leave 12 s, under the 15 s margin.
    expect(refreshDueAt({ obtainedAtMs: 0, expiresAtMs: 60_000 }, 0.8)).toBe(60_000 - MIN_REMAINING_MS);
    // A token shorter than the margin: renewed at every request.
    expect(refreshDueAt({ obtainedAtMs: 1_000, expiresAtMs: 10_000 }, 0.8)).toBe(1_000);
    expect(stillValid({ obtainedAtMs: 0, expiresAtMs: 60_000 }, 60_000 - MIN_OFFERED_MS - 1)).toBe(true);
    expect(stillValid({ obtainedAtMs: 0, expiresAtMs: 60_000 }, 60_000 - MIN_OFFERED_MS)).toBe(false);
  });

  it('reads the expiry from the JWT exp claim', () => {
    expect(jwtExpiryMs(jwt({ exp: 1_900_000_000 }))).toBe(1_900_000_000_000);
    expect(jwtExpiryMs('opaque-token')).toBeUndefined();
    expect(jwtExpiryMs('a.b.c')).toBeUndefined();
  });
});

describe('the client credentials request', () => {
  it('is a form POST with HTTP Basic client authentication, as Kafka sends it (URL-encoded only when asked)', async () => {
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const ep = await endpoint((_req, res) => json(res, 200, { access_token: jwt({ exp, sub: 'mirrorwatch' }), expires_in: 60 }));
    const plain = await clientCredentialsFetcher(oauth(ep.url), { timeoutMs: 2000 })(new AbortController().signal);
    // The JWT's exp wins over expires_in.
    expect(plain.expiresAtMs).toBe(exp * 1000);
    expect(ep.seen[0]!.contentType).toBe('application/x-www-form-urlencoded');
    expect(ep.seen[0]!.body).toBe('grant_type=client_credentials&scope=kafka%20read');
    expect(Buffer.from(ep.seen[0]!.authorization.replace(/^Basic /, ''), 'base64').toString()).toBe(`mirror watch:${SECRET}`);
    await clientCredentialsFetcher(oauth(ep.url, { headerUrlencode: true, scope: undefined }), { timeoutMs: 2000 })(new AbortController().signal);
    expect(ep.seen[1]!.body).toBe('grant_type=client_credentials');
    expect(Buffer.from(ep.seen[1]!.authorization.replace(/^Basic /, ''), 'base64').toString()).toBe(`mirror%20watch:${encodeURIComponent(SECRET)}`);
  });

  it('an opaque token takes its lifetime from expires_in; none at all is refused', async () => {
    let answer: object = { access_token: 'opaque', expires_in: 300 };
    const ep = await endpoint((_req, res) => json(res, 200, answer));
    const before = Date.now();
    const t = await clientCredentialsFetcher(oauth(ep.url), { timeoutMs: 2000 })(new AbortController().signal);
    expect(t.expiresAtMs).toBeGreaterThanOrEqual(before + 300_000);
    answer = { access_token: 'opaque' };
    await expect(clientCredentialsFetcher(oauth(ep.url), { timeoutMs: 2000 })(new AbortController().signal)).rejects.toThrow(
      `the SASL/OAUTHBEARER token endpoint ${ep.url} answered with a token of unknown lifetime (no exp claim, no expires_in)`,
    );
  });
});

describe('RefreshingToken', () => {
  it('a refused client secret is one request and a clear error, with no secret in it', async () => {
    const ep = await endpoint((_req, res) => json(res, 401, { error: 'invalid_client', error_description: `bad secret ${SECRET}` }));
    const { token, log } = refreshing(oauth(ep.url));
    const err = await token.get().catch((e: Error) => e);
    expect((err as Error).message).toBe(
      `cluster east: the SASL/OAUTHBEARER token endpoint ${ep.url} refused the client credentials: answered HTTP 401 for client "mirror watch" and scope "kafka read": invalid_client: bad secret [redacted]`,
    );
    expect(ep.seen).toHaveLength(1);
    expect(log.text()).not.toContain(SECRET);
  });

  it('retries a down endpoint with a doubling backoff up to its cap, logs once, and recovers', async () => {
    let down = true;
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const ep = await endpoint((_req, res) => (down ? json(res, 503, { error: 'temporarily_unavailable' }) : json(res, 200, { access_token: jwt({ exp }) })));
    const { token, log } = refreshing(oauth(ep.url));
    await expect(token.get()).rejects.toThrow(
      `cluster east: no SASL/OAUTHBEARER token: the SASL/OAUTHBEARER token endpoint ${ep.url} answered HTTP 503 for client "mirror watch" and scope "kafka read": temporarily_unavailable; retrying with backoff`,
    );
    await new Promise((r) => setTimeout(r, 1_200));
    const gaps = ep.seen.slice(1).map((s, i) => s.at - ep.seen[i]!.at);
    // 50 ms doubling to 400 ms (jitter only lengthens a wait, and so does a busy machine): each gap
    // is at least its step of the backoff, so attempts cannot come faster than that.
    expect(gaps.length).toBeGreaterThanOrEqual(3);
    gaps.forEach((g, i) => expect(g, `gap ${i} of ${gaps.join(',')}`).toBeGreaterThanOrEqual(Math.min(50 * 2 ** i, 400) - 5));
    down = false;
    expect(await token.get()).toBe(jwt({ exp }));
    const warnings = log.lines().filter((l) => (l.level as number) === 40).map((l) => l.msg);
    expect(warnings).toEqual([
      `cluster east: the SASL/OAUTHBEARER token endpoint ${ep.url} answered HTTP 503 for client "mirror watch" and scope "kafka read": temporarily_unavailable; retrying with backoff (50 ms doubling to 400 ms)`,
    ]);
    expect(log.lines().some((l) => l.msg === `cluster east: the SASL/OAUTHBEARER token endpoint ${ep.url} answered again`)).toBe(true);
  });

  it('an endpoint refusing connections is named as such', async () => {
    const ep = await endpoint(() => {});
    const url = ep.url;
    ep.server.close();
    const { token } = refreshing(oauth(url));
    await expect(token.get()).rejects.toThrow(`cluster east: no SASL/OAUTHBEARER token: the SASL/OAUTHBEARER token endpoint ${url} cannot be reached (ECONNREFUSED); retrying with backoff`);
  });

  it('renews ahead of expiry, and keeps offering the current token while the endpoint is down', async () => {
    // Tokens live 40 s on a clock the test moves; renewal is due 25 s in (40 s less the 15 s margin).
    let clock = 1_000_000_000;
    let down = false;
    let n = 0;
    const ep = await endpoint((_req, res) => {
      if (down) return json(res, 500, { error: 'server_error' });
      n++;
      json(res, 200, { access_token: `token-${n}`, expires_in: 40 });
    });
    const c = oauth(ep.url);
    const log = captureLogger('debug');
    const token = new RefreshingToken({
      alias: 'east',
      source: 'SASL/OAUTHBEARER token endpoint',
      fetch: clientCredentialsFetcher(c, { timeoutMs: 2000, now: () => clock }),
      windowFactor: 0.8,
      backoffMs: 20,
      backoffMaxMs: 40,
      waitMs: 1_000,
      logger: log.logger,
      now: () => clock,
    });
    tokens.push(token);
    expect(await token.get()).toBe('token-1');
    clock += 20_000;
    expect(await token.get()).toBe('token-1');
    expect(ep.seen).toHaveLength(1);
    clock += 6_000;
    // Due: the next caller gets the successor.
    expect(await token.get()).toBe('token-2');
    down = true;
    clock += 26_000;
    // token-2 is due (26 s old) but still has 14 s: offered while its successor cannot be had.
    expect(await token.get()).toBe('token-2');
    expect(log.lines().find((l) => (l.level as number) === 40)?.msg).toMatch(/answered HTTP 500 .*; the current token \(expires .*\) stays in use until 12 s before it expires$/);
    clock += 3_000;
    await expect(token.get()).rejects.toThrow(/no SASL\/OAUTHBEARER token: the SASL\/OAUTHBEARER token endpoint answered HTTP 500/);
    down = false;
    await new Promise((r) => setTimeout(r, 200));
    expect(await token.get()).toBe('token-3');
  });
});

describe('kafkajs SASL options', () => {
  it('an OAUTHBEARER cluster gives kafkajs a provider of the current token and its SASL extensions', async () => {
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const ep = await endpoint((_req, res) => json(res, 200, { access_token: jwt({ exp }) }));
    const sasl = oauth(ep.url, { extensions: { logicalCluster: 'lkc-1' } });
    const cluster = { alias: 'east', bootstrapServers: ['127.0.0.1:1'], clientId: 'mirrorwatch', connectionTimeoutMs: 1_000, requestTimeoutMs: 1_000, sasl };
    const t = bearerTokens(cluster, captureLogger('info').logger)!;
    tokens.push(t);
    const kafkajs = toKafkajsSasl(cluster, t) as { mechanism: string; oauthBearerProvider: () => Promise<unknown> };
    expect(kafkajs.mechanism).toBe('oauthbearer');
    expect(await kafkajs.oauthBearerProvider()).toEqual({ value: jwt({ exp }), extensions: { logicalCluster: 'lkc-1' } });
    // Every connection shares the one token: one request however many ask.
    await Promise.all([kafkajs.oauthBearerProvider(), kafkajs.oauthBearerProvider()]);
    expect(ep.seen).toHaveLength(1);
    expect(() => toKafkajsSasl(cluster, null)).toThrow('cluster east: oauthbearer needs a token source');
  });
});
