/**
 * The Traefik v3 adapter: Kubernetes documents (IngressRoute, Middleware, TraefikService, Service and
 * gatelab's `_gatelab` block) in, GatewayIR plus diagnostics at file:line:column out. Routers, their
 * rules and entryPoints go to the Traefik table; services and middlewares (as plugin instances in
 * declared order) to the common IR. Ground truth: shared/semantics.md §4 and §12, and the Traefik
 * sources named in each module.
 */
import type { Diagnostic } from '../../core/errors.ts';
import type { GatewayIR } from '../ir.ts';
import type { SourceMap } from '../yaml-source.ts';
import { collect } from './collect.ts';
import { isObj, TraefikContext, type TDoc } from './context.ts';
import { PodTimeline } from './discovery.ts';
import { FileProvider } from './file-provider.ts';
import { buildRoutes } from './ingressroutes.ts';
import { MiddlewareRegistry } from './middlewares.ts';
import { ServiceRegistry } from './services.ts';
import { readStatic } from './static.ts';
import type { TraefikTable } from './table.ts';
import { sortByPlace } from '../../core/errors.ts';

export interface TraefikAdaptResult {
  /** Present only when there are no errors. */
  ir?: GatewayIR;
  diagnostics: Diagnostic[];
}

export function adaptTraefik(docs: ReadonlyArray<{ value: unknown; map: SourceMap }>): TraefikAdaptResult {
  const ctx = new TraefikContext();
  const tdocs: TDoc[] = [];
  docs.forEach((d, index) => {
    if (d.value === null || d.value === undefined) return;
    if (!isObj(d.value)) {
      ctx.error({ value: {}, map: d.map, index }, [], 'GL_E_TYPE', 'a Kubernetes document is a mapping (apiVersion, kind, metadata, spec)');
      return;
    }
    tdocs.push({ value: d.value, map: d.map, index });
  });
  const collected = collect(ctx, tdocs);
  const st = readStatic(ctx, collected.gatelab);
  const pods = new PodTimeline(ctx, st.discovery, st.throttleMs);
  const services = new ServiceRegistry(ctx, st, collected.services, collected.traefikServices, pods);
  const middlewares = new MiddlewareRegistry(ctx, st, collected.middlewares);
  const file = new FileProvider(ctx, st, services, middlewares);
  const routers = collected.file.map((d) => file.add(d));
  const built = buildRoutes(ctx, st, collected.ingressRoutes, services, middlewares);
  const cache = new Map();
  for (const r of routers) if (r) file.routes(r, built, cache);
  if (collected.ingressRoutes.length === 0 && collected.file.length === 0 && tdocs[0]) {
    ctx.warn(tdocs[0], [], 'GL_W_NO_EFFECT', 'no IngressRoute in this config: Traefik has no router, so every request gets 404 page not found', 'add an IngressRoute that lists the middlewares (an overlay file can)');
  }
  const table: TraefikTable = {
    entryPoints: st.entryPoints,
    routers: built.routers,
    services: services.settings,
    sanitizePath: st.sanitizePath,
    hostname: st.hostname,
    allowEmptyServices: st.allowEmptyServices,
    discovery: pods.discovered,
  };
  const ir: GatewayIR = {
    dialect: 'traefik',
    router: { kind: 'traefik', table },
    pluginOrder: 'declared',
    listeners: st.entryPoints.map((e) => ({ name: e.name, port: e.port, protocol: e.protocol })),
    services: [...services.services.values()],
    routes: built.routes,
    plugins: built.plugins,
    consumers: [],
  };
  const diagnostics = sortByPlace(ctx.diagnostics);
  return diagnostics.some((d) => d.severity === 'error') ? { diagnostics } : { ir, diagnostics };
}

