// The bench:detect timeline: one panel per fault, seconds since the fault across, mirrorwatch's
// heartbeat age and worst topic lag (seconds) up, with the fault, the first page, the repair and
// the page's end marked. Drawn as SVG and rasterised to PNG (scripts/plot/svg.ts).
import { line, polyline, rect, svgDocument, text, toPng } from '../plot/svg.js';
import type { FaultRun } from './detectTypes.js';
import { FAULT_KINDS } from './detectTypes.js';

const W = 460;
const H = 250;
const PAD = { left: 44, right: 12, top: 28, bottom: 34 };
const COLS = 2;
const X_MAX = 240;
const Y_MAX = 120;

const STATE_COLORS: Record<string, string> = { 'mm2-silent': '#d62728', 'topic-stalled': '#ff7f0e', 'catching-up': '#2ca02c', blind: '#9467bd' };

function panel(runs: FaultRun[], kind: string, ox: number, oy: number, o: { graceSeconds: number; topicThresholdSeconds: number }): string {
  const pw = W - PAD.left - PAD.right;
  const ph = H - PAD.top - PAD.bottom;
  const x = (s: number) => ox + PAD.left + (Math.min(Math.max(s, -10), X_MAX) + 10) * (pw / (X_MAX + 10));
  const y = (v: number) => oy + PAD.top + ph - Math.min(Math.max(v, 0), Y_MAX) * (ph / Y_MAX);
  const left = ox + PAD.left;
  const right = left + pw;
  const top = oy + PAD.top;
  const bottom = top + ph;
  const out: string[] = [];
  out.push(rect(left, top, pw, ph, { fill: '#fff', stroke: '#999' }));
  for (let v = 0; v <= Y_MAX; v += 30) {
    out.push(line(left, y(v), right, y(v), { stroke: '#eee' }));
    out.push(text(left - 4, y(v) + 4, String(v), { 'font-size': 10, 'text-anchor': 'end' }));
  }
  for (let s = 0; s <= X_MAX; s += 30) out.push(text(x(s), bottom + 13, String(s), { 'font-size': 10, 'text-anchor': 'middle' }));
  out.push(text(left + pw / 2, oy + H - 6, 'seconds since the fault', { 'font-size': 10, 'text-anchor': 'middle' }));
  const threshold = { 'stroke-dasharray': '4 3', 'stroke-opacity': 0.6 };
  out.push(line(left, y(o.graceSeconds), right, y(o.graceSeconds), { stroke: '#1f77b4', ...threshold }));
  out.push(line(left, y(o.topicThresholdSeconds), right, y(o.topicThresholdSeconds), { stroke: '#ff7f0e', ...threshold }));
  out.push(text(left, oy + 18, `${kind} (${runs.length} run${runs.length === 1 ? '' : 's'})`, { 'font-size': 13, 'font-weight': 'bold' }));
  const pages = runs.flatMap((r) => (r.page ? [r.page.seconds] : []));
  const note = pages.length ? `page ${pages.map((p) => p.toFixed(0)).join(', ')} s` : 'no page';
  out.push(text(ox + W - PAD.right, oy + 18, note, { 'font-size': 11, 'text-anchor': 'end' }));
  for (const r of runs) {
    const series = (f: (s: FaultRun['samples'][number]) => number | null, color: string) => {
      const pts = r.samples.flatMap((s): [number, number][] => {
        const v = f(s);
        return v === null || s.atMs / 1000 > X_MAX ? [] : [[x(s.atMs / 1000), y(v)]];
      });
      out.push(polyline(pts, { stroke: color, 'stroke-width': 1.5, 'stroke-opacity': 0.85 }));
    };
    series((s) => s.heartbeatAge, '#1f77b4');
    series((s) => {
      const v = Object.values(s.topicLagSeconds);
      return v.length ? Math.max(...v) : null;
    }, '#ff7f0e');
    const mark = (sec: number | null, color: string, dash?: string) => {
      if (sec === null || sec > X_MAX) return;
      out.push(line(x(sec), top, x(sec), bottom, { stroke: color, 'stroke-width': 1.5, 'stroke-dasharray': dash }));
    };
    // The flow's replication state (when exported) as a strip along the top of the panel.
    const strip = r.samples.filter((s) => s.state !== null && s.state !== 'copying' && s.atMs / 1000 <= X_MAX);
    for (const s of strip) out.push(rect(x(s.atMs / 1000), top + 1, pw / (X_MAX + 10), 6, { fill: STATE_COLORS[s.state as string] ?? '#444' }));
    mark(0, '#000');
    if (r.page) mark(r.page.seconds, '#d62728');
    const repair = r.repairAtMs === null ? null : (r.repairAtMs - r.faultAtMs) / 1000;
    mark(repair, '#2ca02c', '3 2');
    if (repair !== null && r.pageResolvedSeconds !== null) mark(repair + r.pageResolvedSeconds, '#7f7f7f', '3 2');
    for (const u of r.unexpected) mark(u.firingSeconds, '#9467bd');
  }
  return out.filter(Boolean).join('\n');
}

export function renderTimeline(runs: FaultRun[], o: { graceSeconds: number; topicThresholdSeconds: number }): Buffer {
  const kinds = FAULT_KINDS.filter((k) => runs.some((r) => r.fault === k));
  const rows = Math.ceil(kinds.length / COLS);
  const legendH = 74;
  const width = W * COLS;
  const height = H * rows + legendH;
  const parts: string[] = [rect(0, 0, width, height, { fill: '#fafafa' })];
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
    parts.push(d === 'strip' ? rect(lx, yy - 8, 20, 6, { fill: c }) : line(lx, yy - 4, lx + 20, yy - 4, { stroke: c, 'stroke-width': 2, 'stroke-dasharray': d }));
    parts.push(text(lx + 26, yy, label, { 'font-size': 11 }));
  });
  return toPng(svgDocument(width, height, parts));
}
