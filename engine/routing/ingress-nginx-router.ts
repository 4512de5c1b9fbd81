/**
 * One request through ingress-nginx's rewrite phase, in nginx's order: server (and from-to-www
 * redirect servers), the server-level app-root redirect, location selection (with nginx's trailing-slash
 * auto-redirect), then inside the location the rewrite module (`return 503` for a denied location,
 * the CORS block, permanent/temporal-redirect, rewrite-target) before Lua (ssl-redirect, then balancer.rewrite: the
 * default backend's 404, 503 without endpoints, the canary choice). The access phase (allow/deny source
 * ranges) comes after limit_req, so it is left to the dialect. Pure: no host, no clock.
 */
import { DEFAULT_UPSTREAM, type IngressNginxTable, type LocationEntry, type ServerEntry, type UpstreamEntry } from '../config/ingress-nginx/table.ts';
import type { TrafficShiftIR } from '../config/ir.ts';
import type { HeaderMap } from '../pipeline/headers.ts';
import { chooseCanary } from './ingress-nginx-canary.ts';
import { corsFor } from './ingress-nginx-cors.ts';
import { describeLocation, selectLocation, selectServer } from './ingress-nginx-match.ts';
import { REDIRECT_CODES } from './ingress-nginx-pages.ts';
import { applyRewrite } from './ingress-nginx-rewrite.ts';
import { hostOnly, normalizeUri, requestUri } from './ingress-nginx-uri.ts';

export interface NginxRequest {
  method: string;
  scheme: 'http' | 'https';
  /** The listener port ($server_port), for port_in_redirect. */
  port: number;
  /** The Host header as sent (may carry a port), '' when absent. */
  hostHeader: string;
  path: string;
  query: string;
  headers: HeaderMap;
  /** A draw in [0, 1) keyed by the request id, for the canary weight. */
  draw: () => number;
  /** A rollout controller's current canary percent, replacing canary-weight (GatewayIR.trafficShift). */
  shift?: TrafficShiftIR;
}

/** What the gateway itself answers, and which location (if any) it belongs to. */
export interface NginxAnswer {
  status: number;
  location?: string;
  /** Plain-text body instead of nginx's page (the default backend, `return` with text). */
  text?: string;
  /** No body at all (the CORS preflight's 204), with these headers. */
  empty?: Array<[string, string]>;
  why: string;
}

export type RouterOutcome =
  | { kind: 'answer'; answer: NginxAnswer; server?: ServerEntry; location?: LocationEntry; cors?: Array<[string, string]>; steps: string[] }
  | {
      kind: 'proxy';
      server: ServerEntry;
      location: LocationEntry;
      upstream: UpstreamEntry;
      upstreamPath: string;
      /** Set when the default-backend annotation's Service stands in for an upstream without endpoints. */
      standIn?: UpstreamEntry;
      /** CORS headers for the response (more_set_headers applies them to some statuses only). */
      cors?: Array<[string, string]>;
      steps: string[];
    };

