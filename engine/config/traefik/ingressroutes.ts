/**
 * IngressRoute → routers. Each entry of `spec.routes` is one Traefik router, named the way the CRD
 * provider names it, with its rule, priority, entryPoints, services (one, or a weighted round robin
 * of several) and middlewares (plugin instances scoped to it, in declared order). Whatever Traefik
 * would refuse when it builds the router — a rule that does not parse, a missing middleware or
 * service — keeps the router out of the table with a GL_W_ROUTE_NOT_SERVED warning, exactly as
 * Traefik logs the error and serves the other routers.
 */
import type { PluginInstanceIR, RouteIR, WeightedBackendIR } from '../ir.ts';
import { uuidFrom } from '../native/adapt.ts';
import { findPlugin } from '../../plugins/index.ts';
import type { ConfigReporter } from '../../pipeline/types.ts';
import { compileRule, positiveHosts, type RuleNote } from '../../routing/traefik-rule.ts';
import { parseRule } from '../../routing/traefik-rule-parser.ts';
import type { JsonPath } from '../yaml-source.ts';
import type { Node, TraefikContext } from './context.ts';
import type { K8sObject } from './collect.ts';
import type { MiddlewareRegistry } from './middlewares.ts';
import type { PluginStep } from './middleware-types.ts';
import { routerName } from './names.ts';
import type { ServiceRegistry } from './services.ts';
import type { TraefikStatic } from './static.ts';
import type { TraefikRouterIR } from './table.ts';

const SPEC_FIELDS = ['routes', 'entryPoints', 'tls', 'ingressClassName'];
const ROUTE_FIELDS = ['match', 'kind', 'priority', 'syntax', 'services', 'middlewares', 'observability'];

export interface BuiltRoutes {
  routes: RouteIR[];
  routers: TraefikRouterIR[];
  plugins: PluginInstanceIR[];
}

export function buildRoutes(ctx: TraefikContext, st: TraefikStatic, objects: readonly K8sObject[], services: ServiceRegistry, mws: MiddlewareRegistry): BuiltRoutes {
  const out: BuiltRoutes = { routes: [], routers: [], plugins: [] };
  const parsedSteps = new Map<PluginStep, unknown>();
  for (const ir of objects) {
    const spec = ir.spec;
    if (!spec) {
      ctx.error(ir.node.doc, ir.node.path, 'GL_E_CONFIG_INVALID', `IngressRoute ${ir.namespace}/${ir.name} needs a spec with routes`);
      continue;
    }
    ctx.unknownFields(spec, SPEC_FIELDS, `spec of IngressRoute ${ir.namespace}/${ir.name}`);
    const entryPoints = ctx.stringList(spec, 'entryPoints') ?? [];
    const known = st.entryPoints.map((e) => e.name);
    const usable = entryPoints.filter((e, i) => {
      if (known.includes(e)) return true;
      ctx.warn(spec.doc, [...spec.path, 'entryPoints', i], 'GL_W_ROUTE_NOT_SERVED', `entryPoint "${e}" does not exist (Traefik has ${known.join(', ')}); Traefik logs an error and does not attach the routers to it`, 'define it in the _gatelab block, or use one of the existing names');
      return false;
    });
    const tls = spec.value['tls'] !== undefined && spec.value['tls'] !== null;
    if (!Array.isArray(spec.value['routes'])) {
      ctx.error(spec.doc, spec.path, 'GL_E_CONFIG_INVALID', `IngressRoute ${ir.namespace}/${ir.name} needs spec.routes (a list)`);
      continue;
    }
    for (const route of ctx.list(spec, 'routes', (i) => `routes[${i}] of IngressRoute ${ir.namespace}/${ir.name}`)) {
      buildRoute(ctx, st, ir, route, entryPoints.length > 0 && usable.length === 0 ? undefined : usable, tls, services, mws, out, parsedSteps);
    }
  }
  return out;
}

