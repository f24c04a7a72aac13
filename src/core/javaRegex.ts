// MM2 compiles its topic and group filters with java.util.regex.Pattern and tests names with
// Matcher.matches(). This module parses the Java dialect and writes an exactly equivalent
// JavaScript RegExp (flag `v`), or refuses with a typed reason. Nothing is approximated: a filter
// that silently selects other topics than MM2 does would report lag for the wrong set.
//
// Java semantics reproduced here (Java 17, no UNICODE_CHARACTER_CLASS):
//  - \d \w \s and the POSIX classes \p{Alpha} ... are US-ASCII only;
//  - `.` excludes \n \r \u0085 \u2028 \u2029 unless (?s);
//  - (?i) folds US-ASCII letters only (expanded here into explicit alternatives);
//  - inline flags last until the end of the enclosing group, across `|`;
//  - (?x) skips whitespace and #-comments everywhere, including inside character classes;
//  - `^`, `$`, \Z treat \r\n, \n, \r, \u0085, \u2028, \u2029 as line terminators;
//  - atomic groups and possessive quantifiers become (?=(X))\N, which commits to X's first match
//    exactly as Java does.
// Unicode-table classes (\p{L}, \p{IsLatin}, \p{IsAlphabetic}, \p{javaLowerCase}) depend on the
// JVM's Unicode version for non-ASCII characters, so they are only accepted for Kafka topic
// names, whose characters are [a-zA-Z0-9._-]: on that alphabet every Unicode version agrees.

export type NameDomain = 'topic' | 'group';

export interface JavaRegexError {
  /** 'unsupported': possibly valid Java that mirrorwatch cannot evaluate exactly; 'invalid': Java refuses it. */
  kind: 'unsupported' | 'invalid';
  pattern: string;
  /** Index in `pattern` of the offending construct, when known. */
  index?: number;
  message: string;
}

export type JavaRegexTranslation = { ok: true; source: string; flags: string } | { ok: false; error: JavaRegexError };

export interface TranslateOptions {
  /** Which names the result is evaluated on (default 'group': any string). */
  domain?: NameDomain;
}

/** Characters a Kafka topic name may hold. */
export const TOPIC_NAME_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-';

class Refusal extends Error {
  constructor(
    readonly kind: JavaRegexError['kind'],
    readonly index: number,
    message: string,
  ) {
    super(message);
  }
}

// ---------- character sets as sorted, disjoint code point ranges ----------

type Ranges = Array<[number, number]>;

