// DescribeConfigs v1-v3 request encoder and response decoder (API key 32). v0 is gone from Kafka 4
// (KIP-896) and v4 is the flexible encoding; v1-v3 are accepted by every broker from 2.0 to 4.x.
// Only topic resources are asked for, with the keys the caller names.
import { BufferReader } from './bufferReader.js';
import type { ConfigSource } from './port.js';

export const DESCRIBE_CONFIGS_VERSIONS = [1, 2, 3] as const;

export const RESOURCE_TYPE_TOPIC = 2;

export function configSourceName(code: number): ConfigSource {
  switch (code) {
    case 1: // TOPIC_CONFIG
      return 'topic';
    case 2: // DYNAMIC_BROKER_CONFIG
    case 3: // DYNAMIC_DEFAULT_BROKER_CONFIG
    case 4: // STATIC_BROKER_CONFIG
      return 'broker';
    case 5: // DEFAULT_CONFIG
      return 'default';
    default:
      return 'unknown';
  }
}

export interface DescribedConfig {
  name: string;
  value: string | null;
  source: ConfigSource;
  sensitive: boolean;
}

export interface DescribedResource {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
  configs: DescribedConfig[];
}

function writeString(parts: Buffer[], s: string): void {
  const b = Buffer.from(s, 'utf8');
  const len = Buffer.allocUnsafe(2);
  len.writeInt16BE(b.length, 0);
  parts.push(len, b);
}

function int32(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeInt32BE(n, 0);
  return b;
}

/** `keys` null asks for every config of each topic. */
export function encodeDescribeConfigsRequest(version: number, topics: readonly string[], keys: readonly string[] | null): Buffer {
  if (version < 1 || version > 3) throw new Error(`DescribeConfigs v${version} is not supported (v1-v3)`);
  const parts: Buffer[] = [int32(topics.length)];
  for (const topic of topics) {
    parts.push(Buffer.from([RESOURCE_TYPE_TOPIC]));
    writeString(parts, topic);
    if (keys === null) parts.push(int32(-1));
    else {
      parts.push(int32(keys.length));
      for (const k of keys) writeString(parts, k);
    }
  }
  parts.push(Buffer.from([0])); // include_synonyms = false
  if (version >= 3) parts.push(Buffer.from([0])); // include_documentation = false
  return Buffer.concat(parts);
}

export function decodeDescribeConfigsResponse(buf: Buffer, version: number): DescribedResource[] {
  const r = new BufferReader(buf);
  r.int32(); // throttle_time_ms
  const out: DescribedResource[] = [];
  const resourceCount = r.int32();
  for (let i = 0; i < resourceCount; i++) {
    const errorCode = r.int16();
    const errorMessage = r.string();
    const resourceType = r.int8();
    const resourceName = r.string() ?? '';
    const configs: DescribedConfig[] = [];
    const configCount = r.int32();
    for (let c = 0; c < configCount; c++) {
      const name = r.string() ?? '';
      const value = r.string();
      r.int8(); // read_only
      const source = configSourceName(r.int8());
      const sensitive = r.int8() !== 0;
      const synonyms = r.int32();
      for (let s = 0; s < synonyms; s++) {
        r.string(); // name
        r.string(); // value
        r.int8(); // source
      }
      if (version >= 3) {
        r.int8(); // config_type
        r.string(); // documentation
      }
      // A sensitive value is never kept, even if a broker sent it.
      configs.push({ name, value: sensitive ? null : value, source, sensitive });
    }
    out.push({ errorCode, errorMessage, resourceType, resourceName, configs });
  }
  return out;
}
