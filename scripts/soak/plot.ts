// The soak's figures as one PNG: a panel per series over time, the fitted heap-after-GC trend over
// the judged half, and the churn events (MM2 restarts, cluster outages, wrong-password episodes)
// as vertical marks, so a step in memory can be matched to what caused it. Drawn as SVG and
// rasterised to PNG (scripts/plot/svg.ts).
import { writeFileSync } from 'node:fs';
import { line, niceTicks, polyline, rect, scale, svgDocument, text, toPng } from '../plot/svg.js';

export interface PlotSeries {
  title: string;
  unit: string;
  /** [minutes since start, value]; values that are not finite numbers (a failed probe) are skipped. */
  points: [number, number | null][];
  /** A straight line to draw over the points: y = intercept + slope * x on [from, to]. */
  fit?: { from: number; to: number; intercept: number; slope: number; label: string };
}

export interface PlotEvent {
  atMin: number;
  kind: string;
}

const EVENT_COLOURS: Record<string, string> = { 'mm2-restart': '#8e44ad', outage: '#c0392b', 'wrong-password': '#d35400' };

const WIDTH = 1200;
const PANEL_H = 220;
const HEADER_H = 60;

function panel(s: PlotSeries, events: PlotEvent[], oy: number, xMax: number): string[] {
  const left = 70;
  const right = WIDTH - 20;
  const top = oy + 28;
  const bottom = oy + PANEL_H - 30;
  const finite = s.points.filter((p): p is [number, number] => Number.isFinite(p[1]));
  const ys = finite.map((p) => p[1]);
  let [lo, hi] = ys.length ? [Math.min(...ys), Math.max(...ys)] : [0, 1];
  const pad = (hi - lo) * 0.1 || Math.abs(hi) * 0.1 || 1;
  lo -= pad;
  hi += pad;
  const px = scale(0, xMax || 1, left, right);
  const py = scale(lo, hi, bottom, top);
  const out = [text(10, oy + 18, `${s.title} (${s.unit})`, { 'font-size': 15, 'font-weight': 'bold' }), rect(left, top, right - left, bottom - top, { fill: 'none', stroke: '#999' })];
  for (const t of niceTicks(lo, hi)) {
    out.push(line(left, py(t), right, py(t), { stroke: '#eee' }));
    out.push(text(left - 6, py(t) + 4, String(t), { 'font-size': 12, fill: '#444', 'text-anchor': 'end' }));
  }
  for (const t of niceTicks(0, xMax, 10)) out.push(text(px(t), bottom + 16, String(t), { 'font-size': 12, fill: '#444', 'text-anchor': 'middle' }));
  for (const e of events) out.push(line(px(e.atMin), top, px(e.atMin), bottom, { stroke: EVENT_COLOURS[e.kind] ?? '#7f8c8d', 'stroke-width': 2, 'stroke-opacity': 0.6 }));
  out.push(polyline(finite.map(([x, y]) => [px(x), py(y)]), { stroke: '#2471a3', 'stroke-width': 1.5, 'stroke-linejoin': 'round' }));
  if (s.fit) {
    const f = s.fit;
    out.push(line(px(f.from), py(f.intercept + f.slope * f.from), px(f.to), py(f.intercept + f.slope * f.to), { stroke: '#27ae60', 'stroke-width': 2.5 }));
    out.push(text(left + 8, top + 16, f.label, { 'font-size': 13, fill: '#1e8449' }));
  }
  return out;
}

/** The panels, stacked, under a title and a legend of the event kinds (SVG text). */
export function soakSvg(title: string, series: PlotSeries[], events: PlotEvent[], xMaxMin: number): string {
  const height = HEADER_H + series.length * PANEL_H + 30;
  const parts = [rect(0, 0, WIDTH, height, { fill: '#fff' }), text(10, 26, title, { 'font-size': 18, 'font-weight': 'bold' })];
  Object.entries(EVENT_COLOURS).forEach(([kind, colour], i) => {
    parts.push(rect(10 + i * 140, 38, 14, 4, { fill: colour }));
    parts.push(text(28 + i * 140, 44, kind, { 'font-size': 13 }));
  });
  parts.push(text(WIDTH - 10, 44, 'x: minutes since start', { 'font-size': 13, 'text-anchor': 'end' }));
  series.forEach((s, i) => parts.push(...panel(s, events, HEADER_H + i * PANEL_H, xMaxMin)));
  return svgDocument(WIDTH, height, parts);
}

/** Writes soakSvg's figure to `file` as a PNG. */
export function plotSoak(file: string, title: string, series: PlotSeries[], events: PlotEvent[], xMaxMin: number): void {
  writeFileSync(file, toPng(soakSvg(title, series, events, xMaxMin)));
}
