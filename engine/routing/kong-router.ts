/**
 * Kong's router, flavour traditional_compatible (Kong 3.x's default; semantics §6). The request path is
 * normalised, each route's matchers are tried from the highest priority down, and the first that
 * matches wins. Ties on every priority rule go to the matcher with the higher id, because that is the
 * order Kong's ATC router keeps them in; with the ids Kong derives from route names this is the order a
 * real Kong would use, and it is not the order of the file (there is no created_at tie-break either).
 */
import type { GatewayIR } from '../config/ir.ts';
import type { HeaderMap } from '../pipeline/headers.ts';
import type { RouteMatch } from '../pipeline/types.ts';
import { type KongMatcher, buildMatchers } from './kong-matchers.ts';
import { kongUpstreamPath } from './kong-path.ts';
import { type Hit, missReason, winReason } from './kong-reasons.ts';
import { type RequestFacts, testMatcher } from './kong-test-matcher.ts';
import { normalizeKongPath } from './kong-uri.ts';
import { type NginxPage, nginxRedirectPage } from './nginx-redirect-page.ts';

export interface KongMatchRequest {
  method: string;
  scheme: 'http' | 'https';
  /** The Host header, with its port when the client sent one. */
  host: string;
  /** The listener port the request arrived on. */
  port: number;
  /** The path as received; a `?query` on it is split off. */
  path: string;
  headers: HeaderMap;
  /** The raw query, when the caller keeps it apart from the path. */
  query?: string;
  /**
   * X-Forwarded-Proto / X-Forwarded-Host as Kong reads them: only from a trusted peer (kong.conf
   * trusted_ips). They decide whether an https-only route was reached over TLS, and where to redirect.
   */
  forwardedProto?: string;
  forwardedHost?: string;
}

export interface KongRouteMatch extends RouteMatch {
  /** The path Kong routed on, after normalisation. */
  normalizedPath: string;
  /** Path and query as Kong sends them upstream (strip_path, the service path, v0 rules). */
  upstreamPath: string;
  /** Routes that matched the request before priorities picked one. */
  candidates: number;
}

/** The router's own answer: 404 when nothing matched, 426 or a redirect for an https-only route on http. */
export interface KongRouterReply {
  status: number;
  /**
   * Set when Kong answers with `kong.response.error(status, message)` (the 404 and the 426, from
   * kong/runloop/handler.lua): the body's format then follows the request's Accept and carries its
   * request id, which the pipeline's Kong dialect knows and the router does not.
   */
  message?: string;
  /**
   * With `message`: a body for callers without a request, compact JSON with the message. Without it
   * (a redirect): the bytes Kong sends, nginx's page, with its Content-Type and Content-Length.
   */
  body: string;
  reason: string;
  headers: Array<[string, string]>;
}

export interface KongRouter {
  match(req: KongMatchRequest): KongRouteMatch | KongRouterReply;
  /** The matchers in the order they are tried, for `explain` and diagrams. */
  readonly matchers: readonly KongMatcher[];
}

const NOT_FOUND_BODY = JSON.stringify({ message: 'no Route matched with those values' });

/** The `message` of a JSON error body; the body itself when it is not one. */
function messageOf(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed !== null && typeof parsed === 'object' && typeof (parsed as { message?: unknown }).message === 'string') return (parsed as { message: string }).message;
  } catch {
    // not JSON: the text is the message
  }
  return body;
}

/** The hit list before any matcher hit: shared, never written (the first hit replaces it). */
const NO_HITS = Object.freeze([]) as unknown as Hit[];

