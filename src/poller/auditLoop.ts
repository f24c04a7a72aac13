// The daemon's count audit: one CountAuditor per flow, run on a timer of its own, fed with the
// flow's partitions from the latest snapshot (topics present on both clusters). Results go to the
// metrics (onResults) and are kept for the JSON API: totals per topic, the last decided bucket,
// the partitions it could not judge and why, and the recent buckets with their findings.
import type { AuditTotals } from '../core/countAudit.js';
import { addVerdict, emptyTotals } from '../core/countAudit.js';
import type { AuditConfig, FlowConfig, MirrorwatchConfig, Snapshot } from '../core/types.js';
import type { Telemetry } from '../core/telemetry.js';
import type { KafkaPort, KafkaPortFactory } from '../kafka/port.js';
import type { Logger } from '../log.js';
import { GoneTopics } from '../core/goneTopics.js';
import { AuditReadError, CountAuditor } from './countAuditor.js';
import type { AuditPort, AuditedPartition, BucketResult, LogEnds, PartitionVerdict } from './countAuditor.js';
import { TopicPartitionMap } from '../kafka/topicPartitionMap.js';
import { TopicConfigCache, auditExclusions } from './topicConfigCache.js';
import type { ConfigUnknown } from './topicConfigCache.js';

/** Buckets kept per flow for the API. */
const RECENT_BUCKETS = 60;
/** Partition verdicts kept per recent bucket: the non-clean ones, up to this many. */
const KEPT_VERDICTS = 200;

export interface AuditBucketView {
  start: string;
  end: string;
  totals: AuditTotals;
  /** Partitions with findings or not judged (clean ones left out). */
  findings: PartitionVerdict[];
  findingsLeftOut: number;
}

export interface AuditFlowView {
  source: string;
  target: string;
  bucketSeconds: number;
  settleSeconds: number;
  /** First bucket start and last bucket end decided since start, ISO; null before the first. */
  auditedFrom: string | null;
  auditedTo: string | null;
  pendingBuckets: number;
  /** Since start, per source topic. */
  topics: Record<string, AuditTotals>;
  totals: AuditTotals;
  lastBucket: AuditBucketView | null;
  /** Partitions of the last decided bucket that could not be judged. */
  notJudged: { topic: string; partition: number; reason: string; detail: string }[];
  recentBuckets: AuditBucketView[];
  /** Topics whose configs could not be read (DescribeConfigs refused or failed): judged, but a compacted or LogAppendTime topic would go unnoticed. */
  configsUnknown: ConfigUnknown[];
  lastError: string | null;
}

export interface AuditView {
  enabled: boolean;
  flows: AuditFlowView[];
}

export interface AuditLoopOptions {
  config: MirrorwatchConfig;
  audit: AuditConfig;
  portFactory: KafkaPortFactory;
  logger: Logger;
  telemetry: Telemetry;
  getSnapshot: () => Snapshot | null;
  /** Called with each flow's newly decided buckets, oldest first (and how many topic configs are unknown). */
  onResults?: (flow: FlowConfig, results: BucketResult[], pendingBuckets: number, configsUnknown: number) => void;
  now?: () => number;
}

interface FlowAudit {
  flow: FlowConfig;
  auditor: CountAuditor;
  topics: Map<string, AuditTotals>;
  /** Topics of `topics` that left the flow (deleted): their totals go, the flow's totals keep them. */
  goneTopics: GoneTopics;
  totals: AuditTotals;
  recent: AuditBucketView[];
  notJudged: AuditFlowView['notJudged'];
  configsUnknown: ConfigUnknown[];
  lastError: string | null;
}

const iso = (ms: number): string => new Date(ms).toISOString();

function bucketView(b: BucketResult): AuditBucketView {
  const notable = b.partitions.filter((p) => p.verdict.kind !== 'judged' || p.verdict.missing > 0 || p.verdict.duplicated > 0);
  return { start: iso(b.startMs), end: iso(b.endMs), totals: b.totals, findings: notable.slice(0, KEPT_VERDICTS), findingsLeftOut: Math.max(0, notable.length - KEPT_VERDICTS) };
}

