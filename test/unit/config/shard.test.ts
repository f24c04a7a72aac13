import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCheckConfig } from '../../../src/cli/checkConfigCommand.js';
import { withShardOption } from '../../../src/cli/configOption.js';
import { ConfigError, loadConfig } from '../../../src/config/load.js';
import { tempFiles } from './helpers.js';

const BASE = `clusters:
  - { alias: a, bootstrapServers: "127.0.0.1:9092" }
  - { alias: b, bootstrapServers: "127.0.0.1:9093" }
flows:
  - { source: a, target: b }
`;

function load(extra: string) {
  const dir = tempFiles({ 'mw.yaml': BASE + extra });
  return { file: path.join(dir, 'mw.yaml'), load: () => loadConfig(path.join(dir, 'mw.yaml')) };
}

function problems(extra: string): string {
  try {
    load(extra).load();
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  return '';
}

describe('shard in the YAML configuration', () => {
  it('is read as index and count; absent means the whole configuration', () => {
    expect(load('shard: { index: 2, count: 3 }\n').load().shard).toEqual({ index: 2, count: 3 });
    expect(load('').load().shard).toBeUndefined();
  });

  it('refuses an index at or above the count, a count below 1, fractions and unknown keys, naming the key', () => {
    expect(problems('shard: { index: 3, count: 3 }\n')).toMatch(/shard\.index.*must be a whole number from 0 to 2 \(below shard\.count 3\), got 3/);
    expect(problems('shard: { index: -1, count: 3 }\n')).toMatch(/shard\.index.*got -1/);
    expect(problems('shard: { index: 0, count: 0 }\n')).toMatch(/shard\.count.*at least 1, got 0/);
    expect(problems('shard: { index: 0.5, count: 2 }\n')).toMatch(/shard\.index.*whole number/);
    expect(problems('shard: { index: 0 }\n')).toMatch(/shard\.count.*required/);
    expect(problems('shard: { index: 0, count: 2, total: 2 }\n')).toMatch(/shard\.total.*unknown key/);
  });
});

describe('--shard and MIRRORWATCH_SHARD', () => {
  it('override the file; a bad value is a message naming the option', () => {
    const config = load('shard: { index: 0, count: 2 }\n').load();
    expect(withShardOption(config, '1/4', {})).toMatchObject({ shard: { index: 1, count: 4 } });
    expect(withShardOption(config, undefined, { MIRRORWATCH_SHARD: 'mirrorwatch-2/3' })).toMatchObject({ shard: { index: 2, count: 3 } });
    expect(withShardOption(config, undefined, {})).toBe(config);
    expect(withShardOption(config, '4/4', {})).toEqual({ error: expect.stringMatching(/^--shard: .*below the count/) });
    expect(withShardOption(config, undefined, { MIRRORWATCH_SHARD: 'x' })).toEqual({ error: expect.stringMatching(/^MIRRORWATCH_SHARD: "x" is not a shard/) });
  });

  it('check-config shows the shard and refuses a bad --shard with exit 2', () => {
    const { file } = load('');
    let out = '';
    let err = '';
    const io = (sink: 'out' | 'err') => ({ write: (s: string) => (sink === 'out' ? (out += s) : (err += s)) });
    expect(runCheckConfig({ config: file, shard: '1/3' }, {}, io('out'), io('err'))).toBe(0);
    expect(out).toMatch(/shard 1 of 3/);
    expect(runCheckConfig({ config: file, shard: '3/3' }, {}, io('out'), io('err'))).toBe(2);
    expect(err).toMatch(/--shard: the shard index must be below the count/);
  });
});

describe('mirrorwatch run --shard', () => {
  it('refuses a shard index not below the count before connecting anywhere: exit 2, one line naming the option', () => {
    const { file } = load('');
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'run', '-c', file, '--shard', '3/3'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('mirrorwatch: --shard: the shard index must be below the count (shards are numbered 0 to 2), got 3/3');
  }, 70_000);
});

describe('the runbook commands and a shard', () => {
  it('lag/wait/verify --url refuse a shard (it sees part of the flow), and the API says which shard it is', async () => {
    const { httpFlowSource } = await import('../../../src/cli/flowSource.js');
    const { UsageError } = await import('../../../src/cli/args.js');
    const { flowDetailView } = await import('../../../src/http/views.js');
    const { makeSnapshot } = await import('../helpers/snapshot.js');
    const snapshot = makeSnapshot({ flows: [{ source: 'us-east', target: 'us-west' }] });
    const plain = snapshot.flows[0]!;
    const flow = { ...plain, shard: { index: 1, count: 3, ownsFlow: false } };
    const detail = flowDetailView(snapshot, flow);
    expect(detail.shard).toEqual({ index: 1, count: 3, ownsFlow: false });
    const fetchImpl = (async () => new Response(JSON.stringify(detail), { status: 200 })) as unknown as typeof fetch;
    const read = httpFlowSource('http://mw-1:9467', { source: flow.source, target: flow.target }, { fetchImpl }).read();
    await expect(read).rejects.toThrow(UsageError);
    await expect(httpFlowSource('http://mw-1:9467', { source: flow.source, target: flow.target }, { fetchImpl }).read()).rejects.toThrow(
      /http:\/\/mw-1:9467 is shard 1 of 3 and watches part of .* only: ask an unsharded mirrorwatch, or use -c/,
    );
    const unsharded = flowDetailView(snapshot, plain);
    expect('shard' in unsharded).toBe(false);
  });
});
