import { describe, expect, it } from 'vitest';
import { renderSnapshotSeries, SNAPSHOT_FAMILIES } from '../../../src/metrics/snapshot-series.js';
import type { Granularity } from '../../../src/metrics/snapshot-series.js';
import type { Snapshot } from '../../../src/core/types.js';
import { T0, makeCluster, makeSnapshot } from '../helpers/snapshot.js';
import type { FlowInput } from '../helpers/snapshot.js';
import { has, parseExposition, select, valueOf } from './parse-exposition.js';

const parse = (snapshot: Snapshot | null, granularity: Granularity = 'partition') => {
  const out = renderSnapshotSeries(snapshot, granularity);
  const exp = parseExposition(Buffer.concat(out.chunks).toString('utf8') + out.counters);
  expect(Buffer.concat(out.chunks).length).toBe(out.bytes);
  return { exp, series: out.series };
};

const F = { source: 'us-east', target: 'us-west' };

const ordersFlow: FlowInput = {
  ...F,
  topics: [
    {
      topic: 'orders',
      partitions: [
        { partition: 0, sourceStart: 0, sourceEnd: 120, replicated: 100, lagSeconds: 3.25 },
        { partition: 1, sourceStart: 50, sourceEnd: 80, replicated: 80 },
        // Retention ran ahead of MM2: 10 records lost, 45 behind.
        { partition: 2, sourceStart: 40, sourceEnd: 75, replicated: 30, lagSeconds: 61 },
      ],
    },
    { topic: 'payments', partitions: [{ partition: 0, sourceEnd: 7, replicated: null }] },
  ],
};

