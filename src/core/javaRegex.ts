// MM2 compiles topic filters with java.util.regex.Pattern. Most of that syntax means the same
// in JavaScript; the rest either translates mechanically (\Q..\E, \A, \z) or has no JavaScript
// equivalent (possessive quantifiers, atomic groups, inline flags, class unions and
// intersections, \p{...}). Those are refused with a typed error rather than approximated: a
// filter that silently selects other topics than MM2 does would report lag for the wrong set.
// Kafka topic names are ASCII ([a-zA-Z0-9._-]), so Unicode-mode differences do not matter.

export interface JavaRegexError {
  /** 'unsupported': valid Java that mirrorwatch cannot translate; 'invalid': not a valid pattern. */
  kind: 'unsupported' | 'invalid';
  pattern: string;
  /** Index in `pattern` of the offending construct, when known. */
  index?: number;
  message: string;
}

export type JavaRegexTranslation = { ok: true; source: string } | { ok: false; error: JavaRegexError };

const SIMPLE_ESCAPES = new Set(['d', 'D', 's', 'S', 'w', 'W', 'n', 't', 'r', 'f']);
const HEX = /^[0-9a-fA-F]$/;

function escapeLiteral(text: string, inClass: boolean): string {
  const special = inClass ? /[\\\]^[-]/g : /[\\^$.|?*+()[\]{}]/g;
  return text.replace(special, (c) => `\\${c}`);
}

