// The Kafka half of the benchmark: two harness clusters grown step by step to P partitions each,
// mirrorwatch (in the agent) polling them, a scraper hitting /metrics all along.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import { ensureKafka, startMirrorMaker, stopAll, waitForTopic } from '../../test/harness/kafka.js';
import type { MirrorMaker } from '../../test/harness/kafka.js';
import { AgentClient, scrapeWhileIdle } from './agentClient.js';
import type { AgentBuild } from './agentClient.js';
import { brokersNeeded, readProcessLimits, removeClusterDirs, startBenchCluster } from './clusters.js';
import type { BenchCluster } from './clusters.js';
import { benchConfigYaml } from './config.js';
import type { BenchConfigOptions } from './config.js';
import { progressBar } from './progress.js';
import type { CycleResult } from './protocol.js';
import type { CheckResult, KafkaResults, ShardResult, StepResult } from './results.js';
import { topicShard } from '../../src/core/shard.js';
import { countSamples, scrape, scrapeLoop } from './scraper.js';
import { medianCounts, summarize, sumValues } from './stats.js';
import { benchAdmin, commitGroups, createTopics, fillPartitions, planTopics } from './topics.js';
import type { TopicSpec } from './topics.js';

export const SOURCE = 'us-east';
export const TARGET = 'us-west';

export interface KafkaModeOptions {
  partitions: number;
  steps: number[];
  partitionsPerTopic: number;
  topicsPerRequest: number;
  cycles: number;
  /** Cycles measured again with the count audit on, at the final step (0: not measured). */
  auditCycles: number;
  stepCycles: number;
  /** Start of one measured cycle to the next; 0 runs them back to back. */
  cycleIntervalMs: number;
  scrapes: number;
  scrapeIntervalMs: number;
  groups: number;
  recordsPerPartition: number;
  brokers: number | null;
  brokerHeapMb: number;
  mm2: boolean;
  checks: boolean;
  kafkaVersion?: string;
  keepData: boolean;
  /** > 1: after the steps, measure each of this many shards alone at full size. */
  shards: number;
  agent: AgentBuild;
  say: (line: string) => void;
}

/** Steps of the growth: the given list, or 1/20, 1/4 and all of P (1,000 / 5,000 / 20,000 by default). */
export function defaultSteps(partitions: number): number[] {
  const steps = [Math.ceil(partitions / 20), Math.ceil(partitions / 4), partitions];
  return [...new Set(steps.filter((s) => s >= 1))].sort((a, b) => a - b);
}

/** Per cluster alias: API -> median requests per cycle. */
export function requestsPerCycle(cycles: readonly CycleResult[]): Record<string, Record<string, number>> {
  const perCluster = new Map<string, Record<string, number>[]>();
  for (const c of cycles) {
    const byCluster = new Map<string, Record<string, number>>();
    for (const cl of c.clusters) byCluster.set(cl.alias, {});
    for (const [key, n] of Object.entries(c.requests)) {
      const space = key.indexOf(' ');
      const alias = key.slice(0, space);
      const api = key.slice(space + 1);
      const m = byCluster.get(alias) ?? {};
      m[api] = n;
      byCluster.set(alias, m);
    }
    for (const [alias, m] of byCluster) {
      const list = perCluster.get(alias) ?? [];
      list.push(m);
      perCluster.set(alias, list);
    }
  }
  const out: Record<string, Record<string, number>> = {};
  for (const [alias, list] of [...perCluster].sort(([a], [b]) => (a < b ? -1 : 1))) out[alias] = medianCounts(list);
  return out;
}

interface Fleet {
  clusters: BenchCluster[];
  mm2: MirrorMaker | null;
  configDir: string;
}

