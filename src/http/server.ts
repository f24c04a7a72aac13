// The HTTP face of mirrorwatch (docs/design.md). Every route reads what is already computed
// (the latest snapshot, the pre-rendered metrics): no request ever waits on Kafka.
import type { DiscoveryView } from '../discovery/discoveryLoop.js';
import type { AuditView } from '../poller/auditLoop.js';
import { STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { HttpTlsConfig, Snapshot } from '../core/types.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics/metrics.js';
import { endpointLinks, indexHtml } from './index-page.js';
import { httpsServerOptions, installBasicAuth } from './protection.js';
import { acceptsGzip, negotiateFormat } from './negotiate.js';
import { redactSecrets } from './redact.js';
import { failoverView, findFlow, flowDetailView, flowPath, flowsView, snapshotMeta } from './views.js';

export interface HttpServerOptions {
  host: string;
  /** 0 picks a free port (tests); start() says which. */
  port: number;
  logger: Logger;
  metrics: Pick<Metrics, 'render'>;
  /** The latest finished snapshot, or null before the first. */
  getSnapshot: () => Snapshot | null;
  /** Effective configuration for /api/v1/config; redacted again here whatever it contains. */
  getConfigSummary?: () => unknown;
  /** Process and poll loop alive (for /healthz). */
  isAlive: () => boolean;
  version?: string;
  /** Serve HTTPS with this certificate (config http.tls). */
  tls?: HttpTlsConfig;
  /** Require basic auth on every route: user -> bcrypt hash (config http.basicAuthUsers). */
  basicAuthUsers?: Record<string, string>;
  /** The count audit's state for /api/v1/audit; absent when the audit is off. */
  getAudit?: () => AuditView;
  /** Run-time discovery's state for /api/v1/discovery (`flows: discover`); absent when the flows are configured. */
  getDiscovery?: () => DiscoveryView;
  /** Set while mirrorwatch has nothing to watch yet (discovery found no flow): /readyz answers 503 with it. */
  notReadyReason?: () => string | null;
}

export interface BoundAddress {
  host: string;
  port: number;
  url: string;
}

export interface HttpServer {
  /** For tests (`app.inject`) and for adding routes before start(). */
  readonly app: FastifyInstance;
  start(): Promise<BoundAddress>;
  /** Stops accepting connections and waits for in-flight requests. Safe to call twice. */
  close(): Promise<void>;
}

// Prometheus scrapes every few seconds and probes hit /healthz as often: routine requests log at
// debug, failures keep their usual levels.
class QuietLogController extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    request.log.trace({ method: request.method, url: request.url }, 'incoming request');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const entry = { method: request.method, url: request.url, statusCode: reply.statusCode, responseTimeMs: reply.elapsedTime };
    // A deliberate 503 (not ready yet, no snapshot yet) is an answer, not a failure: probes would
    // otherwise fill the log during start-up.
    if (error) reply.log.error({ ...entry, err: error }, 'request errored');
    else reply.log.debug(entry, 'request completed');
  }

  override routeNotFound(request: FastifyRequest): void {
    request.log.debug({ method: request.method, url: request.url }, 'route not found');
  }

  override defaultErrorLog(error: Error, request: FastifyRequest, reply: FastifyReply): void {
    if (reply.statusCode >= 500) reply.log.error({ method: request.method, url: request.url, err: error }, error.message);
    else reply.log.debug({ method: request.method, url: request.url, err: error }, error.message);
  }
}

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
}

const errorBody = (statusCode: number, error: string, message: string): ErrorBody => ({ statusCode, error, message });

const NO_SNAPSHOT = errorBody(503, 'Service Unavailable', 'no snapshot yet: the first poll cycle has not finished');

