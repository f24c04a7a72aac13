// Maps the client settings of one cluster in mm2.properties (`<alias>.security.protocol`,
// `<alias>.sasl.*`, `<alias>.ssl.*`, falling back to the top-level keys as MirrorMakerConfig
// does) to mirrorwatch's connection settings. What cannot be mapped becomes a warning; values of
// these keys are never quoted in messages, since several of them are secrets.
import path from 'node:path';
import type { ConfigWarning, SaslConfig } from '../core/types.js';
import type { MskIamDraft, OAuthDraft, SaslDraft, SecretDraft, StoreDraft, TlsDraft, Where } from './drafts.js';
import { parseJaasConfig } from './jaas.js';
import { javaTrim } from './javaValues.js';
import { normaliseStoreType } from './keystores.js';

export interface PropValue {
  key: string;
  /** The value, config provider variables resolved (when the loader resolves them). */
  value: string;
  line: number;
  /** The value as written, when variables were resolved into `value`: what messages may quote. */
  written?: string;
}

export interface ClientImport {
  tls?: TlsDraft;
  sasl?: SaslDraft;
  warnings: ConfigWarning[];
}

const PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
const MECHANISMS: Record<string, SaslConfig['mechanism']> = {
  PLAIN: 'plain',
  'SCRAM-SHA-256': 'scram-sha-256',
  'SCRAM-SHA-512': 'scram-sha-512',
};
const HANDLED = new Set([
  'security.protocol',
  'sasl.mechanism',
  'sasl.jaas.config',
  'ssl.truststore.type',
  'ssl.truststore.location',
  'ssl.truststore.password',
  'ssl.truststore.certificates',
  'ssl.keystore.type',
  'ssl.keystore.location',
  'ssl.keystore.certificate.chain',
  'ssl.keystore.key',
  'ssl.endpoint.identification.algorithm',
  'ssl.key.password',
  'ssl.keystore.password',
]);

/**
 * @param lookup alias-specific value first, then the top-level one (`<alias>.k`, then `k`)
 * @param keys every client key set for this cluster (stripped of the alias prefix)
 */