export async function runKafkaMode(o: KafkaModeOptions): Promise<KafkaResults> {
  const install = await ensureKafka(o.kafkaVersion);
  const brokers = o.brokers ?? brokersNeeded(o.partitions, readProcessLimits());
  o.say(`Kafka ${install.version}; 2 clusters x ${brokers} broker(s); ${o.partitions.toLocaleString('en-US')} partitions per cluster in steps ${o.steps.join(', ')}`);
  const fleet: Fleet = { clusters: [], mm2: null, configDir: mkdtempSync(join(tmpdir(), 'mw-bench-')) };
  let agent: AgentClient | null = null;
  const admins: Admin[] = [];
  let ok = false;
  try {
    const t0 = Date.now();
    fleet.clusters = await Promise.all(
      [SOURCE, TARGET].map((alias) => startBenchCluster({ alias, brokers, version: o.kafkaVersion, heapMb: o.brokerHeapMb })),
    );
    const [east, west] = fleet.clusters as [BenchCluster, BenchCluster];
    o.say(`clusters up in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${east.alias} ${east.brokers.join(',')}, ${west.alias} ${west.brokers.join(',')}`);

    const eastAdmin = await benchAdmin(east);
    const westAdmin = await benchAdmin(west);
    admins.push(eastAdmin, westAdmin);
    const groups = Array.from({ length: o.groups }, (_, i) => `bench-group-${i}`);
    const created: TopicSpec[] = [];
    const configOptions: BenchConfigOptions = {
      clusters: fleet.clusters.map((c) => ({ alias: c.alias, bootstrap: c.bootstrap })),
      source: SOURCE,
      target: TARGET,
      groups,
      granularity: 'partition',
    };
    const mainConfig = writeConfig(fleet.configDir, 'main', configOptions);

    const steps: StepResult[] = [];
    let url = '';
    let memoryAfterWarmup: KafkaResults['memory']['afterWarmup'] | null = null;
    for (const [i, target] of o.steps.entries()) {
      const have = created.reduce((n, t) => n + t.partitions, 0);
      const plan = planTopics(have, created.length, target, o.partitionsPerTopic);
      const setupStarted = Date.now();
      if (plan.length > 0) {
        const total = plan.reduce((n, t) => n + t.partitions, 0);
        // Both clusters at once; the remote copies are named as MM2's default policy names them.
        const bar = progressBar(`partitions created (${east.alias} + ${west.alias})`, 2 * total);
        const done = { east: 0, west: 0 };
        await Promise.all([
          createTopics(eastAdmin, plan, o.topicsPerRequest, (n) => bar.update((done.east = n) + done.west)),
          createTopics(
            westAdmin,
            plan.map((t) => ({ name: `${SOURCE}.${t.name}`, partitions: t.partitions })),
            o.topicsPerRequest,
            (n) => bar.update(done.east + (done.west = n)),
          ),
        ]);
        bar.finish();
        created.push(...plan);
        if (o.recordsPerPartition > 0) {
          const bar = progressBar(`topics filled on ${east.alias}`, plan.length);
          await waitForLeaders(eastAdmin, plan);
          await fillPartitions(east, plan, o.recordsPerPartition, (n) => bar.update(n));
          bar.finish();
        }
      }
      if (i === 0 && groups.length > 0 && created[0]) await commitGroups(eastAdmin, groups, created[0].name, o.recordsPerPartition);
      if (i === 0 && o.mm2) {
        o.say('starting MirrorMaker 2');
        fleet.mm2 = await startMirrorMaker({ clusters: [east, west], flows: [{ source: SOURCE, target: TARGET }] });
        // Measured with MM2's topics in place, so each cycle tails them as it would in production.
        await waitForTopic(west, `${SOURCE}.heartbeats`, { timeoutMs: 180_000 });
        await waitForTopic(east, `mm2-offset-syncs.${TARGET}.internal`, { timeoutMs: 180_000 });
      }
      const setupSeconds = (Date.now() - setupStarted) / 1000;

      if (!agent) {
        agent = AgentClient.spawn(o.agent);
        url = (await agent.call('start', { configFile: mainConfig })).url;
      }
      const final = i === o.steps.length - 1;
      const cycleCount = final ? o.cycles : o.stepCycles;
      o.say(`${target.toLocaleString('en-US')} partitions per cluster (${created.length} topics each): warming up`);
      const warm = await agent.call('warmup', { expectedPartitions: { [SOURCE]: target, [TARGET]: target }, timeoutMs: 600_000 });
      if (final) memoryAfterWarmup = await agent.call('memory', {});
      const pace = o.cycleIntervalMs > 0 ? `one every ${o.cycleIntervalMs / 1000} s` : 'back to back';
      o.say(`  ${warm.cycles} warm-up poll(s) in ${(warm.ms / 1000).toFixed(1)} s; measuring ${cycleCount} cycles, ${pace}`);
      const scraper = scrapeLoop(url, o.scrapeIntervalMs);
      const { cycles } = await agent.call('cycles', { count: cycleCount, intervalMs: o.cycleIntervalMs });
      const scrapes = await scraper.stop();
      steps.push(stepResult(target, created.length, setupSeconds, warm, cycles, scrapes));
      const s = steps[steps.length - 1] as StepResult;
      o.say(
        `  poll p50 ${Object.entries(s.pollSeconds)
          .map(([a, v]) => `${a} ${v.p50.toFixed(3)} s`)
          .join(', ')}; ${s.requestsPerCycleTotal} requests per cycle; ${s.series.toLocaleString('en-US')} series`,
      );
      if (final && o.auditCycles > 0) {
        // The same cycles with the count audit on: each also audits one closed bucket of every flow.
        const { cycles: withAudit } = await agent.call('cycles', { count: o.auditCycles, intervalMs: o.cycleIntervalMs, audit: true });
        s.auditOn = auditOnResult(withAudit);
        o.say(
          `  audit on: cycle p50 ${s.auditOn.cycleWallMs.p50.toFixed(0)} ms (audit ${s.auditOn.auditMs.p50.toFixed(0)} ms of it), ${s.auditOn.requestsPerCycleTotal} requests per cycle (audit off: ${s.cycleWallMs.p50.toFixed(0)} ms, ${s.requestsPerCycleTotal})`,
        );
      }
    }

    if (!agent) throw new Error('no steps to measure (--steps is empty)');
    const memoryAfterCycles = await agent.call('memory', {});
    const idleScrapes = await scrapeWhileIdle(agent, url, o.scrapes);
    const logs = await agent.call('logs', {});
    await agent.close();
    agent = null;

    const shards = o.shards > 1 ? await measureShards(o, fleet.configDir, configOptions, created) : undefined;
    const finalSeries = steps[steps.length - 1]?.series ?? 0;
    const checks = o.checks ? await cardinalityChecks(o, fleet.configDir, configOptions, created, finalSeries) : [];
    const result: KafkaResults = {
      kafkaVersion: install.version,
      mm2Version: fleet.mm2 ? fleet.mm2.version : null,
      brokersPerCluster: brokers,
      partitionsPerTopic: o.partitionsPerTopic,
      groups: o.groups,
      recordsPerPartition: o.recordsPerPartition,
      cycleIntervalMs: o.cycleIntervalMs,
      scrapeIntervalMs: o.scrapeIntervalMs,
      steps,
      memory: { afterWarmup: memoryAfterWarmup ?? memoryAfterCycles, afterCycles: memoryAfterCycles },
      idleScrapes,
      brokers: fleet.clusters.map((c) => ({ alias: c.alias, rssMB: Math.round(c.rssBytes() / 2 ** 20), maxOpenFiles: c.maxOpenFiles() })),
      logs,
      checks,
      ...(shards ? { shards } : {}),
    };
    ok = true;
    return result;
  } finally {
    if (agent) await agent.close();
    await Promise.allSettled(admins.map((a) => a.disconnect()));
    await stopAll();
    rmSync(fleet.configDir, { recursive: true, force: true });
    if (ok && !o.keepData) {
      for (const c of fleet.clusters) removeClusterDirs(c);
      if (fleet.mm2) rmSync(fleet.mm2.dir, { recursive: true, force: true });
    } else if (fleet.clusters.length > 0) {
      o.say(`broker data and logs kept in: ${fleet.clusters.flatMap((c) => c.dirs).join(' ')}`);
    }
  }
}

