/**
 * The ingress-nginx adapter: Kubernetes objects (Ingress, IngressClass, Service, EndpointSlice, Istio
 * DestinationRule) in, GatewayIR plus diagnostics out. It assembles servers and locations the way the controller does
 * (servers.ts, locations.ts) and hands the result to the dialect as RouterIR.table; the IR's routes
 * stand for locations (route name = the Ingress's `namespace/name`), its services for upstreams.
 * What the API server or the controller would refuse is a warning and the object is skipped, so a
 * lesson file always loads and shows what the real controller would do with the rest.
 */
import { parseIsoInstant } from '../../core/calendar.ts';
import { compileNginxRegex, locationPattern } from '../../routing/ingress-nginx-regex.ts';
import type { Diagnostic } from '../../core/errors.ts';
import { adaptDestinationRules, attachTrafficPolicies } from '../istio/index.ts';
import { EndpointSlices } from '../k8s/endpoint-slices.ts';
import type { GatewayIR, RouteIR, ServiceIR } from '../ir.ts';
import type { JsonPath, SourceMap } from '../yaml-source.ts';
import { handledByNginx, ingressClasses } from './classes.ts';
import { collect } from './collect.ts';
import { assignAffinity } from './affinity.ts';
import { AdaptContext, type ResourceNode, keyOf, sortByPlace } from './context.ts';
import { type ParsedIngress, readIngress } from './ingress-read.ts';
import { finalLocations } from './locations.ts';
import { buildRateLimitPlugins, ingressRouteId, LIMIT_REQ_STATUS } from './plugins.ts';
import { buildExternalAuthPlugins } from './auth-plugin.ts';
import { buildBodySizePlugins, buildLimitConnPlugins, LIMIT_CONN_STATUS } from './limits.ts';
import { NGINX_DEFAULT_BODY_SIZE, parseNginxSize } from '../../plugins/request-size-limit/nginx.ts';
import { assignPolicies } from './policy.ts';
import { type Built, buildServers, type Upstream } from './servers.ts';
import { type Endpoints, type NamedRef, ServiceCatalog, serviceIr, serviceNames, upstreamName } from './services.ts';
import { DEFAULT_UPSTREAM, type IngressNginxTable, type LocationEntry, type ServerEntry, type UpstreamEntry } from './table.ts';

export interface IngressNginxAdaptResult {
  /** Present only when there are no errors. */
  ir?: GatewayIR;
  diagnostics: Diagnostic[];
}

/** The body of the default backend's 404 (the defaultbackend image the chart can deploy). */
export const DEFAULT_BACKEND_BODY = 'default backend - 404';

