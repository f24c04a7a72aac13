// mirrorwatch lint FILE [--json] [--brokers alias=N,...] [--kafka-version 3|4] [--check-topics]
// Exit 0 when only warnings (or nothing) were found, 1 with errors, 2 when the file cannot be read
// or the options are wrong. --check-topics connects to the source clusters named in the file to
// list their topics, so that include patterns matching nothing are reported.
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config/load.js';
import { configVerdict } from '../config/verdict.js';
import { formatFinding, lintMm2Properties, type LintFinding, type LintResult } from '../config/lint.js';
import type { ClusterConfig } from '../core/types.js';
import { createKafkajsPort } from '../kafka/kafkajsPort.js';
import { createLogger } from '../log.js';
import { EXIT_NOT_MET, EXIT_OK, UsageError, parseBrokersArg } from './args.js';
import { usageExit, type CommandIo } from './commandIo.js';

export interface LintCommandOptions {
  json?: boolean;
  brokers?: string[];
  kafkaVersion?: string;
  checkTopics?: boolean;
}

const NO_TELEMETRY = { kafkaRequest() {}, pollError() {}, decodeError() {} };

/** Topic names of each cluster; a cluster that cannot be listed becomes a warning. */
async function listTopics(clusters: ClusterConfig[], io: CommandIo, file: string): Promise<{ topics: Map<string, string[]>; findings: LintFinding[] }> {
  const topics = new Map<string, string[]>();
  const findings: LintFinding[] = [];
  const logger = createLogger('fatal', io.stderr as NodeJS.WritableStream);
  await Promise.all(
    clusters.map(async (c) => {
      const factory = io.portFactory ?? createKafkajsPort;
      const port = factory(c, { logger, telemetry: NO_TELEMETRY });
      try {
        const list = await port.listTopics();
        topics.set(c.alias, list.map((t) => t.name));
      } catch (err) {
        findings.push({
          file,
          severity: 'warning',
          rule: 'filter-matches-nothing',
          message: `--check-topics: cannot list the topics of ${c.alias} (${err instanceof Error ? err.message : String(err)}): its filters were not checked`,
        });
      } finally {
        await port.close().catch(() => {});
      }
    }),
  );
  return { topics, findings };
}

export async function runLint(file: string | undefined, opts: LintCommandOptions, io: CommandIo): Promise<number> {
  let bytes: Buffer;
  let brokers: Map<string, number>;
  let kafkaMajor: number;
  try {
    if (!file) throw new UsageError('lint needs the mm2.properties file to check: mirrorwatch lint FILE');
    brokers = parseBrokersArg(opts.brokers);
    const v = opts.kafkaVersion ?? '4';
    const m = /^(\d+)(\.\d+)*$/.exec(v.trim());
    if (!m) throw new UsageError(`--kafka-version "${v}" is not a version such as 3.9 or 4.0`);
    kafkaMajor = Number(m[1]);
    try {
      bytes = fs.readFileSync(file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new UsageError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (code ?? String(err))}`);
    }
    const ext = path.extname(file).toLowerCase();
    if ((ext === '.yaml' || ext === '.yml') && /^kind:\s*["']?KafkaMirrorMaker2["']?\s*$/m.test(bytes.toString('utf8'))) {
      // Only the findings: the loaded configuration holds resolved secrets.
      const v = configVerdict(file, io.env);
      return printLint({ findings: v.findings, errors: v.errors, warnings: v.warnings }, file, opts, io);
    }
    if (ext === '.yaml' || ext === '.yml') {
      throw new UsageError(`${file} does not look like an mm2.properties file: lint checks MirrorMaker 2 properties files (check a mirrorwatch YAML file with check-config)`);
    }
    if (ext !== '.properties' && !/^[ \t\f]*clusters[ \t\f]*[=:]/m.test(bytes.toString('latin1'))) {
      throw new UsageError(`${file} does not look like an mm2.properties file (no "clusters" setting); lint checks MirrorMaker 2 properties files`);
    }
  } catch (err) {
    return usageExit(err, io);
  }

  let topics: Map<string, string[]> | undefined;
  const extra: LintFinding[] = [];
  if (opts.checkTopics) {
    let clusters: ClusterConfig[] = [];
    try {
      clusters = loadConfig(file, io.env).clusters;
    } catch (err) {
      extra.push({ file, severity: 'warning', rule: 'filter-matches-nothing', message: `--check-topics: cannot connect with this file (${err instanceof Error ? err.message.split('\n').join(' ') : String(err)}): filters were not checked against topics` });
    }
    if (clusters.length > 0) {
      const listed = await listTopics(clusters, io, file);
      topics = listed.topics;
      extra.push(...listed.findings);
    }
  }

  const result: LintResult = lintMm2Properties(bytes, file, { brokers, kafkaMajor, ...(topics ? { topics } : {}) });
  result.findings.push(...extra);
  result.warnings += extra.length;
  return printLint(result, file, opts, io);
}

/** A Strimzi resource is judged like check-config judges it: the importer's problems and warnings. */
function printLint(result: Pick<LintResult, 'findings' | 'errors' | 'warnings'>, file: string, opts: LintCommandOptions, io: CommandIo): number {
  if (opts.json) {
    io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    for (const f of result.findings) io.stdout.write(`${formatFinding(f)}\n`);
    const summary = `${file}: ${result.errors} error${result.errors === 1 ? '' : 's'}, ${result.warnings} warning${result.warnings === 1 ? '' : 's'}`;
    io.stdout.write(`${result.findings.length === 0 ? `${file}: no problems found` : summary}\n`);
  }
  return result.errors > 0 ? EXIT_NOT_MET : EXIT_OK;
}
