// mirrorwatch discover --bootstrap [ALIAS=]HOST:PORT ... [--json | --yaml]
// Reads MM2's topics on each given cluster and prints the flows MM2 runs between them, with the
// evidence, the replication policy and a ready YAML configuration. Exit 0 when flows were found,
// 1 when none was, 2 on bad usage or a cluster that cannot be reached.
import { DEFAULTS } from '../config/defaults.js';
import { discover, type ClusterObservation } from '../core/discovery.js';
import type { ClusterConfig } from '../core/types.js';
import type { Telemetry } from '../core/telemetry.js';
import { createKafkajsPort } from '../kafka/kafkajsPort.js';
import type { KafkaPort } from '../kafka/port.js';
import { createLogger } from '../log.js';
import { EXIT_NOT_MET, EXIT_OK, EXIT_USAGE, UsageError } from './args.js';
import { usageExit, type CommandIo } from './commandIo.js';
import { observeCluster } from '../discovery/observeCluster.js';
import { discoveredYaml, formatDiscovery, formatLooked, type BootstrapSpec } from './discoverReport.js';

export interface DiscoverOptions {
  bootstrap?: string[];
  json?: boolean;
  yaml?: boolean;
  logLevel?: string;
}

const ALIAS = /^[A-Za-z0-9._-]+$/;
const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]=,]+):(\d{1,5})$/;

/** "us-east=10.0.0.1:9092,10.0.0.2:9092" or "10.0.0.1:9092". */
export function parseBootstrapArg(text: string): BootstrapSpec {
  const t = text.trim();
  const eq = t.indexOf('=');
  const alias = eq >= 0 ? t.slice(0, eq).trim() : null;
  if (alias !== null && !ALIAS.test(alias)) throw new UsageError(`--bootstrap "${text}": "${alias}" is not a cluster alias (letters, digits, ".", "_" and "-")`);
  const servers = (eq >= 0 ? t.slice(eq + 1) : t).split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (servers.length === 0) throw new UsageError(`--bootstrap "${text}" names no broker: write [ALIAS=]HOST:PORT, e.g. --bootstrap us-east=10.0.0.1:9092`);
  for (const s of servers) {
    const m = HOST_PORT.exec(s);
    const port = m ? Number(m[2]) : NaN;
    if (!m || port < 1 || port > 65535) throw new UsageError(`--bootstrap "${text}": "${s}" is not HOST:PORT (port 1-65535)`);
  }
  return { label: t, alias, servers };
}

export function parseBootstrapArgs(values: readonly string[] | undefined): BootstrapSpec[] {
  if (!values || values.length === 0) throw new UsageError('--bootstrap is required: --bootstrap [ALIAS=]HOST:PORT, once per cluster');
  const specs = values.map(parseBootstrapArg);
  const aliases = specs.map((s) => s.alias).filter((a): a is string => a !== null);
  const dup = aliases.find((a, i) => aliases.indexOf(a) !== i);
  if (dup !== undefined) throw new UsageError(`--bootstrap: alias ${dup} is given twice`);
  return specs;
}

const NO_TELEMETRY: Telemetry = { kafkaRequest() {}, pollError() {}, decodeError() {} };

function clusterConfig(spec: BootstrapSpec, index: number): ClusterConfig {
  return {
    // The port's alias only labels its log lines; discovery learns the real one.
    alias: spec.alias ?? `cluster-${index + 1}`,
    bootstrapServers: spec.servers,
    clientId: DEFAULTS.clientId,
    connectionTimeoutMs: DEFAULTS.connectionTimeoutMs,
    requestTimeoutMs: DEFAULTS.requestTimeoutMs,
  };
}

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export async function runDiscover(opts: DiscoverOptions, io: CommandIo): Promise<number> {
  let specs: BootstrapSpec[];
  try {
    if (opts.json && opts.yaml) throw new UsageError('give --json or --yaml, not both');
    specs = parseBootstrapArgs(opts.bootstrap);
  } catch (err) {
    return usageExit(err, io);
  }
  const progress = (message: string): void => {
    io.stderr.write(`mirrorwatch discover: ${message}\n`);
  };
  const logger = createLogger(opts.logLevel ?? 'fatal', io.stderr as NodeJS.WritableStream);
  const factory = io.portFactory ?? createKafkajsPort;
  const ports: KafkaPort[] = specs.map((spec, i) => factory(clusterConfig(spec, i), { logger, telemetry: NO_TELEMETRY }));
  try {
    progress(`reading ${specs.length} cluster(s): ${specs.map((s) => s.label).join(', ')}`);
    const outcomes = await Promise.all(
      specs.map(async (spec, i): Promise<ClusterObservation | Error> => {
        const port = ports[i]!;
        try {
          await port.connect();
          return await observeCluster(port, spec.label, spec.alias, progress);
        } catch (err) {
          return err instanceof Error ? err : new Error(String(err));
        }
      }),
    );
    const failed = outcomes.map((o, i) => ({ o, spec: specs[i]! })).filter((x): x is { o: Error; spec: BootstrapSpec } => x.o instanceof Error);
    if (failed.length > 0) {
      for (const f of failed) io.stderr.write(`mirrorwatch: cannot read the cluster at --bootstrap ${f.spec.label}: ${f.o.message}\n`);
      return EXIT_USAGE;
    }
    const observations = outcomes as ClusterObservation[];
    const now = io.now();
    const result = discover({ clusters: observations, nowMs: now });
    const yamlText = result.flows.length > 0 ? discoveredYaml(result, specs, new Date(now)) : null;
    progress(`found ${result.flows.length} flow(s)`);
    if (opts.json) {
      io.stdout.write(`${JSON.stringify({ ...result, yaml: yamlText }, null, 2)}\n`);
    } else if (opts.yaml) {
      if (yamlText !== null) io.stdout.write(yamlText);
    } else {
      io.stdout.write(`${formatDiscovery(result, specs)}\n`);
      if (yamlText !== null) io.stdout.write(`\nconfiguration (mirrorwatch discover --yaml ... > mirrorwatch.yaml):\n---\n${yamlText}`);
    }
    if (result.flows.length === 0) {
      const partial = result.partialFlows.length > 0
        ? `\nflows with a cluster that was not given: ${result.partialFlows.map((f) => `${f.source}->${f.target}`).join(', ')} (add that cluster with --bootstrap ALIAS=HOST:PORT)`
        : '';
      io.stderr.write(`mirrorwatch: found no MM2 flow between the given clusters. Looked at:\n${formatLooked(result)}${partial}\n`);
      return EXIT_NOT_MET;
    }
    return EXIT_OK;
  } catch (err) {
    if (err instanceof UsageError) return usageExit(err, io);
    io.stderr.write(`mirrorwatch: discovery failed: ${messageOf(err)}\n`);
    return EXIT_NOT_MET;
  } finally {
    await Promise.all(ports.map((p) => p.close().catch(() => {})));
  }
}
