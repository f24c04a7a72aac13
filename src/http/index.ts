export { createHttpServer } from './server.js';
export type { BoundAddress, HttpServer, HttpServerOptions } from './server.js';
export { redactSecrets, isSecretKey, REDACTED } from './redact.js';
export { failoverView, flowDetailView, flowsView, flowSummaryView, clusterView } from './views.js';
