// Prometheus text exposition format 0.0.4, written by hand for the snapshot-derived series:
// prom-client's per-labelset Gauge.set and registry.metrics() cost too much at 100,000 series
// (figures in src/metrics/README.md).

const NEEDS_ESCAPE = /[\\"\n]/;

/** Escapes a label value as the exposition format requires: backslash, double quote, line feed. */
export function escapeLabelValue(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return value;
  let out = '';
  for (const ch of value) {
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else out += ch;
  }
  return out;
}

/** Escapes HELP text: backslash and line feed only (quotes are legal there). */
export function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** Formats a sample value; Go's ParseFloat (Prometheus' parser) reads every output. */
export function formatValue(value: number): string {
  if (Number.isFinite(value)) return '' + value;
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? '+Inf' : '-Inf';
}

/** `name="value"` pairs joined by commas, without braces; values escaped. */
export function labelPairs(labels: readonly (readonly [string, string])[]): string {
  let out = '';
  for (const [name, value] of labels) {
    if (out !== '') out += ',';
    out += name + '="' + escapeLabelValue(value) + '"';
  }
  return out;
}

export interface FamilySpec {
  name: string;
  help: string;
  type: 'gauge' | 'counter' | 'untyped';
}

// Lines are gathered in small batches that are joined as soon as they fill: one large string built
// by `+=` is a rope of millions of pieces that costs more in garbage collection than everything
// else (100k series: ~70 ms as a rope, ~25 ms batched; 128 to 512 lines per batch measured alike).
// The batches stay strings until the whole exposition is encoded at once (renderSnapshotSeries):
// hundreds of ~20 KB Buffers per publish fragmented the allocator, leaving ~40 MB more resident
// memory at 2 x 20,000 partitions than one Buffer does (docs/performance.md).
const BATCH_LINES = 256;

/**
 * Collects the samples of one metric family. The format requires each family's samples to be
 * contiguous after its HELP/TYPE lines, so samples are gathered per family and joined at the end.
 */
export class FamilyWriter {
  private batch: string[] = [];
  private readonly texts: string[] = [];
  count = 0;

  private readonly open: string;

  constructor(readonly spec: FamilySpec) {
    this.open = spec.name + '{';
  }

  /** `labels` is the already-escaped pair list as built by labelPairs(). */
  add(labels: string, value: number): void {
    this.batch.push(labels === '' ? this.spec.name + ' ' + formatValue(value) + '\n' : this.open + labels + '} ' + formatValue(value) + '\n');
    this.count++;
    if (this.batch.length === BATCH_LINES) this.flush();
  }

  /** HELP and TYPE lines come first even without samples: the family stays discoverable. */
  textsWithHeader(): string[] {
    this.flush();
    const { name, help, type } = this.spec;
    return ['# HELP ' + name + ' ' + escapeHelp(help) + '\n# TYPE ' + name + ' ' + type + '\n', ...this.texts];
  }

  /** textsWithHeader(), encoded. */
  chunksWithHeader(): Buffer[] {
    return this.textsWithHeader().map((t) => Buffer.from(t));
  }

  private flush(): void {
    if (this.batch.length === 0) return;
    this.texts.push(this.batch.join(''));
    this.batch = [];
  }
}
