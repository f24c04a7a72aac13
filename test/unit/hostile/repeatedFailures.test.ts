// A partial failure that repeats every poll (a group mirrorwatch may not describe) is counted every
// time but logged when it starts or changes, not once per poll.
import { describe, expect, it } from 'vitest';
import { settle } from '../../../src/kafka/partialFailures.js';
import type { Failure, FailureContext } from '../../../src/kafka/partialFailures.js';

function context() {
  const lines: string[] = [];
  const errors: string[] = [];
  const ctx: FailureContext = {
    alias: 'us-east',
    logger: { warn: (_o: object, msg: string) => lines.push(msg) } as unknown as FailureContext['logger'],
    telemetry: { kafkaRequest: () => {}, pollError: (_c: string, kind: string) => errors.push(kind), decodeError: () => {} },
  };
  return { ctx, lines, errors };
}

const refused = (group: string): Failure => ({ subject: `group ${group}`, reason: 'GROUP_AUTHORIZATION_FAILED', requestLevel: false });

describe('settle() on a failure that repeats', () => {
  it('counts every time, logs when the failure starts, changes or comes back', () => {
    const { ctx, lines, errors } = context();
    for (let i = 0; i < 5; i++) settle(ctx, 'reading committed offsets', 'committed_offsets', 1, [refused('analytics')]);
    expect(errors).toHaveLength(5);
    expect(lines).toEqual(['reading committed offsets: 1 not read: group analytics: GROUP_AUTHORIZATION_FAILED']);

    settle(ctx, 'reading committed offsets', 'committed_offsets', 1, [refused('analytics'), refused('audit')]);
    expect(lines).toHaveLength(2);
    settle(ctx, 'reading committed offsets', 'committed_offsets', 2, []);
    settle(ctx, 'reading committed offsets', 'committed_offsets', 1, [refused('analytics')]);
    expect(lines).toHaveLength(3);
    expect(errors).toHaveLength(7);
  });

  it('keeps separate memories per cluster and per kind of call', () => {
    const a = context();
    const b = context();
    settle(a.ctx, 'reading committed offsets', 'committed_offsets', 1, [refused('g')]);
    settle(b.ctx, 'reading committed offsets', 'committed_offsets', 1, [refused('g')]);
    settle(a.ctx, 'reading partition offsets', 'partition_offsets', 1, [{ subject: 't-0', reason: 'LEADER_NOT_AVAILABLE', requestLevel: false }]);
    expect(a.lines).toHaveLength(2);
    expect(b.lines).toHaveLength(1);
  });
});
