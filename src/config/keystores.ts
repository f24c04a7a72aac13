// Java keystores and truststores (JKS, PKCS12) and Kafka's PEM stores, turned into the PEM
// certificates and unencrypted PKCS#8 key that Node's TLS takes. JKS is read by jks-js, PKCS12 by
// node-forge; every key and certificate is then checked by Node's own crypto, so what Node's TLS
// could not use is refused here, clearly, rather than at connection time. Messages never hold a
// password or key material.
import crypto from 'node:crypto';
import forge from 'node-forge';
import * as jks from 'jks-js';

export type StoreType = 'PEM' | 'PKCS12' | 'JKS';

/**
 * Why a store cannot be used. `format`: not a store of a known type (a configuration mistake);
 * the others depend on passwords or on what the store holds.
 */
export type StoreFailureKind = 'format' | 'password' | 'key-password' | 'unsupported' | 'empty';

export type StoreResult<T> = { ok: true; value: T; notes: string[] } | { ok: false; kind: StoreFailureKind; message: string };

export interface KeyMaterial {
  /** PEM certificate chain, the certificate of the key first. */
  cert: string;
  /** Unencrypted PKCS#8 PEM. */
  key: string;
}

export interface TrustMaterial {
  /** PEM CA certificates, concatenated. */
  ca: string;
  count: number;
}

const JKS_MAGIC = 0xfeedfeed;
const JCEKS_MAGIC = 0xcececece;

/** What the bytes are, whatever the declared type (Java's keystore.type.compat reads JKS and PKCS12 under either name). */
export function sniffStoreType(bytes: Buffer): StoreType | 'JCEKS' | undefined {
  if (bytes.length >= 4 && bytes.readUInt32BE(0) === JKS_MAGIC) return 'JKS';
  if (bytes.length >= 4 && bytes.readUInt32BE(0) === JCEKS_MAGIC) return 'JCEKS';
  if (bytes.includes('-----BEGIN ')) return 'PEM';
  if (bytes.length > 2 && bytes[0] === 0x30) return 'PKCS12';
  return undefined;
}

export function normaliseStoreType(type: string | undefined): StoreType | undefined {
  if (type === undefined) return undefined;
  const t = type.trim().toUpperCase().replace(/[^A-Z0-9]/g, '');
  if (t === 'JKS') return 'JKS';
  if (t === 'PKCS12' || t === 'P12' || t === 'PFX') return 'PKCS12';
  if (t === 'PEM') return 'PEM';
  return undefined;
}

function fail<T>(kind: StoreFailureKind, message: string): StoreResult<T> {
  return { ok: false, kind, message };
}

/** Opens the bytes as the declared type allows; undefined type: whatever they are. */
function detect(bytes: Buffer, declared: StoreType | undefined): StoreType | StoreResult<never> {
  const actual = sniffStoreType(bytes);
  if (actual === 'JCEKS') return fail('unsupported', 'is a JCEKS keystore, which mirrorwatch cannot read: convert it with `keytool -importkeystore -deststoretype PKCS12`');
  if (actual === undefined) return fail('format', `is not a ${declared ?? 'JKS, PKCS12 or PEM'} store (its content is none of JKS, PKCS12 or PEM)`);
  if (declared === 'PEM' && actual !== 'PEM') return fail('format', `is declared PEM but holds a binary ${actual} store: set the type to ${actual}`);
  if (declared !== undefined && declared !== 'PEM' && actual === 'PEM') return fail('format', `is declared ${declared} but holds PEM text: set the type to PEM`);
  return actual;
}

function certPem(der: Buffer): string {
  // Node parses it: a certificate Node cannot read is refused here, not during the handshake.
  return new crypto.X509Certificate(der).toString();
}

function checkedKey(pem: string, passphrase?: string): { key: string } | { kind: StoreFailureKind; message: string } {
  try {
    const key = crypto.createPrivateKey(passphrase === undefined ? { key: pem, format: 'pem' } : { key: pem, format: 'pem', passphrase });
    return { key: key.export({ format: 'pem', type: 'pkcs8' }).toString() };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/bad decrypt|passphrase|interrupted or cancelled/i.test(msg)) return { kind: 'key-password', message: 'the private key cannot be decrypted: wrong key password' };
    return { kind: 'unsupported', message: `its private key cannot be used by Node's TLS (${msg.replace(/^error:[0-9A-F]+:/, '')})` };
  }
}

/** A PEM private key, decrypted with `password` when it is encrypted, as unencrypted PKCS#8. */
export function readPemPrivateKey(text: string, password: string | undefined): StoreResult<string> {
  const block = PEM_KEY.exec(text);
  if (!block) return fail('empty', 'holds no PEM private key');
  const encrypted = block[1] === 'ENCRYPTED PRIVATE KEY' || /Proc-Type: 4,ENCRYPTED/.test(block[0]);
  if (encrypted && password === undefined) return fail('key-password', 'holds an encrypted private key but no key password is set');
  const key = checkedKey(block[0], encrypted ? password : undefined);
  if ('kind' in key) return fail(key.kind, key.message);
  return { ok: true, value: key.key, notes: [] };
}

