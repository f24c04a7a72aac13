// Config provider variables (issue 12 point 1): the syntax and semantics of Kafka's
// ConfigTransformer and its File, EnvVar and Directory providers, in mm2.properties and in YAML.
import type { PasswordSaslConfig } from '../../../src/core/types.js';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinProviders, declaredProviders, findVariables, substituteVariables, type ProviderSetting } from '../../../src/config/configProviders.js';
import { ConfigError, loadConfig } from '../../../src/config/load.js';
import { importMm2Properties } from '../../../src/config/mm2Import.js';
import { ProviderReader } from '../../../src/config/providerReaders.js';
import { tempFiles } from './helpers.js';

const settings = (lines: Record<string, string>) => (k: string): ProviderSetting | undefined => (k in lines ? { key: k, value: lines[k]!, line: 1 } : undefined);

describe('findVariables: ConfigTransformer.DEFAULT_PATTERN', () => {
  it('reads provider, path and key', () => {
    expect(findVariables('${file:/etc/kafka/secrets.properties:password}')).toEqual([
      { text: '${file:/etc/kafka/secrets.properties:password}', provider: 'file', path: '/etc/kafka/secrets.properties', key: 'password' },
    ]);
    expect(findVariables('${env:KAFKA_PASSWORD}')).toEqual([{ text: '${env:KAFKA_PASSWORD}', provider: 'env', path: '', key: 'KAFKA_PASSWORD' }]);
  });

  it('finds several variables in one value (a JAAS line)', () => {
    const v = findVariables('x required username="${dir:/run/s:user}" password="${dir:/run/s:pw}";');
    expect(v.map((x) => [x.provider, x.path, x.key])).toEqual([
      ['dir', '/run/s', 'user'],
      ['dir', '/run/s', 'pw'],
    ]);
  });

  it('ends the path at the first ":" as Java\'s lazy groups do', () => {
    // Kafka reads C as the path and /x:key as the key: such paths cannot be used with it either.
    expect(findVariables('${file:C:/x:key}')[0]).toMatchObject({ path: 'C', key: '/x:key' });
    expect(findVariables('${novariable}')).toEqual([]);
    expect(findVariables('$ {env:X} ${env:}')).toMatchObject([{ provider: 'env', key: '' }]);
  });
});

describe('substituteVariables', () => {
  it('replaces what is found and leaves the rest as written, as ConfigTransformer.replace does', () => {
    const r = substituteVariables('a=${env:A} b=${env:B} c=${env:A}', (v) => (v.key === 'A' ? { found: true, value: 'x' } : { found: false, reason: 'not set' }));
    expect(r.value).toBe('a=x b=${env:B} c=x');
    expect(r.replaced).toBe(2);
    expect(r.unresolved.map((u) => u.variable.key)).toEqual(['B']);
  });

  it('does not read replacement text as a pattern ($& stays literal)', () => {
    expect(substituteVariables('${env:A}', () => ({ found: true, value: 'p$&w$1' })).value).toBe('p$&w$1');
  });
});

describe('declaredProviders: config.providers, .class and .param.*', () => {
  it('knows the class names and the Connect plugin aliases', () => {
    const lines = {
      'config.providers': ' file , env,dir,vault,nocls',
      'config.providers.file.class': 'org.apache.kafka.common.config.provider.FileConfigProvider',
      'config.providers.env.class': 'EnvVarConfigProvider',
      'config.providers.env.param.allowlist.pattern': 'KAFKA_.*',
      'config.providers.dir.class': 'Directory',
      'config.providers.vault.class': 'com.example.VaultConfigProvider',
    };
    const p = declaredProviders(settings(lines), Object.keys(lines));
    expect([...p.keys()]).toEqual(['file', 'env', 'dir', 'vault', 'nocls']);
    expect(p.get('file')).toMatchObject({ kind: 'file' });
    expect(p.get('env')).toMatchObject({ kind: 'env', params: new Map([['allowlist.pattern', 'KAFKA_.*']]) });
    expect(p.get('dir')).toMatchObject({ kind: 'dir' });
    expect(p.get('vault')?.problem).toContain('com.example.VaultConfigProvider (config.providers.vault.class), which mirrorwatch cannot run');
    expect(p.get('nocls')?.problem).toContain('config.providers.nocls.class is not set');
  });
});

