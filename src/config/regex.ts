// Topic and group filters are Java regexes that MM2 evaluates as one pattern per list (entries
// joined with "|"), matching the whole name. The evaluator lives in src/core/javaRegex.ts and is
// shared by loading, import and lint; this file words its verdicts for configuration messages.
import { commaSplitPatterns, compileJavaPatternList } from '../core/javaRegex.js';
import type { JavaRegexError, NameDomain } from '../core/javaRegex.js';

export interface FilterListProblem {
  /** Index of the entry the problem is in. */
  entry: number;
  kind: JavaRegexError['kind'];
  message: string;
}

/** One sentence for a refused pattern: what it is, why, and whether MM2 itself fails on it. */
export function describePatternError(error: JavaRegexError): string {
  const at = error.index === undefined ? '' : ` at index ${error.index}`;
  return error.kind === 'invalid'
    ? `invalid regular expression "${error.pattern}"${at}: ${error.message} (Java refuses it too, so MM2 fails on it)`
    : `regular expression "${error.pattern}"${at} cannot be evaluated exactly as Java does: ${error.message}`;
}

/**
 * Problems of a list of filter patterns, evaluated as MM2 does. `rawValue` is the one-line form
 * (properties value or YAML string) when there is one: patterns that its comma splitting cut are
 * explained as such.
 */
export function filterListProblem(patterns: readonly string[], domain: NameDomain, rawValue?: string): FilterListProblem | null {
  const r = compileJavaPatternList(patterns, domain);
  if (r.ok) return null;
  const cut = rawValue === undefined ? [] : commaSplitPatterns(rawValue);
  const why = cut.length > 0 ? ` (${commaSplitNote(cut)})` : '';
  return { entry: r.entry, kind: r.error.kind, message: `${describePatternError(r.error)}${why}` };
}

/** Explains how the list splitting cut regexes that hold commas. */
export function commaSplitNote(cut: readonly string[]): string {
  return `MM2 splits list values at every comma, so ${cut.map((c) => `"${c}" becomes ${c.split(/\s*,\s*/).map((p) => `"${p}"`).join(' and ')}`).join('; ')}: write the pattern without a comma, e.g. a{1}|a{2}|a{3} instead of a{1,3}`;
}

/** A YAML list entry that holds a comma cannot be written in MM2's comma-separated lists. */
export function yamlEntryCommaProblem(entry: string): string | null {
  if (!entry.includes(',')) return null;
  return `"${entry}" contains a comma: MM2 splits its list settings at every comma (${entry.split(/\s*,\s*/).map((p) => `"${p}"`).join(', ')}), so it cannot hold this pattern; write it without a comma (e.g. a{1}|a{2}|a{3} instead of a{1,3})`;
}

/** Whole-name matcher for a topic list as MM2 evaluates it; null when it cannot be evaluated. */
export function wholeNameMatcher(patterns: readonly string[]): ((topic: string) => boolean) | null {
  const r = compileJavaPatternList(patterns, 'topic');
  return r.ok ? r.matches : null;
}
