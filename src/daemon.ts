// Wires the daemon: config -> Kafka ports -> pollers -> snapshots -> metrics and HTTP.
// Start order: metrics, HTTP (answers /healthz and 503 on /readyz at once), then polling.
// Stop order is the reverse, bounded so SIGTERM always finishes within a few seconds.
import type { MirrorwatchConfig, Snapshot } from './core/types.js';
import { redactConfig } from './config/redact.js';
import { createHttpServer, type BoundAddress, type HttpServer } from './http/index.js';
import { createKafkajsPort } from './kafka/kafkajsPort.js';
import type { KafkaPortFactory } from './kafka/port.js';
import type { Logger } from './log.js';
import { createMetrics, type Metrics } from './metrics/index.js';
import { Monitor } from './poller/monitor.js';
import { AuditLoop } from './poller/auditLoop.js';
import { resolveAuditConfig } from './config/load.js';
import { createAuditMetrics } from './metrics/auditMetrics.js';
import { DiscoveryLoop } from './discovery/discoveryLoop.js';
import { createDiscoveryMetrics } from './metrics/discoveryMetrics.js';
import { REVISION, VERSION } from './version.js';

export interface DaemonOptions {
  config: MirrorwatchConfig;
  logger: Logger;
  portFactory?: KafkaPortFactory;
  /** Override config.http.port (0 = any free port), for tests. */
  httpPort?: number;
  httpHost?: string;
}

export interface Daemon {
  readonly address: BoundAddress;
  readonly monitor: Monitor;
  readonly metrics: Metrics;
  /** The count audit, when enabled. */
  readonly audit: AuditLoop | null;
  /** Run-time discovery of the flows (`flows: discover`). */
  readonly discovery: DiscoveryLoop | null;
  latest(): Snapshot | null;
  stop(): Promise<void>;
}

export async function startDaemon(options: DaemonOptions): Promise<Daemon> {
  const { config, logger } = options;
  const metrics = createMetrics({
    version: VERSION,
    revision: REVISION,
    granularity: config.granularity,
    maxSeries: config.maxSeries,
    logger,
    ...(config.shard ? { shard: config.shard } : {}),
  });
  const monitor = new Monitor({
    config,
    portFactory: options.portFactory ?? createKafkajsPort,
    logger,
    telemetry: metrics.telemetry,
    onSnapshot: (s) => metrics.publish(s),
  });
  // The count audit runs beside the polls, on ports of its own (docs/audit.md).
  const auditConfig = config.audit ?? resolveAuditConfig(undefined);
  let audit: AuditLoop | null = null;
  if (auditConfig.enabled && (config.flows.length > 0 || config.discovery)) {
    const auditMetrics = createAuditMetrics(metrics.registry, config.shard ? { shard: config.shard } : {});
    audit = new AuditLoop({
      config,
      audit: auditConfig,
      portFactory: options.portFactory ?? createKafkajsPort,
      logger,
      telemetry: metrics.telemetry,
      getSnapshot: () => monitor.latest(),
      onResults: (flow, results, pending, configsUnknown) => auditMetrics.record(flow.source, flow.target, results, pending, configsUnknown),
    });
  }
  const auditLoop = audit;
  let discovery: DiscoveryLoop | null = null;
  if (config.discovery) {
    const discoveryMetrics = createDiscoveryMetrics(metrics.registry);
    discovery = new DiscoveryLoop({
      config,
      discovery: config.discovery,
      portFactory: options.portFactory ?? createKafkajsPort,
      logger,
      telemetry: metrics.telemetry,
      onFlows: (flows, policy) => {
        monitor.setFlows(flows, policy);
        auditLoop?.setFlows(flows);
      },
      onDiscovered: (flows, atMs, failed) => {
        // Every shard discovers (to know its flows); the flow set is exported once, like the regions map.
        if ((config.shard?.index ?? 0) === 0) discoveryMetrics.flows(flows);
        discoveryMetrics.ran(atMs, failed);
      },
    });
  }
  const discoveryLoop = discovery;
  const http: HttpServer = createHttpServer({
    host: options.httpHost ?? config.http.host,
    port: options.httpPort ?? config.http.port,
    logger,
    metrics,
    getSnapshot: () => monitor.latest(),
    getConfigSummary: () => redactConfig({ ...config, flows: [...monitor.flows], replicationPolicy: monitor.replicationPolicy }),
    isAlive: () => monitor.isAlive(),
    version: VERSION,
    ...(config.http.tls ? { tls: config.http.tls } : {}),
    ...(config.http.basicAuthUsers ? { basicAuthUsers: config.http.basicAuthUsers } : {}),
    ...(auditLoop ? { getAudit: () => auditLoop.view() } : {}),
    ...(discoveryLoop ? { getDiscovery: () => discoveryLoop.view(), notReadyReason: () => discoveryLoop.notReadyReason() } : {}),
  });
  const address = await http.start();
  monitor.start();
  auditLoop?.start();
  discoveryLoop?.start();
  logger.info(
    {
      url: address.url,
      clusters: config.clusters.map((c) => c.alias),
      flows: config.discovery ? `discovered every ${config.discovery.intervalMs / 1000}s` : config.flows.map((f) => `${f.source}->${f.target}`),
      pollIntervalMs: config.poll.intervalMs,
      ...(config.shard && config.shard.count > 1 ? { shard: `${config.shard.index}/${config.shard.count}` } : {}),
    },
    `mirrorwatch ${VERSION} listening on ${address.url}`,
  );

  let stopping: Promise<void> | null = null;
  return {
    address,
    monitor,
    metrics,
    audit: auditLoop,
    discovery: discoveryLoop,
    latest: () => monitor.latest(),
    stop() {
      stopping ??= (async () => {
        await Promise.all([monitor.stop(1500), auditLoop?.stop(), discoveryLoop?.stop()]);
        await http.close();
        logger.info('mirrorwatch stopped');
      })();
      return stopping;
    },
  };
}
