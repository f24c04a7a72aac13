// The soak's figures as one PNG: a panel per series over time, the fitted heap-after-GC trend over
// the judged half, and the churn events (MM2 restarts, cluster outages, wrong-password episodes)
// as vertical marks, so a step in memory can be matched to what caused it.
import { writeFileSync } from 'node:fs';
import { createCanvas } from '@napi-rs/canvas';
import type { SKRSContext2D } from '@napi-rs/canvas';

export interface PlotSeries {
  title: string;
  unit: string;
  /** [minutes since start, value] */
  points: [number, number][];
  /** A straight line to draw over the points: y = intercept + slope * x on [from, to]. */
  fit?: { from: number; to: number; intercept: number; slope: number; label: string };
}

export interface PlotEvent {
  atMin: number;
  kind: string;
}

const EVENT_COLOURS: Record<string, string> = { 'mm2-restart': '#8e44ad', outage: '#c0392b', 'wrong-password': '#d35400' };

function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function panel(g: SKRSContext2D, s: PlotSeries, events: PlotEvent[], box: { x: number; y: number; w: number; h: number }, xMax: number): void {
  const left = box.x + 70;
  const right = box.x + box.w - 20;
  const top = box.y + 28;
  const bottom = box.y + box.h - 30;
  const ys = s.points.map((p) => p[1]).filter(Number.isFinite);
  let lo = Math.min(...ys);
  let hi = Math.max(...ys);
  if (!Number.isFinite(lo)) [lo, hi] = [0, 1];
  const pad = (hi - lo) * 0.1 || Math.abs(hi) * 0.1 || 1;
  lo -= pad;
  hi += pad;
  const px = (x: number): number => left + (x / (xMax || 1)) * (right - left);
  const py = (y: number): number => bottom - ((y - lo) / (hi - lo)) * (bottom - top);
  g.fillStyle = '#000';
  g.font = 'bold 15px sans-serif';
  g.fillText(`${s.title} (${s.unit})`, box.x + 10, box.y + 18);
  g.strokeStyle = '#999';
  g.lineWidth = 1;
  g.strokeRect(left, top, right - left, bottom - top);
  g.font = '12px sans-serif';
  g.fillStyle = '#444';
  for (const t of niceTicks(lo, hi)) {
    g.fillText(String(t), box.x + 5, py(t) + 4);
    g.strokeStyle = '#eee';
    g.beginPath();
    g.moveTo(left, py(t));
    g.lineTo(right, py(t));
    g.stroke();
  }
  for (const t of niceTicks(0, xMax, 10)) g.fillText(`${t}`, px(t) - 6, bottom + 16);
  for (const e of events) {
    g.strokeStyle = EVENT_COLOURS[e.kind] ?? '#7f8c8d';
    g.globalAlpha = 0.6;
    g.lineWidth = 2;
    g.beginPath();
    g.moveTo(px(e.atMin), top);
    g.lineTo(px(e.atMin), bottom);
    g.stroke();
    g.globalAlpha = 1;
  }
  g.strokeStyle = '#2471a3';
  g.lineWidth = 1.5;
  g.beginPath();
  let first = true;
  for (const [x, y] of s.points) {
    if (!Number.isFinite(y)) continue;
    if (first) g.moveTo(px(x), py(y));
    else g.lineTo(px(x), py(y));
    first = false;
  }
  g.stroke();
  if (s.fit) {
    const f = s.fit;
    g.strokeStyle = '#27ae60';
    g.lineWidth = 2.5;
    g.beginPath();
    g.moveTo(px(f.from), py(f.intercept + f.slope * f.from));
    g.lineTo(px(f.to), py(f.intercept + f.slope * f.to));
    g.stroke();
    g.fillStyle = '#1e8449';
    g.font = '13px sans-serif';
    g.fillText(f.label, left + 8, top + 16);
  }
}

/** Writes the panels, stacked, with a legend of the event kinds, to `file` (PNG). */
export function plotSoak(file: string, title: string, series: PlotSeries[], events: PlotEvent[], xMaxMin: number): void {
  const width = 1200;
  const panelH = 220;
  const height = 60 + series.length * panelH + 30;
  const c = createCanvas(width, height);
  const g = c.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, width, height);
  g.fillStyle = '#000';
  g.font = 'bold 18px sans-serif';
  g.fillText(title, 10, 26);
  g.font = '13px sans-serif';
  let lx = 10;
  for (const [kind, colour] of Object.entries(EVENT_COLOURS)) {
    g.fillStyle = colour;
    g.fillRect(lx, 38, 14, 4);
    g.fillStyle = '#000';
    g.fillText(kind, lx + 18, 44);
    lx += 140;
  }
  g.fillText('x: minutes since start', width - 170, 44);
  series.forEach((s, i) => panel(g, s, events, { x: 0, y: 60 + i * panelH, w: width, h: panelH }, xMaxMin));
  writeFileSync(file, c.toBuffer('image/png'));
}