export function createHttpServer(options: HttpServerOptions): HttpServer {
  const logger = options.logger.child({ component: 'http' });
  const app = Fastify({
    // Typed as fastify's base logger so the instance keeps fastify's default generics.
    loggerInstance: logger as FastifyBaseLogger,
    logController: new QuietLogController(),
    // Idle keep-alive connections (Prometheus keeps one open) must not hold up close().
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    // fastify types an HTTPS instance apart; routes and hooks are the same, so it is typed as HTTP.
    ...((options.tls ? { https: httpsServerOptions(options.tls) } : {}) as object),
  });
  if (options.basicAuthUsers) installBasicAuth(app, options.basicAuthUsers, logger);

  // /readyz stays ready once the first complete snapshot was seen: a cluster going down later is
  // something to report, not a reason to pull mirrorwatch out of service.
  let ready = false;
  const isReady = (): boolean => {
    if (!ready) ready = options.getSnapshot()?.complete === true && (options.notReadyReason?.() ?? null) === null;
    return ready;
  };

  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send(errorBody(404, 'Not Found', `no route ${request.method} ${request.url}; GET / lists the endpoints`));
  });

  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const statusCode = error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500;
    if (statusCode >= 500) request.log.error({ err: error, url: request.url }, 'request failed');
    void reply.code(statusCode).send(errorBody(statusCode, STATUS_CODES[statusCode] ?? 'Error', error.message));
  });

  app.get('/metrics', async (request, reply) => {
    const { contentType, contentEncoding, body } = await options.metrics.render({
      format: negotiateFormat(request.headers.accept),
      gzip: acceptsGzip(request.headers['accept-encoding']),
    });
    void reply.header('cache-control', 'no-store').header('vary', 'Accept, Accept-Encoding').type(contentType);
    if (contentEncoding) void reply.header('content-encoding', contentEncoding);
    return reply.send(body);
  });

  app.get('/healthz', async (request, reply) => {
    let alive = false;
    try {
      alive = options.isAlive();
    } catch (err) {
      request.log.warn({ err }, 'isAlive() threw; reporting unhealthy');
    }
    return reply.code(alive ? 200 : 503).send({ status: alive ? 'ok' : 'unhealthy' });
  });

  app.get('/readyz', async (_request, reply) => {
    const snapshot = options.getSnapshot();
    if (isReady()) return reply.send({ status: 'ready', snapshot: snapshot ? snapshotMeta(snapshot) : null });
    return reply.code(503).send({
      status: 'not ready',
      reason: options.notReadyReason?.() ?? 'waiting for the first complete poll cycle (every cluster polled once)',
      snapshot: snapshot ? snapshotMeta(snapshot) : null,
    });
  });

  app.get('/api/v1/flows', async (_request, reply) => {
    const snapshot = options.getSnapshot();
    if (!snapshot) return reply.code(503).send(NO_SNAPSHOT);
    return reply.send(flowsView(snapshot));
  });

  type FlowParams = { Params: { source: string; target: string }; Querystring: { topic?: string } };

  const lookup = (request: FastifyRequest<FlowParams>, reply: FastifyReply) => {
    const snapshot = options.getSnapshot();
    if (!snapshot) {
      void reply.code(503).send(NO_SNAPSHOT);
      return null;
    }
    const { source, target } = request.params;
    const flow = findFlow(snapshot, source, target);
    if (!flow) {
      const known = snapshot.flows.map((f) => `${f.source}->${f.target}`).join(', ') || 'none';
      void reply.code(404).send(errorBody(404, 'Not Found', `unknown flow ${source}->${target}; known flows: ${known}`));
      return null;
    }
    return { snapshot, flow };
  };

  app.get<FlowParams>('/api/v1/flows/:source/:target', async (request, reply) => {
    const found = lookup(request, reply);
    if (!found) return reply;
    const topic = typeof request.query.topic === 'string' ? request.query.topic : undefined;
    return reply.send(flowDetailView(found.snapshot, found.flow, topic));
  });

  app.get<FlowParams>('/api/v1/flows/:source/:target/failover', async (request, reply) => {
    const found = lookup(request, reply);
    if (!found) return reply;
    return reply.send(failoverView(found.snapshot, found.flow));
  });

  // The count audit: every flow, or one flow with its recent buckets.
  app.get('/api/v1/audit', async (_request, reply) => {
    if (!options.getAudit) return reply.send({ enabled: false, flows: [] });
    return reply.send(options.getAudit());
  });

  app.get<FlowParams>('/api/v1/flows/:source/:target/audit', async (request, reply) => {
    const { source, target } = request.params;
    if (!options.getAudit) return reply.code(404).send(errorBody(404, 'Not Found', 'the count audit is disabled (audit.enabled: false)'));
    const flow = options.getAudit().flows.find((f) => f.source === source && f.target === target);
    if (!flow) return reply.code(404).send(errorBody(404, 'Not Found', `unknown flow ${source}->${target}`));
    return reply.send(flow);
  });

  // Run-time discovery (flows: discover): every flow found, active or vanished, and why not more.
  app.get('/api/v1/discovery', async (_request, reply) => {
    if (!options.getDiscovery) return reply.send({ enabled: false, flows: [] });
    return reply.send(options.getDiscovery());
  });

  app.get('/api/v1/config', async (_request, reply) => {
    if (!options.getConfigSummary) return reply.code(404).send(errorBody(404, 'Not Found', 'no configuration summary available'));
    return reply.send(redactSecrets(options.getConfigSummary()));
  });

  app.get('/', async (request, reply) => {
    const snapshot = options.getSnapshot();
    const flows = (snapshot?.flows ?? []).map((f) => ({ source: f.source, target: f.target, href: flowPath(f) }));
    const links = endpointLinks(flows, options.getConfigSummary !== undefined);
    if (options.getDiscovery) links.push({ href: '/api/v1/discovery', description: 'flows found by discovery (active, vanished) and what it could not read' });
    const title = options.version ? `mirrorwatch ${options.version}` : 'mirrorwatch';
    if ((request.headers.accept ?? '').includes('text/html')) return reply.type('text/html; charset=utf-8').send(indexHtml(title, links));
    return reply.send({ name: 'mirrorwatch', version: options.version ?? null, links });
  });

  let closing: Promise<void> | null = null;

  return {
    app,
    async start() {
      await app.listen({ host: options.host, port: options.port });
      const address = app.server.address() as AddressInfo;
      const host = address.address;
      const urlHost = host.includes(':') ? `[${host}]` : host;
      // fastify itself logs "Server listening at ...".
      return { host, port: address.port, url: `${options.tls ? 'https' : 'http'}://${urlHost}:${address.port}` };
    },
    close() {
      closing ??= app.close().then(() => logger.debug('http server closed'));
      return closing;
    },
  };
}
