// HTTPS and basic auth of mirrorwatch's HTTP server (config http.tls, http.basicAuthUsers).
import fs from 'node:fs';
import { request as httpsRequest } from 'node:https';
import path from 'node:path';
import { Writable } from 'node:stream';
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/load.js';
import { redactConfig } from '../../../src/config/redact.js';
import { BasicAuth } from '../../../src/http/protection.js';
import { createHttpServer } from '../../../src/http/server.js';
import type { HttpServer } from '../../../src/http/server.js';
import { createLogger } from '../../../src/log.js';
import { createMetrics } from '../../../src/metrics/metrics.js';
import { createPki } from '../../harness/secure.js';
import type { Pki } from '../../harness/secure.js';
import { tempFiles } from '../config/helpers.js';

let pki: Pki;
const PASSWORD = 'correct horse battery staple';
let hash: string;

beforeAll(() => {
  pki = createPki(fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'mw-pki-')));
  hash = bcrypt.hashSync(PASSWORD, 4);
});

afterAll(() => {
  fs.rmSync(pki.dir, { recursive: true, force: true });
});

function capture() {
  const lines: Record<string, unknown>[] = [];
  const text: string[] = [];
  const stream = new Writable({
    write(chunk, _e, cb) {
      text.push(String(chunk));
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { logger: createLogger('info', stream), lines, text };
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(url: string, opts: { auth?: string; ca?: string; cert?: string; key?: string; header?: string } = {}): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (opts.auth !== undefined) headers.authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
  if (opts.header !== undefined) headers.authorization = opts.header;
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { headers, ca: opts.ca, cert: opts.cert, key: opts.key, agent: false, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('http.tls and http.basicAuthUsers in the YAML file', () => {
  const base = 'clusters: [{ alias: a, bootstrapServers: "h:1" }, { alias: b, bootstrapServers: "h:2" }]\nflows: [{ source: a, target: b }]\n';

  it('loads the PEM files and the hashes', () => {
    const dir = tempFiles({
      'c.yaml': `${base}http:\n  tls: { certFile: ${pki.server.cert}, keyFile: ${pki.server.key}, clientCaFile: ${pki.caCert} }\n  basicAuthUsers: { prometheus: "${hash}" }\n`,
    });
    const c = loadConfig(path.join(dir, 'c.yaml'), {});
    expect(c.http.tls?.cert).toContain('BEGIN CERTIFICATE');
    expect(c.http.tls?.key).toContain('PRIVATE KEY');
    expect(c.http.tls?.clientCa).toContain('BEGIN CERTIFICATE');
    expect(c.http.basicAuthUsers).toEqual({ prometheus: hash });
    const shown = JSON.stringify(redactConfig(c));
    expect(shown).not.toContain('PRIVATE KEY');
    expect(shown).not.toContain(hash);
    expect(shown).toContain('prometheus');
  });

  it('refuses a password where a hash belongs, without echoing it', () => {
    const dir = tempFiles({ 'c.yaml': `${base}http:\n  basicAuthUsers: { prometheus: "hunter2", "bad:name": "${hash}" }\n` });
    let err: unknown;
    try {
      loadConfig(path.join(dir, 'c.yaml'), {});
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as ConfigError).message;
    expect(msg).toMatch(/http\.basicAuthUsers\.prometheus: expected a bcrypt hash/);
    expect(msg).toMatch(/user name .* no ":"/);
    expect(msg).not.toContain('hunter2');
    expect(msg).not.toContain(hash);
  });

  it('names a missing or wrong certificate file', () => {
    const dir = tempFiles({ 'c.yaml': `${base}http:\n  tls: { certFile: nope.pem, keyFile: ${pki.server.cert} }\n` });
    expect(() => loadConfig(path.join(dir, 'c.yaml'), {})).toThrow(/http\.tls\.certFile: cannot read certificate file .*nope\.pem: no such file[\s\S]*http\.tls\.keyFile: .* holds no PEM private key/);
  });
});

describe('HTTPS with basic auth', () => {
  const servers: HttpServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  async function start(opts: { clientCa?: boolean } = {}) {
    const log = capture();
    const server = createHttpServer({
      host: '127.0.0.1',
      port: 0,
      logger: log.logger,
      metrics: createMetrics({ version: 't', logger: log.logger, defaultMetrics: false }),
      getSnapshot: () => null,
      isAlive: () => true,
      tls: {
        cert: fs.readFileSync(pki.server.cert, 'utf8'),
        key: fs.readFileSync(pki.server.key, 'utf8'),
        ...(opts.clientCa ? { clientCa: fs.readFileSync(pki.caCert, 'utf8') } : {}),
      },
      basicAuthUsers: { prometheus: hash },
    });
    servers.push(server);
    const address = await server.start();
    return { url: address.url, log };
  }

  it('answers 401 with a challenge without valid credentials and 200 with them', async () => {
    const { url, log } = await start();
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const ca = fs.readFileSync(pki.caCert, 'utf8');
    const none = await get(`${url}/metrics`, { ca });
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Basic realm="mirrorwatch", charset="UTF-8"');
    for (const auth of ['prometheus:Zq9-not-it', 'nobody:' + PASSWORD, 'prometheus', ':']) {
      expect((await get(`${url}/metrics`, { ca, auth })).status, auth).toBe(401);
    }
    expect((await get(`${url}/metrics`, { ca, header: 'Bearer abc' })).status).toBe(401);
    expect((await get(`${url}/metrics`, { ca, header: 'Basic !!!' })).status).toBe(401);
    // Unknown routes are not revealed to strangers either.
    expect((await get(`${url}/nothing-here`, { ca })).status).toBe(401);
    const ok = await get(`${url}/metrics`, { ca, auth: `prometheus:${PASSWORD}` });
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('mirrorwatch_build_info');
    expect((await get(`${url}/nothing-here`, { ca, auth: `prometheus:${PASSWORD}` })).status).toBe(404);
    // Failures are logged, rate-limited, and never with the password.
    const warnings = log.lines.filter((l) => l.level === 40);
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]!.msg)).toMatch(/HTTP basic auth failed \(wrong password for user "prometheus"/);
    expect(log.text.join('')).not.toContain('Zq9-not-it');
    expect(log.text.join('')).not.toContain(PASSWORD);
  });

  it('does not trust a client that does not trust the CA', async () => {
    const { url } = await start();
    await expect(get(`${url}/metrics`, { auth: `prometheus:${PASSWORD}` })).rejects.toThrow(/self[- ]signed|unable to verify/);
  });

  it('requires a client certificate signed by clientCaFile when one is configured', async () => {
    const { url } = await start({ clientCa: true });
    const ca = fs.readFileSync(pki.caCert, 'utf8');
    await expect(get(`${url}/metrics`, { ca, auth: `prometheus:${PASSWORD}` })).rejects.toThrow();
    const ok = await get(`${url}/metrics`, {
      ca,
      auth: `prometheus:${PASSWORD}`,
      cert: fs.readFileSync(pki.client.cert, 'utf8'),
      key: fs.readFileSync(pki.client.key, 'utf8'),
    });
    expect(ok.status).toBe(200);
  });
});

describe('BasicAuth', () => {
  const header = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  it('remembers a verified pair so scrapes do not pay bcrypt each time', async () => {
    const slow = bcrypt.hashSync(PASSWORD, 10);
    const auth = new BasicAuth({ users: { p: slow }, logger: capture().logger });
    let t = performance.now();
    expect(await auth.check(header('p', PASSWORD))).toEqual({ ok: true, user: 'p' });
    const first = performance.now() - t;
    t = performance.now();
    expect(await auth.check(header('p', PASSWORD))).toEqual({ ok: true, user: 'p' });
    const second = performance.now() - t;
    expect(first).toBeGreaterThan(20);
    expect(second).toBeLessThan(first / 4);
    // A wrong password is never remembered as right.
    expect(await auth.check(header('p', `${PASSWORD}x`))).toMatchObject({ ok: false, reason: 'wrong password' });
  });

  it('turns away attempts beyond the concurrent verifications with 429', async () => {
    const auth = new BasicAuth({ users: { p: bcrypt.hashSync(PASSWORD, 8) }, logger: capture().logger, maxConcurrent: 2 });
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => auth.check(header('p', `guess-${i}`))));
    expect(results.filter((r) => !r.ok && r.status === 429)).toHaveLength(3);
    expect(results.filter((r) => !r.ok && r.status === 401)).toHaveLength(2);
  });

  it('spends a bcrypt comparison on unknown users too', async () => {
    const auth = new BasicAuth({ users: { p: bcrypt.hashSync(PASSWORD, 10) }, logger: capture().logger });
    const t = performance.now();
    expect(await auth.check(header('someone', PASSWORD))).toMatchObject({ ok: false, reason: 'unknown user' });
    expect(performance.now() - t).toBeGreaterThan(20);
  });
});
