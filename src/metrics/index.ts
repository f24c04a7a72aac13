export { createMetrics } from './metrics.js';
export type { Metrics, MetricsOptions, RenderedMetrics } from './metrics.js';
export { SNAPSHOT_FAMILIES, renderSnapshotSeries } from './snapshot-series.js';
export type { Granularity, RenderedSeries } from './snapshot-series.js';
export { escapeLabelValue, formatValue } from './exposition.js';
