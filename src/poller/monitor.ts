// Owns the per-cluster pollers and everything they learned, and turns it into immutable snapshots.
// A snapshot is rebuilt after every poll of any cluster, so figures of a healthy cluster stay fresh
// while another one times out.
//
// Rebuilding a snapshot and publishing it (onSnapshot: the metrics text) are synchronous and grow
// with partitions (2 x 20,000 partitions: tens of ms each on two cores, docs/performance.md). The
// end of a poll, the rebuild and the publish each run in their own turn of the event loop, with
// I/O handled between them, so a /metrics scrape waits for one of them at most, never for all in
// a row. Polls that end close together share one rebuild.
import { LagWindowStore } from '../core/lagWindow.js';
import { createReplicationPolicy, type ReplicationPolicy } from '../core/replicationPolicy.js';
import type { Telemetry } from '../core/telemetry.js';
import { shardOwnership, type ShardOwnership } from '../core/shard.js';
import type { FlowConfig, MirrorwatchConfig, ReplicationPolicyConfig, Snapshot } from '../core/types.js';
import type { KafkaPortFactory } from '../kafka/port.js';
import type { Logger } from '../log.js';
import { ClusterPoller, type ClusterPollerState, type ClusterReading } from './clusterPoller.js';
import { applyMm2Records, emptyEvidence, evidenceTopics, forgetTopics, resetEvidence, type EvidenceSide, type Mm2Evidence, type Mm2Record } from '../core/mm2Evidence.js';
import { DecodeErrorReporter } from './decodeErrors.js';
import { flowKey } from './evidence.js';
import { planCluster, type ClusterPlan, type PlanContext } from './plan.js';
import type { TailResult, TopicTail } from './tailer.js';
import { buildSnapshot } from './snapshot.js';
import { GapProbe } from './gapProbe.js';
import { LossLedger } from './lossLedger.js';
import { GoneTopics } from '../core/goneTopics.js';
import { flowMm2Topics } from '../core/mm2Topics.js';
import type { ReplicationMemory } from '../core/replicationState.js';

/** Default wait of one follow fetch at the broker: heartbeat age is then known to within about a second. */
export const DEFAULT_FOLLOW_MAX_WAIT_MS = 1000;
/**
 * A cluster whose followed topics hold no heartbeats (the source of a one-way flow: its offset
 * syncs) is followed with waits this many times longer: offset syncs matter to a stall only after
 * tens of seconds (Mm2TopicStalled), and each round is a request and a wake-up of the daemon.
 */
export const OFFSET_SYNCS_WAIT_FACTOR = 5;

export interface MonitorOptions {
  config: MirrorwatchConfig;
  portFactory: KafkaPortFactory;
  logger: Logger;
  telemetry: Telemetry;
  onSnapshot?: (snapshot: Snapshot) => void;
  now?: () => number;
}

export class Monitor {
  private currentPolicy: ReplicationPolicy;
  /** The configuration in force: the one given, with the flows and policy of the last setFlows(). */
  private config: MirrorwatchConfig;
  private readonly planCtx: PlanContext;
  /** Bumped by setFlows(); per cluster, the value when its latest poll was planned. */
  private flowGeneration = 0;
  private readonly plannedGeneration = new Map<string, number>();
  /**
   * Flows setFlows() added or changed, left out of snapshots until both their clusters finished a
   * poll planned with them: before that, the readings lack their topics, and a snapshot would
   * report remote topics missing that were never asked for.
   */
  private readonly pendingFlows = new Map<string, { generation: number; clusters: Set<string> }>();
  private readonly pollers: ClusterPoller[];
  private readonly evidence = new Map<string, Mm2Evidence>();
  private readonly decodeErrors: DecodeErrorReporter;
  private readonly window = new LagWindowStore();
  private readonly now: () => number;
  private snapshot: Snapshot | null = null;
  private sequence = 0;
  private started = false;
  /** A poll ended since the last rebuild. */
  private dirty = false;
  private rebuildTimer: NodeJS.Immediate | null = null;
  /** pollOnce() callers waiting for the rebuild that follows their polls. */
  private waiters: { resolve: (snapshot: Snapshot) => void; reject: (err: unknown) => void }[] = [];
  /** The newest snapshot not yet handed to onSnapshot. */
  private undelivered: Snapshot | null = null;
  private deliverTimer: NodeJS.Immediate | null = null;
  /** Every loss seen so far (mm2_replication_lost_records_total). */
  private readonly losses: LossLedger;
  /** Tells transaction markers from records in small uncopied ranges (gapProbe.ts). */
  private readonly gapProbe: GapProbe;
  /** Which pairs and flows this instance reads (all of them unless sharded). */
  readonly shard: ShardOwnership;
  /** Per flow, what the replication state remembers between snapshots. */
  private readonly replication = new Map<string, ReplicationMemory>();
  private lastRebuildMs = 0;
  private followRebuildTimer: NodeJS.Timeout | null = null;
  /** Follow rounds of all clusters cause at most one snapshot rebuild per this many ms (the follow wait). */
  private readonly followRebuildEveryMs: number;
  /** Per flow and side, topics of the evidence gone from that side's listings (see forgetDeletedTopics). */
  private readonly goneTopics = new Map<string, GoneTopics>();
  /** Per cluster, the reading forgetDeletedTopics last looked at. */
  private readonly sweptReading = new Map<string, ClusterReading>();