function normalize(r: Ranges): Ranges {
  const s = [...r].sort((a, b) => a[0] - b[0]);
  const out: Ranges = [];
  for (const [lo, hi] of s) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

function fromChars(chars: string): Ranges {
  return normalize([...chars].map((c) => [c.codePointAt(0)!, c.codePointAt(0)!] as [number, number]));
}

const cp = (c: string): number => c.codePointAt(0)!;
const R = (a: string, b: string): [number, number] => [cp(a), cp(b)];

const ASCII_DIGIT: Ranges = [R('0', '9')];
const ASCII_LOWER: Ranges = [R('a', 'z')];
const ASCII_UPPER: Ranges = [R('A', 'Z')];
const ASCII_ALPHA: Ranges = [R('A', 'Z'), R('a', 'z')];
const ASCII_ALNUM: Ranges = normalize([...ASCII_DIGIT, ...ASCII_ALPHA]);
const ASCII_PUNCT: Ranges = fromChars('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');
const ASCII_SPACE: Ranges = fromChars(' \t\n\u000b\f\r');
const WORD: Ranges = normalize([...ASCII_ALNUM, R('_', '_')]);
const LINE_TERMINATORS = '\n\r\u0085\u2028\u2029';

/** Java's POSIX classes (US-ASCII), by the name in \p{...}. */
const POSIX: Record<string, Ranges> = {
  Lower: ASCII_LOWER,
  Upper: ASCII_UPPER,
  ASCII: [[0, 0x7f]],
  Alpha: ASCII_ALPHA,
  Digit: ASCII_DIGIT,
  Alnum: ASCII_ALNUM,
  Punct: ASCII_PUNCT,
  Graph: normalize([...ASCII_ALNUM, ...ASCII_PUNCT]),
  Print: normalize([...ASCII_ALNUM, ...ASCII_PUNCT, R(' ', ' ')]),
  Blank: fromChars(' \t'),
  Cntrl: [[0, 0x1f], [0x7f, 0x7f]],
  XDigit: [R('0', '9'), R('A', 'F'), R('a', 'f')],
  Space: ASCII_SPACE,
};

const GENERAL_CATEGORIES = new Set(
  'L Lu Ll Lt Lm Lo LC M Mn Mc Me N Nd Nl No Z Zs Zl Zp C Cc Cf Co Cs Cn P Pd Ps Pe Pc Po Pi Pf S Sm Sc Sk So'.split(' '),
);

/** Java binary properties (\p{IsXxx}) mirrorwatch knows, as the JavaScript property of the same meaning on ASCII. */
const BINARY_PROPERTIES: Record<string, string> = {
  ALPHABETIC: 'Alphabetic',
  LETTER: 'L',
  LOWERCASE: 'Lowercase',
  UPPERCASE: 'Uppercase',
  DIGIT: 'Nd',
  HEX_DIGIT: 'Hex_Digit',
  HEXDIGIT: 'Hex_Digit',
  WHITE_SPACE: 'White_Space',
  WHITESPACE: 'White_Space',
  CONTROL: 'Cc',
  IDEOGRAPHIC: 'Ideographic',
};

/** java.lang.Character predicates: the topic-alphabet members are what matters. */
const JAVA_CHARACTER: Record<string, (c: string) => boolean> = {
  javaLowerCase: (c) => /[a-z]/.test(c),
  javaUpperCase: (c) => /[A-Z]/.test(c),
  javaDigit: (c) => /[0-9]/.test(c),
  javaLetter: (c) => /[A-Za-z]/.test(c),
  javaLetterOrDigit: (c) => /[A-Za-z0-9]/.test(c),
  javaAlphabetic: (c) => /[A-Za-z]/.test(c),
  javaWhitespace: () => false,
  javaSpaceChar: () => false,
  javaJavaIdentifierStart: (c) => /[A-Za-z_]/.test(c),
  javaJavaIdentifierPart: (c) => /[A-Za-z0-9_]/.test(c),
};

function topicSubset(member: (c: string) => boolean): Ranges {
  return fromChars([...TOPIC_NAME_ALPHABET].filter(member).join(''));
}

function hex(n: number): string {
  return `\\u{${n.toString(16)}}`;
}

function emitRanges(r: Ranges): string {
  return r.map(([lo, hi]) => (lo === hi ? hex(lo) : `${hex(lo)}-${hex(hi)}`)).join('');
}

/** Adds the other case of every ASCII letter in the set: Java's (?i) without (?u). */
function foldAscii(r: Ranges): Ranges {
  const extra: Ranges = [];
  for (const [lo, hi] of r) {
    for (const [a, b, delta] of [[0x41, 0x5a, 0x20], [0x61, 0x7a, -0x20]] as const) {
      const l = Math.max(lo, a);
      const h = Math.min(hi, b);
      if (l <= h) extra.push([l + delta, h + delta]);
    }
  }
  return normalize([...r, ...extra]);
}

// ---------- syntax tree ----------

type Node =
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; alts: Node[] }
  | { t: 'group'; open: string; capture: number | null; body: Node }
  | { t: 'atomic'; body: Node }
  | { t: 'quant'; body: Node; min: number; max: number | null; lazy: boolean; possessive: boolean }
  | { t: 'raw'; js: string; quantifiable: boolean }
  | { t: 'backref'; group: number };

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
  x: boolean;
  u: boolean;
}

interface GroupInfo {
  name?: string;
  closed: boolean;
  quantified: boolean;
  /** Alternatives and lookarounds the group sits in. */
  path: number[];
}

/** A class being built: union of leaves, or an intersection of such unions. */
interface ClassExpr {
  negated: boolean;
  /** Operands of &&, each a union of v-mode class members. */
  operands: string[][];
}

class Parser {
  private pos = 0;
  private flags: Flags = { i: false, m: false, s: false, x: false, u: false };
  private readonly groups: GroupInfo[] = [];
  private readonly names = new Map<string, number>();
  private path: number[] = [];
  private nextPathId = 0;
  /** Characters from \Q...\E still to be read as literals. */
  private quoted: string[] = [];
  private quoteStart = 0;

  constructor(
    private readonly p: string,
    private readonly domain: NameDomain,
  ) {}

  parse(): Node {
    const node = this.alternation();
    if (this.pos < this.p.length || this.quoted.length > 0) {
      throw new Refusal('invalid', this.pos, 'unmatched closing ")"');
    }
    return node;
  }

  // ----- reading -----

  private skipIgnorable(): void {
    if (!this.flags.x || this.quoted.length > 0) return;
    for (;;) {
      const c = this.p.charAt(this.pos);
      if (c === ' ' || c === '\t' || c === '\n' || c === '\u000b' || c === '\f' || c === '\r') this.pos++;
      else if (c === '#') {
        while (this.pos < this.p.length && !LINE_TERMINATORS.includes(this.p.charAt(this.pos))) this.pos++;
      } else return;
    }
  }

  private peek(): string {
    this.skipIgnorable();
    if (this.quoted.length > 0) return this.quoted[0]!;
    return this.p.charAt(this.pos);
  }

  private atEnd(): boolean {
    this.skipIgnorable();
    return this.quoted.length === 0 && this.pos >= this.p.length;
  }

  private readCodePoint(): string {
    const c = String.fromCodePoint(this.p.codePointAt(this.pos)!);
    this.pos += c.length;
    return c;
  }

  /** Starts \Q...\E: its characters are then read one by one as literals. */
  private startQuote(): void {
    this.quoteStart = this.pos;
    const end = this.p.indexOf('\\E', this.pos + 2);
    const text = end < 0 ? this.p.substring(this.pos + 2) : this.p.substring(this.pos + 2, end);
    this.pos = end < 0 ? this.p.length : end + 2;
    this.quoted = [...text];
  }