export function createKongRouter(ir: GatewayIR): KongRouter {
  const matchers = buildMatchers(ir);
  // The native IR form routes with Kong's rules too; other dialects never build a Kong router.
  const notFound = ir.router.kind === 'kong' ? ir.router.notFound : { status: 404, body: NOT_FOUND_BODY };
  // The IR holds the answer as compact JSON; its message is read once here, not per miss.
  const notFoundMessage = messageOf(notFound.body);

  // A route won alone says the same every time it wins by the same path rule: one sentence per
  // (matcher, rule), built on its first win (matchers and their rules never change after loading).
  const soleReasons = new Map<KongMatcher, Map<string | undefined, string>>();
  const soleWinReason = (win: Hit): string => {
    let byRule = soleReasons.get(win.matcher);
    if (byRule === undefined) soleReasons.set(win.matcher, (byRule = new Map()));
    let reason = byRule.get(win.matchedBy);
    if (reason === undefined) byRule.set(win.matchedBy, (reason = winReason([win])));
    return reason;
  };

  // Without header conditions a match depends only on the fields `sameInputs` compares, so requests in
  // a row to one URL (a load test, a scenario's client) get the last match back: no facts, hits,
  // upstream path and match object per request. Frozen: nothing changes a match once made.
  const readsHeaders = matchers.some((m) => m.headers.length > 0);
  let last: { req: MatchInputs; match: KongRouteMatch } | undefined;

  const match = (req: KongMatchRequest): KongRouteMatch | KongRouterReply => {
    if (last !== undefined && sameInputs(last.req, req)) return last.match;
    const outcome = matchAfresh(req);
    if (!readsHeaders && 'route' in outcome) {
      const { method, scheme, host, port, path, query, forwardedProto, forwardedHost } = req;
      last = { req: { method, scheme, host, port, path, query, forwardedProto, forwardedHost }, match: Object.freeze(outcome) };
    }
    return outcome;
  };

  const matchAfresh = (req: KongMatchRequest): KongRouteMatch | KongRouterReply => {
    const q = req.path.indexOf('?');
    const rawPath = q >= 0 ? req.path.slice(0, q) : req.path;
    const query = req.query ?? (q >= 0 ? req.path.slice(q + 1) : '');
    const facts: RequestFacts = {
      method: req.method,
      host: hostWithoutPort(req.host),
      port: req.port,
      path: normalizeKongPath(rawPath) || '/',
      headers: req.headers,
    };
    // A one-element list for the first hit, grown only by a second: push on an empty array reserved
    // seventeen slots (≈ 150 bytes) per request, and most requests match one route.
    let hits: Hit[] = NO_HITS;
    for (const matcher of matchers) {
      const result = testMatcher(matcher, facts);
      if (!result.ok) continue;
      const hit: Hit = { matcher, matchedPath: result.matchedPath, matchedBy: result.matchedBy };
      if (hits === NO_HITS) hits = [hit];
      else hits.push(hit);
    }
    const win = hits[0];
    if (!win) {
      // Only a miss needs every matcher's failures: tested again here (pure) rather than kept per request.
      const tried = matchers.map((matcher) => ({ matcher, result: testMatcher(matcher, facts) }));
      return {
        status: notFound.status,
        message: notFoundMessage,
        body: notFound.body,
        reason: missReason(facts, req.method, tried),
        headers: [['Content-Type', 'application/json; charset=utf-8']],
      };
    }
    const route = win.matcher.route;
    const reason = hits.length === 1 ? soleWinReason(win) : winReason(hits);
    const https = httpsOnlyReply(route, req, rawPath, query, reason);
    if (https) return https;
    const service = win.matcher.service;
    const match: KongRouteMatch = {
      route,
      service,
      reason,
      normalizedPath: facts.path,
      upstreamPath: kongUpstreamPath({
        stripPath: route.stripPath,
        // traditional_compatible always applies v0, whatever the route says (semantics §6).
        pathHandling: 'v0',
        servicePath: service?.path,
        matchedPrefix: win.matchedPath,
        requestPath: facts.path,
        query,
      }),
      candidates: hits.length === 1 ? 1 : new Set(hits.map((h) => h.matcher.route.id)).size,
    };
    if (win.matchedPath !== undefined) match.matchedPrefix = win.matchedPath;
    return match;
  };

  return { matchers, match };
}

/** What a header-free match reads of a request (the last request's, kept without its headers). */
type MatchInputs = Omit<KongMatchRequest, 'headers'>;

/** Whether two requests agree on everything a header-free match reads. */
function sameInputs(a: MatchInputs, b: KongMatchRequest): boolean {
  return (
    a.path === b.path &&
    a.host === b.host &&
    a.method === b.method &&
    a.port === b.port &&
    a.query === b.query &&
    a.scheme === b.scheme &&
    a.forwardedProto === b.forwardedProto &&
    a.forwardedHost === b.forwardedHost
  );
}

/**
 * Kong's runloop after a match: a route that accepts https but not http, reached without TLS, answers
 * 426 Upgrade Required, or redirects with https_redirect_status_code. A route that accepts http only is
 * still served over https; Kong has no check in that direction.
 */
function httpsOnlyReply(
  route: KongRouteMatch['route'],
  req: KongMatchRequest,
  rawPath: string,
  query: string,
  matched: string,
): KongRouterReply | undefined {
  if (!route.protocols.includes('https') || route.protocols.includes('http')) return undefined;
  const proto = req.forwardedProto ?? req.scheme;
  if (proto === 'https') return undefined;
  const code = route.httpsRedirectStatusCode;
  const why = `${matched}; the route accepts https only and the request came over ${proto}`;
  if (code === 426) {
    return {
      status: 426,
      message: 'Please use HTTPS protocol',
      body: '{"message":"Please use HTTPS protocol"}',
      reason: `${why}: 426 Upgrade Required`,
      headers: [
        ['Content-Type', 'application/json; charset=utf-8'],
        ['Connection', 'Upgrade'],
        ['Upgrade', 'TLS/1.2, HTTP/1.1'],
      ],
    };
  }
  // handler.lua: "https://" .. forwarded_host .. request_uri, where forwarded_host is nginx's $host
  // (the Host header without its port, lower-cased; the server_name "kong" when there is none) unless a
  // trusted peer sent X-Forwarded-Host.
  const location = `https://${req.forwardedHost ?? (hostWithoutPort(req.host) || 'kong')}${rawPath}${query ? `?${query}` : ''}`;
  // kong.response.exit(code) without a body: nginx writes its own page (nginx-redirect-page.ts).
  const page = nginxRedirectPage(code) as NginxPage;
  return {
    status: code,
    body: page.body,
    reason: `${why}: redirect ${code} to ${location}`,
    headers: [
      ['Content-Type', page.contentType],
      ['Content-Length', String(page.body.length)],
      ['Location', location],
    ],
  };
}

/** The Host header's name part, lower-cased: `[::1]:8000` → `[::1]`, `api.example.com:8000` → `api.example.com`. */
function hostWithoutPort(host: string): string {
  // Clients repeat their Host header: the last answer is reused (a trim, a lower-case and a regex less).
  if (host === lastHost.host) return lastHost.name;
  const name = hostNameOf(host);
  lastHost = { host, name };
  return name;
}

let lastHost = { host: '', name: hostNameOf('') };

function hostNameOf(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end >= 0 ? h.slice(0, end + 1) : h;
  }
  const colon = h.lastIndexOf(':');
  return colon >= 0 && /^\d*$/.test(h.slice(colon + 1)) ? h.slice(0, colon) : h;
}
