// Secured Kafka for tests: a throwaway certificate authority made with openssl (PEM files that both
// Kafka, with ssl.keystore.type=PEM, and Node read as they are) and a single-node cluster with a
// SASL_SSL listener (SCRAM-SHA-512, SCRAM-SHA-256 and PLAIN) and a mutual-TLS listener beside the
// PLAINTEXT one the harness itself talks to. SCRAM users are written into the metadata log when
// the storage is formatted (`kafka-storage format --add-scram`), so no admin call is needed.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCluster } from './cluster.js';
import type { KafkaCluster } from './cluster.js';
import { newRunDir } from './paths.js';

export interface CertFiles {
  /** PEM certificate. */
  cert: string;
  /** PEM private key (PKCS#8, unencrypted). */
  key: string;
}

export interface Pki {
  dir: string;
  /** The CA certificate clients and brokers trust. */
  caCert: string;
  /** Broker (and HTTPS) certificate for localhost and 127.0.0.1, signed by the CA. */
  server: CertFiles;
  /** Key, certificate and CA chain in one file: Kafka's PEM keystore. */
  serverKeystore: string;
  /** Client certificate (CN=mirrorwatch) for mutual TLS, signed by the CA. */
  client: CertFiles;
  /** A CA nobody trusts, with a server certificate of its own (for "wrong CA" tests). */
  otherCaCert: string;
}

function openssl(dir: string, args: string[]): void {
  try {
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    throw new Error(`openssl ${args.join(' ')} failed: ${e.stderr?.toString() || e.message}`);
  }
}

