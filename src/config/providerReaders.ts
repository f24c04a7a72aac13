// The I/O behind config provider variables: FileConfigProvider (a key of a Java properties file),
// DirectoryConfigProvider (the whole content of a file in a directory), EnvVarConfigProvider (an
// environment variable), with their parameters (`allowed.paths`, `allowlist.pattern`) as Kafka
// applies them. Reasons name providers, paths and keys, never a value read.
import fs from 'node:fs';
import path from 'node:path';
import { translateJavaRegex } from '../core/javaRegex.js';
import type { ConfigVariable, ProviderDeclaration, VariableLookup } from './configProviders.js';
import { parseJavaProperties } from './javaProperties.js';

export interface ProviderReaderOptions {
  env: NodeJS.ProcessEnv;
  /** Relative provider paths are taken from here (Kafka: the process's working directory). */
  baseDir: string;
  /** How to name an undeclared provider in messages. */
  undeclared: (variable: ConfigVariable) => string;
}

function errno(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : code === 'ENOTDIR' ? 'not a directory' : (code ?? 'unreadable');
}

/** AllowedPaths: a comma-separated list of absolute, existing paths; null when not set. */
function allowedPaths(value: string | undefined, name: string): string[] | null | { error: string } {
  if (value === undefined || value === '') return null;
  const out: string[] = [];
  for (const p of value.split(',')) {
    const n = path.normalize(p);
    if (!path.isAbsolute(p)) return { error: `config provider "${name}": allowed.paths entry "${p}" is not absolute (Kafka refuses to start)` };
    if (!fs.existsSync(n)) return { error: `config provider "${name}": allowed.paths entry ${n} does not exist (Kafka refuses to start)` };
    out.push(n);
  }
  return out;
}

/** Path.startsWith: component by component. */
function under(p: string, root: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Answers variables from the declared providers, reading each file or directory entry once. */
export class ProviderReader {
  private readonly files = new Map<string, Map<string, string> | { error: string }>();

  constructor(
    private readonly providers: Map<string, ProviderDeclaration>,
    private readonly options: ProviderReaderOptions,
  ) {}

  readonly lookup = (v: ConfigVariable): VariableLookup => {
    const decl = this.providers.get(v.provider);
    if (!decl) return { found: false, reason: this.options.undeclared(v) };
    if (decl.problem !== undefined || decl.kind === undefined) return { found: false, reason: decl.problem ?? 'unsupported provider' };
    switch (decl.kind) {
      case 'env':
        return this.env(decl, v);
      case 'file':
        return this.file(decl, v);
      case 'dir':
        return this.dir(decl, v);
    }
  };

  private resolvePath(p: string): string {
    return path.isAbsolute(p) ? p : path.join(this.options.baseDir, p);
  }

  private allowed(decl: ProviderDeclaration, p: string): { ok: true; path: string } | { ok: false; reason: string } {
    const allowed = allowedPaths(decl.params.get('allowed.paths'), decl.name);
    if (allowed && 'error' in allowed) return { ok: false, reason: allowed.error };
    const full = this.resolvePath(p);
    if (allowed && !allowed.some((root) => under(path.normalize(full), root))) {
      return { ok: false, reason: `${full} is outside config.providers.${decl.name}.param.allowed.paths, so Kafka returns nothing for it` };
    }
    return { ok: true, path: allowed ? path.normalize(full) : full };
  }

  private env(decl: ProviderDeclaration, v: ConfigVariable): VariableLookup {
    if (v.path !== '') return { found: false, reason: `config provider "${decl.name}" (environment variables) takes no path, got "${v.path}" (Kafka refuses it)` };
    const pattern = decl.params.get('allowlist.pattern');
    if (pattern !== undefined) {
      const t = translateJavaRegex(pattern);
      if (!t.ok) return { found: false, reason: `config.providers.${decl.name}.param.allowlist.pattern: ${t.error.message}` };
      if (!new RegExp(`^(?:${t.source})$`, t.flags).test(v.key)) {
        return { found: false, reason: `environment variable ${v.key} does not match config.providers.${decl.name}.param.allowlist.pattern, so Kafka does not give it out` };
      }
    }
    const value = this.options.env[v.key];
    if (value === undefined) return { found: false, reason: `environment variable ${v.key} is not set` };
    return { found: true, value };
  }

  private file(decl: ProviderDeclaration, v: ConfigVariable): VariableLookup {
    if (v.path === '') return { found: false, reason: `config provider "${decl.name}" (properties files) needs a path: \${${decl.name}:/path/to/file.properties:${v.key}}` };
    const ok = this.allowed(decl, v.path);
    if (!ok.ok) return { found: false, reason: ok.reason };
    let props = this.files.get(ok.path);
    if (!props) {
      try {
        const parsed = parseJavaProperties(fs.readFileSync(ok.path));
        if (parsed.problems.length > 0) props = { error: `cannot read properties from ${ok.path}: line ${parsed.problems[0]!.line}: ${parsed.problems[0]!.message}` };
        else props = new Map(parsed.entries.map((e) => [e.key, e.value]));
      } catch (e) {
        props = { error: `cannot read properties from ${ok.path}: ${errno(e)}` };
      }
      this.files.set(ok.path, props);
    }
    if (!(props instanceof Map)) return { found: false, reason: props.error };
    const value = props.get(v.key);
    if (value === undefined) return { found: false, reason: `${ok.path} has no key "${v.key}"` };
    return { found: true, value };
  }

  private dir(decl: ProviderDeclaration, v: ConfigVariable): VariableLookup {
    if (v.path === '') return { found: false, reason: `config provider "${decl.name}" (directories) needs a path: \${${decl.name}:/path/to/dir:${v.key}}` };
    const ok = this.allowed(decl, v.path);
    if (!ok.ok) return { found: false, reason: ok.reason };
    let st: fs.Stats;
    try {
      st = fs.statSync(ok.path);
    } catch (e) {
      return { found: false, reason: `${ok.path}: ${errno(e)}` };
    }
    if (!st.isDirectory()) return { found: false, reason: `${ok.path} is not a directory` };
    // Files.list(dir) filtered by file name: a key naming a subpath or a directory finds nothing.
    if (v.key.includes('/') || v.key === '' || v.key === '.' || v.key === '..') return { found: false, reason: `"${v.key}" is not a file name in ${ok.path}` };
    const file = path.join(ok.path, v.key);
    try {
      if (!fs.statSync(file).isFile()) return { found: false, reason: `${file} is not a regular file` };
      // The whole content, final newline included, as DirectoryConfigProvider reads it.
      return { found: true, value: fs.readFileSync(file, 'utf8') };
    } catch (e) {
      return { found: false, reason: `${file}: ${errno(e)}` };
    }
  }
}
