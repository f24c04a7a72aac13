// The daemon's `flows: discover`: at start-up and then every discovery.interval, reads MM2's topics
// on every configured cluster (observeCluster, as `mirrorwatch discover` does), finds the flows
// between them (src/core/discovery.ts) and keeps the watched set current (src/core/flowSet.ts).
// The aliases are the configured ones. A cluster that cannot be read is counted, logged once until
// it can be read again and shown as a reason; its flows stay as they were.
import { discover, type ClusterObservation, type DiscoveryResult } from '../core/discovery.js';
import { changed, choosePolicy, discoveredFlowConfig, flowName, samePolicy, updateFlowSet, type ChosenPolicy, type TrackedFlow } from '../core/flowSet.js';
import type { Telemetry } from '../core/telemetry.js';
import type { ClusterConfig, DiscoveryConfig, FlowConfig, MirrorwatchConfig, ReplicationPolicyConfig } from '../core/types.js';
import { DEFAULTS } from '../config/defaults.js';
import type { KafkaPort, KafkaPortFactory } from '../kafka/port.js';
import type { Logger } from '../log.js';
import { observeCluster } from './observeCluster.js';

export interface DiscoveryLoopOptions {
  config: MirrorwatchConfig;
  discovery: DiscoveryConfig;
  portFactory: KafkaPortFactory;
  logger: Logger;
  telemetry: Telemetry;
  /** The active flows and the policy to watch them with, whenever either changed. */
  onFlows(flows: FlowConfig[], policy: ReplicationPolicyConfig): void;
  /** After every discovery, with the whole set (vanished flows included). */
  onDiscovered?(flows: readonly TrackedFlow[], atMs: number, failedClusters: readonly string[]): void;
  now?: () => number;
}

export interface DiscoveryClusterView {
  cluster: string;
  /** The last discovery read this cluster's topics. */
  read: boolean;
  error: string | null;
  /** MM2 topics recognised on it; topics that could not be read or decoded, with why. */
  mm2Topics: string[];
  unread: { topic: string; reason: string }[];
}

export interface DiscoveryView {
  enabled: true;
  intervalSeconds: number;
  /** ISO time of the last discovery that ended; null before the first. */
  lastRunAt: string | null;
  runs: number;
  policy: { kind: string; separator: string; internalTopicSeparatorEnabled: boolean; from: ChosenPolicy['from']; confidence: string | null };
  flows: {
    source: string;
    target: string;
    state: TrackedFlow['state'];
    firstSeenAt: string;
    lastSeenAt: string;
    vanishedAt: string | null;
    heartbeats: boolean;
    offsetSyncsTopicLocation: 'source' | 'target';
    /** MM2 topics (cluster:topic) the flow was last found by. */
    evidence: string[];
  }[];
  clusters: DiscoveryClusterView[];
  /** Flows with one end outside the configured clusters (not watched). */
  partialFlows: string[];
  notes: string[];
  /** Why nothing is watched, or what discovery could not see; empty when all is well. */
  reasons: string[];
}

