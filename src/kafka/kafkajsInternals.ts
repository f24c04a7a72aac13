// Typed access to the parts of kafkajs below its public API that the port builds on: the broker
// connection (ApiVersions negotiation, TLS, SASL, request framing, timeouts, pipelining) and the
// request codecs it reuses (Fetch request, FindCoordinator, OffsetFetch). The public admin works one
// topic at a time and its cluster layer throws a whole request away on the first partition error,
// so the port sends its own per-broker requests instead (Metadata and ListOffsets with its own
// codecs, Fetch responses with its own decoder).
// These are internals of one exact kafkajs version: loading refuses any other version.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const SUPPORTED_KAFKAJS_VERSION = '2.2.4';

const installed = (require('kafkajs/package.json') as { version: string }).version;
if (installed !== SUPPORTED_KAFKAJS_VERSION) {
  throw new Error(
    `src/kafka builds on kafkajs ${SUPPORTED_KAFKAJS_VERSION} internals (src/broker, src/network, src/protocol) ` +
      `but kafkajs ${installed} is installed; pin kafkajs to ${SUPPORTED_KAFKAJS_VERSION} or re-check the port against the new version`,
  );
}

// ------------------------------------------------------------------------------------ logging

export interface KafkajsLogEntry {
  namespace: string;
  level: number;
  label: string;
  log: { message: string; timestamp?: string; logger?: string } & Record<string, unknown>;
}

export type KafkajsLogCreator = (logLevel: number) => (entry: KafkajsLogEntry) => void;

export interface KafkajsLogger {
  namespace(name: string, logLevel?: number | null): KafkajsLogger;
  info(message: string, extra?: object): void;
  warn(message: string, extra?: object): void;
  error(message: string, extra?: object): void;
  debug(message: string, extra?: object): void;
}

interface LoggersModule {
  LEVELS: { NOTHING: number; ERROR: number; WARN: number; INFO: number; DEBUG: number };
  createLogger(options: { level: number; logCreator: KafkajsLogCreator }): KafkajsLogger;
}

export const kafkajsLoggers = require('kafkajs/src/loggers/index.js') as LoggersModule;

// ------------------------------------------------------------------------------ instrumentation

export interface InstrumentationEvent<P> {
  id: number;
  type: string;
  timestamp: number;
  payload: P;
}

export interface NetworkRequestPayload {
  apiName: string;
  apiKey: number;
  apiVersion: number;
  broker: string;
}

export interface InstrumentationEmitter {
  addListener<P>(eventName: string, listener: (event: InstrumentationEvent<P>) => void): () => void;
}

export const InstrumentationEventEmitter = require('kafkajs/src/instrumentation/emitter.js') as new () => InstrumentationEmitter;

export const networkEvents = require('kafkajs/src/network/instrumentationEvents.js') as {
  NETWORK_REQUEST: string;
  NETWORK_REQUEST_TIMEOUT: string;
};

// ------------------------------------------------------------------------------------- network

export interface KafkajsSasl {
  mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  username: string;
  password: string;
}

/** Options of node:tls connect that kafkajs passes through. */
export interface KafkajsSsl {
  ca?: string[];
  cert?: string;
  key?: string;
  rejectUnauthorized: boolean;
  servername?: string;
}

export type SocketFactory = (args: object) => unknown;

export const createSocketFactory = require('kafkajs/src/network/socketFactory.js') as () => SocketFactory;

export interface ConnectionPoolOptions {
  host: string;
  port: number;
  rack?: string | null;
  ssl: KafkajsSsl | null;
  sasl: KafkajsSasl | null;
  clientId: string;
  socketFactory: SocketFactory;
  connectionTimeout: number;
  requestTimeout: number;
  enforceRequestTimeout: boolean;
  maxInFlightRequests: number | null;
  instrumentationEmitter: InstrumentationEmitter;
  logger: KafkajsLogger;
  reauthenticationThreshold?: number;
}

/** The per-connection request queue; only what quietIdleRequestQueues() corrects. */
export interface KafkajsRequestQueue {
  pending: unknown[];
  scheduleCheckPendingRequests(): void;
  /** Requests sent and not yet answered, by correlation id. */
  inflight?: Map<number, { sentAt: number; requestTimeout: number; timeoutRequest(): void }>;
  enforceRequestTimeout?: boolean;
  requestTimeout?: number;
  scheduleRequestTimeoutCheck?(): void;
  sendSocketRequest?(request: unknown): void;
  isConnected?(): boolean;
  destroy?(): void;
}

export interface KafkajsConnection {
  socket?: { destroy(): void } | null;
  requestQueue?: KafkajsRequestQueue;
}

export interface ResponseCodec {
  decode(raw: Buffer): Promise<unknown>;
  parse(decoded: unknown): Promise<unknown>;
}

export interface ProtocolRequest {
  request: { apiKey: number; apiVersion: number; apiName: string };
  response: ResponseCodec;
  requestTimeout?: number;
}

export interface KafkajsConnectionPool {
  host: string;
  port: number;
  pool: KafkajsConnection[];
  send(request: ProtocolRequest & { logResponseError?: boolean }): Promise<unknown>;
  destroy(): Promise<void>;
}

export const ConnectionPool = require('kafkajs/src/network/connectionPool.js') as new (
  options: ConnectionPoolOptions,
) => KafkajsConnectionPool;

