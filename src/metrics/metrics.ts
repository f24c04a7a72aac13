// The metrics layer: counters the I/O layers bump (Telemetry), gauges derived from the latest
// Snapshot, and the /metrics body.
//
// Two sources make one exposition:
// - a prom-client Registry for what changes between snapshots or is process-wide: the counters,
//   build info, the series count and prom-client's default process metrics;
// - the snapshot-derived series (mm2_*, mirrorwatch_cluster_up, poll duration/success), rendered
//   once per publish() straight from the snapshot into encoded text. prom-client's Gauge.set per
//   label set plus registry.metrics() cost ~0.3 s for 100,000 series; the direct rendering ~0.03 s.
// A small snapshot (up to SLICE_ABOVE_PARTITIONS partitions, a few ms of work) is rendered when it
// is first read (a scrape, the series count): while MM2's topics are followed a snapshot is built
// every second, and rendering each one that nobody reads was a quarter of an idle daemon's
// allocations (docs/performance.md). A large snapshot is rendered at publish time, so that a
// scrape only concatenates, in slices of ~10 ms over the following turns of the event loop
// (2 x 20,000 partitions: ~40 ms in one piece, up to ~90 ms when garbage collection strikes),
// so a scrape arriving meanwhile is answered at once, with the previous complete text.
// Rebuilding from each snapshot is what makes series of vanished topics, partitions, groups, flows
// and clusters disappear: nothing is carried over.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Snapshot } from '../core/types.js';
import type { Telemetry } from '../core/telemetry.js';
import type { Logger } from '../log.js';
import { renderSnapshotSeries, renderSnapshotSteps } from './snapshot-series.js';
import { OPENMETRICS_CONTENT_TYPE, TEXT_CONTENT_TYPE, deflatePart, gzipJoined, textToOpenMetrics } from './scrape-formats.js';
import type { DeflatedPart } from './scrape-formats.js';
import type { Granularity, RenderedSeries } from './snapshot-series.js';

export interface MetricsOptions {
  /** mirrorwatch's version, exported as mirrorwatch_build_info{version}. */
  version: string;
  /** The git revision of the build, exported as mirrorwatch_build_info{revision}; default "unknown". */
  revision?: string;
  granularity?: Granularity;
  /** Warn (once per crossing) when the snapshot-derived series exceed this. */
  maxSeries?: number;
  logger: Logger;
  /** This instance's shard, exported as mirrorwatch_shard_info{index,count}; default 0 of 1. */
  shard?: { index: number; count: number };
  /** prom-client's process metrics (CPU, memory, event loop lag, GC). Default true. */
  defaultMetrics?: boolean;
}

export interface RenderedMetrics {
  contentType: string;
  /** 'gzip' when the body is gzip-compressed. */
  contentEncoding?: 'gzip';
  body: Buffer;
}

export type ScrapeFormat = 'text' | 'openmetrics';

export interface RenderOptions {
  /** Text 0.0.4 (default) or OpenMetrics 1.0.0. */
  format?: ScrapeFormat;
  /** gzip the body; the snapshot's part is compressed once per snapshot, not per scrape. */
  gzip?: boolean;
}

export interface Metrics {
  /** Counters for the poller and the Kafka layer. */
  readonly telemetry: Telemetry;
  /** Holds counters, build info and default metrics; the snapshot series are not in it (use render()). */
  readonly registry: Registry;
  readonly granularity: Granularity;
  /**
   * Replaces every snapshot-derived series by those of `snapshot`; never throws on odd data.
   * Synchronous up to SLICE_ABOVE_PARTITIONS partitions; larger snapshots replace the series
   * a few turns of the event loop later (see settled()), the previous ones being served until then.
   */
  publish(snapshot: Snapshot): void;
  /** Resolves once the latest published snapshot's series are the ones served. */
  settled(): Promise<void>;
  /** The full exposition: the latest published snapshot's series, then the registry metrics. */
  render(options?: RenderOptions): Promise<RenderedMetrics>;
  /** Samples derived from the latest published snapshot (registry metrics not counted). */
  seriesCount(): number;
}

