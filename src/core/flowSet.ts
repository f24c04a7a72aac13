// The daemon's set of discovered flows (`flows: discover`), kept current from one discovery to the
// next. Pure: the flows known so far, what one discovery found and which clusters it could read
// in; the new set and what changed out.
//
// - A flow found for the first time is added; one found again after it vanished returns.
// - A flow is reported vanished only when both of its clusters were read and MM2's topics for it
//   were missing from VANISH_AFTER discoveries in a row: a cluster that could not be read says
//   nothing about its flows, and one odd listing does not end a flow.
// - A vanished flow stays in the set (state "vanished") so that it is reported, not dropped.
import type { DiscoveredFlow, PolicyInference } from './discovery.js';
import type { DiscoveryConfig, FlowConfig, ReplicationPolicyConfig } from './types.js';

/** Discoveries in a row without the flow's MM2 topics before it counts as vanished. */
export const VANISH_AFTER = 2;

export type DiscoveredFlowState = 'active' | 'vanished';

export interface TrackedFlow {
  source: string;
  target: string;
  state: DiscoveredFlowState;
  /** MM2 copies heartbeats along the flow (its remote heartbeats topic was seen). */
  heartbeats: boolean;
  offsetSyncsTopicLocation: 'source' | 'target';
  firstSeenMs: number;
  /** Last discovery that found the flow. */
  lastSeenMs: number;
  /** Since when the flow is vanished; null while active. */
  vanishedAtMs: number | null;
  /** Complete discoveries in a row that did not find it (reset when found). */
  missedRounds: number;
  /** MM2 topics the last discovery that found it saw, for the API ("what was there"). */
  evidence: string[];
}

export interface FlowSetChange {
  added: TrackedFlow[];
  returned: TrackedFlow[];
  vanished: TrackedFlow[];
  /** Still active, but the offset-syncs location the evidence shows changed (the flow is read again). */
  changed: TrackedFlow[];
}

export const flowName = (f: { source: string; target: string }): string => `${f.source}->${f.target}`;

/** The MM2 topics a discovered flow rests on, as `cluster:topic`. */
export function evidenceTopics(f: DiscoveredFlow): string[] {
  const e = f.evidence;
  const refs = [...e.remoteHeartbeats, ...e.checkpoints, ...e.offsetSyncs];
  return [...new Set(refs.map((r) => `${r.cluster}:${r.topic}`))].sort();
}

/**
 * One discovery applied to the known set. `readClusters` are the aliases whose topics this
 * discovery read; `found` are its flows between configured clusters.
 */
export function updateFlowSet(known: readonly TrackedFlow[], found: readonly DiscoveredFlow[], readClusters: ReadonlySet<string>, nowMs: number): { flows: TrackedFlow[]; change: FlowSetChange } {
  const change: FlowSetChange = { added: [], returned: [], vanished: [], changed: [] };
  const byName = new Map(found.map((f) => [flowName(f), f]));
  const flows: TrackedFlow[] = [];
  for (const k of known) {
    const f = byName.get(flowName(k));
    byName.delete(flowName(k));
    if (f) {
      const next: TrackedFlow = { ...k, state: 'active', heartbeats: f.heartbeats, offsetSyncsTopicLocation: f.offsetSyncsTopicLocation, lastSeenMs: nowMs, vanishedAtMs: null, missedRounds: 0, evidence: evidenceTopics(f) };
      if (k.state === 'vanished') change.returned.push(next);
      else if (k.offsetSyncsTopicLocation !== next.offsetSyncsTopicLocation) change.changed.push(next);
      flows.push(next);
      continue;
    }
    if (k.state === 'vanished' || !readClusters.has(k.source) || !readClusters.has(k.target)) {
      flows.push(k);
      continue;
    }
    const missedRounds = k.missedRounds + 1;
    if (missedRounds >= VANISH_AFTER) {
      const gone: TrackedFlow = { ...k, state: 'vanished', vanishedAtMs: nowMs, missedRounds };
      change.vanished.push(gone);
      flows.push(gone);
    } else {
      flows.push({ ...k, missedRounds });
    }
  }
  for (const f of byName.values()) {
    const added: TrackedFlow = {
      source: f.source,
      target: f.target,
      state: 'active',
      heartbeats: f.heartbeats,
      offsetSyncsTopicLocation: f.offsetSyncsTopicLocation,
      firstSeenMs: nowMs,
      lastSeenMs: nowMs,
      vanishedAtMs: null,
      missedRounds: 0,
      evidence: evidenceTopics(f),
    };
    change.added.push(added);
    flows.push(added);
  }
  flows.sort((a, b) => (flowName(a) < flowName(b) ? -1 : flowName(a) > flowName(b) ? 1 : 0));
  return { flows, change };
}

export const changed = (c: FlowSetChange): boolean => c.added.length + c.returned.length + c.vanished.length + c.changed.length > 0;

/**
 * The configuration the monitor watches an active discovered flow with (MM2's topic filter
 * defaults, the default bounds). Heartbeats are `auto`: expected once the remote heartbeats topic
 * exists or a heartbeat was seen. MM2 creates that topic a little after the checkpoints topic, so
 * a flow found early would otherwise flip from "no heartbeats" to "heartbeats" and be read anew.
 */
export function discoveredFlowConfig(f: TrackedFlow, d: DiscoveryConfig, bounds: { maxLagRecords: number; maxHeartbeatAgeSeconds: number }): FlowConfig {
  return {
    source: f.source,
    target: f.target,
    topics: [...d.topics],
    topicsExclude: [...d.topicsExclude],
    heartbeatsExpected: true,
    heartbeatsAuto: true,
    offsetSyncsTopicLocation: f.offsetSyncsTopicLocation,
    groups: [],
    maxLagRecords: bounds.maxLagRecords,
    maxHeartbeatAgeSeconds: bounds.maxHeartbeatAgeSeconds,
  };
}

export interface ChosenPolicy {
  policy: ReplicationPolicyConfig;
  from: 'configured' | 'inferred' | 'default';
  confidence: PolicyInference['confidence'] | null;
}

const RANK = { low: 0, medium: 1, high: 2 } as const;

/**
 * The replication policy the flows are watched with: the configured one when the file sets it;
 * otherwise what a discovery that found flows inferred, unless it is less sure than the one in
 * use (a low-confidence guess, e.g. before any topic was copied, does not replace a clear one).
 */
export function choosePolicy(current: ChosenPolicy, inferred: PolicyInference | null, configured: boolean): ChosenPolicy {
  if (configured || inferred === null) return current;
  if (current.from === 'inferred' && current.confidence !== null && RANK[inferred.confidence] < RANK[current.confidence]) return current;
  const policy: ReplicationPolicyConfig = { kind: inferred.kind, separator: inferred.separator };
  if (!inferred.internalSeparatorEnabled) policy.internalTopicSeparatorEnabled = false;
  return { policy, from: 'inferred', confidence: inferred.confidence };
}

export const samePolicy = (a: ReplicationPolicyConfig, b: ReplicationPolicyConfig): boolean =>
  a.kind === b.kind && a.separator === b.separator && (a.internalTopicSeparatorEnabled ?? true) === (b.internalTopicSeparatorEnabled ?? true);
