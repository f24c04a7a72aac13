// The one in-memory KafkaPort of the unit tests: each test overrides the methods its scenario is
// about, and a method added to KafkaPort gets its default here, once.
import type { KafkaPort } from '../../../src/kafka/port.js';

/** Answers of the methods a test does not override: a reachable cluster with nothing on it. */
export const EMPTY_PORT: Omit<KafkaPort, 'alias'> = {
  connect: async () => {},
  close: async () => {},
  listTopics: async () => [],
  fetchOffsets: async () => [],
  fetchOffsetsForTimes: async () => [],
  fetch: async () => [],
  fetchCommittedOffsets: async () => [],
};

/** A complete KafkaPort (alias `fake` unless given): EMPTY_PORT with `overrides` on top. */
export function fakePort(overrides: Partial<KafkaPort> = {}): KafkaPort {
  return { alias: 'fake', ...EMPTY_PORT, ...overrides };
}
