// The fault-injection proxy of the harness, against an echo server on loopback.
import { createServer, Socket } from 'node:net';
import type { Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxy } from '../../harness/proxy.js';
import type { TcpProxy } from '../../harness/proxy.js';

let echo: Server;
let echoPort: number;
const proxies: TcpProxy[] = [];

beforeAll(async () => {
  echo = createServer((s) => {
    s.on('error', () => {});
    s.pipe(s);
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
  echoPort = (echo.address() as { port: number }).port;
});

afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close()));
  await new Promise<void>((r) => echo.close(() => r()));
});

async function proxy(): Promise<TcpProxy> {
  const p = await startProxy({ targetPort: echoPort, name: 'test' });
  proxies.push(p);
  return p;
}

function connect(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = new Socket();
    s.once('error', reject);
    s.connect(port, '127.0.0.1', () => {
      s.off('error', reject);
      resolve(s);
    });
  });
}

/** Sends `text` and resolves with what comes back within `ms` (null when nothing does). */
function roundTrip(s: Socket, text: string, ms = 1000, want = text.length): Promise<{ reply: string | null; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    let got = '';
    const onData = (d: Buffer): void => {
      got += d.toString();
      if (got.length >= want) done(got);
    };
    const timer = setTimeout(() => done(null), ms);
    const done = (reply: string | null): void => {
      clearTimeout(timer);
      s.off('data', onData);
      resolve({ reply, ms: Date.now() - started });
    };
    s.on('data', onData);
    s.write(text);
  });
}

describe('tcp proxy', () => {
  it('passes bytes both ways', async () => {
    const p = await proxy();
    const s = await connect(p.port);
    expect((await roundTrip(s, 'hello')).reply).toBe('hello');
    expect(p.stats().open).toBe(1);
    s.destroy();
  });

  it('delays each chunk, keeping order', async () => {
    const p = await proxy();
    await p.setMode({ kind: 'delay', ms: 150 });
    const s = await connect(p.port);
    const r = await roundTrip(s, 'abc');
    expect(r.reply).toBe('abc');
    // 150 ms out and 150 ms back.
    expect(r.ms).toBeGreaterThanOrEqual(290);
    s.destroy();
  });

  it('black-holes silently, then resumes the same connection where it stopped', async () => {
    const p = await proxy();
    const s = await connect(p.port);
    expect((await roundTrip(s, 'one')).reply).toBe('one');
    await p.setMode({ kind: 'blackhole' });
    const lost = roundTrip(s, 'two', 3000);
    // A new connection is accepted but leads nowhere.
    const other = await connect(p.port);
    expect((await roundTrip(other, 'x', 300)).reply).toBeNull();
    await new Promise((r) => setTimeout(r, 300));
    await p.setMode({ kind: 'pass' });
    const r = await lost;
    expect(r.reply).toBe('two');
    expect(r.ms).toBeGreaterThanOrEqual(250);
    // The connection made during the black hole reaches the target now.
    expect((await roundTrip(other, 'y', 1000, 2)).reply).toBe('xy');
    s.destroy();
    other.destroy();
  });

  it('refuses: open connections are reset and new ones get ECONNREFUSED, until passing again', async () => {
    const p = await proxy();
    const s = await connect(p.port);
    const closed = new Promise<void>((r) => s.once('close', () => r()));
    s.on('error', () => {});
    await p.setMode({ kind: 'refuse' });
    await closed;
    await expect(connect(p.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await p.setMode({ kind: 'pass' });
    const again = await connect(p.port);
    expect((await roundTrip(again, 'back')).reply).toBe('back');
    again.destroy();
  });

  it('closes every connection on close()', async () => {
    const p = await proxy();
    const s = await connect(p.port);
    const closed = new Promise<void>((r) => s.once('close', () => r()));
    await p.close();
    await closed;
    await expect(connect(p.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
