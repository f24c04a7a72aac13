// Parent side of the agent: forks scripts/bench/agent.ts with this process's loader (tsx) and
// turns the IPC exchange into typed calls.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AgentReply, AgentRequest, AgentResponses } from './protocol.js';
import type { ScrapeFigures } from './results.js';
import { scrape } from './scraper.js';
import { summarize } from './stats.js';

const AGENT = fileURLToPath(new URL('./agent.ts', import.meta.url));

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

  /** `extraNodeArgs` e.g. ['--cpu-prof'] (also taken from $MW_BENCH_AGENT_ARGS). */
  static spawn(extraNodeArgs: string[] = []): AgentClient {
    const fromEnv = (process.env.MW_BENCH_AGENT_ARGS ?? '').split(/\s+/).filter(Boolean);
    const child = fork(AGENT, [], {
      execArgv: [...process.execArgv, ...extraNodeArgs, ...fromEnv],
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
