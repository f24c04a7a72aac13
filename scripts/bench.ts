// mirrorwatch benchmark (issue 5, docs/design.md).
//
//   npm run bench                         2 harness clusters grown to 20,000 partitions each, then synthetic snapshots
//   npm run bench -- --partitions 2000    smaller Kafka run
//   npm run bench -- --synthetic          metrics layer only, no Kafka
//   npm run bench:smoke                   a few hundred partitions, 3 cycles (CI)
//   npm run bench -- --shards 4           also each of 4 shards alone at full size (poll time, RSS)
//
// Prints a table and the verdict per target, and writes everything to bench/results/<timestamp>.json.
// A benchmark, not a test: a missed target exits 0 unless --strict; a failed check or error exits 1.
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { repoRoot } from '../test/harness/paths.js';
import { buildAgent } from './bench/agentClient.js';
import type { AgentBuild } from './bench/agentClient.js';
import { closeScraper } from './bench/scraper.js';
import { defaultSteps, runKafkaMode } from './bench/kafkaMode.js';
import { machineInfo, waitForLoad } from './bench/machine.js';
import { evaluateTargets, fullReport } from './bench/report.js';
import type { BenchResults } from './bench/results.js';
import { runSyntheticMode } from './bench/syntheticMode.js';
import { DEFAULTS } from '../src/config/index.js';

const DEFAULT_POLL_INTERVAL_MS = DEFAULTS.pollIntervalMs;

