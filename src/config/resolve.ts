// Turns cluster drafts into ClusterConfig: reads PEM files, keystores and truststores, and every
// secret (through SecretReader). Messages name the variable, file or setting, never the secret.
//
// A keystore or truststore that exists and is a store but cannot be opened (wrong password, a key
// Node cannot use, no key entry) does not stop the daemon: the cluster gets `tls.unusable` and is
// reported down with that reason while the other clusters are watched. A missing file, or one
// that is no store at all, is a configuration problem like a missing PEM file.
import fs from 'node:fs';
import type { ClusterConfig, MskIamConfig, OAuthBearerConfig, SaslConfig, StoreType, TlsConfig } from '../core/types.js';
import { DEFAULTS } from './defaults.js';
import type { ClusterDraft, FileRef, SaslDraft, SecretDraft, StoreDraft, Where } from './drafts.js';
import { readKeystore, readPemPrivateKey, readTruststore, sniffStoreType } from './keystores.js';
import type { ConfigProblem } from './problems.js';
import { SecretReader } from './secrets.js';

function problemAt(where: Where, message: string): ConfigProblem {
  return { file: where.file, line: where.line, path: where.path, message };
}

function describeWhere(where: Where): string {
  return `${where.path ?? where.file}${where.line !== undefined ? `, line ${where.line}` : ''}`;
}