  /** A quoted literal, if the reader is inside \Q...\E (or enters one). */
  private takeQuoted(): string | null {
    this.skipIgnorable();
    while (this.quoted.length === 0 && this.p.startsWith('\\Q', this.pos)) {
      this.startQuote();
      this.skipIgnorable();
    }
    return this.quoted.length > 0 ? this.quoted.shift()! : null;
  }

  private fail(kind: JavaRegexError['kind'], message: string, at = this.pos): never {
    throw new Refusal(kind, this.quoted.length > 0 ? this.quoteStart : at, message);
  }

  // ----- structure -----

  private alternation(): Node {
    const alts: Node[] = [];
    const outer = this.path;
    const id = this.nextPathId++;
    for (let branch = 0; ; branch++) {
      this.path = [...outer, id * 1000 + Math.min(branch, 999)];
      alts.push(this.sequence());
      if (this.peek() === '|' && this.quoted.length === 0) {
        this.pos++;
        continue;
      }
      break;
    }
    this.path = outer;
    if (alts.length === 1) return alts[0]!;
    return { t: 'alt', alts };
  }

  private sequence(): Node {
    const items: Node[] = [];
    for (;;) {
      const quotedChar = this.takeQuoted();
      if (quotedChar !== null) {
        items.push(this.quantified(this.literal(quotedChar)));
        continue;
      }
      if (this.atEnd()) break;
      const c = this.peek();
      if (c === '|' || c === ')') break;
      const start = this.pos;
      const atom = this.atom();
      if (atom === null) continue; // a flag-only group such as (?i)
      items.push(this.quantified(atom, start));
    }
    return items.length === 1 ? items[0]! : { t: 'seq', items };
  }

  private atom(): Node | null {
    const start = this.pos;
    const c = this.p.charAt(this.pos);
    switch (c) {
      case '(':
        return this.group();
      case '[':
        return { t: 'raw', js: this.charClass(), quantifiable: true };
      case '.':
        this.pos++;
        return { t: 'raw', js: this.flags.s ? '[\\s\\S]' : `[^${emitRanges(fromChars(LINE_TERMINATORS))}]`, quantifiable: true };
      case '^':
        this.pos++;
        return { t: 'raw', js: this.flags.m ? MULTILINE_CARET : '^', quantifiable: false };
      case '$':
        this.pos++;
        return { t: 'raw', js: this.flags.m ? MULTILINE_DOLLAR : DOLLAR, quantifiable: false };
      case '*':
      case '+':
      case '?':
        return this.fail('invalid', `dangling meta character "${c}": nothing to repeat`);
      case '{':
        return this.fail('invalid', 'illegal repetition: "{" must follow something to repeat (write \\{ for a literal brace)');
      case '\\':
        return this.escape();
      default:
        this.readCodePoint();
        return this.literal(this.p.substring(start, this.pos));
    }
  }

  private literal(ch: string): Node {
    const code = cp(ch);
    const set: Ranges = this.flags.i ? foldAscii([[code, code]]) : [[code, code]];
    const js = set.length === 1 && set[0]![0] === set[0]![1] ? literalJs(code) : `[${emitRanges(set)}]`;
    return { t: 'raw', js, quantifiable: true };
  }

  private quantified(atom: Node, start = this.pos): Node {
    const c = this.peek();
    if (this.quoted.length > 0 && c !== '') return atom;
    let min: number;
    let max: number | null;
    if (c === '*' || c === '+' || c === '?') {
      this.pos++;
      [min, max] = c === '*' ? [0, null] : c === '+' ? [1, null] : [0, 1];
    } else if (c === '{') {
      const m = /^\{(\d+)(?:(,)(\d*))?\}/.exec(this.p.substring(this.pos));
      if (!m) return this.fail('invalid', 'illegal repetition: "{" must start {n}, {n,} or {n,m} (write \\{ for a literal brace)');
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? null : Number(m[3]);
      if (max !== null && max < min) return this.fail('invalid', `illegal repetition range {${min},${max}}`);
      if (min > 10_000 || (max ?? 0) > 10_000) return this.fail('unsupported', 'repetition counts above 10000 are not evaluated');
      this.pos += m[0].length;
    } else {
      return atom;
    }
    let lazy = false;
    let possessive = false;
    const suffix = this.peek();
    if (suffix === '?') {
      lazy = true;
      this.pos++;
    } else if (suffix === '+') {
      possessive = true;
      this.pos++;
    }
    if (atom.t === 'raw' && !atom.quantifiable) {
      return this.fail('unsupported', 'a repeated anchor, boundary or lookaround is not evaluated', start);
    }
    if (atom.t === 'group' && atom.open.startsWith('(?') && atom.open !== '(?:') {
      return this.fail('unsupported', 'a repeated lookaround is not evaluated', start);
    }
    const next = this.peek();
    if (this.quoted.length === 0 && (next === '*' || next === '+' || next === '?')) {
      return this.fail('invalid', `dangling meta character "${next}": a quantifier cannot repeat a quantifier`);
    }
    for (const g of capturesIn(atom)) this.groups[g - 1]!.quantified = true;
    return { t: 'quant', body: atom, min, max, lazy, possessive };
  }

