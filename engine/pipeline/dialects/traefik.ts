/**
 * Traefik v3's behaviour around the middleware chain (semantics §4 and §12):
 * - the entryPoint's forwarded-headers step, before routing: from a peer outside
 *   forwardedHeaders.trustedIPs (and without `insecure`) every X-Forwarded-* header, X-Real-Ip and
 *   their underscore spellings are removed; then X-Real-Ip, X-Forwarded-Proto, -Port and -Host are
 *   set when absent, X-Forwarded-Server always, and Connection-listed headers dropped. Routers and
 *   middlewares see the result (Header(`X-Forwarded-Proto`, `https`) cannot be spoofed);
 * - routing by engine/routing/traefik-router.ts on the sanitised path, a weighted service drawn per
 *   request with a draw keyed by the request id (Traefik's own WRR is a deterministic smooth
 *   schedule with the same long-run shares; the keyed draw keeps both hosts on the same choice);
 * - upstream: the client's Host (passHostHeader, default true) or the server's host:port, the peer
 *   appended to X-Forwarded-For (Go's ReverseProxy, ", " separator), hop-by-hop headers dropped (Go
 *   keeps `TE: trailers` and re-adds a WebSocket's `Connection: Upgrade` + `Upgrade`), no Via —
 *   Traefik adds no Via and no headers of its own to responses;
 * - its own answers with their exact texts: `404 page not found` (Go's http.NotFound, text/plain,
 *   nosniff), `Bad Gateway` (502) and `Gateway Timeout` (504) from the proxy's error handler,
 *   `Service Unavailable` (503) for a service without servers, `no available server` (503) when a
 *   weighted round robin has no child left. Sources: traefik/traefik
 *   pkg/middlewares/forwardedheaders/forwarded_header.go, pkg/proxy/httputil/proxy.go (ErrorHandler,
 *   ComputeStatusCode), pkg/server/service/loadbalancer/wrr/wrr.go, net/http (NotFound, Error).
 */
import type { GatewayIR, RouteIR, ServiceIR, TargetIR } from '../../config/ir.ts';
import type { TraefikEntryPointIR } from '../../config/traefik/table.ts';
import { parseCidrList, type CidrMatcher } from '../../net/cidr.ts';
import { HOP_BY_HOP_ALWAYS, parseConnectionTokens } from '../../net/hop-by-hop.ts';
import { createTraefikRouter, GO_ERROR_HEADERS } from '../../routing/traefik-router.ts';
import { hostWithoutPort } from '../../routing/traefik-request.ts';
import type { ChainHost, ChainStage, ReplyVerdict } from '../chain.ts';
import type { DialectBehaviour } from '../dialect.ts';
import type { HeaderMap } from '../headers.ts';
import type { RequestContext } from '../types.ts';

/** X-* headers Traefik manages (pkg/middlewares/forwardedheaders/xheaders). */
export const TRAEFIK_X_HEADERS = [
  'X-Forwarded-Proto', 'X-Forwarded-For', 'X-Forwarded-Host', 'X-Forwarded-Port', 'X-Forwarded-Server', 'X-Forwarded-Uri',
  'X-Forwarded-Method', 'X-Forwarded-Prefix', 'X-Forwarded-Tls-Client-Cert', 'X-Forwarded-Tls-Client-Cert-Info', 'X-Real-Ip',
];
const X_LOWER = new Set(TRAEFIK_X_HEADERS.map((h) => h.toLowerCase()));

const VARS = 'traefik';
/** The trace name of the entryPoint's forwarded-headers step; `decided` reads only plugin and phase, so one object serves every request. */
const FORWARDED_HEADERS_STAGE: ChainStage = { plugin: 'forwarded-headers', phase: 'rewrite', run: () => ({ kind: 'next', reason: '' }) };

interface TraefikVars {
  path: string;
  entryPoint?: TraefikEntryPointIR;
  noService?: string;
}

function text(status: number, body: string, reason: string, headers: Array<[string, string]> = [['Content-Type', 'text/plain; charset=utf-8']]): ReplyVerdict {
  return { kind: 'reply', status, reason, headers, body };
}

