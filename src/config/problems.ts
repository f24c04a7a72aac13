// Configuration problems: collected rather than thrown one by one, so that a user fixing a file
// sees everything wrong with it at once.

export interface ConfigProblem {
  file: string;
  /** 1-based line (mm2.properties, or a YAML syntax error). */
  line?: number;
  /** Key path in the YAML file (`clusters[1].bootstrapServers`) or the property key. */
  path?: string;
  message: string;
}

export function formatProblem(p: ConfigProblem): string {
  const where = p.line !== undefined ? `${p.file}:${p.line}` : p.file;
  return p.path ? `${where}: ${p.path}: ${p.message}` : `${where}: ${p.message}`;
}

/** Thrown by loadConfig. The message lists every problem, one per line, and never a secret. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: readonly ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    const list = problems.length > 0 ? problems : [{ file: '?', message: 'invalid configuration' }];
    const head = list.length === 1 ? 'Invalid configuration:' : `Invalid configuration (${list.length} problems):`;
    super([head, ...list.map((p) => `  - ${formatProblem(p)}`)].join('\n'));
    this.problems = list;
  }
}

/** Joins a YAML key path the way users write it: clusters[1].tls.caFile */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}