export function routeRequest(table: IngressNginxTable, upstreams: ReadonlyMap<string, UpstreamEntry>, req: NginxRequest): RouterOutcome {
  const steps: string[] = [];
  const rawUri = requestUri(req.path, req.query);
  const norm = normalizeUri(req.path);
  if (!norm.ok) return { kind: 'answer', answer: { status: 400, why: `nginx refuses the request line: ${norm.reason}` }, steps };
  const uri = norm.uri;
  const host = hostOnly(req.hostHeader);
  const choice = selectServer(table, host);
  steps.push(choice.why);
  if (choice.kind === 'www-redirect') {
    const target = rawUri.endsWith('/') ? rawUri.slice(0, -1) : rawUri;
    return { kind: 'answer', answer: { status: table.config.httpRedirectCode, location: `${req.scheme}://${choice.to}${target}`, why: `${choice.why}: redirect to ${choice.to}` }, steps };
  }
  const server = choice.server;
  let cors: Array<[string, string]> | undefined;
  const at = (answer: NginxAnswer, location?: LocationEntry): RouterOutcome => ({ kind: 'answer', answer, server, ...(location ? { location } : {}), ...(cors ? { cors } : {}), steps });
  if (uri === '/') {
    const root = server.locations.find((l) => l.appRoot !== undefined);
    if (root) return at({ status: 302, location: `${req.scheme}://${req.hostHeader}${root.appRoot}`, why: `app-root: if ($uri = /) return 302 to ${root.appRoot} (set by ${root.ingress})` }, root);
  }
  const lc = selectLocation(server, uri);
  if (lc.kind === 'none') return at({ status: 404, why: `${lc.why}: nginx answers 404` });
  const loc = lc.location;
  steps.push(`${lc.why}: ${describeLocation(loc)}`);
  if (lc.kind === 'auto-redirect') {
    return at({ status: 301, location: nginxLocation(loc, req, host, `${uri}/${req.query ? `?${req.query}` : ''}`), why: lc.why }, loc);
  }
  if (loc.denied) return at({ status: 503, why: `the location is denied (${loc.denied}): return 503` }, loc);
  if (loc.cors) {
    const c = corsFor(loc.cors, req.method, req.headers);
    if (c.kind === 'preflight') return at({ status: 204, empty: c.headers, why: c.why }, loc);
    steps.push(c.why);
    if (c.kind === 'decorate') cors = c.headers;
  }
  if (loc.redirect) {
    const { code, url } = loc.redirect;
    return at(REDIRECT_CODES.has(code) ? { status: code, location: nginxLocation(loc, req, host, url), why: `return ${code} ${url}` } : { status: code, text: url, why: `return ${code} "${url}" (not a redirect code: the URL is the body)` }, loc);
  }
  let upstreamPath = rawUri;
  if (loc.rewriteTarget !== undefined) {
    const rw = applyRewrite(loc.path, loc.rewriteTarget, uri, req.path, req.query);
    steps.push(rw.why);
    if (rw.kind === 'redirect') return at({ status: 302, location: rw.location, why: rw.why }, loc);
    upstreamPath = rw.path;
  }
  const ssl = sslRedirect(server, loc, req, rawUri);
  if (ssl) return at({ status: table.config.httpRedirectCode, location: ssl, why: `${loc.forceSslRedirect ? 'force-ssl-redirect' : `ssl-redirect (host ${server.hostname} has TLS)`}: plain HTTP is redirected to HTTPS` }, loc);
  if (loc.upstream === DEFAULT_UPSTREAM) {
    return at({ status: 404, text: table.config.defaultBackendBody, why: 'no Ingress rule takes this path: the default backend answers 404' });
  }
  const primary = upstreams.get(loc.upstream) as UpstreamEntry;
  if (!primary.endpoints) {
    const fallback = loc.fallbackUpstream ? upstreams.get(loc.fallbackUpstream) : undefined;
    if (!fallback?.endpoints) return at({ status: 503, why: `upstream ${primary.name} has no endpoints (the Service or its port is missing): balancer.lua answers 503` }, loc);
    steps.push(`upstream ${primary.name} has no endpoints: the default-backend annotation's ${fallback.name} serves instead (with X-Code: 503)`);
    return { kind: 'proxy', server, location: loc, upstream: fallback, upstreamPath, standIn: primary, ...(cors ? { cors } : {}), steps };
  }
  const canary = chooseCanary(primary, upstreams, { headers: req.headers, draw: req.draw, ...(req.shift ? { shift: req.shift } : {}) });
  if (primary.alternatives.length > 0) steps.push(canary.why);
  return { kind: 'proxy', server, location: loc, upstream: canary.upstream, upstreamPath, ...(cors ? { cors } : {}), steps };
}

/**
 * The Location nginx sends for its own redirects: a relative URL is made absolute with the scheme and
 * the Host header's name (absolute_redirect on, server_name_in_redirect off); the port only with
 * use-port-in-redirects (port_in_redirect), and never the scheme's default. relative-redirects
 * (absolute_redirect off) leaves it as written.
 */
function nginxLocation(loc: LocationEntry, req: NginxRequest, host: string, url: string): string {
  if (!url.startsWith('/') || loc.relativeRedirects) return url;
  const port = loc.usePortInRedirects && req.port !== (req.scheme === 'https' ? 443 : 80) ? `:${req.port}` : '';
  return `${req.scheme}://${host}${port}${url}`;
}

/** lua_ingress.rewrite → redirect_to_https, and the Location it builds. */
function sslRedirect(server: ServerEntry, loc: LocationEntry, req: NginxRequest, rawUri: string): string | undefined {
  if (loc.noTlsRedirect || req.scheme !== 'http') return undefined;
  if (!loc.forceSslRedirect && !(loc.sslRedirect && server.tls)) return undefined;
  // Without preserve-trailing-slash one trailing "/" of the request URI is dropped.
  const uri = !loc.preserveTrailingSlash && rawUri.endsWith('/') ? rawUri.slice(0, -1) : rawUri;
  const host = req.hostHeader.split(':')[0] ?? '';
  return loc.usePortInRedirects ? `https://${host}:443${uri}` : `https://${host}${uri}`;
}
