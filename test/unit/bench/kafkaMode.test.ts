import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { brokersNeeded } from '../../../scripts/bench/clusters.js';
import { benchConfigYaml } from '../../../scripts/bench/config.js';
import { defaultSteps, requestsPerCycle, variants } from '../../../scripts/bench/kafkaMode.js';
import { progressLine } from '../../../scripts/bench/progress.js';
import type { CycleResult } from '../../../scripts/bench/protocol.js';
import { countSamples } from '../../../scripts/bench/scraper.js';
import { planTopics } from '../../../scripts/bench/topics.js';
import { loadConfig } from '../../../src/config/index.js';

function cycle(requests: Record<string, number>): CycleResult {
  return {
    wallMs: 1,
    publishMs: 1,
    publishes: 1,
    eventLoopMaxMs: 1,
    clusters: [
      { alias: 'us-east', up: true, durationSeconds: 0.1, error: null, partitions: 1 },
      { alias: 'us-west', up: true, durationSeconds: 0.1, error: null, partitions: 1 },
    ],
    requests,
    series: 1,
  };
}

describe('bench growth steps', () => {
  it('defaults to 1/20, 1/4 and all of P', () => {
    expect(defaultSteps(20_000)).toEqual([1000, 5000, 20_000]);
    expect(defaultSteps(300)).toEqual([15, 75, 300]);
    expect(defaultSteps(3)).toEqual([1, 3]);
  });
});

describe('requestsPerCycle', () => {
  it('splits the counter labels into cluster and API and takes medians', () => {
    const r = requestsPerCycle([
      cycle({ 'us-east Metadata': 1, 'us-east ListOffsets': 4, 'us-east FindCoordinator': 3, 'us-west Metadata': 1 }),
      cycle({ 'us-east Metadata': 1, 'us-east ListOffsets': 4, 'us-west Metadata': 1 }),
      cycle({ 'us-east Metadata': 1, 'us-east ListOffsets': 6, 'us-west Metadata': 1 }),
    ]);
    expect(r).toEqual({ 'us-east': { FindCoordinator: 0, ListOffsets: 4, Metadata: 1 }, 'us-west': { Metadata: 1 } });
  });

  it('lists a cluster that sent nothing with no APIs', () => {
    expect(requestsPerCycle([cycle({})])).toEqual({ 'us-east': {}, 'us-west': {} });
  });
});

describe('brokersNeeded', () => {
  it('spreads partitions so no broker passes the open-files or memory-map limit', () => {
    expect(brokersNeeded(20_000, { openFiles: 20_000, maxMapCount: 65_530 })).toBe(2);
    expect(brokersNeeded(2000, { openFiles: 20_000, maxMapCount: 65_530 })).toBe(1);
    expect(brokersNeeded(20_000, { openFiles: 1_048_576, maxMapCount: 65_530 })).toBe(1);
    expect(brokersNeeded(40_000, { openFiles: 1_048_576, maxMapCount: 65_530 })).toBe(2);
    expect(brokersNeeded(20_000, { openFiles: null, maxMapCount: null })).toBe(1);
    expect(() => brokersNeeded(10, { openFiles: 100, maxMapCount: null })).toThrow(/no room/);
  });
});

describe('benchConfigYaml', () => {
  it('writes a configuration the real loader accepts, with the variant knobs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mw-bench-test-'));
    try {
      const file = join(dir, 'c.yaml');
      writeFileSync(
        file,
        benchConfigYaml({
          clusters: [
            { alias: 'us-east', bootstrap: '127.0.0.1:1' },
            { alias: 'us-west', bootstrap: '127.0.0.1:2' },
          ],
          source: 'us-east',
          target: 'us-west',
          groups: ['g1'],
          granularity: 'topic',
          maxSeries: 77,
          topics: ['bench-.*'],
          topicsExclude: ['bench-\\d*[13579]'],
        }),
      );
      const c = loadConfig(file, {});
      expect(c.clusters.map((x) => [x.alias, x.bootstrapServers])).toEqual([
        ['us-east', ['127.0.0.1:1']],
        ['us-west', ['127.0.0.1:2']],
      ]);
      expect(c.granularity).toBe('topic');
      expect(c.maxSeries).toBe(77);
      expect(c.flows[0]).toMatchObject({ source: 'us-east', target: 'us-west', groups: ['g1'], topics: ['bench-.*'], topicsExclude: ['bench-\\d*[13579]'] });
      expect(c.http.host).toBe('127.0.0.1');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('cardinality variants', () => {
  const created = planTopics(0, 0, 200, 20); // bench-00000 .. bench-00009
  const [topicLevel, filters, maxSeries] = variants(created, 1400);

  it('expects half the topics with the odd-digit exclusion', () => {
    expect(filters?.expectedPartitions).toBe(100);
    expect(filters?.verify({ body: 'x{topic="bench-00002"} 1\n', series: 700, flowTopics: 5, clusterPartitions: { 'us-east': 100, 'us-west': 100 }, warnings: [] })).toBeNull();
    expect(filters?.verify({ body: '', series: 700, flowTopics: 10, clusterPartitions: { 'us-east': 100, 'us-west': 100 }, warnings: [] })).toMatch(/10 topics, expected 5/);
    expect(filters?.verify({ body: 'x{topic="us-east.bench-00003"} 1\n', series: 700, flowTopics: 5, clusterPartitions: { 'us-east': 100, 'us-west': 100 }, warnings: [] })).toMatch(/excluded/);
  });

  it('topic granularity: no partition label, one end-offset series per topic and cluster', () => {
    const ends = created.flatMap((t) => [`mm2_partition_end_offset{cluster="us-east",topic="${t.name}"} 1`, `mm2_partition_end_offset{cluster="us-west",topic="us-east.${t.name}"} 1`]);
    const ok = { body: ends.join('\n') + '\n', series: 100, flowTopics: 10, clusterPartitions: {}, warnings: [] };
    expect(topicLevel?.verify(ok)).toBeNull();
    expect(topicLevel?.verify({ ...ok, body: ok.body + 'x{partition="0"} 1\n' })).toMatch(/partition label/);
    expect(topicLevel?.verify({ ...ok, series: 1400 })).toMatch(/not fewer/);
  });

  it('maxSeries: set below the per-partition count, exactly one warning expected', () => {
    expect(maxSeries?.options.maxSeries).toBe(700);
    const base = { body: '', series: 1400, flowTopics: 10, clusterPartitions: {} };
    expect(maxSeries?.verify({ ...base, warnings: ['exported series exceed maxSeries; consider granularity: topic'] })).toBeNull();
    expect(maxSeries?.verify({ ...base, warnings: [] })).toMatch(/got 0/);
  });
});

describe('small helpers', () => {
  it('progressLine shows the bar, counts and seconds', () => {
    expect(progressLine('x', 5, 10, 2400)).toBe(`[${'#'.repeat(15)}${'.'.repeat(15)}] 5/10 x 2 s`);
    expect(progressLine('x', 20_000, 20_000, 0)).toContain('20,000/20,000');
  });

  it('countSamples skips comments and blank lines', () => {
    expect(countSamples('# HELP a x\n# TYPE a gauge\na 1\na{b="c"} 2\n\nz 3')).toBe(3);
  });
});
