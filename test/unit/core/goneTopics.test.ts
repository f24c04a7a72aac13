import { describe, expect, it } from 'vitest';
import { GoneTopics } from '../../../src/core/goneTopics.js';

describe('GoneTopics', () => {
  it('calls a topic gone only when two observations in a row lacked it', () => {
    const g = new GoneTopics();
    const seen = (...topics: string[]) => (t: string) => topics.includes(t);
    expect(g.sweep(['a', 'b', 'c'], seen('a', 'b', 'c'))).toEqual(new Set());
    expect(g.sweep(['a', 'b', 'c'], seen('a'))).toEqual(new Set());
    // b came back: its strike is forgotten; c is missing a second time.
    expect(g.sweep(['a', 'b', 'c'], seen('a', 'b'))).toEqual(new Set(['c']));
    expect(g.sweep(['a', 'b'], seen('a'))).toEqual(new Set());
    expect(g.sweep(['a', 'b'], seen('a'))).toEqual(new Set(['b']));
    // Only topics still known count: one whose state went elsewhere meanwhile is not reported.
    expect(g.sweep(['a', 'd'], seen('a'))).toEqual(new Set());
    expect(g.sweep(['a'], seen('a'))).toEqual(new Set());
  });
});
