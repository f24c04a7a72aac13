import { describe, expect, it } from 'vitest';
import {
  discover,
  parseCheckpointsTopic,
  parseConnectTopic,
  parseOffsetSyncsTopic,
  type ClusterObservation,
  type DiscoveryResult,
} from '../../../src/core/discovery.js';
import { NOW, mm2Layout, type LayoutOptions } from '../helpers/mm2Layout.js';

const run = (o: LayoutOptions): DiscoveryResult => discover({ clusters: mm2Layout(o), nowMs: o.nowMs ?? NOW });
const flowNames = (r: DiscoveryResult): string[] => r.flows.map((f) => `${f.source}->${f.target}`);
const herderNames = (r: DiscoveryResult): string[] => r.heartbeatOnlyHerders.map((h) => `${h.source}->${h.target}`);
const policyOf = (r: DiscoveryResult) => ({ kind: r.policy.kind, separator: r.policy.separator, internalSeparatorEnabled: r.policy.internalSeparatorEnabled, confidence: r.policy.confidence });

const DATA = { 'us-east': ['orders', 'payments', 'app.events'], 'us-west': ['users'], 'eu-central': ['invoices'] };

describe('MM2 topic name parsers', () => {
  it('checkpoints: alias and separator, also with separators inside aliases', () => {
    expect(parseCheckpointsTopic('us-east.checkpoints.internal')).toEqual({ alias: 'us-east', separator: '.' });
    expect(parseCheckpointsTopic('us-east-checkpoints-internal')).toEqual({ alias: 'us-east', separator: '-' });
    expect(parseCheckpointsTopic('a__checkpoints__internal')).toEqual({ alias: 'a', separator: '__' });
    expect(parseCheckpointsTopic('us-east.checkpoints-internal')).toBeNull();
    expect(parseCheckpointsTopic('checkpoints.internal')).toBeNull();
    expect(parseCheckpointsTopic('orders')).toBeNull();
  });

  it('offset syncs: the alias between two separators', () => {
    expect(parseOffsetSyncsTopic('mm2-offset-syncs.us-west.internal')).toEqual({ alias: 'us-west', separator: '.' });
    expect(parseOffsetSyncsTopic('mm2-offset-syncs_us-west_internal')).toEqual({ alias: 'us-west', separator: '_' });
    expect(parseOffsetSyncsTopic('mm2-offset-syncs-us-west-internal')).toEqual({ alias: 'us-west', separator: '-' });
    expect(parseOffsetSyncsTopic('mm2-offset-syncs.internal')).toBeNull();
  });

  it('Connect topics always use "."', () => {
    expect(parseConnectTopic('mm2-offsets.us-east.internal')).toEqual({ kind: 'offsets', alias: 'us-east' });
    expect(parseConnectTopic('mm2-status.a.b.internal')).toEqual({ kind: 'status', alias: 'a.b' });
    expect(parseConnectTopic('mm2-offsets_us-east_internal')).toBeNull();
  });
});

