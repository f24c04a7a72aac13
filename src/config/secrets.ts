// One way of reading secrets, whatever the configuration says: a value in hand, an environment
// variable, a file, or `${provider:[path:]key}` config provider variables. In YAML each secret
// setting X comes as `X` (variables only: a password is never written in the file), `XEnv` or
// `XFile`. Messages name the variable, file or setting, never the secret.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { StoreType } from '../core/types.js';
import { builtinProviders, findVariables, substituteVariables } from './configProviders.js';
import type { SecretDraft, StoreDraft, Where } from './drafts.js';
import { normaliseStoreType } from './keystores.js';
import type { ConfigProblem } from './problems.js';
import { ProviderReader } from './providerReaders.js';

const VARIABLE_HINT = '${env:NAME}, ${file:/path/to/file.properties:key} or ${dir:/path/to/dir:file}';

/** `X`, `XEnv`, `XFile` for each secret setting X (zod shape entries). */
export function secretShape<N extends string>(name: N) {
  return {
    [name]: z.string().min(1).optional(),
    [`${name}Env`]: z.string().min(1).optional(),
    [`${name}File`]: z.string().min(1).optional(),
  } as Record<N | `${N}Env` | `${N}File`, z.ZodOptional<z.ZodString>>;
}

/** At most one source (exactly one when `required`); `X` must hold a variable. */
export function checkSecret(obj: Record<string, unknown>, name: string, ctx: z.RefinementCtx, required = false): void {
  const set = [name, `${name}Env`, `${name}File`].filter((k) => obj[k] !== undefined);
  if (set.length > 1) ctx.addIssue({ code: 'custom', path: [set[1]!], message: `set only one of ${name}, ${name}Env, ${name}File` });
  if (required && set.length === 0) {
    ctx.addIssue({ code: 'custom', message: `set one of ${name} (a config provider variable such as ${VARIABLE_HINT}), ${name}Env (an environment variable's name) or ${name}File (a file holding it)` });
  }
  const inline = obj[name];
  // The value is never echoed: it may be a password pasted by mistake.
  if (typeof inline === 'string' && findVariables(inline).length === 0) {
    ctx.addIssue({ code: 'custom', path: [name], message: `a secret is not written in the file: use a config provider variable (${VARIABLE_HINT}), or ${name}Env / ${name}File` });
  }
}

export const storeTypeSchema = z.preprocess(
  (v) => (typeof v === 'string' ? (normaliseStoreType(v) ?? v) : v),
  z.enum(['JKS', 'PKCS12', 'PEM'], { error: 'expected JKS, PKCS12 or PEM' }),
);

/** The draft of secret X of a YAML mapping, paths taken relative to the YAML file. */
export function yamlSecret(file: string, base: string, obj: Record<string, unknown>, name: string): SecretDraft | undefined {
  const at = (k: string): Where => ({ file, path: `${base}.${k}` });
  const v = obj[name];
  const env = obj[`${name}Env`];
  const f = obj[`${name}File`];
  if (typeof v === 'string') return { variables: v, where: at(name) };
  if (typeof env === 'string') return { env, where: at(`${name}Env`) };
  if (typeof f === 'string') return { file: path.isAbsolute(f) ? f : path.join(path.dirname(file), f), where: at(`${name}File`) };
  return undefined;
}

/** A YAML store: `<prefix>File`, `<prefix>Type`, `<prefix>Password*` (and `keyPassword*` for keystores). */
export function yamlStore(file: string, base: string, obj: Record<string, unknown>, prefix: 'keystore' | 'truststore'): StoreDraft | undefined {
  const f = obj[`${prefix}File`];
  if (typeof f !== 'string') return undefined;
  const out: StoreDraft = { file: { path: path.isAbsolute(f) ? f : path.join(path.dirname(file), f), where: { file, path: `${base}.${prefix}File` } } };
  const type = obj[`${prefix}Type`];
  if (typeof type === 'string') out.type = type as StoreType;
  const password = yamlSecret(file, base, obj, `${prefix}Password`);
  if (password) out.password = password;
  if (prefix === 'keystore') {
    const keyPassword = yamlSecret(file, base, obj, 'keyPassword');
    if (keyPassword) out.keyPassword = keyPassword;
  }
  return out;
}

function problemAt(where: Where, message: string): ConfigProblem {
  return { file: where.file, line: where.line, path: where.path, message };
}

function errnoText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (code ?? 'unreadable');
}

/** Reads secrets; YAML variables go through the built-in providers, relative paths from the YAML file's directory. */
export class SecretReader {
  private readonly readers = new Map<string, ProviderReader>();

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  private readerFor(file: string): ProviderReader {
    let r = this.readers.get(file);
    if (!r) {
      r = new ProviderReader(builtinProviders(), {
        env: this.env,
        baseDir: path.dirname(file),
        undeclared: (v) => `names config provider "${v.provider}"; a mirrorwatch YAML file knows file, env and dir`,
      });
      this.readers.set(file, r);
    }
    return r;
  }

  /** The secret, or undefined with a problem pushed. `what` names it in messages ("keystore password"). */
  read(d: SecretDraft, what: string, problems: ConfigProblem[]): string | undefined {
    if (d.value !== undefined) return d.value;
    if (d.env !== undefined) {
      const v = this.env[d.env];
      if (v === undefined) problems.push(problemAt(d.where, `environment variable ${d.env} is not set`));
      else if (v === '') problems.push(problemAt(d.where, `environment variable ${d.env} is empty`));
      else return v;
      return undefined;
    }
    if (d.file !== undefined) {
      let text: string;
      try {
        text = fs.readFileSync(d.file, 'utf8');
      } catch (e) {
        problems.push(problemAt(d.where, `cannot read ${what} file ${d.file}: ${errnoText(e)}`));
        return undefined;
      }
      // Editors and `echo` add a final newline that is not part of the secret.
      const v = text.replace(/\r?\n$/, '');
      if (v === '') {
        problems.push(problemAt(d.where, `${what} file ${d.file} is empty`));
        return undefined;
      }
      return v;
    }
    if (d.variables !== undefined) {
      const s = substituteVariables(d.variables, this.readerFor(d.where.file).lookup);
      for (const u of s.unresolved) problems.push(problemAt(d.where, `${u.variable.text} cannot be resolved: ${u.reason}`));
      if (s.unresolved.length > 0) return undefined;
      if (s.value === '') {
        problems.push(problemAt(d.where, `${what} resolves to an empty value`));
        return undefined;
      }
      return s.value;
    }
    problems.push(problemAt(d.where, `no ${what} source`));
    return undefined;
  }
}
