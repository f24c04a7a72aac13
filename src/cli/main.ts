#!/usr/bin/env node
// mirrorwatch's command line. Exit codes are part of the interface: 0 ok, 1 condition not met
// (timeout, not verified), 2 bad configuration or usage.
import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.js';
import { collect } from './args.js';
import { runAudit } from './auditCommand.js';
import { checkConfigCommand } from './checkConfigCommand.js';
import { processIo } from './commandIo.js';
import { runDiscover } from './discoverCommand.js';
import { runLag } from './lagCommand.js';
import { runLint } from './lintCommand.js';
import { runRules } from './rulesCommand.js';
import { runCommand } from './runCommand.js';
import { runVerify } from './verifyCommand.js';
import { runWait } from './waitCommand.js';

const program = new Command();
program
  .name('mirrorwatch')
  .description('Watches Kafka MirrorMaker 2 replication: exact lag, heartbeat age and failover readiness.')
  .version(VERSION)
  .exitOverride()
  .option('--secrets-dir <dir>', 'Strimzi resources: read Secret keys from DIR/<secretName>/<key> (default: $MIRRORWATCH_SECRETS_DIR)')
  .hook('preAction', (cmd) => {
    const dir = cmd.opts<{ secretsDir?: string }>().secretsDir;
    if (dir !== undefined) process.env.MIRRORWATCH_SECRETS_DIR = dir;
  });

program
  .command('run')
  .description('run the daemon: poll the clusters and serve /metrics, /healthz, /readyz and /api/v1')
  .option('-c, --config <file>', 'YAML config or mm2.properties (default: $MIRRORWATCH_CONFIG)')
  .option('--log-level <level>', 'trace|debug|info|warn|error (default: from the config, else info)')
  .option('--port <port>', 'HTTP port, overrides the config')
  .option('--host <host>', 'HTTP bind address, overrides the config')
  .option('--shard <index/count>', 'watch one share of the work, e.g. 0/3 (or POD-NAME-ORDINAL/3); overrides the config\'s shard (default: $MIRRORWATCH_SHARD)')
  .action(runCommand);

program
  .command('check-config')
  .description('load and validate a configuration, print what mirrorwatch would watch; exit 2 when invalid')
  .option('-c, --config <file>', 'YAML config or mm2.properties (default: $MIRRORWATCH_CONFIG)')
  .option('--json', 'print the effective configuration as JSON (secrets redacted)')
  .option('--shard <index/count>', 'check the configuration as this shard would run it (default: $MIRRORWATCH_SHARD)')
  .action(checkConfigCommand);

// The runbook commands end the process with their exit code: it is their interface, and no
// client socket or timer may keep a script waiting.
const exitWith = async (code: Promise<number>): Promise<never> => process.exit(await code);
const SOURCE_HELP = 'mirrorwatch YAML or mm2.properties: poll the clusters directly (default: $MIRRORWATCH_CONFIG)';
const URL_HELP = 'ask a running mirrorwatch instead, e.g. http://localhost:9467 (default: $MIRRORWATCH_URL)';

program
  .command('lag')
  .description('print where replication of a flow stands, per topic and partition, with totals; exit 0, 1 when unreadable, 2 on bad usage')
  .requiredOption('--flow <source->target>', 'the flow; quote it in a shell: --flow \'us-east->us-west\'')
  .option('--topic <topic>', 'only this topic (source or remote name)')
  .option('--json', 'print JSON')
  .option('-c, --config <file>', SOURCE_HELP)
  .option('--url <url>', URL_HELP)
  .option('--log-level <level>', 'log to stderr at this level (default: fatal)')
  .action((opts) => exitWith(runLag(opts, processIo())));

program
  .command('wait')
  .description('wait until every partition of a flow has lag <= N, with live progress; exit 0 when reached, 1 on timeout (remaining lag printed)')
  .requiredOption('--flow <source->target>', 'the flow; quote it in a shell: --flow \'us-east->us-west\'')
  .option('--max-lag <records>', 'lag bound per partition (default 0)')
  .option('--group <group>', 'also wait until this consumer group\'s commits are checkpointed (repeatable)', collect)
  .option('--timeout <duration>', 'give up after this long (default 10m)')
  .option('--interval <duration>', 'time between reads (default 2s)')
  .option('-c, --config <file>', SOURCE_HELP)
  .option('--url <url>', URL_HELP)
  .option('--log-level <level>', 'log to stderr at this level (default: fatal)')
  .action((opts) => exitWith(runWait(opts, processIo())));

