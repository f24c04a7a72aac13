// How Kafka turns property strings into values. Two different boolean parsers matter for MM2:
// MirrorMakerConfig.clusterPairs() uses Boolean.parseBoolean (no trim; anything but "true" is
// false) to decide which herders exist, while connector configs go through ConfigDef
// (trimmed; only true/false, anything else is a ConfigException that rejects the connector).
import { splitConfigDefList } from '../core/javaRegex.js';

/** java.lang.String.trim(): strips every char <= U+0020 at both ends (not Unicode spaces). */
export function javaTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 0x20) start++;
  while (end > start && s.charCodeAt(end - 1) <= 0x20) end--;
  return s.slice(start, end);
}

/** java.lang.String.equalsIgnoreCase, char by char through upper and lower case. */
export function javaEqualsIgnoreCase(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    const ux = x.toUpperCase();
    const uy = y.toUpperCase();
    // Java compares single chars; a multi-char upper case (e.g. "ß" -> "SS") does not match.
    if (ux.length === 1 && ux === uy) continue;
    if (ux.length === 1 && uy.length === 1 && ux.toLowerCase() === uy.toLowerCase()) continue;
    return false;
  }
  return true;
}

/** Boolean.parseBoolean: true only for "true" in any case, untrimmed. */
export function javaParseBoolean(s: string | undefined): boolean {
  return s !== undefined && javaEqualsIgnoreCase(s, 'true');
}

/** ConfigDef Type.BOOLEAN: the parsed value, or 'invalid' where Kafka throws a ConfigException. */
export function configDefBoolean(s: string): boolean | 'invalid' {
  const t = javaTrim(s);
  if (javaEqualsIgnoreCase(t, 'true')) return true;
  if (javaEqualsIgnoreCase(t, 'false')) return false;
  return 'invalid';
}

/** ConfigDef Type.LIST: trimmed, empty -> [], else split on commas with surrounding whitespace. */
export const configDefList: (s: string) => string[] = splitConfigDefList;

/**
 * What the author of a properties line most likely meant: the value before an inline
 * ` # comment` (or ` ! comment`), trimmed. Java has no inline comments; this is only used to
 * explain the difference.
 */
export function intendedValue(raw: string): string {
  const m = /^(.*?)[ \t\f]+[#!]/.exec(raw);
  return javaTrim(m ? m[1]! : raw);
}

/** True when the raw value holds something that looks like an inline comment. */
export function hasInlineComment(raw: string): boolean {
  return /[ \t\f][#!]/.test(raw) || /^[#!]/.test(raw);
}