// ---------------------------------------------------------------- PEM (Kafka's ssl.*.type = PEM)

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;
const PEM_KEY = /-----BEGIN ((?:ENCRYPTED |RSA |EC |DSA )?PRIVATE KEY)-----[\s\S]*?-----END \1-----/;

function pemCerts(text: string): string[] | StoreResult<never> {
  try {
    return (text.match(PEM_CERT) ?? []).map((c) => new crypto.X509Certificate(c).toString());
  } catch (e) {
    return fail('unsupported', `holds a certificate Node cannot read (${e instanceof Error ? e.message : String(e)})`);
  }
}

function pemKeystore(text: string, keyPassword: string | undefined): StoreResult<KeyMaterial> {
  const key = readPemPrivateKey(text, keyPassword);
  if (!key.ok) return key;
  const certs = pemCerts(text);
  if (!Array.isArray(certs)) return certs;
  if (certs.length === 0) return fail('empty', 'holds no PEM certificate');
  return { ok: true, value: { cert: certs.join(''), key: key.value }, notes: [] };
}

// ---------------------------------------------------------------- PKCS12 (node-forge)

interface P12Contents {
  keys: { pem: string; localKeyId?: string }[];
  certs: { pem: string; localKeyId?: string }[];
}

function openPkcs12(bytes: Buffer, password: string | undefined): P12Contents | StoreResult<never> {
  let asn: forge.asn1.Asn1;
  try {
    asn = forge.asn1.fromDer(forge.util.createBuffer(bytes.toString('binary')));
  } catch {
    return fail('format', 'is not a PKCS12 store (its DER structure cannot be read)');
  }
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(asn, false, password ?? '');
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/MAC could not be verified/i.test(msg)) {
      return fail('password', password === undefined ? 'cannot be opened without a password: set its password' : 'cannot be opened: wrong store password (integrity check failed)');
    }
    if (/not supported|unsupported/i.test(msg)) return fail('unsupported', `uses an algorithm mirrorwatch cannot read (${msg})`);
    return fail('password', `cannot be opened: wrong store password or a damaged file (${msg})`);
  }
  const out: P12Contents = { keys: [], certs: [] };
  const id = (bag: forge.pkcs12.Bag): string | undefined => {
    const v = (bag.attributes as Record<string, unknown[] | undefined>).localKeyId?.[0];
    return typeof v === 'string' ? forge.util.bytesToHex(v) : undefined;
  };
  for (const contents of p12.safeContents) {
    for (const bag of contents.safeBags) {
      const raw = (bag as unknown as { asn1?: forge.asn1.Asn1 }).asn1;
      if (bag.type === forge.pki.oids.certBag) {
        const der = bag.cert ? forge.asn1.toDer(forge.pki.certificateToAsn1(bag.cert)).getBytes() : raw ? forge.asn1.toDer(raw).getBytes() : undefined;
        if (der === undefined) continue;
        try {
          out.certs.push({ pem: certPem(Buffer.from(der, 'binary')), localKeyId: id(bag) });
        } catch (e) {
          return fail('unsupported', `holds a certificate Node cannot read (${e instanceof Error ? e.message : String(e)})`);
        }
      } else if (bag.type === forge.pki.oids.pkcs8ShroudedKeyBag || bag.type === forge.pki.oids.keyBag) {
        // RSA keys come back parsed; other algorithms as their PrivateKeyInfo.
        const info = bag.key ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key)) : raw;
        if (!info) return fail('unsupported', 'holds a private key mirrorwatch cannot decode');
        const pem = forge.pem.encode({ type: 'PRIVATE KEY', body: forge.asn1.toDer(info).getBytes() });
        const key = checkedKey(pem);
        if ('kind' in key) return fail(key.kind, key.message);
        out.keys.push({ pem: key.key, localKeyId: id(bag) });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------- JKS (jks-js)

type JksEntry = ReturnType<typeof jks.parseJks>[number];

const KEY_ALGORITHMS: Record<string, string> = { '1.3.101.112': 'Ed25519', '1.3.101.113': 'Ed448', '1.3.101.110': 'X25519', '1.3.101.111': 'X448', '1.2.840.113549.1.1.10': 'RSASSA-PSS' };

function openJks(bytes: Buffer, password: string | undefined): JksEntry[] | StoreResult<never> {
  try {
    return jks.parseJks(bytes, password ?? '');
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/Password verification failed/.test(msg)) return fail('password', 'cannot be opened: wrong store password (integrity check failed)');
    return fail('format', `is not a readable JKS store (${msg})`);
  }
}

