// The geo-partition map (`regions:` in the YAML) and its info metric mm2_partition_region_info.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/load.js';
import { renderSnapshotSeries } from '../../../src/metrics/snapshot-series.js';
import { makeSnapshot } from '../helpers/snapshot.js';
import { parseExposition, select } from '../metrics/parse-exposition.js';
import { tempFiles } from './helpers.js';

const BASE = ['clusters:', '  - { alias: us-east, bootstrapServers: "e:9092" }', '  - { alias: us-west, bootstrapServers: "w:9092" }', 'flows:', '  - { source: us-east, target: us-west }'];

function load(regions: string[]) {
  const dir = tempFiles({ 'mw.yaml': [...BASE, 'regions:', ...regions].join('\n') + '\n' });
  return loadConfig(path.join(dir, 'mw.yaml'), {});
}

function problems(regions: string[]): string[] {
  try {
    load(regions);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => `${p.path}: ${p.message}`);
    throw e;
  }
  return [];
}

describe('regions in the YAML configuration', () => {
  it('expands ranges, lists and single ids to one entry per partition', () => {
    const c = load([
      '  - { topic: orders, partitions: "0-1", region: us-east }',
      '  - { topic: orders, partitions: "2-3, 5", region: eu-west }',
      '  - { topic: orders, partitions: 4, region: ap-south }',
      '  - { topic: payments, partitions: [0, 2], region: us-east }',
    ]);
    expect(c.regions).toEqual([
      { topic: 'orders', partition: 0, region: 'us-east' },
      { topic: 'orders', partition: 1, region: 'us-east' },
      { topic: 'orders', partition: 2, region: 'eu-west' },
      { topic: 'orders', partition: 3, region: 'eu-west' },
      { topic: 'orders', partition: 5, region: 'eu-west' },
      { topic: 'orders', partition: 4, region: 'ap-south' },
      { topic: 'payments', partition: 0, region: 'us-east' },
      { topic: 'payments', partition: 2, region: 'us-east' },
    ]);
  });

  it('is optional', () => {
    const dir = tempFiles({ 'mw.yaml': BASE.join('\n') + '\n' });
    expect(loadConfig(path.join(dir, 'mw.yaml'), {}).regions).toBeUndefined();
  });

  it('refuses bad ranges, missing fields and a partition in two regions', () => {
    expect(problems(['  - { topic: orders, partitions: "3-1", region: a }'])).toEqual(['regions[0].partitions: "3-1" is not a partition id or range (write e.g. 0, "0-1" or "0-1,4"; ranges go low to high)']);
    expect(problems(['  - { topic: orders, partitions: "x", region: a }'])[0]).toMatch(/"x" is not a partition id/);
    expect(problems(['  - { topic: orders, partitions: 1 }'])).toEqual(['regions[0].region: required but missing']);
    expect(problems(['  - { topic: orders, partitions: "0-2", region: a }', '  - { topic: orders, partitions: 2, region: b }'])).toEqual([
      'regions[1].partitions: partition orders-2 is already in region "a" (regions[0])',
    ]);
    expect(problems(['  - { topic: orders, partitions: 1, region: a, label: x }'])[0]).toMatch(/regions\[0\]\.label: unknown key/);
  });
});

describe('mm2_partition_region_info', () => {
  const regions = [
    { topic: 'orders', partition: 0, region: 'us-east' },
    { topic: 'orders', partition: 1, region: 'us-east' },
    { topic: 'orders', partition: 2, region: 'eu-west' },
  ];

  it('exports one series per partition with value 1', () => {
    const snapshot = { ...makeSnapshot(), regions };
    const exp = parseExposition(Buffer.concat(renderSnapshotSeries(snapshot, 'partition').chunks).toString());
    const s = select(exp, 'mm2_partition_region_info');
    expect(s.map((x) => [x.labels, x.value])).toEqual(regions.map((r) => [{ topic: r.topic, partition: String(r.partition), region: r.region }, 1]));
  });

  it('at topic granularity, one series per topic and region', () => {
    const snapshot = { ...makeSnapshot(), regions };
    const exp = parseExposition(Buffer.concat(renderSnapshotSeries(snapshot, 'topic').chunks).toString());
    expect(select(exp, 'mm2_partition_region_info').map((x) => x.labels)).toEqual([
      { topic: 'orders', region: 'us-east' },
      { topic: 'orders', region: 'eu-west' },
    ]);
  });

  it('is absent without a map', () => {
    const exp = parseExposition(Buffer.concat(renderSnapshotSeries(makeSnapshot(), 'partition').chunks).toString());
    expect(select(exp, 'mm2_partition_region_info')).toEqual([]);
  });
});