describe('discover', () => {
  it('active-passive: one flow, the reverse herder only emits heartbeats, aliases learned from heartbeats', () => {
    const r = run({ clusters: ['us-east', 'us-west'], flows: [['us-east', 'us-west']], data: DATA });
    expect(r.clusters.map((c) => [c.alias, c.aliasFrom])).toEqual([
      ['us-east', 'heartbeats'],
      ['us-west', 'heartbeats'],
    ]);
    expect(flowNames(r)).toEqual(['us-east->us-west']);
    expect(herderNames(r)).toEqual(['us-west->us-east']);
    expect(policyOf(r)).toEqual({ kind: 'default', separator: '.', internalSeparatorEnabled: true, confidence: 'high' });
    const f = r.flows[0]!;
    expect(f.heartbeats).toBe(true);
    expect(f.offsetSyncsTopicLocation).toBe('source');
    expect(f.lastHeartbeatAgeSeconds).toBe(1);
    expect(f.evidence.remoteHeartbeats).toEqual([{ cluster: 'us-west', topic: 'us-east.heartbeats' }]);
    expect(f.evidence.checkpoints).toEqual([{ cluster: 'us-west', topic: 'us-east.checkpoints.internal' }]);
    expect(f.evidence.offsetSyncs.map((o) => [o.cluster, o.topic, o.location])).toEqual([['us-east', 'mm2-offset-syncs.us-west.internal', 'source']]);
    expect(f.evidence.remoteTopics).toEqual({ cluster: 'us-west', prefix: 'us-east.', topics: ['us-east.app.events', 'us-east.orders', 'us-east.payments'] });
    expect(f.evidence.connectInternal.map((t) => t.topic)).toEqual(['mm2-configs.us-east.internal', 'mm2-offsets.us-east.internal', 'mm2-status.us-east.internal']);
    // The key of herder us-east->us-west in us-west's heartbeats, and the copied key of herder us-west->us-east.
    expect(f.evidence.heartbeatKeys.map((h) => `${h.topic}@${h.cluster}:${h.source}->${h.target}`)).toEqual([
      'heartbeats@us-west:us-east->us-west',
      'us-east.heartbeats@us-west:us-west->us-east',
    ]);
    expect(r.partialFlows).toEqual([]);
    expect(r.notes).toEqual([]);
  });

  it('active-active: both flows, no heartbeat-only herder', () => {
    const r = run({ clusters: ['us-east', 'us-west'], flows: [['us-east', 'us-west'], ['us-west', 'us-east']], data: DATA });
    expect(flowNames(r)).toEqual(['us-east->us-west', 'us-west->us-east']);
    expect(herderNames(r)).toEqual([]);
    expect(policyOf(r)).toEqual({ kind: 'default', separator: '.', internalSeparatorEnabled: true, confidence: 'high' });
    // us-west's own copy of us-east.orders is not replicated back (cycle) and not a flow from us-east to itself.
    expect(r.flows[1]!.evidence.remoteTopics?.topics).toEqual(['us-west.users']);
    expect(r.flows.map((f) => f.offsetSyncsTopicLocation)).toEqual(['source', 'source']);
  });

  it('hub of three: spokes into eu-central, every other pair a heartbeat-only herder', () => {
    const r = run({ clusters: ['us-east', 'us-west', 'eu-central'], flows: [['us-east', 'eu-central'], ['us-west', 'eu-central']], data: DATA, givenAliases: ['eu-central'] });
    expect(r.clusters.map((c) => c.aliasFrom)).toEqual(['heartbeats', 'heartbeats', 'given']);
    expect(flowNames(r)).toEqual(['us-east->eu-central', 'us-west->eu-central']);
    expect(herderNames(r)).toEqual(['eu-central->us-east', 'eu-central->us-west', 'us-east->us-west', 'us-west->us-east']);
    expect(policyOf(r).separator).toBe('.');
  });

  it('a chain a->b->c: topics copied twice are b\'s flow to c, not a flow from a to c', () => {
    const r = run({ clusters: ['a', 'b', 'c'], flows: [['a', 'b'], ['b', 'c']], data: { a: ['orders'] } });
    expect(flowNames(r)).toEqual(['a->b', 'b->c']);
    const bc = r.flows[1]!;
    expect(bc.evidence.remoteTopics?.topics).toEqual(['b.a.orders']);
    expect(bc.evidence.remoteHeartbeats.map((t) => t.topic)).toEqual(['b.a.heartbeats', 'b.heartbeats']);
  });

  it.each([
    ['_', ['us-east', 'us-west']],
    ['-', ['us-east', 'us-west']],
    ['__', ['a', 'b']],
    ['::', ['dc.1', 'dc.2']],
  ] as const)('custom separator %j, whatever characters the aliases hold', (sep, [s, t]) => {
    const r = run({ clusters: [s, t], flows: [[s, t]], separator: sep, data: { [s]: ['orders', 'a.b-c_d'] } });
    expect(flowNames(r)).toEqual([`${s}->${t}`]);
    expect(policyOf(r)).toEqual({ kind: 'default', separator: sep, internalSeparatorEnabled: true, confidence: 'high' });
    expect(r.flows[0]!.evidence.remoteTopics?.topics).toEqual([`${s}${sep}a.b-c_d`, `${s}${sep}orders`]);
    expect(r.flows[0]!.evidence.checkpoints[0]!.topic).toBe(`${s}${sep}checkpoints${sep}internal`);
  });

  it('internal topics that keep "." while copies use "_"', () => {
    const r = run({ clusters: ['a', 'b'], flows: [['a', 'b']], separator: '_', internalSeparatorEnabled: false, data: { a: ['orders'] } });
    expect(flowNames(r)).toEqual(['a->b']);
    expect(policyOf(r)).toEqual({ kind: 'default', separator: '_', internalSeparatorEnabled: false, confidence: 'high' });
    expect(r.notes.join('\n')).toMatch(/internal\.topic\.separator\.enabled = false/);
  });

  it('identity policy: same names on both sides, remote heartbeats keep their prefix', () => {
    const r = run({ clusters: ['us-east', 'us-west'], flows: [['us-east', 'us-west']], identity: true, data: DATA });
    expect(flowNames(r)).toEqual(['us-east->us-west']);
    expect(policyOf(r)).toEqual({ kind: 'identity', separator: '.', internalSeparatorEnabled: true, confidence: 'high' });
    const f = r.flows[0]!;
    expect(f.evidence.remoteTopics).toBeNull();
    expect(f.evidence.sameNameTopics).toEqual(['app.events', 'orders', 'payments']);
    expect(f.policy.reasons[0]).toMatch(/same name.*same partition counts.*us-east\.heartbeats/);
  });

  it('identity with different partition counts: medium confidence', () => {
    const obs = mm2Layout({ clusters: ['a', 'b'], flows: [['a', 'b']], identity: true, data: { a: ['orders'] } });
    obs[1]!.topics = obs[1]!.topics.map((t) => (t.name === 'orders' ? { ...t, partitions: 6 } : t));
    const r = discover({ clusters: obs, nowMs: NOW });
    expect(policyOf(r)).toEqual({ kind: 'identity', separator: '.', internalSeparatorEnabled: true, confidence: 'medium' });
  });

  it('no data topics copied under either name: default assumed, low confidence, and why', () => {
    const r = run({ clusters: ['a', 'b'], flows: [['a', 'b']], identity: true });
    expect(flowNames(r)).toEqual(['a->b']);
    expect(r.policy.kind).toBe('default');
    expect(r.policy.confidence).toBe('low');
    expect(r.flows[0]!.policy.reasons[0]).toMatch(/a has no data topics yet/);
  });

  it('heartbeats off everywhere: aliases must be given; flows from checkpoints and offset syncs; heartbeats not expected', () => {
    const r = run({ clusters: ['a', 'b'], flows: [['a', 'b']], noHeartbeats: 'all', data: { a: ['orders'] }, givenAliases: ['a', 'b'] });
    expect(flowNames(r)).toEqual(['a->b']);
    expect(herderNames(r)).toEqual([]);
    const f = r.flows[0]!;
    expect(f.heartbeats).toBe(false);
    expect(f.lastHeartbeatAgeSeconds).toBeNull();
    expect(f.notes.join('\n')).toMatch(/without a heartbeat signal/);
    expect(policyOf(r)).toEqual({ kind: 'default', separator: '.', internalSeparatorEnabled: true, confidence: 'medium' });
  });

  it('heartbeats off for the reverse herder only: the flow has no remote heartbeats, the forward herder still beats', () => {
    const r = run({ clusters: ['a', 'b'], flows: [['a', 'b']], noHeartbeats: ['b->a'], data: { a: ['orders'] } });
    expect(r.clusters.map((c) => [c.alias, c.aliasFrom])).toEqual([
      ['a', 'elimination'],
      ['b', 'heartbeats'],
    ]);
    expect(flowNames(r)).toEqual(['a->b']);
    expect(r.flows[0]!.heartbeats).toBe(false);
  });

  it('offset syncs on the target: attributed to the flow with location target', () => {
    const r = run({ clusters: ['a', 'b'], flows: [['a', 'b']], offsetSyncsLocation: 'target', data: { a: ['orders'] } });
    expect(flowNames(r)).toEqual(['a->b']);
    expect(r.flows[0]!.offsetSyncsTopicLocation).toBe('target');
    expect(r.flows[0]!.evidence.offsetSyncs.map((o) => [o.cluster, o.topic])).toEqual([['b', 'mm2-offset-syncs.a.internal']]);
  });

  it('active-active with offset syncs on the targets: the records\' topic names decide', () => {
    const r = run({ clusters: ['a', 'b'], flows: [['a', 'b'], ['b', 'a']], offsetSyncsLocation: 'target', data: { a: ['orders'], b: ['users'] } });
    expect(r.flows.map((f) => [f.source, f.target, f.offsetSyncsTopicLocation, f.evidence.offsetSyncs[0]?.basis])).toEqual([
      ['a', 'b', 'target', expect.stringMatching(/topics of a \(orders\)/)],
      ['b', 'a', 'target', expect.stringMatching(/topics of b \(users\)/)],
    ]);
  });

  it('active-active with offset syncs on the sources', () => {
    const r = run({ clusters: ['a', 'b'], flows: [['a', 'b'], ['b', 'a']], data: { a: ['orders'], b: ['users'] } });
    expect(r.flows.map((f) => [f.offsetSyncsTopicLocation, f.evidence.offsetSyncs[0]?.cluster])).toEqual([
      ['source', 'a'],
      ['source', 'b'],
    ]);
  });

  it('only the source cluster given: a partial flow that names the missing cluster, no flow to configure', () => {
    const r = run({ clusters: ['a', 'b'], flows: [['a', 'b']], data: { a: ['orders'] }, hidden: ['b'] });
    expect(r.flows).toEqual([]);
    expect(r.partialFlows.map((f) => `${f.source}->${f.target}`)).toEqual(['a->b']);
    expect(r.partialFlows[0]!.notes.join('\n')).toMatch(/cluster b was not given: add --bootstrap b=HOST:PORT/);
    // b->a's heartbeat connector writes into a: a herder, not a flow.
    expect(herderNames(r)).toEqual(['b->a']);
  });

  it('only the target given: the flow is partial, its evidence complete', () => {
    const r = run({ clusters: ['a', 'b'], flows: [['a', 'b']], data: { a: ['orders'] }, hidden: ['a'] });
    expect(r.partialFlows.map((f) => `${f.source}->${f.target}`)).toEqual(['a->b']);
    expect(r.partialFlows[0]!.evidence.remoteTopics?.topics).toEqual(['a.orders']);
  });

  it('a given alias MM2 does not know is kept, with a note', () => {
    const obs = mm2Layout({ clusters: ['a', 'b'], flows: [['a', 'b']] });
    obs[0]!.givenAlias = 'primary';
    const r = discover({ clusters: obs, nowMs: NOW });
    expect(r.clusters[0]!.alias).toBe('primary');
    expect(r.clusters[0]!.notes[0]).toMatch(/heartbeats topic names it a/);
  });

  it('a cluster whose alias cannot be learned is named in the result and left out of flows', () => {
    const obs = mm2Layout({ clusters: ['a', 'b', 'c'], flows: [['a', 'b']], noHeartbeats: 'all' });
    const r = discover({ clusters: obs, nowMs: NOW });
    expect(r.clusters.every((c) => c.alias === null)).toBe(true);
    expect(r.clusters[0]!.notes[0]).toMatch(/give it as ALIAS=host:port/);
    expect(r.flows).toEqual([]);
  });

  it('old heartbeats: the flow is reported with a note that MM2 may have stopped', () => {
    const r = run({ clusters: ['a', 'b'], flows: [['a', 'b']], heartbeatAgeMs: 3_600_000 });
    expect(flowNames(r)).toEqual(['a->b']);
    expect(r.flows[0]!.notes.join('\n')).toMatch(/3600 s old: MM2 may no longer run it/);
  });

  it('clusters without MM2: nothing found, and what was looked at', () => {
    const obs: ClusterObservation[] = ['a', 'b'].map((a) => ({
      label: `${a}:9092`,
      givenAlias: a,
      topics: [{ name: 'orders', partitions: 3 }, { name: 'a.b.c', partitions: 1 }, { name: '__consumer_offsets', partitions: 50 }],
      heartbeats: [],
      offsetSyncs: [],
      unread: [],
    }));
    const r = discover({ clusters: obs, nowMs: NOW });
    expect(r.flows).toEqual([]);
    expect(r.partialFlows).toEqual([]);
    expect(r.looked).toEqual([
      { cluster: 'a', topics: 3, mm2Topics: [], heartbeatRecords: 0, unread: [] },
      { cluster: 'b', topics: 3, mm2Topics: [], heartbeatRecords: 0, unread: [] },
    ]);
    expect(r.policy.confidence).toBe('low');
  });

  it('user topics named like an alias prefix or ending in "heartbeats" do not make flows', () => {
    const obs = mm2Layout({ clusters: ['a', 'b'], flows: [['a', 'b']], data: { a: ['orders'], b: ['a.local-topic-of-b'] } });
    obs[1]!.topics.push({ name: 'app-heartbeats', partitions: 1 });
    const r = discover({ clusters: obs, nowMs: NOW });
    expect(flowNames(r)).toEqual(['a->b']);
    expect(r.policy.separator).toBe('.');
    // A topic on b that happens to start with "a." is indistinguishable from a copy: listed as one.
    expect(r.flows[0]!.evidence.remoteTopics?.topics).toEqual(['a.local-topic-of-b', 'a.orders']);
  });

  it('unread topics are carried to the result', () => {
    const obs = mm2Layout({ clusters: ['a', 'b'], flows: [['a', 'b']] });
    obs[1]!.unread.push({ topic: 'a.heartbeats', reason: 'partition 0: TOPIC_AUTHORIZATION_FAILED' });
    const r = discover({ clusters: obs, nowMs: NOW });
    expect(r.looked[1]!.unread).toEqual([{ topic: 'a.heartbeats', reason: 'partition 0: TOPIC_AUTHORIZATION_FAILED' }]);
  });

  it('flows with different policies: one is chosen and the disagreement noted', () => {
    const ab = mm2Layout({ clusters: ['a', 'b'], flows: [['a', 'b']], data: { a: ['orders'] } });
    const cd = mm2Layout({ clusters: ['c', 'd'], flows: [['c', 'd']], separator: '_', data: { c: ['orders'] } });
    const r = discover({ clusters: [...ab, ...cd], nowMs: NOW });
    expect(flowNames(r)).toEqual(['a->b', 'c->d']);
    expect(r.notes.join('\n')).toMatch(/different policies/);
  });
});
