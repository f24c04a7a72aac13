// Every record ever seen lost, per partition and per flow: the memory behind
// mm2_replication_lost_records_total. The records_lost gauge shows a loss only while MM2's
// position is still below the source's log start; once MM2 resumes from the new log start it is 0
// again and the loss is visible nowhere. This accumulator keeps it.
//
// A loss is the offset range [replicated, sourceStart): the records the source deleted before MM2
// copied them. The same range is seen on every poll until MM2 moves on, and may grow (retention
// deletes more) or be seen with an older, lower `replicated` (another basis): each offset is counted
// once, by remembering up to which offset loss was already counted. Pure: previous state and the
// current figures in, new state and the increments out.
import type { FlowStatus } from './types.js';

export interface PartitionLossState {
  /** Loss is counted for every offset below this one (0: nothing counted yet). */
  countedTo: number;
  /** Records counted lost so far. */
  total: number;
  /** Log-start offset last seen: a lower one means the topic was deleted and created again. */
  sourceStart: number;
}

export interface LossAccountingState {
  /** lossFlowKey -> source topic -> partition. */
  partitions: ReadonlyMap<string, ReadonlyMap<string, ReadonlyMap<number, PartitionLossState>>>;
  /**
   * Per flow; not the sum of the partitions: a partition that disappears takes its state along,
   * and the flow's total must never decrease (a counter that drops reads as a reset, and
   * Prometheus' increase() would count its whole value again).
   */
  flows: ReadonlyMap<string, number>;
}

export interface LossIncrement {
  source: string;
  target: string;
  topic: string;
  partition: number;
  /** Records newly counted lost. */
  records: number;
  /** The lost range newly counted: [from, to). */
  from: number;
  to: number;
}

export const EMPTY_LOSS_STATE: LossAccountingState = { partitions: new Map(), flows: new Map() };

export const lossFlowKey = (source: string, target: string): string => `${source}->${target}`;

type PartitionFigures = Pick<FlowStatus['topics'][number]['partitions'][number], 'topic' | 'partition' | 'sourceStart' | 'sourceEnd' | 'replicated'>;

/** One partition: the new state and the range it newly counts lost (records 0: none). */
export function accountPartition(
  previous: PartitionLossState | undefined,
  p: PartitionFigures,
): { state: PartitionLossState; increment: { records: number; from: number; to: number } } {
  let countedTo = previous?.countedTo ?? 0;
  const total = previous?.total ?? 0;
  // A log start going backwards, or an end below what was counted, is a new incarnation of the
  // topic: its offsets start over, and so does the counted range (the total stays: it is history).
  if (previous && (p.sourceStart < previous.sourceStart || p.sourceEnd < countedTo)) countedTo = 0;
  const from = p.replicated === null ? p.sourceStart : Math.max(p.replicated, countedTo);
  const to = p.sourceStart;
  if (from >= to) {
    const unchanged = previous && previous.countedTo === countedTo && previous.sourceStart === p.sourceStart;
    return { state: unchanged ? previous : { countedTo, total, sourceStart: p.sourceStart }, increment: { records: 0, from: 0, to: 0 } };
  }
  return { state: { countedTo: to, total: total + (to - from), sourceStart: p.sourceStart }, increment: { records: to - from, from, to } };
}

/**
 * Folds one set of flow statuses into the state. A partition keeps its state while its topic is in
 * the flow and still has that many partitions, even in a snapshot that lacks its offsets (a partial
 * read): forgetting it there would count its loss again. Partitions of topics that left the flow,
 * and flows that left, lose their state. Unknown replicated positions change nothing.
 */
export function accountLosses(
  previous: LossAccountingState,
  flows: readonly Pick<FlowStatus, 'source' | 'target' | 'topics'>[],
): { state: LossAccountingState; increments: LossIncrement[] } {
  const partitions = new Map<string, Map<string, Map<number, PartitionLossState>>>();
  const flowTotals = new Map<string, number>();
  const increments: LossIncrement[] = [];
  for (const flow of flows) {
    const fKey = lossFlowKey(flow.source, flow.target);
    const before = previous.partitions.get(fKey);
    const after = new Map<string, Map<number, PartitionLossState>>();
    let flowTotal = previous.flows.get(fKey) ?? 0;
    for (const t of flow.topics) {
      const topicBefore = before?.get(t.topic);
      const topicAfter = new Map<number, PartitionLossState>();
      for (const p of t.partitions) {
        const { state, increment } = accountPartition(topicBefore?.get(p.partition), p);
        topicAfter.set(p.partition, state);
        if (increment.records > 0) {
          flowTotal += increment.records;
          increments.push({ source: flow.source, target: flow.target, topic: p.topic, partition: p.partition, ...increment });
        }
      }
      if (topicBefore && topicAfter.size < topicBefore.size) {
        for (const [partition, state] of topicBefore) {
          if (!topicAfter.has(partition) && partition < t.sourcePartitions) topicAfter.set(partition, state);
        }
      }
      after.set(t.topic, topicAfter);
    }
    partitions.set(fKey, after);
    flowTotals.set(fKey, flowTotal);
  }
  return { state: { partitions, flows: flowTotals }, increments };
}

/**
 * Writes the totals of `state` onto the statuses it was just computed from (recordsLostTotal), for
 * the renderers. Meant for a snapshot not yet published: it sets fields in place.
 */
export function annotateLossTotals(state: LossAccountingState, flows: readonly FlowStatus[]): void {
  for (const flow of flows) {
    const fKey = lossFlowKey(flow.source, flow.target);
    const byTopic = state.partitions.get(fKey);
    flow.totals.recordsLostTotal = state.flows.get(fKey) ?? 0;
    for (const t of flow.topics) {
      const byPartition = byTopic?.get(t.topic);
      for (const p of t.partitions) {
        const s = byPartition?.get(p.partition);
        if (s) p.recordsLostTotal = s.total;
      }
    }
  }
}
