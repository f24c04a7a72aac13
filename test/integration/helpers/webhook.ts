// The receiving end of Alertmanager's webhook integration, run by the test: records every
// notification with the time it arrived (the end point of a detection time), and appends it to a
// JSON-lines log in a harness run directory for post-mortem reading.
import { appendFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { track } from '../../harness/jvm.js';
import { newRunDir } from '../../harness/paths.js';

/** One alert of a notification (Alertmanager webhook payload version 4). */
export interface WebhookAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  fingerprint: string;
}

export interface WebhookPayload {
  version: string;
  status: 'firing' | 'resolved';
  receiver: string;
  groupKey: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  alerts: WebhookAlert[];
}

export interface WebhookNotification {
  /** Date.now() when the request body was complete. */
  receivedAtMs: number;
  payload: WebhookPayload;
}

/** One alert of one notification, with the notification's arrival time. */
export interface ReceivedAlert extends WebhookAlert {
  receivedAtMs: number;
}

export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>/alerts` */
  url: string;
  logFile: string;
  readonly notifications: readonly WebhookNotification[];
  /** Every alert of every notification, in arrival order. */
  received(): ReceivedAlert[];
  /** Requests that were not a valid notification (wrong path, method or JSON). */
  readonly rejected: readonly string[];
  stop(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const dir = newRunDir('webhook');
  const logFile = join(dir, 'notifications.jsonl');
  appendFileSync(logFile, '');
  const notifications: WebhookNotification[] = [];
  const rejected: string[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    const receivedAtMs = Date.now();
    if (req.method !== 'POST' || req.url !== '/alerts') {
      rejected.push(`${req.method} ${req.url}`);
      res.writeHead(404).end();
      return;
    }
    let payload: WebhookPayload;
    try {
      payload = JSON.parse(body) as WebhookPayload;
      if (!Array.isArray(payload.alerts)) throw new Error('no alerts array');
    } catch (err) {
      rejected.push(`POST /alerts with a body that is not a notification (${(err as Error).message}): ${body.slice(0, 200)}`);
      res.writeHead(400).end();
      return;
    }
    notifications.push({ receivedAtMs, payload });
    appendFileSync(logFile, JSON.stringify({ receivedAt: new Date(receivedAtMs).toISOString(), ...payload }) + '\n');
    res.writeHead(200).end();
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      rejected.push(`${req.method} ${req.url}: ${(err as Error).message}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('webhook receiver: no TCP address');
  const url = `http://127.0.0.1:${address.port}/alerts`;

  let stopped: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopped ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return stopped;
  };
  track({
    stopOrder: -1,
    get describe() {
      return `webhook receiver (${url}${stopped ? ', stopped' : ''}, ${notifications.length} notifications): ${logFile}`;
    },
    stop,
    killSync: () => server.close(),
  });

  return {
    url,
    logFile,
    notifications,
    rejected,
    received: () => notifications.flatMap((n) => n.payload.alerts.map((a) => ({ ...a, receivedAtMs: n.receivedAtMs }))),
    stop,
  };
}
