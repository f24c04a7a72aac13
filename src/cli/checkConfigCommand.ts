import { redactConfig } from '../config/redact.js';
import { formatWarnings, loadConfigOrExit } from './configOption.js';

export function checkConfigCommand(opts: { config?: string; json?: boolean }): void {
  const config = loadConfigOrExit(opts.config);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(redactConfig(config), null, 2)}\n`);
    return;
  }
  const lines = [`${config.file}: OK`];
  lines.push(`clusters: ${config.clusters.map((c) => `${c.alias} (${c.bootstrapServers.join(',')})`).join(', ')}`);
  for (const f of config.flows) {
    lines.push(
      `flow ${f.source}->${f.target}: topics ${f.topics.join(', ')}; exclude ${f.topicsExclude.join(', ') || '-'}; heartbeats ${f.heartbeatsExpected ? 'expected' : 'not expected'}; offset syncs on ${f.offsetSyncsTopicLocation}`,
    );
  }
  lines.push(`replication policy: ${config.replicationPolicy.kind} (separator "${config.replicationPolicy.separator}")`);
  lines.push(`poll every ${config.poll.intervalMs} ms, timeout ${config.poll.timeoutMs} ms; http ${config.http.host}:${config.http.port}; granularity ${config.granularity}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  for (const w of formatWarnings(config)) process.stderr.write(`${w}\n`);
}
