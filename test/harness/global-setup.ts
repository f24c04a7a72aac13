// vitest globalSetup of the integration project: fetch the Kafka jars once, before any test file,
// so no test spends its timeout on a first-time Maven download.
import { ensureKafka } from './install.js';

export default async function setup(): Promise<void> {
  const started = Date.now();
  const install = await ensureKafka(process.env.KAFKA_VERSION);
  const mm2 = install.mm2Version === install.version ? '' : ` (MM2 from connect-mirror ${install.mm2Version})`;
  process.stderr.write(`[harness] Kafka ${install.version}${mm2} ready in ${Date.now() - started} ms\n`);
}
