// One loop per cluster: each cluster is read on its own schedule so that a slow or unreachable
// cluster never delays the figures of the others. Polls of one cluster never overlap: the next one
// starts only after the previous has settled, even when it was abandoned at its timeout.
import type { PartitionOffsets, TailStuck, TopicPartition } from '../core/types.js';
import type { Telemetry } from '../core/telemetry.js';
import type { CommittedOffset, KafkaPort, TopicInfo } from '../kafka/port.js';
import type { Logger } from '../log.js';
import { tpKey } from './evidence.js';
import type { ClusterPlan } from './plan.js';
import { TailProblemReporter } from './tailProblems.js';
import { Tailer, type TailResult } from './tailer.js';

export type { ClusterPlan } from './plan.js';

export interface ClusterReading {
  readAtMs: number;
  topics: Map<string, number[]>;
  offsets: Map<string, PartitionOffsets>;
  /** The same offsets by topic, then partition: what the snapshot rebuild looks up (no key strings to build). */
  offsetsByTopic: Map<string, Map<number, PartitionOffsets>>;
  committed: CommittedOffset[];
  /** Topics read for their own sake (data topics and their copies) and exported by this instance, as opposed to MM2's topics. */
  dataTopics: ReadonlySet<string>;
  /** Offsets of the partitions of `dataTopics`, in the order read: the snapshot's ClusterStatus.partitions. */
  dataPartitions: PartitionOffsets[];
}

export interface ClusterPollerState {
  alias: string;
  polls: number;
  up: boolean;
  lastSuccessMs: number | null;
  lastDurationSeconds: number | null;
  lastError: string | null;
  /** The last successful reading; kept while the cluster is down so figures are not lost. */
  reading: ClusterReading | null;
  /** The successful reading before `reading`: flows pair readings close in time (src/core/readingPair.ts). */
  previousReading: ClusterReading | null;
  /** MM2 topics whose tail is stuck, as of the last poll that got as far as tailing. */
  tailStuck: TailStuck[];
  /** Partitions whose offsets the last poll asked for (data and MM2 topics): what this instance reads. */
  partitionsPolled?: number;
}

export interface ClusterPollerOptions {
  intervalMs: number;
  timeoutMs: number;
  logger: Logger;
  telemetry: Telemetry;
  plan(alias: string, topics: TopicInfo[]): ClusterPlan;
  /**
   * Hands over what the tail of MM2's topics read, as soon as it is read (also when the poll is
   * abandoned afterwards: the tail's positions have moved past these records).
   */
  onTailed?(alias: string, plan: ClusterPlan, result: TailResult): void;
  /** Called after every poll, successful or not, with the new state. */
  onPolled(state: ClusterPollerState): void;
  now?: () => number;
  /**
   * How long the request a timed-out poll left in flight may take to settle before the next poll
   * starts (default and minimum: timeoutMs). The cluster's connection + request timeout: kafkajs
   * ends every request within those, so waiting that long means polls never overlap.
   */
  settleTimeoutMs?: number;
  /**
   * Runs right after the partition offsets were read, with the poll's port and those offsets
   * (keyed tpKey): extra reads that need fresh end offsets (the gap probe). Must not reject.
   */
  afterOffsets?: (port: KafkaPort, offsets: ReadonlyMap<string, PartitionOffsets>, deadlineMs: number) => Promise<void>;
  /**
   * Between polls, follow these MM2 topics of the plan (MM2's heartbeats and offset syncs) with
   * long-poll fetches of at most `maxWaitMs` each, so their evidence is fresh to within about that
   * much. Records go to onTailed, problems into the state's tailStuck, as in a poll. `waitFor`
   * may give a round over these topics a longer wait than `maxWaitMs`.
   */
  follow?: { maxWaitMs: number; topics(plan: ClusterPlan): ClusterPlan['tails']; waitFor?(tails: ClusterPlan['tails']): number };
  /** Called after every follow round (records or not): time passed, the snapshot may change. */
  onFollowed?(state: ClusterPollerState): void;
}