  constructor(private readonly options: MonitorOptions) {
    const { config, logger, telemetry } = options;
    this.config = config;
    this.now = options.now ?? Date.now;
    this.currentPolicy = createReplicationPolicy(config.replicationPolicy);
    for (const f of config.flows) this.evidence.set(flowKey(f.source, f.target), emptyEvidence());
    this.decodeErrors = new DecodeErrorReporter(logger, telemetry);
    this.losses = new LossLedger(logger);
    const gapProbe = (this.gapProbe = new GapProbe(logger, telemetry));
    const shard = (this.shard = shardOwnership(config.shard));
    const planCtx = (this.planCtx = { flows: config.flows, policy: this.currentPolicy, evidence: this.evidence, shard });
    const followOn = config.poll.follow ?? true;
    const followMaxWaitMs = config.poll.followMaxWaitMs ?? DEFAULT_FOLLOW_MAX_WAIT_MS;
    this.followRebuildEveryMs = followMaxWaitMs;
    this.pollers = config.clusters.map((cluster) => {
      const port = options.portFactory(cluster, { logger: logger.child({ cluster: cluster.alias }), telemetry });
      return new ClusterPoller(port, {
        intervalMs: config.poll.intervalMs,
        timeoutMs: config.poll.timeoutMs,
        settleTimeoutMs: cluster.connectionTimeoutMs + cluster.requestTimeoutMs,
        logger,
        telemetry,
        now: this.now,
        plan: (alias, topics) => {
          this.plannedGeneration.set(alias, this.flowGeneration);
          return planCluster(planCtx, alias, topics);
        },
        onPolled: (state) => this.onPolled(state),
        onTailed: (alias, plan, result) => this.applyTail(alias, plan, result),
        afterOffsets: (port, offsets, deadlineMs) => gapProbe.probe(port, cluster.alias, offsets, deadlineMs, this.now),
        ...(followOn
          ? {
              // A long poll may not outlast a request: kafkajs would time it out first.
              follow: {
                maxWaitMs: Math.min(followMaxWaitMs, Math.floor(cluster.requestTimeoutMs / 2)),
                topics: followedTails,
                waitFor: (tails) =>
                  Math.min(
                    tails.some((t) => t.feeds.some((f) => f.kind === 'heartbeats')) ? followMaxWaitMs : OFFSET_SYNCS_WAIT_FACTOR * followMaxWaitMs,
                    Math.floor(cluster.requestTimeoutMs / 2),
                  ),
              },
              onFollowed: () => this.onFollowed(),
            }
          : {}),
      });
    });
  }

  get policy(): ReplicationPolicy {
    return this.currentPolicy;
  }

  /** The replication policy in force (the configured one, or the last one discovery gave). */
  get replicationPolicy(): ReplicationPolicyConfig {
    return this.config.replicationPolicy;
  }

  /** The flows watched now (the configured ones, or the last set discovery gave). */
  get flows(): readonly FlowConfig[] {
    return this.config.flows;
  }

  /**
   * Replaces the watched flows while running (`flows: discover`). A flow in both sets keeps what
   * was learned about it (evidence, lag windows, replication state) unless its settings changed;
   * a flow that left the set is forgotten, so none of its figures outlives it. The next poll of
   * each cluster plans with the new set; the snapshot is rebuilt at once.
   */
  setFlows(flows: readonly FlowConfig[], policy: ReplicationPolicyConfig = this.config.replicationPolicy): void {
    const before = new Map(this.config.flows.map((f) => [flowKey(f.source, f.target), f]));
    const policyChanged = JSON.stringify(policy) !== JSON.stringify(this.config.replicationPolicy);
    this.config = { ...this.config, flows: [...flows], replicationPolicy: policy };
    if (policyChanged) this.currentPolicy = createReplicationPolicy(policy);
    const generation = ++this.flowGeneration;
    const keep = new Set<string>();
    for (const f of flows) {
      const key = flowKey(f.source, f.target);
      keep.add(key);
      const old = before.get(key);
      // Remote topic names follow the policy: what was read under another one may not fit.
      if (!old || policyChanged || JSON.stringify(old) !== JSON.stringify(f)) {
        this.forgetFlow(key);
        this.pendingFlows.set(key, { generation, clusters: new Set([f.source, f.target]) });
        // Its MM2 topics may be tailed already (for it before, or for another flow): read them again.
        for (const ref of Object.values(flowMm2Topics(f, this.currentPolicy))) this.pollerOf(ref.cluster)?.forgetTails([ref.topic]);
      }
      if (!this.evidence.has(key)) this.evidence.set(key, emptyEvidence());
    }
    for (const key of before.keys()) if (!keep.has(key)) this.forgetFlow(key);
    this.planCtx.flows = this.config.flows;
    this.planCtx.policy = this.currentPolicy;
    this.dirty = true;
    this.scheduleRebuild();
  }

