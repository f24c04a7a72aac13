// check-config: the loader's and lint's verdict on a configuration (see src/config/verdict.ts),
// then what mirrorwatch would watch. Exit 0 ok or warnings only, 1 errors (MM2 will not do what
// the file says, though mirrorwatch can watch it), 2 invalid (mirrorwatch cannot use it).
import { formatFinding } from '../config/lint.js';
import { redactConfig } from '../config/redact.js';
import { configVerdict, type ConfigVerdict } from '../config/verdict.js';
import { EXIT_CONFIG, withShardOption } from './configOption.js';

export function checkConfigCommand(opts: { config?: string; json?: boolean; shard?: string }): void {
  process.exitCode = runCheckConfig(opts, process.env, process.stdout, process.stderr);
}

export function runCheckConfig(
  opts: { config?: string; json?: boolean; shard?: string },
  env: NodeJS.ProcessEnv,
  stdout: { write(s: string): unknown },
  stderr: { write(s: string): unknown },
): number {
  const file = opts.config ?? env.MIRRORWATCH_CONFIG;
  if (!file) {
    stderr.write('mirrorwatch: no configuration given: pass -c FILE (YAML, mm2.properties or a Strimzi KafkaMirrorMaker2 resource) or set MIRRORWATCH_CONFIG\n');
    return EXIT_CONFIG;
  }
  const checked = withUnusableStores(configVerdict(file, env));
  const sharded = checked.config ? withShardOption(checked.config, opts.shard, env) : undefined;
  if (sharded && 'error' in sharded) {
    stderr.write(`mirrorwatch: ${sharded.error}\n`);
    return EXIT_CONFIG;
  }
  const verdict = sharded ? { ...checked, config: sharded } : checked;
  const { config } = verdict;
  if (opts.json) {
    stdout.write(
      `${JSON.stringify({ ok: verdict.exitCode === 0, errors: verdict.errors, warnings: verdict.warnings, findings: verdict.findings, ...(config ? { config: redactConfig(config) } : {}) }, null, 2)}\n`,
    );
    return verdict.exitCode;
  }
  if (!config) stderr.write('mirrorwatch: invalid configuration\n');
  for (const f of verdict.findings) stderr.write(`${formatFinding(f)}\n`);
  if (!config) return verdict.exitCode;
  const head = verdict.errors > 0 ? `${config.file}: ${verdict.errors} error${verdict.errors === 1 ? '' : 's'}, ${verdict.warnings} warning${verdict.warnings === 1 ? '' : 's'}` : `${config.file}: OK${verdict.warnings > 0 ? ` (${verdict.warnings} warning${verdict.warnings === 1 ? '' : 's'})` : ''}`;
  const lines = [head];
  lines.push(`clusters: ${config.clusters.map((c) => `${c.alias} (${c.bootstrapServers.join(',')})`).join(', ')}`);
  for (const c of config.clusters) {
    const stores = [c.tls?.keystore ? `keystore ${c.tls.keystore.file} (${c.tls.keystore.type})` : '', c.tls?.truststore ? `truststore ${c.tls.truststore.file} (${c.tls.truststore.type})` : ''].filter((x) => x !== '');
    if (stores.length > 0) lines.push(`cluster ${c.alias}: TLS ${stores.join(', ')}${c.tls?.unusable ? ': UNUSABLE' : ''}`);
    const s = c.sasl;
    if (s?.mechanism === 'oauthbearer') lines.push(`cluster ${c.alias}: SASL OAUTHBEARER, client ${s.clientId}${s.scope ? `, scope ${s.scope}` : ''}, token endpoint ${s.tokenEndpointUrl}`);
    if (s?.mechanism === 'aws-msk-iam') {
      lines.push(`cluster ${c.alias}: SASL AWS MSK IAM, region ${s.region}, credentials from ${s.roleArn ? `role ${s.roleArn}` : s.profile ? `profile ${s.profile}` : 'the default AWS chain'}`);
    }
  }
  for (const f of config.flows) {
    const hb = !f.heartbeatsExpected ? 'not expected' : f.heartbeatsAuto ? 'auto (expected once the remote heartbeats topic exists)' : 'expected';
    const connect = f.connectOffsetsTopic !== undefined ? `; Connect offsets in ${f.connectOffsetsTopic}${f.sourceConnectorName ? ` (connector ${f.sourceConnectorName})` : ''}` : '';
    lines.push(
      `flow ${f.source}->${f.target}: topics ${f.topics.join(', ')}; exclude ${f.topicsExclude.join(', ') || '-'}; heartbeats ${hb}; offset syncs on ${f.offsetSyncsTopicLocation}${connect}`,
    );
  }
  const d = config.discovery;
  if (d) lines.push(`flows: discovered at run time from MM2's topics, every ${d.intervalMs / 1000}s (topics ${d.topics.join(', ')}; exclude ${d.topicsExclude.join(', ') || '-'})`);
  const p = config.replicationPolicy;
  const inferred = d && !d.policyConfigured ? ' until discovery infers one (replicationPolicy not set)' : '';
  lines.push(`replication policy: ${p.kind} (separator "${p.separator}"${p.internalTopicSeparatorEnabled === false ? ', internal topics keep "."' : ''})${inferred}`);
  if (config.shard && config.shard.count > 1) {
    lines.push(`shard ${config.shard.index} of ${config.shard.count} (0-based): the (flow, topic) pairs and flows whose hash falls to this shard (docs/sharding.md)`);
  }
  lines.push(`poll every ${config.poll.intervalMs} ms, timeout ${config.poll.timeoutMs} ms; http ${config.http.host}:${config.http.port}; granularity ${config.granularity}`);
  stdout.write(`${lines.join('\n')}\n`);
  return verdict.exitCode;
}

/**
 * A keystore or truststore that cannot be opened does not stop the daemon (only its cluster is
 * down, with the reason logged once), but check-config is where to learn it first: an error.
 */
function withUnusableStores(v: ConfigVerdict): ConfigVerdict {
  const extra = (v.config?.clusters ?? []).flatMap((c) =>
    c.tls?.unusable ? [{ file: v.config!.file, key: `${c.alias}.tls`, severity: 'error' as const, rule: 'config' as const, message: `cluster ${c.alias}: ${c.tls.unusable}; mirrorwatch reports this cluster down` }] : [],
  );
  if (extra.length === 0) return v;
  return { ...v, findings: [...v.findings, ...extra], errors: v.errors + extra.length, exitCode: v.exitCode === 0 ? 1 : v.exitCode };
}