program
  .command('audit')
  .description('count records per time bucket on both sides of a flow: records missing or duplicated by MM2; exit 0 clean, 1 findings, 2 bad usage, 3 not all judged')
  .requiredOption('--flow <source->target>', 'the flow; quote it in a shell: --flow \'us-east->us-west\'')
  .requiredOption('--from <time>', 'start: ISO time (2026-12-05T03:10:00Z), epoch ms, or a duration ago (30m)')
  .option('--to <time>', 'end (default: now minus the settle delay)')
  .option('--bucket <duration>', 'bucket length (default 1m)')
  .option('--settle <duration>', 'time MM2 gets to copy a bucket before it is audited (default 2m)')
  .option('--topic <topic>', 'only this topic (source or remote name)')
  .option('--json', 'print every bucket as JSON')
  .option('-c, --config <file>', 'mirrorwatch YAML or mm2.properties (default: $MIRRORWATCH_CONFIG)')
  .option('--log-level <level>', 'log to stderr at this level (default: fatal)')
  .action((opts) => exitWith(runAudit(opts, processIo())));

program
  .command('verify')
  .description('check the target is a complete copy: remote topics and partitions, lag 0, nothing lost, Connect offsets caught up, heartbeats fresh; exit 0/1')
  .requiredOption('--flow <source->target>', 'the flow; quote it in a shell: --flow \'us-east->us-west\'')
  .option('--json', 'print the report as JSON')
  .option('--timeout <duration>', 'keep re-checking until verified or this long has passed (default 0: check once)')
  .option('--interval <duration>', 'time between checks with --timeout (default 2s)')
  .option('--max-heartbeat-age <duration>', 'heartbeats older than this fail (default: the flow\'s maxHeartbeatAge, else 30s)')
  .option('-c, --config <file>', SOURCE_HELP)
  .option('--url <url>', URL_HELP)
  .option('--log-level <level>', 'log to stderr at this level (default: fatal)')
  .action((opts) => exitWith(runVerify(opts, processIo())));

program
  .command('lint')
  .description('report what MM2 reads differently in an mm2.properties file than its author meant; exit 1 on errors, 0 on warnings only')
  .argument('<file>', 'the mm2.properties file')
  .option('--json', 'print findings as JSON')
  .option('--brokers <alias=n,...>', 'brokers per cluster, to check replication factors (repeatable)', collect)
  .option('--kafka-version <version>', 'Kafka version MM2 runs (default 4): keys removed in 4.0 are errors from 4 on, warnings before')
  .option('--check-topics', 'connect to the clusters and report topic filters that match no topic')
  .action((file: string, opts) => exitWith(runLint(file, opts, processIo())));

program
  .command('discover')
  .description('find the flows MM2 runs between clusters from its own topics; print them with evidence, the replication policy and a YAML config; exit 0, 1 when none, 2 when unreachable')
  .option('--bootstrap <[alias=]host:port>', 'a cluster (repeatable); the alias is learned from MM2\'s heartbeats when not given', collect)
  .option('--json', 'print the result as JSON')
  .option('--yaml', 'print only the YAML configuration')
  .option('--log-level <level>', 'log to stderr at this level (default: fatal)')
  .action((opts) => exitWith(runDiscover(opts, processIo())));

program
  .command('rules')
  .description('render the Prometheus alert and recording rules from the mixin settings (selector, deployment labels, thresholds); exit 1 when --check finds a difference, 2 on bad settings')
  .option('-c, --config <file>', 'YAML file of mixin settings (docs/mixin.md); default: the defaults')
  .option('--out <dir>', 'write mirrorwatch-recording.yml and mirrorwatch-alerts.yml into DIR (default: print one rule file)')
  .option('--check', 'with --out: compare instead of writing')
  .option('--alertmanager', 'print the Alertmanager inhibit rules that go with these settings')
  // exitCode, not exit(): a large rule file written to a pipe must be flushed first.
  .action((opts) => {
    process.exitCode = runRules(opts, processIo());
  });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // --help and --version end here with exitCode 0; usage errors were already printed.
    process.exit(err.exitCode === 0 ? 0 : 2);
  }
  throw err;
}