/** The entryPoint step. Returns what it did, for the trace. */
export function applyForwardedHeaders(headers: HeaderMap, input: { peerIp: string; scheme: 'http' | 'https'; host: string; trusted: boolean; hostname: string }): string[] {
  const did: string[] = [];
  if (!input.trusted) {
    const removed = headers.names().filter((n) => X_LOWER.has(n.replace(/_/g, '-')));
    for (const n of removed) headers.delete(n);
    if (removed.length) did.push(`removed ${removed.join(', ')}`);
  }
  const setIfAbsent = (name: string, value: string): void => {
    if ((headers.get(name) ?? '') !== '') return;
    headers.set(name, value);
    did.push(`${name}: ${value}`);
  };
  setIfAbsent('X-Real-Ip', input.peerIp);
  const websocket = /(^|,)\s*upgrade\s*(,|$)/i.test(headers.get('Connection') ?? '') && /(^|,)\s*websocket\s*(,|$)/i.test(headers.get('Upgrade') ?? '');
  setIfAbsent('X-Forwarded-Proto', websocket ? (input.scheme === 'https' ? 'wss' : 'ws') : input.scheme);
  const proto = headers.get('X-Forwarded-Proto');
  const hostPort = input.host !== hostWithoutPort(input.host) ? input.host.slice(input.host.lastIndexOf(':') + 1) : '';
  setIfAbsent('X-Forwarded-Port', hostPort !== '' ? hostPort : proto === 'https' || proto === 'wss' || input.scheme === 'https' ? '443' : '80');
  if (input.host !== '') setIfAbsent('X-Forwarded-Host', input.host);
  const xff = headers.getAll('X-Forwarded-For');
  if (xff.length > 1) headers.set('X-Forwarded-For', xff.join(', '));
  headers.set('X-Forwarded-Server', input.hostname);
  // Connection may not remove the X headers; anything else it lists goes, and Connection with it.
  const tokens = parseConnectionTokens(headers.getAll('Connection'));
  const upgrade = tokens.includes('upgrade') ? headers.get('Upgrade') : undefined;
  for (const t of tokens) if (!X_LOWER.has(t) && t !== 'upgrade') headers.delete(t);
  headers.delete('Connection');
  if (upgrade) {
    headers.set('Upgrade', upgrade);
    headers.set('Connection', 'Upgrade');
  }
  return did;
}

