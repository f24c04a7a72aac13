import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createReplicationPolicy, replicationPolicyConfigProblem } from '../../../src/core/replicationPolicy.js';

const dflt = createReplicationPolicy({ kind: 'default', separator: '.' });
const identity = createReplicationPolicy({ kind: 'identity', separator: '.' });

describe('DefaultReplicationPolicy semantics', () => {
  it('prefixes the source alias with the separator', () => {
    expect(dflt.formatRemoteTopic('us-east', 'orders')).toBe('us-east.orders');
    expect(createReplicationPolicy({ kind: 'default', separator: '__' }).formatRemoteTopic('a', 'b')).toBe('a__b');
  });

  it('reads the source as the text before the first separator', () => {
    expect(dflt.topicSource('us-east.orders')).toBe('us-east');
    expect(dflt.topicSource('us-east.orders.v2')).toBe('us-east');
    expect(dflt.upstreamTopic('us-east.orders.v2')).toBe('orders.v2');
    expect(dflt.topicSource('orders')).toBeNull();
    expect(dflt.upstreamTopic('orders')).toBeNull();
  });

  it('follows Java String.split: trailing empty parts dropped, a leading one kept', () => {
    expect(dflt.topicSource('orders.')).toBeNull();
    expect(dflt.topicSource('.orders')).toBe('');
    expect(dflt.upstreamTopic('.orders')).toBe('orders');
    expect(dflt.topicSource('.')).toBeNull();
    expect(dflt.topicSource('a..b')).toBe('a');
    expect(dflt.upstreamTopic('a..b')).toBe('.b');
  });

  it('finds the original topic across hops', () => {
    expect(dflt.originalTopic('us-west.us-east.orders')).toBe('orders');
    expect(dflt.originalTopic('orders')).toBe('orders');
  });

  it('names heartbeats, checkpoints and offset-syncs topics', () => {
    expect(dflt.heartbeatsTopic()).toBe('heartbeats');
    expect(dflt.checkpointsTopic('us-east')).toBe('us-east.checkpoints.internal');
    expect(dflt.offsetSyncsTopic('us-west')).toBe('mm2-offset-syncs.us-west.internal');
    expect(dflt.isHeartbeatsTopic('heartbeats')).toBe(true);
    expect(dflt.isHeartbeatsTopic('us-east.heartbeats')).toBe(true);
    expect(dflt.isHeartbeatsTopic('us-west.us-east.heartbeats')).toBe(true);
    expect(dflt.isHeartbeatsTopic('myheartbeats')).toBe(false);
    expect(dflt.isCheckpointsTopic('us-east.checkpoints.internal')).toBe(true);
    expect(dflt.isCheckpointsTopic('checkpoints')).toBe(false);
  });

  it('uses a custom separator in internal names unless disabled', () => {
    const custom = createReplicationPolicy({ kind: 'default', separator: '_' });
    expect(custom.checkpointsTopic('east')).toBe('east_checkpoints_internal');
    expect(custom.offsetSyncsTopic('west')).toBe('mm2-offset-syncs_west_internal');
    expect(custom.isMM2InternalTopic('mm2-offset-syncs_west_internal')).toBe(true);
    const legacy = createReplicationPolicy({ kind: 'default', separator: '_', internalTopicSeparatorEnabled: false });
    expect(legacy.checkpointsTopic('east')).toBe('east.checkpoints.internal');
    expect(legacy.offsetSyncsTopic('west')).toBe('mm2-offset-syncs.west.internal');
    expect(legacy.formatRemoteTopic('east', 'orders')).toBe('east_orders');
  });

  it('treats Kafka, Connect and MM2 topics as internal', () => {
    for (const t of ['__consumer_offsets', '.hidden', 'connect-configs-internal', 'mm2-offsets.us-east.internal', 'us-east.checkpoints.internal']) {
      expect(dflt.isInternalTopic(t), t).toBe(true);
    }
    for (const t of ['orders', 'us-east.orders', 'heartbeats', 'internal']) {
      expect(dflt.isInternalTopic(t), t).toBe(false);
    }
  });

  it('inverts formatRemoteTopic for a given source', () => {
    expect(dflt.sourceTopicOf('us-east', 'us-east.orders')).toBe('orders');
    expect(dflt.sourceTopicOf('us-east', 'us-west.orders')).toBeNull();
    expect(dflt.sourceTopicOf('us-east', 'orders')).toBeNull();
    // An alias that contains the separator still round-trips (MM2's topicSource would not).
    expect(dflt.sourceTopicOf('us.east', 'us.east.orders')).toBe('orders');
  });

  it('round-trips every topic name (property)', () => {
    const name = fc.stringMatching(/^[a-zA-Z0-9._-]{1,30}$/);
    const alias = fc.stringMatching(/^[a-zA-Z0-9-]{1,10}$/);
    fc.assert(
      fc.property(alias, name, (a, t) => {
        const remote = dflt.formatRemoteTopic(a, t);
        expect(dflt.sourceTopicOf(a, remote)).toBe(t);
        // Java's split drops trailing empty parts: a name of separators only is no remote topic.
        fc.pre(/[^.]/.test(t));
        expect(dflt.topicSource(remote)).toBe(a);
        expect(dflt.upstreamTopic(remote)).toBe(t);
      }),
    );
  });

  it('a topic made of separators only reads as local once copied (MM2 quirk, found by the property)', () => {
    expect(dflt.topicSource('A..')).toBeNull();
    expect(dflt.sourceTopicOf('A', 'A..')).toBe('.');
  });
});

describe('IdentityReplicationPolicy semantics', () => {
  it('keeps names, except heartbeats which keep the prefix', () => {
    expect(identity.formatRemoteTopic('us-east', 'orders')).toBe('orders');
    expect(identity.formatRemoteTopic('us-east', 'heartbeats')).toBe('us-east.heartbeats');
    expect(identity.formatRemoteTopic('us-west', 'us-east.heartbeats')).toBe('us-west.us-east.heartbeats');
  });

  it('cannot tell the source of ordinary topics', () => {
    expect(identity.topicSource('us-east.orders')).toBeNull();
    expect(identity.upstreamTopic('orders')).toBe('orders');
    expect(identity.originalTopic('orders')).toBe('orders');
    expect(identity.topicSource('us-east.heartbeats')).toBe('us-east');
    expect(identity.upstreamTopic('us-east.heartbeats')).toBe('heartbeats');
    expect(identity.isHeartbeatsTopic('us-east.heartbeats')).toBe(true);
    expect(identity.isHeartbeatsTopic('heartbeats')).toBe(true);
  });

  it('inverts names for a source', () => {
    expect(identity.sourceTopicOf('us-east', 'orders')).toBe('orders');
    expect(identity.sourceTopicOf('us-east', 'us-east.orders')).toBe('us-east.orders');
    expect(identity.sourceTopicOf('us-east', 'us-east.heartbeats')).toBe('heartbeats');
  });
});

describe('configuration checks', () => {
  it('rejects an empty separator and unknown kinds', () => {
    expect(replicationPolicyConfigProblem({ kind: 'default', separator: '' })).toMatch(/separator/);
    expect(replicationPolicyConfigProblem({ kind: 'custom' as 'default', separator: '.' })).toMatch(/custom/);
    expect(replicationPolicyConfigProblem({ kind: 'identity', separator: '.' })).toBeNull();
    expect(() => createReplicationPolicy({ kind: 'default', separator: '' })).toThrow(RangeError);
  });
});