function buildRoute(
  ctx: TraefikContext,
  st: TraefikStatic,
  ir: K8sObject,
  route: Node,
  entryPoints: string[] | undefined,
  tls: boolean,
  services: ServiceRegistry,
  mws: MiddlewareRegistry,
  out: BuiltRoutes,
  parsedSteps: Map<PluginStep, unknown>,
): void {
  ctx.unknownFields(route, ROUTE_FIELDS, route.label);
  const match = route.value['match'];
  if (typeof match !== 'string') {
    ctx.error(route.doc, route.path, 'GL_E_CONFIG_INVALID', `${route.label} needs match (a rule such as Host(\`example.com\`)); the API server refuses the IngressRoute without it`);
    return;
  }
  const kind = ctx.string(route, 'kind');
  if (kind !== undefined && kind !== 'Rule') {
    ctx.error(route.doc, [...route.path, 'kind'], 'GL_E_CONFIG_INVALID', `kind must be Rule (the only kind the CRD allows), not "${kind}"`);
    return;
  }
  const name = routerName(ir.namespace, ir.name, match);
  const priority = ctx.int(route, 'priority') ?? 0;
  const syntaxRaw = ctx.string(route, 'syntax');
  if (syntaxRaw !== undefined && syntaxRaw !== 'v2' && syntaxRaw !== 'v3') {
    ctx.error(route.doc, [...route.path, 'syntax'], 'GL_E_CONFIG_INVALID', `syntax must be v2 or v3, not "${syntaxRaw}"`);
  }
  const syntax = syntaxRaw === 'v2' || syntaxRaw === 'v3' ? syntaxRaw : st.defaultRuleSyntax;
  const disabled: string[] = [];
  const notServed = (at: Node, path: JsonPath, why: string, hint?: string): void => {
    disabled.push(why);
    ctx.warn(at.doc, path, 'GL_W_ROUTE_NOT_SERVED', `router ${name} is not served: ${why}`, hint);
  };
  if (entryPoints === undefined) notServed(route, route.path, 'none of its entryPoints exists');

  // The rule.
  const matchPath = [...route.path, 'match'];
  checkRule(ctx, route, matchPath, match, syntax, name, disabled);
  // Services.
  let backends: WeightedBackendIR[] | undefined;
  let single: string | null = null;
  let preserveHost = true;
  const refs = ctx.list(route, 'services', (i) => `services[${i}] of ${route.label}`);
  if (refs.length === 0) notServed(route, route.path, 'it has no services');
  else if (refs.length === 1) {
    const ref = refs[0] as Node;
    if (ref.value['weight'] !== undefined) ctx.warn(ref.doc, [...ref.path, 'weight'], 'GL_W_NO_EFFECT', 'weight has no effect on a route with one service (it weighs the services of a weighted round robin)', undefined, true);
    const r = services.resolve(ref, ir.namespace);
    if (!r.ok) notServed(r.path, r.path.path, r.problem);
    else {
      // A Kubernetes Service is the route's one service; a TraefikService may spread over several.
      const only = r.backends[0];
      if (ref.value['kind'] !== 'TraefikService' && only) single = only.service.name;
      else backends = r.backends.map((b) => ({ service: b.service.name, weight: b.weight }));
      preserveHost = services.settings[only?.service.name ?? '']?.passHostHeader ?? true;
    }
  } else {
    const r = services.weighted(refs, ir.namespace);
    if (!r.ok) notServed(r.path, r.path.path, r.problem);
    else backends = r.backends.map((b) => ({ service: b.service.name, weight: b.weight }));
  }

  // Middlewares, in declared order.
  const mwRefs = ctx.list(route, 'middlewares', (i) => `middlewares[${i}] of ${route.label}`);
  const expanded = mws.expand(mwRefs, ir.namespace);
  if ('problem' in expanded) notServed(expanded.at, expanded.at.path, expanded.problem);

  const previous = out.routes.findIndex((r) => r.name === name);
  if (previous >= 0) {
    ctx.warn(route.doc, matchPath, 'GL_W_NO_EFFECT', `another route of IngressRoute ${ir.namespace}/${ir.name} has the same match, so the same router name ${name}; Traefik keeps only this later one`);
    const gone = out.routes[previous] as RouteIR;
    out.routes.splice(previous, 1);
    out.routers.splice(out.routers.findIndex((r) => r.route === name), 1);
    for (let i = out.plugins.length - 1; i >= 0; i--) if (out.plugins[i]?.scope.route === gone.id) out.plugins.splice(i, 1);
  }
  const id = uuidFrom(`traefik-route:${name}`);
  const parsedRule = parseRule(match);
  out.routes.push({
    name,
    id,
    service: single,
    ...(backends ? { backends } : {}),
    protocols: tls ? ['https'] : ['http', 'https'],
    methods: [],
    hosts: parsedRule.ok ? positiveHosts(parsedRule.tree) : [],
    paths: [],
    headers: {},
    stripPath: false,
    preserveHost,
    pathHandling: 'v0',
    regexPriority: priority,
    httpsRedirectStatusCode: 426,
    loc: ctx.loc(route.doc, route.path),
  });
  out.routers.push({
    route: name,
    rule: match,
    syntax,
    priority,
    entryPoints: entryPoints ?? [],
    ...(tls ? { tls: true } : {}),
    ...(disabled.length ? { disabled: disabled.join('; ') } : {}),
  });
  if ('steps' in expanded) {
    expanded.steps.forEach((step, i) => {
      const plugin = instance(ctx, step, parsedSteps, `${name}#${i}:${step.middleware.key}`, `${step.middleware.key} (${step.vendorName})`, id);
      if (plugin) out.plugins.push(plugin);
    });
  }
}

