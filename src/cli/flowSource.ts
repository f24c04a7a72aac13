// Where the runbook commands get a flow's figures from: the clusters themselves (-c FILE: the same
// Monitor the daemon runs, polled on demand) or a running mirrorwatch (--url: its JSON API). Both
// yield the same FlowReading, so lag, wait and verify do not care which.
import { DEFAULTS } from '../config/defaults.js';
import type { ClusterConfig, FlowConfig, FlowStatus, MirrorwatchConfig, PartitionRegion, PartitionStatus } from '../core/types.js';
import { createKafkajsPort } from '../kafka/kafkajsPort.js';
import type { KafkaPort, KafkaPortFactory } from '../kafka/port.js';
import type { Logger } from '../log.js';
import { Monitor } from '../poller/monitor.js';
import type { Telemetry } from '../core/telemetry.js';
import { UsageError, type FlowRef } from './args.js';

/** Failover bounds of the flow, when the source knows them. */
export interface FlowLimits {
  maxLagRecords: number | null;
  maxHeartbeatAgeSeconds: number | null;
  groups: string[];
}

export interface FlowReading {
  flow: FlowStatus;
  /** When the figures were computed (epoch ms). */
  takenAtMs: number;
  clusters: { alias: string; up: boolean; lastError: string | null }[];
  limits: FlowLimits;
  regions: PartitionRegion[];
  /**
   * 'record-timestamp': lag seconds of lagging partitions come from the timestamp of the first
   * record not yet copied (exact); 'window': from the end-offset window (about one poll interval).
   */
  lagSecondsBasis: 'record-timestamp' | 'window';
}

export interface FlowSource {
  /** "clusters us-east, us-west" or the URL, for messages. */
  readonly origin: string;
  read(): Promise<FlowReading>;
  close(): Promise<void>;
}

/** The flow could not be read (cluster unreachable, daemon down or not ready): exit 1, not 2. */
export class ReadError extends Error {
  override readonly name = 'ReadError';
}

const flowName = (f: FlowRef): string => `${f.source}->${f.target}`;

function findFlow(config: MirrorwatchConfig, ref: FlowRef): FlowConfig {
  const flow = config.flows.find((f) => f.source === ref.source && f.target === ref.target);
  const d = config.discovery;
  if (!flow && d && [ref.source, ref.target].every((a) => config.clusters.some((c) => c.alias === a))) {
    // flows: discover: any pair of configured clusters, watched as the daemon watches a discovered flow.
    return { source: ref.source, target: ref.target, topics: [...d.topics], topicsExclude: [...d.topicsExclude], heartbeatsExpected: true, heartbeatsAuto: true, offsetSyncsTopicLocation: 'source', groups: [], maxLagRecords: DEFAULTS.maxLagRecords, maxHeartbeatAgeSeconds: DEFAULTS.maxHeartbeatAgeSeconds };
  }
  if (!flow && d) throw new UsageError(`flow ${flowName(ref)}: ${config.file} has flows: discover, which watches pairs of its clusters (${config.clusters.map((c) => c.alias).join(', ')})`);
  if (!flow) {
    const known = config.flows.map(flowName).join(', ') || 'none';
    throw new UsageError(`flow ${flowName(ref)} is not in ${config.file} (its flows: ${known})`);
  }
  return flow;
}

const NO_TELEMETRY: Telemetry = { kafkaRequest() {}, pollError() {}, decodeError() {} };

export interface ConfigSourceOptions {
  logger: Logger;
  portFactory?: KafkaPortFactory;
  /** Date lagging partitions from the first uncopied record's timestamp (one Fetch per read). */
  recordTimestamps?: boolean;
  now?: () => number;
}

