import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../../src/metrics/metrics.js';
import type { MetricsOptions } from '../../../src/metrics/metrics.js';
import { SNAPSHOT_FAMILIES } from '../../../src/metrics/snapshot-series.js';
import { captureLogger } from './log-capture.js';
import { T0, makeCluster, makeSnapshot } from '../helpers/snapshot.js';
import type { FlowInput } from '../helpers/snapshot.js';
import { has, parseExposition, select, valueOf } from './parse-exposition.js';

const setup = (overrides: Partial<MetricsOptions> = {}) => {
  const log = captureLogger('info');
  const metrics = createMetrics({ version: '1.2.3-test', logger: log.logger, defaultMetrics: false, ...overrides });
  const scrape = async () => {
    const { contentType, body } = await metrics.render();
    return { contentType, exp: parseExposition(body.toString('utf8')) };
  };
  return { metrics, log, scrape };
};

const F = { source: 'us-east', target: 'us-west' };
const snapshotDomainNames = new Set(Object.values(SNAPSHOT_FAMILIES).map((f) => f.name));

describe('createMetrics: telemetry counters', () => {
  it('counts Kafka requests, poll errors and decode errors with the labels docs/design.md names', async () => {
    const { metrics, scrape } = setup();
    metrics.telemetry.kafkaRequest('us-east', 'ListOffsets');
    metrics.telemetry.kafkaRequest('us-east', 'ListOffsets');
    metrics.telemetry.kafkaRequest('us-west', 'Metadata');
    metrics.telemetry.pollError('us-west', 'timeout');
    metrics.telemetry.decodeError('us-west', 'us-east.heartbeats', 'truncated');
    metrics.telemetry.decodeError('us-west', 'us-east.heartbeats', 'unknown-version');

    const { exp } = await scrape();
    expect(exp.types.get('mirrorwatch_kafka_requests_total')).toBe('counter');
    expect(valueOf(exp, 'mirrorwatch_kafka_requests_total', { cluster: 'us-east', api: 'ListOffsets' })).toBe(2);
    expect(valueOf(exp, 'mirrorwatch_kafka_requests_total', { cluster: 'us-west', api: 'Metadata' })).toBe(1);
    expect(valueOf(exp, 'mirrorwatch_poll_errors_total', { cluster: 'us-west', kind: 'timeout' })).toBe(1);
    // The decode-error kind is not a label: both kinds land in one series.
    expect(valueOf(exp, 'mirrorwatch_decode_errors_total', { cluster: 'us-west', topic: 'us-east.heartbeats' })).toBe(2);
  });

  it('exports build info and, unless switched off, the default process metrics', async () => {
    const { scrape } = setup();
    const { exp, contentType } = await scrape();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    // Without a revision (running from source) the label says so rather than guessing.
    expect(valueOf(exp, 'mirrorwatch_build_info', { version: '1.2.3-test', revision: 'unknown' })).toBe(1);
    const stamped = await setup({ revision: '0123456789abcdef0123456789abcdef01234567' }).scrape();
    expect(valueOf(stamped.exp, 'mirrorwatch_build_info', { version: '1.2.3-test', revision: '0123456789abcdef0123456789abcdef01234567' })).toBe(1);
    expect(select(exp, 'process_cpu_user_seconds_total')).toHaveLength(0);

    const withDefaults = setup({ defaultMetrics: true });
    const full = await withDefaults.scrape();
    expect(select(full.exp, 'process_cpu_user_seconds_total')).toHaveLength(1);
    expect(select(full.exp, 'nodejs_heap_size_used_bytes')).toHaveLength(1);
  });
});

