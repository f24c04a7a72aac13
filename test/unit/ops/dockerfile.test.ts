// The Dockerfile, its build context (.dockerignore) and the HEALTHCHECK script. No Docker engine
// here: the structure is checked as text, and the health check script is run for real against
// local HTTP servers.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { repoPath } from './tools.js';

const dockerfile = fs.readFileSync(repoPath('Dockerfile'), 'utf8');
const lines = dockerfile.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));

interface Stage {
  from: string;
  name: string;
  lines: string[];
}

function stages(): Stage[] {
  const out: Stage[] = [];
  for (const line of lines) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) out.push({ from: from[1] ?? '', name: from[2] ?? '', lines: [] });
    else out[out.length - 1]?.lines.push(line);
  }
  return out;
}

/** Docker's .dockerignore semantics for the patterns used here: `*`, paths, `!` exceptions; last match wins. */
function inBuildContext(file: string): boolean {
  const patterns = fs
    .readFileSync(repoPath('.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  let included = true;
  for (const raw of patterns) {
    const negated = raw.startsWith('!');
    const pattern = (negated ? raw.slice(1) : raw).replace(/\/$/, '');
    const matches = pattern === '*' || file === pattern || file.startsWith(pattern + '/');
    if (matches) included = negated;
  }
  return included;
}

describe('Dockerfile', () => {
  it('builds in one stage and runs in another, both on the slim image of an LTS Node line (24 or later)', () => {
    const arg = /^ARG NODE_VERSION=(\d+)$/m.exec(dockerfile);
    expect(arg).not.toBeNull();
    const major = Number(arg?.[1]);
    expect(major).toBeGreaterThanOrEqual(24);
    expect(major % 2, 'even Node majors are the LTS lines').toBe(0);
    // The base image is one build argument, so a release build can pin it by digest
    // (node:26-slim@sha256:...) and a plain build still works with the tag.
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:\$\{NODE_VERSION\}-slim$/m);
    const s = stages();
    expect(s.length).toBe(2);
    for (const stage of s) expect(stage.from).toBe('${NODE_IMAGE}');
  });

  it('carries the OCI labels, with version, revision, creation time and base image from build arguments', () => {
    const runtime = stages()[1]?.lines.join('\n') ?? '';
    const labels = new Map([...runtime.matchAll(/(org\.opencontainers\.image\.[a-z.]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    for (const key of ['title', 'description', 'url', 'source', 'documentation', 'licenses', 'version', 'revision', 'created', 'base.name']) {
      expect(labels.has(`org.opencontainers.image.${key}`), key).toBe(true);
    }
    expect(labels.get('org.opencontainers.image.licenses')).toBe('Apache-2.0');
    expect(labels.get('org.opencontainers.image.revision')).toBe('${REVISION}');
    expect(labels.get('org.opencontainers.image.version')).toBe('${VERSION}');
    expect(labels.get('org.opencontainers.image.base.name')).toBe('${NODE_IMAGE}');
    for (const arg of ['NODE_IMAGE', 'VERSION', 'REVISION', 'CREATED']) expect(runtime).toMatch(new RegExp(`^ARG ${arg}\\b`, 'm'));
    // The default VERSION follows package.json.
    const pkg = JSON.parse(fs.readFileSync(repoPath('package.json'), 'utf8')) as { version: string };
    expect(runtime).toContain(`ARG VERSION=${pkg.version}`);
  });

  it('stamps the git revision into the build (mirrorwatch_build_info) from the REVISION argument', () => {
    const build = stages()[0]?.lines ?? [];
    expect(build).toContain('ARG REVISION=unknown');
    expect(build).toContain('COPY scripts/write-build-info.mjs ./scripts/write-build-info.mjs');
    expect(build).toContain('RUN MIRRORWATCH_GIT_REVISION="${REVISION}" npm run build');
  });

  it('compiles with the dev dependencies and ships production dependencies only', () => {
    const [build, runtime] = stages();
    expect(build?.lines).toEqual(expect.arrayContaining([expect.stringMatching(/^RUN npm ci\b(?!.*--omit=dev)/), expect.stringMatching(/^RUN .*npm run build$/)]));
    const install = runtime?.lines.find((l) => l.startsWith('RUN npm ci'));
    expect(install).toMatch(/--omit=dev/);
    expect(runtime?.lines).toContain(`COPY --from=${build?.name} /app/dist ./dist`);
    expect(runtime?.lines.some((l) => /^COPY\s+(?:--from=\S+\s+)?\S*node_modules/.test(l)), 'node_modules must not be copied from the build stage').toBe(false);
  });

  it('runs as a non-root user, exposes 9467, checks /healthz with node, and starts the CLI', () => {
    const runtime = stages()[1]?.lines ?? [];
    const user = runtime.find((l) => l.startsWith('USER '))?.slice(5).trim() ?? 'root';
    expect(user.split(':')[0]).not.toMatch(/^(root|0)$/);
    expect(runtime).toContain('EXPOSE 9467');
    const healthcheck = runtime.find((l) => l.startsWith('HEALTHCHECK')) ?? '';
    expect(healthcheck).toMatch(/CMD \["node", "\/app\/healthcheck\.mjs"\]$/);
    expect(runtime).toContain('COPY docker/healthcheck.mjs ./healthcheck.mjs');
    expect(runtime).toContain('ENTRYPOINT ["node", "dist/cli/main.js"]');
    expect(runtime).toContain('CMD ["run", "-c", "/etc/mirrorwatch/mirrorwatch.yaml"]');
  });

  it('copies only files that exist and that .dockerignore lets into the build context', () => {
    const sources = lines
      .filter((l) => l.startsWith('COPY ') && !l.includes('--from='))
      .flatMap((l) => l.split(/\s+/).slice(1, -1));
    expect(sources).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'src', 'config']));
    for (const source of sources) {
      expect(fs.existsSync(repoPath(source)), source).toBe(true);
      expect(inBuildContext(source), `${source} is excluded by .dockerignore`).toBe(true);
    }
    for (const heavy of ['node_modules', '.git', '.kafka', 'dist', 'test', 'coverage']) {
      expect(inBuildContext(heavy), `${heavy} must stay out of the build context`).toBe(false);
    }
  });
});

describe('docker/healthcheck.mjs', () => {
  const servers: http.Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  });

  async function serve(handler: http.RequestListener): Promise<string> {
    const server = http.createServer(handler);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`;
  }

  function healthcheck(url: string, timeoutMs = 2000): Promise<{ code: number | null; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [repoPath('docker', 'healthcheck.mjs')], {
        env: { ...process.env, MIRRORWATCH_HEALTHCHECK_URL: url, MIRRORWATCH_HEALTHCHECK_TIMEOUT_MS: String(timeoutMs) },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stderr }));
    });
  }

  it('exits 0 when /healthz answers 200', async () => {
    const url = await serve((req, res) => res.writeHead(req.url === '/healthz' ? 200 : 404).end('ok'));
    expect((await healthcheck(url)).code).toBe(0);
  });

  it('exits 1 when /healthz answers 503, naming the status', async () => {
    const url = await serve((_req, res) => res.writeHead(503).end('poll loop stalled'));
    const r = await healthcheck(url);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('HTTP 503');
  });

  it('exits 1 when nothing listens', async () => {
    const url = await serve((_req, res) => res.end());
    await new Promise((resolve) => servers.pop()?.close(resolve));
    expect((await healthcheck(url)).code).toBe(1);
  });

  it('exits 1 when the answer does not come within the timeout', async () => {
    const url = await serve(() => {
      // never answers
    });
    const started = Date.now();
    const r = await healthcheck(url, 300);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no answer within 300 ms');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