export function adaptIngressNginx(docs: ReadonlyArray<{ value: unknown; map: SourceMap }>): IngressNginxAdaptResult {
  const ctx = new AdaptContext();
  const collected = collect(ctx, docs);
  const slices = new EndpointSlices(collected.endpointSlices, {
    invalid: (n, rel, message, hint) => ctx.warn(n, rel, 'GL_W_NO_EFFECT', `${message}; the API server rejects this EndpointSlice, so gatelab skips it`, hint),
    unknownField: (n, rel, message, hint) => ctx.warn(n, rel, 'GL_W_UNKNOWN_FIELD', message, hint, true),
    warn: (n, rel, message, hint) => ctx.warn(n, rel, 'GL_W_NO_EFFECT', message, hint),
  });
  const catalog = new ServiceCatalog(ctx, collected.services, slices);
  const classes = ingressClasses(collected.ingressClasses);
  const ingresses: ParsedIngress[] = [];
  for (const node of latestByKey(ctx, collected.ingresses)) {
    const parsed = readIngress(ctx, node);
    if (parsed && handledByNginx(ctx, parsed, classes)) ingresses.push(parsed);
  }
  const sorted = sortByCreation(ingresses);
  const built = buildServers(ctx, sorted, catalog);
  assignAffinity(ctx, sorted, built);
  warnSeveralCanaries(ctx, built, sorted);
  const fallbacks = fallbackRefs(sorted, catalog);
  const services = buildServices(ctx, built, fallbacks);
  assignPolicies(ctx, built, services);
  const { table, routes } = buildTable(ctx, built, services, fallbacks);
  const istio = adaptDestinationRules(collected.destinationRules.map((n) => ({ doc: n.doc, path: n.path, value: n.value })));
  ctx.diagnostics.push(...istio.diagnostics);
  const ir: GatewayIR = {
    dialect: 'ingress-nginx',
    router: { kind: 'ingress-nginx', table },
    pluginOrder: 'declared',
    listeners: [
      { name: 'http', port: 80, protocol: 'http' },
      { name: 'https', port: 443, protocol: 'https' },
    ],
    services: [...new Set(services.values())],
    routes,
    // limit_req then limit_conn (preaccess), auth_request (access), the body read (content): the
    // declared order is nginx's phase order.
    plugins: [...buildRateLimitPlugins(ctx, sorted), ...buildLimitConnPlugins(ctx, sorted), ...buildExternalAuthPlugins(ctx, sorted), ...buildBodySizePlugins(ctx, sorted)],
    consumers: [],
    ...(istio.policies.length > 0 ? { trafficPolicies: istio.policies } : {}),
  };
  // ingress-nginx never reads DestinationRules; in a mesh the sidecar beside it applies them.
  attachTrafficPolicies(ir, (d) => ctx.diagnostics.push(d));
  const diagnostics = sortByPlace(ctx.diagnostics);
  return diagnostics.some((d) => d.severity === 'error') ? { diagnostics } : { ir, diagnostics };
}

/** kubectl apply semantics: a later object with the same namespace/name replaces the earlier one. */
function latestByKey(ctx: AdaptContext, nodes: readonly ResourceNode[]): ResourceNode[] {
  const byKey = new Map<string, ResourceNode>();
  for (const node of nodes) {
    const prev = byKey.get(keyOf(node));
    if (prev) ctx.warn(prev, ['metadata', 'name'], 'GL_W_NO_EFFECT', `Ingress ${keyOf(node)} is defined again later; the later one replaces this one, as kubectl apply would`);
    byKey.set(keyOf(node), node);
  }
  return [...byKey.values()].sort((a, b) => a.order - b.order);
}

/**
 * The controller's order (store.go sortIngressSlice): oldest creationTimestamp first, equal ones by
 * namespace/name descending. Objects without a timestamp count as created in file order, after any
 * that carry one — the way a scenario reads, one `kubectl apply` after another.
 */
function sortByCreation(list: readonly ParsedIngress[]): ParsedIngress[] {
  const stamp = (i: ParsedIngress): number | undefined => (i.creationTimestamp ? parseIsoInstant(i.creationTimestamp) : undefined);
  return [...list].sort((a, b) => {
    const sa = stamp(a);
    const sb = stamp(b);
    if (sa !== undefined && sb !== undefined) return sa - sb || (a.key > b.key ? -1 : a.key < b.key ? 1 : 0);
    if (sa !== undefined) return -1;
    if (sb !== undefined) return 1;
    return a.node.order - b.node.order;
  });
}

function warnSeveralCanaries(ctx: AdaptContext, built: Built, ingresses: readonly ParsedIngress[]): void {
  for (const u of built.upstreams.values()) {
    for (const extra of u.alternatives.slice(1)) {
      const owner = ingresses.find((i) => i.key === built.upstreams.get(extra)?.canary?.ingress);
      if (owner) ctx.warn(owner.node, ['metadata', 'annotations'], 'GL_W_NO_EFFECT', `upstream ${u.name} already has canary ${u.alternatives[0]}; balancer.lua only ever uses the first, so canary ${owner.key} gets no traffic`, 'one canary Ingress per host and path');
    }
  }
}

type Fallbacks = Map<string, { ref: { namespace: string; name: string; port: number | string }; endpoints: Endpoints }>;

