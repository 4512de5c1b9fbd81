/**
 * Traefik's HTTP router for one request: pick the entryPoint (by the port the request arrived on,
 * else by its scheme), keep the routers served on it, try them by priority — explicit, else the
 * rule's length — and take the first whose rule matches. Nothing matches: Go's NotFound handler,
 * `404 page not found`. Sources: traefik/traefik pkg/muxer/http/mux.go (ServeHTTP, routes.Less,
 * GetRulePriority), pkg/server/router/router.go (routers per entryPoint), net/http NotFound.
 */
import type { GatewayIR, RouteIR, ServiceIR, TargetIR } from '../config/ir.ts';
import { isTraefikTable, type TraefikEntryPointIR, type TraefikRouterIR, type TraefikTable } from '../config/traefik/table.ts';
import type { IncomingRequest } from '../pipeline/types.ts';
import { compileRule, type CompiledRule } from './traefik-rule.ts';
import { canonicalHost, routingPathOf, traefikRequestPath, type TraefikRequestView } from './traefik-request.ts';

export const NOT_FOUND_BODY = '404 page not found\n';
/** Go's http.Error / NotFound headers. */
export const GO_ERROR_HEADERS: Array<[string, string]> = [
  ['Content-Type', 'text/plain; charset=utf-8'],
  ['X-Content-Type-Options', 'nosniff'],
];

export interface CompiledRouter {
  ir: TraefikRouterIR;
  route: RouteIR;
  rule: CompiledRule;
  priority: number;
  /** Position in the config, for a stable order among equal priorities. */
  order: number;
}

export type TraefikRouting =
  | {
      kind: 'route';
      router: CompiledRouter;
      entryPoint: TraefikEntryPointIR;
      /** The sanitised request path (what routers saw and the backend receives). */
      path: string;
      reason: string;
    }
  | { kind: 'miss'; status: number; body: string; headers: Array<[string, string]>; reason: string };

export interface TraefikRouter {
  readonly table: TraefikTable;
  readonly routers: readonly CompiledRouter[];
  match(req: IncomingRequest, nowMs: number): TraefikRouting;
  /** A service's servers at an instant: its static targets plus discovered ones already applied. */
  serversAt(service: ServiceIR, nowMs: number): TargetIR[];
  entryPointFor(req: Pick<IncomingRequest, 'port' | 'scheme'>): TraefikEntryPointIR | undefined;
}

export function createTraefikRouter(ir: GatewayIR): TraefikRouter {
  if (ir.router.kind !== 'traefik' || !isTraefikTable(ir.router.table)) throw new Error('not a Traefik IR: router.table is missing');
  const table = ir.router.table;
  const routesByName = new Map(ir.routes.map((r) => [r.name, r]));
  const servicesByName = new Map(ir.services.map((s) => [s.name, s]));
  const routers: CompiledRouter[] = [];
  table.routers.forEach((r, order) => {
    const route = routesByName.get(r.route);
    if (!route || r.disabled) return;
    const rule = compileRule(r.rule, r.syntax);
    if (!rule.ok) return;
    routers.push({ ir: r, route, rule, priority: r.priority !== 0 ? r.priority : rule.defaultPriority, order });
  });
  // Higher priority first; Traefik's own sort is not stable, gatelab keeps the config order on ties.
  routers.sort((a, b) => b.priority - a.priority || a.order - b.order);

  const defaults = table.entryPoints.some((e) => e.asDefault) ? table.entryPoints.filter((e) => e.asDefault) : table.entryPoints;

  const serversAt = (service: ServiceIR, nowMs: number): TargetIR[] => {
    const found = table.discovery.filter((d) => d.service === service.name && d.visibleFromMs <= nowMs);
    return [...service.targets, ...found.map((d) => ({ host: d.host, port: d.port, weight: 1 }))];
  };

  const servicesOf = (route: RouteIR): ServiceIR[] => {
    const names = route.backends ? route.backends.map((b) => b.service) : [route.service];
    return names.flatMap((n) => (n ? [servicesByName.get(n)].filter((s): s is ServiceIR => !!s) : []));
  };

  const entryPointFor = (req: Pick<IncomingRequest, 'port' | 'scheme'>): TraefikEntryPointIR | undefined =>
    table.entryPoints.find((e) => e.port === req.port) ?? table.entryPoints.find((e) => e.protocol === req.scheme);

  return {
    table,
    routers,
    serversAt,
    entryPointFor,
    match(req, nowMs) {
      const ep = entryPointFor(req);
      if (!ep) {
        return { kind: 'miss', status: 404, body: NOT_FOUND_BODY, headers: GO_ERROR_HEADERS, reason: `no entryPoint listens on port ${req.port} (${req.scheme})` };
      }
      const path = traefikRequestPath(req.path, table.sanitizePath);
      if (path === undefined) {
        return { kind: 'miss', status: 400, body: '400 Bad Request', headers: [['Content-Type', 'text/plain; charset=utf-8'], ['Connection', 'close']], reason: `the path ${req.path} has a malformed percent-escape; Go's HTTP server refuses the request before Traefik routes it` };
      }
      const view: TraefikRequestView = {
        method: req.method,
        host: req.host,
        canonicalHost: canonicalHost(req.host),
        routingPath: routingPathOf(path),
        rawQuery: req.query,
        headers: req.headers,
        remoteAddr: req.peerIp,
      };
      const where = `${req.method} ${view.canonicalHost}${path}${req.query ? `?${req.query}` : ''} on entryPoint ${ep.name} (:${ep.port})`;
      let tried = 0;
      let unavailable = 0;
      let firstMiss = '';
      for (const r of routers) {
        const eps = r.ir.entryPoints.length > 0 ? r.ir.entryPoints : defaults.map((e) => e.name);
        if (!eps.includes(ep.name)) continue;
        // A router with tls only answers TLS connections (the HTTPS muxer of its entryPoint).
        if (r.ir.tls && req.scheme !== 'https') continue;
        if (!table.allowEmptyServices && servicesOf(r.route).some((s) => serversAt(s, nowMs).length === 0)) {
          unavailable++;
          continue;
        }
        tried++;
        const result = r.rule.evaluate(view);
        if (result.matched) {
          const why = r.ir.priority !== 0 ? `priority ${r.priority}, set explicitly` : `priority ${r.priority}, the rule's length`;
          return { kind: 'route', router: r, entryPoint: ep, path, reason: `${where}: router ${r.route.name} matched ${r.rule.source} (${why}; ${tried} router${tried === 1 ? '' : 's'} tried by priority)` };
        }
        if (!firstMiss) firstMiss = `; e.g. ${r.route.name} failed on ${result.because}`;
      }
      const skipped = unavailable > 0 ? `; ${unavailable} router${unavailable === 1 ? ' has' : 's have'} a service without servers yet and ${unavailable === 1 ? 'is' : 'are'} not served` : '';
      return { kind: 'miss', status: 404, body: NOT_FOUND_BODY, headers: GO_ERROR_HEADERS, reason: `${where}: no router matched (${tried} tried${firstMiss}${skipped}) → 404 page not found` };
    },
  };
}
