// Issue 12 point 1: values resolved through config providers, and store passwords, appear in no
// output that prints configuration: check-config (text and --json), lint, the daemon's log lines,
// /api/v1/config and the flows API, and error messages.
import type { PasswordSaslConfig } from '../../../src/core/types.js';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCheckConfig } from '../../../src/cli/checkConfigCommand.js';
import { runLint } from '../../../src/cli/lintCommand.js';
import { ConfigError, loadConfig } from '../../../src/config/load.js';
import { startDaemon, type Daemon } from '../../../src/daemon.js';
import { fakeIo } from '../cli/helpers.js';
import { captureLogger } from '../metrics/log-capture.js';
import { tempFiles } from './helpers.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/stores');

// Distinct per secret source, so a match says which path leaked.
const JAAS_FROM_FILE = 'JaasFromFileProvider-7d1e';
const KS_PASSWORD_FROM_ENV = 'Wr0ngKeystorePw-FromEnv-91c';
const TS_PASSWORD_FROM_DIR = 'tspass1';
const YAML_FROM_ENV = 'YamlPasswordFromEnv-3fa2';
const SECRETS = { JAAS_FROM_FILE, KS_PASSWORD_FROM_ENV, YAML_FROM_ENV };

function setUp(): { dir: string; yaml: string; env: NodeJS.ProcessEnv } {
  const dir = tempFiles({
    'secrets/kafka.properties': `mm2.password = ${JAAS_FROM_FILE}\n`,
    'secrets/dir/truststore.password': TS_PASSWORD_FROM_DIR,
  });
  for (const f of ['client.p12', 'truststore.jks']) fs.copyFileSync(path.join(FIXTURES, f), path.join(dir, f));
  const props = [
    'clusters = east, west',
    // Nothing listens on port 1: the connection is refused at once.
    'east.bootstrap.servers = 127.0.0.1:1',
    'west.bootstrap.servers = 127.0.0.1:1',
    'east->west.enabled = true',
    'config.providers = file, env, dir',
    'config.providers.file.class = org.apache.kafka.common.config.provider.FileConfigProvider',
    'config.providers.env.class = org.apache.kafka.common.config.provider.EnvVarConfigProvider',
    'config.providers.env.param.allowlist.pattern = MM2_.*',
    'config.providers.dir.class = org.apache.kafka.common.config.provider.DirectoryConfigProvider',
    'east.security.protocol = SASL_PLAINTEXT',
    'east.sasl.mechanism = SCRAM-SHA-512',
    `east.sasl.jaas.config = org.apache.kafka.common.security.scram.ScramLoginModule required username="mm2" password="\${file:${dir}/secrets/kafka.properties:mm2.password}";`,
    'west.security.protocol = SSL',
    'west.ssl.keystore.type = PKCS12',
    'west.ssl.keystore.location = client.p12',
    'west.ssl.keystore.password = ${env:MM2_KEYSTORE_PASSWORD}',
    'west.ssl.truststore.location = truststore.jks',
    `west.ssl.truststore.password = \${dir:${dir}/secrets/dir:truststore.password}`,
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'mm2.properties'), `${props}\n`);
  fs.writeFileSync(
    path.join(dir, 'mirrorwatch.yaml'),
    [
      'mm2Properties: mm2.properties',
      'clusters:',
      '  - alias: east',
      '    connectionTimeout: 300ms',
      '    requestTimeout: 400ms',
      '    sasl: { mechanism: scram-sha-512, username: mm2, password: "${env:MW_EAST_PASSWORD}" }',
      'poll: { interval: 1s, timeout: 800ms }',
    ].join('\n'),
  );
  return { dir, yaml: path.join(dir, 'mirrorwatch.yaml'), env: { MM2_KEYSTORE_PASSWORD: KS_PASSWORD_FROM_ENV, MW_EAST_PASSWORD: YAML_FROM_ENV } };
}

function expectNoSecret(where: string, text: string): void {
  for (const [name, value] of Object.entries(SECRETS)) expect(text.includes(value), `${name} found in ${where}`).toBe(false);
}

let daemon: Daemon | undefined;
afterEach(async () => {
  await daemon?.stop();
  daemon = undefined;
});

