// What a consumer failing over would read again: the checkpoint's downstream offset mapped back to
// the source through the offset syncs MM2 (3.5+) translated with.
import { describe, expect, it } from 'vitest';
import { computeCheckpointStatuses, translatedUpstream } from '../../../src/core/checkpointStatus.js';
import { offsetKey } from '../../../src/core/flowInput.js';

describe('translatedUpstream', () => {
  it('an exact translation (committed offset at a sync) maps back to itself', () => {
    expect(translatedUpstream({ upstreamOffset: 99, downstreamOffset: 99 }, [{ upstreamOffset: 0, downstreamOffset: 0 }, { upstreamOffset: 99, downstreamOffset: 99 }])).toBe(99);
  });

  it('a conservative translation (sync.d + 1) maps back to sync.u + 1', () => {
    // Group committed 60; newest sync at or below it is (0, 0): MM2 writes downstream 1.
    const syncs = [{ upstreamOffset: 0, downstreamOffset: 0 }, { upstreamOffset: 99, downstreamOffset: 99 }];
    expect(translatedUpstream({ upstreamOffset: 60, downstreamOffset: 1 }, syncs)).toBe(1);
    // With offsets shifted on the target (MM2 started when the source had 500 records deleted).
    expect(translatedUpstream({ upstreamOffset: 560, downstreamOffset: 11 }, [{ upstreamOffset: 550, downstreamOffset: 10 }])).toBe(551);
  });

  it('never beyond the checkpoint, and unknown when the sync used is no longer known', () => {
    expect(translatedUpstream({ upstreamOffset: 5, downstreamOffset: 9 }, [{ upstreamOffset: 0, downstreamOffset: 0 }])).toBe(5);
    expect(translatedUpstream({ upstreamOffset: 60, downstreamOffset: 1 }, [{ upstreamOffset: 99, downstreamOffset: 99 }])).toBeNull();
    expect(translatedUpstream({ upstreamOffset: 60, downstreamOffset: -1 }, [{ upstreamOffset: 0, downstreamOffset: 0 }])).toBeNull();
  });
});

describe('computeCheckpointStatuses: reread records', () => {
  const flow = { source: 'us-east', target: 'us-west', topics: ['.*'], topicsExclude: [], groups: ['billing'] };
  const status = (committed: number, syncs: { upstreamOffset: number; downstreamOffset: number }[]) =>
    computeCheckpointStatuses(
      flow,
      {
        checkpoints: new Map([
          ['billing', { lastRecordTimestampMs: 1000, checkpoints: [{ group: 'billing', topic: 'us-east.orders', partition: 0, upstreamOffset: 60, downstreamOffset: 1, metadata: '' }] }],
        ]),
        committedOffsets: new Map([['billing', new Map([[offsetKey('orders', 0), committed]])]]),
        offsetSyncs: new Map([[offsetKey('orders', 0), syncs]]),
      },
      () => 'orders',
      2000,
    )[0]!.partitions[0]!;

  it('counts the translation slack on top of the checkpoint lag', () => {
    const p = status(64, [{ upstreamOffset: 0, downstreamOffset: 0 }, { upstreamOffset: 99, downstreamOffset: 99 }]);
    expect(p.lagRecords).toBe(4); // committed 64 - checkpoint upstream 60
    expect(p.rereadRecords).toBe(63); // committed 64 - source position 1 that downstream 1 stands for
  });

  it('is null when no known sync explains the downstream offset', () => {
    expect(status(64, [{ upstreamOffset: 99, downstreamOffset: 99 }]).rereadRecords).toBeNull();
  });
});
