// Captures real MirrorMaker 2 record bytes (heartbeats, checkpoints, offset syncs, Connect offsets)
// into test/fixtures/mm2-<kafka version>.json, the golden records the decoders are tested against.
//
//   npx tsx scripts/capture-fixtures.ts [version]      (default $KAFKA_VERSION or 4.4.0)
//
// The setup makes the numbers tell: the remote topic already holds records before MM2 starts, so
// downstream offsets differ from upstream ones by a known shift, and consumer groups sit at known
// offsets (one with a non-ASCII name, one with commit metadata). Every decoded field is checked
// against that context before anything is written; a mismatch aborts the capture.
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  commitGroupOffsets,
  createTopic,
  ensureKafka,
  kafkaClient,
  kafkaVersion,
  logHint,
  mm2Properties,
  produce,
  readRecords,
  startCluster,
  startMirrorMaker,
  stopAll,
  waitFor,
  waitForEndOffsets,
} from '../test/harness/kafka.js';
import type { KafkaCluster, RawRecord } from '../test/harness/kafka.js';
import { repoRoot } from '../test/harness/paths.js';

const SOURCE = 'us-east';
const TARGET = 'us-west';
const TOPIC = 'orders';
const REMOTE = `${SOURCE}.${TOPIC}`;
/** Records produced to orders on us-east, per partition. */
const PRODUCED = [10, 5];
/** Records already in us-east.orders on us-west before MM2 starts: the downstream shift. */
const PREEXISTING = [3, 1];
/** Plain offset commits (admin API, empty metadata). */
const COMMITS: Array<{ group: string; partition: number; offset: number }> = [
  { group: 'billing', partition: 0, offset: 7 },
  { group: 'billing', partition: 1, offset: 5 },
  { group: 'analytics-ü', partition: 0, offset: 10 },
  { group: 'analytics-ü', partition: 1, offset: 2 },
];
/** A commit made by a group member, with metadata, which MM2 carries into the checkpoint. */
const META_COMMIT = { group: 'ledger', partition: 0, offset: 4, metadata: 'ledger batch 42' };

// ---------------------------------------------------------------- independent readers
// Written from Apache Kafka's Heartbeat/Checkpoint/OffsetSync schemas (big-endian, STRING =
// int16 length + UTF-8), separate from src/core/codecs on purpose: the fixture must not be
// produced by the code it is meant to test.

class Reader {
  private at = 0;
  constructor(
    private readonly buf: Buffer,
    private readonly what: string,
  ) {}
  private need(n: number): void {
    if (this.at + n > this.buf.length) throw new Error(`${this.what}: truncated at byte ${this.at}`);
  }
  int16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.at);
    this.at += 2;
    return v;
  }
  int32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.at);
    this.at += 4;
    return v;
  }
  int64(): number {
    this.need(8);
    const v = this.buf.readBigInt64BE(this.at);
    this.at += 8;
    return Number(v);
  }
  string(): string {
    const n = this.int16();
    this.need(n);
    const s = this.buf.subarray(this.at, this.at + n).toString('utf8');
    this.at += n;
    return s;
  }
  end(): void {
    if (this.at !== this.buf.length) throw new Error(`${this.what}: ${this.buf.length - this.at} trailing bytes`);
  }
}

function bytes(r: RawRecord, part: 'key' | 'value'): Buffer {
  const b = r[part];
  if (!b) throw new Error(`${r.topic}-${r.partition}@${r.offset}: null ${part}`);
  return b;
}

function readHeartbeat(r: RawRecord): { sourceClusterAlias: string; targetClusterAlias: string; timestamp: number } {
  const k = new Reader(bytes(r, 'key'), `heartbeat key ${r.topic}@${r.offset}`);
  const v = new Reader(bytes(r, 'value'), `heartbeat value ${r.topic}@${r.offset}`);
  const out = { sourceClusterAlias: k.string(), targetClusterAlias: k.string(), timestamp: 0 };
  k.end();
  const version = v.int16();
  if (version !== 0) throw new Error(`heartbeat ${r.topic}@${r.offset}: version ${version}`);
  out.timestamp = v.int64();
  v.end();
  return out;
}

