import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createReplicationPolicy } from '../../../src/core/replicationPolicy.js';
import {
  DEFAULT_TOPICS_EXCLUDE,
  DEFAULT_TOPICS_INCLUDE,
  compileTopicFilter,
  describeTopicFilterError,
  isCycle,
  remoteTopicCandidates,
  selectSourceTopics,
  splitMm2List,
  topicFilterForFlow,
} from '../../../src/core/topicFilter.js';

const policy = createReplicationPolicy({ kind: 'default', separator: '.' });
const flow = (source: string, target: string, topics: readonly string[] = DEFAULT_TOPICS_INCLUDE, topicsExclude: readonly string[] = DEFAULT_TOPICS_EXCLUDE) => ({
  source,
  target,
  topics: [...topics],
  topicsExclude: [...topicsExclude],
});

function filter(include: string[], exclude: string[] = []) {
  const r = compileTopicFilter(include, exclude);
  if (!r.ok) throw new Error(r.errors.map(describeTopicFilterError).join('; '));
  return r.filter;
}

describe('MM2 topic lists', () => {
  it('splits like ConfigDef LIST', () => {
    expect(splitMm2List(' orders , payments,users ')).toEqual(['orders', 'payments', 'users']);
    expect(splitMm2List('   ')).toEqual([]);
    expect(splitMm2List('a,,b')).toEqual(['a', '', 'b']);
    expect(splitMm2List(DEFAULT_TOPICS_EXCLUDE.join(', '))).toEqual(DEFAULT_TOPICS_EXCLUDE);
  });
});

describe('DefaultTopicFilter semantics', () => {
  it('matches the whole name only', () => {
    const f = filter(['orders']);
    expect(f.matches('orders')).toBe(true);
    expect(f.matches('orders2')).toBe(false);
    expect(f.matches('my-orders')).toBe(false);
    expect(filter(['ord.*']).matches('orders')).toBe(true);
  });

  it('joins the list as alternatives, each whole-name', () => {
    const f = filter(['orders', 'pay.*']);
    expect(f.matches('payments')).toBe(true);
    expect(f.matches('orders')).toBe(true);
    expect(f.matches('ordersX')).toBe(false);
  });

  it('applies the default excludes', () => {
    const f = filter([...DEFAULT_TOPICS_INCLUDE], [...DEFAULT_TOPICS_EXCLUDE]);
    for (const t of ['orders', 'us-east.orders', 'internal', 'orders-internals']) expect(f.matches(t), t).toBe(true);
    for (const t of ['mm2-offsets.a.internal', 'connect-internal', 'orders.replica', '__consumer_offsets']) expect(f.matches(t), t).toBe(false);
  });

  it('an empty include list matches nothing, an empty exclude list excludes nothing', () => {
    expect(filter([]).matches('orders')).toBe(false);
    expect(filter(['.*'], []).matches('__x')).toBe(true);
  });

  it('reports a bad list with its key, the entry and the reason (one pattern per list, as MM2 compiles it)', () => {
    const r = compileTopicFilter(['orders', 'ord(ers', 'x'], ['(?iu)x']);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.list, e.pattern, e.kind])).toEqual([
      ['topics', 'ord(ers', 'invalid'],
      ['topics.exclude', '(?iu)x', 'unsupported'],
    ]);
    expect(describeTopicFilterError(r.errors[0]!)).toMatch(/^topics: pattern "ord\(ers" at index 3: unclosed group/);
  });

  it('evaluates inline flags across entries, as the joined pattern does', () => {
    const f = filter(['orders', '(?i)pay.*', 'users']);
    expect(f.matches('PAYMENTS')).toBe(true);
    expect(f.matches('USERS')).toBe(true);
    expect(f.matches('ORDERS')).toBe(false);
  });

  it('throws a message naming the flow when an unchecked flow has a bad filter', () => {
    expect(() => topicFilterForFlow(flow('a', 'b', ['[x']))).toThrow(/flow a->b: topics: pattern "\[x"/);
  });
});

