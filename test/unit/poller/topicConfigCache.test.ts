// One TopicConfigCache serves every flow from or to its cluster: flows asking for different
// topics must not evict each other's configs (which made each cycle read them again), and topics
// nobody asks for any more are forgotten at the next refresh.
import { describe, expect, it } from 'vitest';
import { TopicConfigCache } from '../../../src/poller/topicConfigCache.js';
import type { TopicConfigs } from '../../../src/kafka/port.js';

function setup() {
  let now = 0;
  const reads: string[][] = [];
  const port = {
    describeTopicConfigs: async (topics: string[]): Promise<TopicConfigs[]> => {
      reads.push([...topics].sort());
      return topics.map((topic) => ({ topic, configs: { 'cleanup.policy': { value: 'delete', source: 'default' as const } }, error: null }));
    },
  };
  const cache = new TopicConfigCache(port, () => now, 1000);
  return { cache, reads, advance: (ms: number) => (now += ms) };
}

describe('TopicConfigCache', () => {
  it('two flows sharing a cluster read their topics once per refresh, not at every cycle', async () => {
    const { cache, reads, advance } = setup();
    for (let cycle = 0; cycle < 5; cycle++) {
      const a = await cache.get(['orders']);
      const b = await cache.get(['us-west.users']);
      expect(a.get('orders')?.config?.cleanupPolicy).toBe('delete');
      expect(b.get('us-west.users')?.config?.cleanupPolicy).toBe('delete');
      advance(100);
    }
    expect(reads).toEqual([['orders'], ['us-west.users']]);
    // The refresh reads both flows' topics together.
    advance(1000);
    await cache.get(['orders']);
    await cache.get(['us-west.users']);
    expect(reads.slice(2)).toEqual([['orders', 'us-west.users']]);
  });

  it('forgets at a refresh the topics nobody asked for since the previous one', async () => {
    const { cache, reads, advance } = setup();
    await cache.get(['orders', 'gone']);
    advance(1000);
    await cache.get(['orders']);
    // `gone` was forgotten: asked for again, it is read again at once.
    await cache.get(['gone']);
    expect(reads).toEqual([['gone', 'orders'], ['orders'], ['gone']]);
  });
});
