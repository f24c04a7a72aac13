import { describe, expect, it } from 'vitest';
import { flowMm2Topics, mm2TopicsByCluster } from '../../../src/core/mm2Topics.js';
import { createReplicationPolicy } from '../../../src/core/replicationPolicy.js';

const dflt = createReplicationPolicy({ kind: 'default', separator: '.' });

describe('flowMm2Topics', () => {
  it('default policy, offset syncs on the source', () => {
    expect(flowMm2Topics({ source: 'us-east', target: 'us-west', offsetSyncsTopicLocation: 'source' }, dflt)).toEqual({
      remoteHeartbeats: { cluster: 'us-west', topic: 'us-east.heartbeats' },
      checkpoints: { cluster: 'us-west', topic: 'us-east.checkpoints.internal' },
      offsetSyncs: { cluster: 'us-east', topic: 'mm2-offset-syncs.us-west.internal' },
      connectOffsets: { cluster: 'us-west', topic: 'mm2-offsets.us-east.internal' },
    });
  });

  it('offset syncs on the target are named after the source', () => {
    expect(flowMm2Topics({ source: 'us-east', target: 'us-west', offsetSyncsTopicLocation: 'target' }, dflt).offsetSyncs).toEqual({
      cluster: 'us-west',
      topic: 'mm2-offset-syncs.us-east.internal',
    });
  });

  it('identity policy keeps the heartbeats prefix', () => {
    const id = createReplicationPolicy({ kind: 'identity', separator: '.' });
    expect(flowMm2Topics({ source: 'a', target: 'b', offsetSyncsTopicLocation: 'source' }, id).remoteHeartbeats.topic).toBe('a.heartbeats');
  });

  it('custom separator: remote and internal names use it, Connect offsets never do', () => {
    const p = createReplicationPolicy({ kind: 'default', separator: '_' });
    const t = flowMm2Topics({ source: 'a', target: 'b', offsetSyncsTopicLocation: 'source' }, p);
    expect(t.remoteHeartbeats.topic).toBe('a_heartbeats');
    expect(t.checkpoints.topic).toBe('a_checkpoints_internal');
    expect(t.offsetSyncs.topic).toBe('mm2-offset-syncs_b_internal');
    expect(t.connectOffsets.topic).toBe('mm2-offsets.a.internal');
  });

  it('honours a configured Connect offsets topic', () => {
    expect(flowMm2Topics({ source: 'a', target: 'b', offsetSyncsTopicLocation: 'source', connectOffsetsTopic: 'my-offsets' }, dflt).connectOffsets).toEqual({
      cluster: 'b',
      topic: 'my-offsets',
    });
  });

  it('groups the topics of active-active flows by cluster', () => {
    const flows = [
      { source: 'e', target: 'w', offsetSyncsTopicLocation: 'source' as const },
      { source: 'w', target: 'e', offsetSyncsTopicLocation: 'source' as const },
    ];
    expect(Object.fromEntries(mm2TopicsByCluster(flows, dflt))).toEqual({
      e: ['mm2-offset-syncs.w.internal', 'mm2-offsets.w.internal', 'w.checkpoints.internal', 'w.heartbeats'],
      w: ['e.checkpoints.internal', 'e.heartbeats', 'mm2-offset-syncs.e.internal', 'mm2-offsets.e.internal'],
    });
  });
});