export class PollTimeoutError extends Error {
  constructor(ms: number) {
    super(`poll did not finish within ${ms} ms`);
    this.name = 'PollTimeoutError';
  }
}

export class ClusterPoller {
  readonly state: ClusterPollerState;
  private readonly tailer = new Tailer();
  private readonly tailProblems: TailProblemReporter;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private inFlight: Promise<void> | null = null;
  private connected = false;
  private readonly now: () => number;
  /** The plan of the last poll that got as far as tailing: what following reads. */
  private followPlan: ClusterPlan | null = null;
  /** Partitions following leaves to the next poll (a problem it does not resolve itself). */
  private readonly followPaused = new Set<string>();
  /** Topics whose tails the next poll reads again from the start (forgetTails). */
  private readonly tailsToReread = new Set<string>();
  /** The follow loop running between two polls, if any. */
  private following: Promise<void> | null = null;
  /** Set to end the follow loop after its current round (stop, or a poll asked for now). */
  private followCancelled = false;

  constructor(
    private readonly port: KafkaPort,
    private readonly options: ClusterPollerOptions,
  ) {
    this.state = {
      alias: port.alias,
      polls: 0,
      up: false,
      lastSuccessMs: null,
      lastDurationSeconds: null,
      lastError: null,
      reading: null,
      previousReading: null,
      tailStuck: [],
    };
    this.now = options.now ?? Date.now;
    this.tailProblems = new TailProblemReporter(port.alias, options.logger, options.telemetry);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Stops scheduling; waits at most `graceMs` for a poll in flight, then closes the client. */
  async stop(graceMs = 2000): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.followCancelled = true;
    if (this.following) await Promise.race([this.following, delay(graceMs)]);
    if (this.inFlight) await Promise.race([this.inFlight, delay(graceMs)]);
    await Promise.race([this.port.close().catch(() => {}), delay(graceMs)]);
  }

  /** MM2 topics whose records the next poll reads again from the start (a flow that is new or changed at run time). */
  forgetTails(topics: Iterable<string>): void {
    for (const t of topics) this.tailsToReread.add(t);
  }

  /** One poll, now; used by the CLI's one-shot commands and by tests. */
  async pollOnce(): Promise<ClusterPollerState> {
    if (this.following) {
      this.followCancelled = true;
      await this.following;
    }
    if (this.inFlight) await this.inFlight;
    const p = this.runPoll();
    this.inFlight = p;
    try {
      await p;
    } finally {
      if (this.inFlight === p) this.inFlight = null;
    }
    return this.state;
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    if (this.options.follow && delayMs > 0) {
      // The wait between two polls is spent following; the poll after it is due at the same time.
      const dueMs = this.now() + delayMs;
      this.followCancelled = false;
      const loop = this.followUntil(dueMs);
      this.following = loop;
      void loop.finally(() => {
        if (this.following === loop) this.following = null;
        this.schedulePoll(Math.max(0, dueMs - this.now()));
      });
      return;
    }
    this.schedulePoll(delayMs);
  }

