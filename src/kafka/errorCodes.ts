// Kafka protocol error codes the port reacts to, and readable names for all others.
import { kafkajsErrorCodes } from './kafkajsInternals.js';

export const ErrorCode = {
  NONE: 0,
  OFFSET_OUT_OF_RANGE: 1,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  LEADER_NOT_AVAILABLE: 5,
  NOT_LEADER_OR_FOLLOWER: 6,
  REPLICA_NOT_AVAILABLE: 9,
  COORDINATOR_LOAD_IN_PROGRESS: 14,
  COORDINATOR_NOT_AVAILABLE: 15,
  NOT_COORDINATOR: 16,
  TOPIC_AUTHORIZATION_FAILED: 29,
  KAFKA_STORAGE_ERROR: 56,
  FENCED_LEADER_EPOCH: 74,
  UNKNOWN_LEADER_EPOCH: 75,
  OFFSET_NOT_AVAILABLE: 78,
} as const;

// kafkajs 2.2.4 still uses some pre-KIP names; logs should match the broker's docs.
const RENAMED: Record<number, string> = {
  [ErrorCode.NOT_LEADER_OR_FOLLOWER]: 'NOT_LEADER_OR_FOLLOWER',
  [ErrorCode.COORDINATOR_LOAD_IN_PROGRESS]: 'COORDINATOR_LOAD_IN_PROGRESS',
  [ErrorCode.COORDINATOR_NOT_AVAILABLE]: 'COORDINATOR_NOT_AVAILABLE',
  [ErrorCode.NOT_COORDINATOR]: 'NOT_COORDINATOR',
};

const NAMES = new Map<number, string>(kafkajsErrorCodes.map((e) => [e.code, e.type]));

export function errorName(code: number): string {
  return RENAMED[code] ?? NAMES.get(code) ?? `KAFKA_ERROR_${code}`;
}

// Errors that mean our idea of who leads the partition is stale (or the leader is moving):
// refreshing metadata and asking the (new) leader once more usually succeeds.
const LEADERSHIP_ERRORS: ReadonlySet<number> = new Set([
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.REPLICA_NOT_AVAILABLE,
  ErrorCode.KAFKA_STORAGE_ERROR,
  ErrorCode.FENCED_LEADER_EPOCH,
  ErrorCode.UNKNOWN_LEADER_EPOCH,
  ErrorCode.OFFSET_NOT_AVAILABLE,
]);

export function isLeadershipError(code: number): boolean {
  return LEADERSHIP_ERRORS.has(code);
}

// Errors after which the group's coordinator must be looked up again.
const COORDINATOR_ERRORS: ReadonlySet<number> = new Set([
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.NOT_COORDINATOR,
]);

export function isCoordinatorError(code: number): boolean {
  return COORDINATOR_ERRORS.has(code);
}
