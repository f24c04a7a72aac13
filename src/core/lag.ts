// How far MM2 has copied one source partition (docs/design.md), from the evidence in order:
//
// 1. offset sync (u, d): source record u sits at target offset d, and MM2 writes the records
//    after it one to one, so the target holds source records u.. at d..targetEnd-1:
//      replicated = min(sourceEnd, u + (targetEnd - d))                       basis 'offset-sync'
//    A sync is usable only if it fits the offsets it is compared with: MM2 emits (u, d) after
//    writing source record u at target offset d, so u < sourceEnd and d < targetEnd. The newest
//    usable sync wins. A sync can be newer than the offsets (they are
//    read at different moments: MM2 emits syncs every `offset.lag.max` records), so the caller
//    may pass a few recent syncs, oldest first; an unusable newest sync then falls back to an
//    older one. When no sync fits at all (topic deleted and recreated, target truncated by an
//    unclean leader election), the syncs describe another incarnation of the topic: 'syncStale'.
// 2. no usable sync and an empty target (end offset 0, nothing was ever written):
//      replicated = sourceStart                                               basis 'empty-target'
// 3. no sync at all but a non-empty target (offset syncs disabled or unreadable): assume MM2
//    copied from offset 0 with consecutive upstream offsets, so the target's end offset counts the
//    records copied: replicated = min(sourceEnd, max(sourceStart, targetEnd)) basis 'target-size'.
//    It is never below sourceStart: without a sync, records deleted by retention cannot be told
//    from records MM2 never had to copy (it started later), so this basis never claims a loss.
// 4. MM2's Connect offsets (next upstream offset per partition, flushed every
//    `offset.flush.interval.ms`) are exact lower bounds: MM2 commits a position only after the
//    records before it were acknowledged by the target. When they show more copied than the
//    estimate above (e.g. compaction gaps or transaction markers that make u + (targetEnd - d)
//    undercount), they win:                                                  basis 'connect-offsets'
//    They are ignored beyond the source end or with an empty target (left over from an earlier
//    incarnation of the topic).
// Stale syncs with no usable Connect offset, or no target partition: basis 'unknown', lag null.
//
// Loss and lag are kept apart: records deleted before MM2 copied them are loss, never lag.
//   recordsLost = max(0, sourceStart - replicated)
//   lag         = max(0, sourceEnd - max(replicated, sourceStart))   what is still there to copy
// so a partition whose uncopied records were all deleted has lag 0 (and a loss), even before MM2
// writes a new offset sync (it writes none when it has nothing left to copy).
//
// Offsets are not records: on a transactional source each transaction ends with a commit or abort
// marker that takes an offset and is never copied, and records of aborted transactions are not
// data a read_committed consumer reads. When a read_committed probe of the source (gapCheck, see
// transactionGaps.ts) covered exactly [max(replicated, sourceStart), sourceEnd), lag is the
// number of records it read there: 0 when only markers or aborted records are left.
import type { PartitionStatus, ReplicatedBasis } from './types.js';
import { gapLag, type GapCheck } from './transactionGaps.js';

export interface OffsetSyncPoint {
  upstreamOffset: number;
  downstreamOffset: number;
}

export interface PartitionLagInput {
  sourceStart: number;
  sourceEnd: number;
  /** Offsets of the remote partition; null when it is missing or the target was not read. */
  target: { start: number; end: number } | null;
  /** Recent offset syncs of this partition, oldest first (one is enough; see above). */
  syncs: readonly OffsetSyncPoint[];
  /** Next upstream offset to copy according to MM2's Connect offsets (stored offset + 1), or null. */
  connectOffset: number | null;
  /** A read_committed probe of the source's uncopied range, when one was made (optional). */
  gapCheck?: GapCheck | null;
}

export interface PartitionLag {
  replicated: number | null;
  basis: ReplicatedBasis;
  lagRecords: number | null;
  recordsLost: number;
  /** The sync the estimate used, else the newest one seen. */
  lastSync: OffsetSyncPoint | null;
  syncStale: boolean;
  connectOffsetCheck: PartitionStatus['connectOffsetCheck'];
  /** Set when lag came from a read_committed probe of the uncopied range rather than offsets. */
  transactionalGap?: NonNullable<PartitionStatus['transactionalGap']>;
}

const isOffset = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;

function unknown(lastSync: OffsetSyncPoint | null, syncStale = false): PartitionLag {
  return { replicated: null, basis: 'unknown', lagRecords: null, recordsLost: 0, lastSync, syncStale, connectOffsetCheck: undefined };
}

export function computePartitionLag(input: PartitionLagInput): PartitionLag {
  const { sourceEnd, target, syncs, connectOffset } = input;
  const newestSync = syncs.length > 0 ? (syncs[syncs.length - 1] ?? null) : null;
  if (!isOffset(sourceEnd) || !isOffset(input.sourceStart)) return unknown(newestSync);
  // A log-start offset past the end cannot be; read it as an empty log rather than trust it.
  const sourceStart = Math.min(input.sourceStart, sourceEnd);
  if (target === null || !isOffset(target.end)) return unknown(newestSync);
  const targetEnd = target.end;

  let usable: OffsetSyncPoint | null = null;
  for (let i = syncs.length - 1; i >= 0; i--) {
    const s = syncs[i];
    if (s && isOffset(s.upstreamOffset) && isOffset(s.downstreamOffset) && s.upstreamOffset < sourceEnd && s.downstreamOffset < targetEnd) {
      usable = s;
      break;
    }
  }
  const syncStale = usable === null && newestSync !== null;

  let replicated: number | null;
  let basis: ReplicatedBasis;
  if (usable !== null) {
    replicated = Math.min(sourceEnd, usable.upstreamOffset + (targetEnd - usable.downstreamOffset));
    basis = 'offset-sync';
  } else if (targetEnd === 0) {
    replicated = sourceStart;
    basis = 'empty-target';
  } else if (newestSync === null) {
    replicated = Math.min(sourceEnd, Math.max(sourceStart, targetEnd));
    basis = 'target-size';
  } else {
    replicated = null;
    basis = 'unknown';
  }

  let connectOffsetCheck: PartitionLag['connectOffsetCheck'];
  if (connectOffset !== null) {
    if (!isOffset(connectOffset) || connectOffset > sourceEnd || targetEnd === 0) {
      connectOffsetCheck = 'ignored';
    } else if (replicated === null || connectOffset > replicated) {
      replicated = connectOffset;
      basis = 'connect-offsets';
      connectOffsetCheck = 'ahead';
    } else {
      connectOffsetCheck = 'consistent';
    }
  }

  if (replicated === null) return { ...unknown(newestSync, syncStale), connectOffsetCheck };
  const copyFrom = Math.max(replicated, sourceStart);
  const lag: PartitionLag = {
    replicated,
    basis,
    lagRecords: Math.max(0, sourceEnd - copyFrom),
    recordsLost: Math.max(0, sourceStart - replicated),
    lastSync: usable ?? newestSync,
    syncStale,
    connectOffsetCheck,
  };
  const gap = gapLag(input.gapCheck ?? null, copyFrom, sourceEnd);
  if (gap) {
    lag.lagRecords = gap.readableRecords;
    lag.transactionalGap = gap;
  }
  return lag;
}
