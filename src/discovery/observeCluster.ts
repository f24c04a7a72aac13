// What discovery reads from one cluster, through the KafkaPort (the `discover` command and the daemon's
// `flows: discover`): every topic name, the heartbeat keys in MM2's heartbeats topics, and the topic
// names in a sample of its offset-syncs topics. Nothing is consumed with a group and nothing is committed.
import { decodeHeartbeat, decodeOffsetSync } from '../core/codecs/index.js';
import type { ClusterObservation, HeartbeatSighting, OffsetSyncSighting } from '../core/discovery.js';
import { parseOffsetSyncsTopic } from '../core/discovery.js';
import type { KafkaPort, RawRecord } from '../kafka/port.js';

/** Heartbeats topics are compacted, but only in closed segments: read both ends of a long one. */
const HEARTBEAT_HEAD_RECORDS = 2_000;
const HEARTBEAT_TAIL_RECORDS = 5_000;
const OFFSET_SYNC_TAIL_RECORDS = 500;
const FETCH_BYTES = 256 * 1024;
const MAX_ROUNDS = 50;
const MAX_SOURCE_TOPICS = 50;

interface Range {
  topic: string;
  partition: number;
  from: number;
  to: number;
}

interface RangeResult {
  records: Map<string, RawRecord[]>;
  errors: Map<string, string>;
}

/** Reads the offset ranges, one Fetch per round for all of them, until each is done or stuck. */
async function readRanges(port: KafkaPort, ranges: Range[]): Promise<RangeResult> {
  const records = new Map<string, RawRecord[]>();
  const errors = new Map<string, string>();
  const open = ranges.filter((r) => r.to > r.from).map((r) => ({ ...r, pos: r.from }));
  for (let round = 0; round < MAX_ROUNDS && open.length > 0; round++) {
    // The head and tail ranges of one partition cannot go in one request: take one of each per round.
    const batch: typeof open = [];
    const seen = new Set<string>();
    for (const r of open) {
      const k = `${r.topic}\u0000${r.partition}`;
      if (!seen.has(k)) {
        seen.add(k);
        batch.push(r);
      }
    }
    const results = await port.fetch(batch.map((r) => ({ topic: r.topic, partition: r.partition, offset: r.pos, maxBytes: FETCH_BYTES })));
    for (const [i, r] of batch.entries()) {
      const res = results.find((x) => x.topic === r.topic && x.partition === r.partition) ?? results[i];
      let done = true;
      if (res) {
        const got = records.get(r.topic) ?? [];
        for (const rec of res.records) if (rec.offset >= r.from && rec.offset < r.to) got.push(rec);
        records.set(r.topic, got);
        if (res.error !== null) errors.set(r.topic, `partition ${r.partition}: ${res.error}`);
        else if (res.nextOffset > r.pos && res.nextOffset < r.to) {
          r.pos = res.nextOffset;
          done = false;
        }
      } else {
        errors.set(r.topic, `partition ${r.partition}: no fetch result`);
      }
      if (done) open.splice(open.indexOf(r), 1);
    }
  }
  for (const r of open) errors.set(r.topic, `partition ${r.partition}: stopped after ${MAX_ROUNDS} fetches at offset ${r.pos} of ${r.to}`);
  return { records, errors };
}

export interface ReadProgress {
  (message: string): void;
}

/** Everything discovery needs from one cluster. Rejects when the cluster cannot be reached. */
export async function observeCluster(port: KafkaPort, label: string, givenAlias: string | null, progress: ReadProgress): Promise<ClusterObservation> {
  const topics = await port.listTopics();
  const heartbeatTopics = topics.filter((t) => t.name.endsWith('heartbeats'));
  const syncTopics = topics.filter((t) => parseOffsetSyncsTopic(t.name) !== null);
  progress(`${label}: ${topics.length} topics; reading ${heartbeatTopics.length} heartbeats and ${syncTopics.length} offset-syncs topic(s)`);

  const partitions = [...heartbeatTopics, ...syncTopics].flatMap((t) => t.partitions.map((partition) => ({ topic: t.name, partition })));
  const offsets = partitions.length > 0 ? await port.fetchOffsets(partitions) : [];
  const unread: ClusterObservation['unread'] = [];
  const syncNames = new Set(syncTopics.map((t) => t.name));
  const ranges: Range[] = [];
  for (const tp of partitions) {
    const o = offsets.find((x) => x.topic === tp.topic && x.partition === tp.partition);
    if (!o) {
      unread.push({ topic: tp.topic, reason: `partition ${tp.partition}: its offsets could not be read` });
      continue;
    }
    if (syncNames.has(tp.topic)) {
      ranges.push({ ...tp, from: Math.max(o.start, o.end - OFFSET_SYNC_TAIL_RECORDS), to: o.end });
    } else if (o.end - o.start <= HEARTBEAT_HEAD_RECORDS + HEARTBEAT_TAIL_RECORDS) {
      ranges.push({ ...tp, from: o.start, to: o.end });
    } else {
      ranges.push({ ...tp, from: o.start, to: o.start + HEARTBEAT_HEAD_RECORDS }, { ...tp, from: o.end - HEARTBEAT_TAIL_RECORDS, to: o.end });
    }
  }
  const read = await readRanges(port, ranges);
  for (const [topic, reason] of read.errors) unread.push({ topic, reason });

  const heartbeats: HeartbeatSighting[] = [];
  for (const t of heartbeatTopics) {
    const keys = new Map<string, HeartbeatSighting>();
    let bad = 0;
    let firstProblem = '';
    for (const rec of read.records.get(t.name) ?? []) {
      const d = decodeHeartbeat(rec.key, rec.value);
      if (!d.ok) {
        // Compaction tombstones carry no heartbeat and say nothing about the flow.
        if (d.error.kind === 'null-value') continue;
        bad++;
        firstProblem ||= `offset ${rec.offset}: ${d.error.message}`;
        continue;
      }
      const k = `${d.value.sourceClusterAlias}\u0000${d.value.targetClusterAlias}`;
      const s = keys.get(k);
      if (s) {
        s.records++;
        s.lastTimestampMs = Math.max(s.lastTimestampMs, d.value.timestamp);
      } else {
        keys.set(k, { topic: t.name, source: d.value.sourceClusterAlias, target: d.value.targetClusterAlias, records: 1, lastTimestampMs: d.value.timestamp });
      }
    }
    if (bad > 0) unread.push({ topic: t.name, reason: `${bad} record(s) are not MM2 heartbeats (first at ${firstProblem})` });
    heartbeats.push(...keys.values());
  }

  const offsetSyncs: OffsetSyncSighting[] = [];
  for (const t of syncTopics) {
    const names = new Set<string>();
    let bad = 0;
    for (const rec of read.records.get(t.name) ?? []) {
      const d = decodeOffsetSync(rec.key, rec.value);
      if (d.ok) {
        if (names.size < MAX_SOURCE_TOPICS) names.add(d.value.topic);
      } else if (d.error.kind !== 'null-value') bad++;
    }
    if (bad > 0) unread.push({ topic: t.name, reason: `${bad} record(s) are not MM2 offset syncs` });
    offsetSyncs.push({ topic: t.name, sourceTopics: [...names].sort() });
  }

  return {
    label,
    givenAlias,
    topics: topics.map((t) => ({ name: t.name, partitions: t.partitions.length })),
    heartbeats,
    offsetSyncs,
    unread,
  };
}
