// Copies of the configuration that are safe to log or serve from /api: secrets replaced.
import type { ClusterConfig, MirrorwatchConfig } from '../core/types.js';
import { redactHttp } from './httpProtection.js';

export const REDACTED = '[redacted]';

export function redactCluster(cluster: ClusterConfig): ClusterConfig {
  const out: ClusterConfig = { ...cluster, bootstrapServers: [...cluster.bootstrapServers] };
  if (cluster.sasl) out.sasl = { ...cluster.sasl, password: REDACTED };
  if (cluster.tls) {
    out.tls = { ...cluster.tls };
    // Certificates are public, private keys are not.
    if (cluster.tls.key !== undefined) out.tls.key = REDACTED;
  }
  return out;
}

export function redactConfig(config: MirrorwatchConfig): MirrorwatchConfig {
  return {
    ...config,
    clusters: config.clusters.map(redactCluster),
    flows: config.flows.map((f) => ({ ...f, topics: [...f.topics], topicsExclude: [...f.topicsExclude], groups: [...f.groups] })),
    replicationPolicy: { ...config.replicationPolicy },
    poll: { ...config.poll },
    ...(config.replicationState ? { replicationState: { ...config.replicationState } } : {}),
    http: redactHttp(config.http),
    warnings: config.warnings.map((w) => ({ ...w })),
  };
}
