import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { lookupOffsets, offsetKey, offsetsReader } from '../../../src/core/flowInput.js';
import type { OffsetIndex, OffsetRange } from '../../../src/core/flowInput.js';

const range = (end: number): OffsetRange => ({ start: 0, end });

describe('offsetsReader', () => {
  it('reads nested indexes per topic, then partition', () => {
    const index: OffsetIndex = new Map([['orders', new Map([[0, range(5)], [2, range(7)]])]]);
    const orders = offsetsReader(index)('orders');
    expect(orders(0)).toEqual(range(5));
    expect(orders(2)).toEqual(range(7));
    expect(orders(1)).toBeUndefined();
    expect(offsetsReader(index)('other')(0)).toBeUndefined();
  });

  it('reads flat indexes', () => {
    const index: OffsetIndex = new Map([[offsetKey('orders', 1), range(3)]]);
    expect(offsetsReader(index)('orders')(1)).toEqual(range(3));
    expect(offsetsReader(index)('orders')(0)).toBeUndefined();
  });

  it('answers as lookupOffsets does for flat, nested and mixed indexes', () => {
    const entry = fc.tuple(fc.constantFrom('a', 'b', 'c.d'), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 99 }), fc.boolean());
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 12 }), (entries) => {
        const map = new Map<string, OffsetRange | Map<number, OffsetRange>>();
        for (const [topic, partition, end, flat] of entries) {
          if (flat) map.set(offsetKey(topic, partition), range(end));
          else {
            let nested = map.get(topic);
            if (!(nested instanceof Map)) map.set(topic, (nested = new Map()));
            nested.set(partition, range(end));
          }
        }
        const index = map as OffsetIndex;
        const read = offsetsReader(index);
        for (const topic of ['a', 'b', 'c.d', 'x']) {
          const byPartition = read(topic);
          for (let p = 0; p < 5; p++) expect(byPartition(p)).toEqual(lookupOffsets(index, topic, p));
        }
      }),
    );
  });
});