function readCheckpoint(r: RawRecord) {
  const k = new Reader(bytes(r, 'key'), `checkpoint key @${r.offset}`);
  const v = new Reader(bytes(r, 'value'), `checkpoint value @${r.offset}`);
  const key = { group: k.string(), topic: k.string(), partition: k.int32() };
  k.end();
  const version = v.int16();
  if (version !== 0) throw new Error(`checkpoint @${r.offset}: version ${version}`);
  const out = { ...key, upstreamOffset: v.int64(), downstreamOffset: v.int64(), metadata: v.string() };
  v.end();
  return out;
}

function readOffsetSync(r: RawRecord) {
  const k = new Reader(bytes(r, 'key'), `offset sync key @${r.offset}`);
  const v = new Reader(bytes(r, 'value'), `offset sync value @${r.offset}`);
  const out = { topic: k.string(), partition: k.int32(), upstreamOffset: v.int64(), downstreamOffset: v.int64() };
  k.end();
  v.end();
  return out;
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(`capture aborted: ${message}`);
}

function raw(r: RawRecord) {
  return {
    topic: r.topic,
    partition: r.partition,
    offset: r.offset,
    timestamp: r.timestamp,
    key: r.key?.toString('hex') ?? null,
    value: r.value?.toString('hex') ?? null,
  };
}

// ---------------------------------------------------------------- the run

