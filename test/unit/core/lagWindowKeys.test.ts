import { describe, expect, it } from 'vitest';
import { LagWindowStore, lagWindowKey } from '../../../src/core/lagWindow.js';

describe('LagWindowStore.topicKeys', () => {
  it('gives the keys lagWindowKey gives, the same string on every call', () => {
    const s = new LagWindowStore();
    const keys = s.topicKeys('us-east', 'us-west', 'orders');
    expect(keys(3)).toBe(lagWindowKey('us-east', 'us-west', 'orders', 3));
    expect(s.topicKeys('us-east', 'us-west', 'orders')(3)).toBe(keys(3));
    expect(keys(0)).not.toBe(keys(1));
    expect(s.topicKeys('us-east', 'eu', 'orders')(3)).toBe(lagWindowKey('us-east', 'eu', 'orders', 3));
    expect(keys(2_000_000)).toBe(lagWindowKey('us-east', 'us-west', 'orders', 2_000_000));
  });

  it('keys from it find the windows that lagWindowKey keys find', () => {
    const s = new LagWindowStore();
    s.observe(lagWindowKey('a', 'b', 't', 1), 100, 1000);
    s.observe(s.topicKeys('a', 'b', 't')(1), 200, 2000);
    expect(s.size).toBe(1);
    expect(s.samples(lagWindowKey('a', 'b', 't', 1)).map((x) => x.end)).toEqual([100, 200]);
  });

  it('still keys correctly after windows were forgotten', () => {
    const s = new LagWindowStore();
    const k = s.topicKeys('a', 'b', 't');
    s.observe(k(0), 10, 1000);
    s.observe(k(1), 10, 5000);
    expect(s.forgetUnseenSince(2000)).toBe(1);
    expect(s.samples(k(0))).toEqual([]);
    expect(s.topicKeys('a', 'b', 't')(1)).toBe(lagWindowKey('a', 'b', 't', 1));
    expect(s.samples(s.topicKeys('a', 'b', 't')(1))).toEqual([{ end: 10, atMs: 5000 }]);
    expect(s.prune([])).toBe(1);
    expect(s.size).toBe(0);
  });
});
