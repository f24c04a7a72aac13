// The intermediate form both inputs (YAML and mm2.properties) are turned into before secrets and
// PEM files are read. `where` fields say where each setting came from, for error messages.
import type { SaslConfig } from '../core/types.js';

export interface Where {
  file: string;
  line?: number;
  /** YAML key path or property key. */
  path?: string;
}

export interface FileRef {
  /** Absolute path. */
  path: string;
  where: Where;
}

export interface TlsDraft {
  ca?: string;
  caFile?: FileRef;
  cert?: string;
  certFile?: FileRef;
  key?: string;
  keyFile?: FileRef;
  rejectUnauthorized?: boolean;
  servername?: string;
}

export interface SaslDraft {
  mechanism: SaslConfig['mechanism'];
  username: string;
  /** Inline secret (only from an mm2.properties JAAS config; the YAML file cannot hold one). */
  password?: string;
  passwordEnv?: { name: string; where: Where };
  passwordFile?: FileRef;
  where: Where;
}

export interface ClusterDraft {
  alias: string;
  where: Where;
  bootstrapServers: string[];
  clientId?: string;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  tls?: TlsDraft;
  sasl?: SaslDraft;
}

export interface FlowDraft {
  source: string;
  target: string;
  where: Where;
  topics: string[];
  topicsExclude: string[];
  heartbeatsExpected: boolean;
  /** Decide at run time (see FlowConfig.heartbeatsAuto): nothing in the file proves emission. */
  heartbeatsAuto?: boolean;
  offsetSyncsTopicLocation: 'source' | 'target';
  /** The Connect worker's offset.storage.topic, when the file says (mm2.properties, Strimzi CR). */
  connectOffsetsTopic?: string;
  /** Connect mode: REST name of the flow's MirrorSourceConnector. */
  sourceConnectorName?: string;
}
