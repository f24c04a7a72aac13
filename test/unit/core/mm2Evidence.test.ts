import { describe, expect, it } from 'vitest';
import { encodeCheckpoint, encodeHeartbeat, encodeOffsetSync } from '../../../src/core/codecs/index.js';
import { applyMm2Records, emptyEvidence, evidenceTopics, forgetTopics, resetEvidence, SYNCS_KEPT, tpKey, type Mm2Record, type ReduceContext } from '../../../src/core/mm2Evidence.js';

const ctx: ReduceContext = { source: 'us-east' };
let offset = 0;
const record = (kv: { key: Buffer | null; value: Buffer | null }, partition = 0, timestamp = 5000): Mm2Record => ({ partition, offset: offset++, timestamp, ...kv });
const garbage = (partition = 0): Mm2Record => record({ key: Buffer.from('k-0'), value: Buffer.from('value of k-0') }, partition);
const json = (key: unknown, value: unknown) => ({ key: Buffer.from(JSON.stringify(key)), value: value === null ? null : Buffer.from(JSON.stringify(value)) });

describe('applyMm2Records', () => {
  it('keeps the newest heartbeat and returns undecodable records instead of throwing or stopping', () => {
    const e = emptyEvidence();
    const hb = (ts: number) => record(encodeHeartbeat({ sourceClusterAlias: 'us-east', targetClusterAlias: 'us-west', timestamp: ts }));
    const bad = applyMm2Records(e, 'heartbeats', [hb(1000), garbage(), hb(3000), hb(2000)], ctx);
    expect(e.heartbeatMs).toBe(3000);
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatchObject({ partition: 0 });
    expect(bad[0]!.kind).not.toBe('null-value');
  });

  it('keeps the last few offset syncs per partition, oldest first, and skips garbage between them', () => {
    const e = emptyEvidence();
    const sync = (u: number) => record(encodeOffsetSync({ topic: 'orders', partition: 1, upstreamOffset: u, downstreamOffset: u - 1 }));
    const records = [sync(10), garbage(), sync(20), sync(30), sync(40), sync(50), sync(60)];
    const bad = applyMm2Records(e, 'offset-syncs', records, ctx);
    expect(bad).toHaveLength(1);
    expect(e.offsetSyncs.get(tpKey('orders', 1))?.map((s) => s.upstreamOffset)).toEqual([30, 40, 50, 60].slice(-SYNCS_KEPT));
  });

  it('indexes checkpoints by group and remote partition with the newest record time; tombstones are not errors', () => {
    const e = emptyEvidence();
    const cp = (u: number, ts: number) => record(encodeCheckpoint({ group: 'billing', topic: 'us-east.orders', partition: 0, upstreamOffset: u, downstreamOffset: u, metadata: '' }), 0, ts);
    const tombstone = record({ key: encodeCheckpoint({ group: 'billing', topic: 'x', partition: 0, upstreamOffset: 0, downstreamOffset: 0, metadata: '' }).key, value: null });
    const bad = applyMm2Records(e, 'checkpoints', [cp(5, 100), tombstone, cp(9, 300)], ctx);
    expect(bad).toEqual([]);
    const g = e.checkpoints.get('billing');
    expect(g?.lastRecordMs).toBe(300);
    expect(g?.entries.get(tpKey('us-east.orders', 0))?.checkpoint.upstreamOffset).toBe(9);
  });

  it("counts only the source connector's Connect offsets for this flow's source, and applies tombstones", () => {
    const e = emptyEvidence();
    const part = (cluster: string, p: number) => ({ cluster, partition: p, topic: 'orders' });
    const bad = applyMm2Records(
      e,
      'connect-offsets',
      [
        record(json(['MirrorSourceConnector', part('us-east', 0)], { offset: 41 })),
        record(json(['MirrorSourceConnector', part('us-east', 1)], { offset: 7 })),
        record(json(['MirrorSourceConnector', part('eu-west', 2)], { offset: 99 })), // another flow's source
        // The checkpoint connector's entries are keyed by group, topic, partition (no cluster).
        record(json(['MirrorCheckpointConnector', { group: 'billing', topic: 'orders', partition: 3 }], { offset: 5 })),
        record({ key: Buffer.from('not json'), value: null }),
        record(json(['MirrorSourceConnector', part('us-east', 1)], null)), // tombstone
      ],
      ctx,
    );
    expect([...e.connectOffsets]).toEqual([[tpKey('orders', 0), 42]]);
    expect(bad).toEqual([expect.objectContaining({ kind: 'invalid', message: 'key is not JSON' })]);
  });

  it('takes any source connector name of this source, or only the configured one', () => {
    const entries = [
      record(json(['us-east->us-west.MirrorSourceConnector', { cluster: 'us-east', partition: 0, topic: 't' }], { offset: 1 })),
      record(json(['other-name', { cluster: 'us-east', partition: 1, topic: 't' }], { offset: 5 })),
      record(json(['MirrorSourceConnector', { cluster: 'eu-west', partition: 2, topic: 't' }], { offset: 9 })),
    ];
    const any = emptyEvidence();
    applyMm2Records(any, 'connect-offsets', entries, { source: 'us-east' });
    expect([...any.connectOffsets].sort()).toEqual([
      [tpKey('t', 0), 2],
      [tpKey('t', 1), 6],
    ]);
    const named = emptyEvidence();
    applyMm2Records(named, 'connect-offsets', entries, { source: 'us-east', sourceConnectorName: 'other-name' });
    expect([...named.connectOffsets]).toEqual([[tpKey('t', 1), 6]]);
  });

  it('resetEvidence forgets one kind only', () => {
    const e = emptyEvidence();
    e.heartbeatMs = 5;
    e.connectOffsets.set('a', 1);
    resetEvidence(e, 'heartbeats');
    expect(e.heartbeatMs).toBeNull();
    expect(e.connectOffsets.size).toBe(1);
  });
});

