// Fakes for the runbook commands: captured output, a clock that sleeps instantly, and a flow
// source that replays readings.
import type { FlowRef } from '../../../src/cli/args.js';
import type { CommandIo, SourceOptions } from '../../../src/cli/commandIo.js';
import { ReadError, type FlowReading, type FlowSource } from '../../../src/cli/flowSource.js';
import type { FlowStatus } from '../../../src/core/types.js';
import { T0, makeFlow, type FlowInput } from '../helpers/snapshot.js';

export interface FakeIo extends CommandIo {
  out: () => string;
  err: () => string;
  /** Milliseconds the command slept in total. */
  slept: () => number;
  opened: { flow: FlowRef; opts: SourceOptions }[];
  closed: () => number;
}

export type Step = FlowReading | Error;

/** `steps` are returned by successive read()s; the last one repeats. */
export function fakeIo(steps: Step[], opts: { tty?: boolean; readMs?: number } = {}): FakeIo {
  let out = '';
  let err = '';
  let now = T0;
  let slept = 0;
  let closed = 0;
  let i = 0;
  const opened: FakeIo['opened'] = [];
  const source: FlowSource = {
    origin: 'fake',
    async read() {
      now += opts.readMs ?? 100;
      const step = steps[Math.min(i++, steps.length - 1)]!;
      if (step instanceof Error) throw step;
      return { ...step, takenAtMs: now };
    },
    async close() {
      closed++;
    },
  };
  return {
    stdout: { write: (s: string) => (out += s), isTTY: opts.tty ?? false, columns: 100 },
    stderr: { write: (s: string) => (err += s) },
    env: {},
    now: () => now,
    sleep: async (ms) => {
      slept += ms;
      now += ms;
    },
    openSource: (flow, o) => {
      opened.push({ flow, opts: o });
      return source;
    },
    out: () => out,
    err: () => err,
    slept: () => slept,
    opened,
    closed: () => closed,
  };
}

export function reading(flow: FlowStatus | FlowInput, extra: Partial<FlowReading> = {}): FlowReading {
  const status = 'totals' in flow ? flow : makeFlow(flow);
  return {
    flow: status,
    takenAtMs: T0,
    clusters: [
      { alias: status.source, up: true, lastError: null },
      { alias: status.target, up: true, lastError: null },
    ],
    limits: { maxLagRecords: 0, maxHeartbeatAgeSeconds: 30, groups: [] },
    regions: [],
    lagSecondsBasis: 'window',
    ...extra,
  };
}

export const readError = (message: string): ReadError => new ReadError(message);

/** A flow us-east->us-west whose orders partitions lag by the given records (null = unknown). */
export function lagging(lags: (number | null)[], extra: Partial<FlowInput> = {}): FlowInput {
  return {
    source: 'us-east',
    target: 'us-west',
    topics: [
      {
        topic: 'orders',
        partitions: lags.map((lag, partition) =>
          lag === null ? { partition, replicated: null, basis: 'unknown' as const } : { partition, sourceEnd: 1000, replicated: 1000 - lag, lagSeconds: lag === 0 ? 0 : lag / 10 },
        ),
      },
    ],
    ...extra,
  };
}
