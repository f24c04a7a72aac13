// The protection of mirrorwatch's own HTTP endpoints, in the spirit of Prometheus's web
// configuration: HTTPS from PEM files (optionally requiring client certificates) and basic auth
// with bcrypt-hashed passwords, so the config file holds no password at all.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { HttpTlsConfig, MirrorwatchConfig } from '../core/types.js';
import type { ConfigProblem } from './problems.js';

export const httpTlsSchema = z.strictObject({
  certFile: z.string({ error: 'expected the path of a PEM certificate (chain) file' }).min(1),
  keyFile: z.string({ error: 'expected the path of a PEM private key file' }).min(1),
  /** When set, clients must present a certificate signed by one of these CAs (mutual TLS). */
  clientCaFile: z.string().min(1).optional(),
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

/** The optional HTTPS and basic-auth settings, PEM files read; problems collected, not thrown. */
export function resolveHttpProtection(
  file: string,
  http: YamlHttpProtection | undefined,
  problems: ConfigProblem[],
): Pick<MirrorwatchConfig['http'], 'tls' | 'basicAuthUsers'> {
  const out: Pick<MirrorwatchConfig['http'], 'tls' | 'basicAuthUsers'> = {};
  if (http?.tls) {
    const cert = readPem(file, http.tls.certFile, 'http.tls.certFile', 'certificate', problems);
    const key = readPem(file, http.tls.keyFile, 'http.tls.keyFile', 'private key', problems);
    const clientCa = http.tls.clientCaFile === undefined ? undefined : readPem(file, http.tls.clientCaFile, 'http.tls.clientCaFile', 'certificate', problems);
    if (cert !== undefined && key !== undefined) {
      const tls: HttpTlsConfig = { cert, key };
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
