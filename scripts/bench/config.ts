// The mirrorwatch configuration the agent loads (through the real loader, src/config): the two
// bench clusters and one flow, with the knobs the cardinality checks vary.
import { dump } from 'js-yaml';

export interface BenchConfigOptions {
  clusters: { alias: string; bootstrap: string }[];
  source: string;
  target: string;
  groups: string[];
  granularity: 'partition' | 'topic';
  /** Omitted: mirrorwatch's default. */
  maxSeries?: number;
  topics?: string[];
  topicsExclude?: string[];
  /** This agent's shard (docs/sharding.md); omitted: the whole flow. */
  shard?: { index: number; count: number };
}

export function benchConfigYaml(o: BenchConfigOptions): string {
  const flow: Record<string, unknown> = { source: o.source, target: o.target, groups: o.groups };
  if (o.topics) flow.topics = o.topics;
  if (o.topicsExclude) flow.topicsExclude = o.topicsExclude;
  const doc: Record<string, unknown> = {
    // Timeouts and intervals stay at mirrorwatch's defaults; the bench drives poll cycles itself.
    clusters: o.clusters.map((c) => ({ alias: c.alias, bootstrapServers: c.bootstrap })),
    flows: [flow],
    http: { host: '127.0.0.1', port: 0 },
    granularity: o.granularity,
    logLevel: 'info',
  };
  if (o.maxSeries !== undefined) doc.maxSeries = o.maxSeries;
  if (o.shard) doc.shard = o.shard;
  return `# written by scripts/bench.ts\n${dump(doc, { lineWidth: 200 })}`;
}
