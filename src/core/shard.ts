// Splitting the work of one mirrorwatch between N instances (shards).
//
// The unit of work is a (flow, source topic) pair: its partitions on the source, its remote topic's
// partitions on the target and every series derived from them belong to one shard. Flow-level
// evidence that is not per topic (heartbeats, checkpoints and the consumer groups' commits) belongs
// to the shard that owns the flow alone. Both are a pure function of names, so every shard agrees
// without talking to the others, and a restart or an upgrade keeps the split.
//
// The hash is FNV-1a (32 bit) over the UTF-8 bytes of the key, then murmur3's finalizer, so that
// keys differing only in their last characters (orders-1, orders-2) spread evenly under `% count`.
// Keys: "<source>-><target>/<topic>" for a pair, "<source>-><target>" for a flow ("/" and ">" can
// be in neither an alias nor a topic name, so no two pairs share a key).

export interface ShardSpec {
  /** 0-based index of this shard. */
  index: number;
  /** Number of shards; 1 means no sharding. */
  count: number;
}

export const UNSHARDED: ShardSpec = Object.freeze({ index: 0, count: 1 });

const encoder = new TextEncoder();

/** 32-bit hash of `text`, the same on every platform and version. */
export function shardHash(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of encoder.encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  // murmur3 fmix32: spreads FNV's weak low bits over the whole word.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The shard owning the (flow, source topic) pair: its offsets, lag and loss series. */
export function topicShard(source: string, target: string, topic: string, count: number): number {
  if (count <= 1) return 0;
  return shardHash(`${source}->${target}/${topic}`) % count;
}

/** The shard owning the flow's own evidence: heartbeats, checkpoints, consumer groups. */
export function flowShard(source: string, target: string, count: number): number {
  if (count <= 1) return 0;
  return shardHash(`${source}->${target}`) % count;
}

export function isSharded(shard: ShardSpec | undefined): shard is ShardSpec {
  return shard !== undefined && shard.count > 1;
}

/** Why `index`/`count` cannot be a shard, or null when they can. */
export function shardProblem(index: number, count: number): string | null {
  if (!Number.isSafeInteger(count) || count < 1) return `the shard count must be a whole number of at least 1, got ${count}`;
  if (!Number.isSafeInteger(index) || index < 0) return `the shard index must be a whole number of at least 0, got ${index}`;
  if (index >= count) return `the shard index must be below the count (shards are numbered 0 to ${count - 1}), got ${index}/${count}`;
  return null;
}

/**
 * "1/4" -> { index: 1, count: 4 }; an error message for anything else. The index may also be a
 * StatefulSet pod name ending in its ordinal ("mirrorwatch-1/4"), so a pod can pass its own name.
 */
export function parseShard(text: string): ShardSpec | { error: string } {
  const m = /^\s*(?:[A-Za-z0-9][A-Za-z0-9.-]*-)?(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) return { error: `"${text}" is not a shard: write INDEX/COUNT, e.g. 0/3 for the first of three shards (or POD-NAME-ORDINAL/COUNT)` };
  const index = Number(m[1]);
  const count = Number(m[2]);
  const problem = shardProblem(index, count);
  return problem ? { error: problem } : { index, count };
}

/** What one shard reads and exports, for the planner, the snapshot and the renderer. */
export interface ShardOwnership {
  readonly spec: ShardSpec;
  ownsTopic(source: string, target: string, topic: string): boolean;
  ownsFlow(source: string, target: string): boolean;
}

export function shardOwnership(spec: ShardSpec = UNSHARDED): ShardOwnership {
  if (spec.count <= 1) return { spec, ownsTopic: () => true, ownsFlow: () => true };
  // Pairs are asked about on every poll of every cluster: remember the answers.
  const topics = new Map<string, boolean>();
  return {
    spec,
    ownsTopic(source, target, topic) {
      const key = `${source}->${target}/${topic}`;
      let owned = topics.get(key);
      if (owned === undefined) {
        owned = shardHash(key) % spec.count === spec.index;
        // Bounded: deleted topics would otherwise stay in it forever (about 100 bytes each).
        if (topics.size > 100_000) topics.clear();
        topics.set(key, owned);
      }
      return owned;
    },
    ownsFlow: (source, target) => flowShard(source, target, spec.count) === spec.index,
  };
}
