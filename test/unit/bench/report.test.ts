import { describe, expect, it } from 'vitest';
import { evaluateTargets, renderTable, TARGETS } from '../../../scripts/bench/report.js';
import type { KafkaResults, StepResult, SyntheticResult } from '../../../scripts/bench/results.js';
import { summarize } from '../../../scripts/bench/stats.js';

const MB = 2 ** 20;

function step(partitions: number, requests: number, pollP50: number[], blockMs = 20): StepResult {
  return {
    partitions,
    topicsPerCluster: partitions / 20,
    setupSeconds: 1,
    warmup: { cycles: 1, ms: 100 },
    cycles: pollP50.length,
    pollSeconds: { 'us-east': summarize(pollP50), 'us-west': summarize(pollP50.map((p) => p / 2)) },
    cycleWallMs: summarize([100]),
    publishMsPerCycle: summarize([10]),
    requestsPerCycle: { 'us-east': { Metadata: 1, ListOffsets: requests - 1 } },
    requestsPerCycleTotal: requests,
    series: partitions * 7,
    eventLoopMaxMsPerCycle: summarize([blockMs]),
    scrapesDuringCycles: { ms: summarize([30, 40]), bytes: 1000 },
    loadAverage: [1, 1, 1],
    pollErrors: [],
  };
}

function kafka(steps: StepResult[], rssMB: number, scrapeBlockMs = 5): KafkaResults {
  const mem = { rssBytes: rssMB * MB, heapUsedBytes: 1, heapTotalBytes: 1, externalBytes: 1, arrayBuffersBytes: 1 };
  return {
    kafkaVersion: '4.4.0',
    mm2Version: null,
    brokersPerCluster: 2,
    partitionsPerTopic: 20,
    groups: 3,
    recordsPerPartition: 2,
    cycleIntervalMs: 0,
    scrapeIntervalMs: 1000,
    steps,
    memory: { afterWarmup: mem, afterCycles: mem },
    idleScrapes: { ms: summarize([50, 60]), bytes: 10, eventLoopMaxMs: summarize([scrapeBlockMs]) },
    brokers: [],
    logs: { levels: {}, warnings: [] },
    checks: [],
  };
}

function synthetic(series: number, layer: number[], bare: number[], scrapeMs: number[]): SyntheticResult {
  return {
    targetSeries: series,
    series: series + 17,
    bytes: series * 100,
    publishMs: summarize(layer),
    renderMs: summarize(layer.map(() => 0)),
    layerMs: summarize(layer),
    bareMs: summarize(bare),
    ratio: summarize(layer).p50 / summarize(bare).p50,
    publishEventLoopMaxMs: 1,
    scrapes: { ms: summarize(scrapeMs), bytes: series * 100, eventLoopMaxMs: summarize([3]) },
    memory: { rssBytes: 1, heapUsedBytes: 1, heapTotalBytes: 1, externalBytes: 1, arrayBuffersBytes: 1 },
  };
}

const verdictOf = (targets: ReturnType<typeof evaluateTargets>, prefix: string) => targets.find((t) => t.name.startsWith(prefix))?.pass;

describe('evaluateTargets', () => {
  it('passes figures within every bound', () => {
    const t = evaluateTargets({
      kafka: kafka([step(1000, 11, [0.1, 0.2]), step(20_000, 11, [0.3, 0.4, 0.45])], 200),
      synthetic: [synthetic(100_000, [40, 50, 60], [30, 40, 50], [20, 30])],
    });
    expect(t.filter((x) => x.pass === false)).toEqual([]);
    expect(t.every((x) => x.note === undefined || !x.note.includes('below'))).toBe(true);
  });

  it('misses each bound that is exceeded', () => {
    const t = evaluateTargets({
      kafka: kafka([step(1000, 10, [0.1]), step(20_000, 12, [0.6, 0.7], 150)], 300, 120),
      synthetic: [synthetic(100_000, [250, 260], [100, 110], [210, 220])],
    });
    expect(verdictOf(t, 'Kafka requests per poll cycle')).toBe(false); // 12 / 10 = 1.2
    expect(verdictOf(t, 'poll cycle p50')).toBe(false);
    expect(verdictOf(t, 'GET /metrics, 100,017')).toBe(false);
    expect(verdictOf(t, 'metrics layer publish')).toBe(false);
    expect(verdictOf(t, 'metrics layer vs bare')).toBe(false);
    expect(verdictOf(t, 'longest event-loop block while a scrape')).toBe(false);
    expect(verdictOf(t, 'longest event-loop block during poll')).toBe(false);
    expect(verdictOf(t, 'RSS')).toBe(false);
  });

  it('takes the slowest cluster for the poll target and the ratio of last to first step', () => {
    const t = evaluateTargets({ kafka: kafka([step(1000, 20, [0.1]), step(5000, 21, [0.2]), step(20_000, 22, [0.5])], 100) });
    expect(verdictOf(t, 'Kafka requests per poll cycle')).toBe(true); // 22 / 20 = 1.1
    expect(verdictOf(t, 'poll cycle p50')).toBe(true); // 0.5 <= 0.5
    expect(t.find((x) => x.name.startsWith('Kafka requests'))?.measured).toContain('1.10');
  });

  it('marks what a run did not measure, and a run below the target scale', () => {
    const synthOnly = evaluateTargets({ synthetic: [synthetic(10_000, [5], [4], [3])] });
    expect(verdictOf(synthOnly, 'poll cycle p50')).toBeNull();
    expect(verdictOf(synthOnly, 'GET /metrics')).toBeNull(); // no size near 100,000
    const small = evaluateTargets({ kafka: kafka([step(15, 9, [0.01]), step(300, 9, [0.02])], 100) });
    expect(small.find((x) => x.name.startsWith('poll cycle p50'))?.note).toMatch(/below the target/);
    expect(TARGETS.scalePartitions).toBe(20_000);
  });
});

describe('renderTable', () => {
  it('pads columns and right-aligns numbers', () => {
    const text = renderTable(['name', 'ms'], [
      ['a', '5.0'],
      ['longer', '123.4'],
    ]);
    const lines = text.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[2]).toBe('a         5.0');
    expect(lines[3]).toBe('longer  123.4');
    expect(lines[1]).toBe('------  -----');
  });
});
