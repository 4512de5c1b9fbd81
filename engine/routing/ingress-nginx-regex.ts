/**
 * The regexes ingress-nginx writes into nginx.conf — `location ~* "^<path>"`, `rewrite "(?i)<path>"`,
 * canary-by-header-pattern, wildcard server names — run here with re2js, a linear-time engine that
 * also runs in the browser. nginx uses PCRE; RE2 lacks look-around and backreferences, so such a
 * pattern does not compile here (the adapter warns, and the location never matches).
 */
import { RE2JS } from 're2js';
import { explainRegexError } from './re2-constructs.ts';

const cache = new Map<string, RE2JS | null>();

/** PCRE's `(?<name>` is RE2's `(?P<name>` (re2js accepts both; older builds only the latter). */
function toRe2(pattern: string): string {
  return pattern.replace(/\(\?<(?=[A-Za-z_])/g, '(?P<');
}

export function compileNginxRegex(pattern: string): { ok: true; re: RE2JS } | { ok: false; error: string } {
  const hit = cache.get(pattern);
  if (hit) return { ok: true, re: hit };
  try {
    const re = RE2JS.compile(toRe2(pattern));
    cache.set(pattern, re);
    return { ok: true, re };
  } catch (e) {
    cache.set(pattern, null);
    return { ok: false, error: explainRegexError(pattern, e) };
  }
}

/** The pattern of a `~* "^<path>"` location. */
export function locationPattern(path: string): string {
  return `(?i)^${path}`;
}

/** The pattern of the `rewrite "(?i)<path>" <target> break;` buildProxyPass writes (not anchored). */
export function rewritePattern(path: string): string {
  return `(?i)${path}`;
}

export interface RegexMatch {
  /** $0 … $9 by number; named groups by name. */
  groups: Array<string | undefined>;
  named: Record<string, string | undefined>;
}

/** First match anywhere in `text` (PCRE search semantics), with its captures. */
export function searchRegex(re: RE2JS, text: string): RegexMatch | undefined {
  const m = re.matcher(text);
  if (!m.find()) return undefined;
  const groups: Array<string | undefined> = [];
  for (let i = 0; i <= m.groupCount(); i++) groups.push(m.group(i) ?? undefined);
  const named: Record<string, string | undefined> = {};
  for (const name of Object.keys(re.namedGroups())) named[name] = m.group(name) ?? undefined;
  return { groups, named };
}
