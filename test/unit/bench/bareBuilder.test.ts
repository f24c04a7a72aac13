import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bareExposition } from '../../../scripts/bench/bareBuilder.js';
import { renderSnapshotSeries } from '../../../src/metrics/index.js';
import { largeSnapshot, makeCluster, makeSnapshot, T0 } from '../helpers/snapshot.js';
import type { GroupCheckpointStatus, Snapshot } from '../../../src/core/types.js';

const layerText = (s: Snapshot): string => {
  const r = renderSnapshotSeries(s, 'partition');
  return Buffer.concat(r.chunks).toString('utf8') + r.counters;
};

const group = (name: string): GroupCheckpointStatus => ({
  group: name,
  lastCheckpointMs: T0 - 5000,
  ageSeconds: 5,
  partitions: [
    { topic: 'orders', partition: 0, committedOffset: 10, upstreamOffset: 8, downstreamOffset: 8, lagRecords: 2 },
    { topic: 'orders', partition: 1, committedOffset: null, upstreamOffset: 3, downstreamOffset: 3, lagRecords: null },
  ],
});

describe('bare string builder (the benchmark yardstick)', () => {
  it('writes byte for byte what the metrics layer writes for a large snapshot', () => {
    const s = largeSnapshot(30, 7);
    expect(bareExposition(s).toString('utf8')).toBe(layerText(s));
  });

  it('matches with checkpoints, unknown lag, missing remotes, escaping and a cluster down', () => {
    const s = makeSnapshot({
      flows: [
        {
          source: 'us-east',
          target: 'us-west',
          topics: [
            { topic: 'orders', partitions: [{ partition: 0, replicated: 90 }, { partition: 1, replicated: null }] },
            { topic: 'we"ird\\na\nme', partitions: 2 },
            { topic: 'gone', partitions: 3, remoteMissing: true },
          ],
          checkpoints: [group('billing'), group('quo"ted')],
        },
        { source: 'us-west', target: 'us-east', heartbeat: { expected: false, lastTimestampMs: null, ageSeconds: null }, topics: [{ topic: 'back', partitions: 1 }] },
      ],
    });
    s.clusters.push(makeCluster('eu', { up: false, lastSuccessMs: null, lastPollDurationSeconds: null, lastError: 'down' }));
    expect(bareExposition(s).toString('utf8')).toBe(layerText(s));
  });

  it('matches on random snapshots', () => {
    const name = fc.string({ unit: fc.constantFrom('a', 'b', '.', '-', '"', '\\', '\n', 'é'), minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(
        fc.uniqueArray(name, { minLength: 0, maxLength: 4 }),
        fc.array(fc.option(fc.integer({ min: 0, max: 200 }), { nil: null }), { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (topics, replicated, expected) => {
          const s = makeSnapshot({
            flows: [
              {
                source: 'a',
                target: 'b',
                heartbeat: expected ? {} : { expected: false },
                topics: topics.map((topic) => ({ topic, partitions: replicated.map((r, partition) => ({ partition, replicated: r })) })),
              },
            ],
          });
          expect(bareExposition(s).toString('utf8')).toBe(layerText(s));
        },
      ),
      { numRuns: 60 },
    );
  });
});