  private schedulePoll(delayMs: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const started = this.now();
      void this.pollOnce().finally(() => {
        const elapsed = this.now() - started;
        this.schedule(Math.max(0, this.options.intervalMs - elapsed));
      });
    }, delayMs);
    this.timer.unref?.();
  }

  /** Follow rounds until `dueMs` (the next poll). Never rejects. */
  private async followUntil(dueMs: number): Promise<void> {
    const follow = this.options.follow!;
    while (this.running && !this.followCancelled) {
      const left = dueMs - this.now();
      const roundWait = this.followPlan && follow.waitFor ? follow.waitFor(follow.topics(this.followPlan)) : follow.maxWaitMs;
      // A round that would end after the poll is due is not started: polls keep their rhythm.
      if (left < Math.min(roundWait, 50)) return;
      const waitMs = Math.min(roundWait, left);
      const roundStart = this.now();
      let worked = false;
      try {
        worked = await this.followRound(follow, waitMs);
      } catch (err) {
        // Nothing here should throw (the tailer turns fetch failures into problems); if something
        // does, following pauses until the next poll rather than spin.
        this.options.logger.error({ err, cluster: this.port.alias }, 'following MM2 topics failed; waiting for the next poll');
        return;
      }
      if (!worked) {
        // Nothing to follow (no poll read yet, cluster down, every partition paused): time still
        // passes for the flows' state, so say so once per wait.
        await delay(waitMs);
        if (this.running && !this.followCancelled) this.options.onFollowed?.(this.state);
      } else {
        // At most one round per wait: a busy topic (offset syncs under traffic) would otherwise
        // answer at once, round after round. What arrives meanwhile is read by the next round.
        const rest = waitMs - (this.now() - roundStart);
        if (rest > 0) await delay(rest);
      }
    }
  }

  /** One follow round; false when there was nothing to follow. */
  private async followRound(follow: NonNullable<ClusterPollerOptions['follow']>, waitMs: number): Promise<boolean> {
    const plan = this.followPlan;
    if (!plan || !this.state.up || !this.connected) return false;
    const specs = follow.topics(plan);
    if (specs.length === 0) return false;
    const result = await this.tailer.follow(this.port, specs, { maxWaitMs: waitMs, paused: this.followPaused });
    if (result.rounds === 0) return false;
    if (this.followCancelled && !this.running) return true;
    for (const t of result.topics) {
      for (const p of t.partitions) {
        if (!p.problem) continue;
        this.followPaused.add(tpKey(t.topic, p.partition));
        // The next poll moves the position and reports the move; following only steps aside.
        if (p.problem.kind === 'out-of-range') p.problem = null;
      }
    }
    this.state.tailStuck = this.tailProblems.report(result, this.now(), new Set(specs.map((s) => s.topic)));
    this.options.onTailed?.(this.port.alias, { ...plan, tails: specs }, result);
    this.options.onFollowed?.(this.state);
    return true;
  }

  private async runPoll(): Promise<void> {
    const { logger, telemetry, timeoutMs } = this.options;
    const started = this.now();
    let abandoned = false;
    const work = this.poll(started + timeoutMs, () => abandoned);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new PollTimeoutError(timeoutMs)), timeoutMs);
    });
    try {
      const reading = await Promise.race([work, timeout]);
      this.state.previousReading = this.state.reading;
      this.state.reading = reading;
      this.state.up = true;
      this.state.lastSuccessMs = this.now();
      if (this.state.lastError !== null) logger.info({ cluster: this.port.alias }, 'cluster reachable again');
      this.state.lastError = null;
    } catch (err) {
      const kind = classifyError(err);
      telemetry.pollError(this.port.alias, kind);
      const message = errorMessage(err);
      if (this.state.lastError !== message) {
        logger.warn({ cluster: this.port.alias, kind, err: message }, `poll of cluster ${this.port.alias} failed: ${message}`);
      }
      this.state.up = false;
      this.state.lastError = message;
      // The failure is news now, not after the wait below: publish it at the timeout.
      abandoned = true;
      this.options.onPolled(this.state);
      // A timed-out poll may still be waiting on Kafka: it must settle before the next one starts,
      // and the next one reads the metadata afresh. The port must NOT be closed here: close() is
      // final (KafkaPort contract), and a closed port would keep this cluster down forever after
      // one failed poll. Connections the broker dropped are re-established on next use.
      // An abandoned poll issues no further request (see abandonable()); the one in flight ends
      // within the cluster's timeouts.
      this.connected = false;
      await Promise.race([work.catch(() => {}), delay(Math.max(timeoutMs, this.options.settleTimeoutMs ?? 0))]);
    } finally {
      clearTimeout(timer);
      this.state.polls++;
      this.state.lastDurationSeconds = (this.now() - started) / 1000;
      this.options.onPolled(this.state);
    }
  }

  private async poll(deadlineMs: number, abandoned: () => boolean): Promise<ClusterReading> {
    const port = abandonable(this.port, abandoned);
    if (!this.connected) {
      await port.connect();
      // An abandoned poll must not undo the reset its failure made (see runPoll).
      if (!abandoned()) this.connected = true;
    }
    const topicList = await port.listTopics();
    const topics = new Map(topicList.map((t) => [t.name, t.partitions]));
    const plan = this.options.plan(this.port.alias, topicList);

    const wanted = new Set<string>(plan.offsetTopics);
    for (const t of plan.tails) wanted.add(t.topic);
    const partitions: TopicPartition[] = [];
    for (const topic of wanted) {
      for (const partition of topics.get(topic) ?? []) partitions.push({ topic, partition });
    }
    this.state.partitionsPolled = partitions.length;
    const offsetList = partitions.length > 0 ? await port.fetchOffsets(partitions) : [];
    const readAtMs = this.now();
    const offsets = new Map<string, PartitionOffsets>();
    const offsetsByTopic = new Map<string, Map<number, PartitionOffsets>>();
    const dataTopics = new Set(plan.exportTopics ?? plan.offsetTopics);
    const dataPartitions: PartitionOffsets[] = [];
    for (const o of offsetList) offsets.set(tpKey(o.topic, o.partition), o);
    for (const o of offsets.values()) {
      let byPartition = offsetsByTopic.get(o.topic);
      if (!byPartition) offsetsByTopic.set(o.topic, (byPartition = new Map()));
      byPartition.set(o.partition, o);
      if (dataTopics.has(o.topic)) dataPartitions.push(o);
    }

    if (this.options.afterOffsets) await this.options.afterOffsets(port, offsets, deadlineMs);

    const tails = plan.tails.filter((t) => topics.has(t.topic));
    if (this.tailsToReread.size > 0) {
      this.tailer.forget(this.tailsToReread);
      this.tailsToReread.clear();
    }
    this.tailer.retain(tails);
    const tailed = await this.tailer.tail(port, tails, offsets, { deadlineMs, maxRounds: 50, now: this.now });
    this.state.tailStuck = this.tailProblems.report(tailed, this.now());
    this.options.onTailed?.(this.port.alias, { ...plan, tails }, tailed);
    if (!abandoned()) {
      this.followPlan = { ...plan, tails };
      this.followPaused.clear();
    }

    const committed = plan.groups.length > 0 ? await port.fetchCommittedOffsets(plan.groups) : [];
    return { readAtMs, topics, offsets, offsetsByTopic, committed, dataTopics, dataPartitions };
  }
}

