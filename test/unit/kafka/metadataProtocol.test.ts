import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { decodeMetadataResponse, encodeMetadataRequest } from '../../../src/kafka/metadataProtocol.js';

// kafkajs's own Metadata codec is the independent reference.
const require = createRequire(import.meta.url);
const Encoder = require('kafkajs/src/protocol/encoder.js');
const { requests } = require('kafkajs/src/protocol/requests/index.js');

function responseBytes(version: number): Buffer {
  const e = new Encoder();
  if (version >= 3) e.writeInt32(0);
  e.writeInt32(2)
    .writeInt32(1).writeString('10.0.0.1').writeInt32(9092).writeString(null)
    .writeInt32(2).writeString('kafka-2.example').writeInt32(9093).writeString('rack-b');
  if (version >= 2) e.writeString('cluster-id');
  e.writeInt32(1).writeInt32(2);
  const partition = (error: number, id: number, leader: number) => {
    e.writeInt16(error).writeInt32(id).writeInt32(leader).writeArray([1, 2], 'int32').writeArray([leader], 'int32');
    if (version >= 5) e.writeArray([], 'int32');
  };
  e.writeInt16(0).writeString('orders').writeBoolean(false).writeInt32(2);
  partition(0, 0, 1);
  partition(5, 1, -1);
  e.writeInt16(3).writeString('gone').writeBoolean(false).writeInt32(0);
  return e.buffer;
}

describe('Metadata codec', () => {
  for (const version of [1, 2, 3, 4, 5, 6]) {
    it(`matches kafkajs for v${version} requests and responses`, async () => {
      for (const topics of [null, ['orders', 'héllo']]) {
        const ours = encodeMetadataRequest(version, topics);
        const theirs = await requests.Metadata.protocol({ version })({ topics: topics ?? [], allowAutoTopicCreation: false }).request.encode();
        expect(ours.equals(theirs.buffer), JSON.stringify(topics)).toBe(true);
      }
      const bytes = responseBytes(version);
      const ref = await requests.Metadata.protocol({ version })({ topics: [] }).response.decode(bytes);
      const ours = decodeMetadataResponse(bytes, version);
      expect(ours.brokers).toEqual(ref.brokers.map((b: { nodeId: number; host: string; port: number }) => ({ nodeId: b.nodeId, host: b.host, port: b.port })));
      expect(ours.topicMetadata).toEqual(
        ref.topicMetadata.map((t: { topicErrorCode: number; topic: string; partitionMetadata: { partitionErrorCode: number; partitionId: number; leader: number }[] }) => ({
          topicErrorCode: t.topicErrorCode,
          topic: t.topic,
          partitionMetadata: t.partitionMetadata.map((p) => ({ partitionErrorCode: p.partitionErrorCode, partitionId: p.partitionId, leader: p.leader })),
        })),
      );
      expect(ours.topicMetadata.map((t) => t.topic)).toEqual(['orders', 'gone']);
      expect(() => decodeMetadataResponse(bytes.subarray(0, bytes.length - 2), version)).toThrow(RangeError);
    });
  }

  it('refuses versions it does not implement', () => {
    expect(() => encodeMetadataRequest(7, null)).toThrow(/v7 is not supported/);
  });
});
