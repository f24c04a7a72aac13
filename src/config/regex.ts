// Topic filters are Java regexes that must match the whole topic name (Matcher.matches()).
// mirrorwatch evaluates them with JavaScript's engine; the common subset behaves the same, and
// Java-only syntax (possessive quantifiers, \Q...\E) is refused here rather than misread later.

/** null when the pattern compiles, else the engine's reason. */
export function regexError(pattern: string): string | null {
  const withoutEscapes = pattern.replace(/\\\\/g, '');
  if (/\\Q/.test(withoutEscapes)) {
    return 'uses Java-only \\Q...\\E quoting, which mirrorwatch cannot evaluate: escape the characters instead';
  }
  try {
    new RegExp(`^(?:${pattern})$`);
    return null;
  } catch (e) {
    if (/[*+?}]\+/.test(withoutEscapes.replace(/\\./g, ''))) {
      return 'uses a Java-only possessive quantifier (such as *+), which mirrorwatch cannot evaluate';
    }
    return e instanceof Error ? e.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '') : String(e);
  }
}

/** Whole-name matcher for a list of patterns, as MM2 joins them with `|`; null if one is bad. */
export function wholeNameMatcher(patterns: readonly string[]): ((topic: string) => boolean) | null {
  // An empty list matches nothing (MM2: "a blank config property should match nothing").
  if (patterns.length === 0) return () => false;
  if (patterns.some((p) => regexError(p) !== null)) return null;
  const re = new RegExp(`^(?:${patterns.map((p) => `(?:${p})`).join('|')})$`);
  return (topic) => re.test(topic);
}