export function importClientSettings(
  alias: string,
  lookup: (k: string) => PropValue | undefined,
  keys: Iterable<string>,
  file: string,
): ClientImport {
  const warnings: ConfigWarning[] = [];
  const warn = (p: PropValue | undefined, message: string): void => {
    warnings.push({ file, line: p?.line, key: p?.key, message });
  };
  const where = (p: PropValue): Where => ({ file, line: p.line, path: p.key });
  const fileRef = (p: PropValue): { path: string; where: Where } => ({
    path: path.resolve(path.dirname(file), javaTrim(p.value)),
    where: where(p),
  });

  const proto = lookup('security.protocol');
  let protocol: (typeof PROTOCOLS)[number] = 'PLAINTEXT';
  if (proto) {
    const v = javaTrim(proto.value).toUpperCase();
    if ((PROTOCOLS as readonly string[]).includes(v)) protocol = v as (typeof PROTOCOLS)[number];
    else
      warn(
        proto,
        `cluster ${alias}: security.protocol "${proto.written ?? proto.value}" is not one of ${PROTOCOLS.join(', ')}; MM2 refuses it, mirrorwatch connects with PLAINTEXT`,
      );
  }
  const useTls = protocol === 'SSL' || protocol === 'SASL_SSL';
  const useSasl = protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL';

  const secret = (p: PropValue | undefined): SecretDraft | undefined => (p ? { value: p.value, where: where(p) } : undefined);
  /** A JKS or PKCS12 store; undefined (with a warning) for a type mirrorwatch cannot read. */
  const store = (kind: 'keystore' | 'truststore', location: PropValue, typeName: string, password: PropValue | undefined): StoreDraft | undefined => {
    const type = normaliseStoreType(typeName);
    if (type === undefined) {
      warn(location, `cluster ${alias}: mirrorwatch cannot read ${typeName} ${kind}s (it reads JKS, PKCS12 and PEM); ${kind === 'truststore' ? 'it trusts the system CAs instead' : 'it presents no client certificate'}`);
      return undefined;
    }
    const out: StoreDraft = { file: fileRef(location), type };
    const pw = secret(password);
    if (pw) out.password = pw;
    return out;
  };

  let tls: TlsDraft | undefined;
  if (useTls) {
    tls = { rejectUnauthorized: true };
    // Kafka's default store type is JKS.
    const tsType = javaTrim(lookup('ssl.truststore.type')?.value ?? 'JKS').toUpperCase();
    const tsLocation = lookup('ssl.truststore.location');
    const tsCerts = lookup('ssl.truststore.certificates');
    if (tsCerts) tls.ca = tsCerts.value;
    else if (tsLocation && tsType === 'PEM') tls.caFile = fileRef(tsLocation);
    else if (tsLocation) {
      const ts = store('truststore', tsLocation, tsType, lookup('ssl.truststore.password'));
      if (ts) tls.truststore = ts;
    }
    const ksType = javaTrim(lookup('ssl.keystore.type')?.value ?? 'JKS').toUpperCase();
    const ksLocation = lookup('ssl.keystore.location');
    const ksChain = lookup('ssl.keystore.certificate.chain');
    const ksKey = lookup('ssl.keystore.key');
    const keyPassword = lookup('ssl.key.password');
    if (ksChain && ksKey) {
      tls.cert = ksChain.value;
      tls.key = ksKey.value;
      if (keyPassword) tls.keyPassword = secret(keyPassword)!;
    } else if (ksLocation && ksType === 'PEM') {
      // A PEM keystore holds the private key and the certificate chain in one file.
      tls.certFile = fileRef(ksLocation);
      tls.keyFile = fileRef(ksLocation);
      if (keyPassword) tls.keyPassword = secret(keyPassword)!;
    } else if (ksLocation) {
      const ks = store('keystore', ksLocation, ksType, lookup('ssl.keystore.password'));
      if (ks) {
        if (keyPassword) ks.keyPassword = secret(keyPassword)!;
        tls.keystore = ks;
      }
    }
    const eia = lookup('ssl.endpoint.identification.algorithm');
    if (eia && javaTrim(eia.value) === '') {
      warn(
        eia,
        `cluster ${alias}: MM2 skips host name verification (ssl.endpoint.identification.algorithm is empty); mirrorwatch still verifies host names. Set clusters[].tls.servername in a mirrorwatch YAML file if the certificate names another host`,
      );
    }
  }

  let sasl: SaslDraft | undefined;
  if (useSasl) {
    const mech = lookup('sasl.mechanism');
    const mechName = mech ? javaTrim(mech.value).toUpperCase() : 'GSSAPI';
    const mechanism = MECHANISMS[mechName];
    const jaas = lookup('sasl.jaas.config');
    if (mechName === 'OAUTHBEARER' || mechName === 'AWS_MSK_IAM') {
      const bearer = importBearer(alias, mechName, lookup, where, warn);
      if (bearer) sasl = bearer;
    } else if (!mechanism) {
      warn(
        mech ?? proto,
        `cluster ${alias}: SASL mechanism ${mechName}${mech ? '' : ' (the Kafka default)'} is not supported by mirrorwatch (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER and AWS_MSK_IAM are); it connects without SASL and will likely be refused`,
      );
    } else if (!jaas) {
      warn(mech ?? proto, `cluster ${alias}: ${mechName} needs sasl.jaas.config with username and password; none is set`);
    } else {
      const parsed = parseJaasConfig(jaas.value);
      const opts = parsed.ok ? parsed.logins[0]?.options : undefined;
      const username = opts?.get('username');
      const password = opts?.get('password');
      if (!parsed.ok) {
        warn(jaas, `cluster ${alias}: cannot read sasl.jaas.config (${parsed.reason}); connecting without SASL`);
      } else if (username === undefined || password === undefined) {
        warn(jaas, `cluster ${alias}: sasl.jaas.config has no username and password options; connecting without SASL`);
      } else {
        sasl = { mechanism, username, password, where: where(jaas) };
      }
    }
  }

  for (const k of keys) {
    if (HANDLED.has(k) || (sasl && (sasl.oauth || sasl.iam) && BEARER_HANDLED.has(k))) continue;
    if ((useTls && k.startsWith('ssl.')) || (useSasl && k.startsWith('sasl.'))) {
      const p = lookup(k);
      warn(p, `cluster ${alias}: ${k} is not supported by mirrorwatch and is ignored`);
    }
  }
  return { tls, sasl, warnings };
}

// ------------------------------------------------------------------------ OAUTHBEARER, MSK IAM

/** Login callback handlers that fetch OIDC client-credentials tokens (Kafka 3.1-3.3 and 3.4+). */
const OIDC_HANDLERS = new Set([
  'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler',
  'org.apache.kafka.common.security.oauthbearer.secured.OAuthBearerLoginCallbackHandler',
]);
/** Strimzi's kafka-oauth client: the same grant, its settings as `oauth.*` JAAS options. */
const STRIMZI_HANDLER = 'io.strimzi.kafka.oauth.client.JaasClientOauthLoginCallbackHandler';
const STRIMZI_OTHER_GRANTS = ['oauth.access.token', 'oauth.access.token.location', 'oauth.refresh.token', 'oauth.password.grant.username', 'oauth.client.assertion', 'oauth.client.assertion.location'];
const MSK_IAM_OAUTH_HANDLER = 'software.amazon.msk.auth.iam.IAMOAuthBearerLoginCallbackHandler';
const MSK_IAM_LOGIN_MODULE = 'software.amazon.msk.auth.iam.IAMLoginModule';

