// MM2's Connect offsets (`mm2-offsets.<source>.internal` on the target) are JSON written by the
// Connect worker of herder source->target: key ["MirrorSourceConnector", {cluster, partition, topic}],
// value {"offset": <last upstream offset copied>}. They are exact but only flushed every
// offset.flush.interval.ms, so they serve as a lower bound that cross-checks the offset-sync estimate.

export interface ConnectOffset {
  connector: string;
  cluster: string;
  topic: string;
  partition: number;
  /** Next upstream offset to copy (stored offset + 1); null for a tombstone. */
  nextOffset: number | null;
}

/** value is null for entries of other connectors (checkpoint, heartbeat), which carry other keys. */
export type ConnectOffsetResult = { ok: true; value: ConnectOffset | null } | { ok: false; error: string };

function parseJson(buf: Buffer): unknown {
  return JSON.parse(buf.toString('utf8')) as unknown;
}

export function decodeConnectOffset(key: Buffer | null, value: Buffer | null): ConnectOffsetResult {
  if (!key) return { ok: false, error: 'null key' };
  let k: unknown;
  try {
    k = parseJson(key);
  } catch {
    return { ok: false, error: 'key is not JSON' };
  }
  if (!Array.isArray(k) || k.length !== 2 || typeof k[0] !== 'string' || typeof k[1] !== 'object' || k[1] === null) {
    return { ok: false, error: 'key is not [connector, partition]' };
  }
  const part = k[1] as Record<string, unknown>;
  if (typeof part.cluster !== 'string' || typeof part.topic !== 'string' || typeof part.partition !== 'number') {
    return { ok: true, value: null };
  }
  const base = { connector: k[0], cluster: part.cluster, topic: part.topic, partition: part.partition };
  if (!value) return { ok: true, value: { ...base, nextOffset: null } };
  let v: unknown;
  try {
    v = parseJson(value);
  } catch {
    return { ok: false, error: 'value is not JSON' };
  }
  if (typeof v !== 'object' || v === null || typeof (v as Record<string, unknown>).offset !== 'number') {
    return { ok: false, error: 'value lacks a numeric offset' };
  }
  const offset = (v as { offset: number }).offset;
  if (!Number.isSafeInteger(offset) || offset < -1) return { ok: false, error: `invalid offset ${offset}` };
  return { ok: true, value: { ...base, nextOffset: offset + 1 } };
}

/**
 * Whether a decoded Connect offset says how far flow source->target's MirrorSourceConnector got.
 * The Connect offsets topic also holds the checkpoint and heartbeat connectors' entries (other key
 * shapes, decoded as null) and, in Connect mode (Strimzi, a shared Connect cluster), those of every
 * flow into the same target. The key's connector element is the connector's name: the class name
 * `MirrorSourceConnector` in dedicated mode, the REST name in Connect mode (Strimzi:
 * `<source>-><target>.MirrorSourceConnector`, or any name an operator chose). So the source
 * connector's key shape {cluster, topic, partition} with cluster = the flow's source alias decides;
 * a configured connector name narrows it to that one connector.
 */
export function isFlowSourceConnectorOffset(
  entry: ConnectOffset | null,
  flow: { source: string; sourceConnectorName?: string | undefined },
): entry is ConnectOffset {
  if (!entry || entry.cluster !== flow.source) return false;
  if (flow.sourceConnectorName !== undefined) return entry.connector === flow.sourceConnectorName;
  return true;
}
