// GET / : what this server offers, as JSON for tools and as HTML for a browser.

export interface EndpointLink {
  href: string;
  description: string;
}

export function endpointLinks(flows: { source: string; target: string; href: string }[], hasConfig: boolean): EndpointLink[] {
  const links: EndpointLink[] = [
    { href: '/metrics', description: 'Prometheus metrics (latest snapshot)' },
    { href: '/healthz', description: 'liveness: process and poll loop alive' },
    { href: '/readyz', description: 'readiness: first complete poll cycle finished' },
    { href: '/api/v1/flows', description: 'every flow with totals, heartbeat, failover readiness; cluster status' },
  ];
  for (const f of flows) {
    links.push({ href: f.href, description: `flow ${f.source}->${f.target}: per topic and partition` });
    links.push({ href: `${f.href}/failover`, description: `flow ${f.source}->${f.target}: failover verdict, reasons, RPO` });
  }
  if (hasConfig) links.push({ href: '/api/v1/config', description: 'effective configuration, secrets redacted' });
  return links;
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

export function indexHtml(title: string, links: EndpointLink[]): string {
  const items = links.map((l) => `<li><a href="${escapeHtml(l.href)}">${escapeHtml(l.href)}</a> ${escapeHtml(l.description)}</li>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body><h1>${escapeHtml(title)}</h1>
<ul>
${items}
</ul>
</body></html>
`;
}
