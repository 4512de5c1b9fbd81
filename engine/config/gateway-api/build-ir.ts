/**
 * The attached routes → GatewayIR. Each rule of an attached HTTPRoute becomes one RouteIR named
 * `namespace/name#rule-index` (what `explain` reports as the route), with its backendRefs as weighted
 * backends and its filters as plugin instances in declared order: the rule's filters, then each
 * backendRef's own (scoped to that backend, so they run only when it is chosen). Each referenced
 * Service port becomes a ServiceIR named after the Service — qualified with the namespace or port only
 * when two referenced backends would otherwise share a name.
 */
import type { GatewayIR, PathMatchIR, PluginInstanceIR, RouteIR, ServiceIR, WeightedBackendIR } from '../ir.ts';
import type { GwRoute, GwTable } from '../../routing/gateway-api-table.ts';
import type { RequestMirrorConfig } from '../../plugins/request-mirror/config.ts';
import type { Attached } from './attach.ts';
import type { BackendKey } from './backends.ts';
import type { AdaptContext } from './context.ts';
import type { FilterModel } from './filters.ts';
import type { RouteModel, RuleModel } from './routes.ts';
import { CONNECT_TIMEOUT_MS, ROUTE_TIMEOUT_MS, type UpstreamBuilder } from './upstream.ts';

export function buildIr(ctx: AdaptContext, routes: readonly RouteModel[], attached: Attached, upstream: UpstreamBuilder): GatewayIR {
  const live = routes.filter((r) => attached.attachments.has(r.key));
  const names = serviceNames(live);
  const services = new Map<string, ServiceIR>();
  const serviceFor = (key: BackendKey): string => {
    const id = keyId(key);
    const name = names.get(id) as string;
    if (!services.has(id)) {
      const host = key.externalName ?? `${key.name}.${key.namespace}.svc.cluster.local`;
      services.set(id, {
        name,
        id,
        protocol: 'http',
        host,
        port: key.port,
        targets: upstream.targets(ctx, id, key, host),
        retries: 0,
        connectTimeoutMs: CONNECT_TIMEOUT_MS,
        readTimeoutMs: ROUTE_TIMEOUT_MS,
        writeTimeoutMs: ROUTE_TIMEOUT_MS,
      });
    }
    return name;
  };

  const irRoutes: RouteIR[] = [];
  const plugins: PluginInstanceIR[] = [];
  const tableRoutes: GwRoute[] = [];
  for (const r of live) {
    const attachments = attached.attachments.get(r.key) ?? [];
    const protocols = [...new Set(attachments.map((a) => attached.listeners[a.listener]?.protocol ?? 'http'))];
    const hosts = attachments.some((a) => a.hostnames === null) ? [] : [...new Set(attachments.flatMap((a) => a.hostnames ?? []))];
    const table: GwRoute = { key: r.key, createdMs: r.createdMs, attachments, rules: [] };
    for (const rule of r.rules) {
      const id = `${r.key}#${rule.index}`;
      const backends: WeightedBackendIR[] = [];
      if (rule.invalid === null) {
        plugins.push(...rule.filters.map((f, j) => pluginOf(ctx, r, rule, f, `${id}/filters/${j}`, { route: id }, serviceFor)));
        for (const [k, b] of rule.backendRefs.entries()) {
          const service = b.resolved.key ? serviceFor(b.resolved.key) : null;
          if (b.resolved.key && service !== null && b.weight > 0) upstream.claim(ctx, keyId(b.resolved.key), service, r, rule);
          const own = service === null ? [] : b.filters.map((f, j) => pluginOf(ctx, r, rule, f, `${id}/backendRefs/${k}/filters/${j}`, { route: id, service }, serviceFor));
          plugins.push(...own);
          backends.push({ service, weight: b.weight, ...(own.length ? { plugins: own.map((p) => p.instanceId) } : {}) });
        }
      }
      irRoutes.push(routeIr(ctx, r, rule, id, backends, protocols, hosts));
      table.rules.push({
        routeId: id,
        index: rule.index,
        matches: rule.matches,
        backends: rule.invalid === null ? rule.backendRefs.map((b) => ({ label: b.resolved.label, problem: b.resolved.problem })) : [],
        invalid: rule.invalid,
      });
    }
    tableRoutes.push(table);
  }
  const gwTable: GwTable = { listeners: attached.listeners, routes: tableRoutes, ...(attached.unattached.length ? { unattached: attached.unattached } : {}) };
  for (const [id, svc] of services) {
    const policy = upstream.policy(id);
    if (policy) svc.policy = policy;
  }
  return {
    dialect: 'gateway-api',
    router: { kind: 'gateway-api', table: gwTable },
    pluginOrder: 'declared',
    listeners: attached.listeners.map((l) => ({ name: `${l.gateway}/${l.name}`, port: l.port, protocol: l.protocol })),
    services: [...services.values()],
    routes: irRoutes,
    plugins,
    consumers: [],
  };
}