async function commitWithMetadata(east: KafkaCluster): Promise<void> {
  const consumer = kafkaClient(east).consumer({ groupId: META_COMMIT.group, sessionTimeout: 10_000 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      let done = false;
      consumer
        .run({
          autoCommit: false,
          eachMessage: async () => {
            if (done) return;
            done = true;
            try {
              await consumer.commitOffsets([
                { topic: TOPIC, partition: META_COMMIT.partition, offset: String(META_COMMIT.offset), metadata: META_COMMIT.metadata },
              ]);
              resolve();
            } catch (err) {
              reject(err as Error);
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
}

async function capture(version: string): Promise<string> {
  const install = await ensureKafka(version);
  const started = new Date();
  const [east, west] = await Promise.all([
    startCluster({ alias: SOURCE, version }),
    startCluster({ alias: TARGET, version }),
  ]);
  await createTopic(east, TOPIC, PRODUCED.length);
  await createTopic(west, REMOTE, PRODUCED.length);
  for (const [p, n] of PRODUCED.entries()) await produce(east, TOPIC, { partition: p, count: n, keyPrefix: `order-p${p}` });
  for (const [p, n] of PREEXISTING.entries()) await produce(west, REMOTE, { partition: p, count: n, keyPrefix: `pre-p${p}` });
  for (const c of COMMITS) await commitGroupOffsets(east, c.group, TOPIC, c.partition, c.offset);
  await commitWithMetadata(east);

  const flows = [{ source: SOURCE, target: TARGET, topics: TOPIC }];
  const mm = await startMirrorMaker({ clusters: [east, west], flows, version });
  const expectedEnds = Object.fromEntries(PRODUCED.map((n, p) => [p, n + (PREEXISTING[p] ?? 0)]));
  await waitForEndOffsets(west, REMOTE, expectedEnds, { timeoutMs: 90_000 });

  const allCommits = [...COMMITS, META_COMMIT];
  const checkpoints = await waitFor(
    'checkpoints of every committed group and partition',
    async () => {
      const recs = await readRecords(west, `${SOURCE}.checkpoints.internal`);
      const got = recs.map((r) => ({ r, d: readCheckpoint(r) }));
      const covered = allCommits.every((c) => got.some((g) => g.d.group === c.group && g.d.partition === c.partition && g.d.upstreamOffset === c.offset));
      return covered ? got : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 1000 },
  );
  // Let a few more heartbeats arrive so each topic has several.
  await new Promise((r) => setTimeout(r, 3000));

  const syncRecs = (await readRecords(east, `mm2-offset-syncs.${TARGET}.internal`)).map((r) => ({ r, d: readOffsetSync(r) }));
  const hbSource = await readRecords(east, 'heartbeats');
  const hbTarget = await readRecords(west, 'heartbeats');
  const hbCopied = await readRecords(west, `${SOURCE}.heartbeats`);
  const connectOffsets = await readRecords(west, `mm2-offsets.${SOURCE}.internal`);
  const rss = { [SOURCE]: east.rssBytes(), [TARGET]: west.rssBytes(), mm2: mm.rssBytes() };
  await stopAll();

  // ---- heartbeats: who emits into which cluster (docs/design.md)
  const heartbeat = (r: RawRecord, where: string, source: string, target: string, note: string) => {
    const d = readHeartbeat(r);
    check(d.sourceClusterAlias === source && d.targetClusterAlias === target, `${where}@${r.offset}: heartbeat key ${d.sourceClusterAlias}->${d.targetClusterAlias}, expected ${source}->${target}`);
    check(d.timestamp === r.timestamp, `${where}@${r.offset}: heartbeat timestamp ${d.timestamp} != record timestamp ${r.timestamp}`);
    return { kind: 'heartbeat', cluster: where, ...raw(r), expected: d, note };
  };
  check(hbSource.length >= 3 && hbTarget.length >= 3 && hbCopied.length >= 3, 'fewer than 3 heartbeats in some heartbeat topic');
  const pick = <T>(xs: T[]): T[] => [...xs.slice(0, 2), ...xs.slice(-1)];
  const heartbeats = [
    ...pick(hbSource).map((r) =>
      heartbeat(r, SOURCE, TARGET, SOURCE, `emitted into ${SOURCE} by the ${TARGET}->${SOURCE} herder, although that flow is not enabled`),
    ),
    ...pick(hbTarget).map((r) => heartbeat(r, TARGET, SOURCE, TARGET, `emitted into ${TARGET} by the ${SOURCE}->${TARGET} herder`)),
    ...pick(hbCopied).map((r) =>
      heartbeat(r, TARGET, TARGET, SOURCE, `${SOURCE}'s heartbeats copied to ${TARGET} by ${SOURCE}->${TARGET}: key stays ${TARGET}->${SOURCE}, timestamp kept`),
    ),
  ];
  const sourceTs = new Map(hbSource.map((r) => [r.offset, r.timestamp]));
  for (const r of hbCopied) {
    const orig = sourceTs.get(r.offset);
    check(orig === undefined || orig === r.timestamp, `${SOURCE}.heartbeats@${r.offset}: timestamp differs from the original`);
  }

  // ---- offset syncs: one to one copy after the pre-existing records
  const shift = (topic: string, partition: number): number => (topic === TOPIC ? (PREEXISTING[partition] ?? NaN) : 0);
  for (const { r, d } of syncRecs) {
    check(d.downstreamOffset === d.upstreamOffset + shift(d.topic, d.partition), `offset sync @${r.offset} ${JSON.stringify(d)}: downstream is not upstream + ${shift(d.topic, d.partition)}`);
  }
  const orderSyncs = syncRecs.filter((s) => s.d.topic === TOPIC);
  const hbSyncs = syncRecs.filter((s) => s.d.topic === 'heartbeats');
  check(orderSyncs.length > 0, 'no offset syncs for orders');
  const offsetSyncs = [...orderSyncs, ...hbSyncs.slice(0, 2)].map(({ r, d }) => ({
    kind: 'offset-sync',
    cluster: SOURCE,
    ...raw(r),
    expected: d,
    note:
      d.topic === TOPIC
        ? `${TOPIC}-${d.partition} upstream ${d.upstreamOffset} landed at ${REMOTE}-${d.partition} offset ${d.downstreamOffset} (${shift(d.topic, d.partition)} records were there before MM2 started)`
        : `MM2 also syncs offsets of the heartbeats topic it copies (no shift: ${SOURCE}.heartbeats started empty)`,
  }));

  // ---- checkpoints: the translated group offsets
  const syncsOf = (p: number) => orderSyncs.filter((s) => s.d.partition === p).map((s) => s.d);
  const checkpointRecords = checkpoints.map(({ r, d }) => {
    check(d.topic === REMOTE, `checkpoint @${r.offset} names topic ${d.topic}, expected ${REMOTE}`);
    const commit = allCommits.find((c) => c.group === d.group && c.partition === d.partition);
    check(commit !== undefined, `checkpoint @${r.offset} for unexpected group/partition ${d.group}/${d.partition}`);
    const wantMeta = commit && 'metadata' in commit ? String(commit.metadata) : '';
    check(d.metadata === wantMeta, `checkpoint @${r.offset}: metadata "${d.metadata}", expected "${wantMeta}"`);
    // MM2 (3.5+) translates from the newest sync at or below the committed offset: exact on the
    // sync itself, else one past the sync's downstream offset (never past what was copied).
    const below = syncsOf(d.partition)
      .filter((s) => s.upstreamOffset <= d.upstreamOffset)
      .sort((a, b) => b.upstreamOffset - a.upstreamOffset)[0];
    const predicted =
      below === undefined ? undefined : below.upstreamOffset === d.upstreamOffset ? below.downstreamOffset : below.downstreamOffset + 1;
    return {
      kind: 'checkpoint',
      cluster: TARGET,
      ...raw(r),
      expected: d,
      note:
        `group ${d.group} committed ${TOPIC}-${d.partition} at ${d.upstreamOffset} on ${SOURCE}; translated to ${d.downstreamOffset} on ${REMOTE}` +
        (predicted === undefined ? '' : predicted === d.downstreamOffset ? ' (as predicted from the offset syncs)' : ` (offset syncs predicted ${predicted})`),
    };
  });

  // ---- Connect offsets of the source connector: JSON, kept as text (not part of the binary goldens)
  const connect = connectOffsets
    .filter((r) => r.key?.toString().startsWith('["MirrorSourceConnector"'))
    .map((r) => ({
      cluster: TARGET,
      topic: r.topic,
      partition: r.partition,
      offset: r.offset,
      timestamp: r.timestamp,
      keyJson: r.key?.toString('utf8') ?? null,
      valueJson: r.value?.toString('utf8') ?? null,
    }));

  const doc = {
    description:
      'Real record bytes written by Apache Kafka MirrorMaker 2, captured by scripts/capture-fixtures.ts. ' +
      'key/value are hex; "expected" holds the fields they decode to, each checked against the setup below when captured.',
    kafkaVersion: install.version,
    mm2Version: install.mm2Version,
    mm2VersionNote:
      install.mm2Version === install.version
        ? undefined
        : `connect-mirror ${install.version} is not on Maven Central; MM2 ran from connect-mirror ${install.mm2Version} against ${install.version} brokers`,
    capturedAt: started.toISOString(),
    setup: {
      clusters: [SOURCE, TARGET],
      flows: [`${SOURCE}->${TARGET}`],
      producedPerPartition: { [TOPIC]: PRODUCED },
      preexistingInRemoteTopic: { [REMOTE]: PREEXISTING },
      groupCommits: [...COMMITS, META_COMMIT].map((c) => ({ topic: TOPIC, ...c })),
      mm2Properties: mm2Properties({ clusters: [east, west], flows }),
      rssBytes: rss,
    },
    formats: {
      heartbeat: 'key: sourceClusterAlias STRING, targetClusterAlias STRING; value: version INT16 (0), timestamp INT64 epoch ms',
      checkpoint: 'key: group STRING, topic STRING (remote topic), partition INT32; value: version INT16 (0), upstreamOffset INT64, downstreamOffset INT64, metadata STRING',
      offsetSync: 'key: topic STRING (source topic), partition INT32; value: upstreamOffset INT64, downstreamOffset INT64',
      string: 'INT16 byte length, then UTF-8 bytes; all integers big-endian',
    },
    heartbeats: heartbeats,
    checkpoints: checkpointRecords,
    offsetSyncs: offsetSyncs,
    connectOffsets: connect,
  };
  const dir = join(repoRoot, 'test', 'fixtures');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `mm2-${install.version}.json`);
  writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
  return file;
}

const version = kafkaVersion(process.argv[2]);
capture(version).then(
  (file) => {
    console.log(`wrote ${file}`);
    process.exit(0);
  },
  async (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    console.error(logHint());
    await stopAll();
    process.exit(1);
  },
);
