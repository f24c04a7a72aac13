// Parsing of the runbook commands' arguments. Exit codes are the interface (see main.ts): a value
// that cannot be parsed is a usage error (exit 2), reported in one line naming the option.
import { parseDuration } from '../config/duration.js';

export const EXIT_OK = 0;
/** The condition was not met: timeout, verification failed, lint errors, flow unreadable. */
export const EXIT_NOT_MET = 1;
/** Bad usage or configuration. */
export const EXIT_USAGE = 2;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface FlowRef {
  source: string;
  target: string;
}

const ALIAS = /^[A-Za-z0-9._-]+$/;

/** "us-east->us-west" -> { source, target }. */
export function parseFlowArg(text: string | undefined): FlowRef {
  if (text === undefined || text.trim() === '') throw new UsageError('--flow is required: --flow SOURCE->TARGET, e.g. --flow us-east->us-west');
  const parts = text.trim().split('->');
  if (parts.length !== 2) throw new UsageError(`--flow "${text}" is not SOURCE->TARGET (e.g. us-east->us-west)`);
  const [source, target] = parts.map((p) => p.trim()) as [string, string];
  for (const alias of [source, target]) {
    if (!ALIAS.test(alias)) throw new UsageError(`--flow "${text}": "${alias}" is not a cluster alias (letters, digits, ".", "_" and "-")`);
  }
  if (source === target) throw new UsageError(`--flow "${text}": source and target are the same cluster`);
  return { source, target };
}

/** A duration option such as "10m", "2s", "500ms" (a bare number is milliseconds). */
export function parseDurationArg(name: string, text: string | undefined, fallbackMs: number, opts: { allowZero?: boolean } = {}): number {
  if (text === undefined) return fallbackMs;
  const ms = parseDuration(text);
  if (ms === null || ms < 0 || (ms === 0 && !opts.allowZero)) {
    throw new UsageError(`${name} "${text}" is not a ${opts.allowZero ? '' : 'positive '}duration (e.g. 500ms, 2s, 10m, 1h)`);
  }
  return ms;
}

/** A non-negative integer option such as --max-lag. */
export function parseCountArg(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const t = text.trim();
  if (!/^\d+$/.test(t) || !Number.isSafeInteger(Number(t))) throw new UsageError(`${name} "${text}" is not a non-negative whole number`);
  return Number(t);
}

/** "us-east=3,us-west=1" (or repeated options) -> alias -> brokers. */
export function parseBrokersArg(values: readonly string[] | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const value of values ?? []) {
    for (const item of value.split(',')) {
      const t = item.trim();
      if (t === '') continue;
      const m = /^([A-Za-z0-9._-]+)=(\d+)$/.exec(t);
      if (!m || Number(m[2]) < 1) throw new UsageError(`--brokers "${t}" is not ALIAS=N with N >= 1 (e.g. --brokers us-east=3,us-west=3)`);
      out.set(m[1]!, Number(m[2]));
    }
  }
  return out;
}

/** Exactly one of -c FILE / --url URL (the config may also come from $MIRRORWATCH_CONFIG). */
export function sourceChoice(opts: { config?: string; url?: string }, env: NodeJS.ProcessEnv = process.env): { kind: 'config'; file: string | undefined } | { kind: 'url'; url: string } {
  if (opts.config !== undefined && opts.url !== undefined) throw new UsageError('give either -c FILE (poll the clusters) or --url URL (ask a running mirrorwatch), not both');
  if (opts.url !== undefined) {
    let u: URL;
    try {
      u = new URL(opts.url);
    } catch {
      throw new UsageError(`--url "${opts.url}" is not a URL (e.g. http://localhost:9467)`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`--url "${opts.url}" must be http:// or https://`);
    return { kind: 'url', url: opts.url.replace(/\/+$/, '') };
  }
  if (opts.config === undefined && env.MIRRORWATCH_CONFIG === undefined && env.MIRRORWATCH_URL !== undefined) {
    return sourceChoice({ url: env.MIRRORWATCH_URL }, {});
  }
  return { kind: 'config', file: opts.config };
}

/** Commander's collector for repeatable options. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
