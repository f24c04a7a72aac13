// One cluster's broker connections (kafkajs Broker objects, one per advertised address) and its
// metadata. Sends single protocol requests to chosen brokers and hands back the decoded response
// untouched: partition-level error codes are the caller's business, unlike kafkajs's own parse step
// which throws the whole response away on the first partition error.
import type { BrokerAddress } from './clientOptions.js';
import type {
  InstrumentationEmitter,
  KafkajsApiName,
  KafkajsBroker,
  KafkajsLogger,
  KafkajsSasl,
  KafkajsSsl,
  ProtocolRequest,
  SocketFactory,
} from './kafkajsInternals.js';
import { Broker, ConnectionPool, apiKeys, createSocketFactory, protocolRequests, quietIdleRequestQueues } from './kafkajsInternals.js';
import { negotiateVersion } from './apiVersions.js';
import { LIST_OFFSETS_VERSIONS } from './listOffsetsProtocol.js';
import { DESCRIBE_CONFIGS_VERSIONS } from './describeConfigsProtocol.js';
import { METADATA_VERSIONS, decodeMetadataResponse, encodeMetadataRequest } from './metadataProtocol.js';
import { mergeMetadata, metadataFromResponse } from './metadataModel.js';
import type { BrokerNode, ClusterMetadata, RawMetadataResponse } from './metadataModel.js';

/** kafkajs's internal names -> the names Kafka's protocol guide uses (and our metrics show). */
export function officialApiName(kafkajsName: string): string {
  return kafkajsName === 'GroupCoordinator' ? 'FindCoordinator' : kafkajsName;
}

/** A request that got no usable response: connection refused/closed, timeout, no common version. */
export class KafkaRequestError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KafkaRequestError';
  }
}

export interface BrokerConnectionsOptions {
  alias: string;
  bootstrap: BrokerAddress[];
  clientId: string;
  connectionTimeoutMs: number;
  requestTimeoutMs: number;
  ssl: KafkajsSsl | null;
  sasl: KafkajsSasl | null;
  logger: KafkajsLogger;
  emitter: InstrumentationEmitter;
}

export interface Target {
  broker: KafkajsBroker;
  /** `broker 1 (127.0.0.1:9092)` for messages. */
  label: string;
}

/** A request whose bytes the port writes and reads itself (kafkajs only frames and transports it). */
export interface OwnRequest<T> {
  apiKey: number;
  apiName: string;
  versions: readonly number[];
  encode(version: number): Buffer;
  decode(raw: Buffer, version: number): T;
}

export interface NegotiatedVersion {
  /** null when the broker accepts no version kafkajs implements. */
  version: number | null;
  brokerMin: number;
  brokerMax: number;
  error?: string;
}

export interface Sent<T> {
  data: T;
  version: number;
}

// A metadata refresh tries this many brokers before giving up: bounds the time a poll of an
// unreachable cluster takes to (connection timeout + request timeout) x this.
const METADATA_ATTEMPTS = 3;

const addressKey = (a: BrokerAddress): string => `${a.host}:${a.port}`;

