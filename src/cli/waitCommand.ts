// mirrorwatch wait --flow S->T [--max-lag N] [--group G ...] [--timeout 10m] [--interval 2s]
// Re-reads the flow every interval until every partition's lag is known and <= N (and, with
// --group, the groups' commits are checkpointed). On a TTY one line is updated in place; otherwise
// (CI, pipes) a plain line is printed when the figures change, at most every few seconds.
// Exit 0 when reached, 1 on timeout (with the remaining lag per partition), 2 on bad usage.
import { EXIT_NOT_MET, EXIT_OK, UsageError, parseCountArg, parseDurationArg, parseFlowArg } from './args.js';
import { openSource, usageExit, type CommandIo } from './commandIo.js';
import { ReadError, type FlowSource } from './flowSource.js';
import { formatDurationHuman } from './table.js';
import { RateTracker, evaluateWait, lostNote, progressLine, timeoutReport, type WaitGoal, type WaitState } from './waitProgress.js';

export interface WaitOptions {
  flow?: string;
  maxLag?: string;
  timeout?: string;
  interval?: string;
  group?: string[];
  config?: string;
  url?: string;
  logLevel?: string;
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;
const DEFAULT_INTERVAL_MS = 2000;
/** Plain output: a line when the figures change, and at least this often while nothing does. */
const PLAIN_HEARTBEAT_MS = 30_000;
const PLAIN_MIN_GAP_MS = 5000;

export async function runWait(opts: WaitOptions, io: CommandIo): Promise<number> {
  let source: FlowSource;
  let goal: WaitGoal;
  let timeoutMs: number;
  let intervalMs: number;
  let name: string;
  try {
    const flow = parseFlowArg(opts.flow);
    name = `${flow.source}->${flow.target}`;
    goal = { maxLag: parseCountArg('--max-lag', opts.maxLag, 0), groups: [...new Set(opts.group ?? [])] };
    timeoutMs = parseDurationArg('--timeout', opts.timeout, DEFAULT_TIMEOUT_MS);
    intervalMs = parseDurationArg('--interval', opts.interval, DEFAULT_INTERVAL_MS);
    source = openSource(flow, opts, io);
  } catch (err) {
    return usageExit(err, io);
  }

  const tty = io.stdout.isTTY === true;
  const started = io.now();
  const deadline = started + timeoutMs;
  const tracker = new RateTracker();
  let state: WaitState | null = null;
  let lastError: string | undefined;
  let lastPrinted = '';
  let lastPrintedAt = -Infinity;
  let ttyLineOpen = false;

  const show = (line: string): void => {
    if (tty) {
      const width = Math.max(20, (io.stdout.columns ?? 120) - 1);
      io.stdout.write(`\r\u001b[2K${line.length > width ? `${line.slice(0, width - 1)}…` : line}`);
      ttyLineOpen = true;
      return;
    }
    const now = io.now();
    // Compare without the elapsed time, which changes on every line.
    const figures = line.replace(/; [^;]* elapsed$/, '');
    if ((figures !== lastPrinted && now - lastPrintedAt >= PLAIN_MIN_GAP_MS) || now - lastPrintedAt >= PLAIN_HEARTBEAT_MS) {
      io.stdout.write(`${new Date(now).toISOString()} ${line}\n`);
      lastPrinted = figures;
      lastPrintedAt = now;
    }
  };
  const endLine = (): void => {
    if (ttyLineOpen) io.stdout.write('\n');
    ttyLineOpen = false;
  };

  try {
    for (;;) {
      try {
        const reading = await source.read();
        state = evaluateWait(reading.flow, goal);
        lastError = undefined;
        tracker.add(reading.takenAtMs, state);
      } catch (err) {
        if (err instanceof UsageError) {
          endLine();
          return usageExit(err, io);
        }
        if (!(err instanceof ReadError)) throw err;
        lastError = err.message;
      }
      const now = io.now();
      if (state?.reached && lastError === undefined) {
        endLine();
        const groups = goal.groups.length > 0 ? ` and the commits of ${goal.groups.join(', ')} are checkpointed` : '';
        io.stdout.write(`reached: ${name} lag <= ${goal.maxLag} on all ${state.partitions} partitions (total ${state.lagRecords} records)${groups} after ${formatDurationHuman((now - started) / 1000)}\n`);
        const lost = lostNote(state);
        if (lost) io.stdout.write(`warning: ${lost}\n`);
        return EXIT_OK;
      }
      show(state && lastError === undefined ? progressLine(name, state, tracker, goal, now - started) : progressLine(name, state ?? emptyState(), tracker, goal, now - started, lastError ?? 'no figures yet'));
      if (now >= deadline) {
        endLine();
        io.stdout.write(`${timeoutReport(name, state, goal, timeoutMs, lastError)}\n`);
        return EXIT_NOT_MET;
      }
      await io.sleep(Math.max(0, Math.min(intervalMs, deadline - now)));
    }
  } finally {
    await source.close().catch(() => {});
  }
}

function emptyState(): WaitState {
  return { reached: false, partitions: 0, lagRecords: 0, recordsLost: 0, lostOn: [], maxLagSeconds: null, shortfall: [], groupsPending: [], replicatedSum: 0, coverage: '' };
}
