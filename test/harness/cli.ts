// Local playground: `npx tsx test/harness/cli.ts up [--active-active] [--version 3.9.2] [--no-mm2]`
// starts us-east and us-west (and MM2 us-east->us-west) and keeps them until Ctrl-C.
import { kafkaVersion, startCluster, startMirrorMaker, stopAll } from './kafka.js';
import type { MirrorFlow } from './kafka.js';

function usage(): never {
  process.stderr.write(
    'usage: npx tsx test/harness/cli.ts up [--version V] [--active-active] [--no-mm2]\n' +
      '  up               start clusters us-east and us-west and MM2 us-east->us-west until Ctrl-C\n' +
      '  --version V      Kafka version (default $KAFKA_VERSION or 4.4.0)\n' +
      '  --active-active  also replicate us-west->us-east\n' +
      '  --no-mm2         clusters only\n',
  );
  process.exit(2);
}

async function up(args: string[]): Promise<void> {
  const vIndex = args.indexOf('--version');
  const version = kafkaVersion(vIndex >= 0 ? args[vIndex + 1] : undefined);
  const started = Date.now();
  const secs = (): string => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  const [east, west] = await Promise.all([
    startCluster({ alias: 'us-east', version }),
    startCluster({ alias: 'us-west', version }),
  ]);
  console.log(`us-east  bootstrap ${east.bootstrap}  log ${east.logFile}`);
  console.log(`us-west  bootstrap ${west.bootstrap}  log ${west.logFile}`);
  console.log(`clusters up after ${secs()}`);
  if (!args.includes('--no-mm2')) {
    const flows: MirrorFlow[] = [{ source: 'us-east', target: 'us-west' }];
    if (args.includes('--active-active')) flows.push({ source: 'us-west', target: 'us-east' });
    const mm = await startMirrorMaker({ clusters: [east, west], flows, version });
    console.log(`mm2 ${mm.version} (${flows.map((f) => `${f.source}->${f.target}`).join(', ')})  config ${mm.propertiesFile}  log ${mm.logFile}`);
    console.log(`MM2 started after ${secs()}`);
  }
  console.log('Ctrl-C stops everything.');
  // Runs until a signal: the harness's signal handlers stop everything and exit.
  setInterval(() => undefined, 1 << 30);
}

const [command, ...rest] = process.argv.slice(2);
if (command !== 'up') usage();
up(rest).catch(async (err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  await stopAll();
  process.exit(1);
});