  private group(): Node | null {
    const open = this.pos;
    this.pos++; // (
    const saved = { ...this.flags };
    const outerPath = this.path;
    let node: Node;
    if (this.p.charAt(this.pos) !== '?') {
      const index = this.groups.push({ closed: false, quantified: false, path: this.path }) ;
      const body = this.alternation();
      this.close(open);
      this.groups[index - 1]!.closed = true;
      node = { t: 'group', open: '(', capture: index, body };
    } else {
      this.pos++; // ?
      const rest = this.p.substring(this.pos);
      const look = /^(?:=|!|<=|<!)/.exec(rest);
      const named = /^<([a-zA-Z][a-zA-Z0-9]*)>/.exec(rest);
      if (rest.startsWith(':')) {
        this.pos++;
        node = { t: 'group', open: '(?:', capture: null, body: this.alternation() };
        this.close(open);
      } else if (look) {
        this.pos += look[0].length;
        this.path = [...this.path, this.nextPathId++ * 1000];
        const body = this.alternation();
        this.path = outerPath;
        this.close(open);
        if (look[0].startsWith('<')) checkLookbehind(body, open);
        node = { t: 'group', open: `(?${look[0]}`, capture: null, body };
      } else if (named) {
        const name = named[1]!;
        if (this.names.has(name)) this.fail('invalid', `named capturing group <${name}> is already defined`, open);
        this.pos += named[0].length;
        const index = this.groups.push({ name, closed: false, quantified: false, path: this.path });
        this.names.set(name, index);
        const body = this.alternation();
        this.close(open);
        this.groups[index - 1]!.closed = true;
        node = { t: 'group', open: '(', capture: index, body };
      } else if (rest.startsWith('<')) {
        return this.fail('invalid', 'a capturing group name must start with a Latin letter', open);
      } else if (rest.startsWith('>')) {
        this.pos++;
        node = { t: 'atomic', body: this.alternation() };
        this.close(open);
      } else {
        const m = /^([a-zA-Z]*)(?:-([a-zA-Z]*))?([:)])/.exec(rest);
        if (!m) return this.fail('invalid', 'unknown inline modifier', open);
        this.pos += m[0].length;
        this.setFlags(m[1]!, true, open);
        this.setFlags(m[2] ?? '', false, open);
        this.checkFlags(open);
        // (?i) alone changes the flags until the end of the enclosing group.
        if (m[3] === ')') return null;
        node = { t: 'group', open: '(?:', capture: null, body: this.alternation() };
        this.close(open);
      }
    }
    this.flags = saved;
    return node;
  }

  private setFlags(letters: string, on: boolean, at: number): void {
    for (const f of letters) {
      switch (f) {
        case 'i':
        case 'm':
        case 's':
        case 'x':
        case 'u':
          this.flags[f] = on;
          break;
        case 'd':
          this.fail('unsupported', 'the UNIX_LINES flag (?d) is not evaluated', at);
          break;
        case 'U':
          this.fail('unsupported', 'the UNICODE_CHARACTER_CLASS flag (?U) is not evaluated', at);
          break;
        default:
          this.fail('invalid', `unknown inline flag "${f}"`, at);
      }
    }
  }

  private checkFlags(at: number): void {
    if (this.flags.i && this.flags.u) {
      this.fail('unsupported', 'Unicode case folding (?iu) is not evaluated: use (?i), which folds ASCII letters', at);
    }
  }

  private close(open: number): void {
    if (this.quoted.length > 0 || this.peek() !== ')') this.fail('invalid', 'unclosed group', open);
    this.pos++;
  }

  // ----- escapes outside classes -----

  private escape(): Node {
    const start = this.pos;
    if (this.pos + 1 >= this.p.length) return this.fail('invalid', 'trailing backslash');
    const d = this.p.charAt(this.pos + 1);
    const raw = (js: string, quantifiable = true): Node => ({ t: 'raw', js, quantifiable });
    switch (d) {
      case 'A':
      case 'G':
        this.pos += 2;
        return raw('^', false);
      case 'z':
        this.pos += 2;
        return raw('$', false);
      case 'Z':
        this.pos += 2;
        return raw(DOLLAR, false);
      case 'b':
      case 'B': {
        if (this.p.charAt(this.pos + 2) === '{') return this.fail('unsupported', 'grapheme cluster boundaries \\b{g} are not evaluated');
        this.pos += 2;
        if (this.domain !== 'topic') {
          return this.fail('unsupported', `\\${d} depends on the Java version for non-ASCII characters (Unicode letters before Java 19, ASCII after); it is only evaluated for topic names`, start);
        }
        // On [a-zA-Z0-9._-] Java's word characters are [a-zA-Z0-9_], whatever its version.
        const w = `[${emitRanges(WORD)}]`;
        const boundary = `(?:(?<=${w})(?!${w})|(?<!${w})(?=${w}))`;
        return raw(d === 'b' ? boundary : `(?!${boundary})`, false);
      }
      case 'R':
        this.pos += 2;
        // Java 9+ backtracks into \R (\R\n matches \r\n), as the alternation it documents does.
        return raw(`(?:\\r\\n|[${emitRanges(fromChars('\n\u000b\f\r\u0085\u2028\u2029'))}])`);
      case 'X':
        return this.fail('unsupported', 'grapheme clusters \\X are not evaluated');
      case 'k': {
        const m = /^\\k<([a-zA-Z][a-zA-Z0-9]*)>/.exec(this.p.substring(this.pos));
        if (!m) return this.fail('invalid', '\\k must be followed by <name>');
        const group = this.names.get(m[1]!);
        if (group === undefined) return this.fail('invalid', `named capturing group <${m[1]}> does not exist`);
        this.pos += m[0].length;
        return this.backref(group, start);
      }
      default:
    }
    if (/[1-9]/.test(d)) {
      this.pos += 2;
      let group = Number(d);
      while (/[0-9]/.test(this.p.charAt(this.pos)) && group * 10 + Number(this.p.charAt(this.pos)) <= this.groups.length) {
        group = group * 10 + Number(this.p.charAt(this.pos));
        this.pos++;
      }
      return this.backref(group, start);
    }
    const set = this.classEscape();
    if (typeof set === 'string') return raw(set);
    return this.literal(set.literal);
  }

  private backref(group: number, at: number): Node {
    const info = this.groups[group - 1];
    if (!info || !info.closed) {
      return this.fail('unsupported', `back reference to group ${group}, which is not complete at that point, is not evaluated`, at);
    }
    if (this.flags.i) return this.fail('unsupported', 'a back reference under (?i) is not evaluated', at);
    const certain = !info.quantified && info.path.every((p) => this.path.includes(p));
    if (!certain) {
      return this.fail('unsupported', `back reference to group ${group}, which may be unset or repeated there (Java and JavaScript then differ), is not evaluated`, at);
    }
    return { t: 'backref', group };
  }

  /**
   * An escape usable inside and outside classes, at this.pos (a backslash): a v-mode class
   * member string for sets, or a literal character.
   */
  private classEscape(): string | { literal: string } {
    const start = this.pos;
    if (this.pos + 1 >= this.p.length) return this.fail('invalid', 'trailing backslash');
    const d = this.p.charAt(this.pos + 1);
    this.pos += 2;
    // Inside a class too, a set is a nested v-mode class.
    const set = (r: Ranges, negated = false): string => (negated ? `[^${emitRanges(r)}]` : `[${emitRanges(r)}]`);
    const lit = (code: number): { literal: string } => ({ literal: String.fromCodePoint(code) });
    switch (d) {
      case 'd':
        return set(ASCII_DIGIT);
      case 'D':
        return set(ASCII_DIGIT, true);
      case 'w':
        return set(WORD);
      case 'W':
        return set(WORD, true);
      case 's':
        return set(ASCII_SPACE);
      case 'S':
        return set(ASCII_SPACE, true);
      case 'h':
      case 'H':
        return set(fromChars(' \t\u00a0\u1680\u180e\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000'), d === 'H');
      case 'v':
      case 'V':
        return set(fromChars('\n\u000b\f\r\u0085\u2028\u2029'), d === 'V');
      case 'p':
      case 'P':
        return this.property(d === 'P', start);
      case 't':
        return lit(9);
      case 'n':
        return lit(10);
      case 'r':
        return lit(13);
      case 'f':
        return lit(12);
      case 'a':
        return lit(7);
      case 'e':
        return lit(27);
      case 'c': {
        const ctl = this.p.charAt(this.pos);
        if (ctl === '') return this.fail('invalid', 'illegal control escape sequence', start);
        this.pos++;
        return lit(cp(ctl) ^ 64);
      }
      case 'x': {
        if (this.p.charAt(this.pos) === '{') {
          const m = /^\{([0-9a-fA-F]+)\}/.exec(this.p.substring(this.pos));
          if (!m) return this.fail('invalid', 'malformed \\x{...} escape', start);
          const code = Number.parseInt(m[1]!, 16);
          if (code > 0x10ffff) return this.fail('invalid', 'hexadecimal code point is too big', start);
          this.pos += m[0].length;
          return lit(code);
        }
        const digits = this.p.substring(this.pos, this.pos + 2);
        if (!/^[0-9a-fA-F]{2}$/.test(digits)) return this.fail('invalid', 'illegal hexadecimal escape sequence (two hex digits expected)', start);
        this.pos += 2;
        return lit(Number.parseInt(digits, 16));
      }
      case 'u': {
        const digits = this.p.substring(this.pos, this.pos + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(digits)) return this.fail('invalid', 'illegal Unicode escape sequence (four hex digits expected)', start);
        this.pos += 4;
        let code = Number.parseInt(digits, 16);
        // Java combines an escaped surrogate pair into one code point.
        const low = /^\\u(d[c-f][0-9a-f]{2})/i.exec(this.p.substring(this.pos));
        if (code >= 0xd800 && code <= 0xdbff && low) {
          code = 0x10000 + ((code - 0xd800) << 10) + (Number.parseInt(low[1]!, 16) - 0xdc00);
          this.pos += 6;
        } else if (code >= 0xd800 && code <= 0xdfff) {
          return this.fail('unsupported', 'a lone surrogate escape is not evaluated', start);
        }
        return lit(code);
      }
      case '0': {
        const m = /^([0-3][0-7]{2}|[0-7]{1,2})/.exec(this.p.substring(this.pos));
        if (!m) return this.fail('invalid', 'illegal octal escape sequence', start);
        this.pos += m[1]!.length;
        return lit(Number.parseInt(m[1]!, 8));
      }
      case 'N':
        return this.fail('unsupported', 'named characters \\N{...} are not evaluated', start);
      default:
    }
    // Letters Java rejects after a backslash; other letters are Java constructs not evaluated here.
    if (/[CEFIJKLMOTUYgijlmoqy]/.test(d)) return this.fail('invalid', `illegal or unsupported escape sequence \\${d}`, start);
    if (/[a-zA-Z]/.test(d)) return this.fail('unsupported', `escape \\${d} is not evaluated here`, start);
    if (/[0-9]/.test(d)) return this.fail('unsupported', `escape \\${d} inside a character class is not evaluated`, start);
    // Java: a backslash before any other character quotes it.
    this.pos -= 1;
    return { literal: this.readCodePoint() };
  }

  private property(negated: boolean, start: number): string {
    let name: string;
    if (this.p.charAt(this.pos) === '{') {
      const close = this.p.indexOf('}', this.pos);
      if (close < 0) return this.fail('invalid', 'unclosed character family', start);
      name = this.p.substring(this.pos + 1, close);
      this.pos = close + 1;
    } else {
      name = this.p.charAt(this.pos);
      if (name === '') return this.fail('invalid', 'illegal character family', start);
      this.pos++;
    }
    let r: Ranges | null = POSIX[name] ?? null;
    if (r === null && (name === 'all' || name === 'L1' || name === 'IsL1')) {
      r = name === 'all' ? [[0, 0x10ffff]] : [[0, 0xff]];
    }
    if (r === null) {
      const tableMember = this.tableProperty(name, start);
      if (this.domain !== 'topic') {
        return this.fail(
          'unsupported',
          `\\p{${name}} depends on the Unicode tables of MM2's Java version for non-ASCII characters; it is only evaluated for topic names, which are ASCII`,
          start,
        );
      }
      r = topicSubset(tableMember);
    }
    if (this.flags.i && JSON.stringify(foldAscii(r)) !== JSON.stringify(r)) {
      // Java folds such classes its own way (and differently across versions).
      return this.fail('unsupported', `\\p{${name}} under (?i) is not evaluated: its members change with case`, start);
    }
    const body = emitRanges(r);
    if (r.length === 0) return negated ? '[\\s\\S]' : '[]';
    return negated ? `[^${body}]` : `[${body}]`;
  }

  /** Membership test of a Unicode-table property, valid on ASCII; refuses names it does not know. */
  private tableProperty(name: string, start: number): (c: string) => boolean {
    const byJs = (js: string) => {
      const re = new RegExp(`^\\p{${js}}$`, 'u');
      return (c: string) => re.test(c);
    };
    const java = JAVA_CHARACTER[name];
    if (java) return java;
    let m = /^(?:Is|gc=|general_category=)?(\w\w?)$/.exec(name);
    if (m && GENERAL_CATEGORIES.has(m[1]!)) return byJs(`gc=${m[1]}`);
    if (m && m[1] === 'LD') {
      const letter = byJs('gc=L');
      const digit = byJs('gc=Nd');
      return (c: string) => letter(c) || digit(c);
    }
    m = /^(?:Is|script=|sc=)(\w+)$/i.exec(name);
    if (m && /^(latin|latn)$/i.test(m[1]!)) return byJs('Script=Latin');
    if (m && /^(common|zyyy)$/i.test(m[1]!)) return byJs('Script=Common');
    m = /^Is(\w+)$/i.exec(name);
    const binary = m ? BINARY_PROPERTIES[m[1]!.toUpperCase()] : undefined;
    if (binary) return byJs(binary);
    return this.fail('unsupported', `character property \\p{${name}} is not evaluated`, start);
  }

  // ----- character classes -----

  /** At '[': the whole class as one v-mode class. */
  private charClass(): string {
    const expr = this.classBody(this.pos);
    const ops = expr.operands.map((u) => `[${u.join('')}]`);
    const inner = ops.length === 1 ? expr.operands[0]!.join('') : ops.join('&&');
    return `[${expr.negated ? '^' : ''}${inner}]`;
  }

  private classBody(open: number): ClassExpr {
    this.pos++; // [
    const expr: ClassExpr = { negated: false, operands: [[]] };
    if (this.p.charAt(this.pos) === '^') {
      expr.negated = true;
      this.pos++;
    }
    let current = expr.operands[0]!;
    let first = true;
    for (;;) {
      const q = this.takeQuoted();
      if (q !== null) {
        current.push(this.classLiteralOrRange(q));
        first = false;
        continue;
      }
      this.skipIgnorable();
      if (this.pos >= this.p.length) return this.fail('invalid', 'unclosed character class', open);
      const c = this.p.charAt(this.pos);
      if (c === ']' && !first) {
        this.pos++;
        break;
      }
      first = false;
      if (c === '[') {
        const nested = this.classBody(this.pos);
        if (nested.negated && (expr.negated || nested.operands.length > 1)) {
          return this.fail('unsupported', 'a negated class nested in a negated class or an intersection is not evaluated', open);
        }
        const ops = nested.operands.map((u) => `[${u.join('')}]`);
        current.push(`[${nested.negated ? '^' : ''}${ops.length === 1 ? nested.operands[0]!.join('') : ops.join('&&')}]`);
        continue;
      }
      if (c === '&' && this.p.charAt(this.pos + 1) === '&') {
        if (expr.negated) return this.fail('unsupported', 'a negated class with && is not evaluated', open);
        this.pos += 2;
        current = [];
        expr.operands.push(current);
        continue;
      }
      if (c === '\\') {
        const e = this.classEscape();
        if (typeof e === 'string') current.push(e);
        else current.push(this.classLiteralOrRange(e.literal));
        continue;
      }
      current.push(this.classLiteralOrRange(this.readCodePoint()));
    }
    if (expr.operands.some((o) => o.length === 0)) {
      return this.fail('unsupported', 'an empty operand of && in a character class is not evaluated', open);
    }
    return expr;
  }

  /** A literal just read in a class, possibly the start of a range a-z. */
  private classLiteralOrRange(from: string): string {
    const lo = cp(from);
    let hi = lo;
    // A quoted "-" is a literal, so a range needs a real dash after the literal.
    if (this.quoted.length === 0 && this.p.charAt(this.pos) === '-') {
      const next = this.p.charAt(this.pos + 1);
      const literalDash = next === ']' || next === '[' || next === '' || (next === '&' && this.p.charAt(this.pos + 2) === '&');
      if (!literalDash) {
        const at = this.pos;
        this.pos++;
        let to: string | null = this.takeQuoted();
        if (to === null && next === '\\') {
          const e = this.classEscape();
          if (typeof e === 'string') return this.fail('invalid', 'illegal character range (a class cannot end a range)', at);
          to = e.literal;
        }
        to ??= this.readCodePoint();
        hi = cp(to);
        if (hi < lo) return this.fail('invalid', 'illegal character range (end before start)', at);
      }
    }
    const r: Ranges = this.flags.i ? foldAscii([[lo, hi]]) : [[lo, hi]];
    return emitRanges(r);
  }
}

