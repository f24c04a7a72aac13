// A real Alertmanager (Debian's `prometheus-alertmanager` package) for integration tests: one
// route to one webhook, started on a free loopback port with clustering off, stopped by the
// harness teardown.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { newRunDir } from '../../harness/paths.js';
import { requireBinary, startHttpService } from './externalProcess.js';
import type { ExternalProcess } from './externalProcess.js';

export interface AlertmanagerOptions {
  /** Where every notification goes. */
  webhookUrl: string;
  /** Default "1s". */
  groupWait?: string;
  /** Default "1s". */
  groupInterval?: string;
  /** Default "1m". */
  repeatInterval?: string;
  /** Labels alerts are grouped by; default every label ("..."), so each alert is notified on its own. */
  groupBy?: string[];
}

/** An alert as Alertmanager holds it (/api/v2/alerts). */
export interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  status: { state: 'active' | 'suppressed' | 'unprocessed'; inhibitedBy?: string[]; silencedBy?: string[] };
  fingerprint?: string;
}

export interface RunningAlertmanager {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `127.0.0.1:<port>`, for Prometheus's alerting configuration. */
  hostPort: string;
  dir: string;
  configFile: string;
  logFile: string;
  process: ExternalProcess;
  alerts(): Promise<AmAlert[]>;
  stop(): Promise<void>;
}

export function alertmanagerBinary(): string {
  // Debian names the program prometheus-alertmanager; upstream tarballs call it alertmanager.
  return requireBinary('ALERTMANAGER', ['prometheus-alertmanager', 'alertmanager'], 'prometheus-alertmanager');
}

export function alertmanagerConfigYaml(opts: AlertmanagerOptions): string {
  return yaml.dump(
    {
      route: {
        receiver: 'test-webhook',
        group_by: opts.groupBy ?? ['...'],
        group_wait: opts.groupWait ?? '1s',
        group_interval: opts.groupInterval ?? '1s',
        repeat_interval: opts.repeatInterval ?? '1m',
      },
      receivers: [{ name: 'test-webhook', webhook_configs: [{ url: opts.webhookUrl, send_resolved: true }] }],
    },
    { lineWidth: -1 },
  );
}

export async function startAlertmanager(opts: AlertmanagerOptions): Promise<RunningAlertmanager> {
  return startAlertmanagerWithConfig(alertmanagerConfigYaml(opts));
}

/** An Alertmanager running the given configuration (e.g. the repository's alertmanager.yml). */
export async function startAlertmanagerWithConfig(configYaml: string): Promise<RunningAlertmanager> {
  const command = alertmanagerBinary();
  const dir = newRunDir('alertmanager');
  const configFile = join(dir, 'alertmanager.yml');
  writeFileSync(configFile, configYaml);
  const logFile = join(dir, 'alertmanager.log');
  const service = await startHttpService({
    name: 'alertmanager',
    command,
    args: (port) => [
      `--config.file=${configFile}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // Empty: no gossip cluster (it would listen on 0.0.0.0:9094 and wait for peers).
      '--cluster.listen-address=',
    ],
    dir,
    logFile,
    marker: `--config.file=${configFile}`,
    readyPath: '/-/ready',
  });
  const { url, port } = service;
  return {
    url,
    hostPort: `127.0.0.1:${port}`,
    dir,
    configFile,
    logFile,
    process: service.process,
    async alerts() {
      const res = await fetch(`${url}/api/v2/alerts`, { signal: AbortSignal.timeout(10_000) });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`GET /api/v2/alerts answered ${res.status}: ${text.slice(0, 300)}`);
      return JSON.parse(text) as AmAlert[];
    },
    stop: () => service.process.stop(),
  };
}