/** Polls the flow's two clusters directly, only what this flow needs. */
export function configFlowSource(config: MirrorwatchConfig, ref: FlowRef, options: ConfigSourceOptions): FlowSource {
  const flow = findFlow(config, ref);
  const clusters = config.clusters.filter((c) => c.alias === flow.source || c.alias === flow.target);
  const ports = new Map<string, KafkaPort>();
  const factory = options.portFactory ?? createKafkajsPort;
  const now = options.now ?? Date.now;
  const monitor = new Monitor({
    config: { ...config, clusters, flows: [flow] },
    portFactory: (cluster: ClusterConfig, deps) => {
      const port = factory(cluster, deps);
      ports.set(cluster.alias, port);
      return port;
    },
    logger: options.logger,
    telemetry: NO_TELEMETRY,
    now,
  });
  let reads = 0;
  return {
    origin: `clusters ${clusters.map((c) => c.alias).join(' and ')}`,
    async read() {
      // The first poll reads MM2's topics from the beginning; a second one adds the committed
      // offsets of the groups that poll found checkpoints for, and a second lag-window sample.
      let snapshot = await monitor.pollOnce();
      if (reads++ === 0) snapshot = await monitor.pollOnce();
      const status = snapshot.flows[0];
      if (!status) throw new ReadError(`flow ${flowName(ref)} is missing from the snapshot`);
      const unread = snapshot.clusters.filter((c) => c.lastSuccessMs === null);
      if (unread.length > 0) {
        throw new ReadError(unread.map((c) => `cannot read cluster ${c.alias}: ${c.lastError ?? 'not polled'}`).join('; '));
      }
      let result = status;
      let basis: FlowReading['lagSecondsBasis'] = 'window';
      if (options.recordTimestamps !== false) {
        const port = ports.get(flow.source);
        if (port) {
          const refined = await refineLagSeconds(status, port, now()).catch(() => null);
          if (refined) {
            result = refined;
            basis = 'record-timestamp';
          }
        }
      }
      return {
        flow: result,
        takenAtMs: snapshot.takenAtMs,
        clusters: snapshot.clusters.map((c) => ({ alias: c.alias, up: c.up, lastError: c.lastError })),
        limits: { maxLagRecords: flow.maxLagRecords, maxHeartbeatAgeSeconds: flow.maxHeartbeatAgeSeconds, groups: [...flow.groups] },
        regions: config.regions ?? [],
        lagSecondsBasis: basis,
      };
    },
    close: () => monitor.stop(1000),
  };
}

const TIMESTAMP_FETCH_BYTES = 64 * 1024;

/**
 * Lag seconds of every lagging partition from the append time of its first uncopied record. A
 * one-shot command has no end-offset history to interpolate, so this is its only exact figure.
 */
export async function refineLagSeconds(status: FlowStatus, port: Pick<KafkaPort, 'fetch'>, nowMs: number): Promise<FlowStatus> {
  const lagging: PartitionStatus[] = [];
  for (const t of status.topics) for (const p of t.partitions) if (p.replicated !== null && (p.lagRecords ?? 0) > 0) lagging.push(p);
  if (lagging.length === 0) return status;
  const results = await port.fetch(
    lagging.map((p) => ({ topic: p.topic, partition: p.partition, offset: Math.max(p.replicated ?? 0, p.sourceStart), maxBytes: TIMESTAMP_FETCH_BYTES })),
  );
  const appended = new Map<string, number>();
  for (const r of results) {
    const first = r.records[0];
    if (r.error === null && first && Number.isFinite(first.timestamp) && first.timestamp > 0) appended.set(`${r.topic}\u0000${r.partition}`, first.timestamp);
  }
  let maxSeconds: number | null = status.totals.maxLagSeconds;
  const topics = status.topics.map((t) => ({
    ...t,
    partitions: t.partitions.map((p) => {
      const ts = appended.get(`${p.topic}\u0000${p.partition}`);
      if (ts === undefined) return p;
      const lagSeconds = Math.max(0, nowMs - ts) / 1000;
      maxSeconds = Math.max(maxSeconds ?? 0, lagSeconds);
      return { ...p, lagSeconds };
    }),
  }));
  const rpo = status.failover.rpo;
  return {
    ...status,
    topics,
    totals: { ...status.totals, maxLagSeconds: maxSeconds },
    failover: { ...status.failover, rpo: { ...rpo, seconds: rpo.seconds === null ? null : Math.max(rpo.seconds, maxSeconds ?? 0) } },
  };
}

export interface HttpSourceOptions {
  fetchImpl?: typeof fetch;
  /** Per request (default 10 s). */
  timeoutMs?: number;
}

interface ApiFlowDetail {
  snapshot?: { takenAtMs?: number };
  source: string;
  target: string;
  known: boolean;
  totals: FlowStatus['totals'];
  heartbeat: FlowStatus['heartbeat'];
  failover: FlowStatus['failover'];
  clusters?: { alias: string; up: boolean; lastError: string | null }[];
  topics: FlowStatus['topics'];
  checkpoints: FlowStatus['checkpoints'];
}