function buildServices(ctx: AdaptContext, built: Built, fallbacks: Fallbacks): Map<string, ServiceIR> {
  const used = [...built.upstreams.values()].filter((u): u is Upstream & { ref: NonNullable<Upstream['ref']> } => u.ref !== null);
  const refs: NamedRef[] = [
    ...used.map((u) => ({ upstream: u.name, ref: u.ref, port: u.endpoints?.port ?? 80 })),
    ...[...fallbacks.values()].map((f) => ({ upstream: upstreamName(f.ref), ref: f.ref, port: f.endpoints.port })),
  ];
  const names = serviceNames(refs);
  const byLabel = new Map<string, ServiceIR>();
  const out = new Map<string, ServiceIR>();
  const add = (upstream: string, ref: NamedRef['ref'], ep: Endpoints, owner: ParsedIngress | null): void => {
    const label = names.get(upstream) ?? ref.name;
    let svc = byLabel.get(label);
    if (!svc) {
      const anns = owner?.anns;
      svc = serviceIr(ref, label, ep, {
        https: anns?.backendProtocol === 'HTTPS',
        connectMs: anns?.timeouts.connectMs ?? 5000,
        readMs: anns?.timeouts.readMs ?? 60000,
        sendMs: anns?.timeouts.sendMs ?? 60000,
        retries: Math.max(0, (anns?.nextUpstreamTries ?? 3) - 1),
      });
      byLabel.set(label, svc);
      if (!ep.endpoints && owner) {
        const at = 'at' in ref ? (ref as { at: JsonPath }).at : ['spec'];
        if (ep.targets) ctx.warn(owner.node, at, 'GL_W_NO_EFFECT', `${ep.why ?? 'no ready endpoints'}, so ingress-nginx has no endpoints for ${ref.namespace}/${ref.name}:${ref.port} and answers 503`, 'a pod gets traffic only while its conditions.ready is true or unset');
        else ctx.warn(owner.node, at, 'GL_W_NO_EFFECT', `${ep.why ?? 'no endpoints'}: the Services in the input are taken as the cluster's, so ingress-nginx has no endpoints for ${ref.namespace}/${ref.name}:${ref.port} and answers 503`, 'add the Service (with this port) or fix the backend reference');
      }
    }
    out.set(upstream, svc);
  };
  for (const u of used) add(u.name, u.ref, u.endpoints ?? { endpoints: true, port: 80 }, u.owner);
  for (const f of fallbacks.values()) if (!out.has(upstreamName(f.ref))) add(upstreamName(f.ref), f.ref, f.endpoints, null);
  return out;
}

/** default-backend annotations: a Service in the Ingress's namespace, on its first port (controller.go). */
function fallbackRefs(ingresses: readonly ParsedIngress[], catalog: ServiceCatalog): Fallbacks {
  const out: Fallbacks = new Map();
  for (const i of ingresses) {
    if (!i.anns.defaultBackend) continue;
    const port = catalog.firstPort(i.node.namespace, i.anns.defaultBackend) ?? 80;
    const ref = { namespace: i.node.namespace, name: i.anns.defaultBackend, port };
    out.set(i.key, { ref, endpoints: catalog.resolve(ref) });
  }
  return out;
}

