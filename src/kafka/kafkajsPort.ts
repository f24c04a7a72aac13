// KafkaPort on kafkajs 2.2.4's connection and protocol layers. Per poll the number of requests
// grows with brokers, not topics: 1 Metadata (all topics), 2 ListOffsets per leader broker,
// 1 Fetch per leader broker, and 1 OffsetFetch per group (FindCoordinator only when a group's
// coordinator is not known yet or moved).
import type { ClusterConfig, PartitionOffsets, TopicPartition } from '../core/types.js';
import type { Logger } from '../log.js';
import type {
  CommittedOffset,
  FetchCallOptions,
  FetchRequest,
  FetchResult,
  KafkaPort,
  KafkaPortDeps,
  KafkaPortFactory,
  TimestampOffset,
  TimestampQuery,
  TopicConfigs,
  TopicInfo,
} from './port.js';
import type { InstrumentationEvent, NetworkRequestPayload } from './kafkajsInternals.js';
import { InstrumentationEventEmitter, networkEvents } from './kafkajsInternals.js';
import { bearerTokens, bootstrapAddresses, toKafkajsSasl, toKafkajsSsl } from './clientOptions.js';
import type { RefreshingToken } from './bearerTokens.js';
import { createKafkajsLogger } from './logBridge.js';
import { BrokerConnections, officialApiName } from './brokerConnections.js';
import type { NegotiatedVersion } from './brokerConnections.js';
import { topicInfos } from './metadataModel.js';
import type { PortContext } from './portContext.js';
import { fetchPartitionOffsets } from './partitionOffsets.js';
import { fetchRecords } from './fetchRecords.js';
import { fetchOffsetsForTimes } from './timestampOffsets.js';
import { CommittedOffsetsReader } from './committedOffsets.js';
import { describeTopicConfigs } from './topicConfigs.js';

export interface KafkajsPortOptions {
  /** Metadata older than this is refreshed before routing offset/fetch requests (default 60 s). */
  metadataMaxAgeMs?: number;
  /** Fetch only committed transactional records, skipping aborted ones (default true). */
  readCommitted?: boolean;
}

const DEFAULT_METADATA_MAX_AGE_MS = 60_000;

export type NegotiatedVersions = Record<string, NegotiatedVersion>;

export class KafkajsPort implements KafkaPort {
  readonly alias: string;
  private readonly logger: Logger;
  private readonly conns: BrokerConnections;
  private readonly ctx: PortContext;
  private readonly committed: CommittedOffsetsReader;
  private readonly readCommitted: boolean;
  private readonly stopCounting: (() => void)[] = [];
  private closing: Promise<void> | null = null;
  /** The reason this cluster's keystore or truststore cannot be used, if so: every connect fails with it. */
  private readonly tlsUnusable: string | undefined;
  /** OAUTHBEARER and MSK IAM clusters: the cluster's token, shared by its connections. */
  private readonly tokens: RefreshingToken | null;

  constructor(cluster: ClusterConfig, deps: KafkaPortDeps, options: KafkajsPortOptions = {}) {
    this.alias = cluster.alias;
    this.logger = deps.logger.child({ cluster: cluster.alias });
    this.readCommitted = options.readCommitted ?? true;
    this.tlsUnusable = cluster.tls?.unusable;
    this.tokens = bearerTokens(cluster, this.logger);

    const emitter = new InstrumentationEventEmitter();
    // Counted when a response arrives or the request times out: every request the broker saw,
    // including kafkajs's own ApiVersions and SASL exchanges on connect.
    const count = (event: InstrumentationEvent<NetworkRequestPayload>): void =>
      deps.telemetry.kafkaRequest(cluster.alias, officialApiName(event.payload.apiName));
    this.stopCounting.push(
      emitter.addListener(networkEvents.NETWORK_REQUEST, count),
      emitter.addListener(networkEvents.NETWORK_REQUEST_TIMEOUT, count),
    );

    this.conns = new BrokerConnections({
      alias: cluster.alias,
      bootstrap: bootstrapAddresses(cluster),
      clientId: cluster.clientId,
      connectionTimeoutMs: cluster.connectionTimeoutMs,
      requestTimeoutMs: cluster.requestTimeoutMs,
      ssl: toKafkajsSsl(cluster),
      sasl: toKafkajsSasl(cluster, this.tokens),
      logger: createKafkajsLogger(this.logger),
      emitter,
    });
    this.ctx = {
      alias: cluster.alias,
      logger: this.logger,
      telemetry: deps.telemetry,
      conns: this.conns,
      metadataMaxAgeMs: options.metadataMaxAgeMs ?? DEFAULT_METADATA_MAX_AGE_MS,
    };
    this.committed = new CommittedOffsetsReader(this.ctx);
  }

  async connect(): Promise<void> {
    // Connecting without the client certificate or the trusted CAs would only fail later with a
    // vaguer reason (or, without a CA, trust the system CAs instead of the configured ones).
    if (this.tlsUnusable !== undefined) throw new Error(this.tlsUnusable);
    // Without a token every broker would refuse for the same reason: say it once, as the endpoint's.
    if (this.tokens) await this.tokens.get();
    await this.conns.handshake();
  }

  async listTopics(): Promise<TopicInfo[]> {
    if (this.tlsUnusable !== undefined) throw new Error(this.tlsUnusable);
    return topicInfos(await this.conns.refreshMetadata(null));
  }

  fetchOffsets(partitions: TopicPartition[]): Promise<PartitionOffsets[]> {
    return fetchPartitionOffsets(this.ctx, partitions);
  }

  fetchOffsetsForTimes(queries: TimestampQuery[]): Promise<TimestampOffset[]> {
    return fetchOffsetsForTimes(this.ctx, queries);
  }

  fetch(requests: FetchRequest[], options?: FetchCallOptions): Promise<FetchResult[]> {
    return fetchRecords(this.ctx, requests, { readCommitted: this.readCommitted, maxWaitMs: options?.maxWaitMs ?? 0, minBytes: options?.minBytes ?? 1 });
  }

  fetchCommittedOffsets(groups: string[]): Promise<CommittedOffset[]> {
    return this.committed.read(groups);
  }

  describeTopicConfigs(topics: string[], keys: string[]): Promise<TopicConfigs[]> {
    if (this.tlsUnusable !== undefined) return Promise.reject(new Error(this.tlsUnusable));
    return describeTopicConfigs(this.ctx, topics, keys);
  }

  /** Protocol versions spoken with each broker of the cluster (connects to each; diagnostics). */
  async negotiatedVersions(): Promise<Record<number, NegotiatedVersions>> {
    const meta = this.conns.metadata ?? (await this.conns.refreshMetadata(null));
    const out: Record<number, NegotiatedVersions> = {};
    for (const node of meta.brokers.values()) {
      const target = this.conns.nodeTarget(node);
      if (!target.broker.isConnected()) await target.broker.connect();
      out[node.nodeId] = this.conns.negotiatedVersions(target);
    }
    return out;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.tokens?.close();
      await this.conns.close();
      for (const stop of this.stopCounting) stop();
    })();
    return this.closing;
  }
}

export const createKafkajsPort: KafkaPortFactory = (cluster: ClusterConfig, deps: KafkaPortDeps): KafkaPort =>
  new KafkajsPort(cluster, deps);