/**
 * kafkajs 2.2.4 re-arms a request-queue timer after every response even when nothing waits: with
 * no throttle (throttledUntil = -1) the delay it computes is negative, Node runs it after 1 ms, and
 * the timer re-arms itself, so every connection wakes the event loop about a thousand times a
 * second for as long as it lives. That was most of mirrorwatch's CPU while idle (1.7 CPU-seconds a
 * minute for one 3-partition flow). A check is only needed while requests wait (throttled or over
 * the in-flight limit), which is when kafkajs pushes to `pending` and schedules it itself.
 * Applied to the pools this adapter creates, on their own instances; kafkajs's modules stay as they are.
 */
export function quietIdleRequestQueues(pool: KafkajsConnectionPool): KafkajsConnectionPool {
  for (const connection of pool.pool) {
    const queue = connection.requestQueue;
    if (!queue || typeof queue.scheduleCheckPendingRequests !== 'function' || !Array.isArray(queue.pending)) continue;
    const schedule = queue.scheduleCheckPendingRequests.bind(queue);
    queue.scheduleCheckPendingRequests = () => {
      if (queue.pending.length > 0) schedule();
    };
    timeRequestsOnlyInFlight(queue);
  }
  return pool;
}

/**
 * kafkajs 2.2.4 checks its requests' timeouts with a 100 ms interval per connected connection, armed
 * at connect for the connection's whole life: ten wake-ups a second per connection, with or without
 * requests in flight (and a long-poll Fetch is in flight nearly all the time). Here one timer is
 * armed for the earliest moment an in-flight request can time out, re-armed as requests come and
 * go, and none while nothing is in flight. Requests time out as before (at most a few ms later
 * than kafkajs's 100 ms sweep would have).
 */
function timeRequestsOnlyInFlight(queue: KafkajsRequestQueue): void {
  const { inflight } = queue;
  if (!(inflight instanceof Map) || typeof queue.scheduleRequestTimeoutCheck !== 'function' || typeof queue.sendSocketRequest !== 'function' || typeof queue.destroy !== 'function') {
    return;
  }
  let timer: NodeJS.Timeout | null = null;
  let dueAt = Infinity;
  const disarm = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    dueAt = Infinity;
  };
  const earliestDue = (): number => {
    let due = Infinity;
    inflight.forEach((request) => {
      due = Math.min(due, request.sentAt + request.requestTimeout);
    });
    return due;
  };
  const check = (): void => {
    timer = null;
    dueAt = Infinity;
    const now = Date.now();
    inflight.forEach((request) => {
      if (now - request.sentAt > request.requestTimeout) request.timeoutRequest();
    });
    arm();
  };
  const arm = (): void => {
    if (!queue.enforceRequestTimeout || inflight.size === 0) {
      disarm();
      return;
    }
    const due = earliestDue();
    if (timer && due >= dueAt) return;
    if (timer) clearTimeout(timer);
    dueAt = due;
    // "More than requestTimeout since sentAt": one ms past the deadline.
    timer = setTimeout(check, Math.max(0, due - Date.now() + 1));
  };
  const destroy = queue.destroy.bind(queue);
  queue.destroy = () => {
    destroy();
    disarm();
  };
  // Called by kafkajs at connect: start clean, arm only for requests.
  queue.scheduleRequestTimeoutCheck = () => {
    queue.destroy!();
    arm();
  };
  const send = queue.sendSocketRequest.bind(queue);
  queue.sendSocketRequest = (request: unknown) => {
    send(request);
    arm();
  };
}

// -------------------------------------------------------------------------------------- broker

export type ApiVersionRanges = Record<number, { minVersion: number; maxVersion: number }>;

export interface RequestDefinitions {
  versions: string[];
  protocol(args: { version: number }): (requestArgs: object) => ProtocolRequest;
}

export interface KafkajsBroker {
  nodeId: number | null;
  versions: ApiVersionRanges | null;
  connectionPool: KafkajsConnectionPool;
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  isConnected(): boolean;
  lookupRequest(apiKey: number, definitions: RequestDefinitions): (requestArgs: object) => ProtocolRequest;
}

export const Broker = require('kafkajs/src/broker/index.js') as new (options: {
  connectionPool: KafkajsConnectionPool;
  logger: KafkajsLogger;
  nodeId?: number | null;
  versions?: ApiVersionRanges | null;
  authenticationTimeout?: number;
  allowAutoTopicCreation?: boolean;
}) => KafkajsBroker;

// ------------------------------------------------------------------------------------ protocol

export type KafkajsApiName =
  | 'Fetch'
  | 'ListOffsets'
  | 'Metadata'
  | 'OffsetFetch'
  | 'GroupCoordinator'
  | 'ApiVersions'
  | 'SaslHandshake'
  | 'SaslAuthenticate';

export const apiKeys = require('kafkajs/src/protocol/requests/apiKeys.js') as Record<string, number>;

export const protocolRequests = (
  require('kafkajs/src/protocol/requests/index.js') as { requests: Record<KafkajsApiName, RequestDefinitions> }
).requests;

export const kafkajsErrorCodes = (
  require('kafkajs/src/protocol/error.js') as { errorCodes: { type: string; code: number; retriable: boolean }[] }
).errorCodes;

export const isolationLevel = require('kafkajs/src/protocol/isolationLevel.js') as {
  READ_UNCOMMITTED: number;
  READ_COMMITTED: number;
};
