import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { line, niceTicks, polyline, svgDocument, text, toPng } from '../../../scripts/plot/svg.js';
import { soakSvg } from '../../../scripts/soak/plot.js';

/** RGBA of one pixel of the SVG rasterised by resvg. */
function pixel(svg: string, x: number, y: number): number[] {
  const img = new Resvg(svg).render();
  const i = (y * img.width + x) * 4;
  return [...img.pixels.subarray(i, i + 4)];
}

describe('plot SVG helpers', () => {
  it('picks round ticks covering the range', () => {
    expect(niceTicks(0, 60, 10)).toEqual([0, 10, 20, 30, 40, 50, 60]);
    expect(niceTicks(31.2, 34.1)).toEqual([32, 33, 34]);
    expect(niceTicks(0, 0.9)).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
    expect(niceTicks(5, 5)).toEqual([5]);
  });

  it('escapes text and leaves unset attributes out', () => {
    expect(text(1, 2, 'a < b & "c"')).toBe('<text x="1" y="2">a &lt; b &amp; &quot;c&quot;</text>');
    expect(line(0, 0, 1.23456, 2, { stroke: '#000', 'stroke-dasharray': undefined })).toBe('<line x1="0" y1="0" x2="1.23" y2="2" stroke="#000"/>');
    expect(polyline([[1, 2]])).toBe('');
  });

  it('draws where it says: a horizontal line shows in the raster, the PNG has the document size', () => {
    const svg = svgDocument(40, 20, [line(0, 10, 40, 10, { stroke: '#ff0000', 'stroke-width': 4 })]);
    expect(pixel(svg, 20, 10)).toEqual([255, 0, 0, 255]);
    expect(pixel(svg, 20, 2)[3]).toBe(0);
    const png = toPng(svg);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([40, 20]);
  });
});

describe('soak plot', () => {
  it('draws one line per series without the failed samples, the events and the fit', () => {
    const svg = soakSvg(
      'soak',
      [
        { title: 'heap', unit: 'MB', points: [[0, 1], [1, null], [2, 3], [3, 4]], fit: { from: 2, to: 3, intercept: 1, slope: 1, label: 'last half' } },
        { title: 'rss', unit: 'MB', points: [[0, 5], [3, 6]] },
      ],
      [{ atMin: 1.5, kind: 'outage' }],
      3,
    );
    const lines = [...svg.matchAll(/<polyline points="([^"]*)"/g)].map((m) => m[1]!.split(' ').length);
    expect(lines).toEqual([3, 2]);
    expect(svg.match(/stroke="#c0392b"/g)).toHaveLength(2);
    expect(svg).toContain('stroke="#27ae60"');
    expect(svg).toContain('>last half</text>');
    expect(svg).toMatch(/<svg [^>]*height="530"/);
  });
});
