/**
 * Does one HTTPRouteMatch accept a request (semantics §7)? Every condition of a match must hold (AND);
 * the router ORs the matches of a rule. Header names compare case-insensitively and a repeated header is
 * read as its values joined with `,` (how Envoy presents it to a matcher); query parameter names compare
 * exactly and a repeated parameter is read by its first value (the spec's recommendation). Regular
 * expressions are RE2 (re2js, linear time) and must match the whole value, as Envoy's `safe_regex` does.
 */
import { RE2JS } from 're2js';
import { explainRegexError } from './re2-constructs.ts';
import type { HeaderMap } from '../pipeline/headers.ts';
import { parseQuery, pathPrefixMatches } from './gateway-api-path.ts';
import type { GwMatch, GwValueMatch } from './gateway-api-table.ts';

export interface GwRequest {
  method: string;
  path: string;
  query: string;
  headers: HeaderMap;
}

/** Compiled regexes by pattern; a pattern that does not compile never matches (the adapter reported it). */
export class RegexCache {
  private readonly cache = new Map<string, RE2JS | null>();

  fullMatch(pattern: string, value: string): boolean {
    let re = this.cache.get(pattern);
    if (re === undefined) {
      re = compileRe2(pattern);
      this.cache.set(pattern, re);
    }
    return re !== null && re.matcher(value).matches();
  }
}

export function compileRe2(pattern: string): RE2JS | null {
  try {
    return RE2JS.compile(pattern);
  } catch {
    return null;
  }
}

/** The compile error of a pattern, or undefined when RE2 accepts it. */
export function re2Problem(pattern: string): string | undefined {
  try {
    RE2JS.compile(pattern);
    return undefined;
  } catch (e) {
    return explainRegexError(pattern, e);
  }
}

export function matchAccepts(m: GwMatch, req: GwRequest, regex: RegexCache, query = parseQuery(req.query)): boolean {
  if (m.method !== null && m.method !== req.method.toUpperCase()) return false;
  if (!pathAccepts(m.path, req.path, regex)) return false;
  for (const h of m.headers) {
    const values = req.headers.getAll(h.name);
    if (values.length === 0 || !valueAccepts(h, values.join(','), regex)) return false;
  }
  for (const q of m.queryParams) {
    const hit = query.find(([name]) => name === q.name);
    if (!hit || !valueAccepts(q, hit[1], regex)) return false;
  }
  return true;
}

function pathAccepts(p: GwMatch['path'], path: string, regex: RegexCache): boolean {
  switch (p.type) {
    case 'Exact':
      return path === p.value;
    case 'PathPrefix':
      return pathPrefixMatches(p.value, path);
    case 'RegularExpression':
      return regex.fullMatch(p.value, path);
  }
}

function valueAccepts(m: GwValueMatch, value: string, regex: RegexCache): boolean {
  return m.type === 'Exact' ? value === m.value : regex.fullMatch(m.value, value);
}

/** A short text of a match for reasons: `PathPrefix /v1 + header version=two + GET`. */
export function describeMatch(m: GwMatch): string {
  const parts = [`${m.path.type} ${m.path.value}`];
  for (const h of m.headers) parts.push(`header ${h.name}${h.type === 'Exact' ? '=' : '~'}${h.value}`);
  for (const q of m.queryParams) parts.push(`query ${q.name}${q.type === 'Exact' ? '=' : '~'}${q.value}`);
  if (m.method) parts.push(m.method);
  return parts.join(' + ');
}
