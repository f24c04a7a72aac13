// An independent reader of the Prometheus text format 0.0.4 for tests: it rejects what Prometheus
// would reject (malformed lines, a family split in two, a repeated series, a sample before its TYPE)
// so tests check the output as a scraper sees it, not as the writer meant it.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  samples: Sample[];
  types: Map<string, string>;
  helps: Map<string, string>;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const SUFFIXES = ['_bucket', '_sum', '_count', '_created', '_total', '_info'];

// As Go's strconv.ParseFloat, which Prometheus uses: special values are case-insensitive
// (prom-client writes "Nan").
function parseValue(text: string, line: string): number {
  const lower = text.toLowerCase();
  if (lower === 'nan') return NaN;
  if (lower === '+inf' || lower === 'inf' || lower === '+infinity' || lower === 'infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  const v = Number(text);
  if (text === '' || Number.isNaN(v)) throw new Error(`bad value "${text}" in line: ${line}`);
  return v;
}

function unescapeHelp(text: string): string {
  return text.replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : '\\'));
}

function parseSampleLine(line: string): Sample {
  const nameMatch = NAME.exec(line);
  if (!nameMatch) throw new Error(`no metric name in line: ${line}`);
  const name = nameMatch[0];
  let i = name.length;
  const labels: Record<string, string> = {};
  if (line[i] === '{') {
    i++;
    while (line[i] !== '}') {
      const labelMatch = LABEL_NAME.exec(line.slice(i));
      if (!labelMatch) throw new Error(`bad label name at ${i} in line: ${line}`);
      const labelName = labelMatch[0];
      i += labelName.length;
      if (line[i] !== '=' || line[i + 1] !== '"') throw new Error(`expected =" at ${i} in line: ${line}`);
      i += 2;
      let value = '';
      for (;;) {
        const c = line[i];
        if (c === undefined) throw new Error(`unterminated label value in line: ${line}`);
        if (c === '"') break;
        if (c === '\n') throw new Error(`raw line feed in label value: ${line}`);
        if (c === '\\') {
          const e = line[i + 1];
          if (e === '\\') value += '\\';
          else if (e === '"') value += '"';
          else if (e === 'n') value += '\n';
          else throw new Error(`bad escape \\${e} in line: ${line}`);
          i += 2;
          continue;
        }
        value += c;
        i++;
      }
      i++;
      if (labelName in labels) throw new Error(`label ${labelName} repeated in line: ${line}`);
      labels[labelName] = value;
      if (line[i] === ',') i++;
      else if (line[i] !== '}') throw new Error(`expected , or } at ${i} in line: ${line}`);
    }
    i++;
  }
  if (line[i] !== ' ') throw new Error(`expected a space before the value in line: ${line}`);
  const rest = line.slice(i + 1).split(' ');
  if (rest.length > 2) throw new Error(`trailing text in line: ${line}`);
  return { name, labels, value: parseValue(rest[0] ?? '', line) };
}

function familyOf(sampleName: string, types: Map<string, string>): string {
  if (types.has(sampleName)) return sampleName;
  for (const s of SUFFIXES) {
    if (sampleName.endsWith(s)) {
      const base = sampleName.slice(0, -s.length);
      if (types.has(base)) return base;
    }
  }
  return sampleName;
}

export const seriesKey = (s: { name: string; labels: Record<string, string> }): string =>
  s.name + JSON.stringify(Object.entries(s.labels).sort(([a], [b]) => (a < b ? -1 : 1)));

export function parseExposition(text: string): Exposition {
  if (text !== '' && !text.endsWith('\n')) throw new Error('exposition does not end with a line feed');
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  const helps = new Map<string, string>();
  const closed = new Set<string>();
  const keys = new Set<string>();
  let current: string | null = null;
  const enter = (family: string) => {
    if (family === current) return;
    if (closed.has(family)) throw new Error(`family ${family} is split: its lines are not contiguous`);
    if (current !== null) closed.add(current);
    current = family;
  };

  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) ?(.*)$/.exec(line);
      if (!m) continue; // a plain comment
      const [, kind, family = '', rest = ''] = m;
      enter(family);
      if (kind === 'HELP') {
        if (helps.has(family)) throw new Error(`second HELP for ${family}`);
        helps.set(family, unescapeHelp(rest));
      } else {
        if (types.has(family)) throw new Error(`second TYPE for ${family}`);
        if (samples.some((s) => familyOf(s.name, types) === family)) throw new Error(`TYPE of ${family} after its samples`);
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest)) throw new Error(`bad TYPE ${rest}`);
        types.set(family, rest);
      }
      continue;
    }
    const sample = parseSampleLine(line);
    enter(familyOf(sample.name, types));
    const key = seriesKey(sample);
    if (keys.has(key)) throw new Error(`series repeated: ${line}`);
    keys.add(key);
    samples.push(sample);
  }
  return { samples, types, helps };
}

/** Samples of `name` whose labels include `labels`. */
export function select(exp: Exposition, name: string, labels: Record<string, string> = {}): Sample[] {
  return exp.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

/** The value of the one series `name{labels}` (labels matched exactly); throws when absent or ambiguous. */
export function valueOf(exp: Exposition, name: string, labels: Record<string, string> = {}): number {
  const key = seriesKey({ name, labels });
  const found = exp.samples.filter((s) => seriesKey(s) === key);
  if (found.length !== 1) throw new Error(`expected one series ${key}, found ${found.length}`);
  return found[0]!.value;
}

export function has(exp: Exposition, name: string, labels: Record<string, string>): boolean {
  const key = seriesKey({ name, labels });
  return exp.samples.some((s) => seriesKey(s) === key);
}