/** The flow's partitions worth auditing: those of topics present on both clusters. */
export function auditedPartitions(snapshot: Snapshot | null, flow: FlowConfig): AuditedPartition[] {
  const status = snapshot?.flows.find((f) => f.source === flow.source && f.target === flow.target);
  if (!status) return [];
  return status.topics.flatMap((t) =>
    t.remoteMissing ? [] : t.partitions.filter((p) => p.partition < (t.targetPartitions ?? 0)).map((p) => ({ topic: t.topic, remoteTopic: t.remoteTopic, partition: p.partition })),
  );
}

/**
 * Log starts and ends of each cluster from the latest poll, when that poll is recent: the audit
 * then asks only for its boundaries (a poll has just read these, no need to ask again).
 */
export function snapshotLogEnds(snapshot: Snapshot | null, nowMs: number, maxAgeMs: number): Map<string, LogEnds> {
  const out = new Map<string, LogEnds>();
  for (const c of snapshot?.clusters ?? []) {
    if (!c.up || c.lastSuccessMs === null || nowMs - c.lastSuccessMs > maxAgeMs) continue;
    const m: LogEnds = new TopicPartitionMap();
    for (const p of c.partitions) m.set(p, { start: p.start, end: p.end });
    out.set(c.alias, m);
  }
  return out;
}

export class AuditLoop {
  private readonly ports = new Map<string, KafkaPort>();
  /** Topic configs per cluster, shared by the flows that read it. */
  private readonly configs = new Map<string, TopicConfigCache>();
  private flows: FlowAudit[];
  private readonly portOf: (alias: string) => AuditPort;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private readonly now: () => number;

  constructor(private readonly options: AuditLoopOptions) {
    this.now = options.now ?? Date.now;
    const open = (alias: string): KafkaPort => {
      let port = this.ports.get(alias);
      if (!port) {
        const cluster = options.config.clusters.find((c) => c.alias === alias);
        if (!cluster) throw new Error(`no cluster ${alias}`);
        port = options.portFactory(cluster, { logger: options.logger.child({ cluster: alias, component: 'audit' }), telemetry: options.telemetry });
        this.ports.set(alias, port);
      }
      return port;
    };
    // Connections are opened by the first bucket that settles, not at start.
    this.portOf = (alias: string): AuditPort => ({
      fetchOffsets: (q) => open(alias).fetchOffsets(q),
      fetchOffsetsForTimes: (q) => open(alias).fetchOffsetsForTimes(q),
      fetch: (q) => open(alias).fetch(q),
    });
    for (const c of options.config.clusters) this.configs.set(c.alias, new TopicConfigCache({ describeTopicConfigs: (t, k) => open(c.alias).describeTopicConfigs(t, k) }, this.now));
    this.flows = options.config.flows.map((flow) => this.flowAudit(flow));
  }

  /**
   * Replaces the audited flows while running (`flows: discover`): a flow in both sets keeps its
   * auditor and totals; a new one starts auditing from the next settled bucket; a flow that left
   * is no longer audited or shown.
   */
  setFlows(flows: readonly FlowConfig[]): void {
    const key = (f: FlowConfig): string => `${f.source}->${f.target}`;
    const known = new Map(this.flows.map((f) => [key(f.flow), f]));
    this.flows = flows.map((flow) => {
      const kept = known.get(key(flow));
      if (!kept) return this.flowAudit(flow);
      kept.flow = flow;
      return kept;
    });
  }

  private flowAudit(flow: FlowConfig): FlowAudit {
    const a = this.options.audit;
    return {
      flow,
      auditor: new CountAuditor({
        source: this.portOf(flow.source),
        target: this.portOf(flow.target),
        bucketMs: a.bucketMs,
        settleMs: a.settleMs,
        judgeAfterMs: a.judgeAfterMs,
        countMaxOffsets: a.countMaxOffsets,
        now: this.now,
      }),
      topics: new Map(),
      goneTopics: new GoneTopics(),
      totals: emptyTotals(),
      recent: [],
      notJudged: [],
      configsUnknown: [],
      lastError: null,
    };
  }

  /** Time between audit cycles: a fraction of a bucket, so a bucket is read soon after it settles. */
  get intervalMs(): number {
    return Math.min(30_000, Math.max(1000, Math.floor(this.options.audit.bucketMs / 4)));
  }

