// Reading mirrorwatch's figures the way its users do: /metrics through a Prometheus text parser
// and the JSON API over HTTP. readFlow() takes both from the same snapshot, so a test can demand
// that they agree exactly.
import type { flowDetailView, flowsView, failoverView } from '../../../src/http/views.js';
import { parseExposition, select } from '../../unit/metrics/parse-exposition.js';
import type { Exposition, Sample } from '../../unit/metrics/parse-exposition.js';

export type { Exposition, Sample };
export { parseExposition, select };

// The JSON shapes are the views' return types (plain data, so JSON keeps them as they are).
export type FlowsResponse = ReturnType<typeof flowsView>;
export type FlowDetailResponse = ReturnType<typeof flowDetailView>;
export type FailoverResponse = ReturnType<typeof failoverView>;

export interface Scrape {
  exposition: Exposition;
  text: string;
  /** Wall time of the request, ms. */
  ms: number;
}

async function get(url: string, timeoutMs: number): Promise<{ status: number; body: string; ms: number }> {
  const started = performance.now();
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  const body = await res.text();
  return { status: res.status, body, ms: performance.now() - started };
}

export async function scrapeMetrics(baseUrl: string, timeoutMs = 5000): Promise<Scrape> {
  const { status, body, ms } = await get(`${baseUrl}/metrics`, timeoutMs);
  if (status !== 200) throw new Error(`GET /metrics answered ${status}: ${body.slice(0, 500)}`);
  return { exposition: parseExposition(body), text: body, ms };
}

export async function getJson<T>(baseUrl: string, path: string, timeoutMs = 5000): Promise<{ status: number; body: T }> {
  const { status, body } = await get(`${baseUrl}${path}`, timeoutMs);
  try {
    return { status, body: JSON.parse(body) as T };
  } catch {
    throw new Error(`GET ${path} answered ${status} with no JSON: ${body.slice(0, 500)}`);
  }
}

/** The value of the one series `name` whose labels include `labels`; undefined when absent. */
export function gauge(exp: Exposition, name: string, labels: Record<string, string> = {}): number | undefined {
  const found = select(exp, name, labels);
  if (found.length > 1) throw new Error(`${found.length} series ${name}${JSON.stringify(labels)}, expected at most one`);
  return found[0]?.value;
}

export const tp = (topic: string, partition: number | string): string => `${topic}/${partition}`;

/** Figures of one flow, from /metrics and the JSON API of the same snapshot. */
export interface FlowFigures {
  /** Snapshot both were rendered from. */
  sequence: number;
  takenAtMs: number;
  /** "topic/partition" -> mm2_replication_lag_records (absent: no series). */
  metricLag: Record<string, number>;
  /** "topic/partition" -> lagRecords from /api/v1/flows/:s/:t. */
  apiLag: Record<string, number | null>;
  /** "topic/partition" -> basis of `replicated`. */
  basis: Record<string, string>;
  /** "topic/partition" -> source end offset, from the API. */
  sourceEnd: Record<string, number>;
  /** Source topics the API lists for the flow, sorted. */
  apiTopics: string[];
  /** Source topics with any series in /metrics for the flow, sorted. */
  metricTopics: string[];
  /** topic -> mm2_remote_topic_missing. */
  remoteMissing: Record<string, number>;
  heartbeatAgeMetric: number | undefined;
  heartbeatAgeApi: number | null;
  /** alias -> mirrorwatch_cluster_up. */
  clusterUp: Record<string, number>;
  /** alias -> mirrorwatch_last_poll_success_timestamp_seconds. */
  lastSuccess: Record<string, number>;
  failoverReady: boolean;
  detail: FlowDetailResponse;
  exposition: Exposition;
}

function flowSeries(exp: Exposition, name: string, source: string, target: string): Sample[] {
  return select(exp, name, { source, target });
}

/**
 * Reads the flow's detail and /metrics until both come from one snapshot (the detail's takenAtMs
 * equals mirrorwatch_snapshot_timestamp_seconds), so that their figures can be compared exactly.
 */
