// Bytes on the wire per scrape in each format the scraper can ask for: the raw response body as
// sent (compressed when compressed), read with node:http because fetch() decompresses.
import { request } from 'node:http';

export interface WireFigures {
  /** text 0.0.4, uncompressed */
  plainBytes: number;
  /** text 0.0.4, gzip */
  gzipBytes: number;
  /** OpenMetrics 1.0.0, gzip (what Prometheus asks for by default) */
  openMetricsGzipBytes: number;
  /** First gzip scrape of a snapshot (deflates the snapshot's part) and later ones (reuse it). */
  gzipFirstMs: number;
  gzipLaterMs: number;
}

function rawGet(url: string, headers: Record<string, string>): Promise<{ bytes: number; ms: number; encoding: string | undefined }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => resolve({ bytes, ms: performance.now() - started, encoding: res.headers['content-encoding'] }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const OM = 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5';

/** Call right after a new snapshot is published, so the first gzip scrape pays the deflate. */
export async function measureWire(baseUrl: string): Promise<WireFigures> {
  const url = `${baseUrl}/metrics`;
  const first = await rawGet(url, { 'accept-encoding': 'gzip' });
  if (first.encoding !== 'gzip') throw new Error(`expected a gzip body from ${url}, got ${first.encoding ?? 'identity'}`);
  const later = await rawGet(url, { 'accept-encoding': 'gzip' });
  const plain = await rawGet(url, {});
  const om = await rawGet(url, { 'accept-encoding': 'gzip', accept: OM });
  return { plainBytes: plain.bytes, gzipBytes: later.bytes, openMetricsGzipBytes: om.bytes, gzipFirstMs: first.ms, gzipLaterMs: later.ms };
}