const DEFAULT_MAX_SERIES = 500_000;
/** Resolution of the nodejs_eventloop_lag_* histogram (prom-client's default is 10 ms). */
const EVENT_LOOP_MONITORING_MS = 100;
/** Snapshots with more partitions (flows' plus clusters') are rendered in slices. */
export const SLICE_ABOVE_PARTITIONS = 5000;
/** Work per slice before the event loop gets a turn. */
const SLICE_MS = 10;

function partitionsOf(snapshot: Snapshot): number {
  let n = 0;
  for (const f of snapshot.flows) for (const t of f.topics) n += t.partitions.length;
  for (const c of snapshot.clusters) n += c.partitions.length;
  return n;
}

export function createMetrics(options: MetricsOptions): Metrics {
  const granularity = options.granularity ?? 'partition';
  const maxSeries = options.maxSeries ?? DEFAULT_MAX_SERIES;
  const log = options.logger.child({ component: 'metrics' });
  const registry = new Registry();

  const kafkaRequests = new Counter({
    name: 'mirrorwatch_kafka_requests_total',
    help: 'Requests mirrorwatch sent to Kafka, by cluster and API.',
    labelNames: ['cluster', 'api'] as const,
    registers: [registry],
  });
  const pollErrors = new Counter({
    name: 'mirrorwatch_poll_errors_total',
    help: 'Failed polls or poll steps, by cluster and kind of failure.',
    labelNames: ['cluster', 'kind'] as const,
    registers: [registry],
  });
  const decodeErrors = new Counter({
    name: 'mirrorwatch_decode_errors_total',
    help: 'MM2 records that could not be decoded (unknown version, truncated), by cluster and topic.',
    labelNames: ['cluster', 'topic'] as const,
    registers: [registry],
  });
  const tailErrors = new Counter({
    name: 'mirrorwatch_tail_errors_total',
    help: 'Fetches of a partition of a tailed MM2 topic that stopped short, by cluster, topic and kind (codec, corrupt, out-of-range, kafka, unreachable).',
    labelNames: ['cluster', 'topic', 'kind'] as const,
    registers: [registry],
  });
  const buildInfo = new Gauge({
    name: 'mirrorwatch_build_info',
    help: 'Always 1; the version and revision labels say which mirrorwatch is running.',
    labelNames: ['version', 'revision'] as const,
    registers: [registry],
  });
  buildInfo.set({ version: options.version, revision: options.revision ?? 'unknown' }, 1);
  const shardInfo = new Gauge({
    name: 'mirrorwatch_shard_info',
    help: 'Always 1; which share of the configuration this instance watches (index 0 of count 1: all of it).',
    labelNames: ['index', 'count'] as const,
    registers: [registry],
  });
  shardInfo.set({ index: String(options.shard?.index ?? 0), count: String(options.shard?.count ?? 1) }, 1);
  const snapshotSeries = new Gauge({
    name: 'mirrorwatch_snapshot_series',
    help: 'Series derived from the latest snapshot (mm2_* and per-cluster monitor gauges).',
    registers: [registry],
  });
  // prom-client samples event-loop delay with a 10 ms timer by default: a hundred wake-ups a second,
  // about 0.1 CPU-seconds a minute of an otherwise idle daemon (docs/performance.md). At 100 ms every
  // block of 100 ms or more is seen; shorter ones are sampled rather than all recorded.
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_MONITORING_MS });

  const telemetry: Telemetry = {
    kafkaRequest: (cluster, api) => kafkaRequests.inc({ cluster, api }),
    pollError: (cluster, kind) => pollErrors.inc({ cluster, kind }),
    // The kind of decode error is the decoder's business to log; docs/design.md keeps it off the labels.
    decodeError: (cluster, topic) => decodeErrors.inc({ cluster, topic }),
    tailError: (cluster, topic, kind) => tailErrors.inc({ cluster, topic, kind }),
  };

  let rendered = renderSnapshotSeries(null, granularity);
  let lastPublished: Snapshot | null = null;
  let aboveMax = false;
  /** The rendering in progress, if any; a newer publish() abandons it. */
  let job: Generator<void, RenderedSeries, void> | null = null;
  /** A small snapshot published but not rendered yet: current() renders it when read. */
  let unread: Snapshot | null = null;
  let waiting: (() => void)[] = [];

  function publish(snapshot: Snapshot): void {
    if (snapshot === lastPublished) return;
    lastPublished = snapshot;
    if (partitionsOf(snapshot) <= SLICE_ABOVE_PARTITIONS) {
      job = null;
      unread = snapshot;
      release();
      return;
    }
    unread = null;
    const started = performance.now();
    const steps = renderSnapshotSteps(snapshot, granularity);
    job = steps;
    const slice = (): void => {
      if (job !== steps) return; // superseded by a newer snapshot
      const until = performance.now() + SLICE_MS;
      try {
        for (;;) {
          const step = steps.next();
          if (step.done) {
            job = null;
            finish(snapshot, step.value, started);
            return;
          }
          if (performance.now() >= until) break;
        }
      } catch (err) {
        job = null;
        log.error({ err, sequence: snapshot.sequence }, 'rendering the metrics of a snapshot failed; serving the previous ones');
        release();
        return;
      }
      // An immediate set from an immediate runs on the next loop iteration, after pending I/O.
      setImmediate(slice);
    };
    setImmediate(slice);
  }

  /** The rendering of the latest snapshot, rendering a small one now if it has not been yet. */
  function current(): RenderedSeries {
    const snapshot = unread;
    if (snapshot) {
      unread = null;
      const started = performance.now();
      try {
        finish(snapshot, renderAll(renderSnapshotSteps(snapshot, granularity)), started);
      } catch (err) {
        log.error({ err, sequence: snapshot.sequence }, 'rendering the metrics of a snapshot failed; serving the previous ones');
      }
    }
    return rendered;
  }

  function renderAll(steps: Generator<void, RenderedSeries, void>): RenderedSeries {
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
    }
  }

  function release(): void {
    const list = waiting;
    waiting = [];
    for (const resolve of list) resolve();
  }

  function finish(snapshot: Snapshot, result: RenderedSeries, started: number): void {
    rendered = result;
    snapshotSeries.set(rendered.series);
    const buildMs = performance.now() - started;
    log.debug({ sequence: snapshot.sequence, series: rendered.series, bytes: rendered.bytes, buildMs }, 'metrics published');

    // One warning per crossing, not per publish: a daemon over the bound would otherwise repeat
    // it every poll interval.
    if (rendered.series > maxSeries && !aboveMax) {
      aboveMax = true;
      log.warn(
        { series: rendered.series, maxSeries, granularity },
        granularity === 'partition'
          ? 'exported series exceed maxSeries; consider granularity: topic or narrower flow topic filters'
          : 'exported series exceed maxSeries; consider narrower flow topic filters',
      );
    } else if (rendered.series <= maxSeries && aboveMax) {
      aboveMax = false;
      log.info({ series: rendered.series, maxSeries }, 'exported series back under maxSeries');
    }
    release();
  }

  // Keyed by the rendered text itself: a newer publish() drops the old entry with its text.
  const deflatedSeries = new WeakMap<RenderedSeries, Promise<DeflatedPart>>();
  function deflatedOf(series: RenderedSeries): Promise<DeflatedPart> {
    let part = deflatedSeries.get(series);
    if (!part) {
      const text = series.chunks.length === 1 ? series.chunks[0]! : Buffer.concat(series.chunks, series.bytes);
      part = deflatePart(text);
      deflatedSeries.set(series, part);
    }
    return part;
  }

  // The snapshot's series come first so that its deflated text can open the gzip stream and
  // OpenMetrics' closing `# EOF` (written with the registry's part) stays last.
  async function render(renderOptions: RenderOptions = {}): Promise<RenderedMetrics> {
    const series = current();
    const openMetrics = renderOptions.format === 'openmetrics';
    // The snapshot's counters join the registry's part: both are rewritten for OpenMetrics.
    const registryText = series.counters + (await registry.metrics());
    const tail = Buffer.from(openMetrics ? textToOpenMetrics(registryText) : registryText);
    const contentType = openMetrics ? OPENMETRICS_CONTENT_TYPE : TEXT_CONTENT_TYPE;
    if (renderOptions.gzip) {
      return { contentType, contentEncoding: 'gzip', body: gzipJoined(await deflatedOf(series), tail) };
    }
    return { contentType, body: Buffer.concat([...series.chunks, tail], series.bytes + tail.length) };
  }

  return {
    telemetry,
    registry,
    granularity,
    publish,
    settled: () => (job === null ? Promise.resolve() : new Promise<void>((resolve) => waiting.push(resolve))),
    render,
    seriesCount: () => current().series,
  };
}