export async function readFlow(baseUrl: string, source: string, target: string, topics?: readonly string[]): Promise<FlowFigures> {
  const path = `/api/v1/flows/${encodeURIComponent(source)}/${encodeURIComponent(target)}`;
  for (let attempt = 1; ; attempt++) {
    const { status, body: detail } = await getJson<FlowDetailResponse>(baseUrl, path);
    if (status !== 200) throw new Error(`GET ${path} answered ${status}: ${JSON.stringify(detail)}`);
    const { exposition } = await scrapeMetrics(baseUrl);
    const stamp = gauge(exposition, 'mirrorwatch_snapshot_timestamp_seconds');
    if (stamp !== detail.snapshot.takenAtMs / 1000) {
      // A new snapshot was published between the two requests (one per poll of either cluster).
      if (attempt < 10) continue;
      throw new Error(`/metrics and ${path} never showed the same snapshot in ${attempt} tries`);
    }
    const wanted = (topic: string): boolean => topics === undefined || topics.includes(topic);
    const figures: FlowFigures = {
      sequence: detail.snapshot.sequence,
      takenAtMs: detail.snapshot.takenAtMs,
      metricLag: {},
      apiLag: {},
      basis: {},
      sourceEnd: {},
      apiTopics: detail.topics.map((t) => t.topic).sort(),
      metricTopics: [
        ...new Set(
          exposition.samples
            .filter((s) => s.name.startsWith('mm2_') && s.labels.source === source && s.labels.target === target && s.labels.topic !== undefined)
            .map((s) => s.labels.topic ?? ''),
        ),
      ].sort(),
      remoteMissing: {},
      heartbeatAgeMetric: gauge(exposition, 'mm2_heartbeat_age_seconds', { source, target }),
      heartbeatAgeApi: detail.heartbeat.ageSeconds,
      clusterUp: {},
      lastSuccess: {},
      failoverReady: detail.failover.ready,
      detail,
      exposition,
    };
    for (const s of flowSeries(exposition, 'mm2_replication_lag_records', source, target)) {
      const topic = s.labels.topic ?? '';
      if (wanted(topic)) figures.metricLag[tp(topic, s.labels.partition ?? '?')] = s.value;
    }
    for (const s of flowSeries(exposition, 'mm2_remote_topic_missing', source, target)) {
      const topic = s.labels.topic ?? '';
      if (wanted(topic)) figures.remoteMissing[topic] = s.value;
    }
    for (const t of detail.topics) {
      if (!wanted(t.topic)) continue;
      for (const p of t.partitions) {
        const key = tp(t.topic, p.partition);
        figures.apiLag[key] = p.lagRecords;
        figures.basis[key] = p.basis;
        figures.sourceEnd[key] = p.sourceEnd;
      }
    }
    for (const s of select(exposition, 'mirrorwatch_cluster_up')) figures.clusterUp[s.labels.cluster ?? '?'] = s.value;
    for (const s of select(exposition, 'mirrorwatch_last_poll_success_timestamp_seconds')) {
      figures.lastSuccess[s.labels.cluster ?? '?'] = s.value;
    }
    return figures;
  }
}

/** The figures a failing wait prints: enough to see what was wrong, without the whole exposition. */
export function summary(f: FlowFigures): Record<string, unknown> {
  return {
    sequence: f.sequence,
    takenAt: new Date(f.takenAtMs).toISOString(),
    metricLag: f.metricLag,
    apiLag: f.apiLag,
    basis: f.basis,
    sourceEnd: f.sourceEnd,
    apiTopics: f.apiTopics,
    remoteMissing: f.remoteMissing,
    heartbeatAge: { metric: f.heartbeatAgeMetric, api: f.heartbeatAgeApi },
    clusterUp: f.clusterUp,
    lastSuccess: f.lastSuccess,
    clusters: f.detail.clusters.map((c) => ({ alias: c.alias, up: c.up, lastError: c.lastError })),
    failover: f.detail.failover,
  };
}

/** Every key of `expected` has exactly that value in `actual`, and `actual` has no other key. */
export function sameFigures(actual: Record<string, number | null>, expected: Record<string, number>): boolean {
  const a = Object.keys(actual).sort();
  const e = Object.keys(expected).sort();
  return a.length === e.length && a.every((k, i) => k === e[i] && actual[k] === expected[k]);
}
