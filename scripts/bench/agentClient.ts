// Parent side of the agent: compiles scripts/bench/agent.ts and what it imports to plain
// JavaScript, forks it with plain node, and turns the IPC exchange into typed calls.
//
// Compiled rather than run through tsx: tsx's loader thread and in-memory transpiled sources add
// ~40 MB of resident memory (measured: 100 MB vs 62 MB for the same modules loaded), which would
// be charged to mirrorwatch. The daemon itself runs compiled code (dist/).
import { fork, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../test/harness/paths.js';
import type { AgentReply, AgentRequest, AgentResponses } from './protocol.js';
import type { ScrapeFigures } from './results.js';
import { scrape } from './scraper.js';
import { summarize } from './stats.js';

export interface AgentBuild {
  /** The compiled scripts/bench/agent.js. */
  entry: string;
  remove(): void;
}

/** Compiles the agent and the parts of mirrorwatch it imports into a temporary directory (a few seconds). */
export async function buildAgent(): Promise<AgentBuild> {
  const dir = mkdtempSync(join(tmpdir(), 'mw-bench-agent-'));
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  // The project's emit settings (tsconfig.json); type checking is `npm run typecheck`'s job.
  const args = [tsc, '--outDir', dir, '--rootDir', repoRoot, '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022'];
  args.push('--verbatimModuleSyntax', '--noCheck', '--skipLibCheck', '--types', 'node', '--sourceMap', 'false', join(repoRoot, 'scripts', 'bench', 'agent.ts'));
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.stderr.on('data', (d: Buffer) => (text += d.toString()));
    child.on('error', reject);
    child.on('close', (c) => resolve({ code: c, output: text }));
  });
  if (code !== 0) {
    remove();
    throw new Error(`compiling the bench agent failed (tsc exit ${code}):\n${output.slice(-3000)}`);
  }
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version?: string };
  // ES modules like the repository, the same version for mirrorwatch_build_info, and its dependencies.
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', version: pkg.version ?? '0.0.0' }) + '\n');
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return { entry: join(dir, 'scripts', 'bench', 'agent.js'), remove };
}

type RequestOf<T extends AgentRequest['type']> = Omit<Extract<AgentRequest, { type: T }>, 'id' | 'type'>;

export class AgentClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private exited: string | null = null;

  private constructor(readonly child: ChildProcess) {
    child.on('message', (msg: AgentReply) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.value);
      else p.reject(new Error(`agent: ${msg.error}`));
    });
    child.on('exit', (code, signal) => {
      this.exited = `agent exited (code ${code}, signal ${signal})`;
      for (const p of this.pending.values()) p.reject(new Error(this.exited));
      this.pending.clear();
    });
  }

  /** Node options for the agent come from $MW_BENCH_AGENT_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`). */
  static spawn(build: AgentBuild): AgentClient {
    const fromEnv = (process.env.MW_BENCH_AGENT_ARGS ?? '').split(/\s+/).filter(Boolean);
    const child = fork(build.entry, [], {
      execArgv: fromEnv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new AgentClient(child);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  call<T extends AgentRequest['type']>(type: T, args: RequestOf<T>): Promise<AgentResponses[T]> {
    if (this.exited) return Promise.reject(new Error(this.exited));
    const id = this.nextId++;
    return new Promise<AgentResponses[T]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, type, ...args } as AgentRequest);
    });
  }

  /** Asks the agent to stop its monitor and server, then ends the process. */
  async close(): Promise<void> {
    if (this.exited) return;
    const exit = new Promise<void>((r) => this.child.once('exit', () => r()));
    try {
      await Promise.race([this.call('stop', {}), new Promise((r) => setTimeout(r, 10_000))]);
    } catch {
      /* already gone */
    }
    this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exit;
    clearTimeout(timer);
  }
}

/** Scrapes one after another while the agent does nothing else, with its event-loop delay per scrape. */
export async function scrapeWhileIdle(agent: AgentClient, url: string, count: number): Promise<ScrapeFigures> {
  const ms: number[] = [];
  const blocks: number[] = [];
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    await agent.call('eventLoopReset', {});
    const s = await scrape(url);
    blocks.push((await agent.call('eventLoopMax', {})).ms);
    ms.push(s.ms);
    bytes = s.bytes;
  }
  return { ms: summarize(ms), bytes, eventLoopMaxMs: summarize(blocks) };
}
