// The daemon's discovery loop over fake clusters: nothing found (a reason, not an error), a flow
// appearing, a cluster that cannot be read (counted, logged once, its flows kept), and a flow whose
// MM2 topics are gone (vanished after two discoveries, handed on as no longer watched).
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DiscoveryLoop } from '../../../src/discovery/discoveryLoop.js';
import type { FlowConfig, MirrorwatchConfig, ReplicationPolicyConfig, TopicPartition } from '../../../src/core/types.js';
import type { KafkaPortFactory } from '../../../src/kafka/port.js';
import { createLogger } from '../../../src/log.js';
import { noopTelemetry } from '../../../src/core/telemetry.js';
import { fakePort } from '../helpers/fakePort.js';

function config(): MirrorwatchConfig {
  return {
    file: 'test.yaml',
    clusters: ['a', 'b'].map((alias) => ({ alias, bootstrapServers: ['127.0.0.1:1'], clientId: 'mw', connectionTimeoutMs: 1000, requestTimeoutMs: 1000 })),
    flows: [],
    replicationPolicy: { kind: 'default', separator: '.' },
    poll: { intervalMs: 10_000, timeoutMs: 5000 },
    http: { host: '127.0.0.1', port: 0 },
    granularity: 'partition',
    maxSeries: 10_000,
    logLevel: 'info',
    warnings: [],
    discovery: { intervalMs: 1000, policyConfigured: false, topics: ['.*'], topicsExclude: ['__.*'] },
  };
}

function fakeClusters() {
  const topics: Record<string, string[]> = { a: ['orders'], b: [] };
  const down = new Set<string>();
  const factory: KafkaPortFactory = (c) => {
    const port = fakePort({
      alias: c.alias,
      listTopics: async () => {
        if (down.has(c.alias)) throw new Error('connect ECONNREFUSED 127.0.0.1:1');
        return topics[c.alias]!.map((name) => ({ name, partitions: [0] }));
      },
      fetchOffsets: async (tps: TopicPartition[]) => tps.map((tp) => ({ ...tp, start: 0, end: 0 })),
    });
    return port;
  };
  return { topics, down, factory };
}

function capture() {
  const lines: { level: number; msg: string }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as { level: number; msg: string });
      done();
    },
  });
  return { lines, logger: createLogger('info', stream) };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('DiscoveryLoop', () => {
  it('finds nothing, then a flow; keeps it while a cluster cannot be read; reports it vanished once its MM2 topics are gone', async () => {
    const k = fakeClusters();
    const log = capture();
    const handed: { flows: FlowConfig[]; policy: ReplicationPolicyConfig }[] = [];
    let now = 1_000_000;
    const loop = new DiscoveryLoop({
      config: config(),
      discovery: config().discovery!,
      portFactory: k.factory,
      logger: log.logger,
      telemetry: noopTelemetry,
      onFlows: (flows, policy) => handed.push({ flows, policy }),
      now: () => now,
    });
    expect(loop.notReadyReason()).toBe('discovery has not finished its first look at MM2\'s topics on a, b yet');

    await loop.runOnce();
    expect(handed).toEqual([]);
    expect(loop.notReadyReason()).toBe('discovery found no active MM2 flow between a, b (looked 1 time(s), every 1s)');
    expect(loop.view().reasons).toEqual([loop.notReadyReason()]);

    // MM2 starts a->b: its checkpoints and remote heartbeats on b, the copy of orders.
    k.topics.b = ['a.checkpoints.internal', 'a.heartbeats', 'a.orders', 'heartbeats'];
    now += 1000;
    await loop.runOnce();
    expect(handed.map((h) => h.flows.map((f) => `${f.source}->${f.target}:${f.heartbeatsAuto}`))).toEqual([['a->b:true']]);
    expect(handed[0]!.policy).toEqual({ kind: 'default', separator: '.' });
    expect(loop.notReadyReason()).toBeNull();
    expect(loop.view().flows).toMatchObject([{ source: 'a', target: 'b', state: 'active', evidence: ['b:a.checkpoints.internal', 'b:a.heartbeats'] }]);

    // a cannot be read and b lost the flow's topics: says nothing about the flow, which stays.
    k.down.add('a');
    k.topics.b = ['a.orders'];
    for (let i = 0; i < 3; i++) {
      now += 1000;
      await loop.runOnce();
    }
    expect(handed).toHaveLength(1);
    expect(loop.view().flows.map((f) => f.state)).toEqual(['active']);
    expect(loop.view().reasons).toEqual(['cluster a could not be read: connect ECONNREFUSED 127.0.0.1:1']);
    expect(loop.view().clusters.map((c) => [c.cluster, c.read])).toEqual([['a', false], ['b', true]]);
    await flush();
    expect(log.lines.filter((l) => l.msg.startsWith('discovery cannot read cluster a')).length).toBe(1);

    // a is back: the flow's topics are gone from both clusters, two discoveries in a row.
    k.down.delete('a');
    now += 1000;
    await loop.runOnce();
    expect(handed).toHaveLength(1);
    now += 1000;
    await loop.runOnce();
    expect(handed.map((h) => h.flows.length)).toEqual([1, 0]);
    const v = loop.view();
    expect(v.flows).toMatchObject([{ source: 'a', target: 'b', state: 'vanished', vanishedAt: new Date(now).toISOString() }]);
    expect(loop.notReadyReason()).toBe('discovery found no active MM2 flow between a, b (looked 7 time(s), every 1s); vanished: a->b');
    await flush();
    expect(log.lines.filter((l) => /vanished/.test(l.msg)).map((l) => l.msg)).toEqual([
      "discovery: flow a->b vanished: MM2's topics for it (b:a.checkpoints.internal, b:a.heartbeats) are gone from both clusters; no longer watched, reported as vanished",
    ]);
    expect(log.lines.some((l) => l.msg === 'discovery reads cluster a again')).toBe(true);
    await loop.stop();
  });
});
