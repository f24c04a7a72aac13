// Is MM2 copying this flow right now? One state per flow, with the reasons behind it, derived from
// the evidence mirrorwatch already holds: the newest heartbeat (followed between polls) and, per
// partition, the source end, the target end and the newest offset sync. Pure: the caller passes
// the time and keeps the memory between evaluations (what moved when; whether a gap was seen).
//
// States, most urgent first:
// - blind: mirrorwatch cannot read what the judgement needs (a cluster of the flow unread or
//   down, the heartbeats topic unreadable). Never reported as MM2 being down: a blind flow is
//   not mm2-silent, however old its last heartbeat.
// - mm2-silent: heartbeats are expected and none arrived for longer than silentAfterMs, measured
//   at mirrorwatch's last complete read of the heartbeats topic (so a late read is not silence).
// - topic-stalled: heartbeats flow (or are not expected), but on some partition the source end
//   moved while the target end and the offset syncs stood still for longer than stalledAfterMs:
//   one MM2 task failed while the others (and the heartbeats) carry on.
// - catching-up: after a silence or a stall, MM2 copies again and the flow's lag is still above
//   its maxLagRecords; it ends when the lag is back within bounds.
// - copying: none of the above.
import { formatSeconds } from './failover.js';

export const REPLICATION_STATES = ['copying', 'catching-up', 'topic-stalled', 'mm2-silent', 'blind'] as const;
export type ReplicationStateName = (typeof REPLICATION_STATES)[number];

export interface ReplicationThresholds {
  /** No heartbeat for longer than this (ms) is mm2-silent. */
  silentAfterMs: number;
  /** A source end moving while the target end and offset syncs stand still this long (ms) is topic-stalled. */
  stalledAfterMs: number;
}

/** MM2 emits a heartbeat every second by default; a planned restart is silent for ~10-30 s (alert rules add their own grace). */
export const DEFAULT_REPLICATION_THRESHOLDS: ReplicationThresholds = { silentAfterMs: 10_000, stalledAfterMs: 30_000 };

export interface StatePartition {
  /** Source topic name. */
  topic: string;
  partition: number;
  sourceEnd: number;
  /** null when the remote partition is missing or unread. */
  targetEnd: number | null;
  /** Upstream offset of the newest offset sync; null without one. */
  syncUpstream: number | null;
  lagRecords: number | null;
}

export interface ReplicationStateInput {
  nowMs: number;
  /** Why mirrorwatch cannot judge this flow now; any reason makes the state blind. */
  blindReasons: string[];
  heartbeat: {
    expected: boolean;
    /** Newest heartbeat timestamp (epoch ms); null when none seen. */
    lastMs: number | null;
    /** When mirrorwatch last read the heartbeats topic to its end without a problem; null when never. */
    readAtMs: number | null;
    topic: string;
  };
  /** When the partitions' offsets were read (changes only with a new reading); null when unread. */
  offsetsReadAtMs: number | null;
  partitions: readonly StatePartition[];
  /** The flow's total lag; null when unknown. */
  lagRecords: number | null;
  maxLagRecords: number;
}

export interface ReplicationState {
  state: ReplicationStateName;
  /** Epoch ms the flow entered this state (as far as this mirrorwatch saw). */
  sinceMs: number;
  /** Why the state is what it is; empty for copying. */
  reasons: string[];
  /** Source topics with a stalled partition, sorted; empty unless topic-stalled. */
  stalledTopics: string[];
  /** Heartbeat age (seconds) at the last complete read of the heartbeats topic; null when unknown. */
  heartbeatAgeSeconds: number | null;
}

interface PartitionMemory {
  sourceEnd: number;
  targetEnd: number | null;
  syncUpstream: number | null;
  /** When (reading time) the target end or offset sync last moved, or the partition was caught up. */
  progressMs: number;
  /** The source end at that moment: a stall needs the source to have moved since. */
  sourceEndAtProgress: number;
}

/** What evaluateReplicationState() carries from one evaluation of a flow to the next. */
export interface ReplicationMemory {
  /** First evaluation: "no heartbeat seen" is silence only after silentAfterMs from here. */
  startedMs: number;
  state: ReplicationStateName;
  sinceMs: number;
  /** Set by a silence or a stall, cleared once the lag is back within bounds. */
  gap: { kind: 'mm2-silent' | 'topic-stalled'; peakLag: number | null } | null;
  /** Reading time of the partition offsets last folded into `partitions`. */
  offsetsReadAtMs: number | null;
  partitions: Map<string, PartitionMemory>;
}

export function newReplicationMemory(nowMs: number): ReplicationMemory {
  return { startedMs: nowMs, state: 'blind', sinceMs: nowMs, gap: null, offsetsReadAtMs: null, partitions: new Map() };
}

const key = (p: Pick<StatePartition, 'topic' | 'partition'>): string => `${p.topic}\u0000${p.partition}`;

const seconds = (ms: number): string => formatSeconds(ms / 1000);

/**
 * Folds a new offsets reading into the partitions' memory (once per reading) and returns the
 * partitions stalled as of that reading. The memory's partition map is updated in place: at tens
 * of thousands of partitions, copying it per evaluation would cost more than the evaluation.
 */
