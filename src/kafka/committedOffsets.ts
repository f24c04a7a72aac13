// Committed offsets of consumer groups: FindCoordinator (cached per group) then one OffsetFetch per
// group for all its partitions. Read-only: never joins a group, never commits.
import type { CommittedOffset } from './port.js';
import type { BrokerNode } from './metadataModel.js';
import { ErrorCode, errorName, isCoordinatorError } from './errorCodes.js';
import type { Failure } from './partialFailures.js';
import { settle } from './partialFailures.js';
import type { PortContext } from './portContext.js';
import { metadataFor } from './portContext.js';

const GROUP_COORDINATOR = 0;

interface RawFindCoordinatorResponse {
  errorCode: number;
  errorMessage?: string | null;
  coordinator: { nodeId: number; host: string; port: number };
}

export interface RawOffsetFetchResponse {
  /** Absent before v2. */
  errorCode?: number;
  responses: { topic: string; partitions: { partition: number; offset: string; errorCode: number }[] }[];
}

/** Thrown for one group; `coordinatorStale` asks for a new coordinator lookup. */
class GroupError extends Error {
  constructor(
    message: string,
    readonly requestLevel: boolean,
    readonly coordinatorStale: boolean,
  ) {
    super(message);
  }
}

export interface GroupOffsets {
  offsets: CommittedOffset[];
  /** Partitions the coordinator answered with an error code. */
  partitionErrors: Failure[];
}

/** OffsetFetch response -> committed offsets (numbers), or a GroupError for a group-level error. */
export function groupOffsetsFromResponse(group: string, raw: RawOffsetFetchResponse): GroupOffsets {
  const code = raw.errorCode ?? ErrorCode.NONE;
  if (code !== ErrorCode.NONE) {
    throw new GroupError(`OffsetFetch for group ${group}: ${errorName(code)}`, false, isCoordinatorError(code));
  }
  const out: GroupOffsets = { offsets: [], partitionErrors: [] };
  for (const t of raw.responses) {
    for (const p of t.partitions) {
      if (p.errorCode !== ErrorCode.NONE) {
        out.partitionErrors.push({ subject: `group ${group} ${t.topic}-${p.partition}`, reason: errorName(p.errorCode), requestLevel: false });
        continue;
      }
      out.offsets.push({ group, topic: t.topic, partition: p.partition, offset: Number(p.offset) });
    }
  }
  return out;
}

export class CommittedOffsetsReader {
  private readonly coordinators = new Map<string, BrokerNode>();

  constructor(private readonly ctx: PortContext) {}

  private async coordinator(group: string): Promise<BrokerNode> {
    const cached = this.coordinators.get(group);
    if (cached) return cached;
    await metadataFor(this.ctx, []);
    let raw: RawFindCoordinatorResponse;
    try {
      raw = (
        await this.ctx.conns.send<RawFindCoordinatorResponse>(this.ctx.conns.anyNode(), 'GroupCoordinator', {
          groupId: group,
          coordinatorType: GROUP_COORDINATOR,
        })
      ).data;
    } catch (e) {
      throw new GroupError((e as Error).message, true, false);
    }
    if (raw.errorCode !== ErrorCode.NONE) {
      throw new GroupError(`FindCoordinator for group ${group}: ${errorName(raw.errorCode)}`, false, false);
    }
    const node = { nodeId: raw.coordinator.nodeId, host: raw.coordinator.host, port: raw.coordinator.port };
    this.coordinators.set(group, node);
    return node;
  }

  private async attempt(group: string): Promise<GroupOffsets> {
    const node = await this.coordinator(group);
    let raw: RawOffsetFetchResponse;
    try {
      // An empty topic list is sent as null: every partition the group has committed.
      raw = (await this.ctx.conns.send<RawOffsetFetchResponse>(this.ctx.conns.nodeTarget(node), 'OffsetFetch', { groupId: group, topics: [] })).data;
    } catch (e) {
      throw new GroupError((e as Error).message, true, true);
    }
    return groupOffsetsFromResponse(group, raw);
  }

  private async readGroup(group: string): Promise<GroupOffsets> {
    try {
      return await this.attempt(group);
    } catch (e) {
      // A coordinator that moved is asked for again at once; one that did not answer is only
      // forgotten (below), so an unreachable broker costs one timeout per call.
      if (!(e instanceof GroupError) || !e.coordinatorStale || e.requestLevel) throw e;
      this.coordinators.delete(group);
      return await this.attempt(group);
    }
  }

  async read(groups: string[]): Promise<CommittedOffset[]> {
    const distinctGroups = [...new Set(groups)];
    if (distinctGroups.length === 0) return [];
    const failures: Failure[] = [];
    await metadataFor(this.ctx, []); // once for all groups: FindCoordinator needs a broker to ask
    const results = await Promise.all(
      distinctGroups.map(async (group) => {
        try {
          const r = await this.readGroup(group);
          failures.push(...r.partitionErrors);
          return r.offsets;
        } catch (e) {
          if (e instanceof GroupError && e.coordinatorStale) this.coordinators.delete(group);
          const requestLevel = e instanceof GroupError ? e.requestLevel : true;
          failures.push({ subject: `group ${group}`, reason: (e as Error).message, requestLevel });
          return null;
        }
      }),
    );
    const succeeded = results.filter((r) => r !== null).length;
    settle(this.ctx, 'reading committed offsets', 'committed_offsets', succeeded, failures);
    return results.flatMap((r) => r ?? []);
  }
}
