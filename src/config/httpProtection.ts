// The protection of mirrorwatch's own HTTP endpoints, in the spirit of Prometheus's web
// configuration: HTTPS from PEM files (optionally requiring client certificates) and basic auth
// with bcrypt-hashed passwords, so the config file holds no password at all.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { HttpTlsConfig, MirrorwatchConfig } from '../core/types.js';
import type { ConfigProblem } from './problems.js';
import { readPemPrivateKey } from './keystores.js';
import { openStore } from './resolve.js';
import { checkSecret, secretShape, SecretReader, storeTypeSchema, yamlSecret, yamlStore } from './secrets.js';

export const httpTlsSchema = z
  .strictObject({
    certFile: z.string({ error: 'expected the path of a PEM certificate (chain) file' }).min(1).optional(),
    keyFile: z.string({ error: 'expected the path of a PEM private key file' }).min(1).optional(),
    /** A JKS, PKCS12 or PEM keystore instead of certFile and keyFile. */
    keystoreFile: z.string().min(1).optional(),
    keystoreType: storeTypeSchema.optional(),
    ...secretShape('keystorePassword'),
    ...secretShape('keyPassword'),
    /** When set, clients must present a certificate signed by one of these CAs (mutual TLS). */
    clientCaFile: z.string().min(1).optional(),
  })
  .superRefine((t, ctx) => {
    checkSecret(t, 'keystorePassword', ctx);
    checkSecret(t, 'keyPassword', ctx);
    if (t.keystoreFile !== undefined) {
      if (t.certFile !== undefined || t.keyFile !== undefined) ctx.addIssue({ code: 'custom', path: ['keystoreFile'], message: 'set either keystoreFile or certFile and keyFile, not both' });
    } else {
      if (t.certFile === undefined) ctx.addIssue({ code: 'custom', path: ['certFile'], message: 'required (the PEM certificate chain), unless keystoreFile is set' });
      if (t.keyFile === undefined) ctx.addIssue({ code: 'custom', path: ['keyFile'], message: 'required (the PEM private key), unless keystoreFile is set' });
      for (const k of ['keystoreType', 'keystorePassword', 'keystorePasswordEnv', 'keystorePasswordFile'] as const) {
        if (t[k] !== undefined) ctx.addIssue({ code: 'custom', path: [k], message: `${k} needs keystoreFile` });
      }
    }
  });

// $2a$, $2b$ and $2y$ (htpasswd -B) hashes, cost 4-31: what bcrypt implementations produce.
const BCRYPT_HASH = /^\$2[aby]\$(0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}$/;

export const basicAuthUsersSchema = z
  .record(z.string(), z.unknown(), { error: 'expected a mapping of user name to bcrypt hash' })
  .superRefine((users, ctx) => {
    const names = Object.keys(users);
    if (names.length === 0) ctx.addIssue({ code: 'custom', message: 'list at least one user, or leave basicAuthUsers out' });
    for (const name of names) {
      // eslint-disable-next-line no-control-regex
      if (name === '' || /[:\u0000-\u001f\u007f]/.test(name) || name === '__proto__') {
        ctx.addIssue({ code: 'custom', path: [name], message: 'a user name must be non-empty and hold no ":" or control character' });
      }
      const hash = users[name];
      // The value is never echoed: a plain password pasted here by mistake must not reach a log.
      if (typeof hash !== 'string' || !BCRYPT_HASH.test(hash)) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: 'expected a bcrypt hash ($2y$..., e.g. from `htpasswd -nBC 10 USER`), not a password or anything else',
        });
      }
    }
  })
  .transform((users) => users as Record<string, string>);

export interface YamlHttpProtection {
  tls?: z.output<typeof httpTlsSchema>;
  basicAuthUsers?: Record<string, string>;
}

function readPem(file: string, p: string, key: string, kind: 'certificate' | 'private key', problems: ConfigProblem[]): string | undefined {
  const full = path.isAbsolute(p) ? p : path.join(path.dirname(file), p);
  let text: string;
  try {
    text = fs.readFileSync(full, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (code ?? 'unreadable');
    problems.push({ file, path: key, message: `cannot read ${kind} file ${full}: ${why}` });
    return undefined;
  }
  const marker = kind === 'certificate' ? /-----BEGIN CERTIFICATE-----/ : /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
  if (!marker.test(text)) {
    problems.push({ file, path: key, message: `${full} holds no PEM ${kind}` });
    return undefined;
  }
  return text;
}

/** The optional HTTPS and basic-auth settings, PEM files and keystores read; problems collected, not thrown. */
export function resolveHttpProtection(
  file: string,
  http: YamlHttpProtection | undefined,
  problems: ConfigProblem[],
  secrets: SecretReader = new SecretReader(process.env),
): Pick<MirrorwatchConfig['http'], 'tls' | 'basicAuthUsers'> {
  const out: Pick<MirrorwatchConfig['http'], 'tls' | 'basicAuthUsers'> = {};
  if (http?.tls) {
    const t = http.tls;
    const fields = t as Record<string, unknown>;
    let material: { cert: string; key: string } | undefined;
    let keystore: HttpTlsConfig['keystore'];
    const store = yamlStore(file, 'http.tls', fields, 'keystore');
    if (store) {
      const ks = openStore('keystore', store, secrets, problems);
      // mirrorwatch's own server has nothing to serve without its key: every failure is a problem.
      if (ks.unusable) problems.push({ file, path: 'http.tls.keystoreFile', message: ks.unusable });
      if (ks.value) material = ks.value;
      if (ks.type) keystore = { file: store.file.path, type: ks.type };
    } else if (t.certFile !== undefined && t.keyFile !== undefined) {
      const cert = readPem(file, t.certFile, 'http.tls.certFile', 'certificate', problems);
      let key = readPem(file, t.keyFile, 'http.tls.keyFile', 'private key', problems);
      if (key !== undefined && /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(key)) {
        const pw = yamlSecret(file, 'http.tls', fields, 'keyPassword');
        const password = pw ? secrets.read(pw, 'key password', problems) : undefined;
        const r = readPemPrivateKey(key, password);
        if (r.ok) key = r.value;
        else {
          if (pw === undefined || password !== undefined) problems.push({ file, path: 'http.tls.keyFile', message: `${t.keyFile} ${r.message}` });
          key = undefined;
        }
      }
      if (cert !== undefined && key !== undefined) material = { cert, key };
    }
    const clientCa = t.clientCaFile === undefined ? undefined : readPem(file, t.clientCaFile, 'http.tls.clientCaFile', 'certificate', problems);
    if (material) {
      const tls: HttpTlsConfig = { cert: material.cert, key: material.key };
      if (keystore) tls.keystore = keystore;
      if (clientCa !== undefined) tls.clientCa = clientCa;
      out.tls = tls;
    }
  }
  if (http?.basicAuthUsers) out.basicAuthUsers = { ...http.basicAuthUsers };
  return out;
}

export const REDACTED = '[redacted]';

/** A copy fit for logs and /api: the private key and the password hashes replaced. */
export function redactHttp(http: MirrorwatchConfig['http']): MirrorwatchConfig['http'] {
  const out: MirrorwatchConfig['http'] = { ...http };
  if (http.tls) out.tls = { ...http.tls, key: REDACTED };
  if (http.basicAuthUsers) out.basicAuthUsers = Object.fromEntries(Object.keys(http.basicAuthUsers).map((u) => [u, REDACTED]));
  return out;
}
