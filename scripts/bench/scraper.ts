// Scrapes /metrics the way Prometheus does (plain HTTP/1.1 GET on a kept-alive connection, no
// compression) and times it to the last byte. Runs in the parent process, so the client's own
// work never shows up in the agent's event loop or memory.
import { Agent, get } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface Scrape {
  ms: number;
  bytes: number;
  status: number;
  /** Sample lines (not comments) in the body; counted only when asked. */
  samples?: number;
  body?: string;
}

const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });

export function scrape(url: string, opts: { keepBody?: boolean } = {}): Promise<Scrape> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = get(`${url}/metrics`, { agent: keepAlive, headers: { accept: 'text/plain;version=0.0.4' } }, (res) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (c: Buffer) => {
        bytes += c.length;
        if (opts.keepBody) chunks.push(c);
      });
      res.on('end', () => {
        const ms = performance.now() - t0;
        const out: Scrape = { ms, bytes, status: res.statusCode ?? 0 };
        if (opts.keepBody) {
          out.body = Buffer.concat(chunks).toString('utf8');
          out.samples = countSamples(out.body);
        }
        resolve(out);
      });
      res.on('error', reject);
    });
    req.setTimeout(60_000, () => req.destroy(new Error(`GET ${url}/metrics timed out after 60 s`)));
    req.on('error', reject);
  });
}

export function countSamples(body: string): number {
  let n = 0;
  let start = 0;
  while (start < body.length) {
    let end = body.indexOf('\n', start);
    if (end < 0) end = body.length;
    if (end > start && body.charCodeAt(start) !== 35 /* # */) n++;
    start = end + 1;
  }
  return n;
}

/** Scrapes every `intervalMs` until stopped; resolves with every scrape made. */
export function scrapeLoop(url: string, intervalMs: number): { stop(): Promise<Scrape[]> } {
  const results: Scrape[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const t0 = performance.now();
      results.push(await scrape(url));
      const wait = intervalMs - (performance.now() - t0);
      if (wait > 0 && !stopped) await new Promise((r) => setTimeout(r, wait));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return results;
    },
  };
}

export function closeScraper(): void {
  keepAlive.destroy();
}
