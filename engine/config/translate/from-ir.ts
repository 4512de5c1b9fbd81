/**
 * Any dialect's IR into the portable model. The Kong router (Kong declarative and the native form)
 * reads its routes' hosts, paths, methods and headers; Traefik reads each served router's rule;
 * Gateway API reads its routing table's matches and attachments. Plugins are mapped by plugins.ts.
 */
import type { GatewayIR, PathMatchIR, PluginInstanceIR, RouteIR } from '../ir.ts';
import { isTraefikTable } from '../traefik/table.ts';
import type { GwTable } from '../../routing/gateway-api-table.ts';
import { emptyMatch, emptyOps, type Dropped, type PMatch, type PModel, type PRoute } from './model.ts';
import { applyPlugin } from './plugins.ts';
import { ruleToMatches } from './rule-dnf.ts';

function baseRoute(r: RouteIR): PRoute {
  const backends = r.backends
    ? r.backends.filter((b) => b.service !== null).map((b) => ({ service: b.service as string, weight: b.weight }))
    : r.service
      ? [{ service: r.service, weight: 1 }]
      : [];
  return { name: r.name, matches: [], backends, requestHeaders: emptyOps(), responseHeaders: emptyOps(), preserveHost: r.preserveHost, ...(r.loc ? { loc: r.loc } : {}) };
}

/** Plugins that apply to a route: scoped to it, to its service, or global (Kong's reading). */
function pluginsFor(ir: GatewayIR, r: RouteIR): PluginInstanceIR[] {
  const service = ir.services.find((s) => s.name === r.service);
  return ir.plugins.filter((p) => {
    if (!p.enabled || p.scope.consumer) return false;
    const routeOk = p.scope.route === undefined || p.scope.route === r.id || p.scope.route === r.name;
    const serviceOk = p.scope.service === undefined || (service !== undefined && (p.scope.service === service.id || p.scope.service === service.name));
    return routeOk && serviceOk;
  });
}

function kongPath(p: PathMatchIR): PMatch['path'] {
  return { kind: p.kind === 'prefix' ? 'prefix' : p.kind === 'exact' ? 'exact' : 'regex', value: p.value };
}

function fromKong(ir: GatewayIR, model: PModel): void {
  for (const r of ir.routes) {
    const drop = (message: string): void => void model.dropped.push({ message: `route ${r.name}: ${message}`, ...(r.loc ? { loc: r.loc } : {}) });
    // Header values are alternatives; a portable match holds one value per header, so each
    // combination of values becomes its own match.
    let headerSets: Array<PMatch['headers']> = [[]];
    for (const [name, values] of Object.entries(r.headers)) {
      headerSets = headerSets.flatMap((set) => values.map((v) => [...set, { name, value: v.replace(/^~\*/, ''), regex: v.startsWith('~*') }]));
    }
    const paths = r.paths.length > 0 ? r.paths : [undefined];
    // strip_path removes whichever path matched: one route per path keeps that exact.
    const groups = r.stripPath && r.paths.length > 1 ? paths.map((p) => [p]) : [paths];
    groups.forEach((group, gi) => {
      const route = baseRoute(r);
      if (groups.length > 1) route.name = `${r.name}-${gi}`;
      for (const p of group) {
        for (const headers of headerSets) {
          const m: PMatch = { ...emptyMatch(), hosts: [...r.hosts], methods: [...r.methods], headers };
          const path = p ? kongPath(p) : undefined;
          if (path) m.path = path;
          route.matches.push(m);
        }
      }
      const only = group[0];
      if (r.stripPath && only) {
        if (only.kind === 'prefix') route.stripPrefix = only.value;
        else drop(`strip_path with the ${only.kind} path ${only.value} has no portable form; nothing is stripped`);
      }
      for (const p of pluginsFor(ir, r)) applyPlugin(route, p, drop);
      model.routes.push(route);
    });
  }
}

