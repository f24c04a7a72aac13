// Locating and running the Prometheus tools (promtool, amtool) from the ops tests. They come from
// Debian's `prometheus` and `prometheus-alertmanager` packages, installed by .ci/run.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export function repoPath(...parts: string[]): string {
  return path.join(REPO_ROOT, ...parts);
}

export interface ToolResult {
  status: number | null;
  /** stdout and stderr together, as the tool printed them. */
  output: string;
  stdout: string;
}

/** Runs a tool with arguments (no shell) from the repository root. */
export function runTool(command: string, args: readonly string[], cwd: string = REPO_ROOT): ToolResult {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  if (r.error) return { status: null, output: `${command}: ${r.error.message}`, stdout: '' };
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}`, stdout: r.stdout ?? '' };
}

/** The command for a tool, from $PROMTOOL / $AMTOOL or PATH; null when it does not run. */
export function findTool(name: 'promtool' | 'amtool'): string | null {
  const command = process.env[name.toUpperCase()] ?? name;
  const r = spawnSync(command, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  return r.error || r.status !== 0 ? null : command;
}

export interface ToolAvailability {
  command: string | null;
  /** Set when the tests that need the tool must be skipped. */
  skipReason: string | null;
}

/**
 * Outside CI a missing tool skips its tests with a loud warning; in CI (CI=true) it is an error
 * surfaced by `assertToolInCi`, so that a broken install cannot turn the checks into no-ops.
 */
export function toolAvailability(name: 'promtool' | 'amtool', debianPackage: string): ToolAvailability {
  const command = findTool(name);
  if (command) return { command, skipReason: null };
  if (process.env.CI === 'true') return { command: null, skipReason: null };
  const reason = `${name} is not installed: SKIPPING its checks. Install it with: sudo apt-get install -y --no-install-recommends ${debianPackage}`;
  console.warn(`\n${'!'.repeat(78)}\n!! ${reason}\n${'!'.repeat(78)}\n`);
  return { command: null, skipReason: reason };
}

export function assertToolInCi(name: string, availability: ToolAvailability, debianPackage: string): string {
  if (availability.command) return availability.command;
  throw new Error(`${name} is required in CI (CI=true) but was not found on PATH: install Debian's ${debianPackage} package`);
}