function stalledPartitions(memory: ReplicationMemory, input: ReplicationStateInput, stalledAfterMs: number): StatePartition[] {
  const at = input.offsetsReadAtMs;
  if (at === null) return [];
  const fresh = memory.offsetsReadAtMs !== at;
  const seen = new Set<string>();
  const stalled: StatePartition[] = [];
  for (const p of input.partitions) {
    const k = key(p);
    seen.add(k);
    let m = memory.partitions.get(k);
    if (!m) {
      m = { sourceEnd: p.sourceEnd, targetEnd: p.targetEnd, syncUpstream: p.syncUpstream, progressMs: at, sourceEndAtProgress: p.sourceEnd };
      memory.partitions.set(k, m);
    } else if (fresh) {
      const moved = p.targetEnd !== m.targetEnd || p.syncUpstream !== m.syncUpstream;
      // A topic recreated (source end went back) starts over as well.
      if (moved || p.lagRecords === 0 || p.sourceEnd < m.sourceEndAtProgress) {
        m.progressMs = at;
        m.sourceEndAtProgress = p.sourceEnd;
      }
      m.sourceEnd = p.sourceEnd;
      m.targetEnd = p.targetEnd;
      m.syncUpstream = p.syncUpstream;
    }
    // A missing remote partition is drift (reported elsewhere), not a stalled task.
    if (p.targetEnd === null) continue;
    if (p.lagRecords === 0) continue;
    if (m.sourceEnd > m.sourceEndAtProgress && at - m.progressMs >= stalledAfterMs) stalled.push(p);
  }
  if (fresh) {
    for (const k of memory.partitions.keys()) if (!seen.has(k)) memory.partitions.delete(k);
    memory.offsetsReadAtMs = at;
  }
  return stalled;
}

/**
 * The flow's replication state now. `memory` is the previous evaluation's (null for the first);
 * the returned memory is the one to pass next time (the same object, updated).
 */
export function evaluateReplicationState(
  memory: ReplicationMemory | null,
  input: ReplicationStateInput,
  thresholds: ReplicationThresholds = DEFAULT_REPLICATION_THRESHOLDS,
): { state: ReplicationState; memory: ReplicationMemory } {
  const mem = memory ?? newReplicationMemory(input.nowMs);
  const hb = input.heartbeat;
  const heartbeatAgeMs =
    hb.lastMs === null ? null : Math.max(0, (hb.readAtMs ?? input.nowMs) - hb.lastMs);

  let state: ReplicationStateName;
  const reasons: string[] = [];
  let stalledTopics: string[] = [];

  // Stall memory follows every reading, also while blind or silent, so that "stood still since"
  // stays true across those states.
  const stalled = stalledPartitions(mem, input, thresholds.stalledAfterMs);

  if (input.blindReasons.length > 0) {
    state = 'blind';
    reasons.push(...input.blindReasons);
  } else if (hb.expected && isSilent(mem, input, heartbeatAgeMs, thresholds.silentAfterMs)) {
    state = 'mm2-silent';
    reasons.push(
      heartbeatAgeMs === null
        ? `no heartbeat seen in ${hb.topic} for ${seconds(input.nowMs - mem.startedMs)}`
        : `no heartbeat in ${hb.topic} for ${seconds(heartbeatAgeMs)} > ${seconds(thresholds.silentAfterMs)}`,
    );
  } else if (stalled.length > 0) {
    state = 'topic-stalled';
    stalledTopics = [...new Set(stalled.map((p) => p.topic))].sort();
    const byTopic = new Map<string, number[]>();
    for (const p of stalled) {
      const list = byTopic.get(p.topic) ?? [];
      list.push(p.partition);
      byTopic.set(p.topic, list);
    }
    for (const [topic, parts] of [...byTopic].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const since = Math.min(...stalled.filter((p) => p.topic === topic).map((p) => mem.partitions.get(key(p))!.progressMs));
      reasons.push(
        `topic ${topic} stalled: the source end moved while the target end and offset syncs stood still for ${seconds((input.offsetsReadAtMs ?? input.nowMs) - since)} (partition${parts.length === 1 ? '' : 's'} ${parts.sort((a, b) => a - b).join(', ')})`,
      );
    }
  } else if (mem.gap !== null && (input.lagRecords === null || input.lagRecords > input.maxLagRecords)) {
    state = 'catching-up';
    const after = mem.gap.kind === 'mm2-silent' ? 'a heartbeat silence' : 'a stalled topic';
    reasons.push(
      input.lagRecords === null
        ? `copying again after ${after}; lag not known yet`
        : `catching up after ${after}: lag ${input.lagRecords} records${mem.gap.peakLag !== null ? ` (peak ${mem.gap.peakLag})` : ''} > ${input.maxLagRecords}`,
    );
  } else {
    state = 'copying';
    mem.gap = null;
  }

  if (state === 'mm2-silent' || state === 'topic-stalled') {
    const peak = mem.gap?.peakLag ?? null;
    const lag = input.lagRecords;
    mem.gap = { kind: state, peakLag: lag === null ? peak : Math.max(peak ?? 0, lag) };
  } else if (state === 'catching-up' && mem.gap !== null && input.lagRecords !== null) {
    mem.gap.peakLag = Math.max(mem.gap.peakLag ?? 0, input.lagRecords);
  }

  if (state !== mem.state) {
    mem.state = state;
    mem.sinceMs = input.nowMs;
  }
  return {
    state: {
      state,
      sinceMs: mem.sinceMs,
      reasons,
      stalledTopics,
      heartbeatAgeSeconds: heartbeatAgeMs === null ? null : heartbeatAgeMs / 1000,
    },
    memory: mem,
  };
}

function isSilent(mem: ReplicationMemory, input: ReplicationStateInput, heartbeatAgeMs: number | null, silentAfterMs: number): boolean {
  if (heartbeatAgeMs !== null) return heartbeatAgeMs > silentAfterMs;
  // None seen at all: silence once mirrorwatch has watched (and read) long enough to expect one.
  return input.nowMs - mem.startedMs > silentAfterMs;
}
