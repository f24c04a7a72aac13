// ClusterConfig -> the connection options kafkajs's network layer takes.
import type { ClusterConfig } from '../core/types.js';
import type { Logger } from '../log.js';
import type { KafkajsSasl, KafkajsSsl } from './kafkajsInternals.js';
import { RefreshingToken } from './bearerTokens.js';
import { mskIamFetcher } from './mskIam.js';
import { clientCredentialsFetcher } from './oidcClientCredentials.js';

export interface BrokerAddress {
  host: string;
  port: number;
}

/** Parses `host:port` or `[v6addr]:port`; throws naming the cluster and the bad entry. */
export function parseBrokerAddress(alias: string, server: string): BrokerAddress {
  const trimmed = server.trim();
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(trimmed);
  const plain = /^([^:[\]\s]+):(\d+)$/.exec(trimmed);
  const match = bracketed ?? plain;
  const port = match ? Number(match[2]) : NaN;
  if (!match || !match[1] || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`cluster ${alias}: bootstrap server "${server}" is not host:port`);
  }
  return { host: match[1], port };
}

export function bootstrapAddresses(cluster: ClusterConfig): BrokerAddress[] {
  if (cluster.bootstrapServers.length === 0) {
    throw new Error(`cluster ${cluster.alias}: no bootstrap servers configured`);
  }
  return cluster.bootstrapServers.map((s) => parseBrokerAddress(cluster.alias, s));
}

export function toKafkajsSsl(cluster: ClusterConfig): KafkajsSsl | null {
  const tls = cluster.tls;
  if (!tls) return null;
  // kafkajs merges these over {servername: host}, so a key that is present but undefined would
  // erase the SNI name: only set what is configured.
  const ssl: KafkajsSsl = { rejectUnauthorized: tls.rejectUnauthorized };
  if (tls.ca !== undefined) ssl.ca = [tls.ca];
  if (tls.cert !== undefined) ssl.cert = tls.cert;
  if (tls.key !== undefined) ssl.key = tls.key;
  if (tls.servername !== undefined) ssl.servername = tls.servername;
  return ssl;
}

/** Fresh bearer tokens for an OAUTHBEARER or MSK IAM cluster; null for other clusters. */
export function bearerTokens(cluster: ClusterConfig, logger: Logger): RefreshingToken | null {
  const sasl = cluster.sasl;
  if (!sasl) return null;
  // A connection without a usable token waits this long for the endpoint, within one request's time.
  const waitMs = Math.max(1_000, cluster.connectionTimeoutMs);
  if (sasl.mechanism === 'oauthbearer') {
    return new RefreshingToken({
      alias: cluster.alias,
      source: `SASL/OAUTHBEARER token endpoint ${sasl.tokenEndpointUrl}`,
      fetch: clientCredentialsFetcher(sasl, { timeoutMs: cluster.connectionTimeoutMs + cluster.requestTimeoutMs }),
      windowFactor: sasl.refreshWindowFactor,
      backoffMs: sasl.retryBackoffMs,
      backoffMaxMs: sasl.retryBackoffMaxMs,
      waitMs,
      logger,
    });
  }
  if (sasl.mechanism === 'aws-msk-iam') {
    return new RefreshingToken({
      alias: cluster.alias,
      source: `AWS MSK IAM signer (region ${sasl.region})`,
      fetch: mskIamFetcher(sasl),
      windowFactor: 0.8,
      backoffMs: 100,
      backoffMaxMs: 10_000,
      waitMs,
      logger,
    });
  }
  return null;
}

export function toKafkajsSasl(cluster: ClusterConfig, tokens: RefreshingToken | null = null): KafkajsSasl | null {
  const sasl = cluster.sasl;
  if (!sasl) return null;
  if (sasl.mechanism === 'oauthbearer' || sasl.mechanism === 'aws-msk-iam') {
    if (!tokens) throw new Error(`cluster ${cluster.alias}: ${sasl.mechanism} needs a token source`);
    const extensions = sasl.mechanism === 'oauthbearer' ? sasl.extensions : undefined;
    return {
      mechanism: 'oauthbearer',
      oauthBearerProvider: async () => ({ value: await tokens.get(), ...(extensions ? { extensions } : {}) }),
    };
  }
  return { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password };
}