describe('ProviderReader', () => {
  const reader = (providers = builtinProviders(), env: NodeJS.ProcessEnv = {}, baseDir = '/') =>
    new ProviderReader(providers, { env, baseDir, undeclared: (v) => `undeclared ${v.provider}` });
  const one = (r: ProviderReader, text: string) => r.lookup(findVariables(text)[0]!);

  it('file: a key of a Java properties file (escapes, continuation, last duplicate wins)', () => {
    const dir = tempFiles({ 's.properties': 'password = first\npassword : p\\u00e4ss\\\n   word\nuser=u\n' });
    const r = reader();
    expect(one(r, `\${file:${dir}/s.properties:password}`)).toEqual({ found: true, value: 'p\u00e4ssword' });
    expect(one(r, `\${file:${dir}/s.properties:nope}`)).toEqual({ found: false, reason: `${dir}/s.properties has no key "nope"` });
    expect(one(r, `\${file:${dir}/missing.properties:k}`)).toEqual({ found: false, reason: `cannot read properties from ${dir}/missing.properties: no such file` });
    expect(one(r, '${file:k}')).toMatchObject({ found: false, reason: expect.stringContaining('needs a path') });
  });

  it('dir: the whole content of a file, final newline included', () => {
    const dir = tempFiles({ 'secrets/password': 'pw\n', 'secrets/sub/x': 'y' });
    const r = reader();
    expect(one(r, `\${dir:${dir}/secrets:password}`)).toEqual({ found: true, value: 'pw\n' });
    expect(one(r, `\${dir:${dir}/secrets:sub}`)).toMatchObject({ found: false, reason: expect.stringContaining('is not a regular file') });
    expect(one(r, `\${dir:${dir}/secrets:sub/x}`)).toMatchObject({ found: false, reason: expect.stringContaining('is not a file name') });
    expect(one(r, `\${dir:${dir}/secrets/password:x}`)).toMatchObject({ found: false, reason: expect.stringContaining('is not a directory') });
  });

  it('env: a variable, filtered by allowlist.pattern (whole name), with no path', () => {
    const providers = declaredProviders(
      settings({ 'config.providers': 'env', 'config.providers.env.class': 'EnvVarConfigProvider', 'config.providers.env.param.allowlist.pattern': 'KAFKA_.*' }),
      ['config.providers', 'config.providers.env.class', 'config.providers.env.param.allowlist.pattern'],
    );
    const r = reader(providers, { KAFKA_PASSWORD: 'k', OTHER: 'o', XKAFKA_Y: 'x' });
    expect(one(r, '${env:KAFKA_PASSWORD}')).toEqual({ found: true, value: 'k' });
    expect(one(r, '${env:OTHER}')).toMatchObject({ found: false, reason: expect.stringContaining('does not match config.providers.env.param.allowlist.pattern') });
    expect(one(r, '${env:XKAFKA_Y}')).toMatchObject({ found: false });
    expect(one(r, '${env:KAFKA_UNSET}')).toEqual({ found: false, reason: 'environment variable KAFKA_UNSET is not set' });
    expect(one(r, '${env:/p:KAFKA_PASSWORD}')).toMatchObject({ found: false, reason: expect.stringContaining('takes no path') });
  });

  it('allowed.paths: paths outside give nothing; a relative entry is refused', () => {
    const dir = tempFiles({ 'in/s.properties': 'k=v\n', 'out/s.properties': 'k=v\n' });
    const decl = (allowed: string) =>
      declaredProviders(
        settings({ 'config.providers': 'file', 'config.providers.file.class': 'FileConfigProvider', 'config.providers.file.param.allowed.paths': allowed }),
        ['config.providers', 'config.providers.file.class', 'config.providers.file.param.allowed.paths'],
      );
    const r = reader(decl(`${dir}/in`));
    expect(one(r, `\${file:${dir}/in/s.properties:k}`)).toEqual({ found: true, value: 'v' });
    expect(one(r, `\${file:${dir}/in/../out/s.properties:k}`)).toMatchObject({ found: false, reason: expect.stringContaining('outside config.providers.file.param.allowed.paths') });
    expect(one(reader(decl('relative/dir')), `\${file:${dir}/in/s.properties:k}`)).toMatchObject({ found: false, reason: expect.stringContaining('is not absolute') });
  });
});