function issue(dir: string, name: string, subject: string, ca: string, san: string | null): CertFiles {
  const key = join(dir, `${name}.key.pem`);
  const csr = join(dir, `${name}.csr`);
  const cert = join(dir, `${name}.cert.pem`);
  const ext = join(dir, `${name}.ext`);
  openssl(dir, ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', key]);
  openssl(dir, ['req', '-new', '-key', key, '-subj', subject, '-out', csr]);
  writeFileSync(
    ext,
    ['basicConstraints=CA:FALSE', 'keyUsage=digitalSignature,keyEncipherment', `extendedKeyUsage=${san ? 'serverAuth,clientAuth' : 'clientAuth'}`, ...(san ? [`subjectAltName=${san}`] : [])].join('\n') + '\n',
  );
  openssl(dir, ['x509', '-req', '-in', csr, '-CA', `${ca}.cert.pem`, '-CAkey', `${ca}.key.pem`, '-CAcreateserial', '-days', '30', '-sha256', '-extfile', ext, '-out', cert]);
  return { cert, key };
}

function makeCa(dir: string, name: string, cn: string): string {
  const key = join(dir, `${name}.key.pem`);
  const cert = join(dir, `${name}.cert.pem`);
  openssl(dir, ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', key]);
  openssl(dir, ['req', '-x509', '-new', '-key', key, '-subj', `/CN=${cn}`, '-days', '30', '-sha256', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', cert]);
  return cert;
}

/** A fresh CA, a server certificate for localhost/127.0.0.1 and a client certificate (about 1 s). */
export function createPki(dir: string = newRunDir('pki')): Pki {
  mkdirSync(dir, { recursive: true });
  const caCert = makeCa(dir, 'ca', 'mirrorwatch test CA');
  const server = issue(dir, 'server', '/CN=localhost', 'ca', 'DNS:localhost,IP:127.0.0.1');
  const client = issue(dir, 'client', '/CN=mirrorwatch', 'ca', null);
  const serverKeystore = join(dir, 'server.keystore.pem');
  writeFileSync(serverKeystore, [server.key, server.cert, caCert].map((f) => readFileSync(f, 'utf8')).join(''));
  const otherCaCert = makeCa(dir, 'other-ca', 'an untrusted CA');
  return { dir, caCert, server, serverKeystore, client, otherCaCert };
}

export interface JavaStores {
  /** Broker keystore (JKS, made by keytool): the server key and certificate, key password != store password. */
  serverJks: string;
  /** The server key and certificate as PKCS12 (openssl), e.g. for mirrorwatch's own HTTPS. */
  serverP12: string;
  /** Client (CN=mirrorwatch) keystores for mutual TLS. */
  clientP12: string;
  clientJks: string;
  /** The CA as a trusted certificate entry. */
  truststoreJks: string;
  truststoreP12: string;
  storePassword: string;
  /** Key password of the JKS keystores (PKCS12 keys share the store password). */
  keyPassword: string;
}

function keytool(dir: string, args: string[]): void {
  try {
    execFileSync('keytool', [...args, '-noprompt'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stdout?: Buffer; stderr?: Buffer; message: string };
    throw new Error(`keytool ${args.join(' ')} failed: ${e.stdout?.toString() ?? ''}${e.stderr?.toString() || e.message}`);
  }
}

/**
 * The PKI's PEM files as Java stores: PKCS12 made by openssl, JKS and PKCS12 truststores made by
 * keytool (a few seconds: each keytool call starts a JVM). Passwords need 6+ characters (keytool).
 */
export function createJavaStores(pki: Pki, storePassword: string, keyPassword: string): JavaStores {
  const dir = pki.dir;
  const at = (name: string): string => join(dir, name);
  openssl(dir, ['pkcs12', '-export', '-in', pki.server.cert, '-inkey', pki.server.key, '-certfile', pki.caCert, '-name', 'server', '-passout', `pass:${storePassword}`, '-out', at('server.p12')]);
  openssl(dir, ['pkcs12', '-export', '-in', pki.client.cert, '-inkey', pki.client.key, '-certfile', pki.caCert, '-name', 'mirrorwatch', '-passout', `pass:${storePassword}`, '-out', at('client.p12')]);
  for (const [from, to] of [
    ['server.p12', 'server.jks'],
    ['client.p12', 'client.jks'],
  ]) {
    keytool(dir, ['-importkeystore', '-srckeystore', at(from!), '-srcstoretype', 'PKCS12', '-srcstorepass', storePassword, '-destkeystore', at(to!), '-deststoretype', 'JKS', '-deststorepass', storePassword, '-destkeypass', keyPassword]);
  }
  keytool(dir, ['-importcert', '-file', pki.caCert, '-alias', 'ca', '-keystore', at('truststore.jks'), '-storetype', 'JKS', '-storepass', storePassword]);
  keytool(dir, ['-importcert', '-file', pki.caCert, '-alias', 'ca', '-keystore', at('truststore.p12'), '-storetype', 'PKCS12', '-storepass', storePassword]);
  return {
    serverJks: at('server.jks'),
    serverP12: at('server.p12'),
    clientP12: at('client.p12'),
    clientJks: at('client.jks'),
    truststoreJks: at('truststore.jks'),
    truststoreP12: at('truststore.p12'),
    storePassword,
    keyPassword,
  };
}

/** Broker properties for SSL listeners that use the JKS keystore and truststore (instead of PEM). */
export function jksBrokerProps(stores: JavaStores): Record<string, string> {
  return {
    'ssl.keystore.type': 'JKS',
    'ssl.keystore.location': stores.serverJks,
    'ssl.keystore.password': stores.storePassword,
    'ssl.key.password': stores.keyPassword,
    'ssl.truststore.type': 'JKS',
    'ssl.truststore.location': stores.truststoreJks,
    'ssl.truststore.password': stores.storePassword,
  };
}

export type SaslMechanism = 'SCRAM-SHA-512' | 'SCRAM-SHA-256' | 'PLAIN';

export interface SaslUser {
  mechanism: SaslMechanism;
  username: string;
  password: string;
}

export interface StartSecureClusterOptions {
  alias: string;
  users: SaslUser[];
  /** Default: a fresh one. */
  pki?: Pki;
  version?: string;
  /** Extra broker properties (override the generated ones). */
  brokerProps?: Record<string, string>;
}

export interface SecureCluster extends KafkaCluster {
  pki: Pki;
  /** `127.0.0.1:<port>` of the SASL_SSL listener (SCRAM-SHA-512/256, PLAIN). */
  saslSslBootstrap: string;
  /** `127.0.0.1:<port>` of the SSL listener that requires a client certificate. */
  mtlsBootstrap: string;
}

// The format tool's --add-scram syntax has no quoting rules worth relying on.
const SAFE = /^[A-Za-z0-9_.-]+$/;

const JAAS = {
  scram: 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
  plain: (users: SaslUser[]): string =>
    `org.apache.kafka.common.security.plain.PlainLoginModule required ${users.map((u) => `user_${u.username}="${u.password}"`).join(' ')};`,
};

/** A single-node cluster with PLAINTEXT (harness), SASL_SSL (listener SECURE) and mTLS (listener MTLS). */
export async function startSecureCluster(opts: StartSecureClusterOptions): Promise<SecureCluster> {
  for (const u of opts.users) {
    if (!SAFE.test(u.username) || !SAFE.test(u.password)) throw new Error(`test user ${u.username}: use only letters, digits, "_", "." and "-"`);
  }
  const pki = opts.pki ?? createPki();
  const scram = opts.users.filter((u) => u.mechanism !== 'PLAIN');
  const plain = opts.users.filter((u) => u.mechanism === 'PLAIN');
  const brokerProps: Record<string, string> = {
    'ssl.keystore.type': 'PEM',
    'ssl.keystore.location': pki.serverKeystore,
    'ssl.truststore.type': 'PEM',
    'ssl.truststore.location': pki.caCert,
    'listener.name.secure.sasl.enabled.mechanisms': 'SCRAM-SHA-512,SCRAM-SHA-256,PLAIN',
    'listener.name.secure.scram-sha-512.sasl.jaas.config': JAAS.scram,
    'listener.name.secure.scram-sha-256.sasl.jaas.config': JAAS.scram,
    'listener.name.secure.plain.sasl.jaas.config': JAAS.plain(plain.length > 0 ? plain : [{ mechanism: 'PLAIN', username: 'nobody', password: 'none' }]),
    'listener.name.mtls.ssl.client.auth': 'required',
    ...opts.brokerProps,
  };
  const cluster = await startCluster({
    alias: opts.alias,
    version: opts.version,
    extraListeners: [
      { name: 'SECURE', securityProtocol: 'SASL_SSL' },
      { name: 'MTLS', securityProtocol: 'SSL' },
    ],
    brokerProps,
    formatArgs: scram.flatMap((u) => ['--add-scram', `${u.mechanism}=[name=${u.username},password=${u.password}]`]),
  });
  return Object.assign(cluster, {
    pki,
    saslSslBootstrap: `127.0.0.1:${cluster.listenerPorts.SECURE}`,
    mtlsBootstrap: `127.0.0.1:${cluster.listenerPorts.MTLS}`,
  });
}
