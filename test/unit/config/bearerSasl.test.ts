// Issue 12 point 3: OAUTHBEARER (OIDC client credentials) and AWS MSK IAM settings, from the
// mirrorwatch YAML and from mm2.properties as MM2 configures its clients (Kafka 3.x and 4.x class
// names, JAAS options or the client.credentials properties, config provider variables), and the
// secret kept out of every output that prints configuration.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCheckConfig } from '../../../src/cli/checkConfigCommand.js';
import { runLint } from '../../../src/cli/lintCommand.js';
import { ConfigError, loadConfig } from '../../../src/config/load.js';
import { redactCluster } from '../../../src/config/redact.js';
import type { ClusterConfig, MirrorwatchConfig } from '../../../src/core/types.js';
import { fakeIo } from '../cli/helpers.js';
import { tempFiles } from './helpers.js';

const SECRET = 'OidcClientSecret-5b7e';

function yamlConfig(yaml: string, env: NodeJS.ProcessEnv = {}, files: Record<string, string> = {}): MirrorwatchConfig {
  const dir = tempFiles({ 'mirrorwatch.yaml': yaml, ...files });
  return loadConfig(path.join(dir, 'mirrorwatch.yaml'), env);
}

function yamlProblems(yaml: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    yamlConfig(yaml, env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => `${p.path ?? ''}: ${p.message}`);
    throw e;
  }
  return [];
}

const twoClusters = (sasl: string[]): string =>
  ['clusters:', '  - alias: a', '    bootstrapServers: 127.0.0.1:9092', '    sasl:', ...sasl.map((l) => `      ${l}`), '  - alias: b', '    bootstrapServers: 127.0.0.1:9093', 'flows:', '  - { source: a, target: b }'].join('\n');

function propsConfig(props: string[], env: NodeJS.ProcessEnv = {}): MirrorwatchConfig {
  const dir = tempFiles({
    'mm2.properties': `${['clusters = a, b', 'b.bootstrap.servers = 127.0.0.1:9093', 'a->b.enabled = true', ...props].join('\n')}\n`,
    'mirrorwatch.yaml': 'mm2Properties: mm2.properties\n',
  });
  return loadConfig(path.join(dir, 'mirrorwatch.yaml'), env);
}

const saslOf = (c: MirrorwatchConfig, alias = 'a'): ClusterConfig['sasl'] => c.clusters.find((x) => x.alias === alias)?.sasl;