function literalJs(code: number): string {
  const c = String.fromCodePoint(code);
  return /^[A-Za-z0-9_]$/.test(c) ? c : hex(code);
}

// Java's `$` without (?m): at the end, or before a final line terminator (\r\n counts as one).
const DOLLAR = `(?:$|(?=[\\r\\u{85}\\u{2028}\\u{2029}]$)|(?<!\\r)(?=\\n$)|(?=\\r\\n$))`;
// With (?m): before any line terminator except between \r and \n, or at the end.
const MULTILINE_DOLLAR = `(?:$|(?=[\\r\\u{85}\\u{2028}\\u{2029}])|(?<!\\r)(?=\\n))`;
// Java's `^` with (?m): at the start or after a line terminator (not between \r and \n), never at the end.
const MULTILINE_CARET = `(?:^|(?<=[\\n\\u{85}\\u{2028}\\u{2029}])|(?<=\\r)(?!\\n))(?!$)`;

function capturesIn(n: Node): number[] {
  switch (n.t) {
    case 'seq':
      return n.items.flatMap(capturesIn);
    case 'alt':
      return n.alts.flatMap(capturesIn);
    case 'group':
      return [...(n.capture !== null ? [n.capture] : []), ...capturesIn(n.body)];
    case 'atomic':
    case 'quant':
      return capturesIn(n.body);
    default:
      return [];
  }
}

