// Counters the I/O layers bump as things happen. The metrics layer implements this with
// prom-client counters; tests and the CLI can pass a no-op or a recording implementation.
export interface Telemetry {
  kafkaRequest(cluster: string, api: string): void;
  pollError(cluster: string, kind: string): void;
  decodeError(cluster: string, topic: string, kind: string): void;
  /** A fetch of a tailed MM2 topic's partition stopped short (kind: the port's FetchErrorKind). */
  tailError?(cluster: string, topic: string, kind: string): void;
}

export const noopTelemetry: Telemetry = {
  kafkaRequest: () => {},
  pollError: () => {},
  decodeError: () => {},
  tailError: () => {},
};
