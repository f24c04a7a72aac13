// Keystores and truststores (issue 12 point 2): JKS (keytool), PKCS12 (openssl, keytool, legacy
// RC2/3DES) and Kafka's PEM stores, from the fixtures that test/fixtures/stores/make.sh makes.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readKeystore, readTruststore, sniffStoreType } from '../../../src/config/keystores.js';
import { ConfigError, loadConfig } from '../../../src/config/load.js';
import { redactConfig } from '../../../src/config/redact.js';
import { tempFiles } from './helpers.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/stores');
const fixture = (name: string): Buffer => fs.readFileSync(path.join(FIXTURES, name));
const CERT_DER = new crypto.X509Certificate(fixture('client.cert.pem')).raw;
const KEY_DER = crypto.createPrivateKey(fixture('client.key.pem')).export({ format: 'der', type: 'pkcs8' });

function sameKeyPair(m: { cert: string; key: string }): void {
  expect(new crypto.X509Certificate(m.cert).raw.equals(CERT_DER)).toBe(true);
  expect(crypto.createPrivateKey(m.key).export({ format: 'der', type: 'pkcs8' }).equals(KEY_DER)).toBe(true);
}

describe('readKeystore', () => {
  it.each([
    ['client.p12', 'PKCS12', undefined],
    ['client-keytool.p12', 'PKCS12', undefined],
    ['client-legacy.p12', 'PKCS12', undefined],
    ['client.jks', 'JKS', 'keypass1'],
  ] as const)('%s gives the certificate and the unencrypted key that openssl made', (file, type, keyPassword) => {
    const r = readKeystore(fixture(file), type, 'storepass1', keyPassword);
    if (!r.ok) throw new Error(r.message);
    sameKeyPair(r.value);
  });

  it('reads EC keys from JKS and PKCS12', () => {
    for (const f of ['ec.jks', 'ec.p12']) {
      const r = readKeystore(fixture(f), undefined, 'storepass1', undefined);
      if (!r.ok) throw new Error(`${f}: ${r.message}`);
      expect(crypto.createPrivateKey(r.value.key).asymmetricKeyType).toBe('ec');
    }
  });

  it('a wrong store password, or a wrong key password, is told apart', () => {
    expect(readKeystore(fixture('client.jks'), 'JKS', 'wrong-pass', 'keypass1')).toEqual({ ok: false, kind: 'password', message: 'cannot be opened: wrong store password (integrity check failed)' });
    expect(readKeystore(fixture('client.p12'), 'PKCS12', 'wrong-pass', undefined)).toEqual({ ok: false, kind: 'password', message: 'cannot be opened: wrong store password (integrity check failed)' });
    // Java's default: the key password is the store password.
    expect(readKeystore(fixture('client.jks'), 'JKS', 'storepass1', undefined)).toMatchObject({ ok: false, kind: 'key-password' });
  });

  it('refuses clearly what it cannot read', () => {
    expect(readKeystore(fixture('ed25519.jks'), 'JKS', 'storepass1', undefined)).toEqual({
      ok: false,
      kind: 'unsupported',
      message: 'the private key "ed" uses key algorithm Ed25519, which mirrorwatch cannot read from a JKS store (RSA, EC and DSA keys are supported): convert the store to PKCS12 with `keytool -importkeystore -deststoretype PKCS12`',
    });
    expect(readKeystore(fixture('client.jceks'), undefined, 'storepass1', undefined)).toMatchObject({ ok: false, kind: 'unsupported', message: expect.stringContaining('JCEKS') });
    expect(readKeystore(fixture('truststore.jks'), 'JKS', 'tspass1', undefined)).toMatchObject({ ok: false, kind: 'empty', message: expect.stringContaining('no private key entry') });
    expect(readKeystore(Buffer.from('not a store at all'), 'JKS', 'x', undefined)).toMatchObject({ ok: false, kind: 'format' });
    expect(readKeystore(fixture('client.cert.pem'), 'PKCS12', undefined, undefined)).toMatchObject({ ok: false, kind: 'format', message: 'is declared PKCS12 but holds PEM text: set the type to PEM' });
  });

  it('reads JKS and PKCS12 under either declared type, as Java (keystore.type.compat) does', () => {
    const r = readKeystore(fixture('client.p12'), 'JKS', 'storepass1', undefined);
    expect(r).toMatchObject({ ok: true, notes: ['declared JKS but is PKCS12; read as PKCS12, as Java does'] });
  });

  it('PEM keystore with an encrypted key and ssl.key.password', () => {
    const pem = Buffer.concat([fixture('client.enc.key.pem'), fixture('client.cert.pem')]);
    const r = readKeystore(pem, 'PEM', undefined, 'keypass1');
    if (!r.ok) throw new Error(r.message);
    sameKeyPair(r.value);
    expect(readKeystore(pem, 'PEM', undefined, 'nope')).toMatchObject({ ok: false, kind: 'key-password' });
  });

  it('sniffs the content', () => {
    expect(['client.jks', 'client.p12', 'client.cert.pem', 'client.jceks'].map((f) => sniffStoreType(fixture(f)))).toEqual(['JKS', 'PKCS12', 'PEM', 'JCEKS']);
  });
});

