// A bad MM2 record is counted and skipped. Logging once per (cluster, topic, kind) keeps a topic
// full of garbage from flooding the log while the counter still shows every record.
import type { Telemetry } from '../core/telemetry.js';
import type { Logger } from '../log.js';

export class DecodeErrorReporter {
  private readonly logged = new Set<string>();

  constructor(
    private readonly logger: Logger,
    private readonly telemetry: Telemetry,
  ) {}

  report(cluster: string, topic: string, partition: number, offset: number, kind: string, message: string): void {
    this.telemetry.decodeError(cluster, topic, kind);
    const key = `${cluster}\u0000${topic}\u0000${kind}`;
    if (this.logged.has(key)) return;
    this.logged.add(key);
    this.logger.warn(
      { cluster, topic, partition, offset, kind },
      `skipping undecodable record ${topic}-${partition}@${offset} on ${cluster}: ${message} (further ${kind} errors on this topic are only counted)`,
    );
  }
}