export function createTraefikBehaviour(ir: GatewayIR): DialectBehaviour {
  const router = createTraefikRouter(ir);
  const table = router.table;
  const services = new Map(ir.services.map((s) => [s.name, s]));
  const trust = new Map<string, CidrMatcher>(table.entryPoints.map((e) => [e.name, parseCidrList(e.trustedIPs, { flavor: 'go' }).matcher]));
  // A service whose servers change over time (discovery) is handed out as a copy with today's list.
  const views = new Map<string, ServiceIR>();
  const withServers = (service: ServiceIR, nowMs: number): ServiceIR => {
    const servers = router.serversAt(service, nowMs);
    if (servers.length === service.targets.length) return service;
    const key = `${service.name}|${servers.length}`;
    let view = views.get(key);
    if (!view) views.set(key, (view = { ...service, targets: servers }));
    return view;
  };
  const vars = (ctx: RequestContext): TraefikVars => {
    let v = ctx.vars[VARS] as TraefikVars | undefined;
    if (!v) ctx.vars[VARS] = v = { path: ctx.request.path };
    return v;
  };

  return {
    resolveClient(ctx, host: ChainHost) {
      const r = ctx.request;
      const ep = router.entryPointFor(r);
      vars(ctx).entryPoint = ep;
      const matcher = ep ? trust.get(ep.name) : undefined;
      const trusted = !!ep && (ep.insecure || (matcher?.contains(r.peerIp) ?? false));
      const did = applyForwardedHeaders(ctx.upstream.headers, { peerIp: r.peerIp, scheme: r.scheme, host: r.host, trusted, hostname: table.hostname });
      const who = !ep
        ? 'no entryPoint'
        : ep.insecure
          ? `entryPoint ${ep.name} is insecure: every peer's X-Forwarded-* headers are kept`
          : trusted
            ? `peer ${r.peerIp} is in ${ep.name}'s forwardedHeaders.trustedIPs: its X-Forwarded-* headers are kept`
            : `peer ${r.peerIp} is not trusted by entryPoint ${ep.name}${ep.trustedIPs.length ? '' : ' (forwardedHeaders.trustedIPs is empty)'}`;
      host.decided(FORWARDED_HEADERS_STAGE, { kind: 'next', reason: `${who}; ${did.join('; ')}`, data: { trusted, entryPoint: ep?.name ?? null } });
    },

    route(ctx, host: ChainHost) {
      const r = ctx.request;
      // Routers see the headers as the entryPoint left them.
      const found = router.match({ ...r, headers: ctx.upstream.headers }, host.now());
      if (found.kind === 'miss') return { status: found.status, body: found.body, headers: found.headers, reason: found.reason };
      vars(ctx).path = found.path;
      const route: RouteIR = found.router.route;
      if (!route.backends) {
        const service = route.service ? services.get(route.service) : undefined;
        return { route, service: service ? withServers(service, host.now()) : undefined, reason: found.reason };
      }
      const pick = chooseWeighted(route, host.draw('backend', r.id));
      if (!pick.service) vars(ctx).noService = pick.reason;
      const service = pick.service ? services.get(pick.service) : undefined;
      return { route, service: service ? withServers(service, host.now()) : undefined, reason: `${found.reason}; ${pick.reason}` };
    },

    afterRoute(ctx) {
      // The backend receives the sanitised path (entryPoint http.sanitizePath) with the query as sent.
      const q = ctx.request.query;
      ctx.upstream.path = `${vars(ctx).path}${q ? `?${q}` : ''}`;
    },

    buildUpstream(ctx, service: ServiceIR, target: TargetIR) {
      const headers = ctx.upstream.headers;
      const passHost = table.services[service.name]?.passHostHeader ?? true;
      if (!passHost) ctx.upstream.host = `${target.host}:${target.port}`;
      // Go's ReverseProxy (net/http/httputil, semantics §12): it reads the upgrade type and whether the
      // client accepts trailers, removes every hop-by-hop header, then writes back `TE: trailers` and,
      // for an upgrade (a WebSocket handshake), `Connection: Upgrade` + `Upgrade`. Then the peer joins
      // X-Forwarded-For.
      const upgrade = parseConnectionTokens(headers.getAll('Connection')).includes('upgrade') ? headers.get('Upgrade') : undefined;
      const trailers = parseConnectionTokens(headers.getAll('TE')).includes('trailers');
      for (const name of HOP_BY_HOP_ALWAYS) headers.delete(name);
      if (trailers) headers.set('Te', 'trailers');
      if (upgrade !== undefined && upgrade !== '') {
        headers.set('Connection', 'Upgrade');
        headers.set('Upgrade', upgrade);
      }
      const prior = headers.getAll('X-Forwarded-For');
      headers.set('X-Forwarded-For', [...prior, ctx.request.peerIp].join(', '));
      headers.set('Host', ctx.upstream.host);
    },

    noService(ctx) {
      const why = vars(ctx).noService ?? 'the router has no service';
      return text(503, 'no available server\n', `${why} → 503 no available server`, GO_ERROR_HEADERS);
    },

    noTarget(_ctx, service, why) {
      // Every server taken out by passiveHealthCheck: the balancer's nextServer finds no status left
      // and answers errNoAvailableServer (wrr.go), Go's http.Error text.
      if (service.policy?.passiveHealth && service.targets.some((t) => t.weight > 0)) return text(503, 'no available server\n', `${why ?? ''} → 503 no available server`, GO_ERROR_HEADERS);
      return text(503, 'Service Unavailable', why ? `${why} → 503` : `service ${service.name} has no servers (allowEmptyServices) → 503`);
    },

    upstreamFailed(_ctx, answer) {
      if (answer.failure === 'timeout') return text(504, 'Gateway Timeout', `upstream timed out: ${answer.message} → 504 Gateway Timeout`);
      return text(502, 'Bad Gateway', `upstream connection failed: ${answer.message} → 502 Bad Gateway`);
    },

    decorateResponse() {
      // Traefik adds nothing to responses: no Via, no Server, no latency headers.
    },
  };
}

/** Weighted round robin as a keyed draw: each child's share is its weight over the total. */
export function chooseWeighted(route: RouteIR, draw: number): { service?: string; reason: string } {
  const backends = (route.backends ?? []).filter((b) => b.weight > 0 && b.service);
  const total = backends.reduce((s, b) => s + b.weight, 0);
  if (total <= 0) return { reason: `the weighted round robin of ${route.name} has no service with a weight above 0` };
  const shares = backends.map((b) => `${b.service} ${+b.weight.toFixed(3)}`).join(' / ');
  let at = draw * total;
  for (const b of backends) {
    at -= b.weight;
    if (at < 0) return { service: b.service as string, reason: `weighted round robin ${shares}: draw ${draw.toFixed(3)} → ${b.service}` };
  }
  const last = backends[backends.length - 1];
  return { service: last?.service as string, reason: `weighted round robin ${shares}: draw ${draw.toFixed(3)} → ${last?.service}` };
}
