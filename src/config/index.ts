// Configuration: YAML or mm2.properties -> validated MirrorwatchConfig.
export { loadConfig } from './load.js';
export { ConfigError, formatProblem, type ConfigProblem } from './problems.js';
export { redactConfig, redactCluster, REDACTED } from './redact.js';
export { DEFAULTS } from './defaults.js';
export { importMm2Properties, type Mm2Import, type Mm2PairOutcome, type Mm2Rejection, type Mm2Connector } from './mm2Import.js';
export { parseJavaProperties, lastByKey, type PropertyEntry, type ParsedProperties } from './javaProperties.js';
export { parseDuration, formatDuration } from './duration.js';