describe('readTruststore', () => {
  it('trusted certificate entries of JKS (with or without its password) and PKCS12', () => {
    for (const [f, pw] of [['truststore.jks', 'tspass1'], ['truststore.jks', undefined], ['truststore.p12', 'tspass1']] as const) {
      const r = readTruststore(fixture(f), undefined, pw);
      if (!r.ok) throw new Error(`${f}: ${r.message}`);
      expect(r.value.count).toBe(1);
      expect(new crypto.X509Certificate(r.value.ca).raw.equals(CERT_DER)).toBe(true);
    }
    expect(readTruststore(fixture('truststore.p12'), 'PKCS12', 'wrong-pass')).toMatchObject({ ok: false, kind: 'password' });
    expect(readTruststore(fixture('client.p12'), 'PKCS12', 'storepass1')).toMatchObject({ ok: false, kind: 'empty' });
  });
});

describe('loadConfig with stores', () => {
  const STORE_SECRET = 'storepass1';
  const copy = (names: string[]) => Object.fromEntries(names.map((n) => [n, fixture(n).toString('latin1')]));
  // tempFiles writes text; latin1 keeps the binary stores byte for byte.
  const write = (files: Record<string, string>): string => {
    const dir = tempFiles({});
    for (const [n, t] of Object.entries(files)) fs.writeFileSync(path.join(dir, n), Buffer.from(t, n.endsWith('.yaml') || n.endsWith('.properties') ? 'utf8' : 'latin1'));
    return dir;
  };

  it('YAML: keystore and truststore with passwords from env, file and a provider variable', () => {
    const dir = write({
      ...copy(['client.jks', 'truststore.p12']),
      'ks.password': `${STORE_SECRET}\n`,
      'config.yaml': `
clusters:
  - alias: a
    bootstrapServers: a:9093
    tls:
      keystoreFile: client.jks
      keystorePasswordFile: ks.password
      keyPassword: \${env:KEY_PASSWORD}
      truststoreFile: truststore.p12
      truststoreType: pkcs12
      truststorePasswordEnv: TS_PASSWORD
  - alias: b
    bootstrapServers: b:9092
flows: [{ source: a, target: b }]
`,
    });
    const config = loadConfig(path.join(dir, 'config.yaml'), { KEY_PASSWORD: 'keypass1', TS_PASSWORD: 'tspass1' });
    const tls = config.clusters[0]!.tls!;
    sameKeyPair({ cert: tls.cert!, key: tls.key! });
    expect(new crypto.X509Certificate(tls.ca!).raw.equals(CERT_DER)).toBe(true);
    expect(tls.keystore).toEqual({ file: path.join(dir, 'client.jks'), type: 'JKS' });
    expect(tls.truststore).toEqual({ file: path.join(dir, 'truststore.p12'), type: 'PKCS12' });
    expect(tls.unusable).toBeUndefined();
    const shown = JSON.stringify(redactConfig(config));
    expect(shown).not.toContain(tls.key!.split('\n')[1]!);
  });

  it('mm2.properties: a wrong keystore password takes only that cluster down, naming the cluster file and key', () => {
    const dir = write({
      ...copy(['client.p12', 'truststore.jks']),
      'mm2.properties': [
        'clusters = a, b',
        'a.bootstrap.servers = a:9093',
        'b.bootstrap.servers = b:9092',
        'a->b.enabled = true',
        'config.providers = env',
        'config.providers.env.class = org.apache.kafka.common.config.provider.EnvVarConfigProvider',
        'a.security.protocol = SSL',
        'a.ssl.keystore.type = PKCS12',
        'a.ssl.keystore.location = client.p12',
        'a.ssl.keystore.password = ${env:KS_PASSWORD}',
        'a.ssl.truststore.location = truststore.jks',
        'a.ssl.truststore.password = tspass1',
      ].join('\n'),
    });
    const file = path.join(dir, 'mm2.properties');
    {
      const good = loadConfig(file, { KS_PASSWORD: STORE_SECRET });
      sameKeyPair({ cert: good.clusters[0]!.tls!.cert!, key: good.clusters[0]!.tls!.key! });
      const bad = loadConfig(file, { KS_PASSWORD: 'Wr0ng-And-Secret' });
      const tls = bad.clusters[0]!.tls!;
      expect(tls.unusable).toBe(`TLS keystore ${path.join(dir, 'client.p12')} (a.ssl.keystore.location, line 9) cannot be opened: wrong store password (integrity check failed)`);
      expect(tls.key).toBeUndefined();
      expect(tls.ca).toBeDefined();
      expect(JSON.stringify(redactConfig(bad))).not.toContain('Wr0ng-And-Secret');
    }
  });

  it('a store file that is missing or no store is a configuration error; HTTPS keystores must open', () => {
    const dir = write({
      ...copy(['client.p12']),
      'config.yaml': `
clusters:
  - { alias: a, bootstrapServers: a:9093, tls: { keystoreFile: missing.jks, keystorePasswordEnv: P } }
  - { alias: b, bootstrapServers: b:9092, tls: { truststoreFile: config.yaml } }
flows: [{ source: a, target: b }]
http:
  tls: { keystoreFile: client.p12, keystorePassword: "\${env:HTTP_KS}" }
`,
    });
    let err: unknown;
    try {
      loadConfig(path.join(dir, 'config.yaml'), { P: 'x', HTTP_KS: 'Wr0ng-Http' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const lines = (err as ConfigError).problems.map((p) => `${p.path}: ${p.message}`);
    expect(lines).toEqual([`http.tls.keystoreFile: TLS keystore ${path.join(dir, 'client.p12')} (http.tls.keystoreFile) cannot be opened: wrong store password (integrity check failed)`]);
    expect(JSON.stringify(lines)).not.toContain('Wr0ng-Http');
    // With HTTPS sorted out, the clusters' files are read.
    const clusterProblems = (() => {
      try {
        loadConfig(path.join(dir, 'config.yaml'), { P: 'x', HTTP_KS: STORE_SECRET });
      } catch (e) {
        return (e as ConfigError).problems.map((p) => `${p.path}: ${p.message}`);
      }
      return [];
    })();
    expect(clusterProblems).toEqual([
      `clusters[0].tls.keystoreFile: cannot read keystore ${path.join(dir, 'missing.jks')}: no such file`,
      `clusters[1].tls.truststoreFile: ${path.join(dir, 'config.yaml')} is not a JKS, PKCS12 or PEM store (its content is none of JKS, PKCS12 or PEM)`,
    ]);
    fs.writeFileSync(path.join(dir, 'ok.yaml'), 'clusters: [{ alias: a, bootstrapServers: a:1 }, { alias: b, bootstrapServers: b:1 }]\nflows: [{ source: a, target: b }]\nhttp:\n  tls: { keystoreFile: client.p12, keystorePassword: "${env:HTTP_KS}" }\n');
    const ok = loadConfig(path.join(dir, 'ok.yaml'), { HTTP_KS: STORE_SECRET });
    sameKeyPair({ cert: ok.http.tls!.cert, key: ok.http.tls!.key });
    expect(ok.http.tls!.keystore).toEqual({ file: path.join(dir, 'client.p12'), type: 'PKCS12' });
  });
});
