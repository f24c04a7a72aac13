// Turns cluster drafts into ClusterConfig: reads PEM files and password files, looks up password
// environment variables. Messages name the variable or file, never the secret.
import fs from 'node:fs';
import type { ClusterConfig, TlsConfig } from '../core/types.js';
import { DEFAULTS } from './defaults.js';
import type { ClusterDraft, FileRef, Where } from './drafts.js';
import type { ConfigProblem } from './problems.js';

function problemAt(where: Where, message: string): ConfigProblem {
  return { file: where.file, line: where.line, path: where.path, message };
}

function readText(ref: FileRef, what: string, problems: ConfigProblem[]): string | undefined {
  try {
    return fs.readFileSync(ref.path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (code ?? 'unreadable');
    problems.push(problemAt(ref.where, `cannot read ${what} ${ref.path}: ${why}`));
    return undefined;
  }
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

export function resolveCluster(draft: ClusterDraft, env: NodeJS.ProcessEnv, problems: ConfigProblem[]): ClusterConfig {
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
    const ca = pem(t.caFile, t.ca, 'certificate', problems);
    const cert = pem(t.certFile, t.cert, 'certificate', problems);
    const key = pem(t.keyFile, t.key, 'private key', problems);
    if (ca !== undefined) tls.ca = ca;
    if (cert !== undefined) tls.cert = cert;
    if (key !== undefined) tls.key = key;
    if (t.servername !== undefined) tls.servername = t.servername;
    out.tls = tls;
  }
  if (draft.sasl) {
    const s = draft.sasl;
    let password: string | undefined = s.password;
    if (s.passwordEnv) {
      const v = env[s.passwordEnv.name];
      if (v === undefined) problems.push(problemAt(s.passwordEnv.where, `environment variable ${s.passwordEnv.name} is not set`));
      else if (v === '') problems.push(problemAt(s.passwordEnv.where, `environment variable ${s.passwordEnv.name} is empty`));
      else password = v;
    } else if (s.passwordFile) {
      const text = readText(s.passwordFile, 'password file', problems);
      if (text !== undefined) {
        // Editors and `echo` add a final newline that is not part of the password.
        const v = text.replace(/\r?\n$/, '');
        if (v === '') problems.push(problemAt(s.passwordFile.where, `password file ${s.passwordFile.path} is empty`));
        else password = v;
      }
    } else if (password === undefined) {
      problems.push(problemAt(s.where, 'no password source'));
    }
    out.sasl = { mechanism: s.mechanism, username: s.username, password: password ?? '' };
  }
  return out;
}