describe('provider-resolved secrets stay inside the process', () => {
  it('check-config (text and JSON) reports the unusable keystore by file and key, without any secret', () => {
    const { yaml, env, dir } = setUp();
    const config = loadConfig(yaml, env);
    // The secrets were resolved: the YAML password overrides the JAAS one, the keystore password is wrong.
    expect((config.clusters[0]!.sasl as PasswordSaslConfig | undefined)?.password).toBe(YAML_FROM_ENV);
    expect(config.clusters[1]!.tls?.unusable).toContain(`TLS keystore ${path.join(dir, 'client.p12')} (west.ssl.keystore.location, line 15) cannot be opened: wrong store password`);
    for (const json of [false, true]) {
      let out = '';
      let err = '';
      const code = runCheckConfig({ config: yaml, json }, env, { write: (s: string) => (out += s) }, { write: (s: string) => (err += s) });
      expect(code).toBe(1);
      expect(`${out}${err}`).toContain('cluster west: TLS keystore');
      expectNoSecret(`check-config${json ? ' --json' : ''}`, `${out}\n${err}`);
    }
  });

  it('lint reads the file as written and prints no resolved value', async () => {
    const { dir, env } = setUp();
    Object.assign(process.env, env);
    try {
      const io = fakeIo([]);
      await runLint(path.join(dir, 'mm2.properties'), {}, io);
      expectNoSecret('lint', `${io.out()}\n${io.err()}`);
    } finally {
      for (const k of Object.keys(env)) delete process.env[k];
    }
  });

  it('errors about unresolvable variables name the variable, not what the others resolved to', () => {
    const { yaml, env } = setUp();
    let err: unknown;
    try {
      loadConfig(yaml, { ...env, MW_EAST_PASSWORD: undefined });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain('clusters[0].sasl.password: ${env:MW_EAST_PASSWORD} cannot be resolved: environment variable MW_EAST_PASSWORD is not set');
    expectNoSecret('the ConfigError', (err as Error).message);
  });

  it('the daemon logs the unusable store once, serves /api/v1/config and the flows, and leaks nothing', async () => {
    const { yaml, env, dir } = setUp();
    const config = loadConfig(yaml, env);
    const log = captureLogger('debug');
    daemon = await startDaemon({ config, logger: log.logger, httpPort: 0, httpHost: '127.0.0.1' });
    // Three failed polls of west: its reason must still have been logged once.
    const deadline = Date.now() + 25_000;
    for (;;) {
      const m = /mirrorwatch_poll_errors_total\{cluster="west",kind="tls"\} (\d+)/.exec(await (await fetch(`${daemon.address.url}/metrics`)).text());
      if (m && Number(m[1]) >= 3) break;
      if (Date.now() > deadline) throw new Error(`west did not fail three polls: ${m?.[0] ?? 'no poll error counted'}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const answers: string[] = [];
    for (const p of ['/api/v1/config', '/api/v1/flows', '/api/v1/flows/east/west', '/metrics']) {
      const res = await fetch(`${daemon.address.url}${p}`);
      answers.push(await res.text());
    }
    const configJson = JSON.parse(answers[0]!) as { clusters: { alias: string; sasl?: { password: string }; tls?: { keystore?: unknown; unusable?: string } }[] };
    expect((configJson.clusters[0]!.sasl as PasswordSaslConfig | undefined)?.password).toBe('[redacted]');
    expect(configJson.clusters[1]!.tls?.keystore).toEqual({ file: path.join(dir, 'client.p12'), type: 'PKCS12' });
    expect(answers[3]).toMatch(/mirrorwatch_cluster_up\{cluster="west"\} 0/);
    const westLines = log.lines().filter((l) => l.cluster === 'west' && (l.level as number) >= 40);
    expect(westLines.map((l) => l.msg)).toEqual([
      `poll of cluster west failed: TLS keystore ${path.join(dir, 'client.p12')} (west.ssl.keystore.location, line 15) cannot be opened: wrong store password (integrity check failed)`,
    ]);
    expectNoSecret('the daemon log and its answers', `${log.text()}\n${answers.join('\n')}`);
  }, 40_000);
});
