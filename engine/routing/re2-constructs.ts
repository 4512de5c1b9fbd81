/**
 * Names the PCRE-only construct in a pattern that RE2 refused, so an error can say "a look-ahead
 * `(?=`" instead of only quoting re2js. RE2 (and so re2js, Go's regexp, Rust's regex crate and Envoy's
 * safe_regex) runs in time linear in the input because it leaves out every feature that needs
 * backtracking: look-around, backreferences, atomic groups, possessive quantifiers, recursion and
 * conditionals. Those are exactly the constructs listed here.
 */

interface Construct {
  /** Does the construct start at `i` (outside a character class, not escaped)? */
  at: (p: string, i: number) => string | undefined;
  name: string;
}

const GROUP_OPENERS: ReadonlyArray<{ prefix: string; name: string }> = [
  { prefix: '(?<=', name: 'look-behind' },
  { prefix: '(?<!', name: 'negative look-behind' },
  { prefix: '(?=', name: 'look-ahead' },
  { prefix: '(?!', name: 'negative look-ahead' },
  { prefix: '(?>', name: 'atomic group' },
  { prefix: '(?|', name: 'branch-reset group' },
  { prefix: '(?(', name: 'conditional group' },
  { prefix: '(?P=', name: 'named backreference' },
  { prefix: '(?P>', name: 'recursion' },
  { prefix: '(?&', name: 'recursion' },
  { prefix: '(?R)', name: 'recursion' },
];

const CONSTRUCTS: readonly Construct[] = [
  ...GROUP_OPENERS.map(({ prefix, name }) => ({ name, at: (p: string, i: number) => (p.startsWith(prefix, i) ? prefix : undefined) })),
  { name: 'recursion', at: (p, i) => /^\(\?[+-]?\d+\)/.exec(p.slice(i, i + 8))?.[0] },
  { name: 'backreference', at: (p, i) => /^\\[1-9]/.exec(p.slice(i, i + 2))?.[0] },
  { name: 'backreference', at: (p, i) => /^\\[kg](?:<[^>]*>|\{[^}]*\}|'[^']*'|-?\d+)/.exec(p.slice(i, i + 40))?.[0] },
  { name: 'match-reset', at: (p, i) => (p.startsWith('\\K', i) ? '\\K' : undefined) },
  { name: 'possessive quantifier', at: (p, i) => /^(?:[*+?]|\})\+/.exec(p.slice(i, i + 2))?.[0] },
];

/** The first RE2-unsupported construct in `pattern`, e.g. "look-ahead `(?=`", or undefined. */
export function unsupportedConstruct(pattern: string): string | undefined {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (inClass) {
      if (c === '\\') i++;
      else if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      // `[]…]` and `[^]…]`: a `]` right after the opening is a literal, not the end.
      if (pattern[i + 1] === '^') i++;
      if (pattern[i + 1] === ']') i++;
      continue;
    }
    for (const k of CONSTRUCTS) {
      const hit = k.at(pattern, i);
      if (hit) return `${k.name} \`${hit}\``;
    }
    if (c === '\\') i++;
  }
  return undefined;
}

/**
 * A compile error in words: the construct when one is recognised (re2js's own wording only quotes
 * the characters), else what re2js said.
 */
export function explainRegexError(pattern: string, error: unknown): string {
  const construct = unsupportedConstruct(pattern);
  if (construct) return `it uses a ${construct}, which linear-time RE2 does not support`;
  return error instanceof Error ? error.message : String(error);
}
