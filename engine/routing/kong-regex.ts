/**
 * Kong regex paths and `~*` header values, compiled with re2js: a linear-time engine that runs in the
 * browser too. Kong's traditional_compatible router hands these patterns to its Rust router (the
 * `regex` crate, also linear-time), so RE2 syntax is the right match; PCRE-only features such as
 * look-around or backreferences are rejected there as here.
 */
import { RE2JS } from 're2js';
import { explainRegexError } from './re2-constructs.ts';

/** What the Kong router does to a path regex: drop the `~`, anchor at the start, rename `(?<n>` groups. */
export function kongPathPattern(path: string): string {
  return `^${path.slice(1).replace(/\(\?<(?=[A-Za-z_])/g, '(?P<')}`;
}

export function compileKongRegex(pattern: string): { ok: true; re: RE2JS } | { ok: false; error: string } {
  try {
    return { ok: true, re: RE2JS.compile(pattern) };
  } catch (e) {
    return { ok: false, error: explainRegexError(pattern, e) };
  }
}

/** The text a regex path matched at the start of `path` (Kong strips exactly this), or undefined. */
export function matchAtStart(re: RE2JS, path: string): string | undefined {
  const m = re.matcher(path);
  return m.lookingAt() ? (m.group(0) ?? '') : undefined;
}

/** Header values: `~*` makes a case-insensitive regex that may match anywhere in the value. */
export function testAnywhere(re: RE2JS, value: string): boolean {
  return re.matcher(value).find();
}
