import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpServer } from '../../../src/http/server.js';
import type { HttpServer, HttpServerOptions } from '../../../src/http/server.js';
import { createMetrics } from '../../../src/metrics/metrics.js';
import type { Snapshot } from '../../../src/core/types.js';
import { captureLogger } from '../metrics/log-capture.js';
import { T0, makeCluster, makeSnapshot } from '../helpers/snapshot.js';
import type { FlowInput } from '../helpers/snapshot.js';
import { parseExposition, valueOf } from '../metrics/parse-exposition.js';

const flows = (): FlowInput[] => [
  {
    source: 'us-east',
    target: 'us-west',
    topics: [
      { topic: 'orders', partitions: [{ partition: 0, sourceEnd: 50, replicated: 42, basis: 'offset-sync', lastSync: { upstreamOffset: 40, downstreamOffset: 38 } }, { partition: 1, sourceEnd: 0, replicated: 0, basis: 'empty-target' }] },
      { topic: 'payments', partitions: 1 },
    ],
    failover: { ready: false, reasons: ['lag 8 records exceeds the bound of 0'], rpo: { records: 8, seconds: 7.5 } },
  },
  { source: 'us-west', target: 'us-east', heartbeat: { expected: false, lastTimestampMs: null, ageSeconds: null }, failover: { ready: true, reasons: [] } },
];

interface Harness {
  server: HttpServer;
  setSnapshot: (s: Snapshot | null) => void;
  setAlive: (alive: boolean | (() => boolean)) => void;
  log: ReturnType<typeof captureLogger>;
}

const servers: HttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function harness(overrides: Partial<HttpServerOptions> = {}, level = 'info'): Harness {
  const log = captureLogger(level);
  const metrics = createMetrics({ version: '9.9.9', logger: log.logger, defaultMetrics: false });
  let snapshot: Snapshot | null = null;
  let alive: () => boolean = () => true;
  const server = createHttpServer({
    host: '127.0.0.1',
    port: 0,
    logger: log.logger,
    metrics,
    getSnapshot: () => snapshot,
    isAlive: () => alive(),
    version: '9.9.9',
    ...overrides,
  });
  servers.push(server);
  return {
    server,
    log,
    setSnapshot: (s) => {
      snapshot = s;
      if (s) metrics.publish(s);
    },
    setAlive: (a) => {
      alive = typeof a === 'function' ? a : () => a;
    },
  };
}

const get = async (h: Harness, url: string, headers: Record<string, string> = {}) => {
  const res = await h.server.app.inject({ method: 'GET', url, headers });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response shapes are checked by the assertions
  return { status: res.statusCode, headers: res.headers, text: res.body, json: () => res.json() as Record<string, any> };
};

