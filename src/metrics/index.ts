export { createMetrics } from './metrics.js';
export type { Metrics, MetricsOptions, RenderOptions, RenderedMetrics, ScrapeFormat } from './metrics.js';
export { OPENMETRICS_CONTENT_TYPE, TEXT_CONTENT_TYPE } from './scrape-formats.js';
export { SNAPSHOT_FAMILIES, renderSnapshotSeries } from './snapshot-series.js';
export type { Granularity, RenderedSeries } from './snapshot-series.js';
export { escapeLabelValue, formatValue } from './exposition.js';