const iso = (ms: number): string => new Date(ms).toISOString();
const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export class DiscoveryLoop {
  private readonly ports: KafkaPort[];
  private readonly now: () => number;
  private flows: TrackedFlow[] = [];
  private policy: ChosenPolicy;
  private lastResult: DiscoveryResult | null = null;
  private clusterViews: DiscoveryClusterView[];
  private lastRunMs: number | null = null;
  private runs = 0;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  /** Clusters whose read failure was logged (until they are read again). */
  private readonly failing = new Set<string>();

  constructor(private readonly options: DiscoveryLoopOptions) {
    this.now = options.now ?? Date.now;
    const { config } = options;
    this.policy = { policy: config.replicationPolicy, from: options.discovery.policyConfigured ? 'configured' : 'default', confidence: null };
    this.ports = config.clusters.map((c) => options.portFactory(c, { logger: options.logger.child({ cluster: c.alias, component: 'discovery' }), telemetry: options.telemetry }));
    this.clusterViews = config.clusters.map((c) => ({ cluster: c.alias, read: false, error: null, mm2Topics: [], unread: [] }));
  }

  /** The first discovery at once, then one every interval after the previous ended. */
  start(): void {
    const tick = (): void => {
      if (this.stopped) return;
      this.running = this.runOnce().finally(() => {
        this.running = null;
        if (!this.stopped) {
          this.timer = setTimeout(tick, this.options.discovery.intervalMs);
          this.timer.unref?.();
        }
      });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => {});
    await Promise.allSettled(this.ports.map((p) => p.close()));
  }

  /** One discovery over every cluster. Never rejects: failures become reasons. */
  async runOnce(): Promise<void> {
    const { config, logger } = this.options;
    const outcomes = await Promise.all(
      config.clusters.map(async (c, i): Promise<ClusterObservation | Error> => {
        try {
          return await withDeadline(this.observe(this.ports[i]!, c), readDeadlineMs(c), `reading MM2's topics on ${c.alias} took longer than ${readDeadlineMs(c)} ms`);
        } catch (err) {
          return err instanceof Error ? err : new Error(String(err));
        }
      }),
    );
    if (this.stopped) return;
    const nowMs = this.now();
    const observations: ClusterObservation[] = [];
    const failed: string[] = [];
    outcomes.forEach((o, i) => {
      const alias = config.clusters[i]!.alias;
      if (o instanceof Error) {
        failed.push(alias);
        this.clusterViews[i] = { cluster: alias, read: false, error: o.message, mm2Topics: [], unread: [] };
        if (!this.failing.has(alias)) {
          this.failing.add(alias);
          logger.warn({ cluster: alias, err: o.message }, `discovery cannot read cluster ${alias}: ${o.message} (its flows are kept as they were; retried every ${this.options.discovery.intervalMs / 1000}s)`);
        }
        return;
      }
      if (this.failing.delete(alias)) logger.info({ cluster: alias }, `discovery reads cluster ${alias} again`);
      observations.push(o);
    });
    let result: DiscoveryResult | null = null;
    try {
      result = observations.length > 0 ? discover({ clusters: observations, nowMs }) : null;
    } catch (err) {
      // Data nobody anticipated must not stop the loop: the known flows stay, the next round retries.
      logger.error({ err }, `discovery could not make sense of what it read: ${messageOf(err)}`);
    }
    if (result) {
      this.lastResult = result;
      for (const look of result.looked) {
        const i = config.clusters.findIndex((c) => c.alias === look.cluster);
        if (i >= 0) this.clusterViews[i] = { cluster: look.cluster, read: true, error: null, mm2Topics: look.mm2Topics, unread: look.unread };
      }
      const read = new Set(observations.map((o) => o.givenAlias ?? o.label));
      const update = updateFlowSet(this.flows, result.flows, read, nowMs);
      const nextPolicy = choosePolicy(this.policy, result.flows.length > 0 ? result.policy : null, this.options.discovery.policyConfigured);
      const policyMoved = !samePolicy(nextPolicy.policy, this.policy.policy);
      if (policyMoved) {
        logger.info({ policy: nextPolicy.policy }, `discovery: flows are watched with the ${nextPolicy.policy.kind} replication policy, separator "${nextPolicy.policy.separator}" (inferred, ${nextPolicy.confidence} confidence)`);
      }
      this.policy = nextPolicy;
      this.flows = update.flows;
      const c = update.change;
      for (const f of c.added) logger.info({ flow: flowName(f), evidence: f.evidence }, `discovery: new flow ${flowName(f)} (${f.evidence.join(', ')})`);
      for (const f of c.returned) logger.info({ flow: flowName(f), evidence: f.evidence }, `discovery: flow ${flowName(f)} is back (${f.evidence.join(', ')})`);
      for (const f of c.vanished) {
        logger.warn({ flow: flowName(f) }, `discovery: flow ${flowName(f)} vanished: MM2's topics for it (${f.evidence.join(', ')}) are gone from both clusters; no longer watched, reported as vanished`);
      }
      for (const f of c.changed) logger.info({ flow: flowName(f) }, `discovery: flow ${flowName(f)} keeps its offset syncs on the ${f.offsetSyncsTopicLocation} cluster: read again`);
      if (changed(c) || policyMoved) this.options.onFlows(this.activeFlowConfigs(), this.policy.policy);
    }
    this.lastRunMs = nowMs;
    this.runs++;
    this.options.onDiscovered?.(this.flows, nowMs, failed);
  }

  private observe(port: KafkaPort, c: ClusterConfig): Promise<ClusterObservation> {
    return observeCluster(port, c.alias, c.alias, (message) => this.options.logger.debug({ cluster: c.alias }, `discovery: ${message}`));
  }

  activeFlowConfigs(): FlowConfig[] {
    const bounds = { maxLagRecords: DEFAULTS.maxLagRecords, maxHeartbeatAgeSeconds: DEFAULTS.maxHeartbeatAgeSeconds };
    return this.flows.filter((f) => f.state === 'active').map((f) => discoveredFlowConfig(f, this.options.discovery, bounds));
  }

  /** Set while there is nothing to watch: why (for /readyz and the API). */
  notReadyReason(): string | null {
    if (this.flows.some((f) => f.state === 'active')) return null;
    const names = this.options.config.clusters.map((c) => c.alias).join(', ');
    if (this.lastRunMs === null) return `discovery has not finished its first look at MM2's topics on ${names} yet`;
    const unreadable = this.clusterViews.filter((c) => !c.read).map((c) => `${c.cluster} (${c.error ?? 'not read'})`);
    const vanished = this.flows.filter((f) => f.state === 'vanished').map(flowName);
    return [
      `discovery found no active MM2 flow between ${names} (looked ${this.runs} time(s), every ${this.options.discovery.intervalMs / 1000}s)`,
      vanished.length > 0 ? `; vanished: ${vanished.join(', ')}` : '',
      unreadable.length > 0 ? `; could not read ${unreadable.join(', ')}` : '',
    ].join('');
  }

  view(): DiscoveryView {
    const p = this.policy;
    const reasons: string[] = [];
    const notReady = this.notReadyReason();
    if (notReady) reasons.push(notReady);
    for (const c of this.clusterViews) {
      if (c.error !== null) reasons.push(`cluster ${c.cluster} could not be read: ${c.error}`);
      for (const u of c.unread) reasons.push(`${c.cluster}: ${u.topic} not read: ${u.reason}`);
    }
    return {
      enabled: true,
      intervalSeconds: this.options.discovery.intervalMs / 1000,
      lastRunAt: this.lastRunMs === null ? null : iso(this.lastRunMs),
      runs: this.runs,
      policy: { kind: p.policy.kind, separator: p.policy.separator, internalTopicSeparatorEnabled: p.policy.internalTopicSeparatorEnabled ?? true, from: p.from, confidence: p.confidence },
      flows: this.flows.map((f) => ({
        source: f.source,
        target: f.target,
        state: f.state,
        firstSeenAt: iso(f.firstSeenMs),
        lastSeenAt: iso(f.lastSeenMs),
        vanishedAt: f.vanishedAtMs === null ? null : iso(f.vanishedAtMs),
        heartbeats: f.heartbeats,
        offsetSyncsTopicLocation: f.offsetSyncsTopicLocation,
        evidence: f.evidence,
      })),
      clusters: this.clusterViews.map((c) => ({ ...c, mm2Topics: [...c.mm2Topics], unread: [...c.unread] })),
      partialFlows: (this.lastResult?.partialFlows ?? []).map(flowName),
      notes: this.lastResult?.notes ?? [],
      reasons,
    };
  }
}

/** Reading one cluster may take a few Metadata, ListOffsets and Fetch requests, each bounded by the client's timeouts. */
function readDeadlineMs(c: ClusterConfig): number {
  return Math.max(10_000, c.connectionTimeoutMs + 6 * c.requestTimeoutMs);
}

function withDeadline<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
