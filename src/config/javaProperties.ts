// A reader with the semantics of java.util.Properties.load(InputStream), which is how MirrorMaker 2
// reads mm2.properties (Utils.loadProps). What matters is reading a file exactly as MM2 does, not
// as its author meant it: no inline comments, trailing whitespace kept, `\` continuation.

export interface PropertyEntry {
  key: string;
  value: string;
  /** 1-based line where the key's logical line starts. */
  line: number;
  /** 1-based line where the logical line ends (differs from `line` after `\` continuations). */
  endLine: number;
}

export interface PropertyProblem {
  line: number;
  message: string;
}

export interface ParsedProperties {
  /** Every key/value in file order, duplicates included (Java keeps the last: see lastByKey). */
  entries: PropertyEntry[];
  /** Lines Java would refuse (a malformed \uXXXX escape makes Properties.load throw). */
  problems: PropertyProblem[];
}

const isBlank = (c: string): boolean => c === ' ' || c === '\t' || c === '\f';
const isEol = (c: string): boolean => c === '\n' || c === '\r';

interface LogicalLine {
  text: string;
  line: number;
  endLine: number;
}

/** Splits the text into logical lines, following the JDK's Properties.LineReader. */
function logicalLines(src: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  let i = 0;
  let physical = 1;
  const n = src.length;
  while (i < n) {
    // Leading whitespace and blank lines before a natural line.
    let c = src[i]!;
    if (isBlank(c)) {
      i++;
      continue;
    }
    if (isEol(c)) {
      i += c === '\r' && src[i + 1] === '\n' ? 2 : 1;
      physical++;
      continue;
    }
    const start = physical;
    if (c === '#' || c === '!') {
      // Comment lines are never continued, even when they end with a backslash.
      while (i < n && !isEol(src[i]!)) i++;
      continue;
    }
    let buf = '';
    let end = start;
    let precedingBackslash = false;
    let endedByEof = false;
    for (;;) {
      if (i >= n) {
        // At end of input a pending continuation backslash is dropped.
        if (precedingBackslash) buf = buf.slice(0, -1);
        endedByEof = true;
        break;
      }
      c = src[i]!;
      if (!isEol(c)) {
        buf += c;
        end = physical;
        precedingBackslash = c === '\\' ? !precedingBackslash : false;
        i++;
        continue;
      }
      i += c === '\r' && src[i + 1] === '\n' ? 2 : 1;
      physical++;
      if (!precedingBackslash) break;
      buf = buf.slice(0, -1);
      precedingBackslash = false;
      // The continuation line's leading whitespace is skipped; an empty one ends the logical line.
      if (i >= n) {
        endedByEof = true;
        break;
      }
      while (i < n && isBlank(src[i]!)) i++;
    }
    // The JDK skips a logical line that continuations left empty, unless input ended there.
    if (buf !== '' || endedByEof) out.push({ text: buf, line: start, endLine: end });
  }
  return out;
}

/** Undoes escapes like Properties.loadConvert; returns null on a malformed \uXXXX. */
function unescape(s: string): string | null {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    i++;
    if (i >= s.length) return out; // cannot happen for text from logicalLines(); kept for safety
    const e = s[i]!;
    if (e === 'u') {
      const hex = s.slice(i + 1, i + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) return null;
      out += String.fromCharCode(parseInt(hex, 16));
      i += 4;
    } else if (e === 't') out += '\t';
    else if (e === 'r') out += '\r';
    else if (e === 'n') out += '\n';
    else if (e === 'f') out += '\f';
    else out += e;
  }
  return out;
}

/** Splits one logical line into raw key and raw value, like Properties.load0. */
function splitKeyValue(line: string): { key: string; value: string } {
  const limit = line.length;
  let keyLen = 0;
  let valueStart = limit;
  let hasSep = false;
  let precedingBackslash = false;
  while (keyLen < limit) {
    const c = line[keyLen]!;
    if ((c === '=' || c === ':') && !precedingBackslash) {
      valueStart = keyLen + 1;
      hasSep = true;
      break;
    }
    if (isBlank(c) && !precedingBackslash) {
      valueStart = keyLen + 1;
      break;
    }
    precedingBackslash = c === '\\' ? !precedingBackslash : false;
    keyLen++;
  }
  while (valueStart < limit) {
    const c = line[valueStart]!;
    if (!isBlank(c)) {
      if (!hasSep && (c === '=' || c === ':')) hasSep = true;
      else break;
    }
    valueStart++;
  }
  return { key: line.slice(0, keyLen), value: line.slice(valueStart) };
}

/**
 * Reads properties text. A Buffer is decoded as ISO-8859-1, as Properties.load(InputStream) does
 * (so UTF-8 bytes outside ASCII come out as two or three Latin-1 characters, exactly as MM2 sees
 * them). Never throws.
 */
export function parseJavaProperties(input: Buffer | string): ParsedProperties {
  const text = typeof input === 'string' ? input : input.toString('latin1');
  const entries: PropertyEntry[] = [];
  const problems: PropertyProblem[] = [];
  for (const l of logicalLines(text)) {
    const raw = splitKeyValue(l.text);
    const key = unescape(raw.key);
    const value = unescape(raw.value);
    if (key === null || value === null) {
      problems.push({
        line: l.line,
        message: 'malformed \\uXXXX escape: Java refuses to load the whole file (IllegalArgumentException)',
      });
      continue;
    }
    entries.push({ key, value, line: l.line, endLine: l.endLine });
  }
  return { entries, problems };
}

/** The entry Java keeps for each key: the last one in the file. */
export function lastByKey(entries: readonly PropertyEntry[]): Map<string, PropertyEntry> {
  const m = new Map<string, PropertyEntry>();
  for (const e of entries) m.set(e.key, e);
  return m;
}