/** What mirrorwatch reads of an OAUTHBEARER or MSK IAM client (not warned about as ignored). */
const BEARER_HANDLED = new Set([
  'sasl.login.callback.handler.class',
  'sasl.client.callback.handler.class',
  'sasl.oauthbearer.token.endpoint.url',
  'sasl.oauthbearer.scope',
  'sasl.oauthbearer.client.credentials.client.id',
  'sasl.oauthbearer.client.credentials.client.secret',
  'sasl.oauthbearer.header.urlencode',
  'sasl.login.refresh.window.factor',
  'sasl.login.retry.backoff.ms',
  'sasl.login.retry.backoff.max.ms',
  // Kafka's other refresh bounds and HTTP timeouts: mirrorwatch renews by the window factor and
  // its own connection timeouts (SECURITY.md).
  'sasl.login.refresh.buffer.seconds',
  'sasl.login.refresh.min.period.seconds',
  'sasl.login.refresh.window.jitter',
  'sasl.login.connect.timeout.ms',
  'sasl.login.read.timeout.ms',
]);

function importBearer(
  alias: string,
  mechName: 'OAUTHBEARER' | 'AWS_MSK_IAM',
  lookup: (k: string) => PropValue | undefined,
  where: (p: PropValue) => Where,
  warn: (p: PropValue | undefined, message: string) => void,
): SaslDraft | undefined {
  const mech = lookup('sasl.mechanism')!;
  const jaas = lookup('sasl.jaas.config');
  const parsed = jaas ? parseJaasConfig(jaas.value) : undefined;
  if (jaas && parsed && !parsed.ok) {
    warn(jaas, `cluster ${alias}: cannot read sasl.jaas.config (${parsed.reason}); connecting without SASL`);
    return undefined;
  }
  const login = parsed?.ok ? parsed.logins[0] : undefined;
  const opts = login?.options ?? new Map<string, string>();
  const handlerProp = lookup('sasl.login.callback.handler.class');
  const handler = handlerProp ? javaTrim(handlerProp.value) : undefined;
  const clientHandler = lookup('sasl.client.callback.handler.class');

  const isIam =
    mechName === 'AWS_MSK_IAM' ||
    handler === MSK_IAM_OAUTH_HANDLER ||
    (clientHandler !== undefined && javaTrim(clientHandler.value) === MSK_IAM_OAUTH_HANDLER) ||
    login?.loginModule === MSK_IAM_LOGIN_MODULE;
  if (isIam) {
    const iam: MskIamDraft = {};
    const profile = opts.get('awsProfileName');
    const role = opts.get('awsRoleArn');
    const session = opts.get('awsRoleSessionName');
    if (profile) iam.profile = profile;
    if (role) iam.roleArn = role;
    if (session) iam.roleSessionName = session;
    if (role && profile) warn(jaas, `cluster ${alias}: sasl.jaas.config names both awsProfileName and awsRoleArn; mirrorwatch assumes the role`);
    return { mechanism: 'aws-msk-iam', iam, where: where(jaas ?? mech) };
  }

  if (handler === STRIMZI_HANDLER) return importStrimziOauth(alias, opts, jaas!, where, warn);
  const endpoint = lookup('sasl.oauthbearer.token.endpoint.url');
  if (handler !== undefined && !OIDC_HANDLERS.has(handler)) {
    warn(handlerProp, `cluster ${alias}: sasl.login.callback.handler.class ${handler} is not supported by mirrorwatch (it fetches tokens as Kafka's OAuthBearerLoginCallbackHandler, Strimzi's JaasClientOauthLoginCallbackHandler and Amazon's IAMOAuthBearerLoginCallbackHandler do); connecting without SASL`);
    return undefined;
  }
  if (!endpoint) {
    warn(
      handlerProp ?? mech,
      `cluster ${alias}: OAUTHBEARER without sasl.oauthbearer.token.endpoint.url (Kafka's unsecured test tokens) is not supported by mirrorwatch; connecting without SASL`,
    );
    return undefined;
  }
  const url = javaTrim(endpoint.value);
  if (!/^https?:\/\//i.test(url)) {
    warn(endpoint, `cluster ${alias}: sasl.oauthbearer.token.endpoint.url must be an http:// or https:// URL for mirrorwatch (a file: token is not supported); connecting without SASL`);
    return undefined;
  }
  const idProp = lookup('sasl.oauthbearer.client.credentials.client.id');
  const secretProp = lookup('sasl.oauthbearer.client.credentials.client.secret');
  // As Kafka's ConfigOrJaas: the JAAS option first, then the client property.
  const clientId = opts.get('clientId') ?? (idProp ? javaTrim(idProp.value) : undefined);
  const secretValue = opts.get('clientSecret') ?? secretProp?.value;
  if (!clientId || secretValue === undefined || secretValue === '') {
    warn(
      jaas ?? mech,
      `cluster ${alias}: OAUTHBEARER needs clientId and clientSecret (sasl.jaas.config options, or sasl.oauthbearer.client.credentials.client.id / .secret); connecting without SASL`,
    );
    return undefined;
  }
  const secretWhere = opts.has('clientSecret') && jaas ? where(jaas) : where(secretProp ?? mech);
  const oauth: OAuthDraft = { tokenEndpointUrl: url, clientId, clientSecret: { value: secretValue, where: secretWhere } };
  const scopeProp = lookup('sasl.oauthbearer.scope');
  const scope = opts.get('scope') ?? (scopeProp ? javaTrim(scopeProp.value) : undefined);
  if (scope) oauth.scope = scope;
  const extensions: Record<string, string> = {};
  for (const [k, v] of opts) if (k.startsWith('extension_')) extensions[k.slice('extension_'.length)] = v;
  if (Object.keys(extensions).length > 0) oauth.extensions = extensions;
  const num = (key: string, min: number, max: number): number | undefined => {
    const p = lookup(key);
    if (!p) return undefined;
    const n = Number(javaTrim(p.value));
    if (!Number.isFinite(n) || n < min || n > max) {
      warn(p, `cluster ${alias}: ${key} "${p.written ?? p.value}" is not a number from ${min} to ${max}; Kafka's default applies`);
      return undefined;
    }
    return n;
  };
  const factor = num('sasl.login.refresh.window.factor', 0.5, 1);
  const backoff = num('sasl.login.retry.backoff.ms', 0, 3_600_000);
  const backoffMax = num('sasl.login.retry.backoff.max.ms', 0, 3_600_000);
  if (factor !== undefined) oauth.refreshWindowFactor = factor;
  if (backoff !== undefined) oauth.retryBackoffMs = backoff;
  if (backoffMax !== undefined) oauth.retryBackoffMaxMs = backoffMax;
  const urlencode = lookup('sasl.oauthbearer.header.urlencode');
  if (urlencode) oauth.headerUrlencode = javaTrim(urlencode.value).toLowerCase() === 'true';
  return { mechanism: 'oauthbearer', oauth, where: where(jaas ?? endpoint) };
}

