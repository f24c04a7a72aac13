// The two scrape formats and gzip, shaped around the per-snapshot text.
//
// The snapshot-derived series are the bulk of a scrape (~10 MB at 100,000 series) and change only
// when a snapshot is published, so they are deflated once per snapshot; the registry's part
// (counters, process metrics: a few KB) changes per scrape and is deflated per scrape. The two
// deflate streams are joined into one gzip member: the snapshot's stream ends with a sync flush
// (byte-aligned, not final), the registry's stream is complete and references nothing before it,
// and the gzip trailer's CRC-32 is continued from the snapshot's (zlib.crc32's second argument).
// This is the same joining pigz does; every gzip reader sees one ordinary member.
import { constants, crc32, deflateRaw, deflateRawSync } from 'node:zlib';
import { promisify } from 'node:util';

const deflateRawAsync = promisify(deflateRaw);

export const TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

/** The snapshot's series deflated once: raw deflate ending in a sync flush, and their CRC-32. */
export interface DeflatedPart {
  deflated: Buffer;
  crc: number;
  bytes: number;
}

/** Deflates in the thread pool, so a 10 MB text does not stall the event loop. */
export async function deflatePart(text: Buffer): Promise<DeflatedPart> {
  const crc = crc32(text);
  const deflated = await deflateRawAsync(text, { finishFlush: constants.Z_SYNC_FLUSH });
  return { deflated, crc, bytes: text.length };
}

// Magic, deflate, no flags, no mtime, no extra flags, OS unknown (RFC 1952).
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff]);

/** One gzip member holding `first` (already deflated) followed by `rest`. */
export function gzipJoined(first: DeflatedPart, rest: Buffer): Buffer {
  // CRC first: on Node 22, deflating a zero-length Buffer leaves crc32() returning 0 for it.
  const crc = rest.length === 0 ? first.crc : crc32(rest, first.crc);
  const tail = deflateRawSync(rest);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE((first.bytes + rest.length) % 2 ** 32, 4);
  return Buffer.concat([GZIP_HEADER, first.deflated, tail, trailer]);
}

/**
 * Rewrites prom-client's text 0.0.4 as OpenMetrics 1.0.0: counter families lose the `_total` of
 * their HELP/TYPE names (their samples keep or gain it), `untyped` becomes `unknown`, HELP escapes
 * double quotes, blank lines go, and `# EOF` ends the text. prom-client has an OpenMetrics mode, but
 * switching a registry to it renames its counters in place for every later text scrape as well.
 */
export function textToOpenMetrics(text: string): string {
  const lines = text.split('\n');
  const counters = new Set<string>();
  for (const line of lines) {
    if (line.startsWith('# TYPE ') && line.endsWith(' counter')) counters.add(line.slice(7, -8));
  }
  const familyOf = (name: string): string => (counters.has(name) && name.endsWith('_total') ? name.slice(0, -6) : name);
  const out: string[] = [];
  for (const line of lines) {
    if (line === '') continue;
    if (line.startsWith('# HELP ')) {
      const space = line.indexOf(' ', 7);
      const name = space < 0 ? line.slice(7) : line.slice(7, space);
      const help = space < 0 ? '' : line.slice(space + 1).replace(/"/g, '\\"');
      out.push('# HELP ' + familyOf(name) + ' ' + help);
    } else if (line.startsWith('# TYPE ')) {
      const space = line.lastIndexOf(' ');
      const name = line.slice(7, space);
      const type = line.slice(space + 1);
      out.push('# TYPE ' + familyOf(name) + ' ' + (type === 'untyped' ? 'unknown' : type));
    } else if (line.startsWith('#')) {
      continue; // other comments are not allowed in OpenMetrics
    } else {
      const end = line.search(/[{ ]/);
      const name = end < 0 ? line : line.slice(0, end);
      out.push(counters.has(name) && !name.endsWith('_total') ? name + '_total' + line.slice(name.length) : line);
    }
  }
  return out.join('\n') + '\n# EOF\n';
}
