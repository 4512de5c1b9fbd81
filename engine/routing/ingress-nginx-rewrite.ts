/**
 * rewrite-target as buildProxyPass renders it: `rewrite "(?i)<location path>" <target> break;`. The
 * regex is not anchored and runs on `$uri`; on a match the whole URI becomes the target with `$1`…`$9`
 * (and named groups) filled in — not just the matched part, which is why `rewrite-target: /` with path
 * `/something` sends every request to `/`. The query string is kept. A target starting with http:// or
 * https:// makes nginx answer 302 instead.
 */
import { compileNginxRegex, rewritePattern, searchRegex, type RegexMatch } from './ingress-nginx-regex.ts';
import { escapeUri } from './ingress-nginx-uri.ts';

export type RewriteOutcome =
  | { kind: 'path'; path: string; why: string }
  | { kind: 'redirect'; location: string; why: string };

/** nginx script substitution: `$N` one digit, `$name` a named capture; anything else is empty here. */
export function substitute(target: string, m: RegexMatch): string {
  return target.replace(/\$(\d|[A-Za-z_][A-Za-z0-9_]*)/g, (_all, ref: string) => {
    if (/^\d$/.test(ref)) return m.groups[Number(ref)] ?? '';
    return m.named[ref] ?? '';
  });
}

export function applyRewrite(locationPath: string, target: string, uri: string, rawPath: string, query: string): RewriteOutcome {
  const compiled = compileNginxRegex(rewritePattern(locationPath));
  const original = query ? `${rawPath}?${query}` : rawPath;
  if (!compiled.ok) return { kind: 'path', path: original, why: `the rewrite regex "(?i)${locationPath}" does not compile in RE2 (${compiled.error}); the URI is left as it is` };
  const m = searchRegex(compiled.re, uri);
  if (!m) return { kind: 'path', path: original, why: `rewrite "(?i)${locationPath}" does not match ${uri}; the URI is left as it is` };
  const next = substitute(target, m);
  const args = query ? `?${query}` : '';
  if (/^https?:\/\//i.test(next)) {
    return { kind: 'redirect', location: `${next}${args}`, why: `rewrite "(?i)${locationPath}" ${target}: the result ${next} is a URL, so nginx answers 302` };
  }
  const path = `${escapeUri(next)}${args}`;
  return { kind: 'path', path, why: `rewrite "(?i)${locationPath}" ${target} break: ${uri} → ${next}${args}` };
}