/** Java requires a lookbehind to have a bounded length; JavaScript does not. */
function checkLookbehind(body: Node, at: number): void {
  const bounded = (n: Node): boolean => {
    switch (n.t) {
      case 'seq':
        return n.items.every(bounded);
      case 'alt':
        return n.alts.every(bounded);
      case 'group':
      case 'atomic':
        return bounded(n.body);
      case 'quant':
        return n.max !== null && bounded(n.body);
      case 'backref':
        return false;
      default:
        return true;
    }
  };
  if (!bounded(body)) throw new Refusal('unsupported', at, 'a lookbehind without a bounded maximum length is not evaluated');
  const committing = (n: Node): boolean =>
    n.t === 'atomic' || (n.t === 'quant' && (n.possessive || committing(n.body))) || (n.t === 'seq' && n.items.some(committing)) || (n.t === 'alt' && n.alts.some(committing)) || (n.t === 'group' && committing(n.body));
  if (capturesIn(body).length > 0 || committing(body)) {
    throw new Refusal('unsupported', at, 'capturing groups, atomic groups and possessive quantifiers inside a lookbehind are not evaluated');
  }
}

function emit(root: Node): string {
  const map = new Map<number, number>();
  let count = 0;
  const go = (n: Node): string => {
    switch (n.t) {
      case 'seq':
        return n.items.map(go).join('');
      case 'alt':
        return n.alts.map(go).join('|');
      case 'raw':
        return n.js;
      case 'backref':
        return `\\${map.get(n.group)!}`;
      case 'group': {
        if (n.capture !== null) {
          map.set(n.capture, ++count);
        }
        return `${n.open}${go(n.body)})`;
      }
      case 'atomic': {
        const k = ++count;
        return `(?=(${go(n.body)}))\\${k}`;
      }
      case 'quant': {
        if (n.possessive) return go({ t: 'atomic', body: { ...n, possessive: false } });
        const q = n.min === 0 && n.max === null ? '*' : n.min === 1 && n.max === null ? '+' : n.min === 0 && n.max === 1 ? '?' : `{${n.min},${n.max ?? ''}}`;
        const body = go(n.body);
        const atom = n.body.t === 'raw' || n.body.t === 'group' ? body : `(?:${body})`;
        return `${atom}${q}${n.lazy ? '?' : ''}`;
      }
    }
  };
  return go(root);
}