function jksCert(c: { certType: string; value: Buffer }): string | StoreResult<never> {
  if (c.certType !== 'X.509') return fail('unsupported', `holds a ${c.certType} certificate; only X.509 is supported`);
  try {
    return certPem(c.value);
  } catch (e) {
    return fail('unsupported', `holds a certificate Node cannot read (${e instanceof Error ? e.message : String(e)})`);
  }
}

// ---------------------------------------------------------------- entry points

/**
 * The client (or server) key and its certificate chain from a keystore.
 * @param keyPassword `ssl.key.password`; JKS keys default to the store password, as in Java
 */
export function readKeystore(bytes: Buffer, type: StoreType | undefined, storePassword: string | undefined, keyPassword: string | undefined): StoreResult<KeyMaterial> {
  const t = detect(bytes, type);
  if (typeof t !== 'string') return t;
  if (t === 'PEM') return pemKeystore(bytes.toString('utf8'), keyPassword);
  const notes: string[] = [];
  if (type !== undefined && type !== t) notes.push(`declared ${type} but is ${t}; read as ${t}, as Java does`);
  if (t === 'PKCS12') {
    const p = openPkcs12(bytes, storePassword);
    if (!('keys' in p)) return p;
    const key = p.keys[0];
    if (!key) return fail('empty', 'holds no private key entry (a keystore must hold the key and its certificate)');
    if (p.keys.length > 1) notes.push(`holds ${p.keys.length} private keys; mirrorwatch uses the first`);
    const leaf = p.certs.find((c) => c.localKeyId !== undefined && c.localKeyId === key.localKeyId) ?? p.certs[0];
    if (!leaf) return fail('empty', 'holds no certificate for its private key');
    const chain = [leaf, ...p.certs.filter((c) => c !== leaf && c.localKeyId === undefined)];
    return { ok: true, value: { cert: chain.map((c) => c.pem).join(''), key: key.pem }, notes };
  }
  const entries = openJks(bytes, storePassword);
  if (!Array.isArray(entries)) return entries;
  const keyEntries = entries.filter((e): e is Extract<JksEntry, { protectedPrivateKey: Buffer }> => 'protectedPrivateKey' in e);
  const first = keyEntries[0];
  if (!first) return fail('empty', 'holds no private key entry (a keystore must hold the key and its certificate)');
  if (keyEntries.length > 1) notes.push(`holds ${keyEntries.length} private keys; mirrorwatch uses the first ("${first.alias}")`);
  let decrypted: string;
  try {
    decrypted = jks.decrypt(first.protectedPrivateKey, keyPassword ?? storePassword ?? '');
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/Cannot recover key/.test(msg)) return fail('key-password', `the private key "${first.alias}" cannot be decrypted: wrong key password`);
    const oid = /algorithm ([0-9]+(?:\.[0-9]+)+)/.exec(msg)?.[1];
    const alg = oid ? `key algorithm ${KEY_ALGORITHMS[oid] ?? oid}` : `its protection (${msg})`;
    return fail('unsupported', `the private key "${first.alias}" uses ${alg}, which mirrorwatch cannot read from a JKS store (RSA, EC and DSA keys are supported): convert the store to PKCS12 with \`keytool -importkeystore -deststoretype PKCS12\``);
  }
  const key = checkedKey(decrypted);
  if ('kind' in key) return fail(key.kind, key.message);
  const chain: string[] = [];
  for (const c of first.chain) {
    const pem = jksCert(c);
    if (typeof pem !== 'string') return pem;
    chain.push(pem);
  }
  if (chain.length === 0) return fail('empty', `the key "${first.alias}" has no certificate`);
  return { ok: true, value: { cert: chain.join(''), key: key.key }, notes };
}

/** The trusted certificates of a truststore (its certificate entries, as Java's trust manager takes them). */
export function readTruststore(bytes: Buffer, type: StoreType | undefined, password: string | undefined): StoreResult<TrustMaterial> {
  const t = detect(bytes, type);
  if (typeof t !== 'string') return t;
  const notes: string[] = [];
  if (type !== undefined && type !== t) notes.push(`declared ${type} but is ${t}; read as ${t}, as Java does`);
  let certs: string[];
  if (t === 'PEM') {
    const c = pemCerts(bytes.toString('utf8'));
    if (!Array.isArray(c)) return c;
    certs = c;
  } else if (t === 'PKCS12') {
    const p = openPkcs12(bytes, password);
    if (!('keys' in p)) return p;
    certs = p.certs.filter((c) => c.localKeyId === undefined).map((c) => c.pem);
  } else {
    // Without a password Java loads a JKS store unchecked; jks-js does the same.
    const entries = openJks(bytes, password);
    if (!Array.isArray(entries)) return entries;
    certs = [];
    for (const e of entries) {
      if (!('cert' in e)) continue;
      const pem = jksCert(e.cert);
      if (typeof pem !== 'string') return pem;
      certs.push(pem);
    }
  }
  if (certs.length === 0) return fail('empty', 'holds no trusted certificate entry');
  return { ok: true, value: { ca: certs.join(''), count: certs.length }, notes };
}
