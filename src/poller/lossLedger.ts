// Holds the loss accounting across snapshots (src/core/lossAccounting.ts) for the monitor: every
// snapshot's losses are added to the running totals, written onto the snapshot before it is
// published (recordsLostTotal, rendered as mm2_*_lost_records_total), and each newly counted range
// is logged once.
import { accountLosses, annotateLossTotals, EMPTY_LOSS_STATE, lossFlowKey, type LossAccountingState } from '../core/lossAccounting.js';
import type { Snapshot } from '../core/types.js';
import type { Logger } from '../log.js';

export class LossLedger {
  private state: LossAccountingState = EMPTY_LOSS_STATE;

  constructor(private readonly logger: Logger) {}

  /** For a snapshot not yet published. Incomplete snapshots (a cluster never read) change nothing. */
  record(snapshot: Snapshot): void {
    if (!snapshot.complete) return;
    const { state, increments } = accountLosses(this.state, snapshot.flows);
    this.state = state;
    annotateLossTotals(state, snapshot.flows);
    for (const i of increments) {
      this.logger.error(
        { flow: lossFlowKey(i.source, i.target), topic: i.topic, partition: i.partition, records: i.records, fromOffset: i.from, toOffset: i.to },
        `data lost: offsets ${i.from}..${i.to - 1} of ${i.topic}-${i.partition} (${i.records} records) were deleted on ${i.source} before MM2 copied them to ${i.target}`,
      );
    }
  }
}