const int = (min: number) => (value: string): number => {
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer >= ${min}`);
  return n;
};
const intList = (value: string): number[] => value.split(',').map((v) => int(1)(v.trim()));
const float = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number');
  return n;
};

const program = new Command('bench')
  .description('mirrorwatch benchmark: poll cycle time, Kafka requests per cycle, /metrics cost and memory at scale')
  .option('--synthetic', 'synthetic snapshots only (no Kafka)')
  .option('--no-synthetic-part', 'skip the synthetic part after the Kafka run')
  .option('--smoke', 'a quick run for CI: 300 partitions, 3 cycles, few scrapes')
  .option('--partitions <n>', 'partitions per cluster at the last step', int(1))
  .option('--steps <list>', 'partition counts to measure at, comma-separated (default: P/20, P/4, P)', intList)
  .option('--partitions-per-topic <n>', 'partitions of each created topic', int(1), 20)
  .option('--topics-per-request <n>', 'topics per CreateTopics request', int(1), 100)
  .option('--cycles <n>', 'poll cycles measured at the last step', int(1))
  .option('--step-cycles <n>', 'poll cycles measured at the earlier steps', int(1))
  .option('--audit-cycles <n>', 'cycles measured again at the final step with the count audit on (one closed bucket per cycle; 0: skip)', int(0))
  .option('--cycle-interval <ms>', 'start of one measured cycle to the next, as the daemon polls (default 10000, the default poll interval; 0: back to back)', int(0))
  .option('--scrapes <n>', 'idle /metrics scrapes timed at the end', int(1))
  .option('--scrape-interval <ms>', 'scrape period while poll cycles run', int(50), 1000)
  .option('--groups <n>', 'consumer groups with committed offsets on the source, listed in the flow', int(0), 3)
  .option('--records <n>', 'records written to every source partition', int(0), 2)
  .option('--brokers <n>', 'brokers per cluster (default: as many as the open-files and memory-map limits need)', int(1))
  .option('--broker-heap <MB>', 'heap of each broker JVM', int(256))
  .option('--mm2', 'run MirrorMaker 2 between the clusters while measuring')
  .option('--no-checks', 'skip the cardinality checks (granularity: topic, include/exclude, maxSeries warning)')
  .option('--kafka-version <v>', 'Kafka version (default $KAFKA_VERSION or 4.4.0)')
  .option('--series <list>', 'synthetic series counts', intList)
  .option('--reps <n>', 'synthetic repetitions per size', int(1))
  .option('--wait-load <load>', 'first wait (up to 30 min, checking every 2 min) until the 1-minute load average is below this', float)
  .option('--out <file>', 'where to write the JSON (default bench/results/<timestamp>.json)')
  .option('--keep-data', 'keep broker data directories after the run')
  .option('--shards <n>', 'after the steps, run mirrorwatch as each of N shards alone at full size: per-shard poll time and RSS', int(1), 1)
  .option('--strict', 'exit 1 when a target is missed');

interface Options {
  synthetic?: boolean;
  syntheticPart: boolean;
  smoke?: boolean;
  partitions?: number;
  steps?: number[];
  partitionsPerTopic: number;
  topicsPerRequest: number;
  cycles?: number;
  stepCycles?: number;
  auditCycles?: number;
  cycleInterval?: number;
  scrapes?: number;
  scrapeInterval: number;
  groups: number;
  records: number;
  brokers?: number;
  brokerHeap?: number;
  mm2?: boolean;
  checks: boolean;
  kafkaVersion?: string;
  series?: number[];
  reps?: number;
  waitLoad?: number;
  out?: string;
  keepData?: boolean;
  strict?: boolean;
  shards: number;
}

const say = (line: string): void => void process.stderr.write(`${line}\n`);

async function main(): Promise<number> {
  program.parse();
  const o = program.opts<Options>();
  const smoke = o.smoke === true;
  const partitions = o.partitions ?? (smoke ? 300 : 20_000);
  const steps = o.steps ?? defaultSteps(partitions);
  if (steps[steps.length - 1] !== partitions) steps.push(partitions);
  const started = new Date();
  const stamp = started.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');

  if (o.waitLoad !== undefined) await waitForLoad(o.waitLoad, 30 * 60_000, 2 * 60_000, say);
  const machine = machineInfo();
  const results: BenchResults = {
    startedAt: started.toISOString(),
    finishedAt: '',
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    machine,
    loadAverageAtEnd: [],
    options: { ...o, partitions, steps },
    targets: [],
  };

  say('compiling the bench agent (mirrorwatch runs as plain JavaScript, as in production)');
  const agent = await buildAgent();
  try {
    await measure(o, results, { smoke, partitions, steps, agent });
  } finally {
    agent.remove();
  }
  closeScraper();

  results.targets = evaluateTargets(results);
  results.finishedAt = new Date().toISOString();
  results.loadAverageAtEnd = loadavg().map((l) => Math.round(l * 100) / 100);
  const out = o.out ?? join(repoRoot, 'bench', 'results', `${stamp}${smoke ? '-smoke' : o.synthetic ? '-synthetic' : ''}.json`);
  mkdirSync(join(out, '..'), { recursive: true });
  writeFileSync(out, JSON.stringify(results, null, 2) + '\n');

  process.stdout.write(`\n${fullReport(results)}\n\nresults: ${relative(process.cwd(), out)}\n`);
  const failedChecks = results.kafka?.checks.filter((c) => !c.ok) ?? [];
  if (failedChecks.length) {
    say(`FAILED checks: ${failedChecks.map((c) => `${c.name}: ${c.detail}`).join('; ')}`);
    return 1;
  }
  if (o.strict && results.targets.some((t) => t.pass === false)) return 1;
  return 0;
}


async function measure(o: Options, results: BenchResults, m: { smoke: boolean; partitions: number; steps: number[]; agent: AgentBuild }): Promise<void> {
  const { smoke, partitions, steps, agent } = m;
  if (!o.synthetic) {
    results.kafka = await runKafkaMode({
      partitions,
      steps: [...new Set(steps)].sort((a, b) => a - b),
      partitionsPerTopic: o.partitionsPerTopic,
      topicsPerRequest: o.topicsPerRequest,
      cycles: o.cycles ?? (smoke ? 3 : 20),
      stepCycles: o.stepCycles ?? (smoke ? 2 : 5),
      auditCycles: o.auditCycles ?? (smoke ? 2 : 5),
      cycleIntervalMs: o.cycleInterval ?? (smoke ? 0 : DEFAULT_POLL_INTERVAL_MS),
      scrapes: o.scrapes ?? (smoke ? 3 : 20),
      scrapeIntervalMs: o.scrapeInterval,
      groups: o.groups,
      recordsPerPartition: o.records,
      brokers: o.brokers ?? null,
      brokerHeapMb: o.brokerHeap ?? (partitions > 2000 ? 768 : 384),
      mm2: o.mm2 === true,
      checks: o.checks,
      kafkaVersion: o.kafkaVersion,
      keepData: o.keepData === true,
      shards: o.shards,
      agent,
      say,
    });
  }
  if (o.synthetic || o.syntheticPart) {
    results.synthetic = await runSyntheticMode({
      sizes: o.series ?? [10_000, 100_000, 300_000],
      reps: o.reps ?? (smoke ? 3 : 10),
      scrapes: o.scrapes ?? (smoke ? 3 : 20),
      agent,
      say,
    });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    say(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
