// Support for the failover scenarios (issue 3) on real Kafka and MM2: traffic that remembers when
// each record was acknowledged, consumers that process and commit, the mirrorwatch CLI and the
// runbook scripts run as the operator runs them (child processes), and MM2's own topics read back.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Consumer, Producer } from 'kafkajs';
import { kafkaClient, readRecords } from '../harness/kafka.js';
import type { ClusterRef } from '../harness/kafka.js';
import { decodeCheckpoint, decodeOffsetSync } from '../../src/core/codecs/index.js';
import type { Checkpoint, OffsetSync } from '../../src/core/types.js';
import { parseExposition, type Exposition } from '../unit/metrics/parse-exposition.js';

export const REPO = resolve(import.meta.dirname, '../..');

export interface ProducedRecord {
  key: string;
  partition: number;
  offset: number;
  /** When the broker acknowledged it (epoch ms): the record was appended just before. */
  ackedAtMs: number;
}

/** Produces `perTick` records to each listed partition every `intervalMs`, keys `${prefix}-${n}`. */
export class Traffic {
  readonly records: ProducedRecord[] = [];
  error: Error | null = null;
  private running = true;
  private loop: Promise<void> | null = null;
  private producer: Producer | null = null;

  constructor(
    private readonly cluster: ClusterRef,
    private readonly topic: string,
    private readonly opts: { partitions: number[]; intervalMs: number; perTick: number; prefix: string },
  ) {}

  async start(): Promise<this> {
    const producer = kafkaClient(this.cluster).producer({ allowAutoTopicCreation: false });
    await producer.connect();
    this.producer = producer;
    let n = 0;
    this.loop = (async () => {
      while (this.running) {
        const messages = this.opts.partitions.flatMap((partition) =>
          Array.from({ length: this.opts.perTick }, () => ({ partition, key: `${this.opts.prefix}-${n++}`, value: `${this.opts.prefix} record` })),
        );
        try {
          const meta = await producer.send({ topic: this.topic, acks: -1, messages });
          const at = Date.now();
          for (const partition of this.opts.partitions) {
            const base = Number(meta.find((m) => m.partition === partition)?.baseOffset ?? NaN);
            messages.filter((m) => m.partition === partition).forEach((m, i) => this.records.push({ key: m.key, partition, offset: base + i, ackedAtMs: at }));
          }
        } catch (err) {
          this.error = err instanceof Error ? err : new Error(String(err));
          return;
        }
        await new Promise((r) => setTimeout(r, this.opts.intervalMs));
      }
    })();
    return this;
  }

  async stop(): Promise<ProducedRecord[]> {
    this.running = false;
    await this.loop;
    await this.producer?.disconnect();
    if (this.error) throw this.error;
    return this.records;
  }
}

export interface ProcessedRecord {
  key: string;
  partition: number;
  offset: number;
}

/**
 * A consumer of `group` that processes records and commits each one (offset + 1) until `limit`
 * records were processed or `untilEnd` offsets are reached, then leaves the group.
 */
