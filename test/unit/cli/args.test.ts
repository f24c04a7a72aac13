import { describe, expect, it } from 'vitest';
import { UsageError, parseBrokersArg, parseCountArg, parseDurationArg, parseFlowArg, sourceChoice } from '../../../src/cli/args.js';

describe('parseFlowArg', () => {
  it('splits SOURCE->TARGET', () => {
    expect(parseFlowArg('us-east->us-west')).toEqual({ source: 'us-east', target: 'us-west' });
    expect(parseFlowArg(' dc1.a -> dc_2 ')).toEqual({ source: 'dc1.a', target: 'dc_2' });
  });

  it.each([
    [undefined, /--flow is required/],
    ['', /--flow is required/],
    ['us-east', /not SOURCE->TARGET/],
    // What a shell leaves of an unquoted us-east->us-west: "us-east-" (the rest became a redirect).
    ['us-east-', /not SOURCE->TARGET/],
    ['a->b->c', /not SOURCE->TARGET/],
    ['a b->c', /"a b" is not a cluster alias/],
    ['a->a', /same cluster/],
  ])('refuses %j', (text, message) => {
    expect(() => parseFlowArg(text)).toThrow(UsageError);
    expect(() => parseFlowArg(text)).toThrow(message);
  });
});

describe('option values', () => {
  it('parses durations, with a fallback when absent', () => {
    expect(parseDurationArg('--timeout', '10m', 1)).toBe(600_000);
    expect(parseDurationArg('--timeout', '1m30s', 1)).toBe(90_000);
    expect(parseDurationArg('--timeout', undefined, 1234)).toBe(1234);
    expect(parseDurationArg('--timeout', '0', 1, { allowZero: true })).toBe(0);
    expect(() => parseDurationArg('--timeout', '0', 1)).toThrow(/--timeout "0" is not a positive duration/);
    expect(() => parseDurationArg('--interval', 'soon', 1)).toThrow(UsageError);
  });

  it('parses counts', () => {
    expect(parseCountArg('--max-lag', '0', 5)).toBe(0);
    expect(parseCountArg('--max-lag', ' 42 ', 5)).toBe(42);
    expect(parseCountArg('--max-lag', undefined, 5)).toBe(5);
    for (const bad of ['-1', '1.5', 'ten', '']) expect(() => parseCountArg('--max-lag', bad, 0)).toThrow(/--max-lag/);
  });

  it('parses --brokers, comma-separated or repeated', () => {
    expect([...parseBrokersArg(['us-east=3,us-west=1', 'eu=5'])]).toEqual([
      ['us-east', 3],
      ['us-west', 1],
      ['eu', 5],
    ]);
    expect(parseBrokersArg(undefined).size).toBe(0);
    expect(() => parseBrokersArg(['us-east:3'])).toThrow(/ALIAS=N/);
    expect(() => parseBrokersArg(['us-east=0'])).toThrow(/N >= 1/);
  });
});

describe('sourceChoice', () => {
  it('takes -c or --url, not both', () => {
    expect(sourceChoice({ config: 'a.yaml' }, {})).toEqual({ kind: 'config', file: 'a.yaml' });
    expect(sourceChoice({ url: 'http://mw:9467/' }, {})).toEqual({ kind: 'url', url: 'http://mw:9467' });
    expect(() => sourceChoice({ config: 'a.yaml', url: 'http://x' }, {})).toThrow(/not both/);
    expect(() => sourceChoice({ url: 'mw:9467' }, {})).toThrow(/must be http/);
    expect(() => sourceChoice({ url: 'not a url' }, {})).toThrow(/is not a URL/);
  });

  it('falls back to $MIRRORWATCH_CONFIG, then $MIRRORWATCH_URL', () => {
    expect(sourceChoice({}, { MIRRORWATCH_CONFIG: 'x.yaml', MIRRORWATCH_URL: 'http://u' })).toEqual({ kind: 'config', file: undefined });
    expect(sourceChoice({}, { MIRRORWATCH_URL: 'http://u:1' })).toEqual({ kind: 'url', url: 'http://u:1' });
    expect(sourceChoice({}, {})).toEqual({ kind: 'config', file: undefined });
  });
});
