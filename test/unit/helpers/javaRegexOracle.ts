// Runs test/java/RegexOracle.java (java.util.regex with MM2's list handling) on the cases file.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
export const CASES_FILE = join(root, 'test/fixtures/java-regex-cases.txt');
export const FIXTURE_FILE = join(root, 'test/fixtures/java-regex.json');
const ORACLE = join(root, 'test/java/RegexOracle.java');

export interface OracleCase {
  domain: 'topic' | 'group';
  value: string;
  entries: string[];
  valid: boolean;
  matches?: string[];
  error?: string;
  kafkaMatches?: string[];
  kafkaError?: string;
  /** Per Kafka version (fixture only): what DefaultTopicFilter / DefaultGroupFilter said. */
  kafka?: Record<string, { matches: string[] } | { error: string }>;
}

export interface OracleOutput {
  java: string;
  kafka: string | null;
  names: string[];
  cases: OracleCase[];
}

export function javaAvailable(): boolean {
  const r = spawnSync('java', ['-version'], { encoding: 'utf8' });
  return r.status === 0;
}

/** @param classPath Kafka's mm2 libs (`dir/*`), to also ask Kafka's own filters. */
export function runRegexOracle(classPath?: string): OracleOutput {
  const args = [...(classPath ? ['-cp', classPath] : []), ORACLE, CASES_FILE];
  const r = spawnSync('java', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 120_000 });
  if (r.status !== 0) throw new Error(`java RegexOracle failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as OracleOutput;
}