describe('renderSnapshotSeries, partition granularity', () => {
  it('exports lag, lag seconds and records lost per source topic and partition', () => {
    const { exp } = parse(makeSnapshot({ flows: [ordersFlow] }));
    const at = (partition: string) => ({ ...F, topic: 'orders', partition });
    expect(valueOf(exp, 'mm2_replication_lag_records', at('0'))).toBe(20);
    expect(valueOf(exp, 'mm2_replication_lag_records', at('1'))).toBe(0);
    expect(valueOf(exp, 'mm2_replication_lag_records', at('2'))).toBe(45);
    expect(valueOf(exp, 'mm2_replication_lag_seconds', at('0'))).toBe(3.25);
    expect(valueOf(exp, 'mm2_replication_lag_seconds', at('1'))).toBe(0);
    expect(valueOf(exp, 'mm2_replication_lag_seconds', at('2'))).toBe(61);
    expect(valueOf(exp, 'mm2_replication_records_lost', at('0'))).toBe(0);
    expect(valueOf(exp, 'mm2_replication_records_lost', at('2'))).toBe(10);
    // The remote topic name never appears as a topic label of flow series.
    expect(select(exp, 'mm2_replication_lag_records').map((s) => s.labels.topic)).not.toContain('us-east.orders');
  });

  it('leaves unknown lag out instead of exporting a made-up 0', () => {
    const { exp } = parse(makeSnapshot({ flows: [ordersFlow] }));
    const payments = { ...F, topic: 'payments', partition: '0' };
    expect(has(exp, 'mm2_replication_lag_records', payments)).toBe(false);
    expect(has(exp, 'mm2_replication_lag_seconds', payments)).toBe(false);
    expect(has(exp, 'mm2_replication_records_lost', payments)).toBe(false);
    expect(select(exp, 'mm2_replication_lag_records')).toHaveLength(3);
  });

  it('exports a null lag in seconds as absent even when the lag in records is known', () => {
    const { exp } = parse(makeSnapshot({ flows: [{ ...F, topics: [{ topic: 't', partitions: [{ partition: 0, sourceEnd: 9, replicated: 4, lagSeconds: null }] }] }] }));
    expect(valueOf(exp, 'mm2_replication_lag_records', { ...F, topic: 't', partition: '0' })).toBe(5);
    expect(select(exp, 'mm2_replication_lag_seconds')).toHaveLength(0);
  });

  it('exports partition offsets per cluster under the topic name on that cluster', () => {
    const { exp } = parse(makeSnapshot({ flows: [ordersFlow] }));
    expect(valueOf(exp, 'mm2_partition_end_offset', { cluster: 'us-east', topic: 'orders', partition: '2' })).toBe(75);
    expect(valueOf(exp, 'mm2_partition_start_offset', { cluster: 'us-east', topic: 'orders', partition: '2' })).toBe(40);
    expect(valueOf(exp, 'mm2_partition_end_offset', { cluster: 'us-west', topic: 'us-east.orders', partition: '0' })).toBe(100);
    expect(valueOf(exp, 'mm2_partition_end_offset', { cluster: 'us-east', topic: 'payments', partition: '0' })).toBe(7);
    // The missing remote partition of payments has no offsets on us-west.
    expect(select(exp, 'mm2_partition_end_offset', { cluster: 'us-west' })).toHaveLength(3);
  });

  it('drops a topic-partition a cluster reports twice (Prometheus would refuse the scrape)', () => {
    const cluster = makeCluster('c', {
      partitions: [
        { topic: 'a', partition: 0, start: 1, end: 5 },
        { topic: 'b', partition: 0, start: 2, end: 6 },
        { topic: 'a', partition: 0, start: 1, end: 5 },
        { topic: 'a', partition: 1, start: 3, end: 9 },
      ],
    });
    const { exp } = parse(makeSnapshot({ clusters: [cluster] }));
    expect(select(exp, 'mm2_partition_end_offset')).toHaveLength(3);
    expect(valueOf(exp, 'mm2_partition_end_offset', { cluster: 'c', topic: 'a', partition: '1' })).toBe(9);
  });

  it('tells heartbeats not expected apart from heartbeats missing', () => {
    const { exp } = parse(
      makeSnapshot({
        flows: [
          { source: 'a', target: 'b', heartbeat: { expected: true, lastTimestampMs: T0 - 4500, ageSeconds: 4.5 } },
          { source: 'b', target: 'a', heartbeat: { expected: false, lastTimestampMs: T0 - 1000, ageSeconds: 1 } },
          { source: 'a', target: 'c', heartbeat: { expected: true, lastTimestampMs: null, ageSeconds: null } },
        ],
      }),
    );
    expect(valueOf(exp, 'mm2_heartbeat_expected', { source: 'a', target: 'b' })).toBe(1);
    expect(valueOf(exp, 'mm2_heartbeat_age_seconds', { source: 'a', target: 'b' })).toBe(4.5);
    expect(valueOf(exp, 'mm2_heartbeat_last_timestamp_seconds', { source: 'a', target: 'b' })).toBe((T0 - 4500) / 1000);

    expect(valueOf(exp, 'mm2_heartbeat_expected', { source: 'b', target: 'a' })).toBe(0);
    expect(has(exp, 'mm2_heartbeat_age_seconds', { source: 'b', target: 'a' })).toBe(false);
    expect(has(exp, 'mm2_heartbeat_last_timestamp_seconds', { source: 'b', target: 'a' })).toBe(false);

    expect(valueOf(exp, 'mm2_heartbeat_expected', { source: 'a', target: 'c' })).toBe(1);
    expect(has(exp, 'mm2_heartbeat_age_seconds', { source: 'a', target: 'c' })).toBe(false);
  });

  it('exports checkpoint age per group and translation lag per group and partition', () => {
    const { exp } = parse(
      makeSnapshot({
        flows: [
          {
            ...F,
            checkpoints: [
              {
                group: 'billing',
                lastCheckpointMs: T0 - 12_000,
                ageSeconds: 12,
                partitions: [
                  { topic: 'orders', partition: 0, committedOffset: 110, upstreamOffset: 100, downstreamOffset: 90, lagRecords: 10 },
                  { topic: 'orders', partition: 1, committedOffset: null, upstreamOffset: 5, downstreamOffset: 5, lagRecords: null },
                ],
              },
              { group: 'never-checkpointed', lastCheckpointMs: null, ageSeconds: null, partitions: [] },
            ],
          },
        ],
      }),
    );
    expect(valueOf(exp, 'mm2_checkpoint_age_seconds', { ...F, group: 'billing' })).toBe(12);
    expect(has(exp, 'mm2_checkpoint_age_seconds', { ...F, group: 'never-checkpointed' })).toBe(false);
    expect(valueOf(exp, 'mm2_checkpoint_lag_records', { ...F, group: 'billing', topic: 'orders', partition: '0' })).toBe(10);
    expect(select(exp, 'mm2_checkpoint_lag_records')).toHaveLength(1);
  });

  it('exports drift and failover readiness per flow, plus flow totals', () => {
    const { exp } = parse(
      makeSnapshot({
        flows: [
          {
            ...F,
            topics: [
              { topic: 'orders', partitions: [{ partition: 0, sourceEnd: 10, replicated: 4 }, { partition: 1, sourceEnd: 10, replicated: 10, lagSeconds: 0 }] },
              { topic: 'gone', partitions: 2, remoteMissing: true },
              { topic: 'short', partitions: [{ partition: 0 }, { partition: 1, replicated: null }, { partition: 2, replicated: null }], targetPartitions: 1, partitionsMissing: 2 },
              { topic: 'ident', partitions: 1, remoteTopic: 'ident' },
            ],
            failover: { ready: false, reasons: ['lag'] },
          },
          { source: 'us-west', target: 'us-east', failover: { ready: true } },
        ],
      }),
    );
    expect(valueOf(exp, 'mm2_remote_topic_missing', { ...F, topic: 'orders' })).toBe(0);
    expect(valueOf(exp, 'mm2_remote_topic_missing', { ...F, topic: 'gone' })).toBe(1);
    expect(valueOf(exp, 'mm2_remote_partitions_missing', { ...F, topic: 'gone' })).toBe(2);
    expect(valueOf(exp, 'mm2_remote_partitions_missing', { ...F, topic: 'short' })).toBe(2);
    expect(valueOf(exp, 'mm2_remote_partitions_missing', { ...F, topic: 'orders' })).toBe(0);
    // The remote topic's name as the policy gives it, for dashboards to join on: never rebuilt from
    // `<source>.<topic>` (here one topic is named as by the identity policy).
    expect(valueOf(exp, 'mm2_remote_topic_info', { ...F, topic: 'orders', remote_topic: 'us-east.orders' })).toBe(1);
    expect(valueOf(exp, 'mm2_remote_topic_info', { ...F, topic: 'ident', remote_topic: 'ident' })).toBe(1);
    expect(valueOf(exp, 'mm2_remote_topic_info', { ...F, topic: 'gone', remote_topic: 'us-east.gone' })).toBe(1);
    expect(valueOf(exp, 'mm2_flow_failover_ready', F)).toBe(0);
    expect(valueOf(exp, 'mm2_flow_failover_ready', { source: 'us-west', target: 'us-east' })).toBe(1);
    expect(valueOf(exp, 'mm2_flow_lag_records', F)).toBe(6);
    expect(valueOf(exp, 'mm2_flow_lag_seconds', F)).toBe(7.5);
    expect(valueOf(exp, 'mm2_flow_records_lost', F)).toBe(0);
    // The reverse flow has no topics: its lag is unknown, not 0.
    expect(has(exp, 'mm2_flow_lag_records', { source: 'us-west', target: 'us-east' })).toBe(false);
  });

  it("exports the monitor's per-cluster gauges, absent where never measured", () => {
    const snapshot = makeSnapshot({
      clusters: [
        makeCluster('up-one', { up: true, lastSuccessMs: T0 - 1500, lastPollDurationSeconds: 0.42 }),
        makeCluster('down-one', { up: false, lastSuccessMs: null, lastPollDurationSeconds: 5, lastError: 'ECONNREFUSED' }),
        makeCluster('unpolled', { up: false, lastSuccessMs: null, lastPollDurationSeconds: null }),
      ],
    });
    const { exp } = parse(snapshot);
    expect(valueOf(exp, 'mirrorwatch_cluster_up', { cluster: 'up-one' })).toBe(1);
    expect(valueOf(exp, 'mirrorwatch_cluster_up', { cluster: 'down-one' })).toBe(0);
    expect(valueOf(exp, 'mirrorwatch_poll_duration_seconds', { cluster: 'up-one' })).toBe(0.42);
    expect(valueOf(exp, 'mirrorwatch_poll_duration_seconds', { cluster: 'down-one' })).toBe(5);
    expect(has(exp, 'mirrorwatch_poll_duration_seconds', { cluster: 'unpolled' })).toBe(false);
    expect(valueOf(exp, 'mirrorwatch_last_poll_success_timestamp_seconds', { cluster: 'up-one' })).toBe((T0 - 1500) / 1000);
    expect(select(exp, 'mirrorwatch_last_poll_success_timestamp_seconds')).toHaveLength(1);
    expect(valueOf(exp, 'mirrorwatch_snapshot_timestamp_seconds')).toBe(snapshot.takenAtMs / 1000);
  });

  it('counts exactly the samples it writes and types every family as a gauge, the *_total ones as counters', () => {
    const { exp, series } = parse(makeSnapshot({ flows: [ordersFlow] }));
    expect(series).toBe(exp.samples.length);
    for (const spec of Object.values(SNAPSHOT_FAMILIES)) expect(exp.types.get(spec.name)).toBe(spec.name.endsWith('_total') ? 'counter' : 'gauge');
  });

  it('writes HELP and TYPE but no sample before the first snapshot', () => {
    const { exp, series } = parse(null);
    expect(series).toBe(0);
    expect(exp.samples).toHaveLength(0);
    expect(exp.types.size).toBe(Object.keys(SNAPSHOT_FAMILIES).length);
  });
});

