import { describe, expect, it } from 'vitest';
import { pairReadings } from '../../../src/core/readingPair.js';

const r = (name: string, readAtMs: number) => ({ name, readAtMs });
const names = (p: { source: { name: string } | null; target: { name: string } | null }) => [p.source?.name ?? null, p.target?.name ?? null];

describe('pairReadings', () => {
  // Both clusters polled every 10 s; the source's poll of cycle 2 ended first.
  const s1 = r('s1', 10_000);
  const s2 = r('s2', 20_000);
  const t1 = r('t1', 10_400);
  const t2 = r('t2', 20_300);

  it('keeps the previous cycle while only the source has a fresh reading', () => {
    expect(names(pairReadings({ up: true, latest: s2, previous: s1 }, { up: true, latest: t1, previous: null }))).toEqual(['s1', 't1']);
  });

  it('keeps the previous cycle while only the target has a fresh reading', () => {
    expect(names(pairReadings({ up: true, latest: s1, previous: null }, { up: true, latest: t2, previous: t1 }))).toEqual(['s1', 't1']);
  });

  it('moves both sides on together once both polls of the cycle are in', () => {
    expect(names(pairReadings({ up: true, latest: s2, previous: s1 }, { up: true, latest: t2, previous: t1 }))).toEqual(['s2', 't2']);
  });

  it('prefers the newest pair on a tie', () => {
    const a = r('a', 0);
    const b = r('b', 10_000);
    expect(names(pairReadings({ up: true, latest: b, previous: a }, { up: true, latest: r('t', 5_000), previous: null }))).toEqual(['b', 't']);
  });

  it('pairs the latest readings when a side is down: nothing fresher is coming for it', () => {
    expect(names(pairReadings({ up: true, latest: s2, previous: s1 }, { up: false, latest: t1, previous: null }))).toEqual(['s2', 't1']);
    expect(names(pairReadings({ up: false, latest: s1, previous: null }, { up: true, latest: t2, previous: t1 }))).toEqual(['s1', 't2']);
  });

  it('works before a side was ever read', () => {
    expect(names(pairReadings({ up: true, latest: s1, previous: null }, { up: false, latest: null, previous: null }))).toEqual(['s1', null]);
  });
});
