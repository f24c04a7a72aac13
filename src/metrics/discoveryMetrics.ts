// Series of run-time discovery (`flows: discover`). They change once per discovery, not with each
// snapshot, so they live in the prom-client registry.
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { DiscoveredFlowState, TrackedFlow } from '../core/flowSet.js';

const STATES: readonly DiscoveredFlowState[] = ['active', 'vanished'];

export interface DiscoveryMetrics {
  /** The flow set after a discovery. */
  flows(flows: readonly TrackedFlow[]): void;
  /** A discovery ended; `failedClusters` are those it could not read. */
  ran(atMs: number, failedClusters: readonly string[]): void;
}

export function createDiscoveryMetrics(registry: Registry): DiscoveryMetrics {
  const registers = [registry];
  const discovered = new Gauge({
    name: 'mm2_flow_discovered',
    help: 'Flows found by discovery (flows: discover): 1 for the current state of active, vanished (its MM2 topics are gone); 0 for the other.',
    labelNames: ['source', 'target', 'state'] as const,
    registers,
  });
  const errors = new Counter({
    name: 'mirrorwatch_discovery_errors_total',
    help: 'Discoveries that could not read a cluster (its known flows are kept as they were).',
    labelNames: ['cluster'] as const,
    registers,
  });
  const lastRun = new Gauge({
    name: 'mirrorwatch_discovery_last_run_timestamp_seconds',
    help: 'When the last discovery of the flows ended (Unix time).',
    registers,
  });
  return {
    flows(flows) {
      for (const f of flows) for (const s of STATES) discovered.set({ source: f.source, target: f.target, state: s }, f.state === s ? 1 : 0);
    },
    ran(atMs, failedClusters) {
      lastRun.set(atMs / 1000);
      for (const c of failedClusters) errors.inc({ cluster: c });
    },
  };
}