function readBytes(ref: FileRef, what: string, problems: ConfigProblem[]): Buffer | undefined {
  try {
    return fs.readFileSync(ref.path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (code ?? 'unreadable');
    problems.push(problemAt(ref.where, `cannot read ${what} ${ref.path}: ${why}`));
    return undefined;
  }
}

function readText(ref: FileRef, what: string, problems: ConfigProblem[]): string | undefined {
  return readBytes(ref, what, problems)?.toString('utf8');
}

function pem(ref: FileRef | undefined, inline: string | undefined, kind: 'certificate' | 'private key', problems: ConfigProblem[]): string | undefined {
  if (inline !== undefined) return inline;
  if (!ref) return undefined;
  const text = readText(ref, kind === 'certificate' ? 'certificate file' : 'private key file', problems);
  if (text === undefined) return undefined;
  const marker = kind === 'certificate' ? /-----BEGIN CERTIFICATE-----/ : /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
  if (!marker.test(text)) {
    problems.push(problemAt(ref.where, `${ref.path} holds no PEM ${kind} (expected a "-----BEGIN ${kind === 'certificate' ? 'CERTIFICATE' : 'PRIVATE KEY'}-----" block)`));
    return undefined;
  }
  return text;
}

export interface StoreOutcome<T> {
  value?: T;
  type?: StoreType;
  /** Set when the store exists but cannot be used (see the file comment). */
  unusable?: string;
}

function optionalSecret(d: SecretDraft | undefined, what: string, secrets: SecretReader, problems: ConfigProblem[]): string | undefined | null {
  if (!d) return undefined;
  const before = problems.length;
  const v = secrets.read(d, what, problems);
  return problems.length > before ? null : v;
}

/** Opens a keystore (`kind` keystore) or truststore; problems for what the configuration gets wrong. */
export function openStore<K extends 'keystore' | 'truststore'>(
  kind: K,
  d: StoreDraft,
  secrets: SecretReader,
  problems: ConfigProblem[],
): StoreOutcome<K extends 'keystore' ? { cert: string; key: string } : { ca: string }> {
  const bytes = readBytes(d.file, kind === 'keystore' ? 'keystore' : 'truststore', problems);
  const password = optionalSecret(d.password, `${kind} password`, secrets, problems);
  const keyPassword = kind === 'keystore' ? optionalSecret(d.keyPassword, 'key password', secrets, problems) : undefined;
  if (bytes === undefined || password === null || keyPassword === null) return {};
  const result = kind === 'keystore' ? readKeystore(bytes, d.type, password, keyPassword) : readTruststore(bytes, d.type, password);
  const sniffed = sniffStoreType(bytes);
  const type: StoreType = sniffed === 'JKS' || sniffed === 'PKCS12' || sniffed === 'PEM' ? sniffed : (d.type ?? 'JKS');
  const name = `${kind === 'keystore' ? 'TLS keystore' : 'TLS truststore'} ${d.file.path} (${describeWhere(d.file.where)})`;
  if (!result.ok) {
    if (result.kind === 'format') {
      problems.push(problemAt(d.file.where, `${d.file.path} ${result.message}`));
      return {};
    }
    return { type, unusable: `${name} ${result.message}` };
  }
  return { value: result.value as never, type };
}

function saslSecret(s: SaslDraft): SecretDraft | undefined {
  if (s.password !== undefined) return { value: s.password, where: s.where };
  if (s.passwordEnv) return { env: s.passwordEnv.name, where: s.passwordEnv.where };
  if (s.passwordFile) return { file: s.passwordFile.path, where: s.passwordFile.where };
  if (s.passwordVariables) return { variables: s.passwordVariables.text, where: s.passwordVariables.where };
  return undefined;
}

export function resolveCluster(draft: ClusterDraft, env: NodeJS.ProcessEnv, problems: ConfigProblem[], secrets: SecretReader = new SecretReader(env)): ClusterConfig {
  const out: ClusterConfig = {
    alias: draft.alias,
    bootstrapServers: draft.bootstrapServers,
    clientId: draft.clientId ?? DEFAULTS.clientId,
    connectionTimeoutMs: draft.connectionTimeoutMs ?? DEFAULTS.connectionTimeoutMs,
    requestTimeoutMs: draft.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
  };
  if (draft.tls) {
    const t = draft.tls;
    const tls: TlsConfig = { rejectUnauthorized: t.rejectUnauthorized ?? true };
    const unusable: string[] = [];
    if (t.truststore) {
      const ts = openStore('truststore', t.truststore, secrets, problems);
      if (ts.value) tls.ca = ts.value.ca;
      if (ts.type) tls.truststore = { file: t.truststore.file.path, type: ts.type };
      if (ts.unusable) unusable.push(ts.unusable);
    } else {
      const ca = pem(t.caFile, t.ca, 'certificate', problems);
      if (ca !== undefined) tls.ca = ca;
    }
    if (t.keystore) {
      const ks = openStore('keystore', t.keystore, secrets, problems);
      if (ks.value) {
        tls.cert = ks.value.cert;
        tls.key = ks.value.key;
      }
      if (ks.type) tls.keystore = { file: t.keystore.file.path, type: ks.type };
      if (ks.unusable) unusable.push(ks.unusable);
    } else {
      const cert = pem(t.certFile, t.cert, 'certificate', problems);
      const key = pem(t.keyFile, t.key, 'private key', problems);
      if (cert !== undefined) tls.cert = cert;
      if (key !== undefined) {
        const k = decryptPemKey(key, t, secrets, problems);
        if (typeof k === 'string') tls.key = k;
        else if (k) unusable.push(k.unusable);
      }
    }
    if (t.servername !== undefined) tls.servername = t.servername;
    if (unusable.length > 0) tls.unusable = unusable.join('; ');
    out.tls = tls;
  }
  if (draft.sasl) {
    const sasl = resolveSasl(draft, env, secrets, problems);
    if (sasl) out.sasl = sasl;
  }
  return out;
}

/** Kafka's defaults for the OAUTHBEARER login (sasl.login.refresh.window.factor, sasl.login.retry.backoff.*). */
export const OAUTH_DEFAULTS = { refreshWindowFactor: 0.8, retryBackoffMs: 100, retryBackoffMaxMs: 10_000, headerUrlencode: false };

function resolveSasl(draft: ClusterDraft, env: NodeJS.ProcessEnv, secrets: SecretReader, problems: ConfigProblem[]): SaslConfig | undefined {
  const s = draft.sasl!;
  if (s.mechanism === 'oauthbearer') {
    const o = s.oauth;
    if (!o) {
      problems.push(problemAt(s.where, `cluster ${draft.alias}: OAUTHBEARER needs a token endpoint URL, a client id and a client secret`));
      return undefined;
    }
    const clientSecret = secrets.read(o.clientSecret, 'client secret', problems) ?? '';
    const out: OAuthBearerConfig = {
      mechanism: 'oauthbearer',
      tokenEndpointUrl: o.tokenEndpointUrl,
      clientId: o.clientId,
      clientSecret,
      headerUrlencode: o.headerUrlencode ?? OAUTH_DEFAULTS.headerUrlencode,
      refreshWindowFactor: o.refreshWindowFactor ?? OAUTH_DEFAULTS.refreshWindowFactor,
      retryBackoffMs: o.retryBackoffMs ?? OAUTH_DEFAULTS.retryBackoffMs,
      retryBackoffMaxMs: Math.max(o.retryBackoffMaxMs ?? OAUTH_DEFAULTS.retryBackoffMaxMs, o.retryBackoffMs ?? OAUTH_DEFAULTS.retryBackoffMs),
    };
    if (o.scope !== undefined) out.scope = o.scope;
    if (o.extensions && Object.keys(o.extensions).length > 0) out.extensions = { ...o.extensions };
    return out;
  }
  if (s.mechanism === 'aws-msk-iam') {
    const i = s.iam ?? {};
    const region = i.region ?? regionFromBootstrap(draft.bootstrapServers) ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    if (region === undefined || region === '') {
      problems.push(problemAt(s.where, `cluster ${draft.alias}: AWS MSK IAM needs the cluster's AWS region: set it (region), use the MSK broker host names, or set AWS_REGION`));
      return undefined;
    }
    const out: MskIamConfig = { mechanism: 'aws-msk-iam', region };
    if (i.profile !== undefined) out.profile = i.profile;
    if (i.roleArn !== undefined) out.roleArn = i.roleArn;
    if (i.roleSessionName !== undefined) out.roleSessionName = i.roleSessionName;
    return out;
  }
  const source = saslSecret(s);
  let password: string | undefined;
  if (source) password = secrets.read(source, 'password', problems);
  else problems.push(problemAt(s.where, 'no password source'));
  if (s.username === undefined) problems.push(problemAt(s.where, `cluster ${draft.alias}: ${s.mechanism} needs a username`));
  return { mechanism: s.mechanism, username: s.username ?? '', password: password ?? '' };
}

/** The AWS region an MSK bootstrap host name names (b-1.x.y.kafka.us-east-1.amazonaws.com:9098). */
export function regionFromBootstrap(servers: readonly string[]): string | undefined {
  for (const server of servers) {
    const host = server.trim().replace(/:\d+$/, '').toLowerCase();
    const m = /\.kafka(?:-serverless)?\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com(?:\.cn)?$/.exec(host);
    if (m) return m[1];
  }
  return undefined;
}

/** An encrypted PEM key decrypted with its key password; an unencrypted one as it is. */
function decryptPemKey(key: string, t: NonNullable<ClusterDraft['tls']>, secrets: SecretReader, problems: ConfigProblem[]): string | { unusable: string } | undefined {
  if (!/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(key)) return key;
  const where = t.keyFile?.where ?? t.keyPassword?.where;
  const name = `TLS private key ${t.keyFile?.path ?? '(inline)'}${where ? ` (${describeWhere(where)})` : ''}`;
  const password = optionalSecret(t.keyPassword, 'key password', secrets, problems);
  if (password === null) return undefined;
  const r = readPemPrivateKey(key, password);
  return r.ok ? r.value : { unusable: `${name} ${r.message}` };
}
