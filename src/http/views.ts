// JSON shapes of the /api/v1 endpoints, built from a Snapshot. Kept apart from the routes so the
// CLI can print the same shapes.
import type { ClusterStatus, FlowStatus, Snapshot } from '../core/types.js';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function flowPath(flow: { source: string; target: string }): string {
  return `/api/v1/flows/${encodeURIComponent(flow.source)}/${encodeURIComponent(flow.target)}`;
}

export function snapshotMeta(snapshot: Snapshot) {
  return {
    sequence: snapshot.sequence,
    takenAtMs: snapshot.takenAtMs,
    takenAt: iso(snapshot.takenAtMs),
    complete: snapshot.complete,
  };
}

/** Cluster status without its partition list (tens of thousands of entries on big clusters). */
export function clusterView(cluster: ClusterStatus) {
  return {
    alias: cluster.alias,
    up: cluster.up,
    lastSuccessMs: cluster.lastSuccessMs,
    lastSuccessAt: iso(cluster.lastSuccessMs),
    lastPollDurationSeconds: cluster.lastPollDurationSeconds,
    lastError: cluster.lastError,
    partitions: cluster.partitions.length,
    tailStuck: cluster.tailStuck ?? [],
  };
}

export function flowSummaryView(flow: FlowStatus) {
  return {
    source: flow.source,
    target: flow.target,
    known: flow.known,
    totals: flow.totals,
    heartbeat: flow.heartbeat,
    blind: flow.blind ?? [],
    readings: flow.readings ?? null,
    replication: flow.replication ?? null,
    failover: { ready: flow.failover.ready, reasons: flow.failover.reasons },
    links: { detail: flowPath(flow), failover: `${flowPath(flow)}/failover` },
  };
}

export function flowsView(snapshot: Snapshot) {
  return {
    snapshot: snapshotMeta(snapshot),
    clusters: snapshot.clusters.map(clusterView),
    flows: snapshot.flows.map(flowSummaryView),
  };
}

/** Every topic and partition of the flow, including the basis of `replicated`; optionally one topic. */
export function flowDetailView(snapshot: Snapshot, flow: FlowStatus, topic?: string) {
  const topics = topic === undefined ? flow.topics : flow.topics.filter((t) => t.topic === topic);
  return {
    snapshot: snapshotMeta(snapshot),
    source: flow.source,
    target: flow.target,
    known: flow.known,
    totals: flow.totals,
    heartbeat: flow.heartbeat,
    blind: flow.blind ?? [],
    readings: flow.readings ?? null,
    replication: flow.replication ?? null,
    failover: flow.failover,
    clusters: snapshot.clusters.filter((c) => c.alias === flow.source || c.alias === flow.target).map(clusterView),
    topics,
    checkpoints: flow.checkpoints,
  };
}

export function failoverView(snapshot: Snapshot, flow: FlowStatus) {
  return {
    snapshot: snapshotMeta(snapshot),
    source: flow.source,
    target: flow.target,
    known: flow.known,
    ready: flow.failover.ready,
    reasons: flow.failover.reasons,
    rpo: flow.failover.rpo,
    totals: flow.totals,
    heartbeat: {
      expected: flow.heartbeat.expected,
      ageSeconds: flow.heartbeat.ageSeconds,
      ...(flow.heartbeat.blind !== undefined ? { blind: flow.heartbeat.blind } : {}),
    },
    blind: flow.blind ?? [],
    replication: flow.replication ?? null,
  };
}

export function findFlow(snapshot: Snapshot, source: string, target: string): FlowStatus | undefined {
  return snapshot.flows.find((f) => f.source === source && f.target === target);
}