describe('OAUTHBEARER in the YAML file', () => {
  it('reads the token endpoint, client id, secret (variable, env or file), scope, extensions and Kafka-named tunables', () => {
    const base = ['mechanism: OAUTHBEARER', 'tokenEndpointUrl: https://idp.example/realms/k/protocol/openid-connect/token', 'clientId: mirrorwatch', 'scope: kafka'];
    const viaVariable = yamlConfig(twoClusters([...base, 'clientSecret: "${env:OIDC_SECRET}"', 'extensions: { logicalCluster: lkc-1 }', 'refreshWindowFactor: 0.9', 'retryBackoff: 250ms', 'retryBackoffMax: 5s', 'headerUrlencode: true']), { OIDC_SECRET: SECRET });
    expect(saslOf(viaVariable)).toEqual({
      mechanism: 'oauthbearer',
      tokenEndpointUrl: 'https://idp.example/realms/k/protocol/openid-connect/token',
      clientId: 'mirrorwatch',
      clientSecret: SECRET,
      scope: 'kafka',
      extensions: { logicalCluster: 'lkc-1' },
      headerUrlencode: true,
      refreshWindowFactor: 0.9,
      retryBackoffMs: 250,
      retryBackoffMaxMs: 5000,
    });
    const viaEnv = yamlConfig(twoClusters([...base, 'clientSecretEnv: OIDC_SECRET']), { OIDC_SECRET: SECRET });
    // Kafka's defaults: refresh at 80 % of the lifetime, backoff 100 ms doubling to 10 s, no URL-encoding.
    expect(saslOf(viaEnv)).toMatchObject({ clientSecret: SECRET, refreshWindowFactor: 0.8, retryBackoffMs: 100, retryBackoffMaxMs: 10_000, headerUrlencode: false });
    const viaFile = yamlConfig(twoClusters([...base, 'clientSecretFile: oidc.secret']), {}, { 'oidc.secret': `${SECRET}\n` });
    expect(saslOf(viaFile)).toMatchObject({ clientSecret: SECRET });
  });

  it('refuses what is missing, misplaced or written in the file, naming the key and never echoing the secret', () => {
    expect(yamlProblems(twoClusters(['mechanism: oauthbearer', 'clientId: x', 'clientSecretEnv: S']), { S: 's' })).toEqual(['clusters[0].sasl.tokenEndpointUrl: required for oauthbearer']);
    expect(yamlProblems(twoClusters(['mechanism: oauthbearer', 'tokenEndpointUrl: https://idp/token', 'clientId: x']))).toEqual([
      'clusters[0].sasl: set one of clientSecret (a config provider variable such as ${env:NAME}, ${file:/path/to/file.properties:key} or ${dir:/path/to/dir:file}), clientSecretEnv (an environment variable\'s name) or clientSecretFile (a file holding it)',
    ]);
    const inline = yamlProblems(twoClusters(['mechanism: oauthbearer', 'tokenEndpointUrl: https://idp/token', 'clientId: x', `clientSecret: ${SECRET}`]));
    expect(inline).toEqual([expect.stringMatching(/^clusters\[0\]\.sasl\.clientSecret: a secret is not written in the file/)]);
    expect(inline.join('\n')).not.toContain(SECRET);
    expect(yamlProblems(twoClusters(['mechanism: oauthbearer', 'tokenEndpointUrl: ftp://idp/token', 'clientId: x', 'clientSecretEnv: S']), { S: 's' })).toEqual([
      'clusters[0].sasl.tokenEndpointUrl: expected an http:// or https:// URL',
    ]);
    expect(yamlProblems(twoClusters(['mechanism: oauthbearer', 'tokenEndpointUrl: https://idp/token', 'clientId: x', 'clientSecretEnv: S', 'username: u']), { S: 's' })).toEqual([
      'clusters[0].sasl.username: username is not a setting of oauthbearer (it belongs to plain and scram)',
    ]);
    expect(yamlProblems(twoClusters(['mechanism: scram-sha-512', 'username: u', 'passwordEnv: P', 'clientId: x']), { P: 'p' })).toEqual([
      'clusters[0].sasl.clientId: clientId is not a setting of scram-sha-512 (it belongs to oauthbearer)',
    ]);
    expect(yamlProblems(twoClusters(['mechanism: oauthbearer', 'tokenEndpointUrl: https://idp/token', 'clientId: x', 'clientSecretEnv: S']))).toEqual([
      'clusters[0].sasl.clientSecretEnv: environment variable S is not set',
    ]);
  });
});

describe('AWS MSK IAM in the YAML file', () => {
  it('takes the region, a profile or a role; the region defaults to the one the MSK host names say, then AWS_REGION', () => {
    expect(saslOf(yamlConfig(twoClusters(['mechanism: aws-msk-iam', 'region: eu-west-1', 'roleArn: arn:aws:iam::123456789012:role/mirrorwatch', 'roleSessionName: mw'])))).toEqual({
      mechanism: 'aws-msk-iam',
      region: 'eu-west-1',
      roleArn: 'arn:aws:iam::123456789012:role/mirrorwatch',
      roleSessionName: 'mw',
    });
    const msk = ['clusters:', '  - alias: a', '    bootstrapServers: b-1.prod.abc123.c2.kafka.ap-southeast-2.amazonaws.com:9098', '    sasl: { mechanism: aws-msk-iam, profile: ops }', '  - { alias: b, bootstrapServers: 127.0.0.1:9093 }', 'flows:', '  - { source: a, target: b }'].join('\n');
    expect(saslOf(yamlConfig(msk))).toEqual({ mechanism: 'aws-msk-iam', region: 'ap-southeast-2', profile: 'ops' });
    expect(saslOf(yamlConfig(twoClusters(['mechanism: aws-msk-iam']), { AWS_REGION: 'us-west-2' }))).toEqual({ mechanism: 'aws-msk-iam', region: 'us-west-2' });
    expect(yamlProblems(twoClusters(['mechanism: aws-msk-iam']))).toEqual([
      "clusters[0].sasl: cluster a: AWS MSK IAM needs the cluster's AWS region: set it (region), use the MSK broker host names, or set AWS_REGION",
    ]);
    expect(yamlProblems(twoClusters(['mechanism: aws-msk-iam', 'region: us-east-1', 'profile: p', 'roleArn: arn:aws:iam::123456789012:role/r']))).toEqual(['clusters[0].sasl.profile: set either profile or roleArn, not both']);
    expect(yamlProblems(twoClusters(['mechanism: aws-msk-iam', 'region: Virginia']))).toEqual(['clusters[0].sasl.region: expected an AWS region such as us-east-1']);
  });
});