function buildTable(ctx: AdaptContext, built: Built, services: Map<string, ServiceIR>, fallbacks: Fallbacks): { table: IngressNginxTable; routes: RouteIR[] } {
  const routes: RouteIR[] = [];
  const upstreams: UpstreamEntry[] = [...built.upstreams.values()]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((u) => {
      const entry: UpstreamEntry = {
        name: u.name,
        service: services.get(u.name)?.name ?? null,
        endpoints: u.ref === null ? true : (u.endpoints?.endpoints ?? true),
        alternatives: u.alternatives.filter((a) => built.upstreams.has(a)),
      };
      if (u.canary) entry.canary = u.canary;
      if (u.affinity) entry.affinity = u.affinity;
      return entry;
    });
  for (const [name, s] of services) {
    if (!built.upstreams.has(name)) upstreams.push({ name, service: s.name, endpoints: s.targets.length > 0, alternatives: [] });
  }
  const servers: ServerEntry[] = [];
  const hostnames = [...built.servers.keys()].sort();
  for (const hostname of hostnames) {
    const server = built.servers.get(hostname) as NonNullable<ReturnType<typeof built.servers.get>>;
    const final = finalLocations(server);
    const locations: LocationEntry[] = final.locations.map(({ entry, loc }) => {
      let route: number | null = null;
      if (entry.modifier === 'regex' && loc.ing) checkRegex(ctx, loc.ing, loc.written.at ?? ['spec'], entry.path);
      if (loc.ing) {
        route = routes.length;
        routes.push(routeFor(loc.ing, loc.written.at ?? ['spec'], server, entry, services, built));
      }
      const fb = loc.ing && loc.anns?.defaultBackend ? fallbacks.get(loc.ing.key) : undefined;
      const fallback = fb ? upstreamName(fb.ref) : undefined;
      return { ...entry, route, ...(fallback ? { fallbackUpstream: fallback } : {}) };
    });
    servers.push({ hostname: server.hostname, aliases: server.aliases, tls: server.tls, enforceRegex: final.enforceRegex, locations });
  }
  const redirectServers = [...built.servers.values()]
    .filter((s) => s.fromToWww && !s.hostname.startsWith('*') && s.hostname !== '_')
    .map((s) => ({ from: s.hostname.startsWith('www.') ? s.hostname.slice(4) : `www.${s.hostname}`, to: s.hostname }))
    .filter((r) => !built.servers.has(r.from));
  const table: IngressNginxTable = {
    servers,
    redirectServers,
    upstreams,
    config: {
      httpRedirectCode: 308,
      limitReqStatusCode: LIMIT_REQ_STATUS,
      limitConnStatusCode: LIMIT_CONN_STATUS,
      // config.go's default proxy-body-size, which nginx.tmpl writes into every location without the annotation.
      proxyBodySize: { value: NGINX_DEFAULT_BODY_SIZE, bytes: parseNginxSize(NGINX_DEFAULT_BODY_SIZE) as number, origin: 'proxy-body-size default' },
      hsts: 'max-age=31536000; includeSubDomains',
      defaultBackendBody: DEFAULT_BACKEND_BODY,
    },
  };
  return { table, routes };
}

/** nginx compiles these with PCRE; gatelab runs RE2, which lacks look-around and backreferences. */
function checkRegex(ctx: AdaptContext, ing: ParsedIngress, at: JsonPath, path: string): void {
  const compiled = compileNginxRegex(locationPattern(path));
  if (!compiled.ok) ctx.warn(ing.node, at, 'GL_W_NO_EFFECT', `location ~* "^${path}" does not compile in gatelab's RE2 engine (${compiled.error}); nginx (PCRE) may accept it, but here this location never matches`, 'avoid look-around and backreferences in paths');
}

function routeFor(
  ing: ParsedIngress,
  at: JsonPath,
  server: { hostname: string; aliases: string[] },
  entry: Omit<LocationEntry, 'route'>,
  services: Map<string, ServiceIR>,
  built: Built,
): RouteIR {
  const primary = services.get(entry.upstream)?.name ?? null;
  const route: RouteIR = {
    name: ing.key,
    id: ingressRouteId(ing.key),
    service: entry.upstream === DEFAULT_UPSTREAM ? null : primary,
    protocols: ['http', 'https'],
    methods: [],
    hosts: server.hostname === '_' ? [] : [server.hostname, ...server.aliases],
    paths: [{ kind: entry.modifier, value: entry.path }],
    headers: {},
    stripPath: false,
    preserveHost: true,
    pathHandling: 'v0',
    regexPriority: 0,
    httpsRedirectStatusCode: 308,
    loc: ing.node.doc.map.locate([...ing.node.path, ...at]),
  };
  const alt = built.upstreams.get(built.upstreams.get(entry.upstream)?.alternatives[0] ?? '');
  const canary = alt ? services.get(alt.name)?.name : undefined;
  if (alt?.canary && canary) {
    const total = alt.canary.policy.weightTotal > 100 ? alt.canary.policy.weightTotal : 100;
    route.backends = [
      { service: primary, weight: Math.max(0, total - alt.canary.policy.weight) },
      { service: canary, weight: alt.canary.policy.weight },
    ];
  }
  return route;
}
