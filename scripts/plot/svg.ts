// The few SVG pieces the scripts' PNG plots (soak, bench:detect) are drawn from, and the one
// rasteriser (resvg, system fonts), so both plots look alike and one library does the pixels.
import { Resvg } from '@resvg/resvg-js';

export type Attrs = Record<string, string | number | undefined>;

export const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** ` name="value"` for every attribute that is set; numbers to at most 2 decimals. */
function attrs(a: Attrs): string {
  return Object.entries(a)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => ` ${k}="${typeof v === 'number' ? Number(v.toFixed(2)) : esc(v as string)}"`)
    .join('');
}

export const line = (x1: number, y1: number, x2: number, y2: number, a: Attrs = {}): string => `<line${attrs({ x1, y1, x2, y2, ...a })}/>`;

export const rect = (x: number, y: number, width: number, height: number, a: Attrs = {}): string => `<rect${attrs({ x, y, width, height, ...a })}/>`;

export const text = (x: number, y: number, content: string, a: Attrs = {}): string => `<text${attrs({ x, y, ...a })}>${esc(content)}</text>`;

/** An open line through the points, or nothing for fewer than two. */
export function polyline(points: [number, number][], a: Attrs = {}): string {
  if (points.length < 2) return '';
  return `<polyline${attrs({ points: points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' '), fill: 'none', ...a })}/>`;
}

/** Round tick values (steps of 1, 2 or 5 times a power of ten) covering [lo, hi], about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** A linear map from [d0, d1] onto [r0, r1]. */
export const scale =
  (d0: number, d1: number, r0: number, r1: number) =>
  (v: number): number =>
    r0 + ((v - d0) / (d1 - d0 || 1)) * (r1 - r0);

export function svgDocument(width: number, height: number, parts: string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans, sans-serif">${parts.filter(Boolean).join('\n')}</svg>`;
}

export function toPng(svg: string): Buffer {
  return new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().asPng();
}