describe('OAUTHBEARER and AWS MSK IAM from mm2.properties', () => {
  const oidc = (handler: string, jaasOptions: string, extra: string[] = []): string[] => [
    'a.bootstrap.servers = 127.0.0.1:9092',
    'a.security.protocol = SASL_SSL',
    'a.sasl.mechanism = OAUTHBEARER',
    'a.sasl.oauthbearer.token.endpoint.url = https://idp.example/oauth2/token',
    `a.sasl.login.callback.handler.class = ${handler}`,
    `a.sasl.jaas.config = org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required ${jaasOptions};`,
    ...extra,
  ];

  it('reads the JAAS clientId, clientSecret, scope and extension_ options with Kafka 3.4+ and 3.1-3.3 handler class names', () => {
    for (const handler of ['org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler', 'org.apache.kafka.common.security.oauthbearer.secured.OAuthBearerLoginCallbackHandler']) {
      const c = propsConfig(
        oidc(handler, 'clientId="mm2" clientSecret="${env:MM2_OIDC_SECRET}" scope="kafka-cluster" extension_logicalCluster="lkc-42"', [
          'config.providers = env',
          'config.providers.env.class = org.apache.kafka.common.config.provider.EnvVarConfigProvider',
          'a.sasl.login.refresh.window.factor = 0.75',
          'a.sasl.login.retry.backoff.ms = 500',
          'a.sasl.login.retry.backoff.max.ms = 20000',
          'a.sasl.login.refresh.buffer.seconds = 60',
        ]),
        { MM2_OIDC_SECRET: SECRET },
      );
      expect(saslOf(c), handler).toEqual({
        mechanism: 'oauthbearer',
        tokenEndpointUrl: 'https://idp.example/oauth2/token',
        clientId: 'mm2',
        clientSecret: SECRET,
        scope: 'kafka-cluster',
        extensions: { logicalCluster: 'lkc-42' },
        headerUrlencode: false,
        refreshWindowFactor: 0.75,
        retryBackoffMs: 500,
        retryBackoffMaxMs: 20_000,
      });
      // Every OAUTHBEARER key it read or knowingly leaves to its own defaults: no "ignored" warning.
      expect(c.warnings.filter((w) => w.message.includes('cluster a'))).toEqual([]);
    }
  });

  it("reads Kafka 4's sasl.oauthbearer.client.credentials.* and sasl.oauthbearer.scope when the JAAS line has no options", () => {
    const c = propsConfig(
      oidc('org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler', '', [
        'a.sasl.oauthbearer.client.credentials.client.id = mm2',
        `a.sasl.oauthbearer.client.credentials.client.secret = ${SECRET}`,
        'a.sasl.oauthbearer.scope = kafka',
        'a.sasl.oauthbearer.header.urlencode = true',
      ]),
    );
    expect(saslOf(c)).toMatchObject({ clientId: 'mm2', clientSecret: SECRET, scope: 'kafka', headerUrlencode: true });
  });

  it("reads Strimzi's kafka-oauth client (JaasClientOauthLoginCallbackHandler and its oauth.* JAAS options)", () => {
    const strimzi = (options: string): MirrorwatchConfig =>
      propsConfig([
        'a.bootstrap.servers = 127.0.0.1:9092',
        'a.security.protocol = SASL_SSL',
        'a.sasl.mechanism = OAUTHBEARER',
        'a.sasl.login.callback.handler.class = io.strimzi.kafka.oauth.client.JaasClientOauthLoginCallbackHandler',
        `a.sasl.jaas.config = org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required ${options};`,
      ]);
    const c = strimzi(`oauth.token.endpoint.uri="https://sso/realms/k/protocol/openid-connect/token" oauth.client.id="mm2" oauth.client.secret="${SECRET}" oauth.scope="kafka"`);
    expect(saslOf(c)).toMatchObject({ mechanism: 'oauthbearer', tokenEndpointUrl: 'https://sso/realms/k/protocol/openid-connect/token', clientId: 'mm2', clientSecret: SECRET, scope: 'kafka' });
    const refresh = strimzi('oauth.token.endpoint.uri="https://sso/token" oauth.client.id="mm2" oauth.refresh.token="r"');
    expect(saslOf(refresh)).toBeUndefined();
    expect(refresh.warnings.map((w) => w.message)).toContain(
      'cluster a: sasl.jaas.config option oauth.refresh.token is not supported by mirrorwatch (it uses the client credentials grant: oauth.token.endpoint.uri, oauth.client.id, oauth.client.secret); connecting without SASL',
    );
    expect(JSON.stringify(c.warnings)).not.toContain(SECRET);
  });

  it('warns, naming the cluster and the key, about OAUTHBEARER it cannot reproduce', () => {
    const unsecured = propsConfig(['a.bootstrap.servers = 127.0.0.1:9092', 'a.security.protocol = SASL_PLAINTEXT', 'a.sasl.mechanism = OAUTHBEARER', 'a.sasl.jaas.config = org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="admin";']);
    expect(saslOf(unsecured)).toBeUndefined();
    expect(unsecured.warnings.map((w) => w.message)).toContain(
      "cluster a: OAUTHBEARER without sasl.oauthbearer.token.endpoint.url (Kafka's unsecured test tokens) is not supported by mirrorwatch; connecting without SASL",
    );
    const custom = propsConfig(oidc('com.example.MyLoginHandler', 'clientId="x" clientSecret="y"'));
    expect(saslOf(custom)).toBeUndefined();
    expect(custom.warnings.find((w) => w.key === 'a.sasl.login.callback.handler.class')?.message).toMatch(/^cluster a: sasl.login.callback.handler.class com.example.MyLoginHandler is not supported by mirrorwatch/);
    const noSecret = propsConfig(oidc('org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler', 'clientId="x"'));
    expect(saslOf(noSecret)).toBeUndefined();
    expect(noSecret.warnings.map((w) => w.message)).toContain(
      'cluster a: OAUTHBEARER needs clientId and clientSecret (sasl.jaas.config options, or sasl.oauthbearer.client.credentials.client.id / .secret); connecting without SASL',
    );
  });

  it("maps AWS_MSK_IAM with IAMLoginModule and OAUTHBEARER with Amazon's IAMOAuthBearerLoginCallbackHandler to the signer, region from the host names", () => {
    const host = 'a.bootstrap.servers = b-1.prod.xyz.c3.kafka.eu-central-1.amazonaws.com:9098,b-2.prod.xyz.c3.kafka.eu-central-1.amazonaws.com:9098';
    const legacy = propsConfig([
      host,
      'a.security.protocol = SASL_SSL',
      'a.sasl.mechanism = AWS_MSK_IAM',
      'a.sasl.jaas.config = software.amazon.msk.auth.iam.IAMLoginModule required awsProfileName="mirror";',
      'a.sasl.client.callback.handler.class = software.amazon.msk.auth.iam.IAMClientCallbackHandler',
    ]);
    expect(saslOf(legacy)).toEqual({ mechanism: 'aws-msk-iam', region: 'eu-central-1', profile: 'mirror' });
    const oauth = propsConfig([
      host,
      'a.security.protocol = SASL_SSL',
      'a.sasl.mechanism = OAUTHBEARER',
      'a.sasl.jaas.config = org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required awsRoleArn="arn:aws:iam::123456789012:role/mm2" awsRoleSessionName="mm2";',
      'a.sasl.login.callback.handler.class = software.amazon.msk.auth.iam.IAMOAuthBearerLoginCallbackHandler',
      'a.sasl.client.callback.handler.class = software.amazon.msk.auth.iam.IAMOAuthBearerLoginCallbackHandler',
    ]);
    expect(saslOf(oauth)).toEqual({ mechanism: 'aws-msk-iam', region: 'eu-central-1', roleArn: 'arn:aws:iam::123456789012:role/mm2', roleSessionName: 'mm2' });
    expect(oauth.warnings.filter((w) => w.message.includes('cluster a'))).toEqual([]);
  });
});

