// Captures record batches compressed by Kafka's own Java producer, for the unit tests of the batch
// decoder (test/unit/kafka/compressedGolden.test.ts): so that snappy (xerial framing), lz4 (Kafka's
// frame writer), zstd and gzip are checked against what Java writes, not only against the npm
// libraries' own compressors.
//
//   npx tsx scripts/capture-compressed-batches.ts        -> test/fixtures/compressed-batches.json
//
// One local broker (the harness's Kafka), one topic per codec, the Java ConsoleProducer with
// --compression-codec, then the partition's log segment read from the broker's data directory:
// a segment stores batches exactly as a Fetch response carries them.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTopic, startCluster, stopAll, waitForEndOffsets } from '../test/harness/kafka.js';
import { repoRoot } from '../test/harness/paths.js';

const CODECS = ['gzip', 'snappy', 'lz4', 'zstd'] as const;
const RECORDS = 40;

function recordsFor(codec: string): { key: string; value: string }[] {
  // Repetitive values make every codec compress; distinct keys make a mix-up visible.
  return Array.from({ length: RECORDS }, (_, i) => ({ key: `${codec}-key-${i}`, value: `${codec} value ${i} `.repeat(1 + (i % 5)) }));
}

async function main(): Promise<void> {
  const cluster = await startCluster({ alias: 'golden' });
  const fixtures: Record<string, { kafkaVersion: string; records: { key: string; value: string }[]; segmentBase64: string }> = {};
  try {
    for (const codec of CODECS) {
      const topic = `golden-${codec}`;
      await createTopic(cluster, topic, 1);
      const records = recordsFor(codec);
      const input = records.map((r) => `${r.key}\t${r.value}`).join('\n') + '\n';
      await cluster.runTool(
        'ConsoleProducer',
        [
          '--bootstrap-server',
          cluster.bootstrap,
          '--topic',
          topic,
          '--compression-codec',
          codec,
          '--property',
          'parse.key=true',
          // Several multi-record batches (batch.size in bytes, and time to fill them): the decoder
          // must walk from one compressed batch to the next.
          '--producer-property',
          'batch.size=1200',
          '--producer-property',
          'linger.ms=200',
        ],
        { input },
      );
      await waitForEndOffsets(cluster, topic, RECORDS);
      const partitionDir = join(cluster.dir, 'data', `${topic}-0`);
      const segment = readdirSync(partitionDir).find((f) => f.endsWith('.log'));
      if (!segment) throw new Error(`no log segment in ${partitionDir}`);
      fixtures[codec] = { kafkaVersion: cluster.version, records, segmentBase64: readFileSync(join(partitionDir, segment)).toString('base64') };
      console.log(`${codec}: ${readFileSync(join(partitionDir, segment)).length} bytes of segment`);
    }
  } finally {
    await stopAll();
  }
  const out = join(repoRoot, 'test/fixtures/compressed-batches.json');
  writeFileSync(out, JSON.stringify(fixtures, null, 1) + '\n');
  console.log(`wrote ${out}`);
}

main().catch(async (err: unknown) => {
  console.error(err);
  await stopAll();
  process.exit(1);
});
