// The topics mirrorwatch watches are exactly the topics MM2 copies, for filters that use Java-only
// regex syntax (inline flags, POSIX classes, class intersection, \Q...\E): a real MM2 is given the
// filter in mm2.properties, mirrorwatch reads the same file, and the remote topics MM2 creates on
// the target are compared with the source topics mirrorwatch lists for the flow.
import { beforeAll, describe, expect, it } from 'vitest';
import { createTopic, listTopics, startMirrorMaker } from '../harness/kafka.js';
import type { KafkaCluster } from '../harness/kafka.js';
import { loadConfig } from '../../src/config/load.js';
import { createReplicationPolicy } from '../../src/core/replicationPolicy.js';
import { selectSourceTopics } from '../../src/core/topicFilter.js';
import { startEastWest, useIntegrationHarness } from './helpers/setup.js';
import { fail, pass, waitUntil } from './helpers/wait.js';

useIntegrationHarness();

const TOPICS = ['orders', 'Orders2', 'ORDERS_eu', 'ABC_1', 'abc_1', 'abc', 'bcd', 'xab', 'xyz', 'pay.ments', 'payments'];
// Java syntax JavaScript reads differently or not at all; no commas inside a pattern (MM2 splits
// lists at commas; a bare (?i) would reach across the joined list into \p{Upper}, which mirrorwatch
// refuses as not exactly evaluable). As written in mm2.properties: Java's Properties.load reads `\\` as one backslash.
const FILTER_IN_FILE = '(?i:orders).*|\\\\p{Upper}+_\\\\d, [a-z&&[^xyz]]{3}, \\\\Qpay.ments\\\\E';

let east: KafkaCluster;
let west: KafkaCluster;

beforeAll(async () => {
  [east, west] = await startEastWest();
  for (const t of TOPICS) await createTopic(east, t, 1);
});

describe('Java regex topic filters select what MM2 selects', () => {
  it('mirrorwatch watches exactly the topics MM2 copies', async () => {
    const flows = [{ source: east.alias, target: west.alias, topics: FILTER_IN_FILE }];
    const mm = await startMirrorMaker({ clusters: [east, west], flows });
    // mirrorwatch reads the very file MM2 runs with.
    const config = loadConfig(mm.propertiesFile);
    const flow = config.flows.find((f) => f.source === east.alias && f.target === west.alias);
    expect(flow).toBeDefined();
    const watched = selectSourceTopics(flow!, createReplicationPolicy(config.replicationPolicy), TOPICS).sort();

    // Java's own answer for these names, worked out by hand from java.util.regex semantics.
    expect(watched).toEqual(['ABC_1', 'ORDERS_eu', 'Orders2', 'abc', 'bcd', 'orders', 'pay.ments'].sort());

    const copied = await waitUntil(
      'MM2 to create the remote topics of every topic its filter selects',
      async () => {
        const remote = (await listTopics(west))
          .filter((t) => t.startsWith(`${east.alias}.`))
          .map((t) => t.slice(east.alias.length + 1))
          .filter((t) => TOPICS.includes(t))
          .sort();
        return remote.length >= watched.length ? pass(remote) : fail({ remote, watched });
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    // Give MM2 a few more topic refreshes (2 s each) to copy anything mirrorwatch would miss.
    await new Promise((r) => setTimeout(r, 6000));
    const after = (await listTopics(west))
      .filter((t) => t.startsWith(`${east.alias}.`))
      .map((t) => t.slice(east.alias.length + 1))
      .filter((t) => TOPICS.includes(t))
      .sort();
    expect(after).toEqual(copied);
    expect(copied).toEqual(watched);
    console.log(`java regex selection: filter ${FILTER_IN_FILE} (as written in mm2.properties) -> MM2 copied [${copied.join(', ')}], mirrorwatch watches [${watched.join(', ')}]`);
    await mm.stop();
  });
});
