// The bench:detect timeline: one panel per fault, seconds since the fault across, mirrorwatch's
// heartbeat age and worst topic lag (seconds) up, with the fault, the first page, the repair and
// the page's end marked. Drawn as SVG and rasterised to PNG by resvg (system fonts).
import { Resvg } from '@resvg/resvg-js';
import type { FaultRun } from './detectTypes.js';
import { FAULT_KINDS } from './detectTypes.js';

const W = 460;
const H = 250;
const PAD = { left: 44, right: 12, top: 28, bottom: 34 };
const COLS = 2;
const X_MAX = 240;
const Y_MAX = 120;

const STATE_COLORS: Record<string, string> = { 'mm2-silent': '#d62728', 'topic-stalled': '#ff7f0e', 'catching-up': '#2ca02c', blind: '#9467bd' };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function panel(runs: FaultRun[], kind: string, ox: number, oy: number, o: { graceSeconds: number; topicThresholdSeconds: number }): string {
  const pw = W - PAD.left - PAD.right;
  const ph = H - PAD.top - PAD.bottom;
  const x = (s: number) => ox + PAD.left + (Math.min(Math.max(s, -10), X_MAX) + 10) * (pw / (X_MAX + 10));
  const y = (v: number) => oy + PAD.top + ph - Math.min(Math.max(v, 0), Y_MAX) * (ph / Y_MAX);
  const out: string[] = [];
  out.push(`<rect x="${ox + PAD.left}" y="${oy + PAD.top}" width="${pw}" height="${ph}" fill="#fff" stroke="#999"/>`);
  for (let v = 0; v <= Y_MAX; v += 30) {
    out.push(`<line x1="${ox + PAD.left}" x2="${ox + PAD.left + pw}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/>`);
    out.push(`<text x="${ox + PAD.left - 4}" y="${y(v) + 4}" font-size="10" text-anchor="end">${v}</text>`);
  }
  for (let s = 0; s <= X_MAX; s += 30) {
    out.push(`<text x="${x(s)}" y="${oy + PAD.top + ph + 13}" font-size="10" text-anchor="middle">${s}</text>`);
  }
  out.push(`<text x="${ox + PAD.left + pw / 2}" y="${oy + H - 6}" font-size="10" text-anchor="middle">seconds since the fault</text>`);
  out.push(`<line x1="${ox + PAD.left}" x2="${ox + PAD.left + pw}" y1="${y(o.graceSeconds)}" y2="${y(o.graceSeconds)}" stroke="#1f77b4" stroke-dasharray="4 3" stroke-opacity="0.6"/>`);
  out.push(`<line x1="${ox + PAD.left}" x2="${ox + PAD.left + pw}" y1="${y(o.topicThresholdSeconds)}" y2="${y(o.topicThresholdSeconds)}" stroke="#ff7f0e" stroke-dasharray="4 3" stroke-opacity="0.6"/>`);
  const title = `${kind} (${runs.length} run${runs.length === 1 ? '' : 's'})`;
  out.push(`<text x="${ox + PAD.left}" y="${oy + 18}" font-size="13" font-weight="bold">${esc(title)}</text>`);
  const pages = runs.flatMap((r) => (r.page ? [r.page.seconds] : []));
  const note = pages.length ? `page ${pages.map((p) => p.toFixed(0)).join(', ')} s` : 'no page';
  out.push(`<text x="${ox + W - PAD.right}" y="${oy + 18}" font-size="11" text-anchor="end">${esc(note)}</text>`);
  for (const r of runs) {
    const line = (f: (s: FaultRun['samples'][number]) => number | null, color: string) => {
      const pts = r.samples.flatMap((s) => {
        const v = f(s);
        return v === null || s.atMs / 1000 > X_MAX ? [] : [`${x(s.atMs / 1000).toFixed(1)},${y(v).toFixed(1)}`];
      });
      if (pts.length > 1) out.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="${color}" stroke-width="1.5" stroke-opacity="0.85"/>`);
    };
    line((s) => s.heartbeatAge, '#1f77b4');
    line((s) => {
      const v = Object.values(s.topicLagSeconds);
      return v.length ? Math.max(...v) : null;
    }, '#ff7f0e');
    const mark = (sec: number | null, color: string, dash = '') => {
      if (sec === null || sec > X_MAX) return;
      out.push(`<line x1="${x(sec)}" x2="${x(sec)}" y1="${oy + PAD.top}" y2="${oy + PAD.top + ph}" stroke="${color}" stroke-width="1.5" ${dash ? `stroke-dasharray="${dash}"` : ''}/>`);
    };
    // The flow's replication state (when exported) as a strip along the top of the panel.
    const strip = r.samples.filter((s) => s.state !== null && s.state !== 'copying' && s.atMs / 1000 <= X_MAX);
    for (const s of strip) {
      const color = STATE_COLORS[s.state as string] ?? '#444';
      out.push(`<rect x="${x(s.atMs / 1000).toFixed(1)}" y="${oy + PAD.top + 1}" width="${(pw / (X_MAX + 10)).toFixed(1)}" height="6" fill="${color}"/>`);
    }
    mark(0, '#000');
    if (r.page) mark(r.page.seconds, '#d62728');
    const repair = r.repairAtMs === null ? null : (r.repairAtMs - r.faultAtMs) / 1000;
    mark(repair, '#2ca02c', '3 2');
    if (repair !== null && r.pageResolvedSeconds !== null) mark(repair + r.pageResolvedSeconds, '#7f7f7f', '3 2');
    for (const u of r.unexpected) mark(u.firingSeconds, '#9467bd');
  }
  return out.join('\n');
}

export function renderTimeline(runs: FaultRun[], o: { graceSeconds: number; topicThresholdSeconds: number }): Buffer {
  const kinds = FAULT_KINDS.filter((k) => runs.some((r) => r.fault === k));
  const rows = Math.ceil(kinds.length / COLS);
  const legendH = 74;
  const width = W * COLS;
  const height = H * rows + legendH;
  const parts: string[] = [`<rect width="${width}" height="${height}" fill="#fafafa"/>`];
  kinds.forEach((k, i) => parts.push(panel(runs.filter((r) => r.fault === k), k, (i % COLS) * W, Math.floor(i / COLS) * H, o)));
  const ly = H * rows + 14;
  const legend: [string, string, string][] = [
    ['#1f77b4', '', 'mm2_heartbeat_age_seconds (dashed: grace)'],
    ['#ff7f0e', '', 'worst topic mm2_replication_lag_seconds (dashed: threshold)'],
    ['#d62728', '', 'page firing'],
    ['#2ca02c', '3 2', 'repair'],
    ['#7f7f7f', '3 2', 'page resolved'],
    ['#9467bd', '', 'alert that should not fire'],
    ['#d62728', 'strip', 'state strip (mm2_flow_state): mm2-silent red, topic-stalled orange, catching-up green, blind purple'],
  ];
  legend.forEach(([c, d, label], i) => {
    const lx = 10 + (i % 2) * 460;
    const yy = ly + Math.floor(i / 2) * 16;
    if (d === 'strip') {
      parts.push(`<rect x="${lx}" y="${yy - 8}" width="20" height="6" fill="${c}"/>`);
      parts.push(`<text x="${lx + 26}" y="${yy}" font-size="11">${esc(label)}</text>`);
      return;
    }
    parts.push(`<line x1="${lx}" x2="${lx + 20}" y1="${yy - 4}" y2="${yy - 4}" stroke="${c}" stroke-width="2" ${d ? `stroke-dasharray="${d}"` : ''}/>`);
    parts.push(`<text x="${lx + 26}" y="${yy}" font-size="11">${esc(label)}</text>`);
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans, sans-serif">${parts.join('\n')}</svg>`;
  return new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().asPng();
}
