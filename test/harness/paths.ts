import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Same root as scripts/fetch-kafka.mjs: $MW_KAFKA_DIR or <repo>/.kafka (gitignored). */
export function kafkaCacheRoot(): string {
  return process.env.MW_KAFKA_DIR ? resolve(process.env.MW_KAFKA_DIR) : join(repoRoot, '.kafka');
}

export function runsRoot(): string {
  return join(kafkaCacheRoot(), 'runs');
}

let seq = 0;

/** A fresh directory per started thing, kept after the run so its logs can be read post mortem. */
export function newRunDir(name: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  seq += 1;
  const dir = join(runsRoot(), `${stamp}-${process.pid}-${seq}-${name.replace(/[^A-Za-z0-9_.-]/g, '_')}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}