function keyId(k: BackendKey): string {
  return `${k.namespace}/${k.name}:${k.port}`;
}

/** Plain Service names, qualified only where two referenced backends would collide. */
function serviceNames(routes: readonly RouteModel[]): Map<string, string> {
  const keys = new Map<string, BackendKey>();
  for (const r of routes) {
    for (const rule of r.rules) {
      const refs = rule.backendRefs.flatMap((b) => [b.resolved.key, ...b.filters.map((f) => f.mirror?.key ?? null)]);
      for (const k of [...refs, ...rule.filters.map((f) => f.mirror?.key ?? null)]) if (k) keys.set(keyId(k), k);
    }
  }
  const namespacesOf = new Map<string, Set<string>>();
  for (const k of keys.values()) namespacesOf.set(k.name, (namespacesOf.get(k.name) ?? new Set()).add(k.namespace));
  const base = (k: BackendKey): string => ((namespacesOf.get(k.name)?.size ?? 0) > 1 ? `${k.namespace}/${k.name}` : k.name);
  const portsOf = new Map<string, Set<number>>();
  for (const k of keys.values()) portsOf.set(base(k), (portsOf.get(base(k)) ?? new Set()).add(k.port));
  const out = new Map<string, string>();
  for (const [id, k] of keys) out.set(id, (portsOf.get(base(k))?.size ?? 0) > 1 ? `${base(k)}:${k.port}` : base(k));
  return out;
}

function pluginOf(
  ctx: AdaptContext,
  r: RouteModel,
  rule: RuleModel,
  f: FilterModel,
  instanceId: string,
  scope: PluginInstanceIR['scope'],
  serviceFor: (k: BackendKey) => string,
): PluginInstanceIR {
  let config = f.config;
  if (f.mirror) {
    // Envoy times a shadow with its route's timeout, which Envoy Gateway sets from the rule's
    // timeouts.request; 0s disables it, and the shadow then has no timeout either (timeoutMs 0).
    const requestMs = rule.resilience.timeouts?.requestMs;
    const timeout = requestMs !== undefined && requestMs >= 0 ? { timeoutMs: requestMs } : {};
    config = { ...(f.config as RequestMirrorConfig), service: f.mirror.key ? serviceFor(f.mirror.key) : null, ...timeout };
  }
  return { instanceId, plugin: f.plugin, vendorName: f.type, config, scope, enabled: true, loc: ctx.loc(r.obj, f.at) };
}

function routeIr(
  ctx: AdaptContext,
  r: RouteModel,
  rule: RuleModel,
  id: string,
  backends: WeightedBackendIR[],
  protocols: Array<'http' | 'https'>,
  hosts: string[],
): RouteIR {
  const methods = rule.matches.every((m) => m.method !== null) ? [...new Set(rule.matches.map((m) => m.method as string))] : [];
  const paths: PathMatchIR[] = rule.matches.map((m) => ({
    kind: m.path.type === 'Exact' ? 'exact' : m.path.type === 'RegularExpression' ? 'regex' : 'prefix',
    value: m.path.value,
  }));
  return {
    name: id,
    id,
    service: backends.find((b) => b.service !== null && b.weight > 0)?.service ?? null,
    protocols,
    methods,
    hosts,
    paths,
    headers: {},
    backends,
    stripPath: false,
    // Gateway API implementations forward the client's Host unless a URLRewrite filter changes it.
    preserveHost: true,
    pathHandling: 'v1',
    regexPriority: 0,
    httpsRedirectStatusCode: 301,
    loc: ctx.loc(r.obj, ['spec', 'rules', rule.index]),
  };
}
