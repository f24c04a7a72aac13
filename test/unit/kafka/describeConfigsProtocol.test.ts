import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { decodeDescribeConfigsResponse, encodeDescribeConfigsRequest } from '../../../src/kafka/describeConfigsProtocol.js';

// kafkajs's own DescribeConfigs codec (v1, v2) is the independent reference; v3 adds two fields.
const require = createRequire(import.meta.url);
const Encoder = require('kafkajs/src/protocol/encoder.js');
const { requests } = require('kafkajs/src/protocol/requests/index.js');

function responseBytes(version: number): Buffer {
  const e = new Encoder();
  e.writeInt32(0).writeInt32(3);
  const entry = (name: string, value: string | null, source: number, sensitive: boolean, synonyms: number) => {
    e.writeString(name).writeString(value).writeBoolean(false).writeInt8(source).writeBoolean(sensitive).writeInt32(synonyms);
    for (let i = 0; i < synonyms; i++) e.writeString(`log.${name}`).writeString(value).writeInt8(4);
    if (version >= 3) e.writeInt8(2).writeString('docs');
  };
  e.writeInt16(0).writeString(null).writeInt8(2).writeString('orders').writeInt32(3);
  entry('cleanup.policy', 'compact', 1, false, 1);
  entry('message.timestamp.type', 'CreateTime', 5, false, 0);
  entry('secret', 'hunter2', 4, true, 0);
  e.writeInt16(29).writeString('Authorization failed.').writeInt8(2).writeString('payments').writeInt32(0);
  e.writeInt16(3).writeString(null).writeInt8(2).writeString('gone').writeInt32(0);
  return e.buffer;
}

describe('DescribeConfigs codec', () => {
  for (const version of [1, 2]) {
    it(`matches kafkajs for v${version} requests and responses`, async () => {
      // kafkajs writes an empty key list as null (every config).
      const keyLists: [string[] | null, string[]][] = [
        [['cleanup.policy', 'message.timestamp.type'], ['cleanup.policy', 'message.timestamp.type']],
        [null, []],
      ];
      for (const [keys, theirKeys] of keyLists) {
        const ours = encodeDescribeConfigsRequest(version, ['orders', 'héllo'], keys);
        const theirs = await requests.DescribeConfigs.protocol({ version })({
          resources: ['orders', 'héllo'].map((name) => ({ type: 2, name, configNames: theirKeys })),
          includeSynonyms: false,
        }).request.encode();
        expect(ours.equals(theirs.buffer), JSON.stringify(keys)).toBe(true);
      }
      const bytes = responseBytes(version);
      const ref = await requests.DescribeConfigs.protocol({ version })({ resources: [] }).response.decode(bytes);
      const ours = decodeDescribeConfigsResponse(bytes, version);
      expect(ours.map((r) => [r.errorCode, r.errorMessage, r.resourceName])).toEqual(
        ref.resources.map((r: { errorCode: number; errorMessage: string | null; resourceName: string }) => [r.errorCode, r.errorMessage, r.resourceName]),
      );
      expect(ours[0]!.configs.map((c) => c.name)).toEqual(ref.resources[0].configEntries.map((c: { configName: string }) => c.configName));
    });
  }

  it('decodes v3 (config type and documentation) with sources, and never keeps a sensitive value', () => {
    const ours = decodeDescribeConfigsResponse(responseBytes(3), 3);
    expect(ours[0]!.configs).toEqual([
      { name: 'cleanup.policy', value: 'compact', source: 'topic', sensitive: false },
      { name: 'message.timestamp.type', value: 'CreateTime', source: 'default', sensitive: false },
      { name: 'secret', value: null, source: 'broker', sensitive: true },
    ]);
    expect(ours.slice(1).map((r) => [r.errorCode, r.resourceName])).toEqual([
      [29, 'payments'],
      [3, 'gone'],
    ]);
  });

  it('asks for every config with a null key list', () => {
    // array length -1 after resource type (1 byte) and name (2 + 1 bytes), after the resource count
    expect(encodeDescribeConfigsRequest(1, ['t'], null).readInt32BE(4 + 1 + 3)).toBe(-1);
  });

  it('writes include_documentation from v3 on', () => {
    const v2 = encodeDescribeConfigsRequest(2, ['t'], ['k']);
    const v3 = encodeDescribeConfigsRequest(3, ['t'], ['k']);
    expect(v3.length).toBe(v2.length + 1);
    expect(v3.subarray(0, v2.length).equals(v2)).toBe(true);
    expect(() => encodeDescribeConfigsRequest(4, ['t'], null)).toThrow(/v4 is not supported/);
  });
});
