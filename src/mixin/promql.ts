// PromQL pieces the mixin's rules are built from, parameterised by the mixin settings.
import type { MixinConfig } from './config.js';

export interface Q {
  /** `metric{selector, extra}`: a raw mirrorwatch series, restricted to the configured selector. */
  m(metric: string, extra?: string): string;
  /** `by (<deployment labels>, ...labels)`: an aggregation that keeps deployments apart. */
  by(...labels: string[]): string;
  /** `on (<deployment labels>, ...labels)`: a join within one deployment. */
  on(...labels: string[]): string;
  /** `by`, also keeping the replica labels: per-replica monitor series. */
  byReplica(...labels: string[]): string;
  onReplica(...labels: string[]): string;
  /**
   * The Kafka clusters no replica of a deployment can reach, labelled `<as>` = the alias, for
   * `unless on (<deployment>, <as>)` against flow series.
   */
  unreachableAs(as: 'source' | 'target'): string;
}

export function promql(c: MixinConfig): Q {
  const list = (labels: readonly string[]): string => [...new Set(labels)].join(', ');
  const m = (metric: string, extra?: string): string => {
    const matchers = [c.selector, extra].filter((s): s is string => s !== undefined && s !== '');
    return matchers.length === 0 ? metric : `${metric}{${matchers.join(', ')}}`;
  };
  const by = (...labels: string[]): string => `by (${list([...c.deploymentLabels, ...labels])})`;
  const on = (...labels: string[]): string => `on (${list([...c.deploymentLabels, ...labels])})`;
  return {
    m,
    by,
    on,
    byReplica: (...labels) => `by (${list([...c.deploymentLabels, ...c.replicaLabels, ...labels])})`,
    onReplica: (...labels) => `on (${list([...c.deploymentLabels, ...c.replicaLabels, ...labels])})`,
    unreachableAs: (as) => `label_replace(max ${by('cluster')} (${m('mirrorwatch_cluster_up')}) == 0, "${as}", "$1", "cluster", "(.*)")`,
  };
}

/** 10000 -> "10k", 1500000 -> "1.5M": how descriptions quote record thresholds. */
export function humanizeCount(n: number): string {
  if (Math.abs(n) >= 1e6) return `${+(n / 1e6).toFixed(3)}M`;
  if (Math.abs(n) >= 1e3) return `${+(n / 1e3).toFixed(3)}k`;
  return String(n);
}

/** 60 -> "60s", 300 -> "5m", 7200 -> "2h": how descriptions quote second thresholds. */
export function humanizeSeconds(s: number): string {
  if (s >= 7200 && s % 3600 === 0) return `${s / 3600}h`;
  if (s >= 120 && s % 60 === 0) return `${s / 60}m`;
  return `${s}s`;
}