describe('forgetTopics', () => {
  it('drops the offset syncs and Connect offsets of the given topics only', () => {
    const e = emptyEvidence();
    const sync = (topic: string, partition: number) => record(encodeOffsetSync({ topic, partition, upstreamOffset: 5, downstreamOffset: 5 }));
    const connect = (topic: string, partition: number) => record(json(['MirrorSourceConnector', { cluster: 'us-east', topic, partition }], { offset: 4 }));
    applyMm2Records(e, 'offset-syncs', [sync('a', 0), sync('a', 1), sync('a.b', 0), sync('c', 0)], ctx);
    applyMm2Records(e, 'connect-offsets', [connect('a', 0), connect('a.b', 0), connect('c', 2)], ctx);
    expect(evidenceTopics(e, 'source')).toEqual(new Set(['a', 'a.b', 'c']));
    expect(forgetTopics(e, 'target', new Set(['a', 'c']))).toBe(0);
    expect(forgetTopics(e, 'source', new Set(['a', 'c']))).toBe(5);
    expect([...e.offsetSyncs.keys()]).toEqual([tpKey('a.b', 0)]);
    expect([...e.connectOffsets.keys()]).toEqual([tpKey('a.b', 0)]);
    expect(evidenceTopics(e, 'source')).toEqual(new Set(['a.b']));
  });

  it('drops the checkpoints of the given remote topics, keeping each group and its newest record time', () => {
    const e = emptyEvidence();
    const cp = (topic: string, ts: number) => record(encodeCheckpoint({ group: 'billing', topic, partition: 0, upstreamOffset: 5, downstreamOffset: 5, metadata: '' }), 0, ts);
    applyMm2Records(e, 'checkpoints', [cp('us-east.a', 100), cp('us-east.b', 300)], ctx);
    expect(evidenceTopics(e, 'target')).toEqual(new Set(['us-east.a', 'us-east.b']));
    expect(forgetTopics(e, 'source', new Set(['us-east.a']))).toBe(0);
    expect(forgetTopics(e, 'target', new Set(['us-east.a', 'us-east.b']))).toBe(2);
    expect(e.checkpoints.get('billing')).toEqual({ lastRecordMs: 300, entries: new Map() });
  });
});
