// mirrorwatch verify --flow S->T [--json] [--timeout 0] [--max-heartbeat-age 30s]
// One check by default; with --timeout it re-checks every --interval until it passes (MM2 commits
// its Connect offsets only every offset.flush.interval.ms, so right after `wait` they may trail
// for up to that long). Exit 0 verified, 1 not verified (report printed), 2 bad usage.
import { DEFAULTS } from '../config/defaults.js';
import { EXIT_NOT_MET, EXIT_OK, UsageError, parseDurationArg, parseFlowArg } from './args.js';
import { openSource, usageExit, type CommandIo } from './commandIo.js';
import { ReadError, type FlowSource } from './flowSource.js';
import { formatVerifyReport, verifyFlow, type VerifyReport } from './verifyReport.js';

export interface VerifyCommandOptions {
  flow?: string;
  json?: boolean;
  timeout?: string;
  interval?: string;
  maxHeartbeatAge?: string;
  config?: string;
  url?: string;
  logLevel?: string;
}

export async function runVerify(opts: VerifyCommandOptions, io: CommandIo): Promise<number> {
  let source: FlowSource;
  let timeoutMs: number;
  let intervalMs: number;
  let heartbeatOverride: number | null;
  try {
    const flow = parseFlowArg(opts.flow);
    timeoutMs = parseDurationArg('--timeout', opts.timeout, 0, { allowZero: true });
    intervalMs = parseDurationArg('--interval', opts.interval, 2000);
    heartbeatOverride = opts.maxHeartbeatAge === undefined ? null : parseDurationArg('--max-heartbeat-age', opts.maxHeartbeatAge, 0) / 1000;
    source = openSource(flow, opts, io);
  } catch (err) {
    return usageExit(err, io);
  }
  const deadline = io.now() + timeoutMs;
  let report: VerifyReport | null = null;
  let lastError: string | null = null;
  try {
    for (;;) {
      try {
        const reading = await source.read();
        const maxHeartbeatAgeSeconds = heartbeatOverride ?? reading.limits.maxHeartbeatAgeSeconds ?? DEFAULTS.maxHeartbeatAgeSeconds;
        report = verifyFlow(reading, { maxHeartbeatAgeSeconds });
        lastError = null;
      } catch (err) {
        if (err instanceof UsageError) return usageExit(err, io);
        if (!(err instanceof ReadError)) throw err;
        lastError = err.message;
      }
      if ((report?.ok && lastError === null) || io.now() >= deadline) break;
      if (!opts.json && report && lastError === null) {
        const failing = report.topics.filter((t) => !t.ok).length + report.flowProblems.length;
        io.stderr.write(`verify ${report.flow}: ${failing} problem${failing === 1 ? '' : 's'} left, checking again\n`);
      }
      await io.sleep(Math.max(0, Math.min(intervalMs, deadline - io.now())));
    }
  } finally {
    await source.close().catch(() => {});
  }
  if (lastError !== null || !report) {
    io.stderr.write(`mirrorwatch: cannot verify: ${lastError ?? 'no figures'}\n`);
    if (opts.json) io.stdout.write(`${JSON.stringify({ ok: false, error: lastError }, null, 2)}\n`);
    return EXIT_NOT_MET;
  }
  io.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatVerifyReport(report)}\n`);
  return report.ok ? EXIT_OK : EXIT_NOT_MET;
}
