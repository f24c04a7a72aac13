// Heap used after a full garbage collection, read from outside the process through the V8
// inspector (the daemon runs with --inspect on a loopback port): HeapProfiler.collectGarbage, then
// Runtime.getHeapUsage. Heap used at a random moment includes whatever garbage has not been
// collected yet and swings by tens of MB; after a forced full GC it is what the process really
// keeps, so a slope in it is a leak and not the collector's timing.

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
}

export interface HeapProbe {
  /** Bytes of heap in use right after a forced full GC. */
  usedAfterGc(): Promise<number>;
  close(): void;
}

/** Connects to the inspector listening on 127.0.0.1:`port` (the first target it lists). */
export async function connectHeapProbe(port: number, timeoutMs = 30_000): Promise<HeapProbe> {
  const deadline = Date.now() + timeoutMs;
  let wsUrl: string | undefined;
  for (;;) {
    try {
      const list = (await (await fetch(`http://127.0.0.1:${port}/json/list`, { signal: AbortSignal.timeout(2000) })).json()) as { webSocketDebuggerUrl?: string }[];
      wsUrl = list.find((t) => t.webSocketDebuggerUrl)?.webSocketDebuggerUrl;
      if (wsUrl) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`no V8 inspector on 127.0.0.1:${port} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const ws = new WebSocket(wsUrl);
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve(), { once: true });
    ws.addEventListener('error', () => reject(new Error(`cannot open ${wsUrl}`)), { once: true });
  });
  let nextId = 1;
  const pending = new Map<number, Pending>();
  ws.addEventListener('message', (ev) => {
    const msg = JSON.parse(String(ev.data)) as { id?: number; result?: unknown; error?: { message: string } };
    if (msg.id === undefined) return;
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (msg.error) p.reject(new Error(msg.error.message));
    else p.resolve(msg.result);
  });
  ws.addEventListener('close', () => {
    for (const p of pending.values()) p.reject(new Error('inspector connection closed'));
    pending.clear();
  });
  const call = (method: string, params: object = {}): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      ws.send(JSON.stringify({ id, method, params }));
      setTimeout(() => {
        if (pending.delete(id)) reject(new Error(`${method}: no answer within 30 s`));
      }, 30_000).unref();
    });
  return {
    async usedAfterGc() {
      await call('HeapProfiler.collectGarbage');
      const r = (await call('Runtime.getHeapUsage')) as { usedSize: number };
      return r.usedSize;
    },
    close() {
      ws.close();
    },
  };
}
