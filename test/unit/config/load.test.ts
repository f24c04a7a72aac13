import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/load.js';
import { compileTopicFilter } from '../../../src/core/topicFilter.js';
import { CERT, KEY, tempFiles } from './helpers.js';

const MINIMAL = `
clusters:
  - alias: us-east
    bootstrapServers: [east1:9092, east2:9092]
  - alias: us-west
    bootstrapServers: west1:9092, west2:9092
flows:
  - source: us-east
    target: us-west
`;

/** Loads `config.yaml` with the given text and returns the ConfigError it must throw. */
function errorOf(files: Record<string, string>, env: NodeJS.ProcessEnv = {}, name = 'config.yaml'): ConfigError {
  const dir = tempFiles(files);
  try {
    loadConfig(path.join(dir, name), env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('loadConfig did not throw');
}

function load(files: Record<string, string>, env: NodeJS.ProcessEnv = {}, name = 'config.yaml') {
  const dir = tempFiles(files);
  return { dir, config: loadConfig(path.join(dir, name), env) };
}

describe('loadConfig: YAML', () => {
  it('applies the documented defaults', () => {
    const { dir, config } = load({ 'config.yaml': MINIMAL });
    expect(config).toEqual({
      file: path.join(dir, 'config.yaml'),
      clusters: [
        { alias: 'us-east', bootstrapServers: ['east1:9092', 'east2:9092'], clientId: 'mirrorwatch', connectionTimeoutMs: 3000, requestTimeoutMs: 5000 },
        { alias: 'us-west', bootstrapServers: ['west1:9092', 'west2:9092'], clientId: 'mirrorwatch', connectionTimeoutMs: 3000, requestTimeoutMs: 5000 },
      ],
      flows: [
        {
          source: 'us-east',
          target: 'us-west',
          topics: ['.*'],
          topicsExclude: ['.*[\\-\\.]internal', '.*\\.replica', '__.*'],
          heartbeatsExpected: true,
          // heartbeats unset = auto: decided at run time (remote heartbeats topic present or not).
          heartbeatsAuto: true,
          offsetSyncsTopicLocation: 'source',
          groups: [],
          maxLagRecords: 0,
          maxHeartbeatAgeSeconds: 30,
        },
      ],
      replicationPolicy: { kind: 'default', separator: '.' },
      poll: { intervalMs: 10000, timeoutMs: 8000, follow: true, followMaxWaitMs: 1000 },
      replicationState: { silentAfterMs: 10000, stalledAfterMs: 30000 },
      http: { host: '0.0.0.0', port: 9467 },
      granularity: 'partition',
      maxSeries: 100000,
      logLevel: 'info',
      warnings: [],
    });
  });

  it('reads every option', () => {
    const { config } = load(
      {
        'config.yaml': `
clusters:
  - alias: a
    bootstrapServers: [a:1]
    clientId: mw-test
    connectionTimeout: 1500
    requestTimeout: 2s
    tls: { caFile: pem/ca.pem, certFile: pem/c.pem, keyFile: pem/k.pem, rejectUnauthorized: false, servername: kafka.a }
    sasl: { mechanism: SCRAM-SHA-256, username: mw, passwordEnv: A_PASS }
  - alias: b
    bootstrapServers: b:1
    tls: true
    sasl: { mechanism: plain, username: u, passwordFile: pw.txt }
flows:
  - source: a
    target: b
    topics: "orders.*, payments"
    topicsExclude: [".*tmp"]
    heartbeats: false
    offsetSyncsTopicLocation: target
    groups: [billing, shipping]
    maxLagRecords: 10
    maxHeartbeatAge: 1m30s
replicationPolicy: { class: identity, separator: _ }
poll: { interval: 2m, timeout: 500ms }
http: { host: 127.0.0.1, port: 0 }
granularity: topic
maxSeries: 5000
logLevel: debug
`,
        'pem/ca.pem': CERT,
        'pem/c.pem': CERT,
        'pem/k.pem': KEY,
        'pw.txt': 'file-pass\n',
      },
      { A_PASS: 'env-pass' },
    );
    expect(config.clusters[0]).toEqual({
      alias: 'a',
      bootstrapServers: ['a:1'],
      clientId: 'mw-test',
      connectionTimeoutMs: 1500,
      requestTimeoutMs: 2000,
      tls: { ca: CERT, cert: CERT, key: KEY, rejectUnauthorized: false, servername: 'kafka.a' },
      sasl: { mechanism: 'scram-sha-256', username: 'mw', password: 'env-pass' },
    });
    expect(config.clusters[1]).toMatchObject({ tls: { rejectUnauthorized: true }, sasl: { mechanism: 'plain', username: 'u', password: 'file-pass' } });
    expect(config.flows[0]).toEqual({
      source: 'a',
      target: 'b',
      topics: ['orders.*', 'payments'],
      topicsExclude: ['.*tmp'],
      heartbeatsExpected: false,
      offsetSyncsTopicLocation: 'target',
      groups: ['billing', 'shipping'],
      maxLagRecords: 10,
      maxHeartbeatAgeSeconds: 90,
    });
    expect(config).toMatchObject({
      replicationPolicy: { kind: 'identity', separator: '_' },
      poll: { intervalMs: 120000, timeoutMs: 500 },
      http: { host: '127.0.0.1', port: 0 },
      granularity: 'topic',
      maxSeries: 5000,
      logLevel: 'debug',
    });
  });

  it('loads the shipped example', () => {
    const config = loadConfig('config/mirrorwatch.example.yaml', {});
    expect(config.clusters.map((c) => c.alias)).toEqual(['us-east', 'us-west']);
    expect(config.flows.map((f) => `${f.source}->${f.target}`)).toEqual(['us-east->us-west']);
    expect(config.warnings).toEqual([]);
  });

  it('warns when a request timeout is not below the poll timeout', () => {
    const { config } = load({ 'config.yaml': MINIMAL.replace('bootstrapServers: [east1:9092, east2:9092]', 'bootstrapServers: [east1:9092]\n    requestTimeout: 9s') });
    expect(config.warnings).toMatchObject([{ message: expect.stringContaining('cluster us-east: requestTimeout (9s) is not below poll.timeout (8s)') }]);
  });
});

describe('loadConfig: errors name the file, the key and the fix', () => {
  it('missing file', () => {
    const dir = tempFiles({});
    const file = path.join(dir, 'nope.yaml');
    expect(() => loadConfig(file, {})).toThrow(`${file}: file not found`);
  });

  it('unknown extension', () => {
    expect(errorOf({ 'config.json': '{}' }, {}, 'config.json').message).toContain('unknown file type');
  });

  it('YAML syntax error, with its line', () => {
    const e = errorOf({ 'config.yaml': 'clusters:\n  - alias: a\n    bootstrapServers: [a:1\nflows: []\n' });
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0]!.line).toBeGreaterThanOrEqual(3);
    expect(e.message).toMatch(/config\.yaml:\d+: YAML syntax error: /);
  });

  it('empty file and a top level that is not a mapping', () => {
    expect(errorOf({ 'config.yaml': '' }).message).toContain('the file is empty');
    expect(errorOf({ 'config.yaml': '- a\n- b\n' }).message).toContain('expected a mapping');
  });

  it('unknown keys, with a suggestion', () => {
    const e = errorOf({ 'config.yaml': `${MINIMAL}pol:\n  interval: 5s\n` });
    expect(e.message).toContain('config.yaml: pol: unknown key (did you mean "poll"?)');
    const e2 = errorOf({ 'config.yaml': MINIMAL.replace('target: us-west', 'target: us-west\n    maxLag: 5') });
    expect(e2.message).toContain('flows[0].maxLag: unknown key (did you mean "maxLagRecords"?)');
    const e3 = errorOf({ 'config.yaml': `${MINIMAL}http: { hots: x }\n` });
    expect(e3.message).toContain('http.hots: unknown key (did you mean "host"?)');
  });

  it('a password in the file is refused with the way to do it, and not echoed', () => {
    const e = errorOf({
      'config.yaml': MINIMAL.replace('bootstrapServers: [east1:9092, east2:9092]', 'bootstrapServers: [e:1]\n    sasl: { mechanism: plain, username: u, password: hunter2, passwordEnv: X }'),
    });
    expect(e.message).toContain('clusters[0].sasl.password: a secret is not written in the file: use a config provider variable (${env:NAME}');
    expect(e.message).toContain('clusters[0].sasl.passwordEnv: set only one of password, passwordEnv, passwordFile');
    expect(e.message).not.toContain('hunter2');
  });

  it('wrong types', () => {
    const e = errorOf({ 'config.yaml': `${MINIMAL}maxSeries: lots\nhttp: { port: 70000 }\ngranularity: partitions\n` });
    const found = e.problems.map((p) => `${p.path}: ${p.message}`).sort();
    expect(found).toEqual([
      'granularity: expected "partition" or "topic"',
      'http.port: must be 0-65535 (0 = any free port)',
      'maxSeries: expected a number, got a string',
    ]);
    const e2 = errorOf({ 'config.yaml': MINIMAL.replace('bootstrapServers: west1:9092, west2:9092', 'bootstrapServers: 9092') });
    expect(e2.message).toContain('clusters[1].bootstrapServers: expected a list of host:port strings or one comma-separated string, got a number');
  });

  it('bad bootstrap servers and aliases', () => {
    const e = errorOf({ 'config.yaml': MINIMAL.replace('[east1:9092, east2:9092]', '[east1, "east2:99999"]').replace('alias: us-west', 'alias: "us west"') });
    expect(e.message).toContain('clusters[0].bootstrapServers[0]: "east1" is not host:port');
    expect(e.message).toContain('clusters[0].bootstrapServers[1]: "east2:99999" is not host:port');
    expect(e.message).toContain('clusters[1].alias: an alias may hold');
  });

  it('missing cluster reference, same source and target, duplicates', () => {
    const e = errorOf({
      'config.yaml': `${MINIMAL}  - source: us-esat\n    target: us-west\n  - source: us-west\n    target: us-west\n  - source: us-east\n    target: us-west\n  - source: x\n    target: y\n`.replace(
        'alias: us-west',
        'alias: us-west\n    bootstrapServers: w:1\n  - alias: us-west',
      ),
    });
    const lines = e.message.split('\n');
    expect(lines[0]).toMatch(/^Invalid configuration \(\d+ problems\):$/);
    expect(e.message).toContain('clusters[2].alias: duplicate alias "us-west" (also clusters[1])');
    expect(e.message).toContain('flows[1].source: cluster "us-esat" is not defined (clusters: us-east, us-west)');
    expect(e.message).toContain('flows[2]: source and target are the same cluster "us-west"');
    expect(e.message).toContain('flows[3]: duplicate flow us-east->us-west (also flows[0])');
    expect(e.message).toContain('flows[4].source: cluster "x" is not defined');
    expect(e.message).toContain('flows[4].target: cluster "y" is not defined');
  });

  it('missing clusters, flows and bootstrap servers', () => {
    const e = errorOf({ 'config.yaml': 'poll: { interval: 10s }\n' });
    expect(e.message).toContain('clusters: required');
    expect(e.message).toContain('flows: required');
    const e2 = errorOf({ 'config.yaml': MINIMAL.replace('    bootstrapServers: [east1:9092, east2:9092]\n', '') });
    expect(e2.message).toContain('clusters[0].bootstrapServers: required');
  });

  it('bad regex, with its index', () => {
    const e = errorOf({ 'config.yaml': MINIMAL.replace('target: us-west', 'target: us-west\n    topics: [orders, "pay(ments"]\n    topicsExclude: "x, (?iu)a"') });
    expect(e.message).toContain('flows[0].topics[1]: invalid regular expression "pay(ments" at index 3: unclosed group (Java refuses it too');
    expect(e.message).toContain('flows[0].topicsExclude[1]: regular expression "(?iu)a" at index 0 cannot be evaluated exactly as Java does: Unicode case folding');
  });

  it('Java regex syntax loads and selects what MM2 selects', () => {
    const { config } = load({ 'config.yaml': MINIMAL.replace('target: us-west', 'target: us-west\n    topics: ["(?i)orders", "\\\\p{Alpha}+-v\\\\d"]') });
    const f = compileTopicFilter(config.flows[0]!.topics, []);
    expect(f.ok && ['ORDERS', 'abc-v1', 'ab1-v1'].map((t) => f.filter.matches(t))).toEqual([true, true, false]);
  });

  it('a regex with a comma: cut in a string as MM2 cuts it, refused in a list', () => {
    const e = errorOf({ 'config.yaml': MINIMAL.replace('target: us-west', 'target: us-west\n    topics: "orders, a{1,3}"') });
    expect(e.message).toContain('flows[0].topics[1]: invalid regular expression "a{1"');
    expect(e.message).toContain('MM2 splits list values at every comma, so "a{1,3}" becomes "a{1" and "3}"');
    const e2 = errorOf({ 'config.yaml': MINIMAL.replace('target: us-west', 'target: us-west\n    topics: [orders, "a{1,3}"]') });
    expect(e2.message).toContain('flows[0].topics[1]: "a{1,3}" contains a comma: MM2 splits its list settings at every comma');
  });

  it('bad durations', () => {
    const e = errorOf({ 'config.yaml': `${MINIMAL}poll: { interval: 10 seconds, timeout: -5 }\n` });
    expect(e.message).toContain('poll.interval: "10 seconds" is not a positive duration: use e.g. "500ms"');
    expect(e.message).toContain('poll.timeout: -5 is not a positive duration');
    expect(errorOf({ 'config.yaml': `${MINIMAL}poll: { interval: [1] }\n` }).message).toContain('poll.interval: expected a duration');
  });

  it('timeout >= interval, naming defaults when they are in play', () => {
    expect(errorOf({ 'config.yaml': `${MINIMAL}poll: { interval: 5s, timeout: 5s }\n` }).message).toContain(
      'poll.timeout: poll.timeout (5s) must be shorter than poll.interval (5s)',
    );
    expect(errorOf({ 'config.yaml': `${MINIMAL}poll: { interval: 5s }\n` }).message).toContain('poll.timeout (default 8s) must be shorter than poll.interval (5s)');
  });

  it('missing password environment variable, named without any value', () => {
    const yaml = MINIMAL.replace('bootstrapServers: [east1:9092, east2:9092]', 'bootstrapServers: [e:1]\n    sasl: { mechanism: plain, username: u, passwordEnv: EAST_PASS }');
    expect(errorOf({ 'config.yaml': yaml }, { OTHER: 'x' }).message).toContain('clusters[0].sasl.passwordEnv: environment variable EAST_PASS is not set');
    expect(errorOf({ 'config.yaml': yaml }, { EAST_PASS: '' }).message).toContain('environment variable EAST_PASS is empty');
    const { config } = load({ 'config.yaml': yaml }, { EAST_PASS: 'p' });
    expect(config.clusters[0]!.sasl?.password).toBe('p');
  });

  it('both or neither password source', () => {
    const yaml = MINIMAL.replace('bootstrapServers: [east1:9092, east2:9092]', 'bootstrapServers: [e:1]\n    sasl: { mechanism: plain, username: u }');
    expect(errorOf({ 'config.yaml': yaml }).message).toContain('clusters[0].sasl: set one of password (a config provider variable');
  });

  it('missing password file and PEM files, and files that hold no PEM', () => {
    const yaml = MINIMAL.replace(
      'bootstrapServers: [east1:9092, east2:9092]',
      'bootstrapServers: [e:1]\n    sasl: { mechanism: plain, username: u, passwordFile: missing.txt }\n    tls: { caFile: ca.pem, keyFile: key.pem }',
    );
    const e = errorOf({ 'config.yaml': yaml, 'key.pem': CERT });
    expect(e.message).toMatch(/clusters\[0\]\.sasl\.passwordFile: cannot read password file .*missing\.txt: no such file/);
    expect(e.message).toMatch(/clusters\[0\]\.tls\.caFile: cannot read certificate file .*ca\.pem: no such file/);
    expect(e.message).toMatch(/clusters\[0\]\.tls\.keyFile: .*key\.pem holds no PEM private key/);
  });

  it('reports several problems at once', () => {
    const e = errorOf({ 'config.yaml': `${MINIMAL}granularity: x\nlogLevel: loud\nbogus: 1\n` });
    expect(e.problems.length).toBe(3);
  });
});

