import { describe, expect, it } from 'vitest';
import { batches, benchTopicName, planTopics } from '../../../scripts/bench/topics.js';

describe('planTopics', () => {
  it('adds full topics and a smaller last one to reach the target', () => {
    const plan = planTopics(0, 0, 105, 20);
    expect(plan.map((t) => t.partitions)).toEqual([20, 20, 20, 20, 20, 5]);
    expect(plan[0]?.name).toBe('bench-00000');
    expect(plan[5]?.name).toBe('bench-00005');
  });

  it('continues numbering after the topics that exist', () => {
    const plan = planTopics(1000, 50, 1060, 20);
    expect(plan).toEqual([
      { name: 'bench-00050', partitions: 20 },
      { name: 'bench-00051', partitions: 20 },
      { name: 'bench-00052', partitions: 20 },
    ]);
  });

  it('adds nothing when the target is reached or passed', () => {
    expect(planTopics(500, 25, 500, 20)).toEqual([]);
    expect(planTopics(500, 25, 100, 20)).toEqual([]);
  });

  it('always lands exactly on the target', () => {
    for (const [have, target, per] of [
      [0, 20_000, 20],
      [1000, 5000, 7],
      [15, 300, 20],
      [0, 1, 50],
    ] as const) {
      expect(have + planTopics(have, 0, target, per).reduce((n, t) => n + t.partitions, 0)).toBe(target);
    }
  });

  it('rejects a partition count per topic that is not a positive integer', () => {
    expect(() => planTopics(0, 0, 10, 0)).toThrow(/positive integer/);
    expect(() => planTopics(0, 0, 10, 1.5)).toThrow(/positive integer/);
  });
});

describe('batches', () => {
  it('splits in order, the last batch smaller', () => {
    expect(batches([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(batches([], 3)).toEqual([]);
    expect(() => batches([1], 0)).toThrow();
  });

  it('names sort in creation order', () => {
    const names = [9, 10, 99, 100, 12345].map(benchTopicName);
    expect([...names].sort()).toEqual(names);
  });
});
