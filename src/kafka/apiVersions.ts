// Which protocol version the port speaks per API, given what kafkajs implements and what the broker
// accepts. kafkajs picks min(its newest, broker's newest) and never looks at the broker's oldest;
// Kafka 4 dropped old versions (KIP-896), so a broker that moved its floor above kafkajs's newest
// must give a clear error rather than a silent protocol failure.

export interface VersionRange {
  minVersion: number;
  maxVersion: number;
}

export type Negotiated = { ok: true; version: number } | { ok: false; reason: string };

export function negotiateVersion(api: string, implemented: readonly number[], broker: VersionRange | undefined): Negotiated {
  if (implemented.length === 0) return { ok: false, reason: `kafkajs implements no version of ${api}` };
  if (!broker) return { ok: false, reason: `the broker does not offer ${api}` };
  const newest = Math.max(...implemented);
  const version = Math.min(newest, broker.maxVersion);
  if (version < broker.minVersion) {
    return {
      ok: false,
      reason: `the broker accepts ${api} v${broker.minVersion}-v${broker.maxVersion}, kafkajs implements up to v${newest}`,
    };
  }
  if (!implemented.includes(version)) {
    return { ok: false, reason: `kafkajs has no ${api} v${version} (implements ${[...implemented].sort((a, b) => a - b).join(', ')})` };
  }
  return { ok: true, version };
}
