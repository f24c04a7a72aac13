// docs/: a page per alert with the three parts operators need, runbooks that use mirrorwatch's CLI,
// the operator FAQ's topics, and no broken links between repository files.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { alertNames } from './ruleFiles.js';
import { REPO_ROOT, repoPath } from './tools.js';

function markdownFiles(dir: string): string[] {
  return fs.readdirSync(repoPath(dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return markdownFiles(rel);
    return e.name.endsWith('.md') ? [rel] : [];
  });
}

const read = (rel: string) => fs.readFileSync(repoPath(rel), 'utf8');

describe('docs/alerts', () => {
  it('explain every alert: what it means, what to check, what to do', () => {
    for (const name of alertNames()) {
      const page = read(`docs/alerts/${name}.md`);
      expect(page.startsWith(`# ${name}\n`), `${name}.md title`).toBe(true);
      for (const section of ['## What it means', '## What to check', '## What to do']) {
        expect(page, `${name}.md: ${section}`).toContain(section);
      }
    }
  });

  it('give replication runbooks mirrorwatch commands, with the flow quoted for the shell', () => {
    const all = alertNames()
      .map((n) => read(`docs/alerts/${n}.md`))
      .join('\n');
    for (const command of ['mirrorwatch lag --flow', 'mirrorwatch wait --flow', 'mirrorwatch verify --flow']) expect(all).toContain(command);
    for (const name of alertNames().filter((n) => n.startsWith('Mm2'))) {
      expect(read(`docs/alerts/${name}.md`), `${name}.md`).toMatch(/mirrorwatch (lag|wait|verify) --flow '[^']+->[^']+'|\/api\/v1\/flows/);
    }
    // An unquoted `--flow a->b` is a shell redirection to a file named "b".
    for (const file of markdownFiles('docs')) expect(read(file), file).not.toMatch(/--flow [A-Za-z0-9<]/);
  });
});

describe('docs/operations-faq.md', () => {
  it('answers the multi-datacenter questions of issue 4', () => {
    const faq = read('docs/operations-faq.md');
    for (const heading of [
      '## MirrorMaker 1 or MirrorMaker 2?',
      '## Can replication across datacenters be exactly-once?',
      '## Active-passive or active-active?',
      '## How do schemas evolve across datacenters?',
      '## Network requirements',
    ]) {
      expect(faq).toContain(heading);
    }
  });
});

describe('links in docs', () => {
  it('point at files that exist', () => {
    const broken: string[] = [];
    for (const file of markdownFiles('docs')) {
      for (const m of read(file).matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1] ?? '';
        if (/^[a-z]+:/.test(target) || target.startsWith('#')) continue;
        const withoutAnchor = target.split('#')[0] ?? '';
        const resolved = withoutAnchor.startsWith('/')
          ? path.join(REPO_ROOT, withoutAnchor)
          : path.resolve(path.dirname(repoPath(file)), withoutAnchor);
        if (!fs.existsSync(resolved)) broken.push(`${file}: ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
