// One verdict for a configuration, shared by `check-config` and `lint`: what the loader refuses
// (the file cannot be used: exit 2), what MM2 will not do as written (lint errors: exit 1), and
// what is worth knowing (warnings). An mm2.properties file, given directly or through
// `mm2Properties:`, is judged by the lint rules, which include every warning of the importer at the
// same severity; a Strimzi resource by the importer; YAML settings by the loader.
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import type { MirrorwatchConfig } from '../core/types.js';
import { lintMm2Properties, type LintFinding, type LintOptions } from './lint.js';
import { ConfigError, loadConfig } from './load.js';

export interface ConfigVerdict {
  /** The loaded configuration; absent when the loader refused the file. */
  config?: MirrorwatchConfig;
  findings: LintFinding[];
  errors: number;
  warnings: number;
  /** 0 no errors, 1 errors MM2 will act on differently than written, 2 the file cannot be used. */
  exitCode: 0 | 1 | 2;
}

/** The mm2.properties file a configuration reads, if any (the file itself or its mm2Properties). */
function propertiesFileOf(file: string): string | undefined {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.properties') return file;
  if (ext !== '.yaml' && ext !== '.yml') return undefined;
  try {
    const doc = yaml.load(fs.readFileSync(file, 'utf8')) as { mm2Properties?: unknown } | null;
    const ref = doc && typeof doc === 'object' ? doc.mm2Properties : undefined;
    if (typeof ref !== 'string' || path.extname(ref).toLowerCase() !== '.properties') return undefined;
    return path.isAbsolute(ref) ? ref : path.join(path.dirname(file), ref);
  } catch {
    return undefined;
  }
}

export function configVerdict(file: string, env: NodeJS.ProcessEnv = process.env, lintOptions: LintOptions = {}): ConfigVerdict {
  const findings: LintFinding[] = [];
  let config: MirrorwatchConfig | undefined;
  let refused = false;
  try {
    config = loadConfig(file, env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    refused = true;
    for (const p of err.problems) {
      findings.push({ file: p.file, ...(p.line !== undefined ? { line: p.line } : {}), ...(p.path !== undefined ? { key: p.path } : {}), severity: 'error', rule: 'config', message: p.path ? `${p.path}: ${p.message}` : p.message });
    }
  }
  const props = propertiesFileOf(file);
  let linted: string | undefined;
  if (props !== undefined) {
    let bytes: Buffer | undefined;
    try {
      bytes = fs.readFileSync(props);
    } catch {
      // The loader already said why it cannot read it.
    }
    if (bytes) {
      linted = path.resolve(props);
      const result = lintMm2Properties(bytes, props, lintOptions);
      // The loader's problems with this file are among lint's findings (as errors): keep one copy.
      const seen = new Set(result.findings.flatMap((f) => [`${f.line ?? ''}\u0000${f.message}`, `${f.line ?? ''}\u0000${f.key ?? ''}: ${f.message}`]));
      for (let i = findings.length - 1; i >= 0; i--) {
        const f = findings[i]!;
        const sameRegex = f.message.startsWith('invalid regular expression') && result.findings.some((r) => r.rule === 'invalid-regex' && r.line === f.line);
        if (path.resolve(f.file) === linted && (seen.has(`${f.line ?? ''}\u0000${f.message}`) || sameRegex)) findings.splice(i, 1);
      }
      findings.push(...result.findings);
    }
  }
  for (const w of config?.warnings ?? []) {
    // lint reports every importer warning of the properties file, at its own severity.
    if (linted !== undefined && path.resolve(w.file) === linted) continue;
    findings.push({ file: w.file, ...(w.line !== undefined ? { line: w.line } : {}), ...(w.key !== undefined ? { key: w.key } : {}), severity: 'warning', rule: 'config', message: w.message });
  }
  const errors = findings.filter((f) => f.severity === 'error').length;
  return {
    ...(config ? { config } : {}),
    findings,
    errors,
    warnings: findings.length - errors,
    exitCode: refused ? 2 : errors > 0 ? 1 : 0,
  };
}
