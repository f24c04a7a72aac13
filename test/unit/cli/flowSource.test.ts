import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/cli/args.js';
import { ReadError, httpFlowSource, refineLagSeconds } from '../../../src/cli/flowSource.js';
import { flowDetailView } from '../../../src/http/views.js';
import type { FetchRequest, FetchResult } from '../../../src/kafka/port.js';
import { T0, makeFlow, makeSnapshot } from '../helpers/snapshot.js';
import { lagging } from './helpers.js';

type Route = (url: string) => { status: number; body: unknown } | Error;

function fakeFetch(route: Route): { fetchImpl: typeof fetch; urls: string[] } {
  const urls: string[] = [];
  const fetchImpl = (async (input: string | URL | Request) => {
    const url = String(input);
    urls.push(url);
    const r = route(url);
    if (r instanceof Error) throw r;
    return new Response(typeof r.body === 'string' ? r.body : JSON.stringify(r.body), { status: r.status });
  }) as typeof fetch;
  return { fetchImpl, urls };
}

describe('httpFlowSource', () => {
  const snapshot = makeSnapshot({ flows: [lagging([4, 0])] });
  const detail = flowDetailView(snapshot, snapshot.flows[0]!);

  it('reads the flow detail and the flow bounds from a running mirrorwatch', async () => {
    const { fetchImpl, urls } = fakeFetch((url) =>
      url.endsWith('/config')
        ? { status: 200, body: { flows: [{ source: 'us-east', target: 'us-west', maxLagRecords: 5, maxHeartbeatAgeSeconds: 45, groups: ['billing'] }], regions: [{ topic: 'orders', partition: 0, region: 'r1' }] } }
        : { status: 200, body: detail },
    );
    const source = httpFlowSource('http://mw:9467', { source: 'us-east', target: 'us-west' }, { fetchImpl });
    const r = await source.read();
    expect(urls[0]).toBe('http://mw:9467/api/v1/flows/us-east/us-west');
    expect(r.flow.totals.lagRecords).toBe(4);
    expect(r.flow.topics[0]?.partitions[0]?.lagRecords).toBe(4);
    expect(r.takenAtMs).toBe(T0);
    expect(r.limits).toEqual({ maxLagRecords: 5, maxHeartbeatAgeSeconds: 45, groups: ['billing'] });
    expect(r.regions).toEqual([{ topic: 'orders', partition: 0, region: 'r1' }]);
    expect(r.clusters.map((c) => c.alias)).toEqual(['us-east', 'us-west']);
    await source.read();
    expect(urls.filter((u) => u.endsWith('/config'))).toHaveLength(1);
  });

  it('turns 404 into a usage error and 503 or a dead daemon into read errors', async () => {
    const ref = { source: 'us-east', target: 'nope' };
    const notFound = fakeFetch(() => ({ status: 404, body: { message: 'unknown flow us-east->nope; known flows: us-east->us-west' } }));
    await expect(httpFlowSource('http://mw', ref, notFound).read()).rejects.toThrow(UsageError);
    await expect(httpFlowSource('http://mw', ref, notFound).read()).rejects.toThrow(/known flows: us-east->us-west/);
    const early = fakeFetch(() => ({ status: 503, body: { message: 'no snapshot yet' } }));
    await expect(httpFlowSource('http://mw', ref, early).read()).rejects.toThrow(/first poll cycle has not finished/);
    const dead = fakeFetch(() => new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9467') }));
    const err = await httpFlowSource('http://mw', ref, dead).read().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReadError);
    expect((err as Error).message).toBe('cannot reach mirrorwatch at http://mw (fetch failed: connect ECONNREFUSED 127.0.0.1:9467)');
    const html = fakeFetch(() => ({ status: 200, body: '<html>' }));
    await expect(httpFlowSource('http://mw', ref, html).read()).rejects.toThrow(/not JSON/);
  });
});

describe('refineLagSeconds', () => {
  it('dates each lagging partition by its first uncopied record, fetched at the replicated offset', async () => {
    const flow = makeFlow(lagging([10, 0, 5]));
    const asked: FetchRequest[] = [];
    const port = {
      async fetch(requests: FetchRequest[]): Promise<FetchResult[]> {
        asked.push(...requests);
        return requests.map((r) => ({
          topic: r.topic,
          partition: r.partition,
          records: r.partition === 0 ? [{ offset: r.offset, timestamp: T0 - 42_000, key: null, value: null }] : [],
          nextOffset: r.offset + 1,
          highWatermark: 1000,
          error: r.partition === 2 ? 'NOT_LEADER_OR_FOLLOWER' : null,
          errorKind: r.partition === 2 ? ('kafka' as const) : null,
        }));
      },
    };
    const refined = await refineLagSeconds(flow, port, T0);
    expect(asked.map((r) => [r.partition, r.offset])).toEqual([
      [0, 990],
      [2, 995],
    ]);
    const ps = refined.topics[0]!.partitions;
    expect(ps[0]?.lagSeconds).toBe(42);
    expect(ps[1]?.lagSeconds).toBe(0);
    expect(ps[2]?.lagSeconds).toBe(0.5); // unchanged: the fetch failed
    expect(refined.totals.maxLagSeconds).toBe(42);
    expect(refined.failover.rpo.seconds).toBe(42);
  });

  it('fetches nothing when nothing lags', async () => {
    const flow = makeFlow(lagging([0, 0]));
    const port = { fetch: async () => Promise.reject(new Error('must not be called')) };
    expect(await refineLagSeconds(flow, port, T0)).toBe(flow);
  });
});