describe('createMetrics: publish', () => {
  const two = (): FlowInput[] => [
    {
      ...F,
      topics: [
        { topic: 'orders', partitions: [{ partition: 0, sourceEnd: 10, replicated: 7 }, { partition: 1 }] },
        { topic: 'payments', partitions: 1 },
      ],
      checkpoints: [{ group: 'billing', lastCheckpointMs: T0, ageSeconds: 1, partitions: [{ topic: 'orders', partition: 0, committedOffset: 9, upstreamOffset: 8, downstreamOffset: 8, lagRecords: 1 }] }],
    },
    { source: 'us-west', target: 'us-east', topics: [{ topic: 'inventory', partitions: 1 }] },
  ];

  it('serves the series of the latest snapshot next to the registry metrics', async () => {
    const { metrics, scrape } = setup();
    metrics.publish(makeSnapshot({ flows: two() }));
    const { exp } = await scrape();
    expect(valueOf(exp, 'mm2_replication_lag_records', { ...F, topic: 'orders', partition: '0' })).toBe(3);
    expect(valueOf(exp, 'mirrorwatch_build_info', { version: '1.2.3-test', revision: 'unknown' })).toBe(1);
    const derived = exp.samples.filter((s) => snapshotDomainNames.has(s.name));
    expect(metrics.seriesCount()).toBe(derived.length);
    expect(valueOf(exp, 'mirrorwatch_snapshot_series')).toBe(derived.length);
  });

  it('drops the series of topics, partitions, groups, flows and clusters that left the snapshot', async () => {
    const { metrics, scrape } = setup();
    metrics.publish(makeSnapshot({ flows: two(), sequence: 1 }));
    const before = (await scrape()).exp;
    expect(has(before, 'mm2_replication_lag_records', { ...F, topic: 'orders', partition: '1' })).toBe(true);
    expect(has(before, 'mm2_checkpoint_age_seconds', { ...F, group: 'billing' })).toBe(true);
    expect(select(before, 'mm2_flow_failover_ready')).toHaveLength(2);

    // Partition 1 of orders and the whole payments topic deleted, group gone, reverse flow and
    // a cluster removed from the configuration.
    const [first] = two();
    const next = makeSnapshot({
      flows: [{ ...first!, topics: [{ topic: 'orders', partitions: [{ partition: 0, sourceEnd: 12, replicated: 12 }] }], checkpoints: [] }],
      sequence: 2,
    });
    metrics.publish({ ...next, clusters: next.clusters.filter((c) => c.alias === 'us-east') });
    const after = (await scrape()).exp;

    expect(valueOf(after, 'mm2_replication_lag_records', { ...F, topic: 'orders', partition: '0' })).toBe(0);
    expect(has(after, 'mm2_replication_lag_records', { ...F, topic: 'orders', partition: '1' })).toBe(false);
    expect(select(after, 'mm2_replication_lag_records', { topic: 'payments' })).toHaveLength(0);
    expect(select(after, 'mm2_remote_topic_missing', { topic: 'payments' })).toHaveLength(0);
    expect(select(after, 'mm2_partition_end_offset', { topic: 'payments' })).toHaveLength(0);
    expect(select(after, 'mm2_checkpoint_age_seconds')).toHaveLength(0);
    expect(select(after, 'mm2_checkpoint_lag_records')).toHaveLength(0);
    expect(select(after, 'mm2_flow_failover_ready')).toHaveLength(1);
    expect(select(after, 'mm2_heartbeat_expected', { source: 'us-west' })).toHaveLength(0);
    expect(select(after, 'mirrorwatch_cluster_up').map((s) => s.labels.cluster)).toEqual(['us-east']);
    expect(select(after, 'mm2_partition_end_offset', { cluster: 'us-west' })).toHaveLength(0);
    expect(metrics.seriesCount()).toBeLessThan(select(before, 'mm2_replication_lag_records').length + 100);
  });

  it('uses the configured granularity', async () => {
    const { metrics, scrape } = setup({ granularity: 'topic' });
    metrics.publish(makeSnapshot({ flows: two() }));
    const { exp } = await scrape();
    expect(metrics.granularity).toBe('topic');
    expect(valueOf(exp, 'mm2_replication_lag_records', { ...F, topic: 'orders' })).toBe(3);
    expect(exp.samples.some((s) => 'partition' in s.labels)).toBe(false);
  });

  it('warns once when the series pass maxSeries, and again only after falling back under', () => {
    const { metrics, log } = setup({ maxSeries: 40 });
    const big = (seq: number) => makeSnapshot({ flows: [{ ...F, topics: [{ topic: 'wide', partitions: 20 }] }], sequence: seq });
    const small = (seq: number) => makeSnapshot({ flows: [{ ...F, topics: [{ topic: 'narrow', partitions: 1 }] }], sequence: seq });
    const warnings = () => log.lines().filter((l) => l.level === 40 && String(l.msg).includes('maxSeries'));

    metrics.publish(big(1));
    expect(metrics.seriesCount()).toBeGreaterThan(40);
    // Each one read, as scrapes would: a small snapshot is rendered when first read.
    metrics.publish(big(2));
    metrics.seriesCount();
    metrics.publish(big(3));
    metrics.seriesCount();
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toMatchObject({ maxSeries: 40, series: metrics.seriesCount() });

    metrics.publish(small(4));
    expect(metrics.seriesCount()).toBeLessThanOrEqual(40);
    metrics.publish(big(5));
    metrics.seriesCount();
    expect(warnings()).toHaveLength(2);
  });

  it('renders a small snapshot when it is read, not when it is published', async () => {
    const log = captureLogger('debug');
    const metrics = createMetrics({ version: '1.2.3-test', logger: log.logger, defaultMetrics: false });
    const renders = () => log.lines().filter((l) => l.msg === 'metrics published').map((l) => l.sequence);
    for (let seq = 1; seq <= 5; seq++) metrics.publish(makeSnapshot({ flows: [{ ...F, topics: [{ topic: 'orders', partitions: 3 }] }], sequence: seq }));
    await metrics.settled();
    expect(renders()).toEqual([]);
    const body = (await metrics.render()).body.toString();
    expect(renders()).toEqual([5]);
    expect(body).toContain('mm2_replication_lag_records{');
    // A second read of the same snapshot renders nothing again.
    await metrics.render();
    expect(metrics.seriesCount()).toBeGreaterThan(0);
    expect(renders()).toEqual([5]);
  });

  it('keeps serving the previous body when render overlaps a publish', async () => {
    const { metrics } = setup();
    metrics.publish(makeSnapshot({ flows: two(), sequence: 1 }));
    const pending = metrics.render();
    metrics.publish(makeSnapshot({ sequence: 2, clusters: [makeCluster('only')] }));
    const exp = parseExposition((await pending).body.toString('utf8'));
    expect(select(exp, 'mm2_replication_lag_records').length).toBeGreaterThan(0);
    const now = parseExposition((await metrics.render()).body.toString('utf8'));
    expect(select(now, 'mm2_replication_lag_records')).toHaveLength(0);
  });
});
