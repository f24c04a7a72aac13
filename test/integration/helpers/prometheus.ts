// A real Prometheus (Debian's `prometheus` package) for integration tests: started on a free
// loopback port with a configuration written for the test (scrape job "mirrorwatch", rule files,
// an Alertmanager), stopped by the harness teardown, and read through its HTTP API the way Grafana
// and an operator read it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { newRunDir } from '../../harness/paths.js';
import { requireBinary, startHttpService } from './externalProcess.js';
import type { ExternalProcess } from './externalProcess.js';

export interface PrometheusOptions {
  /** host:port of the mirrorwatch instances, scraped as job "mirrorwatch" (the alert rules expect that name). */
  mirrorwatchTargets: string[];
  /** Rule files to load: file name -> YAML text (written into the run directory). */
  ruleFiles: Record<string, string>;
  /** host:port of the Alertmanagers to send alerts to. */
  alertmanagers?: string[];
  /** Default "1s". */
  scrapeInterval?: string;
  /** Default "1s". */
  evaluationInterval?: string;
  /** Run directory name suffix (default "prometheus"). */
  name?: string;
}

export type PromSample = { metric: Record<string, string>; value: [number, string] };

/** The `data` of an instant query. */
export type QueryData =
  | { resultType: 'vector'; result: PromSample[] }
  | { resultType: 'scalar' | 'string'; result: [number, string] }
  | { resultType: 'matrix'; result: { metric: Record<string, string>; values: [number, string][] }[] };

export interface PromAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing' | 'inactive';
  activeAt?: string;
  value: string;
}

export interface PromRuleGroup {
  name: string;
  file: string;
  rules: { type: 'alerting' | 'recording'; name: string; health: string; lastError?: string; state?: string; duration?: number; query: string }[];
}

export interface RunningPrometheus {
  /** `http://127.0.0.1:<port>` */
  url: string;
  dir: string;
  configFile: string;
  logFile: string;
  process: ExternalProcess;
  /** Instant query at "now"; throws with Prometheus's error text when the query fails. */
  query(expr: string): Promise<QueryData>;
  /** Active (pending and firing) alerts, from /api/v1/alerts. */
  alerts(): Promise<PromAlert[]>;
  /** Loaded rule groups with their health, from /api/v1/rules. */
  rules(): Promise<PromRuleGroup[]>;
  stop(): Promise<void>;
}

export function prometheusBinary(): string {
  return requireBinary('PROMETHEUS', ['prometheus'], 'prometheus');
}

/** The prometheus.yml a test Prometheus runs with (rule files by absolute path). */
export function prometheusConfigYaml(opts: PrometheusOptions, ruleFilePaths: readonly string[]): string {
  const interval = opts.scrapeInterval ?? '1s';
  const config = {
    global: {
      scrape_interval: interval,
      // Must not exceed the scrape interval; mirrorwatch renders its latest snapshot without
      // waiting on Kafka, so a scrape takes milliseconds.
      scrape_timeout: interval,
      evaluation_interval: opts.evaluationInterval ?? '1s',
    },
    rule_files: [...ruleFilePaths],
    ...(opts.alertmanagers?.length ? { alerting: { alertmanagers: [{ static_configs: [{ targets: opts.alertmanagers }] }] } } : {}),
    scrape_configs: [{ job_name: 'mirrorwatch', static_configs: [{ targets: opts.mirrorwatchTargets }] }],
  };
  return yaml.dump(config, { lineWidth: -1 });
}

interface ApiEnvelope<T> {
  status: 'success' | 'error';
  data?: T;
  errorType?: string;
  error?: string;
}

async function api<T>(baseUrl: string, path: string): Promise<T> {
  const res = await fetch(`${baseUrl}${path}`, { signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  let body: ApiEnvelope<T>;
  try {
    body = JSON.parse(text) as ApiEnvelope<T>;
  } catch {
    throw new Error(`GET ${path} answered ${res.status} with no JSON: ${text.slice(0, 300)}`);
  }
  if (body.status !== 'success' || body.data === undefined) {
    throw new Error(`GET ${path} answered ${res.status}: ${body.errorType ?? 'error'}: ${body.error ?? text.slice(0, 300)}`);
  }
  return body.data;
}

export function promQuery(baseUrl: string, expr: string): Promise<QueryData> {
  return api<QueryData>(baseUrl, `/api/v1/query?query=${encodeURIComponent(expr)}`);
}

/** A query result a panel would draw something from: a non-empty vector or matrix, or a scalar. */
export function hasData(data: QueryData): boolean {
  if (data.resultType === 'scalar' || data.resultType === 'string') return true;
  return data.result.length > 0;
}

/** Number values of a vector result (NaN for anything else), for messages and thresholds. */
export function vectorValues(data: QueryData): { labels: Record<string, string>; value: number }[] {
  if (data.resultType !== 'vector') return [];
  return data.result.map((s) => ({ labels: s.metric, value: Number(s.value[1]) }));
}

export async function startPrometheus(opts: PrometheusOptions): Promise<RunningPrometheus> {
  const command = prometheusBinary();
  const dir = newRunDir(opts.name ?? 'prometheus');
  const ruleFilePaths = Object.entries(opts.ruleFiles).map(([name, text]) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  });
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(configFile, prometheusConfigYaml(opts, ruleFilePaths));
  const logFile = join(dir, 'prometheus.log');
  const service = await startHttpService({
    name: 'prometheus',
    command,
    args: (port) => [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // No console templates in a test; Debian's defaults point at /etc/prometheus.
      `--web.console.templates=${dir}`,
      `--web.console.libraries=${dir}`,
    ],
    dir,
    logFile,
    marker: `--config.file=${configFile}`,
    readyPath: '/-/ready',
  });
  const { url } = service;
  return {
    url,
    dir,
    configFile,
    logFile,
    process: service.process,
    query: (expr) => promQuery(url, expr),
    alerts: async () => (await api<{ alerts: PromAlert[] }>(url, '/api/v1/alerts')).alerts,
    rules: async () => (await api<{ groups: PromRuleGroup[] }>(url, '/api/v1/rules')).groups,
    stop: () => service.process.stop(),
  };
}