describe('GET /metrics', () => {
  it('serves the latest published snapshot in the Prometheus text format', async () => {
    const h = harness();
    h.setSnapshot(makeSnapshot({ flows: flows() }));
    const res = await get(h, '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4; charset=utf-8/);
    const exp = parseExposition(res.text);
    expect(valueOf(exp, 'mm2_replication_lag_records', { source: 'us-east', target: 'us-west', topic: 'orders', partition: '0' })).toBe(8);
    expect(valueOf(exp, 'mirrorwatch_build_info', { version: '9.9.9', revision: 'unknown' })).toBe(1);

    h.setSnapshot(makeSnapshot({ flows: flows().slice(1), sequence: 2 }));
    const later = parseExposition((await get(h, '/metrics')).text);
    expect(later.samples.filter((s) => s.labels.topic === 'orders')).toHaveLength(0);
  });

  it('answers gzip and OpenMetrics when the scraper asks, with Vary', async () => {
    const h = harness();
    h.setSnapshot(makeSnapshot({ flows: flows() }));
    const res = await h.server.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { accept: 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5', 'accept-encoding': 'gzip, deflate' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['content-type']).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(res.headers.vary).toBe('Accept, Accept-Encoding');
    const text = gunzipSync(res.rawPayload).toString('utf8');
    expect(text.endsWith('# EOF\n')).toBe(true);
    expect(valueOf(parseExposition(text.replace('# EOF\n', '')), 'mm2_replication_lag_records', { source: 'us-east', target: 'us-west', topic: 'orders', partition: '0' })).toBe(8);

    const plain = await get(h, '/metrics', { 'accept-encoding': 'identity' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('answers before the first snapshot, without domain samples', async () => {
    const h = harness();
    const res = await get(h, '/metrics');
    expect(res.status).toBe(200);
    expect(parseExposition(res.text).samples.filter((s) => s.name.startsWith('mm2_'))).toHaveLength(0);
  });
});

describe('GET /healthz and /readyz', () => {
  it('reports liveness from isAlive, and 503 when it throws', async () => {
    const h = harness();
    expect(await get(h, '/healthz')).toMatchObject({ status: 200 });
    expect((await get(h, '/healthz')).json()).toEqual({ status: 'ok' });
    h.setAlive(false);
    expect((await get(h, '/healthz')).status).toBe(503);
    h.setAlive(() => {
      throw new Error('poll loop state unavailable');
    });
    expect((await get(h, '/healthz')).status).toBe(503);
  });

  it('is not ready until a complete snapshot exists, then stays ready while a cluster is down', async () => {
    const h = harness();
    expect((await get(h, '/readyz')).status).toBe(503);
    h.setSnapshot(makeSnapshot({ flows: flows(), complete: false }));
    const partial = await get(h, '/readyz');
    expect(partial.status).toBe(503);
    expect(partial.json().reason).toMatch(/first complete poll cycle/);

    h.setSnapshot(makeSnapshot({ flows: flows(), complete: true, sequence: 2 }));
    expect((await get(h, '/readyz')).status).toBe(200);
    expect((await get(h, '/readyz')).json()).toMatchObject({ status: 'ready', snapshot: { sequence: 2, complete: true } });

    const down = makeSnapshot({ flows: flows(), sequence: 3 });
    h.setSnapshot({ ...down, clusters: down.clusters.map((c) => (c.alias === 'us-west' ? makeCluster('us-west', { up: false, lastError: 'ECONNREFUSED' }) : c)) });
    expect((await get(h, '/readyz')).status).toBe(200);
  });
});

describe('GET /api/v1/flows', () => {
  it('is 503 with a JSON error before the first snapshot', async () => {
    const h = harness();
    const res = await get(h, '/api/v1/flows');
    expect(res.status).toBe(503);
    expect(res.json()).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
  });

  it('lists every flow with totals, heartbeat and failover readiness, and the clusters', async () => {
    const h = harness();
    const snapshot = makeSnapshot({ flows: flows(), sequence: 7 });
    h.setSnapshot(snapshot);
    const body = (await get(h, '/api/v1/flows')).json();
    expect(body.snapshot).toEqual({ sequence: 7, takenAtMs: T0, takenAt: new Date(T0).toISOString(), complete: true });
    expect(body.flows).toHaveLength(2);
    const [east, west] = body.flows;
    expect(east).toMatchObject({
      source: 'us-east',
      target: 'us-west',
      known: true,
      totals: snapshot.flows[0]!.totals,
      heartbeat: snapshot.flows[0]!.heartbeat,
      failover: { ready: false, reasons: ['lag 8 records exceeds the bound of 0'] },
      links: { detail: '/api/v1/flows/us-east/us-west', failover: '/api/v1/flows/us-east/us-west/failover' },
    });
    expect(east).not.toHaveProperty('topics');
    expect(west).toMatchObject({ failover: { ready: true }, heartbeat: { expected: false } });
    const eastCluster = snapshot.clusters.find((c) => c.alias === 'us-east')!;
    expect(body.clusters).toContainEqual({
      alias: 'us-east',
      up: true,
      lastSuccessMs: eastCluster.lastSuccessMs,
      lastSuccessAt: new Date(eastCluster.lastSuccessMs!).toISOString(),
      lastPollDurationSeconds: eastCluster.lastPollDurationSeconds,
      lastError: null,
      partitions: eastCluster.partitions.length,
      tailStuck: [],
    });
  });
});

describe('GET /api/v1/flows/:source/:target', () => {
  it('gives every topic and partition with the basis of replicated', async () => {
    const h = harness();
    const snapshot = makeSnapshot({ flows: flows() });
    h.setSnapshot(snapshot);
    const res = await get(h, '/api/v1/flows/us-east/us-west');
    expect(res.status).toBe(200);
    const body = res.json();
    expect(body.topics).toEqual(snapshot.flows[0]!.topics);
    const [p0, p1] = body.topics[0].partitions;
    expect(p0).toMatchObject({ partition: 0, replicated: 42, basis: 'offset-sync', lastSync: { upstreamOffset: 40, downstreamOffset: 38 }, lagRecords: 8, remoteTopic: 'us-east.orders' });
    expect(p1).toMatchObject({ partition: 1, basis: 'empty-target' });
    expect(body.failover.rpo).toEqual({ records: 8, seconds: 7.5 });
    expect(body.clusters.map((c: { alias: string }) => c.alias).sort()).toEqual(['us-east', 'us-west']);
  });

  it('narrows to one topic with ?topic=', async () => {
    const h = harness();
    h.setSnapshot(makeSnapshot({ flows: flows() }));
    const body = (await get(h, '/api/v1/flows/us-east/us-west?topic=payments')).json();
    expect(body.topics.map((t: { topic: string }) => t.topic)).toEqual(['payments']);
  });

  it('answers 404 with a JSON error naming the flow and the known flows', async () => {
    const h = harness();
    h.setSnapshot(makeSnapshot({ flows: flows() }));
    for (const url of ['/api/v1/flows/us-east/eu-central', '/api/v1/flows/us-east/eu-central/failover']) {
      const res = await get(h, url);
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/application\/json/);
      const body = res.json();
      expect(body).toMatchObject({ statusCode: 404, error: 'Not Found' });
      expect(body.message).toContain('us-east->eu-central');
      expect(body.message).toContain('us-east->us-west');
    }
  });

  it('decodes aliases from the path', async () => {
    const h = harness();
    h.setSnapshot(makeSnapshot({ flows: [{ source: 'dc 1', target: 'dc#2' }] }));
    expect((await get(h, `/api/v1/flows/${encodeURIComponent('dc 1')}/${encodeURIComponent('dc#2')}`)).status).toBe(200);
  });
});

describe('GET /api/v1/flows/:source/:target/failover', () => {
  it('gives the verdict, every reason and the RPO', async () => {
    const h = harness();
    h.setSnapshot(makeSnapshot({ flows: flows() }));
    const body = (await get(h, '/api/v1/flows/us-east/us-west/failover')).json();
    expect(body).toMatchObject({
      source: 'us-east',
      target: 'us-west',
      ready: false,
      reasons: ['lag 8 records exceeds the bound of 0'],
      rpo: { records: 8, seconds: 7.5 },
    });
    expect((await get(h, '/api/v1/flows/us-west/us-east/failover')).json()).toMatchObject({ ready: true, reasons: [] });
  });
});

describe('GET /api/v1/config', () => {
  const secret = 'hunter2-do-not-leak';
  const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----';
  const summary = () => ({
    file: '/etc/mirrorwatch/mirrorwatch.yaml',
    clusters: [
      { alias: 'us-east', bootstrapServers: ['k1:9092'], sasl: { mechanism: 'scram-sha-512', username: 'mirrorwatch', password: secret }, tls: { rejectUnauthorized: true, key: pem } },
    ],
    mm2: { 'us-east.sasl.jaas.config': `org.apache.kafka.common.security.scram.ScramLoginModule required username="mm2" password="${secret}";`, 'us-east.ssl.keystore.password': secret },
    granularity: 'partition',
  });

  it('never shows a password, a private key or a JAAS line', async () => {
    const h = harness({ getConfigSummary: summary });
    const res = await get(h, '/api/v1/config');
    expect(res.status).toBe(200);
    expect(res.text).not.toContain(secret);
    expect(res.text).not.toContain('MIIEvQ');
    const body = res.json();
    expect(body.clusters[0].sasl).toEqual({ mechanism: 'scram-sha-512', username: 'mirrorwatch', password: '[redacted]' });
    expect(body.clusters[0].bootstrapServers).toEqual(['k1:9092']);
    expect(body.granularity).toBe('partition');
  });

  it('is 404 when no summary is wired in', async () => {
    const res = await get(harness(), '/api/v1/config');
    expect(res.status).toBe(404);
    expect(res.json()).toMatchObject({ statusCode: 404 });
  });
});

describe('GET / and unknown routes', () => {
  it('links every endpoint, as JSON by default and as HTML for browsers', async () => {
    const h = harness({ getConfigSummary: () => ({}) });
    h.setSnapshot(makeSnapshot({ flows: flows() }));
    const json = (await get(h, '/')).json();
    const hrefs = json.links.map((l: { href: string }) => l.href);
    expect(hrefs).toEqual(expect.arrayContaining(['/metrics', '/healthz', '/readyz', '/api/v1/flows', '/api/v1/flows/us-east/us-west', '/api/v1/flows/us-west/us-east/failover', '/api/v1/config']));
    expect(json.version).toBe('9.9.9');

    const html = await get(h, '/', { accept: 'text/html,application/xhtml+xml' });
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.text).toContain('<a href="/api/v1/flows/us-east/us-west/failover">');
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await get(harness(), '/nope?x=1');
    expect(res.status).toBe(404);
    expect(res.json()).toEqual({ statusCode: 404, error: 'Not Found', message: 'no route GET /nope?x=1; GET / lists the endpoints' });
  });
});

describe('server lifecycle and logging', () => {
  it('listens on the port it reports, serves over real HTTP and closes twice without error', async () => {
    const h = harness();
    h.setSnapshot(makeSnapshot({ flows: flows() }));
    const bound = await h.server.start();
    expect(bound.host).toBe('127.0.0.1');
    expect(bound.port).toBeGreaterThan(0);
    const res = await fetch(`${bound.url}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('mm2_replication_lag_records{source="us-east"');
    await h.server.close();
    await h.server.close();
    await expect(fetch(`${bound.url}/healthz`)).rejects.toThrow();
  });

  it('logs no line per routine request at info level', async () => {
    const h = harness({}, 'info');
    // Start-up answers (503 until ready) are routine too.
    expect((await get(h, '/readyz')).status).toBe(503);
    expect((await get(h, '/api/v1/flows')).status).toBe(503);
    h.setSnapshot(makeSnapshot({ flows: flows() }));
    for (let i = 0; i < 5; i++) {
      await get(h, '/metrics');
      await get(h, '/healthz');
      await get(h, '/nope');
    }
    expect(h.log.lines().filter((l) => l.component === 'http')).toEqual([]);
  });

  it('answers a failing handler with a JSON 500 and logs it once as an error', async () => {
    const log = captureLogger('info');
    const server = createHttpServer({
      host: '127.0.0.1',
      port: 0,
      logger: log.logger,
      metrics: { render: () => Promise.reject(new Error('render exploded')) },
      getSnapshot: () => null,
      isAlive: () => true,
    });
    servers.push(server);
    const res = await server.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'render exploded' });
    const errors = log.lines().filter((l) => l.level === 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ component: 'http', url: '/metrics' });
  });

  it('logs requests at debug level when asked to', async () => {
    const h = harness({}, 'debug');
    await get(h, '/healthz');
    expect(h.log.lines().some((l) => l.msg === 'request completed' && l.url === '/healthz' && l.statusCode === 200)).toBe(true);
  });
});
