// HTTP with flows: discover: /readyz says why while nothing was found, /api/v1/discovery serves the
// discovery's view (and answers "not enabled" with a list of flows), / links to it.
import { afterEach, describe, expect, it } from 'vitest';
import type { DiscoveryView } from '../../../src/discovery/discoveryLoop.js';
import { createHttpServer } from '../../../src/http/server.js';
import type { HttpServer, HttpServerOptions } from '../../../src/http/server.js';
import { createMetrics } from '../../../src/metrics/metrics.js';
import type { Snapshot } from '../../../src/core/types.js';
import { captureLogger } from '../metrics/log-capture.js';
import { makeSnapshot } from '../helpers/snapshot.js';

const servers: HttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function server(snapshot: () => Snapshot | null, extra: Partial<HttpServerOptions> = {}): HttpServer {
  const log = captureLogger('info');
  const s = createHttpServer({ host: '127.0.0.1', port: 0, logger: log.logger, metrics: createMetrics({ version: '9', logger: log.logger, defaultMetrics: false }), getSnapshot: snapshot, isAlive: () => true, ...extra });
  servers.push(s);
  return s;
}

const get = async (s: HttpServer, url: string) => {
  const res = await s.app.inject({ method: 'GET', url });
  return { status: res.statusCode, json: () => res.json() as Record<string, unknown> };
};

const VIEW: DiscoveryView = {
  enabled: true,
  intervalSeconds: 60,
  lastRunAt: '2026-12-05T21:00:00.000Z',
  runs: 3,
  policy: { kind: 'default', separator: '.', internalTopicSeparatorEnabled: true, from: 'default', confidence: null },
  flows: [],
  clusters: [],
  partialFlows: [],
  notes: [],
  reasons: ['discovery found no active MM2 flow between us-east, us-west (looked 3 time(s), every 60s)'],
};

describe('HTTP with flows: discover', () => {
  it('/readyz: 503 with discovery\'s reason while no flow was found, even after a complete poll; ready once one was', async () => {
    let reason: string | null = VIEW.reasons[0]!;
    const s = server(() => makeSnapshot({ flows: [], complete: true }), { notReadyReason: () => reason, getDiscovery: () => VIEW });
    const r = await get(s, '/readyz');
    expect(r.status).toBe(503);
    expect(r.json().reason).toBe('discovery found no active MM2 flow between us-east, us-west (looked 3 time(s), every 60s)');
    reason = null;
    expect((await get(s, '/readyz')).status).toBe(200);
  });

  it('/api/v1/discovery serves the view and is linked from /; without discovery it says so', async () => {
    const s = server(() => null, { getDiscovery: () => VIEW });
    expect((await get(s, '/api/v1/discovery')).json()).toEqual(VIEW);
    const links = (await get(s, '/')).json().links as { href: string }[];
    expect(links.map((l) => l.href)).toContain('/api/v1/discovery');
    const plain = server(() => null);
    expect((await get(plain, '/api/v1/discovery')).json()).toEqual({ enabled: false, flows: [] });
    expect(((await get(plain, '/')).json().links as { href: string }[]).map((l) => l.href)).not.toContain('/api/v1/discovery');
  });
});
