// Real Kafka and MirrorMaker 2 for integration tests, the demo and the benchmark.
// Entry point: everything the other harness modules offer, plus teardown.
import { closeClients } from './clients.js';
import { stopAll as stopAllJvms } from './jvm.js';

export { DEFAULT_KAFKA_VERSION, ensureKafka, kafkaVersion } from './install.js';
export type { KafkaInstall } from './install.js';
export { startCluster } from './cluster.js';
export type { KafkaCluster, StartClusterOptions } from './cluster.js';
export { mm2Properties, startMirrorMaker } from './mirrormaker.js';
export type { MirrorFlow, MirrorMaker, StartMirrorMakerOptions } from './mirrormaker.js';
export {
  addPartitions,
  commitGroupOffsets,
  createTopic,
  deleteRecords,
  deleteTopic,
  endOffsets,
  groupOffsets,
  kafkaClient,
  listTopics,
  produce,
  produceTransactions,
  readRecords,
  waitFor,
  waitForEndOffsets,
  waitForTopic,
} from './clients.js';
export type { ClusterRef, PartitionEnds, ProduceOptions, ProduceResult, RawRecord, TransactionSpec, WaitOptions } from './clients.js';
export { logHint, tailFile } from './jvm.js';

/** Stops every MM2 and broker this process started (MM2 first) and closes harness clients. */
export async function stopAll(): Promise<void> {
  await closeClients();
  await stopAllJvms();
}