const PROPS = (jaas: string, extra = '') =>
  [
    'clusters = A, B',
    'A.bootstrap.servers = ${env:A_BOOTSTRAP}',
    'B.bootstrap.servers = b:9092',
    'A->B.enabled = true',
    'config.providers = file, env, dir',
    'config.providers.file.class = org.apache.kafka.common.config.provider.FileConfigProvider',
    'config.providers.env.class = org.apache.kafka.common.config.provider.EnvVarConfigProvider',
    'config.providers.dir.class = org.apache.kafka.common.config.provider.DirectoryConfigProvider',
    'A.security.protocol = SASL_PLAINTEXT',
    'A.sasl.mechanism = SCRAM-SHA-512',
    `A.sasl.jaas.config = ${jaas}`,
    extra,
  ].join('\n');
const SCRAM = (user: string, password: string) => `org.apache.kafka.common.security.scram.ScramLoginModule required username="${user}" password="${password}";`;

describe('mm2.properties: client settings resolved as MirrorMakerConfig does', () => {
  const SECRET = 'Pr0vided-S3cret';

  it('resolves file, env and dir variables in sasl.jaas.config and bootstrap.servers', () => {
    const dir = tempFiles({ 'secrets.properties': `kafka.password = ${SECRET}\n`, 'run/user': 'mirror' });
    const imported = importMm2Properties(PROPS(SCRAM(`\${dir:${dir}/run:user}`, `\${file:${dir}/secrets.properties:kafka.password}`)), 'mm2.properties', {
      env: { A_BOOTSTRAP: 'a:9092' },
    });
    expect(imported.problems).toEqual([]);
    expect(imported.clusters[0]).toMatchObject({ bootstrapServers: ['a:9092'], sasl: { username: 'mirror', password: SECRET } });
    expect(JSON.stringify(imported.warnings)).not.toContain(SECRET);
  });

  it('an undeclared provider or a missing key is an error naming the key and the line; MM2 would use the text as written', () => {
    const dir = tempFiles({ 'secrets.properties': 'other = x\n' });
    const r = importMm2Properties(PROPS(SCRAM('u', `\${vault:secret/kafka:pw}`), `B.security.protocol = SASL_SSL\nB.sasl.mechanism = PLAIN\nB.sasl.jaas.config = ${SCRAM('u', `\${file:${dir}/secrets.properties:password}`)}`), 'mm2.properties', {
      env: { A_BOOTSTRAP: 'a:9092' },
    });
    expect(r.problems).toEqual([
      {
        file: 'mm2.properties',
        line: 11,
        path: 'A.sasl.jaas.config',
        message: '${vault:secret/kafka:pw} cannot be resolved: names config provider "vault", which is not declared (config.providers: file, env, dir), so MM2 would use the text as written',
      },
      { file: 'mm2.properties', line: 14, path: 'B.sasl.jaas.config', message: `\${file:${dir}/secrets.properties:password} cannot be resolved: ${dir}/secrets.properties has no key "password"` },
    ]);
  });

  it('a provider whose class mirrorwatch cannot run is named with its .class key', () => {
    const r = importMm2Properties(
      PROPS(SCRAM('u', '${secrets:kafka/mm2:password}'), 'config.providers = env, secrets\nconfig.providers.secrets.class = io.strimzi.kafka.KubernetesSecretConfigProvider'),
      'mm2.properties',
      { env: { A_BOOTSTRAP: 'a:9092' } },
    );
    expect(r.problems.map((p) => p.message)).toEqual([
      '${secrets:kafka/mm2:password} cannot be resolved: config provider "secrets" is io.strimzi.kafka.KubernetesSecretConfigProvider (config.providers.secrets.class), which mirrorwatch cannot run: it resolves FileConfigProvider, EnvVarConfigProvider, DirectoryConfigProvider',
    ]);
  });

  it('warns about a variable in a setting it reads as written (a topic filter)', () => {
    const r = importMm2Properties(PROPS(SCRAM('u', 'p'), 'A->B.topics = ${env:TOPICS}'), 'mm2.properties', { env: { A_BOOTSTRAP: 'a:9092', TOPICS: 'x' } });
    expect(r.warnings.map((w) => `${w.key}: ${w.message}`)).toEqual([
      'A->B.topics: A->B.topics holds a config provider variable; mirrorwatch resolves variables only in client settings (bootstrap.servers, security.protocol, sasl.*, ssl.*) and reads this value as written',
    ]);
  });

  it('loadConfig refuses an unresolved variable with the key and line, and never echoes resolved values', () => {
    const dir = tempFiles({
      'mm2.properties': PROPS(SCRAM('u', '${env:MM2_PASSWORD}'), 'A.security.protocol = ${env:PROTOCOL}'),
    });
    const file = path.join(dir, 'mm2.properties');
    const ok = loadConfig(file, { A_BOOTSTRAP: 'a:9092', MM2_PASSWORD: SECRET, PROTOCOL: 'SASL_PLAINTEXT' });
    expect((ok.clusters[0]!.sasl as PasswordSaslConfig | undefined)?.password).toBe(SECRET);
    expect(JSON.stringify(ok.warnings)).not.toContain(SECRET);
    // A resolved value Kafka refuses is quoted as written.
    const odd = loadConfig(file, { A_BOOTSTRAP: 'a:9092', MM2_PASSWORD: 'x', PROTOCOL: SECRET });
    expect(JSON.stringify(odd.warnings)).toContain('security.protocol \\"${env:PROTOCOL}\\" is not one of');
    expect(JSON.stringify(odd.warnings)).not.toContain(SECRET);
    try {
      loadConfig(file, { A_BOOTSTRAP: 'a:9092', PROTOCOL: 'SASL_PLAINTEXT' });
      throw new Error('no ConfigError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const msg = (e as Error).message;
      expect(msg).toContain(`${file}:11: A.sasl.jaas.config: \${env:MM2_PASSWORD} cannot be resolved: environment variable MM2_PASSWORD is not set`);
      expect(msg).not.toContain(SECRET);
    }
  });
});

describe('YAML: secret settings take ${provider:path:key} with the built-in file, env and dir providers', () => {
  const SECRET = 'Yaml-Pr0vided';
  const yaml = (password: string) => `
clusters:
  - alias: a
    bootstrapServers: a:9092
    sasl: { mechanism: scram-sha-512, username: u, password: ${JSON.stringify(password)} }
  - alias: b
    bootstrapServers: b:9092
flows:
  - { source: a, target: b }
`;

  it('resolves env, file (relative to the YAML file) and dir variables', () => {
    for (const [password, files] of [
      ['${env:KAFKA_PASSWORD}', {}],
      ['${file:secrets/kafka.properties:password}', { 'secrets/kafka.properties': `password=${SECRET}\n` }],
      ['${dir:secrets:password}', { 'secrets/password': SECRET }],
    ] as const) {
      const dir = tempFiles({ 'config.yaml': yaml(password), ...files });
      const config = loadConfig(path.join(dir, 'config.yaml'), { KAFKA_PASSWORD: SECRET });
      expect((config.clusters[0]!.sasl as PasswordSaslConfig | undefined)?.password, password).toBe(SECRET);
    }
  });

  it('an unknown provider or an unset variable is an error naming the setting', () => {
    const dir = tempFiles({ 'config.yaml': yaml('${vault:kv/kafka:pw}') });
    expect(() => loadConfig(path.join(dir, 'config.yaml'), {})).toThrow(
      'clusters[0].sasl.password: ${vault:kv/kafka:pw} cannot be resolved: names config provider "vault"; a mirrorwatch YAML file knows file, env and dir',
    );
    fs.writeFileSync(path.join(dir, 'config.yaml'), yaml('${env:NOPE}'));
    expect(() => loadConfig(path.join(dir, 'config.yaml'), {})).toThrow('clusters[0].sasl.password: ${env:NOPE} cannot be resolved: environment variable NOPE is not set');
  });

  it('a password written in the file is refused without echoing it', () => {
    const dir = tempFiles({ 'config.yaml': yaml('hunter2-literal') });
    let msg = '';
    try {
      loadConfig(path.join(dir, 'config.yaml'), {});
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toContain('clusters[0].sasl.password: a secret is not written in the file');
    expect(msg).not.toContain('hunter2-literal');
  });
});
