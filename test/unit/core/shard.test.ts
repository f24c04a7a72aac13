import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flowShard, parseShard, shardHash, shardOwnership, shardProblem, topicShard } from '../../../src/core/shard.js';

const name = fc.stringMatching(/^[A-Za-z0-9._-]{1,40}$/);

describe('shardHash', () => {
  it('is FNV-1a 32 with the murmur3 finalizer: pinned values, so a change that would move every pair to another shard fails here', () => {
    // FNV-1a("") is the offset basis 0x811c9dc5 and FNV-1a("a") is 0xe40c292c (published test
    // vectors); the values below are those two run through fmix32, computed independently.
    const fmix32 = (x: number): number => {
      let h = x;
      h ^= h >>> 16;
      h = Math.imul(h, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h ^= h >>> 16;
      return h >>> 0;
    };
    expect(shardHash('')).toBe(fmix32(0x811c9dc5));
    expect(shardHash('a')).toBe(fmix32(0xe40c292c));
    expect(shardHash('foobar')).toBe(fmix32(0xbf9cf968));
    // The key of a pair: these are the figures docs/sharding.md lets users recompute.
    expect(topicShard('us-east', 'us-west', 'orders', 4)).toBe(shardHash('us-east->us-west/orders') % 4);
    expect(flowShard('us-east', 'us-west', 3)).toBe(shardHash('us-east->us-west') % 3);
  });

  it('hashes UTF-8 bytes, not UTF-16 units', () => {
    expect(shardHash('é')).not.toBe(shardHash('\u00e9'.normalize('NFD')));
    expect(shardHash('é')).toBe(shardHash('\u00e9'));
  });

  it('is stable: the same key gives the same shard in every call and every ownership object', () => {
    fc.assert(
      fc.property(name, name, name, fc.integer({ min: 1, max: 64 }), (s, t, topic, count) => {
        const a = topicShard(s, t, topic, count);
        expect(topicShard(s, t, topic, count)).toBe(a);
        expect(shardOwnership({ index: a, count }).ownsTopic(s, t, topic)).toBe(true);
        expect(shardOwnership({ index: a, count }).ownsTopic(s, t, topic)).toBe(true); // cached answer
      }),
    );
  });
});

describe('every pair in exactly one shard', () => {
  it('exactly one of count shards owns each (flow, topic) pair and each flow', () => {
    fc.assert(
      fc.property(name, name, fc.array(name, { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 16 }), (s, t, topics, count) => {
        const shards = Array.from({ length: count }, (_, index) => shardOwnership({ index, count }));
        for (const topic of topics) expect(shards.filter((o) => o.ownsTopic(s, t, topic)).length).toBe(1);
        expect(shards.filter((o) => o.ownsFlow(s, t)).length).toBe(1);
      }),
    );
  });

  it('without sharding (count 1, or no spec) everything is owned', () => {
    const all = shardOwnership();
    expect(all.ownsTopic('a', 'b', 'x')).toBe(true);
    expect(all.ownsFlow('a', 'b')).toBe(true);
    expect(topicShard('a', 'b', 'x', 1)).toBe(0);
  });
});

describe('distribution', () => {
  it('spreads 20,000 similar topic names over 4 shards within 5% of even, and flows over 3 shards', () => {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 20_000; i++) counts[topicShard('dc1', 'dc2', `bench-topic-${i}`, 4)]!++;
    for (const c of counts) expect(Math.abs(c - 5000)).toBeLessThan(250);
    // Chi-square with 3 degrees of freedom: 16.27 is the 0.1% critical value.
    const chi = counts.reduce((n, c) => n + (c - 5000) ** 2 / 5000, 0);
    expect(chi).toBeLessThan(16.27);

    const flows = [0, 0, 0];
    for (let i = 0; i < 3000; i++) flows[flowShard(`dc${i}`, `dc${i + 1}`, 3)]!++;
    for (const c of flows) expect(Math.abs(c - 1000)).toBeLessThan(100);
  });

  it('keeps each shard of a 7-way split near 1/7 for names that differ only in a last digit', () => {
    const counts = new Array<number>(7).fill(0);
    for (let i = 0; i < 7000; i++) counts[topicShard('a', 'b', `orders-${i}`, 7)]!++;
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(120);
  });
});

describe('parseShard and shardProblem', () => {
  it('reads INDEX/COUNT and a StatefulSet pod name ending in its ordinal', () => {
    expect(parseShard('0/3')).toEqual({ index: 0, count: 3 });
    expect(parseShard(' 2 / 3 ')).toEqual({ index: 2, count: 3 });
    expect(parseShard('mirrorwatch-1/4')).toEqual({ index: 1, count: 4 });
    expect(parseShard('my-release-mirrorwatch-12/16')).toEqual({ index: 12, count: 16 });
    expect(parseShard('0/1')).toEqual({ index: 0, count: 1 });
  });

  it('refuses an index not below the count, a count of 0 and text that is not a shard, saying why', () => {
    expect(parseShard('3/3')).toEqual({ error: expect.stringContaining('below the count (shards are numbered 0 to 2), got 3/3') });
    expect(parseShard('0/0')).toEqual({ error: expect.stringContaining('at least 1, got 0') });
    expect(parseShard('1')).toEqual({ error: expect.stringContaining('write INDEX/COUNT') });
    expect(parseShard('-1/3')).toEqual({ error: expect.stringContaining('write INDEX/COUNT') });
    expect(parseShard('a/b')).toEqual({ error: expect.stringContaining('"a/b" is not a shard') });
    expect(shardProblem(1.5, 3)).toMatch(/index must be a whole number/);
    expect(shardProblem(0, 2)).toBeNull();
  });
});

describe('a shard keeps the offset syncs of its own pairs only', () => {
  it('applyMm2Records with keepTopic drops the other topics\' syncs', async () => {
    const { applyMm2Records, emptyEvidence, tpKey } = await import('../../../src/core/mm2Evidence.js');
    const { encodeOffsetSync } = await import('../../../src/core/codecs/index.js');
    const own = shardOwnership({ index: 1, count: 2 });
    const topics = Array.from({ length: 40 }, (_, i) => `t${i}`);
    const records = topics.map((topic, offset) => ({ partition: 0, offset, timestamp: 0, ...encodeOffsetSync({ topic, partition: 0, upstreamOffset: 5, downstreamOffset: 5 }) }));
    const all = emptyEvidence();
    applyMm2Records(all, 'offset-syncs', records, { source: 'a' });
    const mine = emptyEvidence();
    applyMm2Records(mine, 'offset-syncs', records, { source: 'a', keepTopic: (t) => own.ownsTopic('a', 'b', t) });
    const owned = topics.filter((t) => own.ownsTopic('a', 'b', t));
    expect(all.offsetSyncs.size).toBe(40);
    expect(owned.length).toBeGreaterThan(5);
    expect(owned.length).toBeLessThan(35);
    expect([...mine.offsetSyncs.keys()].sort()).toEqual(owned.map((t) => tpKey(t, 0)).sort());
    expect(mine.offsetSyncs.size).toBe(owned.length);
  });
});