function fromTraefik(ir: GatewayIR, model: PModel): void {
  const table = ir.router.kind === 'traefik' && isTraefikTable(ir.router.table) ? ir.router.table : undefined;
  if (!table) return;
  for (const router of table.routers) {
    const r = ir.routes.find((x) => x.name === router.route);
    if (!r) continue;
    const drop = (message: string): void => void model.dropped.push({ message: `router ${r.name}: ${message}`, ...(r.loc ? { loc: r.loc } : {}) });
    if (router.disabled) {
      drop(`Traefik does not serve it (${router.disabled}); it is left out`);
      continue;
    }
    const route = baseRoute(r);
    route.matches = ruleToMatches(router.rule, router.syntax, drop);
    if (router.priority !== 0) drop(`priority ${router.priority} is left out: the target orders routes by its own rules`);
    if (router.entryPoints.length > 0) drop(`entryPoints [${router.entryPoints.join(', ')}] are left out: the target listens where it is configured to`);
    for (const p of pluginsFor(ir, r)) applyPlugin(route, p, drop);
    model.routes.push(route);
  }
}

function fromGatewayApi(ir: GatewayIR, model: PModel): void {
  const table = ir.router.kind === 'gateway-api' ? (ir.router.table as GwTable) : undefined;
  if (!table) return;
  for (const gwRoute of table.routes) {
    const hosts = [...new Set(gwRoute.attachments.flatMap((a) => a.hostnames ?? []))];
    for (const rule of gwRoute.rules) {
      const r = ir.routes.find((x) => x.id === rule.routeId || x.name === rule.routeId);
      if (!r) continue;
      const drop = (message: string): void => void model.dropped.push({ message: `${rule.routeId}: ${message}`, ...(r.loc ? { loc: r.loc } : {}) });
      const route = baseRoute(r);
      route.matches = rule.matches.map((m) => ({
        hosts,
        path: { kind: m.path.type === 'PathPrefix' ? 'segment-prefix' : m.path.type === 'Exact' ? 'exact' : 'regex', value: m.path.value },
        methods: m.method ? [m.method] : [],
        headers: m.headers.map((h) => ({ name: h.name, value: h.value, regex: h.type === 'RegularExpression' })),
        query: m.queryParams.map((q) => ({ name: q.name, value: q.value, regex: q.type === 'RegularExpression' })),
      }));
      const prefix = rule.matches.length === 1 && rule.matches[0]?.path.type === 'PathPrefix' ? rule.matches[0].path.value : undefined;
      for (const p of pluginsFor(ir, r)) applyPlugin(route, p, drop, prefix);
      model.routes.push(route);
    }
  }
}

export function modelFromIr(ir: GatewayIR): PModel {
  const model: PModel = { routes: [], services: [], dropped: [] as Dropped[] };
  model.services = ir.services.map((s) => ({ name: s.name, protocol: s.protocol, host: s.host, port: s.port, ...(s.path ? { path: s.path } : {}), targets: s.targets }));
  switch (ir.router.kind) {
    case 'kong':
      fromKong(ir, model);
      break;
    case 'traefik':
      fromTraefik(ir, model);
      break;
    case 'gateway-api':
      fromGatewayApi(ir, model);
      break;
    default:
      // Every target writes only the services its routes use, so with no routes nothing is written.
      model.dropped.push({ message: `translating from ${ir.dialect} is not supported yet: its routes are not read, so the output has no routes and no services` });
  }
  // Traefik's router names end in a hash of the rule; the translation names routes after their
  // IngressRoute (numbered when one has several).
  const seen = new Map<string, number>();
  for (const r of model.routes) {
    const base = r.name.replace(/-[0-9a-f]{20}@kubernetescrd$/, '').replace(/@.*$/, '');
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    r.name = n === 1 ? base : `${base}-${n}`;
  }
  if (ir.realIp) model.dropped.push({ message: 'the real-IP settings (trusted_ips, real_ip_header) have no portable form; they are left out' });
  if (ir.consumers.length > 0) model.dropped.push({ message: `${ir.consumers.length} consumer(s) and their credentials are left out` });
  return model;
}
