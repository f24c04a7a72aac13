// Locates (and if needed downloads, through scripts/fetch-kafka.mjs) the Kafka and MM2 jars.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './paths.js';

export const DEFAULT_KAFKA_VERSION = '4.4.0';

export interface KafkaInstall {
  /** Broker version. */
  version: string;
  /** connect-mirror version MM2 runs from (differs from `version` when Maven Central lacks it). */
  mm2Version: string;
  /** Java classpath of the broker and the Kafka tools. */
  classpath: string;
  /** Java classpath of MirrorMaker 2. */
  mm2Classpath: string;
}

interface FetchMarker {
  version: string;
  mm2Version: string;
  brokerLibs: string;
  mm2Libs: string;
}

const pending = new Map<string, Promise<KafkaInstall>>();

export function kafkaVersion(version?: string): string {
  return version ?? process.env.KAFKA_VERSION ?? DEFAULT_KAFKA_VERSION;
}

/** Returns the jars of Kafka `version` (default $KAFKA_VERSION or 4.4.0), fetching them the first time. */
export function ensureKafka(version?: string): Promise<KafkaInstall> {
  const v = kafkaVersion(version);
  let p = pending.get(v);
  if (!p) {
    p = fetchOrRead(v);
    pending.set(v, p);
    p.catch(() => pending.delete(v));
  }
  return p;
}

async function fetchOrRead(version: string): Promise<KafkaInstall> {
  // The script owns the cache rules (marker, recipe, locking); with a warm cache it returns in ~0.1 s.
  const marker = await runFetchScript(version);
  return {
    version: marker.version,
    mm2Version: marker.mm2Version,
    classpath: join(marker.brokerLibs, '*'),
    mm2Classpath: join(marker.mm2Libs, '*'),
  };
}

function runFetchScript(version: string): Promise<FetchMarker> {
  const script = join(repoRoot, 'scripts', 'fetch-kafka.mjs');
  return new Promise((resolve, reject) => {
    // Progress goes straight to our stderr: the first download takes minutes.
    const child = spawn(process.execPath, [script, version, '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`scripts/fetch-kafka.mjs ${version} failed with exit code ${code} (see its output above)`));
        return;
      }
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as FetchMarker);
      } catch {
        reject(new Error(`scripts/fetch-kafka.mjs ${version} printed no result: ${out.slice(-500)}`));
      }
    });
  });
}
