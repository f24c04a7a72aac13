// Content negotiation for /metrics: which exposition format and whether to gzip. Only the media
// ranges and q-values matter here; the scraper's other parameters (version, escaping) are not
// offers we vary on, so a general negotiator that requires parameters to match would reject
// Prometheus' `application/openmetrics-text;version=1.0.0;escaping=allow-utf-8`.
import type { ScrapeFormat } from '../metrics/metrics.js';

interface Range {
  value: string;
  q: number;
}

function parseList(header: string | undefined): Range[] {
  if (!header) return [];
  const out: Range[] = [];
  for (const part of header.split(',')) {
    const [head, ...params] = part.split(';');
    const value = (head ?? '').trim().toLowerCase();
    if (value === '') continue;
    let q = 1;
    for (const p of params) {
      const [k, v] = p.split('=').map((x) => x.trim().toLowerCase());
      if (k === 'q' && v !== undefined) {
        const n = Number(v);
        q = Number.isFinite(n) ? Math.min(Math.max(n, 0), 1) : 0;
      }
    }
    out.push({ value, q });
  }
  return out;
}

function qualityOf(ranges: Range[], matches: (value: string) => boolean): number {
  let best = -1;
  for (const r of ranges) if (matches(r.value) && r.q > best) best = r.q;
  return best;
}

/**
 * OpenMetrics when the scraper rates `application/openmetrics-text` above text/plain (and above
 * a wildcard that would select text); text 0.0.4 otherwise, including without an Accept header.
 */
export function negotiateFormat(accept: string | undefined): ScrapeFormat {
  const ranges = parseList(accept);
  const om = qualityOf(ranges, (v) => v === 'application/openmetrics-text');
  if (om <= 0) return 'text';
  const text = qualityOf(ranges, (v) => v === 'text/plain' || v === 'text/*' || v === '*/*');
  return om > text ? 'openmetrics' : 'text';
}

/** gzip when Accept-Encoding names it (or `*`) with a q-value above 0. */
export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  const ranges = parseList(acceptEncoding);
  const named = qualityOf(ranges, (v) => v === 'gzip' || v === 'x-gzip');
  if (named >= 0) return named > 0;
  return qualityOf(ranges, (v) => v === '*') > 0;
}