describe('the client secret stays inside the process', () => {
  it('redactCluster, check-config (text and JSON) and lint print no secret', async () => {
    const dir = tempFiles({
      'mm2.properties': `${[
        'clusters = a, b',
        'a.bootstrap.servers = 127.0.0.1:9092',
        'b.bootstrap.servers = 127.0.0.1:9093',
        'a->b.enabled = true',
        'a.security.protocol = SASL_SSL',
        'a.sasl.mechanism = OAUTHBEARER',
        'a.sasl.oauthbearer.token.endpoint.url = https://idp.example/token',
        'a.sasl.login.callback.handler.class = org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler',
        `a.sasl.jaas.config = org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientId="mm2" clientSecret="${SECRET}";`,
      ].join('\n')}\n`,
      'mirrorwatch.yaml': 'mm2Properties: mm2.properties\n',
    });
    const config = loadConfig(path.join(dir, 'mirrorwatch.yaml'), {});
    expect(saslOf(config)).toMatchObject({ clientSecret: SECRET });
    expect(JSON.stringify(redactCluster(config.clusters[0]!))).not.toContain(SECRET);
    expect(redactCluster(config.clusters[0]!).sasl).toMatchObject({ clientSecret: '[redacted]', clientId: 'mm2' });
    for (const json of [false, true]) {
      let out = '';
      runCheckConfig({ config: path.join(dir, 'mirrorwatch.yaml'), json }, {}, { write: (s: string) => (out += s) }, { write: (s: string) => (out += s) });
      expect(out).toContain(json ? '"clientSecret": "[redacted]"' : 'cluster a: SASL OAUTHBEARER, client mm2, token endpoint https://idp.example/token');
      expect(out).not.toContain(SECRET);
    }
    const io = fakeIo([]);
    await runLint(path.join(dir, 'mm2.properties'), {}, io);
    expect(`${io.out()}${io.err()}`).not.toContain(SECRET);
  });
});

