/**
 * Chooses the HTTPRoute rule for a request (semantics §7 and the HTTPRouteRule precedence text in
 * `apis/v1/httproute_types.go`):
 *
 * 1. Listeners: those on the request's port whose protocol is the request's scheme. Within each Gateway
 *    only the most specific listener whose hostname matches the Host takes the request (listener
 *    isolation: exact hostname, then the longest wildcard, then a listener without hostname).
 * 2. Candidates: every match of every rule of every route attached to a chosen listener whose
 *    intersected hostnames accept the Host.
 * 3. Precedence among matching candidates: hostname (characters in a matching exact hostname, then in a
 *    matching wildcard), Exact path, then RegularExpression (Envoy Gateway's place for it; the spec
 *    leaves it to the implementation), then PathPrefix, each by characters; a method match; most
 *    header matches; most query matches; the oldest route; `{namespace}/{name}` alphabetically; the
 *    first rule, then the first match, in list order.
 */
import type { HeaderMap } from '../pipeline/headers.ts';
import { compareHostScores, requestHostname, scoreHostnames, type HostScore } from './gateway-api-hostname.ts';
import { describeMatch, matchAccepts, RegexCache } from './gateway-api-match.ts';
import { parseQuery } from './gateway-api-path.ts';
import type { GwListener, GwMatch, GwRoute, GwRule, GwTable } from './gateway-api-table.ts';

export interface GwRouteRequest {
  method: string;
  scheme: 'http' | 'https';
  /** The Host header (authority). */
  host: string;
  port: number;
  path: string;
  query: string;
  headers: HeaderMap;
}

export interface GwRouted {
  ok: true;
  route: GwRoute;
  rule: GwRule;
  match: GwMatch;
  matchIndex: number;
  listener: GwListener;
  reason: string;
}

export interface GwUnrouted {
  ok: false;
  reason: string;
}

interface Candidate {
  route: GwRoute;
  rule: GwRule;
  match: GwMatch;
  matchIndex: number;
  host: HostScore;
  listener: GwListener;
}

export class GatewayApiRouter {
  private readonly regex = new RegexCache();

  constructor(private readonly table: GwTable) {}

  route(req: GwRouteRequest): GwRouted | GwUnrouted {
    const host = requestHostname(req.host);
    const picked = this.listenersFor(req, host);
    if ('reason' in picked) return { ok: false, reason: `${picked.reason}${this.unattachedFor(host)}` };
    const query = parseQuery(req.query);
    const candidates: Candidate[] = [];
    for (const route of this.table.routes) {
      let best: { host: HostScore; listener: GwListener } | undefined;
      for (const a of route.attachments) {
        if (!picked.chosen.has(a.listener)) continue;
        const score = scoreHostnames(a.hostnames, host);
        if (score && (!best || compareHostScores(score, best.host) < 0)) {
          best = { host: score, listener: this.table.listeners[a.listener] as GwListener };
        }
      }
      if (!best) continue;
      for (const rule of route.rules) {
        rule.matches.forEach((match, matchIndex) => {
          if (matchAccepts(match, req, this.regex, query)) candidates.push({ route, rule, match, matchIndex, host: best.host, listener: best.listener });
        });
      }
    }
    const where = picked.describe;
    if (candidates.length === 0) {
      return { ok: false, reason: `no HTTPRoute rule matches ${req.method} ${req.path}${req.query ? `?${req.query}` : ''} on ${where}${this.unattachedFor(host)}` };
    }
    candidates.sort(compareCandidates);
    const [win, runnerUp] = candidates as [Candidate, Candidate | undefined];
    const why = runnerUp ? `; it wins over ${ruleName(runnerUp)} by ${tieBreak(win, runnerUp)}` : '';
    return {
      ok: true,
      route: win.route,
      rule: win.rule,
      match: win.match,
      matchIndex: win.matchIndex,
      listener: win.listener,
      reason: `${where}: rule ${win.route.key}#${win.rule.index} matches (${win.rule.matches.length > 1 ? `match ${win.matchIndex}: ` : ''}${describeMatch(win.match)}${win.host.pattern ? `, host ${win.host.pattern}` : ''})${why}`,
    };
  }