describe('renderSnapshotSeries, topic granularity', () => {
  it('sums records, takes the maximum of seconds and drops the partition label', () => {
    const { exp } = parse(makeSnapshot({ flows: [ordersFlow] }), 'topic');
    const orders = { ...F, topic: 'orders' };
    expect(valueOf(exp, 'mm2_replication_lag_records', orders)).toBe(20 + 0 + 45);
    expect(valueOf(exp, 'mm2_replication_lag_seconds', orders)).toBe(61);
    expect(valueOf(exp, 'mm2_replication_records_lost', orders)).toBe(10);
    expect(valueOf(exp, 'mm2_partition_end_offset', { cluster: 'us-east', topic: 'orders' })).toBe(120 + 80 + 75);
    expect(valueOf(exp, 'mm2_partition_start_offset', { cluster: 'us-east', topic: 'orders' })).toBe(0 + 50 + 40);
    expect(valueOf(exp, 'mm2_partition_end_offset', { cluster: 'us-west', topic: 'us-east.orders' })).toBe(100 + 80 + 30);
    for (const s of exp.samples) expect(s.labels).not.toHaveProperty('partition');
  });

  it('leaves a topic without any known partition out', () => {
    const { exp } = parse(makeSnapshot({ flows: [ordersFlow] }), 'topic');
    expect(has(exp, 'mm2_replication_lag_records', { ...F, topic: 'payments' })).toBe(false);
    expect(has(exp, 'mm2_replication_records_lost', { ...F, topic: 'payments' })).toBe(false);
    expect(valueOf(exp, 'mm2_remote_topic_missing', { ...F, topic: 'payments' })).toBe(0);
  });

  it('sums checkpoint lag per group and topic', () => {
    const cp = (partition: number, lagRecords: number | null) => ({ topic: partition < 10 ? 'orders' : 'audit', partition, committedOffset: 0, upstreamOffset: 0, downstreamOffset: 0, lagRecords });
    const { exp } = parse(
      makeSnapshot({
        flows: [{ ...F, checkpoints: [{ group: 'g', lastCheckpointMs: T0, ageSeconds: 0, partitions: [cp(0, 3), cp(1, 4), cp(2, null), cp(10, 9)] }] }],
      }),
      'topic',
    );
    expect(valueOf(exp, 'mm2_checkpoint_lag_records', { ...F, group: 'g', topic: 'orders' })).toBe(7);
    expect(valueOf(exp, 'mm2_checkpoint_lag_records', { ...F, group: 'g', topic: 'audit' })).toBe(9);
  });

  it('needs far fewer series than partition granularity for the same snapshot', () => {
    const snapshot = makeSnapshot({ flows: [{ ...F, topics: [{ topic: 'wide', partitions: 50 }] }] });
    expect(parse(snapshot, 'topic').series).toBeLessThan(parse(snapshot, 'partition').series / 10);
  });
});

