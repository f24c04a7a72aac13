// The daemon's discovered flow set from one discovery to the next: added, kept, vanished (only when
// both clusters were read, twice in a row), back again; and the policy the flows are watched with.
import { describe, expect, it } from 'vitest';
import type { DiscoveredFlow, PolicyInference } from '../../../src/core/discovery.js';
import { choosePolicy, discoveredFlowConfig, updateFlowSet, VANISH_AFTER, type ChosenPolicy, type TrackedFlow } from '../../../src/core/flowSet.js';

function found(source: string, target: string, over: Partial<DiscoveredFlow> = {}): DiscoveredFlow {
  return {
    source,
    target,
    evidence: {
      heartbeatKeys: [],
      remoteHeartbeats: [{ cluster: target, topic: `${source}.heartbeats` }],
      checkpoints: [{ cluster: target, topic: `${source}.checkpoints.internal` }],
      offsetSyncs: [{ cluster: source, topic: `mm2-offset-syncs.${target}.internal`, location: 'source', basis: 'records' }],
      remoteTopics: null,
      sameNameTopics: [],
      connectInternal: [],
    },
    policy: { kind: 'default', separator: '.', internalSeparatorEnabled: true, confidence: 'high', reasons: [] },
    heartbeats: true,
    offsetSyncsTopicLocation: 'source',
    lastHeartbeatAgeSeconds: 1,
    notes: [],
    ...over,
  };
}

const BOTH = new Set(['a', 'b']);
const names = (flows: readonly TrackedFlow[]) => flows.map((f) => `${f.source}->${f.target}:${f.state}`);

describe('updateFlowSet', () => {
  it('adds new flows with their evidence, sorted, and keeps first-seen times of known ones', () => {
    const one = updateFlowSet([], [found('a', 'b')], BOTH, 1000);
    expect(names(one.flows)).toEqual(['a->b:active']);
    expect(one.change.added.map((f) => f.evidence)).toEqual([['a:mm2-offset-syncs.b.internal', 'b:a.checkpoints.internal', 'b:a.heartbeats']]);
    const two = updateFlowSet(one.flows, [found('b', 'a'), found('a', 'b')], BOTH, 2000);
    expect(names(two.flows)).toEqual(['a->b:active', 'b->a:active']);
    expect(two.change.added.map((f) => f.source)).toEqual(['b']);
    expect(two.flows[0]).toMatchObject({ firstSeenMs: 1000, lastSeenMs: 2000 });
  });

  it(`reports a flow vanished after ${VANISH_AFTER} discoveries without it, not dropped`, () => {
    let set = updateFlowSet([], [found('a', 'b'), found('b', 'a')], BOTH, 1000).flows;
    const first = updateFlowSet(set, [found('a', 'b')], BOTH, 2000);
    expect(first.change.vanished).toEqual([]);
    expect(names(first.flows)).toEqual(['a->b:active', 'b->a:active']);
    const second = updateFlowSet(first.flows, [found('a', 'b')], BOTH, 3000);
    expect(second.change.vanished.map((f) => f.source)).toEqual(['b']);
    expect(names(second.flows)).toEqual(['a->b:active', 'b->a:vanished']);
    expect(second.flows[1]).toMatchObject({ vanishedAtMs: 3000, lastSeenMs: 1000 });
    // Reported once: later discoveries keep it vanished without a new change.
    set = updateFlowSet(second.flows, [found('a', 'b')], BOTH, 4000).flows;
    expect(names(set)).toEqual(['a->b:active', 'b->a:vanished']);
    const back = updateFlowSet(set, [found('a', 'b'), found('b', 'a')], BOTH, 5000);
    expect(back.change.returned.map((f) => f.source)).toEqual(['b']);
    expect(back.flows[1]).toMatchObject({ state: 'active', vanishedAtMs: null, missedRounds: 0, firstSeenMs: 1000 });
  });

  it('a flow found again between two misses starts counting afresh', () => {
    let set = updateFlowSet([], [found('a', 'b')], BOTH, 1).flows;
    set = updateFlowSet(set, [], BOTH, 2).flows;
    set = updateFlowSet(set, [found('a', 'b')], BOTH, 3).flows;
    const r = updateFlowSet(set, [], BOTH, 4);
    expect(r.change.vanished).toEqual([]);
    expect(names(r.flows)).toEqual(['a->b:active']);
  });

  it('never vanishes a flow whose source or target could not be read', () => {
    let set = updateFlowSet([], [found('a', 'b')], BOTH, 1).flows;
    for (let i = 0; i < 5; i++) {
      const r = updateFlowSet(set, [], new Set(['a']), 10 + i);
      expect(r.change.vanished).toEqual([]);
      set = r.flows;
    }
    expect(names(set)).toEqual(['a->b:active']);
    expect(set[0]!.missedRounds).toBe(0);
  });

  it('reports a change of the offset-syncs location of a known flow; heartbeats seen later are no change', () => {
    const set = updateFlowSet([], [found('a', 'b', { heartbeats: false })], BOTH, 1).flows;
    const hb = updateFlowSet(set, [found('a', 'b')], BOTH, 2);
    expect(hb.change.changed).toEqual([]);
    expect(hb.flows[0]!.heartbeats).toBe(true);
    const r = updateFlowSet(hb.flows, [found('a', 'b', { offsetSyncsTopicLocation: 'target' })], BOTH, 3);
    expect(r.change.changed.map((f) => f.offsetSyncsTopicLocation)).toEqual(['target']);
    expect(updateFlowSet(r.flows, [found('a', 'b', { offsetSyncsTopicLocation: 'target' })], BOTH, 4).change.changed).toEqual([]);
  });
});