  private pollerOf(alias: string): ClusterPoller | undefined {
    return this.pollers.find((p) => p.state.alias === alias);
  }

  private forgetFlow(key: string): void {
    this.pendingFlows.delete(key);
    this.evidence.delete(key);
    this.replication.delete(key);
    for (const k of [...this.goneTopics.keys()]) if (k.startsWith(`${key}\u0000`)) this.goneTopics.delete(k);
  }

  start(): void {
    this.started = true;
    for (const p of this.pollers) p.start();
  }

  async stop(graceMs = 2000): Promise<void> {
    this.started = false;
    await Promise.all(this.pollers.map((p) => p.stop(graceMs)));
    if (this.rebuildTimer) clearImmediate(this.rebuildTimer);
    this.rebuildTimer = null;
    if (this.followRebuildTimer) clearTimeout(this.followRebuildTimer);
    this.followRebuildTimer = null;
    if (this.waiters.length > 0) this.safeRebuild();
    this.deliver();
  }

  /** Polls every cluster once, concurrently, and returns the snapshot after all have answered. */
  async pollOnce(): Promise<Snapshot> {
    await Promise.all(this.pollers.map((p) => p.pollOnce()));
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.dirty = true;
      this.scheduleRebuild();
    });
  }

  latest(): Snapshot | null {
    return this.snapshot;
  }

  /** The poll loop is alive when every cluster's loop has finished a poll recently. */
  isAlive(): boolean {
    if (!this.started) return true;
    const { intervalMs, timeoutMs } = this.config.poll;
    const limit = 3 * (intervalMs + 2 * timeoutMs);
    const last = this.lastPollEnd;
    return this.now() - last <= limit;
  }

  private lastPollEnd = Date.now();

  /** The one place MM2 records reach the flows' evidence: tail -> reducer -> evidence. */
  private applyTail(alias: string, plan: ClusterPlan, result: TailResult): void {
    const readAtMs = this.now();
    const byTopic = new Map<string, TopicTail>(result.topics.map((t) => [t.topic, t]));
    for (const planned of plan.tails) {
      const tail = byTopic.get(planned.topic);
      if (!tail) continue;
      planned.feeds.forEach((feed, i) => {
        const evidence = this.evidence.get(feed.flow);
        if (!evidence) return;
        if (tail.reset) resetEvidence(evidence, feed.kind);
        const bad = applyMm2Records(evidence, feed.kind, recordsOf(tail), feed.context);
        // Read to the end of every partition without a problem: heartbeat age is measured at this time.
        if (feed.kind === 'heartbeats' && tail.partitions.length === planned.partitions.length && tail.partitions.every((p) => p.problem === null)) {
          evidence.heartbeatReadAtMs = readAtMs;
        }
        // A topic feeding several flows holds each bad record once: count it once.
        if (i === 0) for (const b of bad) this.decodeErrors.report(alias, tail.topic, b.partition, b.offset, b.kind, b.message);
      });
    }
  }

  /** A follow round ended: rebuild (at most once per follow wait over all clusters). */
  private onFollowed(): void {
    if (this.followRebuildTimer || !this.started) return;
    const wait = Math.max(0, this.lastRebuildMs + this.followRebuildEveryMs - this.now());
    if (wait === 0) {
      // Due already: no timer turn of its own (one wake-up less per round while following).
      this.dirty = true;
      this.scheduleRebuild();
      return;
    }
    this.followRebuildTimer = setTimeout(() => {
      this.followRebuildTimer = null;
      this.dirty = true;
      this.scheduleRebuild();
    }, wait);
    this.followRebuildTimer.unref?.();
  }

  private onPolled(state: ClusterPollerState): void {
    this.lastPollEnd = this.now();
    // A failed poll counts too: a cluster that is down is what the new flow's snapshot must say.
    const planned = this.plannedGeneration.get(state.alias) ?? -1;
    for (const [key, p] of this.pendingFlows) {
      if (planned >= p.generation || !state.up) p.clusters.delete(state.alias);
      if (p.clusters.size === 0) this.pendingFlows.delete(key);
    }
    this.forgetDeletedTopics(state);
    this.dirty = true;
    this.scheduleRebuild();
  }

  /**
   * MM2 writes no tombstones for a deleted topic: its offset syncs, Connect offsets and checkpoints
   * would stay in memory for good, a few hundred bytes per deleted topic. They go once two
   * successful listings in a row of the cluster the topic lives on lacked it (GoneTopics).
   */
  private forgetDeletedTopics(state: ClusterPollerState): void {
    const reading = state.reading;
    if (!state.up || !reading || this.sweptReading.get(state.alias) === reading) return;
    this.sweptReading.set(state.alias, reading);
    for (const f of this.config.flows) {
      const key = flowKey(f.source, f.target);
      const evidence = this.evidence.get(key);
      if (!evidence) continue;
      const sides: EvidenceSide[] = [];
      if (f.source === state.alias) sides.push('source');
      if (f.target === state.alias) sides.push('target');
      for (const side of sides) {
        const goneKey = `${key}\u0000${side}`;
        let gone = this.goneTopics.get(goneKey);
        if (!gone) this.goneTopics.set(goneKey, (gone = new GoneTopics()));
        forgetTopics(evidence, side, gone.sweep(evidenceTopics(evidence, side), (topic) => reading.topics.has(topic)));
      }
    }
  }

  private scheduleRebuild(): void {
    if (this.rebuildTimer) return;
    // Two turns: an immediate set from an immediate runs on the next loop iteration, after the
    // I/O that arrived meanwhile (a scrape) was handled, rather than straight after the poll's
    // own last callback.
    this.rebuildTimer = setImmediate(() => {
      this.rebuildTimer = setImmediate(() => {
        this.rebuildTimer = null;
        if (this.dirty) this.safeRebuild();
      });
    });
  }

  private safeRebuild(): void {
    try {
      this.rebuild();
    } catch (err) {
      // Data nobody anticipated must not kill the daemon from a timer; the next poll retries.
      this.options.logger.error({ err }, 'building the snapshot failed');
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w.reject(err);
    }
  }

  /** One log line when a flow becomes ready or not ready, so the log tells the story of an incident. */
  private logTransitions(previous: Snapshot | null, next: Snapshot): void {
    if (!next.complete) return;
    const before = new Map((previous?.complete ? previous.flows : []).map((f) => [flowKey(f.source, f.target), f.failover.ready]));
    for (const f of next.flows) {
      const flow = flowKey(f.source, f.target);
      const was = before.get(flow);
      if (was === f.failover.ready) continue;
      if (f.failover.ready) {
        this.options.logger.info({ flow, lagRecords: f.totals.lagRecords }, `flow ${flow} is failover-ready`);
      } else {
        this.options.logger.warn({ flow, reasons: f.failover.reasons }, `flow ${flow} is not failover-ready: ${f.failover.reasons.join('; ')}`);
      }
    }
  }

  private rebuild(): Snapshot {
    this.dirty = false;
    this.lastRebuildMs = this.now();
    const pending = this.pendingFlows;
    const config = pending.size === 0 ? this.config : { ...this.config, flows: this.config.flows.filter((f) => !pending.has(flowKey(f.source, f.target))) };
    const snapshot = buildSnapshot({
      config,
      policy: this.currentPolicy,
      clusters: this.pollers.map((p) => p.state),
      evidence: this.evidence,
      window: this.window,
      nowMs: this.now(),
      sequence: ++this.sequence,
      gapChecks: (source, target) => this.gapProbe.checksFor(source, target),
      shard: this.shard,
      replication: this.replication,
    });
    this.losses.record(snapshot);
    this.gapProbe.plan(snapshot);
    this.logTransitions(this.snapshot, snapshot);
    this.snapshot = snapshot;
    if (this.options.onSnapshot) {
      this.undelivered = snapshot;
      this.deliverTimer ??= setImmediate(() => this.deliver());
    }
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.resolve(snapshot);
    return snapshot;
  }

  /** Hands the newest snapshot to onSnapshot; one superseded before its turn came is skipped. */
  private deliver(): void {
    if (this.deliverTimer) clearImmediate(this.deliverTimer);
    this.deliverTimer = null;
    const snapshot = this.undelivered;
    this.undelivered = null;
    if (!snapshot) return;
    try {
      this.options.onSnapshot?.(snapshot);
    } catch (err) {
      this.options.logger.error({ err }, 'publishing the snapshot failed');
    }
  }
}

/** What following reads: MM2's heartbeats and offset syncs (checkpoints and Connect offsets wait for the poll). */
function followedTails(plan: ClusterPlan): ClusterPlan['tails'] {
  return plan.tails.filter((t) => t.feeds.some((f) => f.kind === 'heartbeats' || f.kind === 'offset-syncs'));
}

function* recordsOf(tail: TopicTail): Generator<Mm2Record> {
  for (const p of tail.partitions) {
    for (const r of p.records) yield { partition: p.partition, offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value };
  }
}