describe('Java regex evaluation of topic filters', () => {
  const ok = (p: string) => filter([p]);

  it('translates \\Q..\\E quoting, \\A and \\z', () => {
    expect(ok('\\Qa.b\\E').matches('a.b')).toBe(true);
    expect(ok('\\Qa.b\\E').matches('axb')).toBe(false);
    expect(ok('\\Qa.b').matches('a.b')).toBe(true);
    expect(ok('[\\Q.]\\E]x').matches('.x')).toBe(true);
    expect(ok('\\Aord\\z').matches('ord')).toBe(true);
  });

  it('keeps escapes of punctuation literal (Java allows any)', () => {
    expect(ok('a\\-b\\_c').matches('a-b_c')).toBe(true);
    expect(ok('.*[\\-\\.]internal').matches('x-internal')).toBe(true);
    expect(ok('\\x41\\u0042\\x{43}').matches('ABC')).toBe(true);
  });

  it('evaluates flags, POSIX classes, class set operations and possessive quantifiers as Java', () => {
    expect(ok('(?i)orders').matches('OrDeRs')).toBe(true);
    expect(ok('\\p{Alpha}+').matches('orders')).toBe(true);
    expect(ok('\\p{Alpha}+').matches('orders2')).toBe(false);
    expect(ok('[a-z&&[^aeiou]]+').matches('xyz')).toBe(true);
    expect(ok('[a-z&&[^aeiou]]+').matches('abc')).toBe(false);
    expect(ok('a*+a').matches('aaa')).toBe(false);
    expect(ok('(?>a|ab)c').matches('abc')).toBe(false);
    expect(ok('(?<name>a)b\\k<name>').matches('aba')).toBe(true);
  });

  it.each([
    ['(?iu)orders', 'unsupported'],
    ['(?U)\\w+', 'unsupported'],
    ['\\X', 'unsupported'],
    ['(a)?\\1', 'unsupported'],
    ['a{', 'invalid'],
    ['(', 'invalid'],
    ['[a', 'invalid'],
    ['*a', 'invalid'],
    ['a\\', 'invalid'],
  ])('refuses %s (%s)', (pattern, kind) => {
    const r = compileTopicFilter([pattern], []);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatchObject({ kind, pattern, list: 'topics' });
  });
});

describe('selectSourceTopics', () => {
  const names = [
    'orders',
    'payments',
    'heartbeats',
    'us-west.heartbeats',
    'us-west.orders',
    'eu.us-west.orders',
    'eu.orders',
    '__consumer_offsets',
    'mm2-offset-syncs.us-west.internal',
    'mm2-configs.us-west.internal',
    'us-west.checkpoints.internal',
    'orders.replica',
  ];

  it('keeps data topics, drops internal, heartbeats and cycles back to the target', () => {
    expect(selectSourceTopics(flow('us-east', 'us-west'), policy, names)).toEqual(['eu.orders', 'orders', 'payments']);
  });

  it('applies the include list', () => {
    expect(selectSourceTopics(flow('us-east', 'us-west', ['orders', 'eu\\..*']), policy, names)).toEqual(['eu.orders', 'orders']);
  });

  it('detects cycles through several hops', () => {
    expect(isCycle(policy, 'us-west', 'eu.us-west.orders')).toBe(true);
    expect(isCycle(policy, 'us-west', 'eu.orders')).toBe(false);
    expect(isCycle(policy, 'us-west', 'orders')).toBe(false);
  });

  it('active-active: each flow sees only the other side’s own topics', () => {
    const east = ['orders', 'us-west.orders'];
    const west = ['orders', 'us-east.orders'];
    expect(selectSourceTopics(flow('us-east', 'us-west'), policy, east)).toEqual(['orders']);
    expect(selectSourceTopics(flow('us-west', 'us-east'), policy, west)).toEqual(['orders']);
  });

  it('identity policy cannot detect cycles (as MM2)', () => {
    const id = createReplicationPolicy({ kind: 'identity', separator: '.' });
    expect(selectSourceTopics(flow('a', 'b'), id, ['orders', 'b.orders', 'a.heartbeats', 'heartbeats'])).toEqual(['b.orders', 'orders']);
  });
});

describe('remoteTopicCandidates', () => {
  it('lists copies of selected topics of this source only', () => {
    const targetNames = ['us-east.orders', 'us-east.payments', 'us-east.heartbeats', 'us-east.checkpoints.internal', 'eu.orders', 'orders', 'us-east.us-west.orders', 'us-east.__x'];
    expect(remoteTopicCandidates(flow('us-east', 'us-west'), policy, targetNames)).toEqual([
      { remoteTopic: 'us-east.orders', sourceTopic: 'orders' },
      { remoteTopic: 'us-east.payments', sourceTopic: 'payments' },
    ]);
  });

  it('with identity, every filtered name qualifies', () => {
    const id = createReplicationPolicy({ kind: 'identity', separator: '.' });
    expect(remoteTopicCandidates(flow('a', 'b', ['orders']), id, ['orders', 'payments', 'a.heartbeats'])).toEqual([{ remoteTopic: 'orders', sourceTopic: 'orders' }]);
  });

  it('selected topics and candidates agree (property)', () => {
    const name = fc.stringMatching(/^[a-z]{1,6}(\.[a-z]{1,6})?$/);
    fc.assert(
      fc.property(fc.uniqueArray(name, { maxLength: 15 }), (sourceNames) => {
        const f = flow('src', 'dst');
        const selected = selectSourceTopics(f, policy, sourceNames);
        const remotes = selected.map((t) => policy.formatRemoteTopic('src', t));
        const back = remoteTopicCandidates(f, policy, remotes).map((c) => c.sourceTopic).sort();
        expect(back).toEqual([...selected].sort());
      }),
    );
  });
});