export async function consumeAndCommit(
  cluster: ClusterRef,
  opts: { group: string; topic: string; limit?: number; untilEnd?: Map<number, number>; timeoutMs?: number; signal?: AbortSignal },
): Promise<ProcessedRecord[]> {
  const consumer: Consumer = kafkaClient(cluster).consumer({ groupId: opts.group, sessionTimeout: 10_000, heartbeatInterval: 1000, maxWaitTimeInMs: 200 });
  const processed: ProcessedRecord[] = [];
  const remaining = new Map(opts.untilEnd ?? []);
  let done = false;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: opts.topic, fromBeginning: true });
    await new Promise<void>((resolveRun, reject) => {
      const timer = setTimeout(() => reject(new Error(`consumer ${opts.group} on ${opts.topic}: not done after ${opts.timeoutMs ?? 60_000} ms (${processed.length} processed)`)), opts.timeoutMs ?? 60_000);
      const finish = (): void => {
        done = true;
        clearTimeout(timer);
        resolveRun();
      };
      const endReached = (): boolean => opts.untilEnd !== undefined && [...remaining.values()].every((v) => v <= 0);
      if (endReached()) finish();
      opts.signal?.addEventListener('abort', finish);
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            if (done) return;
            const offset = Number(message.offset);
            processed.push({ key: message.key?.toString() ?? '', partition, offset });
            await consumer.commitOffsets([{ topic: opts.topic, partition, offset: String(offset + 1) }]);
            const end = opts.untilEnd?.get(partition);
            if (end !== undefined && offset + 1 >= end) remaining.set(partition, 0);
            if ((opts.limit !== undefined && processed.length >= opts.limit) || endReached()) finish();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
  return processed;
}

export interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command from the repository root and collects its output. */
export function run(command: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<Exit> {
  return new Promise((resolveExit, reject) => {
    const child = spawn(command, args, { cwd: REPO, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')}: still running after ${opts.timeoutMs ?? 180_000} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, opts.timeoutMs ?? 180_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveExit({ code, stdout, stderr });
    });
  });
}

/** The mirrorwatch CLI as an operator runs it (TypeScript sources through tsx). */
export const MIRRORWATCH_COMMAND = `${process.execPath} --import tsx ${join(REPO, 'src/cli/main.ts')}`;

export function mirrorwatch(args: string[], timeoutMs?: number): Promise<Exit> {
  return run(process.execPath, ['--import', 'tsx', join(REPO, 'src/cli/main.ts'), ...args], timeoutMs === undefined ? {} : { timeoutMs });
}

export interface YamlFlow {
  source: string;
  target: string;
  groups?: string[];
}

/** A mirrorwatch YAML file for the harness clusters. */
export function writeConfig(file: string, clusters: ClusterRef[], flows: YamlFlow[], poll: { interval: string; timeout: string; requestTimeout: string }): string {
  const lines = ['clusters:'];
  for (const c of clusters) {
    lines.push(`  - alias: ${c.alias}`, `    bootstrapServers: "${c.bootstrap}"`, '    connectionTimeout: 1s', `    requestTimeout: ${poll.requestTimeout}`);
  }
  lines.push('flows:');
  for (const f of flows) {
    lines.push(`  - source: ${f.source}`, `    target: ${f.target}`);
    if (f.groups) lines.push(`    groups: [${f.groups.join(', ')}]`);
  }
  lines.push('regions:', '  - { topic: orders, partitions: "0-1", region: us-east }', '  - { topic: orders, partitions: 2, region: eu-west }');
  lines.push('poll:', `  interval: ${poll.interval}`, `  timeout: ${poll.timeout}`, 'http:', '  host: 127.0.0.1', '  port: 0', 'logLevel: warn');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

export async function scrape(url: string): Promise<Exposition> {
  const res = await fetch(`${url}/metrics`);
  return parseExposition(await res.text());
}

/** The latest checkpoint per (group, topic, partition) in a checkpoints topic, read from the start. */
export async function latestCheckpoints(cluster: ClusterRef, topic: string): Promise<Map<string, Checkpoint>> {
  const out = new Map<string, Checkpoint>();
  for (const r of await readRecords(cluster, topic)) {
    const d = decodeCheckpoint(r.key, r.value);
    if (d.ok) out.set(`${d.value.group}/${d.value.topic}/${d.value.partition}`, d.value);
  }
  return out;
}

/** Every offset sync in an offset-syncs topic, in order. */
export async function allOffsetSyncs(cluster: ClusterRef, topic: string): Promise<OffsetSync[]> {
  const out: OffsetSync[] = [];
  for (const r of await readRecords(cluster, topic)) {
    const d = decodeOffsetSync(r.key, r.value);
    if (d.ok) out.push(d.value);
  }
  return out;
}

/** Polls `probe` until it returns something other than undefined; the last value seen is in the error. */
export async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number, intervalMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? ` (last error: ${last.message})` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
