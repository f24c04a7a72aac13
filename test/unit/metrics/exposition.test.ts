import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { escapeLabelValue, formatValue, FamilyWriter, labelPairs } from '../../../src/metrics/exposition.js';
import { parseExposition } from './parse-exposition.js';

const render = (writer: FamilyWriter) => Buffer.concat(writer.chunksWithHeader()).toString('utf8');

describe('escapeLabelValue', () => {
  it('escapes exactly backslash, double quote and line feed', () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    expect(escapeLabelValue("plain-._:/'{}=,")).toBe("plain-._:/'{}=,");
    expect(escapeLabelValue('tab\there\r')).toBe('tab\there\r');
  });

  it('round-trips any string through the exposition format', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ maxLength: 20 }), (a, b) => {
        const writer = new FamilyWriter({ name: 'x_test', help: 'h', type: 'gauge' });
        writer.add(labelPairs([['a', a], ['b', b]]), 1);
        const exp = parseExposition(render(writer));
        expect(exp.samples).toEqual([{ name: 'x_test', labels: { a, b }, value: 1 }]);
      }),
    );
  });
});

describe('formatValue', () => {
  it('writes special values the way Prometheus reads them', () => {
    expect(formatValue(NaN)).toBe('NaN');
    expect(formatValue(Infinity)).toBe('+Inf');
    expect(formatValue(-Infinity)).toBe('-Inf');
    expect(formatValue(0)).toBe('0');
    expect(formatValue(-0.5)).toBe('-0.5');
  });

  it('round-trips every double', () => {
    fc.assert(
      fc.property(fc.double(), (v) => {
        const writer = new FamilyWriter({ name: 'x_test', help: 'h', type: 'gauge' });
        writer.add('', v);
        const [sample] = parseExposition(render(writer)).samples;
        expect(Object.is(sample?.value, v) || (v === 0 && sample?.value === 0)).toBe(true);
      }),
    );
  });
});

describe('FamilyWriter', () => {
  it('writes HELP and TYPE once, then every sample in order across batch boundaries', () => {
    const writer = new FamilyWriter({ name: 'x_many', help: 'line one\\two\nthree', type: 'gauge' });
    for (let i = 0; i < 1300; i++) writer.add(`i="${i}"`, i * 2);
    const exp = parseExposition(render(writer));
    expect(writer.count).toBe(1300);
    expect(exp.helps.get('x_many')).toBe('line one\\two\nthree');
    expect(exp.samples.map((s) => Number(s.labels.i))).toEqual(Array.from({ length: 1300 }, (_, i) => i));
    expect(exp.samples.every((s) => s.value === Number(s.labels.i) * 2)).toBe(true);
  });
});
