import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { lastByKey, parseJavaProperties } from '../../../src/config/javaProperties.js';

function kv(text: string | Buffer): Record<string, string> {
  const { entries } = parseJavaProperties(text);
  return Object.fromEntries([...lastByKey(entries)].map(([k, e]) => [k, e.value]));
}

describe('parseJavaProperties', () => {
  it('accepts =, : and whitespace as separators', () => {
    expect(kv('a=1\nb:2\nc 3\nd = 4\ne\t:\t5\nf  =  = 6\ng\n')).toEqual({ a: '1', b: '2', c: '3', d: '4', e: '5', f: '= 6', g: '' });
  });

  it('treats # and ! as comments only at the start of a line', () => {
    const r = kv('# comment\n! bang\n   # indented comment\na = false # Active-Passive mode\nb = x ! y\n');
    expect(r).toEqual({ a: 'false # Active-Passive mode', b: 'x ! y' });
  });

  it('keeps trailing whitespace of values and drops leading whitespace', () => {
    expect(kv('a =    true  \n')).toEqual({ a: 'true  ' });
  });

  it('joins continuation lines, dropping their leading whitespace', () => {
    const { entries } = parseJavaProperties('x = 1\ntopics = orders, \\\n     payments,\\\n\tusers\ny = 2\n');
    expect(entries.map((e) => [e.key, e.value, e.line, e.endLine])).toEqual([
      ['x', '1', 1, 1],
      ['topics', 'orders, payments,users', 2, 4],
      ['y', '2', 5, 5],
    ]);
  });

  it('does not continue on an even number of backslashes', () => {
    expect(kv('a = b\\\\\nc = d\n')).toEqual({ a: 'b\\', c: 'd' });
  });

  it('never continues a comment line, and an empty continuation line ends the value', () => {
    expect(kv('# comment \\\na = 1\nb = 2\\\n\nc = 3\n')).toEqual({ a: '1', b: '2', c: '3' });
  });

  it('takes a # on a continuation line as text', () => {
    expect(kv('a = 1,\\\n  # not a comment\n')).toEqual({ a: '1,# not a comment' });
  });

  it('drops a continuation backslash at the end of input', () => {
    expect(kv('a = b\\')).toEqual({ a: 'b' });
  });

  it('undoes escapes', () => {
    expect(kv('a = x\\ty\\nz\\r\\f\\u0041\\u00e9\\q\\\\\n')).toEqual({ a: 'x\ty\nz\r\fAéq\\' });
    expect(kv('key\\ with\\=sep\\:s = v\n')).toEqual({ 'key with=sep:s': 'v' });
  });

  it('reports a malformed \\u escape with its line instead of throwing', () => {
    const r = parseJavaProperties('a = 1\nb = \\u12x4\nc = 3\n');
    expect(r.problems).toEqual([{ line: 2, message: expect.stringContaining('malformed \\uXXXX') }]);
    expect(r.entries.map((e) => e.key)).toEqual(['a', 'c']);
  });

  it('decodes bytes as ISO-8859-1, as Properties.load(InputStream) does', () => {
    expect(kv(Buffer.from([0x61, 0x3d, 0xe9, 0x0a]))).toEqual({ a: 'é' });
    // UTF-8 "é" is two Latin-1 characters to Java.
    expect(kv(Buffer.from('a=é\n', 'utf8'))).toEqual({ a: 'Ã©' });
  });

  it('counts lines across \\n, \\r\\n and \\r endings', () => {
    const { entries } = parseJavaProperties('a=1\r\nb=2\rc=3\n\n\nd=4');
    expect(entries.map((e) => [e.key, e.line])).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 3],
      ['d', 6],
    ]);
  });

  it('keeps every entry in order and lets the last duplicate win', () => {
    const { entries } = parseJavaProperties('a=1\nb=2\na=3\n');
    expect(entries).toHaveLength(3);
    expect(lastByKey(entries).get('a')).toMatchObject({ value: '3', line: 3 });
  });

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: fc.constantFrom('a', '=', ':', ' ', '\\', '\n', '\r', '#', '!', 'u', '0', '\t') })), (s) => {
        const r = parseJavaProperties(s);
        for (const e of r.entries) {
          expect(e.line).toBeGreaterThanOrEqual(1);
          expect(e.endLine).toBeGreaterThanOrEqual(e.line);
        }
      }),
      { numRuns: 3000 },
    );
    fc.assert(fc.property(fc.uint8Array(), (a) => void parseJavaProperties(Buffer.from(a))));
  });

  it('reads back whatever Properties.store would write', () => {
    // The escaping of Properties.saveConvert: keys escape spaces; both escape = : # ! \ and controls.
    const save = (s: string, isKey: boolean): string =>
      [...s]
        .map((c, i) => {
          if (c === ' ') return isKey || i === 0 ? '\\ ' : ' ';
          if (c === '\t') return '\\t';
          if (c === '\n') return '\\n';
          if (c === '\r') return '\\r';
          if (c === '\f') return '\\f';
          if ('=:#!\\'.includes(c)) return `\\${c}`;
          const code = c.charCodeAt(0);
          return code < 0x20 || code > 0x7e ? `\\u${code.toString(16).padStart(4, '0')}` : c;
        })
        .join('');
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1 }), fc.string()), (props) => {
        const text = Object.entries(props)
          .map(([k, v]) => `${save(k, true)}=${save(v, false)}`)
          .join('\n');
        expect(kv(text)).toEqual(props);
      }),
    );
  });
});
