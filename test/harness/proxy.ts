// A TCP proxy on loopback for network-fault tests. Its mode can be switched at any time:
// - pass: bytes flow both ways;
// - delay: every chunk is held `ms` before it is forwarded (order kept), like a long link;
// - refuse: the port is closed (new connections get ECONNREFUSED) and open ones are reset;
// - blackhole: packets vanish: nothing is read or forwarded, new connections are accepted by the
//   kernel but lead nowhere, nobody is told. Switching back resumes the held connections where
//   they stopped, as TCP retransmission would after a link comes back.
// Brokers advertise the address clients reach them at: a broker meant to sit behind a proxy must
// advertise the proxy's port (see ExtraListener.advertisedPort in cluster.ts).
import { createServer, Socket } from 'node:net';
import type { Server } from 'node:net';
import { track, untrack } from './jvm.js';
import type { Tracked } from './jvm.js';

export type ProxyMode = { kind: 'pass' } | { kind: 'delay'; ms: number } | { kind: 'refuse' } | { kind: 'blackhole' };

export interface ProxyStats {
  /** Connections accepted since start. */
  accepted: number;
  /** Connections open now. */
  open: number;
  /** Most connections open at once since start (or since resetPeak()). */
  peakOpen: number;
  bytesToTarget: number;
  bytesFromTarget: number;
}

export interface TcpProxy {
  readonly name: string;
  readonly port: number;
  /** `127.0.0.1:<port>` */
  readonly address: string;
  readonly mode: ProxyMode;
  /** Switches mode; resolves once the listener is closed (refuse) or listening again. */
  setMode(mode: ProxyMode): Promise<void>;
  stats(): ProxyStats;
  resetPeak(): void;
  /** Closes the listener and every connection. Safe to call twice. */
  close(): Promise<void>;
}

export interface StartProxyOptions {
  /** What the proxy forwards to. */
  targetPort: number;
  targetHost?: string;
  /** Port to listen on (default: a free one). */
  port?: number;
  /** For messages, e.g. "mm2->us-west". */
  name?: string;
  mode?: ProxyMode;
}

/** A direction of one connection: chunks wait here while delayed or black-holed. */
interface Lane {
  from: Socket;
  to: Socket | null;
  queue: { chunk: Buffer; due: number }[];
  timer: NodeJS.Timeout | null;
  count: (n: number) => void;
}

interface Conn {
  client: Socket;
  upstream: Socket | null;
  up: Lane;
  down: Lane | null;
  closed: boolean;
}