function shuffled<T>(items: T[]): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export class BrokerConnections {
  private readonly brokers = new Map<string, KafkajsBroker>();
  private readonly socketFactory: SocketFactory = createSocketFactory();
  private readonly closing = new Set<Promise<void>>();
  private meta: ClusterMetadata | null = null;
  private fullRefresh: Promise<ClusterMetadata> | null = null;
  private closed = false;

  constructor(private readonly opts: BrokerConnectionsOptions) {}

  get metadata(): ClusterMetadata | null {
    return this.meta;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private assertOpen(): void {
    if (this.closed) throw new KafkaRequestError(`cluster ${this.opts.alias}: the Kafka port is closed`);
  }

  private brokerAt(address: BrokerAddress): KafkajsBroker {
    const key = addressKey(address);
    let broker = this.brokers.get(key);
    if (!broker) {
      const o = this.opts;
      broker = new Broker({
        connectionPool: quietIdleRequestQueues(new ConnectionPool({
          host: address.host,
          port: address.port,
          ssl: o.ssl,
          sasl: o.sasl,
          clientId: o.clientId,
          socketFactory: this.socketFactory,
          connectionTimeout: o.connectionTimeoutMs,
          requestTimeout: o.requestTimeoutMs,
          enforceRequestTimeout: true,
          maxInFlightRequests: null,
          instrumentationEmitter: o.emitter,
          logger: o.logger,
        })),
        logger: o.logger,
        authenticationTimeout: o.requestTimeoutMs,
        // mirrorwatch only reads: a metadata request must never create a topic.
        allowAutoTopicCreation: false,
      });
      this.brokers.set(key, broker);
    }
    return broker;
  }

  /** The broker object for a node of the current metadata. */
  node(nodeId: number): Target {
    const node = this.meta?.brokers.get(nodeId);
    if (!node) throw new KafkaRequestError(`cluster ${this.opts.alias}: broker ${nodeId} is not in the cluster metadata`);
    return this.nodeTarget(node);
  }

  nodeTarget(node: BrokerNode): Target {
    return { broker: this.brokerAt(node), label: `broker ${node.nodeId} (${node.host}:${node.port})` };
  }

  private addressTarget(address: BrokerAddress): Target {
    return { broker: this.brokerAt(address), label: `bootstrap server ${addressKey(address)}` };
  }

  /**
   * Sends one request built by kafkajs's protocol layer and returns its decoded response (or
   * `decode`'s result) without interpreting error codes. Rejects with KafkaRequestError when no
   * response came.
   */
  async send<T>(
    target: Target,
    api: KafkajsApiName,
    args: object,
    decode?: (raw: Buffer, version: number) => Promise<unknown> | unknown,
  ): Promise<Sent<T>> {
    const definitions = protocolRequests[api];
    return this.exchange<T>(target, apiKeys[api]!, officialApiName(api), definitions.versions.map(Number), (version) => {
      const proto = definitions.protocol({ version })(args);
      return {
        ...proto,
        response: {
          decode: decode ? async (raw: Buffer) => decode(raw, version) : proto.response.decode,
          parse: async (decoded: unknown) => decoded,
        },
      };
    });
  }

  /** Sends a request the port encodes and decodes itself, over kafkajs's connection. */
  async sendOwn<T>(target: Target, call: OwnRequest<T>): Promise<Sent<T>> {
    return this.exchange<T>(target, call.apiKey, call.apiName, call.versions, (version) => {
      const body = call.encode(version);
      return {
        // kafkajs's request framing only needs `.buf`/`.buffer` of what encode() returns.
        request: { apiKey: call.apiKey, apiVersion: version, apiName: call.apiName, encode: async () => ({ buf: body, buffer: body }) },
        response: { decode: async (raw: Buffer) => call.decode(raw, version), parse: async (decoded: unknown) => decoded },
      };
    });
  }

  private async exchange<T>(
    target: Target,
    apiKey: number,
    apiName: string,
    versions: readonly number[],
    build: (version: number) => ProtocolRequest,
  ): Promise<Sent<T>> {
    this.assertOpen();
    const { broker, label } = target;
    const fail = (e: unknown): KafkaRequestError =>
      new KafkaRequestError(`cluster ${this.opts.alias}: ${apiName} request to ${label} failed: ${messageOf(e)}`, { cause: e });
    try {
      if (!broker.isConnected()) await broker.connect();
    } catch (e) {
      // Drop the broker object rather than disconnect it for reuse: kafkajs's disconnect() calls
      // unref() on every pooled socket, and on a socket already destroyed (the Fetch connection of
      // a broker that died) that adds a 'connect' listener each time. Retrying through the same
      // object every poll of an outage piles them up (MaxListenersExceededWarning, then a leak).
      this.discard(broker);
      throw fail(e);
    }
    const negotiated = negotiateVersion(apiName, versions, broker.versions?.[apiKey]);
    if (!negotiated.ok) throw fail(new Error(negotiated.reason));
    try {
      const data = (await broker.connectionPool.send({ ...build(negotiated.version), logResponseError: false })) as T;
      return { data, version: negotiated.version };
    } catch (e) {
      // Same as kafkajs's Broker: a connection the broker closed is unusable until reconnected.
      if ((e as Error).name === 'KafkaJSConnectionClosedError') await broker.disconnect().catch(() => {});
      throw fail(e);
    }
  }

  /** The version spoken per API with a connected broker, and the broker's range (diagnostics, tests). */
  negotiatedVersions(target: Target): Record<string, NegotiatedVersion> {
    const out: Record<string, NegotiatedVersion> = {};
    const kafkajsApis: KafkajsApiName[] = ['Fetch', 'OffsetFetch', 'GroupCoordinator', 'ApiVersions', 'SaslHandshake', 'SaslAuthenticate'];
    const apis = [
      ...kafkajsApis.map((api) => ({ name: officialApiName(api), apiKey: apiKeys[api]!, versions: protocolRequests[api].versions.map(Number) })),
      { name: 'ListOffsets', apiKey: apiKeys.ListOffsets!, versions: [...LIST_OFFSETS_VERSIONS] },
      { name: 'Metadata', apiKey: apiKeys.Metadata!, versions: [...METADATA_VERSIONS] },
      { name: 'DescribeConfigs', apiKey: apiKeys.DescribeConfigs!, versions: [...DESCRIBE_CONFIGS_VERSIONS] },
    ];
    for (const api of apis) {
      const range = target.broker.versions?.[api.apiKey];
      const n = negotiateVersion(api.name, api.versions, range);
      out[api.name] = {
        version: n.ok ? n.version : null,
        brokerMin: range?.minVersion ?? -1,
        brokerMax: range?.maxVersion ?? -1,
        ...(n.ok ? {} : { error: n.reason }),
      };
    }
    return out;
  }

  /**
   * Candidates for a metadata request: connected nodes, other nodes, then bootstrap servers,
   * leaving out the brokers in `avoid` (those that just failed to answer in this call).
   */
  private metadataTargets(avoid: ReadonlySet<number>): Target[] {
    const targets: Target[] = [];
    const seen = new Set<string>();
    for (const id of avoid) {
      const node = this.meta?.brokers.get(id);
      if (node) seen.add(addressKey(node));
    }
    const add = (address: BrokerAddress, make: () => Target): void => {
      const key = addressKey(address);
      if (seen.has(key)) return;
      seen.add(key);
      targets.push(make());
    };
    const nodes = shuffled([...(this.meta?.brokers.values() ?? [])].filter((n) => !avoid.has(n.nodeId)));
    const connected = nodes.filter((n) => this.brokers.get(addressKey(n))?.isConnected());
    for (const n of [...connected, ...nodes]) {
      // Leave room for a bootstrap server: the cluster may have been rebuilt under new addresses.
      if (targets.length >= METADATA_ATTEMPTS - 1) break;
      add(n, () => this.nodeTarget(n));
    }
    for (const a of this.opts.bootstrap) add(a, () => this.addressTarget(a));
    return targets.slice(0, METADATA_ATTEMPTS);
  }

  /** A broker for a request any broker can answer (FindCoordinator): a connected one if possible. */
  anyNode(): Target {
    const nodes = shuffled([...(this.meta?.brokers.values() ?? [])]);
    const node = nodes.find((n) => this.brokers.get(addressKey(n))?.isConnected()) ?? nodes[0];
    if (!node) throw new KafkaRequestError(`cluster ${this.opts.alias}: the cluster metadata lists no broker`);
    return this.nodeTarget(node);
  }

  /**
   * Opens a connection (ApiVersions, TLS, SASL) to a broker, trying bootstrap servers in order.
   * No Metadata request: the first listTopics() or offset read makes the one a poll needs.
   */
  async handshake(): Promise<void> {
    this.assertOpen();
    const known = [...this.brokers.values()];
    if (known.some((b) => b.isConnected())) return;
    const failures: string[] = [];
    for (const target of this.metadataTargets(new Set())) {
      try {
        if (!target.broker.isConnected()) await target.broker.connect();
        return;
      } catch (e) {
        await target.broker.disconnect().catch(() => {});
        failures.push(`${target.label}: ${messageOf(e)}`);
      }
    }
    throw new KafkaRequestError(`cluster ${this.opts.alias}: could not connect to any broker (${failures.join('; ')})`);
  }

  /**
   * Refreshes metadata: of every topic (`topics` null), or of the named topics merged into what is
   * known. One Metadata request, moving to the next broker only when one does not answer.
   */
  async refreshMetadata(topics: string[] | null, avoid: ReadonlySet<number> = new Set()): Promise<ClusterMetadata> {
    this.assertOpen();
    if (topics !== null && topics.length === 0) {
      if (this.meta) return this.meta;
      topics = null;
    }
    if (topics === null && avoid.size === 0) {
      // Concurrent callers (one per group, say) share one all-topics request.
      this.fullRefresh ??= this.requestMetadata(null, avoid).finally(() => (this.fullRefresh = null));
      return this.fullRefresh;
    }
    return this.requestMetadata(topics, avoid);
  }

  private async requestMetadata(topics: string[] | null, avoid: ReadonlySet<number>): Promise<ClusterMetadata> {
    const failures: string[] = [];
    for (const target of this.metadataTargets(avoid)) {
      let raw: RawMetadataResponse;
      try {
        const names = topics;
        raw = (
          await this.sendOwn<RawMetadataResponse>(target, {
            apiKey: apiKeys.Metadata!,
            apiName: 'Metadata',
            versions: METADATA_VERSIONS,
            encode: (version) => encodeMetadataRequest(version, names),
            decode: (body, version) => decodeMetadataResponse(body, version),
          })
        ).data;
      } catch (e) {
        failures.push(`${target.label}: ${messageOf((e as Error).cause ?? e)}`);
        continue;
      }
      const fresh = metadataFromResponse(raw, Date.now(), topics === null);
      this.meta = topics === null || !this.meta ? fresh : mergeMetadata(this.meta, fresh);
      this.pruneBrokers();
      return this.meta;
    }
    throw new KafkaRequestError(
      `cluster ${this.opts.alias}: no broker answered a Metadata request (${failures.join('; ') || 'no other broker to ask'})`,
    );
  }

  // Connections to addresses no longer advertised (a bootstrap alias, a replaced broker) are closed.
  private pruneBrokers(): void {
    const live = new Set([...(this.meta?.brokers.values() ?? [])].map(addressKey));
    for (const [key, broker] of this.brokers) {
      if (live.has(key)) continue;
      this.brokers.delete(key);
      this.track(this.shutdown(broker));
    }
  }

  /** Forgets a broker object (the next request to its address makes a fresh one) and closes it. */
  private discard(broker: KafkajsBroker): void {
    for (const [key, b] of this.brokers) if (b === broker) this.brokers.delete(key);
    this.track(this.shutdown(broker));
  }

  private track(p: Promise<void>): void {
    this.closing.add(p);
    void p.finally(() => this.closing.delete(p));
  }

  private async shutdown(broker: KafkajsBroker): Promise<void> {
    try {
      await broker.disconnect();
    } catch {
      // already broken: the socket is destroyed below either way
    }
    // kafkajs ends sockets gracefully and unrefs them; destroying them closes the file descriptor
    // now, so close() leaves nothing open behind.
    for (const connection of broker.connectionPool.pool) connection.socket?.destroy();
  }

  /** Idempotent: disconnects every broker and waits until their sockets are closed. */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.brokers.values()];
    this.brokers.clear();
    for (const b of all) this.track(this.shutdown(b));
    while (this.closing.size > 0) await Promise.all([...this.closing]);
    this.meta = null;
  }
}
