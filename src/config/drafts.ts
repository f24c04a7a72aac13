// The intermediate form both inputs (YAML and mm2.properties) are turned into before secrets and
// PEM files are read. `where` fields say where each setting came from, for error messages.
import type { SaslConfig, StoreType } from '../core/types.js';

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

/** One secret, from exactly one source. Read in resolve.ts; messages name the source, never the value. */
export interface SecretDraft {
  /** Already in hand (e.g. an mm2.properties value whose config provider variables are resolved). */
  value?: string;
  /** Name of an environment variable. */
  env?: string;
  /** Absolute path of a file holding the secret (one final newline is not part of it). */
  file?: string;
  /** Text holding `${provider:[path:]key}` variables (YAML: the built-in file, env and dir providers). */
  variables?: string;
  where: Where;
}

/** A Java keystore or truststore (JKS, PKCS12) or a Kafka PEM store. */
export interface StoreDraft {
  file: FileRef;
  /** Declared type; undefined: whatever the content is. */
  type?: StoreType;
  password?: SecretDraft;
  /** Keystores: the private key's password (`ssl.key.password`), default the store password. */
  keyPassword?: SecretDraft;
}

export interface TlsDraft {
  keystore?: StoreDraft;
  truststore?: StoreDraft;
  ca?: string;
  caFile?: FileRef;
  cert?: string;
  certFile?: FileRef;
  key?: string;
  keyFile?: FileRef;
  /** Password of an encrypted PEM key (keyFile / key). */
  keyPassword?: SecretDraft;
  rejectUnauthorized?: boolean;
  servername?: string;
}

export interface SaslDraft {
  mechanism: SaslConfig['mechanism'];
  /** Password mechanisms (PLAIN, SCRAM). */
  username?: string;
  /** Inline secret (only from an mm2.properties JAAS config; the YAML file cannot hold one). */
  password?: string;
  passwordEnv?: { name: string; where: Where };
  passwordFile?: FileRef;
  /** YAML `password:` holding config provider variables. */
  passwordVariables?: { text: string; where: Where };
  oauth?: OAuthDraft;
  iam?: MskIamDraft;
  where: Where;
}

/** OAUTHBEARER with OIDC client credentials; defaults are Kafka's. */
export interface OAuthDraft {
  tokenEndpointUrl: string;
  clientId: string;
  clientSecret: SecretDraft;
  scope?: string;
  extensions?: Record<string, string>;
  headerUrlencode?: boolean;
  refreshWindowFactor?: number;
  retryBackoffMs?: number;
  retryBackoffMaxMs?: number;
}

export interface MskIamDraft {
  /** Undefined: from the bootstrap host names, else AWS_REGION / AWS_DEFAULT_REGION. */
  region?: string;
  profile?: string;
  roleArn?: string;
  roleSessionName?: string;
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