export async function startProxy(opts: StartProxyOptions): Promise<TcpProxy> {
  const targetHost = opts.targetHost ?? '127.0.0.1';
  const name = opts.name ?? `proxy->${targetHost}:${opts.targetPort}`;
  let mode: ProxyMode = opts.mode ?? { kind: 'pass' };
  const conns = new Set<Conn>();
  const stats: ProxyStats = { accepted: 0, open: 0, peakOpen: 0, bytesToTarget: 0, bytesFromTarget: 0 };
  let server: Server | null = null;
  let port = opts.port ?? 0;
  let closed = false;

  const flowing = (): boolean => mode.kind === 'pass' || mode.kind === 'delay';

  function pump(lane: Lane): void {
    if (lane.timer) {
      clearTimeout(lane.timer);
      lane.timer = null;
    }
    if (!flowing() || !lane.to) return;
    const now = Date.now();
    while (lane.queue.length > 0) {
      const head = lane.queue[0]!;
      if (head.due > now) {
        lane.timer = setTimeout(() => pump(lane), head.due - now);
        return;
      }
      lane.queue.shift();
      if (!lane.to.destroyed) lane.to.write(head.chunk);
      lane.count(head.chunk.length);
    }
  }

  function onChunk(lane: Lane, chunk: Buffer): void {
    const delayMs = mode.kind === 'delay' ? mode.ms : 0;
    // Never earlier than the chunk before it: a shorter delay set later must not reorder bytes.
    const last = lane.queue[lane.queue.length - 1]?.due ?? 0;
    lane.queue.push({ chunk, due: Math.max(Date.now() + delayMs, last) });
    pump(lane);
  }

  function destroy(conn: Conn, reset: boolean): void {
    if (conn.closed) return;
    conn.closed = true;
    conns.delete(conn);
    stats.open = conns.size;
    for (const lane of [conn.up, conn.down]) if (lane?.timer) clearTimeout(lane.timer);
    for (const s of [conn.client, conn.upstream]) {
      if (!s) continue;
      if (reset && !s.destroyed) s.resetAndDestroy();
      else s.destroy();
    }
  }

  function connectUpstream(conn: Conn): void {
    const upstream = new Socket();
    conn.upstream = upstream;
    conn.up.to = upstream;
    const down: Lane = { from: upstream, to: conn.client, queue: [], timer: null, count: (n) => (stats.bytesFromTarget += n) };
    conn.down = down;
    upstream.on('data', (c: Buffer) => onChunk(down, c));
    upstream.on('error', () => destroy(conn, true));
    upstream.on('close', () => destroy(conn, false));
    upstream.connect(opts.targetPort, targetHost, () => pump(conn.up));
    if (!flowing()) upstream.pause();
  }

  function onConnection(client: Socket): void {
    stats.accepted++;
    const up: Lane = { from: client, to: null, queue: [], timer: null, count: (n) => (stats.bytesToTarget += n) };
    const conn: Conn = { client, upstream: null, up, down: null, closed: false };
    conns.add(conn);
    stats.open = conns.size;
    stats.peakOpen = Math.max(stats.peakOpen, stats.open);
    client.on('data', (c: Buffer) => onChunk(up, c));
    client.on('error', () => destroy(conn, true));
    client.on('close', () => destroy(conn, false));
    if (mode.kind === 'refuse') {
      destroy(conn, true);
      return;
    }
    if (mode.kind === 'blackhole') {
      // The client believes it is connected; nothing it sends goes anywhere until the link returns.
      client.pause();
      return;
    }
    connectUpstream(conn);
  }

  async function listen(): Promise<void> {
    const srv = createServer({ pauseOnConnect: false }, onConnection);
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(port, '127.0.0.1', () => {
        srv.off('error', reject);
        resolve();
      });
    });
    const addr = srv.address();
    if (typeof addr === 'object' && addr) port = addr.port;
    server = srv;
  }

  async function unlisten(): Promise<void> {
    const srv = server;
    server = null;
    if (srv) await new Promise<void>((resolve) => srv.close(() => resolve()));
  }

  if (mode.kind !== 'refuse') await listen();
  else {
    // Even a refusing proxy needs a port to advertise: reserve one by listening once.
    await listen();
    await unlisten();
  }

  const tracked: Tracked = {
    // After the brokers: MM2 and brokers stop while their links still work.
    stopOrder: 2,
    get describe() {
      return `tcp proxy ${name} (127.0.0.1:${port} -> ${targetHost}:${opts.targetPort}, ${describeMode(mode)})`;
    },
    stop: () => proxy.close(),
    killSync: () => {
      for (const c of [...conns]) destroy(c, false);
      server?.close();
    },
  };
  track(tracked);

  const proxy: TcpProxy = {
    name,
    get port() {
      return port;
    },
    get address() {
      return `127.0.0.1:${port}`;
    },
    get mode() {
      return mode;
    },
    async setMode(next: ProxyMode) {
      if (closed) throw new Error(`proxy ${name} is closed`);
      mode = next;
      if (next.kind === 'refuse') {
        // server.close() waits for open connections to end: stop accepting, reset them, then wait.
        const closing = unlisten();
        for (const c of [...conns]) destroy(c, true);
        await closing;
        return;
      }
      if (!server) await listen();
      for (const c of conns) {
        if (next.kind === 'blackhole') {
          c.client.pause();
          c.upstream?.pause();
          continue;
        }
        if (!c.upstream) connectUpstream(c);
        c.client.resume();
        c.upstream?.resume();
        pump(c.up);
        if (c.down) pump(c.down);
      }
    },
    stats: () => ({ ...stats }),
    resetPeak() {
      stats.peakOpen = stats.open;
    },
    async close() {
      if (closed) return;
      closed = true;
      untrack(tracked);
      const closing = unlisten();
      for (const c of [...conns]) destroy(c, false);
      await closing;
    },
  };
  return proxy;
}

export function describeMode(mode: ProxyMode): string {
  return mode.kind === 'delay' ? `delay ${mode.ms} ms` : mode.kind;
}