function writeConfig(dir: string, name: string, options: BenchConfigOptions): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, benchConfigYaml(options));
  return file;
}

function auditOnResult(cycles: CycleResult[]): NonNullable<StepResult['auditOn']> {
  const aliases = [...new Set(cycles.flatMap((c) => c.clusters.map((cl) => cl.alias)))].sort();
  const pollSeconds: Record<string, ReturnType<typeof summarize>> = {};
  for (const alias of aliases) {
    pollSeconds[alias] = summarize(cycles.flatMap((c) => c.clusters.filter((cl) => cl.alias === alias && cl.durationSeconds !== null).map((cl) => cl.durationSeconds as number)));
  }
  const requests = requestsPerCycle(cycles);
  return {
    cycles: cycles.length,
    cycleWallMs: summarize(cycles.map((c) => c.wallMs)),
    auditMs: summarize(cycles.map((c) => c.auditMs ?? 0)),
    pollSeconds,
    requestsPerCycle: requests,
    requestsPerCycleTotal: Object.values(requests).reduce((n, m) => n + sumValues(m), 0),
    auditedPartitionsPerCycle: cycles[cycles.length - 1]?.auditedPartitions ?? 0,
  };
}

function stepResult(
  partitions: number,
  topics: number,
  setupSeconds: number,
  warm: { cycles: number; ms: number },
  cycles: CycleResult[],
  scrapes: { ms: number; bytes: number }[],
): StepResult {
  const aliases = [...new Set(cycles.flatMap((c) => c.clusters.map((cl) => cl.alias)))].sort();
  const pollSeconds: StepResult['pollSeconds'] = {};
  for (const alias of aliases) {
    pollSeconds[alias] = summarize(cycles.flatMap((c) => c.clusters.filter((cl) => cl.alias === alias && cl.durationSeconds !== null).map((cl) => cl.durationSeconds as number)));
  }
  const requests = requestsPerCycle(cycles);
  const errors = new Set(cycles.flatMap((c) => c.clusters.filter((cl) => cl.error !== null).map((cl) => `${cl.alias}: ${cl.error}`)));
  return {
    partitions,
    topicsPerCluster: topics,
    setupSeconds,
    warmup: { cycles: warm.cycles, ms: warm.ms },
    cycles: cycles.length,
    pollSeconds,
    cycleWallMs: summarize(cycles.map((c) => c.wallMs)),
    publishMsPerCycle: summarize(cycles.map((c) => c.publishMs)),
    requestsPerCycle: requests,
    requestsPerCycleTotal: Object.values(requests).reduce((n, m) => n + sumValues(m), 0),
    series: cycles[cycles.length - 1]?.series ?? 0,
    eventLoopMaxMsPerCycle: summarize(cycles.map((c) => c.eventLoopMaxMs)),
    scrapesDuringCycles: { ms: summarize(scrapes.map((s) => s.ms)), bytes: scrapes[scrapes.length - 1]?.bytes ?? 0 },
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    pollErrors: [...errors],
  };
}