  start(): void {
    const tick = (): void => {
      if (this.stopped) return;
      this.running = this.cycle().finally(() => {
        this.running = null;
        if (!this.stopped) this.timer = setTimeout(tick, this.intervalMs);
      });
    };
    this.timer = setTimeout(tick, this.intervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => {});
    await Promise.allSettled([...this.ports.values()].map((p) => p.close()));
  }

  /** One audit cycle of every flow (flows one after the other: the audit is never urgent). */
  async cycle(): Promise<void> {
    const snapshot = this.options.getSnapshot();
    const poll = this.options.config.poll;
    // A poll that succeeded within about two poll intervals; an older one is not trusted.
    const maxAgeMs = poll ? 2 * poll.intervalMs + poll.timeoutMs : 60_000;
    const ends = snapshotLogEnds(snapshot, this.now(), maxAgeMs);
    for (const f of this.flows) {
      if (this.stopped) return;
      const partitions = auditedPartitions(snapshot, f.flow);
      try {
        const exclusions = partitions.length > 0 ? await auditExclusions(this.configsOf(f.flow.source), this.configsOf(f.flow.target), partitions) : null;
        f.configsUnknown = exclusions?.unknown ?? [];
        const results = await f.auditor.cycle(partitions, exclusions?.notJudged, { source: ends.get(f.flow.source), target: ends.get(f.flow.target) });
        if (f.lastError !== null) this.options.logger.info(`count audit of ${f.flow.source}->${f.flow.target} reads both clusters again`);
        f.lastError = null;
        this.apply(f, results);
        this.options.onResults?.(f.flow, results, f.auditor.pendingBuckets, f.configsUnknown.length);
      } catch (err) {
        if (err instanceof AuditReadError && err.results.length > 0) {
          this.apply(f, err.results);
          this.options.onResults?.(f.flow, err.results, f.auditor.pendingBuckets, f.configsUnknown.length);
        }
        const message = err instanceof Error ? err.message : String(err);
        if (f.lastError !== message) this.options.logger.warn({ flow: `${f.flow.source}->${f.flow.target}` }, `count audit of ${f.flow.source}->${f.flow.target} could not read: ${message} (retried next cycle)`);
        f.lastError = message;
      }
    }
  }

  private configsOf(alias: string): { alias: string; configs: TopicConfigCache } {
    return { alias, configs: this.configs.get(alias)! };
  }

  private apply(f: FlowAudit, results: BucketResult[]): void {
    if (results.length === 0) return;
    const audited = new Set<string>();
    for (const b of results) {
      for (const p of b.partitions) {
        audited.add(p.topic);
        let t = f.topics.get(p.topic);
        if (!t) f.topics.set(p.topic, (t = emptyTotals()));
        addVerdict(t, p.verdict);
        addVerdict(f.totals, p.verdict);
      }
      f.recent.push(bucketView(b));
      if (f.recent.length > RECENT_BUCKETS) f.recent.shift();
    }
    for (const topic of f.goneTopics.sweep(f.topics.keys(), (t) => audited.has(t))) f.topics.delete(topic);
    const last = results[results.length - 1];
    if (last) {
      f.notJudged = last.partitions.flatMap((p) => (p.verdict.kind === 'cannot_judge' ? [{ topic: p.topic, partition: p.partition, reason: p.verdict.reason, detail: p.verdict.detail }] : []));
    }
  }

  view(): AuditView {
    return {
      enabled: true,
      flows: this.flows.map((f) => {
        const range = f.auditor.range;
        return {
          source: f.flow.source,
          target: f.flow.target,
          bucketSeconds: this.options.audit.bucketMs / 1000,
          settleSeconds: this.options.audit.settleMs / 1000,
          auditedFrom: range.fromMs === null ? null : iso(range.fromMs),
          auditedTo: range.toMs === null ? null : iso(range.toMs),
          pendingBuckets: f.auditor.pendingBuckets,
          topics: Object.fromEntries([...f.topics].sort(([a], [b]) => a.localeCompare(b))),
          totals: f.totals,
          lastBucket: f.recent[f.recent.length - 1] ?? null,
          notJudged: f.notJudged,
          recentBuckets: [...f.recent],
          configsUnknown: f.configsUnknown,
          lastError: f.lastError,
        };
      }),
    };
  }
}