/** Compiles a router's rule; its notes become diagnostics at their column, an error disables the router. */
export function checkRule(ctx: TraefikContext, at: Node, matchPath: JsonPath, match: string, syntax: 'v2' | 'v3', name: string, disabled: string[]): void {
  const note = (n: RuleNote): void => {
    const loc = ctx.locInString(at.doc, matchPath, match, n.start);
    if (n.severity === 'error') {
      disabled.push(n.message);
      ctx.push('warning', loc, 'GL_W_ROUTE_NOT_SERVED', `router ${name} is not served: error in its rule: ${n.message}`, n.hint);
    } else ctx.push('warning', loc, 'GL_W_DEPRECATED', n.message, n.hint);
  };
  if (match.trim() === '') {
    disabled.push('its rule is empty (Traefik logs "Empty match rule")');
    ctx.warn(at.doc, matchPath, 'GL_W_ROUTE_NOT_SERVED', `router ${name} is not served: its rule is empty (Traefik logs "Empty match rule")`);
    return;
  }
  const compiled = compileRule(match, syntax);
  compiled.notes.forEach(note);
  if (!compiled.ok) note(compiled.error);
}

export function instance(ctx: TraefikContext, step: PluginStep, cache: Map<PluginStep, unknown>, instanceId: string, vendorName: string, routeId: string): PluginInstanceIR | undefined {
  const def = findPlugin(step.plugin);
  if (!def) return undefined;
  if (!cache.has(step)) {
    // Parsed once per middleware, so a problem in a shared middleware is reported once.
    const at = (path: Array<string | number>) => [...step.at.path, ...path];
    const reporter: ConfigReporter = {
      error: (path, code, message, hint) => ctx.error(step.at.doc, at(path), code, `${step.vendorName}: ${message}`, hint, code === 'GL_E_UNKNOWN_FIELD'),
      warn: (path, code, message, hint) => ctx.warn(step.at.doc, at(path), code, `${step.vendorName}: ${message}`, hint, code === 'GL_W_UNKNOWN_FIELD'),
    };
    cache.set(step, def.parse(step.config, reporter));
  }
  return {
    instanceId: uuidFrom(`traefik-plugin:${instanceId}`),
    plugin: def.id,
    vendorName,
    config: cache.get(step),
    scope: { route: routeId },
    enabled: true,
    loc: ctx.loc(step.at.doc, step.at.path),
  };
}
