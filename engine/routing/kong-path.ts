/**
 * What Kong sends upstream once a route matched: the path (strip_path and the service path, semantics
 * §6) and the Host header (preserve_host). Pure functions, so each rule of the §6 table is a test.
 */
import { escapeUpstreamPath, normalizeKongPath } from './kong-uri.ts';

export interface UpstreamPathInput {
  stripPath: boolean;
  /**
   * v0 is what Kong 3.x's default router (traditional_compatible) always applies; v1 is kept for the
   * `traditional` router and for showing what the deprecated setting used to do.
   */
  pathHandling: 'v0' | 'v1';
  /** The service's path; undefined or '' when it has none (Kong then uses "/"). */
  servicePath: string | undefined;
  /**
   * The part of the path the route matched (a prefix, or the text a regex matched); undefined or ''
   * when the route has no paths (Kong's paths start with "/" or "~/", so a real match is never empty).
   */
  matchedPrefix: string | undefined;
  /** The request path without the query. Normalised here as Kong does before routing. */
  requestPath: string;
  /** Raw query without `?`; appended unchanged. */
  query?: string;
}

/**
 * The upstream path (with `?query` when given). `base` is the service path or "/", `post` is what
 * follows the matched prefix (junk like a leading "./" removed); then, for v0:
 *
 * | strip | base ends "/" | result |
 * |---|---|---|
 * | yes | yes | post "": base if the request ends "/", else base without its "/" ("/" stays "/"); post "/…": base[:-1] + post; else base + post |
 * | yes | no  | post "": base + "/" if the request (longer than "/") ends "/", else base; post "/…": base + post; else base + "/" + post |
 * | no  | yes | base + request[1:] |
 * | no  | no  | request "/": base; else base + request |
 *
 * v1 (traditional router only): strip → base + post, collapsing one "//"; no strip → base + request[1:].
 * Characters Kong does not send raw (a space decoded from %20) are percent-encoded again.
 */
export function kongUpstreamPath(input: UpstreamPathInput): string {
  const req = normalizeKongPath(input.requestPath) || '/';
  const base = input.servicePath ? input.servicePath : '/';
  const prefix = input.matchedPrefix && req.startsWith(input.matchedPrefix) ? input.matchedPrefix : undefined;
  const stripped = input.stripPath && prefix !== undefined;
  const rawPost = stripped ? req.slice(prefix.length) : req.slice(1);
  const path = input.pathHandling === 'v1' ? upstreamV1(input.stripPath, base, rawPost, req) : upstreamV0(input.stripPath, base, sanitizePostfix(rawPost), req);
  const escaped = escapeUpstreamPath(path);
  return input.query ? `${escaped}?${input.query}` : escaped;
}

function upstreamV0(strip: boolean, base: string, post: string, req: string): string {
  if (base.endsWith('/')) {
    if (!strip) return base + req.slice(1);
    if (post === '') {
      if (base === '/') return '/';
      return req.endsWith('/') ? base : base.slice(0, -1);
    }
    return post.startsWith('/') ? base.slice(0, -1) + post : base + post;
  }
  if (!strip) return req === '/' ? base : base + req;
  if (post === '') return req.length > 1 && req.endsWith('/') ? `${base}/` : base;
  return post.startsWith('/') ? base + post : `${base}/${post}`;
}

function upstreamV1(strip: boolean, base: string, post: string, req: string): string {
  if (!strip) return base + req.slice(1);
  return base.endsWith('/') && post.startsWith('/') ? base.slice(0, -1) + post : base + post;
}

/** Kong's sanitize_uri_postfix: a leftover "." / ".." / "./" / "../" at the start is dropped. */
function sanitizePostfix(post: string): string {
  if (post === '.' || post === '..') return '';
  if (post.startsWith('./')) return post.slice(2);
  if (post.startsWith('../')) return post.slice(3);
  return post;
}

export interface UpstreamHostInput {
  preserveHost: boolean;
  /** The Host header the client sent. */
  clientHost: string;
  targetHost: string;
  targetPort: number;
  protocol: 'http' | 'https';
}

/** preserve_host → the client's Host; else the target's name, with `:port` unless it is the scheme's default. */
export function kongUpstreamHost(input: UpstreamHostInput): string {
  if (input.preserveHost) return input.clientHost;
  const defaultPort = input.protocol === 'https' ? 443 : 80;
  if (input.targetPort === defaultPort) return bracketed(input.targetHost);
  // `host:port` is the same text for every request to a target: one string per (host, port), so the
  // upstream request, its Host header and the trace's upstream.send share it instead of a fresh one each.
  let byPort = hostPorts.get(input.targetHost);
  if (byPort === undefined) {
    if (hostPorts.size >= HOST_PORTS_LIMIT) hostPorts.clear();
    hostPorts.set(input.targetHost, (byPort = new Map()));
  }
  let text = byPort.get(input.targetPort);
  if (text === undefined) byPort.set(input.targetPort, (text = `${bracketed(input.targetHost)}:${input.targetPort}`));
  return text;
}

function bracketed(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * `host:port` texts built, by target host and port. Targets come from the loaded config (and the few a
 * service-discovery scenario adds), so this stays small; past the bound it is emptied, which only
 * costs building the text again.
 */
const hostPorts = new Map<string, Map<number, string>>();
const HOST_PORTS_LIMIT = 256;
