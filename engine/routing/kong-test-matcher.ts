/**
 * One matcher against one request: which of its conditions hold, and what part of the path matched.
 * Every failed condition is reported (not just the first) so that a 404 can say what almost matched.
 */
import type { HeaderMap } from '../pipeline/headers.ts';
import type { HostPattern, KongMatcher } from './kong-matchers.ts';
import { matchAtStart, testAnywhere } from './kong-regex.ts';

export interface RequestFacts {
  method: string;
  /** Host header without its port, lower-cased. */
  host: string;
  /** The listener port the request arrived on (Kong's net.dst.port). */
  port: number;
  /** The normalised path, without the query. */
  path: string;
  headers: HeaderMap;
}

export type Condition = 'method' | 'host' | 'headers' | 'path';

export type MatcherResult =
  | { ok: true; matchedPath: string | undefined; matchedBy: string | undefined }
  | { ok: false; failed: Array<{ condition: Condition; why: string }> };

export function testMatcher(m: KongMatcher, req: RequestFacts): MatcherResult {
  const failed: Array<{ condition: Condition; why: string }> = [];
  if (m.methods.length > 0 && !m.methods.includes(req.method)) {
    failed.push({ condition: 'method', why: `method ${req.method} is not ${m.methods.join(' or ')}` });
  }
  if (m.hosts.length > 0 && !m.hosts.some((h) => hostMatches(h, req.host, req.port))) {
    failed.push({ condition: 'host', why: `host ${req.host}:${req.port} is not ${m.hosts.map((h) => h.source).join(' or ')}` });
  }
  for (const h of m.headers) {
    const values = req.headers.getAll(h.name).map((v) => v.toLowerCase());
    const ok = values.some((v) => h.values.some((want) => (want.kind === 'equals' ? v === want.value : testAnywhere(want.re, v))));
    if (!ok) {
      const wanted = h.values.map((w) => (w.kind === 'equals' ? w.value : w.source)).join(' or ');
      failed.push({ condition: 'headers', why: values.length === 0 ? `header ${h.name} is missing (wants ${wanted})` : `header ${h.name} is not ${wanted}` });
    }
  }
  let matchedPath: string | undefined;
  let matchedBy: string | undefined;
  if (m.prefixes.length > 0 || m.regexes.length > 0) {
    // Kong's expression ORs regex paths before prefix paths; within a split group only one kind exists.
    for (const r of m.regexes) {
      const hit = matchAtStart(r.re, req.path);
      if (hit !== undefined) {
        matchedPath = hit;
        matchedBy = `regex path ${r.source}`;
        break;
      }
    }
    if (matchedPath === undefined) {
      const p = m.prefixes.find((x) => (x.exact ? req.path === x.value : req.path.startsWith(x.value)));
      if (p) {
        matchedPath = p.value;
        matchedBy = `${p.exact ? 'exact path' : 'path prefix'} ${p.value}`;
      }
    }
    if (matchedPath === undefined) {
      const all = [...m.regexes.map((r) => r.source), ...m.prefixes.map((p) => p.value)];
      failed.push({ condition: 'path', why: `path ${req.path} does not start with ${all.join(' or ')}` });
    }
  }
  return failed.length > 0 ? { ok: false, failed } : { ok: true, matchedPath, matchedBy };
}

function hostMatches(p: HostPattern, host: string, port: number): boolean {
  if (p.port !== undefined && p.port !== port) return false;
  switch (p.kind) {
    case 'exact':
      return host === p.value;
    case 'suffix':
      return host.endsWith(p.value);
    case 'prefix':
      return host.startsWith(p.value);
  }
}
