import { describe, expect, it } from 'vitest';
import { formatLagTable, lagJson, lagRows, lagTotals, regionTotals, selectTopics } from '../../../src/cli/lagReport.js';
import { renderTable } from '../../../src/cli/table.js';
import { makeFlow } from '../helpers/snapshot.js';
import { reading } from './helpers.js';

const flow = makeFlow({
  source: 'us-east',
  target: 'us-west',
  topics: [
    {
      topic: 'orders',
      partitions: [
        { partition: 0, sourceEnd: 500, replicated: 480, lagSeconds: 12.34 },
        { partition: 1, sourceEnd: 300, replicated: 300 },
        { partition: 2, sourceStart: 90, sourceEnd: 120, replicated: 80, lagSeconds: 3 },
      ],
    },
    { topic: 'payments', remoteMissing: true, partitions: [{ partition: 0, sourceEnd: 7 }] },
  ],
  failover: { ready: false, reasons: ['lag 60 records > 0 on 2 partitions'], rpo: { records: 60, seconds: 12.34 } },
});
const regions = [
  { topic: 'orders', partition: 0, region: 'us-east' },
  { topic: 'orders', partition: 1, region: 'us-east' },
  { topic: 'orders', partition: 2, region: 'eu-west' },
];

describe('lag rows and totals', () => {
  it('sums known lags, counts unknown partitions and missing remote topics', () => {
    const t = lagTotals(flow.topics);
    expect(t).toEqual({
      partitions: 4,
      lagRecords: 20 + 40,
      laggingPartitions: 2,
      unknownPartitions: 1,
      maxLagSeconds: 12.34,
      recordsLost: 10,
      remoteTopicsMissing: ['us-east.payments'],
    });
  });

  it('totals per region, from the configured map', () => {
    const rows = lagRows(flow.topics, regions);
    expect(rows.map((r) => r.region)).toEqual(['us-east', 'us-east', 'eu-west', null]);
    expect(regionTotals(rows)).toEqual([
      { region: 'eu-west', partitions: 1, lagRecords: 40, unknownPartitions: 0, maxLagSeconds: 3, recordsLost: 10 },
      { region: 'us-east', partitions: 2, lagRecords: 20, unknownPartitions: 0, maxLagSeconds: 12.34, recordsLost: 0 },
    ]);
  });

  it('selects a topic by its source or remote name', () => {
    expect(selectTopics(flow.topics, 'orders').map((t) => t.topic)).toEqual(['orders']);
    expect(selectTopics(flow.topics, 'us-east.payments').map((t) => t.topic)).toEqual(['payments']);
    expect(selectTopics(flow.topics, 'nope')).toEqual([]);
    expect(selectTopics(flow.topics, undefined)).toHaveLength(2);
  });
});

describe('formatLagTable', () => {
  it('prints one aligned row per partition, then totals, drift, heartbeat and verdict', () => {
    const text = formatLagTable(reading(flow, { regions, lagSecondsBasis: 'record-timestamp' }));
    const lines = text.split('\n');
    expect(lines[1]).toMatch(/^TOPIC\s+PARTITION\s+SOURCE END\s+REPLICATED\s+LAG\s+LAG S\s+LOST\s+BASIS\s+REGION$/);
    expect(lines[2]).toMatch(/^orders\s+0\s+500\s+480\s+20\s+12\.3\s+0\s+offset-sync\s+us-east$/);
    expect(lines[4]).toMatch(/^orders\s+2\s+120\s+80\s+40\s+3\.0\s+10\s+offset-sync\s+eu-west$/);
    expect(lines[5]).toMatch(/^payments\s+0\s+7\s+-\s+-\s+-\s+0\s+unknown\s+-$/);
    // Columns line up: every row is as wide as the header up to the last column.
    const basisAt = lines[1]!.indexOf('BASIS');
    for (const l of lines.slice(2, 6)) expect(l.slice(basisAt - 2, basisAt)).toBe('  ');
    expect(text).toContain('drift: remote topic us-east.payments is missing on us-west');
    expect(text).toContain('total: 60 records behind on 2 of 4 partitions; max lag 12.3 s; 10 records lost; lag unknown on 1 partition');
    expect(text).toContain('region eu-west: 40 records behind on 1 partition, max lag 3 s, 10 lost');
    expect(text).toContain('heartbeats: last 2 s ago');
    expect(text).toContain('failover: NOT ready: lag 60 records > 0 on 2 partitions; RPO now: 60 records, 12.3 s');
    expect(text).toContain('LAG S: age of the first record not yet copied');
  });

  it('leaves out the region column without a map, and says when heartbeats are not expected', () => {
    const f = makeFlow({ source: 'a', target: 'b', topics: [{ topic: 't', partitions: 1 }], heartbeat: { expected: false, ageSeconds: null, lastTimestampMs: null } });
    const text = formatLagTable(reading(f));
    expect(text).not.toContain('REGION');
    expect(text).toContain('heartbeats: not expected for this flow');
    expect(text).toContain('failover: ready');
    expect(text).not.toContain('LAG S:'); // nothing lags: no footnote
  });

  it('warns when a cluster did not answer its last poll', () => {
    const r = reading(flow, { clusters: [{ alias: 'us-west', up: false, lastError: 'connect ECONNREFUSED' }] });
    expect(formatLagTable(r)).toContain('warning: cluster us-west did not answer its last poll (connect ECONNREFUSED)');
  });

  it('JSON carries every partition with its basis and region', () => {
    const j = lagJson(reading(flow, { regions }), 'orders');
    expect(j.flow).toBe('us-east->us-west');
    expect(j.partitions).toHaveLength(3);
    expect(j.partitions[2]).toMatchObject({ partition: 2, lagRecords: 40, recordsLost: 10, basis: 'offset-sync', region: 'eu-west' });
    expect(j.totals.lagRecords).toBe(60);
    expect(JSON.parse(JSON.stringify(j))).toEqual(j);
  });
});

describe('renderTable', () => {
  it('pads to the widest cell, right-aligning numeric columns', () => {
    expect(renderTable([{ header: 'A' }, { header: 'N', align: 'right' }], [['xyz', '1'], ['q', '100']])).toBe('A      N\nxyz    1\nq    100');
  });
});