function isApiFlowDetail(v: unknown): v is ApiFlowDetail {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.source === 'string' && typeof o.target === 'string' && Array.isArray(o.topics) && typeof o.totals === 'object' && typeof o.failover === 'object' && typeof o.heartbeat === 'object';
}

/** Reads a running mirrorwatch's /api/v1/flows/S/T (and its /api/v1/config once, for the bounds). */
export function httpFlowSource(baseUrl: string, ref: FlowRef, options: HttpSourceOptions = {}): FlowSource {
  const doFetch = options.fetchImpl ?? fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const flowUrl = `${baseUrl}/api/v1/flows/${encodeURIComponent(ref.source)}/${encodeURIComponent(ref.target)}`;
  let limits: FlowLimits | null = null;
  let regions: PartitionRegion[] = [];

  const get = async (url: string): Promise<{ status: number; body: unknown }> => {
    let res: Response;
    try {
      res = await doFetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
    } catch (err) {
      const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
      throw new ReadError(`cannot reach mirrorwatch at ${baseUrl} (${err instanceof Error ? err.message : String(err)}${cause})`);
    }
    const text = await res.text();
    let body: unknown = null;
    try {
      body = text === '' ? null : JSON.parse(text);
    } catch {
      throw new ReadError(`${url} answered ${res.status} with something that is not JSON: is ${baseUrl} a mirrorwatch?`);
    }
    return { status: res.status, body };
  };

  const loadLimits = async (): Promise<void> => {
    if (limits) return;
    limits = { maxLagRecords: null, maxHeartbeatAgeSeconds: null, groups: [] };
    try {
      const { status, body } = await get(`${baseUrl}/api/v1/config`);
      if (status !== 200 || typeof body !== 'object' || body === null) return;
      const cfg = body as { flows?: Partial<FlowConfig>[]; regions?: PartitionRegion[] };
      const f = cfg.flows?.find((x) => x.source === ref.source && x.target === ref.target);
      if (f) {
        limits = {
          maxLagRecords: typeof f.maxLagRecords === 'number' ? f.maxLagRecords : null,
          maxHeartbeatAgeSeconds: typeof f.maxHeartbeatAgeSeconds === 'number' ? f.maxHeartbeatAgeSeconds : null,
          groups: Array.isArray(f.groups) ? f.groups.filter((g): g is string => typeof g === 'string') : [],
        };
      }
      if (Array.isArray(cfg.regions)) regions = cfg.regions;
    } catch {
      // Bounds are a nicety: without them the commands use their own defaults.
    }
  };

  return {
    origin: baseUrl,
    async read() {
      const { status, body } = await get(flowUrl);
      if (status === 404) {
        const msg = typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string' ? (body as { message: string }).message : `unknown flow ${flowName(ref)}`;
        throw new UsageError(`${baseUrl}: ${msg}`);
      }
      if (status === 503) throw new ReadError(`${baseUrl} has no figures yet: its first poll cycle has not finished`);
      if (status !== 200 || !isApiFlowDetail(body)) throw new ReadError(`${flowUrl} answered ${status} with an unexpected body`);
      const shard = (body as { shard?: { index?: unknown; count?: unknown } }).shard;
      if (shard && typeof shard.count === 'number' && shard.count > 1) {
        // A shard's figures cover its own topics: a verdict from them would be about part of the flow.
        throw new UsageError(
          `${baseUrl} is shard ${String(shard.index)} of ${shard.count} and watches part of ${flowName(ref)} only: ask an unsharded mirrorwatch, or use -c to poll the clusters directly`,
        );
      }
      await loadLimits();
      const flow: FlowStatus = {
        source: body.source,
        target: body.target,
        known: body.known,
        topics: body.topics,
        heartbeat: body.heartbeat,
        checkpoints: Array.isArray(body.checkpoints) ? body.checkpoints : [],
        totals: body.totals,
        failover: body.failover,
      };
      return {
        flow,
        takenAtMs: typeof body.snapshot?.takenAtMs === 'number' ? body.snapshot.takenAtMs : Date.now(),
        clusters: (body.clusters ?? []).map((c) => ({ alias: c.alias, up: c.up, lastError: c.lastError })),
        limits: limits ?? { maxLagRecords: null, maxHeartbeatAgeSeconds: null, groups: [] },
        regions,
        lagSecondsBasis: 'window',
      };
    },
    async close() {},
  };
}
