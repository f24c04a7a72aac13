// poll.follow, poll.followMaxWait and replicationState: defaults, values, and the error that names
// the key when a follow wait would not fit between two polls.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/load.js';
import { tempFiles } from './helpers.js';

const BASE = `
clusters:
  - alias: us-east
    bootstrapServers: east1:9092
  - alias: us-west
    bootstrapServers: west1:9092
flows:
  - source: us-east
    target: us-west
`;

const load = (extra: string) => loadConfig(path.join(tempFiles({ 'c.yaml': BASE + extra }), 'c.yaml'), {});

describe('following and replication-state settings', () => {
  it('defaults: following on, 1 s wait, 10 s silence, 30 s stall', () => {
    const c = load('');
    expect(c.poll).toMatchObject({ follow: true, followMaxWaitMs: 1000 });
    expect(c.replicationState).toEqual({ silentAfterMs: 10_000, stalledAfterMs: 30_000 });
  });

  it('takes the values given', () => {
    const c = load('poll:\n  interval: 30s\n  follow: false\n  followMaxWait: 500ms\nreplicationState:\n  silentAfter: 20s\n  stalledAfter: 1m\n');
    expect(c.poll).toEqual({ intervalMs: 30_000, timeoutMs: 8000, follow: false, followMaxWaitMs: 500 });
    expect(c.replicationState).toEqual({ silentAfterMs: 20_000, stalledAfterMs: 60_000 });
  });

  it('shrinks the default wait with a short poll interval', () => {
    expect(load('poll:\n  interval: 1s\n  timeout: 900ms\n').poll.followMaxWaitMs).toBe(500);
  });

  it('refuses a follow wait that does not fit between two polls, naming the key', () => {
    let err: unknown;
    try {
      load('poll:\n  interval: 2s\n  timeout: 1s\n  followMaxWait: 2s\n');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect(String((err as Error).message)).toMatch(/poll\.followMaxWait \(2s\) must be shorter than poll\.interval \(2s\)/);
  });

  it('refuses unknown keys and wrong types under replicationState', () => {
    expect(() => load('replicationState:\n  silentAfterr: 10s\n')).toThrow(/silentAfterr/);
    expect(() => load('poll:\n  follow: yes please\n')).toThrow(/poll\.follow/);
  });
});