describe('Strimzi KafkaMirrorMaker2 authentication type oauth', () => {
  const resource = (auth: string): string => `apiVersion: kafka.strimzi.io/v1beta2
kind: KafkaMirrorMaker2
spec:
  connectCluster: b
  clusters:
    - alias: a
      bootstrapServers: "a:9093"
      authentication: ${auth}
    - {alias: b, bootstrapServers: "b:9092"}
  mirrors: [{sourceCluster: a, targetCluster: b, sourceConnector: {}}]
`;

  it('takes tokenEndpointUri, clientId, scope and the client secret from the mapped Secret', () => {
    const dir = tempFiles({
      'kmm2.yaml': resource('{type: oauth, tokenEndpointUri: "https://sso.example/realms/kafka/protocol/openid-connect/token", clientId: mm2, scope: kafka, clientSecret: {secretName: mm2-oauth, key: secret}}'),
      'mirrorwatch.yaml': 'mm2Properties: kmm2.yaml\n',
    });
    const c = loadConfig(path.join(dir, 'mirrorwatch.yaml'), { MIRRORWATCH_SECRET_MM2_OAUTH_SECRET: SECRET });
    expect(saslOf(c)).toMatchObject({ mechanism: 'oauthbearer', tokenEndpointUrl: 'https://sso.example/realms/kafka/protocol/openid-connect/token', clientId: 'mm2', clientSecret: SECRET, scope: 'kafka' });
  });

  it('refuses the grants it does not implement, naming the field', () => {
    const dir = tempFiles({ 'kmm2.yaml': resource('{type: oauth, tokenEndpointUri: "https://sso/token", refreshToken: {secretName: s, key: k}}'), 'mirrorwatch.yaml': 'mm2Properties: kmm2.yaml\n' });
    let err: unknown;
    try {
      loadConfig(path.join(dir, 'mirrorwatch.yaml'), {});
    } catch (e) {
      err = e;
    }
    expect((err as ConfigError).problems.map((p) => `${p.path}: ${p.message}`)).toContain(
      'spec.clusters[0].authentication.refreshToken: OAuth with refreshToken is not supported by mirrorwatch: it uses the client credentials grant (tokenEndpointUri, clientId, clientSecret)',
    );
  });
});