/**
 * Translate one Java pattern into a JavaScript source and flags that, wrapped as
 * `^(?:source)$`, accept exactly the names Matcher.matches() accepts.
 */
export function translateJavaRegex(pattern: string, options: TranslateOptions = {}): JavaRegexTranslation {
  const domain = options.domain ?? 'group';
  try {
    const tree = new Parser(pattern, domain).parse();
    const source = emit(tree);
    try {
      new RegExp(`^(?:${source})$`, 'v');
    } catch (e) {
      return { ok: false, error: { kind: 'unsupported', pattern, message: `internal translation error: ${(e as Error).message}` } };
    }
    return { ok: true, source, flags: 'v' };
  } catch (e) {
    if (e instanceof Refusal) return { ok: false, error: { kind: e.kind, pattern, index: e.index, message: e.message } };
    throw e;
  }
}

export type JavaPatternListResult =
  | { ok: true; matches: (name: string) => boolean }
  /** `error.pattern` and `error.index` refer to `patterns[entry]`. */
  | { ok: false; error: JavaRegexError; entry: number };

/**
 * MirrorUtils.compilePatternList: the entries are joined with "|" into ONE Java pattern (so a
 * flag or an unbalanced parenthesis in one entry reaches into the next), tested with matches().
 * An empty list matches nothing.
 */