  /** Routes for this host that no listener accepted: the usual answer to "why 404?". */
  private unattachedFor(host: string): string {
    const hits = (this.table.unattached ?? []).filter((u) => u.hostnames.length === 0 || scoreHostnames(u.hostnames, host));
    return hits.map((u) => `; HTTPRoute ${u.key} is not attached: ${u.why}`).join('');
  }

  /** The listener each Gateway gives this request (listener isolation), or why there is none. */
  private listenersFor(req: GwRouteRequest, host: string): { chosen: Set<number>; describe: string } | { reason: string } {
    const onPort = this.table.listeners.map((l, i) => ({ l, i })).filter(({ l }) => l.port === req.port);
    if (onPort.length === 0) {
      const ports = [...new Set(this.table.listeners.map((l) => `${l.port} (${l.protocol.toUpperCase()})`))];
      return { reason: `no Gateway listener on port ${req.port}${ports.length ? `; listeners are on ${ports.join(', ')}` : ''}` };
    }
    const sameScheme = onPort.filter(({ l }) => l.protocol === req.scheme);
    if (sameScheme.length === 0) {
      return { reason: `port ${req.port} has only ${onPort[0]?.l.protocol.toUpperCase()} listeners; the request came in as ${req.scheme}` };
    }
    const byGateway = new Map<string, Array<{ l: GwListener; i: number; score: HostScore }>>();
    for (const { l, i } of sameScheme) {
      const score = scoreHostnames(l.hostname === null ? null : [l.hostname], host);
      if (!score) continue;
      const list = byGateway.get(l.gateway) ?? [];
      list.push({ l, i, score });
      byGateway.set(l.gateway, list);
    }
    const chosen = new Set<number>();
    const names: string[] = [];
    for (const list of byGateway.values()) {
      list.sort((a, b) => compareHostScores(a.score, b.score));
      const top = list[0] as (typeof list)[0];
      for (const e of list) {
        if (compareHostScores(e.score, top.score) !== 0) break;
        chosen.add(e.i);
        names.push(`${e.l.gateway}/${e.l.name}`);
      }
    }
    if (chosen.size === 0) {
      return { reason: `no listener on port ${req.port} accepts host ${host} (listener hostnames: ${sameScheme.map(({ l }) => l.hostname ?? '(any)').join(', ')})` };
    }
    return { chosen, describe: `listener ${names.join(', ')} (port ${req.port}, ${req.scheme.toUpperCase()})` };
  }
}

function ruleName(c: Candidate): string {
  return `${c.route.key}#${c.rule.index}${c.rule.matches.length > 1 ? ` (match ${c.matchIndex})` : ''}`;
}

const PATH_RANK = { Exact: 0, RegularExpression: 1, PathPrefix: 2 } as const;

/** The criteria in order; each returns negative when `a` takes precedence. */
const CRITERIA: Array<[string, (a: Candidate, b: Candidate) => number]> = [
  ['a more specific hostname', (a, b) => compareHostScores(a.host, b.host)],
  ['path match type (Exact before RegularExpression before PathPrefix)', (a, b) => PATH_RANK[a.match.path.type] - PATH_RANK[b.match.path.type]],
  ['the longer path', (a, b) => b.match.path.value.length - a.match.path.value.length],
  ['a method match', (a, b) => Number(b.match.method !== null) - Number(a.match.method !== null)],
  ['more header matches', (a, b) => b.match.headers.length - a.match.headers.length],
  ['more query param matches', (a, b) => b.match.queryParams.length - a.match.queryParams.length],
  ['the older creationTimestamp', (a, b) => (a.route.createdMs ?? Infinity) - (b.route.createdMs ?? Infinity) || 0],
  ['{namespace}/{name} in alphabetical order', (a, b) => (a.route.key < b.route.key ? -1 : a.route.key > b.route.key ? 1 : 0)],
  ['rule order', (a, b) => a.rule.index - b.rule.index],
  ['match order', (a, b) => a.matchIndex - b.matchIndex],
];

function compareCandidates(a: Candidate, b: Candidate): number {
  for (const [, cmp] of CRITERIA) {
    const d = cmp(a, b);
    if (d !== 0 && !Number.isNaN(d)) return d;
  }
  return 0;
}

function tieBreak(a: Candidate, b: Candidate): string {
  for (const [name, cmp] of CRITERIA) {
    const d = cmp(a, b);
    if (d !== 0 && !Number.isNaN(d)) return name;
  }
  return 'list order';
}
