// mirrorwatch lag --flow S->T [--topic t] [--json] (-c FILE | --url URL)
// Exit 0 with the table; 1 when the flow cannot be read; 2 on a bad flow, topic or configuration.
import { EXIT_NOT_MET, EXIT_OK, parseFlowArg } from './args.js';
import { openSource, usageExit, type CommandIo } from './commandIo.js';
import { ReadError } from './flowSource.js';
import { formatLagTable, lagJson } from './lagReport.js';

export interface LagOptions {
  flow?: string;
  topic?: string;
  json?: boolean;
  config?: string;
  url?: string;
  logLevel?: string;
}

export async function runLag(opts: LagOptions, io: CommandIo): Promise<number> {
  let source;
  try {
    source = openSource(parseFlowArg(opts.flow), opts, io);
  } catch (err) {
    return usageExit(err, io);
  }
  try {
    const reading = await source.read();
    if (opts.topic !== undefined && !reading.flow.topics.some((t) => t.topic === opts.topic || t.remoteTopic === opts.topic)) {
      const known = reading.flow.topics.map((t) => t.topic).join(', ') || 'none';
      io.stderr.write(`mirrorwatch: flow ${reading.flow.source}->${reading.flow.target} replicates no topic "${opts.topic}" (its topics: ${known})\n`);
      return 2;
    }
    io.stdout.write(opts.json ? `${JSON.stringify(lagJson(reading, opts.topic), null, 2)}\n` : `${formatLagTable(reading, opts.topic)}\n`);
    return EXIT_OK;
  } catch (err) {
    if (err instanceof ReadError) {
      io.stderr.write(`mirrorwatch: cannot read the flow from ${source.origin}: ${err.message}\n`);
      return EXIT_NOT_MET;
    }
    return usageExit(err, io);
  } finally {
    await source.close().catch(() => {});
  }
}
