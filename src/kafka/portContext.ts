// What the port's operations share: the cluster's connections plus where failures are reported.
import type { TopicPartition } from '../core/types.js';
import type { BrokerConnections } from './brokerConnections.js';
import type { FailureContext } from './partialFailures.js';
import type { ClusterMetadata } from './metadataModel.js';

export interface PortContext extends FailureContext {
  conns: BrokerConnections;
  /** Metadata older than this is refreshed before routing requests by leader. */
  metadataMaxAgeMs: number;
}

/**
 * Metadata to route requests for `topics`: the cached copy when it is fresh (so a poll that listed
 * topics first pays no second Metadata request), else one refresh. A fresh all-topics listing that
 * lacks a topic is trusted: the request path then reports it unknown, refreshes once and retries.
 */
export async function metadataFor(ctx: PortContext, topics: readonly string[]): Promise<ClusterMetadata> {
  const meta = ctx.conns.metadata;
  if (!meta || Date.now() - meta.fetchedAt > ctx.metadataMaxAgeMs) return ctx.conns.refreshMetadata(null);
  if (meta.complete) return meta;
  const missing = [...new Set(topics)].filter((t) => !meta.topics.has(t));
  return missing.length > 0 ? ctx.conns.refreshMetadata(missing) : meta;
}

export function topicsOf(items: readonly TopicPartition[]): string[] {
  return [...new Set(items.map((i) => i.topic))];
}

export const tpLabel = (tp: TopicPartition): string => `${tp.topic}-${tp.partition}`;
