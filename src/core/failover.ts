// Failover readiness of a flow S->T: may consumers and producers move to T now, and what would
// be lost if they did (RPO)? Every failed rule adds one short reason; ready means none failed.
//
// Rules:
// - both clusters read at least once;
// - heartbeats (when expected for the flow): seen, and age <= maxHeartbeatAgeSeconds;
// - total lag <= maxLagRecords; lag known on every partition whose remote partition exists;
// - nothing lost (records deleted on the source before MM2 copied them);
// - no drift: every remote topic present with all its partitions;
// - checkpoints of each configured group: present, and not stale. Stale means older than
//   maxCheckpointAgeSeconds (default max(120 s, 3 x maxHeartbeatAgeSeconds): MM2 emits
//   checkpoints every emit.checkpoints.interval.seconds = 60 s by default, and may wait one
//   offset flush (60 s) for the offset sync a checkpoint needs) WHILE the group has committed
//   past its checkpoint. MM2 writes no new checkpoint for a group that commits nothing new, so an
//   idle group whose checkpoints cover its committed offsets is current however old they are.
//   Without committed offsets to compare with, age alone decides.
// - mirrorwatch can read every MM2 topic of the flow: a topic it cannot read or decode (a blind
//   spot) is a reason of its own, worded as mirrorwatch's problem ("cannot read X on C: ..."),
//   and replaces the rules that topic feeds: no "heartbeat stale" while the heartbeats topic is
//   unreadable, no "no checkpoints" while the checkpoints topic is.
// RPO: lagging records (plus every retained record of partitions missing on the target) and the
// largest lag in seconds; null when some partition's figure is unknown.
import { compareNames } from './topicFilter.js';
import type { FailoverVerdict, FlowConfig, FlowStatus, PartitionStatus } from './types.js';
import type { ReplicationState } from './replicationState.js';

export type FailoverInput = Omit<FlowStatus, 'failover'> & {
  /** Which cluster is unread, for the reason text; `known` alone is enough to decide. */
  sourceRead?: boolean;
  targetRead?: boolean;
};

type FailoverFlow = Pick<FlowConfig, 'groups' | 'maxLagRecords' | 'maxHeartbeatAgeSeconds' | 'maxCheckpointAgeSeconds'>;

const MIN_CHECKPOINT_AGE_SECONDS = 120;
const LISTED_NAMES = 5;

export function checkpointAgeBoundSeconds(flow: Pick<FlowConfig, 'maxHeartbeatAgeSeconds' | 'maxCheckpointAgeSeconds'>): number {
  return flow.maxCheckpointAgeSeconds ?? Math.max(MIN_CHECKPOINT_AGE_SECONDS, 3 * flow.maxHeartbeatAgeSeconds);
}