function importStrimziOauth(
  alias: string,
  opts: Map<string, string>,
  jaas: PropValue | undefined,
  where: (p: PropValue) => Where,
  warn: (p: PropValue | undefined, message: string) => void,
): SaslDraft | undefined {
  const other = STRIMZI_OTHER_GRANTS.find((k) => opts.has(k));
  if (other !== undefined) {
    warn(jaas, `cluster ${alias}: sasl.jaas.config option ${other} is not supported by mirrorwatch (it uses the client credentials grant: oauth.token.endpoint.uri, oauth.client.id, oauth.client.secret); connecting without SASL`);
    return undefined;
  }
  const url = opts.get('oauth.token.endpoint.uri');
  const clientId = opts.get('oauth.client.id');
  const secret = opts.get('oauth.client.secret');
  if (!url || !clientId || !secret || !jaas) {
    warn(jaas, `cluster ${alias}: Strimzi OAuth needs the sasl.jaas.config options oauth.token.endpoint.uri, oauth.client.id and oauth.client.secret (mirrorwatch does not read them from OAUTH_* environment variables); connecting without SASL`);
    return undefined;
  }
  if (!/^https?:\/\//i.test(url)) {
    warn(jaas, `cluster ${alias}: oauth.token.endpoint.uri must be an http:// or https:// URL; connecting without SASL`);
    return undefined;
  }
  const oauth: OAuthDraft = { tokenEndpointUrl: url, clientId, clientSecret: { value: secret, where: where(jaas) } };
  const scope = opts.get('oauth.scope');
  if (scope) oauth.scope = scope;
  return { mechanism: 'oauthbearer', oauth, where: where(jaas) };
}
