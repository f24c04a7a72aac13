// How `discover` shows what it found: a text report with the evidence of each flow, the JSON of
// the same, and a mirrorwatch YAML configuration that `check-config` accepts.
import yaml from 'js-yaml';
import type { DiscoveredFlow, DiscoveryResult, HeartbeatEvidence, TopicRef } from '../core/discovery.js';

export interface BootstrapSpec {
  /** As the user wrote it. */
  label: string;
  alias: string | null;
  servers: string[];
}

const LIST_LIMIT = 8;

function names(items: readonly string[]): string {
  return items.length <= LIST_LIMIT ? items.join(', ') : `${items.slice(0, LIST_LIMIT).join(', ')} … (${items.length} in all)`;
}

function age(seconds: number): string {
  if (seconds < 120) return `${seconds.toFixed(1)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

const refs = (list: readonly TopicRef[]): string => list.map((r) => `${r.topic} on ${r.cluster}`).join(', ');

function heartbeatLine(h: HeartbeatEvidence): string {
  return `(${h.source}, ${h.target}) in ${h.topic} on ${h.cluster}: ${h.records} record(s), newest ${age(h.ageSeconds)} ago`;
}

function flowLines(f: DiscoveredFlow): string[] {
  const e = f.evidence;
  const lines = [
    `  ${f.source}->${f.target}: ${f.policy.kind} policy, separator "${f.policy.separator}" (${f.policy.confidence} confidence)` +
      (f.lastHeartbeatAgeSeconds !== null ? `; newest heartbeat ${age(f.lastHeartbeatAgeSeconds)} old` : ''),
  ];
  const add = (what: string, text: string): void => {
    if (text !== '') lines.push(`    ${what}: ${text}`);
  };
  for (const h of e.heartbeatKeys) add('heartbeat key', heartbeatLine(h));
  add('remote heartbeats', refs(e.remoteHeartbeats));
  add('checkpoints', refs(e.checkpoints));
  for (const o of e.offsetSyncs) add('offset syncs', `${o.topic} on ${o.cluster} (location ${o.location}: ${o.basis})`);
  if (e.remoteTopics) add('remote topics', `${e.remoteTopics.topics.length} on ${e.remoteTopics.cluster} with prefix "${e.remoteTopics.prefix}": ${names(e.remoteTopics.topics)}`);
  if (e.sameNameTopics.length > 0) add('same-name topics', `${e.sameNameTopics.length} on both clusters: ${names(e.sameNameTopics)}`);
  add('Connect internal topics', refs(e.connectInternal));
  for (const r of f.policy.reasons) add('policy', r);
  for (const n of f.notes) add('note', n);
  return lines;
}

export function formatDiscovery(result: DiscoveryResult, specs: readonly BootstrapSpec[]): string {
  const lines: string[] = ['clusters:'];
  result.clusters.forEach((c, i) => {
    const how = c.aliasFrom === 'given' ? 'alias given' : c.aliasFrom === 'heartbeats' ? 'alias from its heartbeats' : c.aliasFrom === 'elimination' ? 'alias by elimination' : 'alias unknown';
    const look = result.looked[i];
    lines.push(`  ${c.alias ?? '?'}  ${specs[i]?.servers.join(',') ?? c.label}  (${how}; ${look?.topics ?? 0} topics, ${look?.mm2Topics.length ?? 0} of MM2's)`);
    for (const n of c.notes) lines.push(`    note: ${n}`);
    for (const u of look?.unread ?? []) lines.push(`    not read: ${u.topic}: ${u.reason}`);
  });
  lines.push('', `flows MM2 runs between the given clusters: ${result.flows.length}`);
  for (const f of result.flows) lines.push(...flowLines(f));
  if (result.partialFlows.length > 0) {
    lines.push('', `flows with a cluster that was not given: ${result.partialFlows.length}`);
    for (const f of result.partialFlows) lines.push(...flowLines(f));
  }
  if (result.heartbeatOnlyHerders.length > 0) {
    lines.push('', 'herders that only emit heartbeats (no replication; `S->T.enabled = false`):');
    for (const h of result.heartbeatOnlyHerders) {
      const ev = [...h.heartbeatKeys.map(heartbeatLine), ...(h.connectInternal.length > 0 ? [`Connect topics ${refs(h.connectInternal)}`] : [])];
      lines.push(`  ${h.source}->${h.target}: ${ev.join('; ')}`);
    }
  }
  const p = result.policy;
  lines.push('', `replication policy: ${p.kind}, separator "${p.separator}"${p.internalSeparatorEnabled ? '' : ' (internal topics keep ".")'} (${p.confidence} confidence)`);
  for (const r of p.reasons) lines.push(`  why: ${r}`);
  if (result.notes.length > 0) {
    lines.push('', 'notes:');
    for (const n of result.notes) lines.push(`  - ${n}`);
  }
  return lines.join('\n');
}

/** What was looked at, for the "nothing found" message. */
export function formatLooked(result: DiscoveryResult): string {
  return result.looked
    .map((l) => `  ${l.cluster}: ${l.topics} topics; MM2 topics: ${l.mm2Topics.length > 0 ? names(l.mm2Topics) : 'none'}; ${l.heartbeatRecords} heartbeat record(s) read` +
      (l.unread.length > 0 ? `; not read: ${l.unread.map((u) => `${u.topic} (${u.reason})`).join(', ')}` : ''))
    .join('\n');
}

/** The configuration object of the YAML file (only clusters that take part in a flow). */
export function discoveredConfig(result: DiscoveryResult, specs: readonly BootstrapSpec[]): Record<string, unknown> {
  const used = new Set(result.flows.flatMap((f) => [f.source, f.target]));
  const clusters = result.clusters
    .map((c, i) => ({ alias: c.alias, servers: specs[i]?.servers ?? [] }))
    .filter((c): c is { alias: string; servers: string[] } => c.alias !== null && used.has(c.alias))
    .filter((c, i, all) => all.findIndex((x) => x.alias === c.alias) === i)
    .map((c) => ({ alias: c.alias, bootstrapServers: c.servers }));
  const flows = result.flows.map((f) => ({
    source: f.source,
    target: f.target,
    heartbeats: f.heartbeats,
    ...(f.offsetSyncsTopicLocation === 'target' ? { offsetSyncsTopicLocation: 'target' } : {}),
  }));
  return {
    clusters,
    flows,
    replicationPolicy: { class: result.policy.kind, separator: result.policy.separator },
  };
}

export function discoveredYaml(result: DiscoveryResult, specs: readonly BootstrapSpec[], generatedAt: Date): string {
  const header = [
    `# mirrorwatch configuration written by \`mirrorwatch discover\` at ${generatedAt.toISOString()}`,
    `# from MM2's topics on ${specs.map((s) => s.label).join(', ')}.`,
    '# Every topic is watched (MM2\'s default filter); add topics/topicsExclude to match MM2\'s, and',
    '# tls/sasl settings where the clusters need them. Check it with: mirrorwatch check-config -c FILE',
  ];
  if (!result.policy.internalSeparatorEnabled) {
    header.push('# MM2 keeps "." in its internal topic names (replication.policy.internal.topic.separator.enabled');
    header.push('# = false), which this file cannot say: use mm2Properties: pointing at MM2\'s file instead.');
  }
  return `${header.join('\n')}\n${yaml.dump(discoveredConfig(result, specs), { lineWidth: -1, noRefs: true, quotingType: '"' })}`;
}