/** "42 s", "30.4 s": one decimal only where it tells two close values apart. */
export function formatSeconds(seconds: number): string {
  const rounded = seconds >= 100 ? Math.round(seconds) : Math.round(seconds * 10) / 10;
  return `${rounded} s`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function listNames(names: string[]): string {
  const shown = names.slice(0, LISTED_NAMES).join(', ');
  return names.length > LISTED_NAMES ? `${shown} and ${names.length - LISTED_NAMES} more` : shown;
}

const partitionName = (p: Pick<PartitionStatus, 'topic' | 'partition'>): string => `${p.topic}-${p.partition}`;

export function failoverVerdict(status: FailoverInput, flow: FailoverFlow, nowMs: number): FailoverVerdict {
  const reasons: string[] = [];

  if (!status.known) {
    const unread = [
      status.sourceRead === false ? `source cluster ${status.source}` : null,
      status.targetRead === false ? `target cluster ${status.target}` : null,
    ].filter((x): x is string => x !== null);
    reasons.push(unread.length > 0 ? `${unread.join(' and ')} not read yet` : `clusters ${status.source} and ${status.target} not both read yet`);
  }

  const blind = status.blind ?? [];
  const blindTo = (evidence: string): boolean => blind.some((b) => b.evidence === evidence);
  for (const b of blind) reasons.push(`${b.reason} (mirrorwatch is blind to this flow's ${b.evidence})`);

  const hb = status.heartbeat;
  if (hb.expected && !blindTo('heartbeats')) {
    if (hb.lastTimestampMs === null) {
      reasons.push(`no heartbeat seen in ${hb.topic} on ${status.target}`);
    } else {
      const age = Math.max(0, nowMs - hb.lastTimestampMs) / 1000;
      if (age > flow.maxHeartbeatAgeSeconds) {
        reasons.push(`heartbeat stale: ${formatSeconds(age)} > ${formatSeconds(flow.maxHeartbeatAgeSeconds)}`);
      }
    }
  }

  let lagSum = 0;
  let lagging = 0;
  let atRisk = 0;
  let rpoUnknown = !status.known;
  let secondsUnknown = false;
  let maxSeconds: number | null = null;
  const lost: PartitionStatus[] = [];
  const unexplainedUnknown: PartitionStatus[] = [];
  const driftReasons: string[] = [];
  let topicsMissing = 0;

  for (const t of status.topics) {
    if (t.remoteMissing) {
      topicsMissing++;
      if (topicsMissing <= LISTED_NAMES * 2) driftReasons.push(`remote topic ${t.remoteTopic} missing`);
    } else if (t.partitionsMissing > 0 && t.targetPartitions !== null) {
      driftReasons.push(`remote topic ${t.remoteTopic} has ${t.targetPartitions} of ${t.sourcePartitions} partitions`);
    }
    for (const p of t.partitions) {
      if (p.recordsLost > 0) lost.push(p);
      if (p.lagRecords !== null) {
        lagSum += p.lagRecords;
        if (p.lagRecords > 0) lagging++;
        if (p.lagSeconds !== null) maxSeconds = Math.max(maxSeconds ?? 0, p.lagSeconds);
        else if (p.lagRecords > 0) rpoUnknown = true;
        continue;
      }
      if (p.remotePartitionMissing) {
        // Nothing of it is on the target: every retained record would be lost, since when
        // cannot be dated without a replicated position.
        const retained = Math.max(0, p.sourceEnd - p.sourceStart);
        atRisk += retained;
        if (retained > 0) secondsUnknown = true;
      } else {
        unexplainedUnknown.push(p);
        rpoUnknown = true;
      }
    }
  }
  if (topicsMissing > LISTED_NAMES * 2) driftReasons.push(`and ${topicsMissing - LISTED_NAMES * 2} more remote topics missing`);

  if (lagSum > flow.maxLagRecords) {
    reasons.push(`lag ${lagSum} records > ${flow.maxLagRecords} on ${plural(lagging, 'partition')}`);
  }
  // Before both clusters are read every lag is unknown; the reason above already says why.
  if (unexplainedUnknown.length > 0 && status.known) {
    reasons.push(`lag unknown on ${plural(unexplainedUnknown.length, 'partition')}: ${listNames(unexplainedUnknown.map(partitionName))}`);
  }
  if (lost.length > 0) {
    const total = lost.reduce((n, p) => n + p.recordsLost, 0);
    // "data lost" leads: it is the reason that pages, and runbooks grep for it.
    reasons.push(`data lost: ${total} records deleted on the source before MM2 copied them (${listNames(lost.map(partitionName))})`);
  }
  reasons.push(...driftReasons);

  const bound = checkpointAgeBoundSeconds(flow);
  const groups = blindTo('checkpoints') ? [] : [...new Set(flow.groups)].sort(compareNames);
  for (const group of groups) {
    const cp = status.checkpoints.find((c) => c.group === group);
    if (!cp || cp.lastCheckpointMs === null) {
      reasons.push(`no checkpoints for group ${group}`);
      continue;
    }
    const age = Math.max(0, nowMs - cp.lastCheckpointMs) / 1000;
    if (age <= bound) continue;
    const compared = cp.partitions.filter((p) => p.lagRecords !== null);
    const behind = compared.reduce((n, p) => n + (p.lagRecords ?? 0), 0);
    if (compared.length > 0 && behind === 0) continue; // idle group, checkpoints cover its commits
    const detail = compared.length > 0 ? `, ${behind} records behind the group's commits` : '';
    reasons.push(`checkpoints for group ${group} stale: ${formatSeconds(age)} > ${formatSeconds(bound)}${detail}`);
  }

  return {
    ready: reasons.length === 0,
    reasons,
    rpo: {
      records: rpoUnknown ? null : lagSum + atRisk,
      seconds: rpoUnknown || secondsUnknown ? null : (maxSeconds ?? 0),
    },
  };
}

/**
 * Adds what the replication state says to a verdict: MM2 silent or a topic stalled is a reason not
 * to fail over blind to it; a blind state adds only what the verdict does not already say.
 * catching-up and copying add nothing (the lag rules speak for them).
 */
export function withReplicationState(verdict: FailoverVerdict, replication: ReplicationState | undefined): FailoverVerdict {
  if (!replication) return verdict;
  let added: string[] = [];
  if (replication.state === 'mm2-silent' || replication.state === 'topic-stalled') {
    added = replication.reasons.map((r) => `${replication.state}: ${r}`);
  } else if (replication.state === 'blind') {
    added = replication.reasons.filter((r) => !verdict.reasons.some((v) => v.includes(r)));
  }
  if (added.length === 0) return verdict;
  const reasons = [...verdict.reasons, ...added];
  return { ...verdict, ready: false, reasons };
}