/**
 * Each shard in its own agent, one after the other (on a machine of its own, as a StatefulSet's
 * pods would be, rather than four sharing two cores): the same clusters, the same cycles as the
 * last step, the shard's partitions only.
 */
async function measureShards(o: KafkaModeOptions, dir: string, base: BenchConfigOptions, created: readonly TopicSpec[]): Promise<ShardResult[]> {
  const out: ShardResult[] = [];
  for (let index = 0; index < o.shards; index++) {
    const count = o.shards;
    const owned = created.filter((t) => topicShard(SOURCE, TARGET, t.name, count) === index).reduce((n, t) => n + t.partitions, 0);
    o.say(`shard ${index}/${count}: ${owned.toLocaleString('en-US')} partitions per cluster; warming up`);
    const file = writeConfig(dir, `shard-${index}`, { ...base, shard: { index, count } });
    const agent = AgentClient.spawn(o.agent);
    try {
      const { url } = await agent.call('start', { configFile: file });
      const expected = { [SOURCE]: owned, [TARGET]: owned };
      await agent.call('warmup', { expectedPartitions: expected, timeoutMs: 600_000 });
      const afterWarmup = await agent.call('memory', {});
      const scraper = scrapeLoop(url, o.scrapeIntervalMs);
      const { cycles } = await agent.call('cycles', { count: o.cycles, intervalMs: o.cycleIntervalMs });
      await scraper.stop();
      const afterCycles = await agent.call('memory', {});
      const body = (await scrape(url, { keepBody: true })).body ?? '';
      const partitionsPolled: Record<string, number> = {};
      for (const m of body.matchAll(/^mirrorwatch_partitions_polled\{cluster="([^"]+)"\} (\d+)$/gm)) partitionsPolled[m[1]!] = Number(m[2]);
      const step = stepResult(owned, created.length, 0, { cycles: 0, ms: 0 }, cycles, []);
      out.push({
        index,
        count,
        partitions: expected,
        partitionsPolled,
        cycles: cycles.length,
        pollSeconds: step.pollSeconds,
        cycleWallMs: step.cycleWallMs,
        publishMsPerCycle: step.publishMsPerCycle,
        requestsPerCycleTotal: step.requestsPerCycleTotal,
        series: step.series,
        memory: { afterWarmup, afterCycles },
      });
      const r = out[out.length - 1]!;
      o.say(`  poll p50 ${Object.entries(r.pollSeconds).map(([a, v]) => `${a} ${v.p50.toFixed(3)} s`).join(', ')}; RSS ${(afterCycles.rssBytes / 2 ** 20).toFixed(0)} MB; ${r.series.toLocaleString('en-US')} series`);
    } finally {
      await agent.close();
    }
  }
  return out;
}

/** Leaders of freshly created partitions take a moment on a busy broker; producing before fails. */
async function waitForLeaders(admin: Admin, topics: readonly TopicSpec[]): Promise<void> {
  const deadline = Date.now() + 300_000;
  for (;;) {
    let missing: number | string;
    try {
      const meta = await admin.fetchTopicMetadata({ topics: topics.map((t) => t.name) });
      missing = meta.topics.reduce((n, t) => n + t.partitions.filter((p) => p.leader < 0).length, 0);
      if (missing === 0) return;
    } catch (err) {
      // A broker that has not applied the new topics' metadata yet answers UNKNOWN_TOPIC_OR_PARTITION.
      missing = (err as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`partitions still without a leader after 300 s: ${missing}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

// ------------------------------------------------------------------ cardinality controls at scale

interface Variant {
  name: string;
  options: Partial<BenchConfigOptions>;
  /** Data partitions each cluster should report once warmed up. */
  expectedPartitions: number;
  /** A problem found, or null. */
  verify(ctx: VariantContext): string | null;
}

interface VariantContext {
  body: string;
  series: number;
  flowTopics: number;
  clusterPartitions: Record<string, number>;
  warnings: string[];
}

const MAX_SERIES_WARNING = /exported series exceed maxSeries/;

/** The cardinality controls (issue 5 item 3), each checked against what the bench created. */
export function variants(created: readonly TopicSpec[], partitionSeries: number): Variant[] {
  const total = created.reduce((n, t) => n + t.partitions, 0);
  const excluded = /^bench-\d*[13579]$/;
  const kept = created.filter((t) => !excluded.test(t.name));
  const keptPartitions = kept.reduce((n, t) => n + t.partitions, 0);
  return [
    {
      name: 'granularity: topic',
      options: { granularity: 'topic' },
      expectedPartitions: total,
      verify: (c) => {
        if (/partition="/.test(c.body)) return 'a series still has a partition label';
        const ends = c.body.split('\n').filter((l) => l.startsWith('mm2_partition_end_offset{')).length;
        if (ends !== 2 * created.length) return `expected ${2 * created.length} topic-level end-offset series (both clusters), found ${ends}`;
        if (c.series >= partitionSeries) return `${c.series} series, not fewer than the ${partitionSeries} of granularity: partition`;
        return null;
      },
    },
    {
      name: 'flow include/exclude',
      options: { topics: ['bench-.*'], topicsExclude: ['bench-\\d*[13579]'] },
      expectedPartitions: keptPartitions,
      verify: (c) => {
        if (c.flowTopics !== kept.length) return `flow has ${c.flowTopics} topics, expected ${kept.length}`;
        for (const alias of [SOURCE, TARGET]) {
          if (c.clusterPartitions[alias] !== keptPartitions) return `${alias} read ${c.clusterPartitions[alias]} partitions, expected ${keptPartitions}`;
        }
        if (/topic="(us-east\.)?bench-\d*[13579]"/.test(c.body)) return 'an excluded topic still has series';
        return null;
      },
    },
    {
      name: 'maxSeries warning',
      options: { maxSeries: Math.max(1, Math.floor(partitionSeries / 2)) },
      expectedPartitions: total,
      verify: (c) => {
        const n = c.warnings.filter((w) => MAX_SERIES_WARNING.test(w)).length;
        return n === 1 ? null : `expected exactly one maxSeries warning over the cycles, got ${n}`;
      },
    },
  ];
}

async function cardinalityChecks(
  o: KafkaModeOptions,
  dir: string,
  base: BenchConfigOptions,
  created: readonly TopicSpec[],
  partitionSeries: number,
): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const variant of variants(created, partitionSeries)) {
    o.say(`check: ${variant.name}`);
    const file = writeConfig(dir, `check-${out.length}`, { ...base, ...variant.options });
    const agent = AgentClient.spawn(o.agent);
    try {
      const { url } = await agent.call('start', { configFile: file });
      const n = variant.expectedPartitions;
      await agent.call('warmup', { expectedPartitions: { [SOURCE]: n, [TARGET]: n }, timeoutMs: 600_000 });
      const { cycles } = await agent.call('cycles', { count: 3, intervalMs: 0 });
      const s = await scrape(url, { keepBody: true });
      const snap = await agent.call('snapshot', {});
      const logs = await agent.call('logs', {});
      const problem = variant.verify({
        body: s.body ?? '',
        series: snap.series,
        flowTopics: snap.flows[0]?.topics ?? 0,
        clusterPartitions: Object.fromEntries(snap.clusters.map((c) => [c.alias, c.partitions])),
        warnings: logs.warnings,
      });
      const requests = requestsPerCycle(cycles);
      const pollSecondsP50: Record<string, number> = {};
      for (const c of snap.clusters) {
        pollSecondsP50[c.alias] = summarize(cycles.flatMap((cy) => cy.clusters.filter((x) => x.alias === c.alias && x.durationSeconds !== null).map((x) => x.durationSeconds as number))).p50;
      }
      out.push({
        name: variant.name,
        ok: problem === null,
        detail: problem ?? `${snap.series.toLocaleString('en-US')} series (${countSamples(s.body ?? '').toLocaleString('en-US')} samples scraped), ${snap.flows[0]?.topics ?? 0} flow topics`,
        series: snap.series,
        pollSecondsP50,
        requestsPerCycleTotal: Object.values(requests).reduce((sum, m) => sum + sumValues(m), 0),
        publishMsP50: summarize(cycles.map((c) => c.publishMs)).p50,
      });
    } finally {
      await agent.close();
    }
  }
  return out;
}
