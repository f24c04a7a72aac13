import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { commaSplitPatterns, compileJavaPatternList, splitConfigDefList, translateJavaRegex } from '../../../src/core/javaRegex.js';
import { FIXTURE_FILE, javaAvailable, runRegexOracle } from '../helpers/javaRegexOracle.js';
import type { OracleOutput } from '../helpers/javaRegexOracle.js';

const fixture = JSON.parse(readFileSync(FIXTURE_FILE, 'utf8')) as OracleOutput & { kafkaVersions: string[] };
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

function evaluate(domain: 'topic' | 'group', value: string) {
  return compileJavaPatternList(splitConfigDefList(value), domain);
}

describe('Java regex evaluator against java.util.regex (test/fixtures/java-regex.json)', () => {
  it('covers enough cases', () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(60);
  });

  it('splits list values exactly like ConfigDef LIST', () => {
    for (const c of fixture.cases) expect(splitConfigDefList(c.value), c.value).toEqual(c.entries);
  });

  it.each(fixture.cases.map((c) => [c.domain, c.value, c] as const))('%s %s: accepted means the same names as Java, refused means a reason', (domain, value, c) => {
    const names = fixture.names.filter((n) => domain === 'group' || TOPIC_NAME.test(n));
    const r = evaluate(domain, value);
    if (r.ok) {
      expect(c.valid, `Java refuses ${value}: ${c.error}`).toBe(true);
      expect(names.filter((n) => r.matches(n))).toEqual(c.matches);
    } else {
      expect(r.error.message).not.toBe('');
      // "invalid" is a claim that MM2 fails: it must be true.
      if (r.error.kind === 'invalid') expect(c.valid, `${value} is valid Java`).toBe(false);
    }
    if (!c.valid) expect(r.ok, `${value} is invalid Java (${c.error}) but was accepted`).toBe(false);
  });

  it('refuses exactly the listed cases, for the listed reasons', () => {
    const refused = fixture.cases.flatMap((c) => {
      const r = evaluate(c.domain, c.value);
      return r.ok ? [] : [`${c.domain} ${c.value} -> ${r.error.kind}: ${r.error.message}`];
    });
    expect(refused).toMatchSnapshot();
    const accepted = fixture.cases.length - refused.length;
    expect(accepted).toBeGreaterThanOrEqual(100);
  });

  it('Kafka own filters agree with the java.util.regex model (where the fixture has them)', () => {
    for (const c of fixture.cases) {
      for (const [version, verdict] of Object.entries(c.kafka ?? {})) {
        if ('error' in verdict) {
          // Kafka 4 refuses empty entries (a,,b) on top of what Pattern refuses.
          expect(!c.valid || (version.startsWith('4.') && c.entries.includes('')), `${version} ${c.value}: ${verdict.error}`).toBe(true);
        } else {
          expect(verdict.matches, `${version} ${c.value}`).toEqual(c.matches);
        }
      }
    }
  });
});

describe.runIf(javaAvailable())('fixture freshness', () => {
  it('java RegexOracle.java still prints what the fixture holds (re-run scripts/capture-java-regex.ts)', { timeout: 120_000 }, () => {
    const now = runRegexOracle();
    expect(now.names).toEqual(fixture.names);
    const strip = (c: OracleOutput['cases'][number]) => ({ domain: c.domain, value: c.value, entries: c.entries, valid: c.valid, matches: c.matches, error: c.error });
    expect(now.cases.map(strip)).toEqual(fixture.cases.map(strip));
  });
});

describe('list semantics', () => {
  it('joins entries into one pattern, so flags and parentheses reach across commas', () => {
    const r = evaluate('topic', 'orders, (?i)payments, users');
    expect(r.ok && r.matches('USERS')).toBe(true);
    expect(r.ok && r.matches('ORDERS')).toBe(false);
    const cut = evaluate('topic', '(a, b)');
    expect(cut.ok && cut.matches('a') && cut.matches('b')).toBe(true);
  });

  it('an empty list matches nothing', () => {
    const r = compileJavaPatternList([], 'topic');
    expect(r.ok && r.matches('')).toBe(false);
  });

  it('names the entry an error sits in', () => {
    const r = compileJavaPatternList(['orders', 'a{1', '3}'], 'topic');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.entry).toBe(1);
  });

  it('finds patterns the comma split cuts', () => {
    expect(commaSplitPatterns('a{1,3}, b')).toEqual(['a{1,3}']);
    expect(commaSplitPatterns('[a,b], (x,y)')).toEqual(['[a,b]', '(x,y)']);
    expect(commaSplitPatterns('orders, pay\\,x, c')).toEqual([]);
    expect(commaSplitPatterns('orders, payments')).toEqual([]);
  });
});

describe('translation details', () => {
  it('never throws and produces a compilable RegExp, whatever the pattern (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), fc.constantFrom('topic' as const, 'group' as const), (p, domain) => {
        const r = translateJavaRegex(p, { domain });
        if (r.ok) expect(() => new RegExp(`^(?:${r.source})$`, r.flags)).not.toThrow();
      }),
      { numRuns: 3000 },
    );
  });

  it('literal names match themselves once quoted (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-zA-Z0-9._-]{1,40}$/), (name) => {
        for (const p of [`\\Q${name}\\E`, name.replace(/[.]/g, '\\.')]) {
          const r = compileJavaPatternList([p], 'topic');
          expect(r.ok && r.matches(name)).toBe(true);
        }
      }),
    );
  });
});