describe('odd label values', () => {
  it('escapes backslash, double quote and line feed so a scraper reads the original back', () => {
    const group = 'team "a"\\payments\nnight';
    const alias = 'dc\\1 "east"';
    const { exp } = parse(
      makeSnapshot({
        flows: [
          {
            source: alias,
            target: 'dc-2',
            topics: [{ topic: 'orders', partitions: [{ partition: 0, sourceEnd: 5, replicated: 2 }] }],
            checkpoints: [{ group, lastCheckpointMs: T0, ageSeconds: 3, partitions: [] }],
          },
        ],
      }),
    );
    expect(valueOf(exp, 'mm2_checkpoint_age_seconds', { source: alias, target: 'dc-2', group })).toBe(3);
    expect(valueOf(exp, 'mm2_replication_lag_records', { source: alias, target: 'dc-2', topic: 'orders', partition: '0' })).toBe(3);
    expect(valueOf(exp, 'mirrorwatch_cluster_up', { cluster: alias })).toBe(1);
  });

  it('keeps UTF-8 label values intact', () => {
    const group = 'grüppe-数据-🚀';
    const { exp } = parse(makeSnapshot({ flows: [{ ...F, checkpoints: [{ group, lastCheckpointMs: T0, ageSeconds: 1, partitions: [] }] }] }));
    expect(valueOf(exp, 'mm2_checkpoint_age_seconds', { ...F, group })).toBe(1);
  });
});