describe('loadConfig: mm2.properties', () => {
  it('loads the active-passive example directly, with its warning', () => {
    const config = loadConfig('config/examples/active-passive.properties', {});
    expect(config.clusters.map((c) => c.alias)).toEqual(['primary', 'secondary']);
    expect(config.flows).toMatchObject([{ source: 'primary', target: 'secondary', heartbeatsExpected: false, maxLagRecords: 0, maxHeartbeatAgeSeconds: 30 }]);
    expect(config.warnings).toMatchObject([{ file: 'config/examples/active-passive.properties', line: 7, key: 'secondary->primary.enabled' }]);
    expect(config.poll).toEqual({ intervalMs: 10000, timeoutMs: 8000, follow: true, followMaxWaitMs: 1000 });
  });

  it('loads the active-active example directly', () => {
    const config = loadConfig('config/examples/active-active.properties', {});
    expect(config.flows.map((f) => [f.source, f.target, f.heartbeatsExpected])).toEqual([
      ['us-east', 'us-west', true],
      ['us-west', 'us-east', true],
    ]);
    expect(config.warnings).toEqual([]);
  });

  it('loads the shipped mm2Properties example with YAML refinements', () => {
    const config = loadConfig('config/examples/mm2-properties.yaml', {});
    expect(config.flows).toMatchObject([{ source: 'primary', target: 'secondary', groups: ['billing', 'shipping'], maxLagRecords: 1000, maxHeartbeatAgeSeconds: 60, heartbeatsExpected: false }]);
    expect(config.clusters[1]).toMatchObject({ alias: 'secondary', requestTimeoutMs: 4000, bootstrapServers: ['kafka-secondary1:9092', 'kafka-secondary2:9092', 'kafka-secondary3:9092'] });
    expect(config.poll).toEqual({ intervalMs: 15000, timeoutMs: 10000, follow: true, followMaxWaitMs: 1000 });
    expect(config.warnings).toMatchObject([{ file: path.join('config/examples', 'active-passive.properties'), line: 7 }]);
  });

  it('YAML overrides properties field by field and warns when it contradicts MM2', () => {
    const { config } = load({
      'mm2/mm2.properties': 'clusters = A, B\nA.bootstrap.servers = a:9092\nB.bootstrap.servers = b:9092\nA->B.enabled = true\nB->A.emit.heartbeats.enabled = false\nA.security.protocol = SASL_PLAINTEXT\nA.sasl.mechanism = PLAIN\nA.sasl.jaas.config = org.apache.kafka.common.security.plain.PlainLoginModule required username="mm2" password="mm2-secret";\n',
      'config.yaml': 'mm2Properties: mm2/mm2.properties\nclusters:\n  - alias: B\n    bootstrapServers: [b-readonly:9092]\nflows:\n  - source: A\n    target: B\n    heartbeats: true\n    topics: [orders]\nreplicationPolicy: { class: identity }\n',
    });
    expect(config.clusters).toMatchObject([
      { alias: 'A', bootstrapServers: ['a:9092'], sasl: { mechanism: 'plain', username: 'mm2', password: 'mm2-secret' } },
      { alias: 'B', bootstrapServers: ['b-readonly:9092'] },
    ]);
    expect(config.flows).toMatchObject([{ source: 'A', target: 'B', topics: ['orders'], heartbeatsExpected: true }]);
    expect(config.replicationPolicy).toEqual({ kind: 'identity', separator: '.' });
    const text = config.warnings.map((w) => w.message).join('\n');
    expect(text).toContain('flow A->B has no heartbeat signal');
    expect(text).toContain('heartbeats: true overrides what');
    expect(text).toContain('replicationPolicy (identity, separator ".") overrides');
    expect(text).not.toContain('mm2-secret');
  });

  it('heartbeats disabled for the reverse pair gives heartbeatsExpected false', () => {
    const { config } = load(
      { 'mm2.properties': 'clusters = A, B\nA.bootstrap.servers = a:9092\nB.bootstrap.servers = b:9092\nA->B.enabled = true\nB->A.emit.heartbeats.enabled = false\n' },
      {},
      'mm2.properties',
    );
    expect(config.flows).toMatchObject([{ source: 'A', target: 'B', heartbeatsExpected: false }]);
  });

  it('YAML entries must match the properties file', () => {
    const e = errorOf({
      'mm2.properties': 'clusters = A, B\nA.bootstrap.servers = a:9092\nB.bootstrap.servers = b:9092\nA->B.enabled = true\n',
      'config.yaml': 'mm2Properties: mm2.properties\nclusters:\n  - alias: C\n    clientId: x\nflows:\n  - source: B\n    target: A\n',
    });
    expect(e.message).toMatch(/clusters\[0\]\.alias: cluster "C" is not in .*mm2\.properties \(its clusters: A, B\)/);
    expect(e.message).toMatch(/flows\[0\]: flow B->A is not enabled in .*mm2\.properties \(its flows: A->B\)/);
  });

  it('a missing properties file, named from the YAML key', () => {
    const e = errorOf({ 'config.yaml': 'mm2Properties: nowhere.properties\n' });
    expect(e.message).toMatch(/config\.yaml: mm2Properties: cannot read .*nowhere\.properties: file not found/);
  });

  it('properties problems carry file:line', () => {
    const e = errorOf({ 'mm2.properties': 'clusters = A, B\nA.bootstrap.servers = a:9092\nB.bootstrap.servers = b:9092\nA->B.enabled = true\nA->B.topics = [\n' }, {}, 'mm2.properties');
    expect(e.message).toMatch(/mm2\.properties:5: A->B\.topics: invalid regular expression "\["/);
  });
});