describe('discoveredFlowConfig', () => {
  it('watches every topic with the discovery filter, heartbeats auto and the offset-syncs location found', () => {
    const [f] = updateFlowSet([], [found('a', 'b', { heartbeats: false, offsetSyncsTopicLocation: 'target' })], BOTH, 1).flows;
    expect(discoveredFlowConfig(f!, { intervalMs: 1000, policyConfigured: false, topics: ['.*'], topicsExclude: ['__.*'] }, { maxLagRecords: 0, maxHeartbeatAgeSeconds: 30 })).toEqual({
      source: 'a',
      target: 'b',
      topics: ['.*'],
      topicsExclude: ['__.*'],
      heartbeatsExpected: true,
      heartbeatsAuto: true,
      offsetSyncsTopicLocation: 'target',
      groups: [],
      maxLagRecords: 0,
      maxHeartbeatAgeSeconds: 30,
    });
  });
});

describe('choosePolicy', () => {
  const start: ChosenPolicy = { policy: { kind: 'default', separator: '.' }, from: 'default', confidence: null };
  const inferred = (separator: string, confidence: PolicyInference['confidence'], kind: 'default' | 'identity' = 'default'): PolicyInference => ({ kind, separator, internalSeparatorEnabled: true, confidence, reasons: [] });

  it('takes what discovery inferred unless the file sets a policy', () => {
    expect(choosePolicy(start, inferred('_', 'high'), false)).toEqual({ policy: { kind: 'default', separator: '_' }, from: 'inferred', confidence: 'high' });
    const configured: ChosenPolicy = { policy: { kind: 'identity', separator: '.' }, from: 'configured', confidence: null };
    expect(choosePolicy(configured, inferred('_', 'high'), true)).toBe(configured);
    expect(choosePolicy(start, null, false)).toBe(start);
  });

  it('a less sure inference does not replace a surer one; an equally sure one does', () => {
    const high = choosePolicy(start, inferred('_', 'high'), false);
    expect(choosePolicy(high, inferred('.', 'low'), false)).toBe(high);
    expect(choosePolicy(high, inferred('.', 'high', 'identity'), false).policy).toEqual({ kind: 'identity', separator: '.' });
  });

  it('keeps internal topics on "." when discovery saw that', () => {
    expect(choosePolicy(start, { ...inferred('_', 'high'), internalSeparatorEnabled: false }, false).policy).toEqual({ kind: 'default', separator: '_', internalTopicSeparatorEnabled: false });
  });
});