export function compileJavaPatternList(patterns: readonly string[], domain: NameDomain): JavaPatternListResult {
  if (patterns.length === 0) return { ok: true, matches: () => false };
  const t = translateJavaRegex(patterns.join('|'), { domain });
  if (!t.ok) {
    let entry = 0;
    let offset = 0;
    const at = t.error.index ?? 0;
    while (entry < patterns.length - 1 && offset + patterns[entry]!.length < at) {
      offset += patterns[entry]!.length + 1;
      entry++;
    }
    const index = t.error.index === undefined ? undefined : Math.max(0, at - offset);
    return { ok: false, error: { ...t.error, pattern: patterns[entry]!, index }, entry };
  }
  const re = new RegExp(`^(?:${t.source})$`, t.flags);
  return { ok: true, matches: (name) => re.test(name) };
}

/**
 * ConfigDef Type.LIST parsing: the value is trimmed (String.trim, chars <= U+0020), a blank value
 * is the empty list, else it is split at every comma with the whitespace around it (empty entries
 * are kept). A regex holding a comma, like a{1,3}, is therefore cut in two.
 */
export function splitConfigDefList(value: string): string[] {
  let start = 0;
  let end = value.length;
  while (start < end && value.charCodeAt(start) <= 0x20) start++;
  while (end > start && value.charCodeAt(end - 1) <= 0x20) end--;
  const t = value.slice(start, end);
  return t === '' ? [] : t.split(/[ \t\n\v\f\r]*,[ \t\n\v\f\r]*/);
}

/**
 * Commas the list splitting cuts a pattern at, inside {...}, [...] or (...): the author meant one
 * regex, MM2 reads several. Returns the raw value's entries that were cut, joined back.
 */
export function commaSplitPatterns(value: string): string[] {
  const cut: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  let hit = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charAt(i);
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      else if (c === ',') hit = true;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(' || c === '{') depth++;
    else if ((c === ')' || c === '}') && depth > 0) depth--;
    else if (c === ',') {
      if (depth > 0) hit = true;
      else {
        if (hit) cut.push(value.substring(start, i).trim());
        hit = false;
        start = i + 1;
      }
    }
  }
  if (hit) cut.push(value.substring(start).trim());
  return cut;
}
