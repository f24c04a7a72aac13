import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatDuration, parseDuration } from '../../../src/config/duration.js';
import { parseJaasConfig } from '../../../src/config/jaas.js';
import {
  configDefBoolean,
  configDefList,
  hasInlineComment,
  intendedValue,
  javaEqualsIgnoreCase,
  javaParseBoolean,
  javaTrim,
} from '../../../src/config/javaValues.js';
import { filterListProblem, wholeNameMatcher, yamlEntryCommaProblem } from '../../../src/config/regex.js';

describe('Kafka value parsing', () => {
  it('Boolean.parseBoolean does not trim; ConfigDef BOOLEAN does', () => {
    expect(javaParseBoolean('TRUE')).toBe(true);
    expect(javaParseBoolean('true ')).toBe(false);
    expect(javaParseBoolean(undefined)).toBe(false);
    expect(configDefBoolean(' True\t')).toBe(true);
    expect(configDefBoolean('FALSE')).toBe(false);
    expect(configDefBoolean('false # Active-Passive mode')).toBe('invalid');
    expect(configDefBoolean('yes')).toBe('invalid');
  });

  it('String.trim strips control characters but not Unicode spaces', () => {
    expect(javaTrim('\u0001 a \t\n')).toBe('a');
    expect(javaTrim('\u00a0a\u00a0')).toBe('\u00a0a\u00a0');
  });

  it('equalsIgnoreCase compares char by char', () => {
    expect(javaEqualsIgnoreCase('TrUe', 'true')).toBe(true);
    expect(javaEqualsIgnoreCase('falſe', 'false')).toBe(true); // long s upper-cases to S, as in Java
    expect(javaEqualsIgnoreCase('tru', 'true')).toBe(false);
  });

  it('LIST splits on commas with whitespace, empty means empty', () => {
    expect(configDefList(' orders , payments,users ')).toEqual(['orders', 'payments', 'users']);
    expect(configDefList('   ')).toEqual([]);
    expect(configDefList('a,')).toEqual(['a', '']);
  });

  it('guesses the intended value of a line with an inline comment', () => {
    expect(intendedValue('false # Active-Passive mode')).toBe('false');
    expect(intendedValue('true  ')).toBe('true');
    expect(hasInlineComment('false # x')).toBe(true);
    expect(hasInlineComment('a#b')).toBe(false);
  });
});

describe('durations', () => {
  it('parses units and plain milliseconds', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('10s')).toBe(10_000);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration(250)).toBe(250);
    expect(parseDuration('250')).toBe(250);
  });

  it('refuses anything else', () => {
    for (const bad of ['', 's', '10 s', '10sec', '-1s', 'ten', '1d']) expect(parseDuration(bad)).toBeNull();
    expect(parseDuration(-1)).toBeNull();
    expect(parseDuration(Number.NaN)).toBeNull();
  });

  it('formats back', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 10_000_000 }), (ms) => {
      expect(parseDuration(formatDuration(ms))).toBe(ms);
    }));
  });
});

describe('JAAS config', () => {
  it('reads username and password of PLAIN and SCRAM modules', () => {
    const r = parseJaasConfig('org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="p@ss \\"quoted\\" =;";');
    expect(r.ok && r.logins[0]!.loginModule).toBe('org.apache.kafka.common.security.scram.ScramLoginModule');
    expect(r.ok && Object.fromEntries(r.logins[0]!.options)).toEqual({ username: 'alice', password: 'p@ss "quoted" =;' });
  });

  it('fails without echoing the text', () => {
    for (const bad of ['x required username="a', 'x required username="a"', 'x', 'x required = "a";', '']) {
      const r = parseJaasConfig(bad);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).not.toContain('a"');
    }
  });
});

describe('topic regexes', () => {
  it('match whole names', () => {
    const m = wholeNameMatcher(['orders', 'pay.*'])!;
    expect(m('orders')).toBe(true);
    expect(m('orders2')).toBe(false);
    expect(m('payments')).toBe(true);
    expect(wholeNameMatcher([])!('x')).toBe(false);
    expect(wholeNameMatcher(['(']) ).toBeNull();
  });

  it('evaluate Java-only syntax exactly, or refuse it saying why', () => {
    expect(wholeNameMatcher(['\\Qa.b\\E'])!('a.b')).toBe(true);
    expect(wholeNameMatcher(['(?i)orders'])!('ORDERS')).toBe(true);
    expect(wholeNameMatcher(['a*+a'])!('aa')).toBe(false);
    expect(filterListProblem(['.*[\\-\\.]internal'], 'topic')).toBeNull();
    expect(filterListProblem(['x', '(?iu)orders'], 'topic')).toMatchObject({ entry: 1, kind: 'unsupported', message: expect.stringContaining('cannot be evaluated exactly as Java does: Unicode case folding') });
    expect(filterListProblem(['a{1', '3}'], 'topic', 'a{1,3}')).toMatchObject({
      entry: 0,
      kind: 'invalid',
      message: expect.stringContaining('MM2 splits list values at every comma, so "a{1,3}" becomes "a{1" and "3}"'),
    });
    expect(yamlEntryCommaProblem('a{1,3}')).toContain('MM2 splits its list settings at every comma ("a{1", "3}")');
    expect(yamlEntryCommaProblem('orders')).toBeNull();
  });
});
