// `flows: discover` in the YAML file: what it loads to, and the errors that name the key.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/load.js';
import { tempFiles } from './helpers.js';
import { fakePort } from '../helpers/fakePort.js';

const CLUSTERS = `
clusters:
  - alias: us-east
    bootstrapServers: east1:9092
  - alias: us-west
    bootstrapServers: west1:9092
`;

const load = (text: string, files: Record<string, string> = {}) => loadConfig(path.join(tempFiles({ 'c.yaml': text, ...files }), 'c.yaml'), {});

function problems(text: string, files: Record<string, string> = {}): string[] {
  try {
    load(text, files);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems.map((p) => `${p.path ?? ''}: ${p.message}`);
  }
  throw new Error('expected a ConfigError');
}

describe('flows: discover', () => {
  it('loads with no flows, the default interval, MM2 4.x topic filter and the policy marked as not configured', () => {
    const c = load(`${CLUSTERS}flows: discover\n`);
    expect(c.flows).toEqual([]);
    expect(c.discovery).toEqual({ intervalMs: 60_000, policyConfigured: false, topics: ['.*'], topicsExclude: ['mm2.*\\.internal', '.*\\.replica', '__.*'] });
    expect(c.replicationPolicy).toEqual({ kind: 'default', separator: '.' });
  });

  it('takes discovery.interval, a configured policy and an older MM2 version', () => {
    const c = load(`${CLUSTERS}flows: discover\ndiscovery:\n  interval: 5s\nreplicationPolicy:\n  class: identity\nmm2Version: "3.9"\n`);
    expect(c.discovery).toMatchObject({ intervalMs: 5000, policyConfigured: true, topicsExclude: ['.*[\\-\\.]internal', '.*\\.replica', '__.*'] });
    expect(c.replicationPolicy.kind).toBe('identity');
  });

  it('a misspelt word is an error that says both forms and suggests discover, alongside other problems', () => {
    expect(problems(`${CLUSTERS}flows: discovr\ngranularity: nope\n`)).toEqual([
      `flows: expected a list of flows (source and target cluster aliases) or the word discover (find them from MM2's topics), got a string (did you mean "discover"?)`,
      'granularity: expected "partition" or "topic"',
    ]);
    expect(problems(`${CLUSTERS}flows: everything\n`)[0]).not.toContain('did you mean');
  });

  it('a list of flows still gets the detailed per-flow messages', () => {
    expect(problems(`${CLUSTERS}flows:\n  - source: us-east\n    target: mars\n`)).toEqual(['flows[0].target: cluster "mars" is not defined (clusters: us-east, us-west)']);
  });

  it('refuses a discovery interval under a second', () => {
    expect(problems(`${CLUSTERS}flows: discover\ndiscovery:\n  interval: 500ms\n`)).toEqual(['discovery.interval: discovery.interval (500ms) must be at least 1s']);
  });

  it('refuses discover with mm2Properties (the properties file lists the flows)', () => {
    const props = 'clusters = a, b\na.bootstrap.servers = a:9092\nb.bootstrap.servers = b:9092\na->b.enabled = true\n';
    const found = problems('mm2Properties: mm2.properties\nflows: discover\n', { 'mm2.properties': props });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^flows: flows: discover cannot be used with mm2Properties: .*mm2\.properties already says which flows MM2 runs/);
  });

  it('warns that discovery settings are ignored with a list of flows; says both ways when flows are missing', () => {
    const c = load(`${CLUSTERS}flows:\n  - source: us-east\n    target: us-west\ndiscovery:\n  interval: 5s\n`);
    expect(c.discovery).toBeUndefined();
    expect(c.warnings.map((w) => `${w.key}: ${w.message}`)).toContain('discovery: discovery settings are used only with flows: discover; ignored here');
    expect(problems(CLUSTERS)).toEqual(['flows: required: list at least one flow (source and target cluster aliases), set flows: discover, or set mm2Properties']);
  });

  it('an unknown key under discovery names the ones it takes', () => {
    expect(problems(`${CLUSTERS}flows: discover\ndiscovery:\n  intervall: 5s\n`)).toEqual(['discovery.intervall: unknown key (did you mean "interval"?)']);
  });
});

describe('check-config with flows: discover', () => {
  it('config/examples/discover.yaml is OK and says the flows are found at run time', async () => {
    const { runCheckConfig } = await import('../../../src/cli/checkConfigCommand.js');
    let out = '';
    let err = '';
    const code = runCheckConfig({ config: 'config/examples/discover.yaml' }, {}, { write: (s: string) => (out += s) }, { write: (s: string) => (err += s) });
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain("flows: discovered at run time from MM2's topics, every 60s (topics .*; exclude mm2.*\\.internal, .*\\.replica, __.*)");
    expect(out).toContain('replication policy: default (separator ".") until discovery infers one (replicationPolicy not set)');
  });
});

describe('lag/wait -c FILE --flow with flows: discover', () => {
  it('watches any pair of the configured clusters, and names them for a pair that is not', async () => {
    const { configFlowSource } = await import('../../../src/cli/flowSource.js');
    const { createLogger } = await import('../../../src/log.js');
    const { Writable } = await import('node:stream');
    const config = load(`${CLUSTERS}flows: discover\n`);
    const logger = createLogger('fatal', new Writable({ write: (_c, _e, done) => done() }));
    const opened: string[] = [];
    const source = configFlowSource(config, { source: 'us-west', target: 'us-east' }, {
      logger,
      portFactory: (c) => {
        opened.push(c.alias);
        const none = () => Promise.reject(new Error('no Kafka in unit tests'));
        return fakePort({ alias: c.alias, connect: none, listTopics: none, fetchOffsets: none, fetchCommittedOffsets: none, fetchOffsetsForTimes: none, fetch: none, describeTopicConfigs: none });
      },
    });
    expect(source.origin).toBe('clusters us-east and us-west');
    expect(opened.sort()).toEqual(['us-east', 'us-west']);
    expect(() => configFlowSource(config, { source: 'us-east', target: 'mars' }, { logger })).toThrow(
      /^flow us-east->mars: .*c\.yaml has flows: discover, which watches pairs of its clusters \(us-east, us-west\)$/,
    );
  });
});
