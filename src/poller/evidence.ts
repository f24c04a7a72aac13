// Keys the poller uses for flows and topic-partitions. The evidence itself and the reducer that
// feeds it live in src/core/mm2Evidence.ts.
export { tpKey, type Mm2TopicKind } from '../core/mm2Evidence.js';

export function flowKey(source: string, target: string): string {
  return `${source}->${target}`;
}
