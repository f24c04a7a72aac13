// Offsets left between MM2's position and the source end that hold no record a consumer reads.
//
// A transactional producer ends every transaction with a control record (commit or abort marker)
// that takes one offset of the partition. No consumer ever receives a marker, so MM2 never copies
// one: after the last transaction of an idle topic, MM2's position stays one offset short of the
// source end for good, and offset arithmetic reads that as 1 record of lag. Records of aborted
// transactions are skipped by read_committed consumers in the same way.
//
// The poller settles it with evidence: a read_committed fetch of the source from MM2's position
// (src/poller/gapProbe.ts). Such a fetch returns only committed data records and stops at the last
// stable offset; when it reached the source end, the records it returned in [from, end) are exactly
// what a read_committed consumer would still read there, and the rest of the range is markers and
// aborted records. This rule turns that evidence into lag; pure, no I/O.

/** What a read_committed fetch of [from, end) of one source partition found. */
export interface GapCheck {
  /** First offset read (MM2's position, clamped to the log start). */
  from: number;
  /** The source end offset the fetch reached (its next offset was at or past this). */
  end: number;
  /** Data records a read_committed consumer reads in [from, end). */
  readableRecords: number;
}

export interface TransactionalGap {
  /** Offsets between MM2's position and the source end. */
  offsets: number;
  /** Records a read_committed consumer would read among them: the lag. */
  readableRecords: number;
  /** Offsets holding transaction markers (commit/abort) or records of aborted transactions. */
  markersOrAborted: number;
}

const isOffset = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;

/**
 * The lag that `check` proves for the uncopied range [copyFrom, sourceEnd), or null when it does
 * not apply: made for another range (MM2 moved or new records arrived since), or inconsistent.
 */
export function gapLag(check: GapCheck | null, copyFrom: number, sourceEnd: number): TransactionalGap | null {
  if (!check || copyFrom >= sourceEnd) return null;
  if (check.from !== copyFrom || check.end !== sourceEnd) return null;
  const offsets = sourceEnd - copyFrom;
  const readable = check.readableRecords;
  if (!isOffset(readable) || readable > offsets) return null;
  return { offsets, readableRecords: readable, markersOrAborted: offsets - readable };
}

/** Upper bound of the uncopied offsets worth probing: beyond it, offset lag is real lag anyway. */
export const GAP_PROBE_MAX_OFFSETS = 1000;

/** Whether an uncopied range is small enough to probe (and not empty). */
export function worthProbing(copyFrom: number, sourceEnd: number, maxOffsets = GAP_PROBE_MAX_OFFSETS): boolean {
  const offsets = sourceEnd - copyFrom;
  return isOffset(copyFrom) && offsets > 0 && offsets <= maxOffsets;
}
