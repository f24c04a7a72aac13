// Maps the client settings of one cluster in mm2.properties (`<alias>.security.protocol`,
// `<alias>.sasl.*`, `<alias>.ssl.*`, falling back to the top-level keys as MirrorMakerConfig
// does) to mirrorwatch's connection settings. What cannot be mapped becomes a warning; values of
// these keys are never quoted in messages, since several of them are secrets.
import path from 'node:path';
import type { ConfigWarning, SaslConfig } from '../core/types.js';
import type { SaslDraft, SecretDraft, StoreDraft, TlsDraft, Where } from './drafts.js';
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
    if (!mechanism) {
      warn(
        mech ?? proto,
        `cluster ${alias}: SASL mechanism ${mechName}${mech ? '' : ' (the Kafka default)'} is not supported by mirrorwatch (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 are); it connects without SASL and will likely be refused`,
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
    if (HANDLED.has(k)) continue;
    if ((useTls && k.startsWith('ssl.')) || (useSasl && k.startsWith('sasl.'))) {
      const p = lookup(k);
      warn(p, `cluster ${alias}: ${k} is not supported by mirrorwatch and is ignored`);
    }
  }
  return { tls, sasl, warnings };
}
