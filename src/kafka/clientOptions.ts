// ClusterConfig -> the connection options kafkajs's network layer takes.
import type { ClusterConfig } from '../core/types.js';
import type { KafkajsSasl, KafkajsSsl } from './kafkajsInternals.js';

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

export function toKafkajsSasl(cluster: ClusterConfig): KafkajsSasl | null {
  const sasl = cluster.sasl;
  if (!sasl) return null;
  return { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password };
}
