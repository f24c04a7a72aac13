#!/usr/bin/env node
// mirrorwatch's command line. Exit codes are part of the interface: 0 ok, 1 condition not met
// (timeout, not verified), 2 bad configuration or usage.
import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.js';
import { checkConfigCommand } from './checkConfigCommand.js';
import { runCommand } from './runCommand.js';

const program = new Command();
program
  .name('mirrorwatch')
  .description('Watches Kafka MirrorMaker 2 replication: exact lag, heartbeat age and failover readiness.')
  .version(VERSION)
  .exitOverride();

program
  .command('run')
  .description('run the daemon: poll the clusters and serve /metrics, /healthz, /readyz and /api/v1')
  .option('-c, --config <file>', 'YAML config or mm2.properties (default: $MIRRORWATCH_CONFIG)')
  .option('--log-level <level>', 'trace|debug|info|warn|error (default: from the config, else info)')
  .option('--port <port>', 'HTTP port, overrides the config')
  .option('--host <host>', 'HTTP bind address, overrides the config')
  .action(runCommand);

program
  .command('check-config')
  .description('load and validate a configuration, print what mirrorwatch would watch; exit 2 when invalid')
  .option('-c, --config <file>', 'YAML config or mm2.properties (default: $MIRRORWATCH_CONFIG)')
  .option('--json', 'print the effective configuration as JSON (secrets redacted)')
  .action(checkConfigCommand);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // --help and --version end here with exitCode 0; usage errors were already printed.
    process.exit(err.exitCode === 0 ? 0 : 2);
  }
  throw err;
}