function hexEscape(code: number): string {
  return `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Translate one Java regex into an equivalent JavaScript RegExp source (no flags). */
export function translateJavaRegex(pattern: string): JavaRegexTranslation {
  const fail = (kind: JavaRegexError['kind'], index: number, message: string): JavaRegexTranslation => ({
    ok: false,
    error: { kind, pattern, index, message },
  });
  let out = '';
  let i = 0;
  let inClass = false;
  let classContentStart = -1;
  // Whether the previous token was a quantifier: a following '+' makes it possessive.
  let afterQuantifier = false;

  while (i < pattern.length) {
    const c = pattern.charAt(i);

    if (c === '\\') {
      if (i + 1 >= pattern.length) return fail('invalid', i, 'trailing backslash');
      const d = pattern.charAt(i + 1);
      afterQuantifier = false;
      if (d === 'Q') {
        const end = pattern.indexOf('\\E', i + 2);
        const literal = end < 0 ? pattern.substring(i + 2) : pattern.substring(i + 2, end);
        out += escapeLiteral(literal, inClass);
        i = end < 0 ? pattern.length : end + 2;
        continue;
      }
      if (/[a-zA-Z]/.test(d)) {
        if (SIMPLE_ESCAPES.has(d)) {
          out += `\\${d}`;
          i += 2;
          continue;
        }
        if (!inClass && (d === 'b' || d === 'B')) {
          out += `\\${d}`;
          i += 2;
          continue;
        }
        if (!inClass && d === 'A') {
          out += '^';
          i += 2;
          continue;
        }
        if (!inClass && (d === 'z' || d === 'Z')) {
          // \Z also allows a final line terminator; topic names contain none.
          out += '$';
          i += 2;
          continue;
        }
        if (d === 'x') {
          if (pattern.charAt(i + 2) === '{') {
            const close = pattern.indexOf('}', i + 3);
            const digits = close < 0 ? '' : pattern.substring(i + 3, close);
            if (!/^[0-9a-fA-F]{1,6}$/.test(digits)) return fail('invalid', i, 'malformed \\x{...} escape');
            const code = Number.parseInt(digits, 16);
            if (code > 0xffff) return fail('unsupported', i, `\\x{${digits}} is outside the range topic names can use`);
            out += hexEscape(code);
            i = close + 1;
            continue;
          }
          const h1 = pattern.charAt(i + 2);
          const h2 = pattern.charAt(i + 3);
          if (!HEX.test(h1) || !HEX.test(h2)) return fail('invalid', i, 'malformed \\x escape (two hex digits expected)');
          out += `\\x${h1}${h2}`;
          i += 4;
          continue;
        }
        if (d === 'u') {
          const digits = pattern.substring(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(digits)) return fail('invalid', i, 'malformed \\u escape (four hex digits expected)');
          out += `\\u${digits}`;
          i += 6;
          continue;
        }
        if (d === 'c') {
          const ctl = pattern.charAt(i + 2);
          if (!/[a-zA-Z]/.test(ctl)) return fail('unsupported', i, '\\c is only supported before a letter');
          out += `\\c${ctl}`;
          i += 3;
          continue;
        }
        return fail('unsupported', i, `escape \\${d} has no JavaScript equivalent`);
      }
      if (d === '0') return fail('unsupported', i, 'octal escapes (\\0...) are not supported');
      if (/[1-9]/.test(d)) {
        if (inClass) return fail('invalid', i, 'back reference inside a character class');
        // Back reference: same numbering in both dialects, as the translation adds no capturing group.
        out += `\\${d}`;
        i += 2;
        continue;
      }
      // Java: a backslash before any non-alphabetic character quotes it.
      out += escapeLiteral(d, inClass);
      i += 2;
      continue;
    }

    if (inClass) {
      if (c === '[') return fail('unsupported', i, 'nested character classes (class union) are not supported');
      if (c === '&' && pattern.charAt(i + 1) === '&') {
        return fail('unsupported', i, 'character class intersection (&&) is not supported');
      }
      if (c === ']') {
        if (i === classContentStart) {
          return fail('unsupported', i, 'a "]" first in a character class is read differently by JavaScript; write \\]');
        }
        inClass = false;
        out += ']';
        i++;
        continue;
      }
      out += c;
      i++;
      continue;
    }

    switch (c) {
      case '[': {
        inClass = true;
        out += '[';
        i++;
        if (pattern.charAt(i) === '^') {
          out += '^';
          i++;
        }
        classContentStart = i;
        afterQuantifier = false;
        continue;
      }
      case '(': {
        afterQuantifier = false;
        if (pattern.charAt(i + 1) !== '?') {
          out += '(';
          i++;
          continue;
        }
        const rest = pattern.substring(i + 2);
        const plain = /^(?::|=|!|<=|<!)/.exec(rest);
        if (plain) {
          out += `(?${plain[0]}`;
          i += 2 + plain[0].length;
          continue;
        }
        const named = /^<([a-zA-Z][a-zA-Z0-9]*)>/.exec(rest);
        if (named) {
          out += `(?${named[0]}`;
          i += 2 + named[0].length;
          continue;
        }
        if (rest.startsWith('>')) return fail('unsupported', i, 'atomic groups (?>...) are not supported');
        return fail('unsupported', i, 'inline flags such as (?i) are not supported');
      }
      case '*':
      case '+':
      case '?': {
        if (afterQuantifier && c === '+') {
          return fail('unsupported', i, 'possessive quantifiers (*+, ++, ?+, {n}+) are not supported');
        }
        if (afterQuantifier && c === '?') {
          // Reluctant quantifier: same in both dialects; nothing may follow it.
          out += '?';
          afterQuantifier = false;
          i++;
          continue;
        }
        out += c;
        afterQuantifier = true;
        i++;
        continue;
      }
      case '{': {
        const quantifier = /^\{\d+(?:,\d*)?\}/.exec(pattern.substring(i));
        // Java refuses a '{' that does not start a repetition; JavaScript would read it literally.
        if (!quantifier) return fail('invalid', i, 'illegal repetition: "{" must start {n}, {n,} or {n,m} (write \\{ for a literal brace)');
        out += quantifier[0];
        afterQuantifier = true;
        i += quantifier[0].length;
        continue;
      }
      default:
        out += c;
        afterQuantifier = false;
        i++;
    }
  }

  if (inClass) return fail('invalid', pattern.length, 'unclosed character class');
  try {
    new RegExp(out);
  } catch (e) {
    return fail('invalid', 0, (e as Error).message);
  }
  return { ok: true, source: out };
}
