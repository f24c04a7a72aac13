#!/usr/bin/env node
// Writes dist/build-info.json ({"revision": "<git commit>"}) after the TypeScript build, so that
// mirrorwatch_build_info and --version name the commit a package or image was built from.
// The revision comes from $MIRRORWATCH_GIT_REVISION (the image build passes it as a build
// argument: its context has no .git), else `git rev-parse HEAD` (+ "-dirty" with uncommitted
// changes to tracked files), else "unknown".
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const git = (...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();

let revision = (process.env.MIRRORWATCH_GIT_REVISION ?? '').trim().toLowerCase();
if (!/^[0-9a-f]{7,40}$/.test(revision)) {
  try {
    revision = git('rev-parse', 'HEAD');
    if (git('status', '--porcelain', '--untracked-files=no') !== '') revision += '-dirty';
  } catch {
    revision = 'unknown';
  }
}
mkdirSync(join(root, 'dist'), { recursive: true });
writeFileSync(join(root, 'dist', 'build-info.json'), JSON.stringify({ revision }) + '\n');
console.log(`dist/build-info.json: revision ${revision}`);