/**
 * The port as one poll sees it: once the poll is abandoned (timed out), every further call fails
 * at once, so a late answer cannot lead an abandoned poll on to new requests while the next poll
 * runs.
 */
function abandonable(port: KafkaPort, abandoned: () => boolean): KafkaPort {
  const guard = <T>(call: () => Promise<T>): Promise<T> =>
    abandoned() ? Promise.reject(new Error(`poll of cluster ${port.alias} abandoned at its timeout`)) : call();
  return {
    alias: port.alias,
    connect: () => guard(() => port.connect()),
    close: () => port.close(),
    listTopics: () => guard(() => port.listTopics()),
    fetchOffsets: (partitions) => guard(() => port.fetchOffsets(partitions)),
    fetchOffsetsForTimes: (queries) => guard(() => port.fetchOffsetsForTimes(queries)),
    describeTopicConfigs: (topics, keys) => guard(() => port.describeTopicConfigs(topics, keys)),
    fetch: (requests, options) => guard(() => port.fetch(requests, options)),
    fetchCommittedOffsets: (groups) => guard(() => port.fetchCommittedOffsets(groups)),
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    t.unref?.();
  });
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

/** A small, stable set of kinds for the `kind` label of mirrorwatch_poll_errors_total. */
export function classifyError(err: unknown): string {
  if (err instanceof PollTimeoutError) return 'timeout';
  const text = `${err instanceof Error ? `${err.name} ${err.message}` : String(err)}`.toLowerCase();
  if (/sasl|authenticat|authoriz|credential/.test(text)) return 'auth';
  if (/ssl|tls|certificate/.test(text)) return 'tls';
  if (/timeout|timed out/.test(text)) return 'timeout';
  if (/connect|econnrefused|enotfound|ehostunreach|socket|closed|broker/.test(text)) return 'connection';
  return 'other';
}
