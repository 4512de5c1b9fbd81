/**
 * The portable model as Gateway API v1: a Gateway with one HTTP listener, HTTPRoutes (one per set of
 * hostnames, since hostnames belong to the route) whose rules carry matches, filters (URLRewrite for a
 * stripped prefix, Request/ResponseHeaderModifier) and weighted backendRefs, and a `kind: Service`
 * for each backend that is not a cluster Service. Gateway API has no core rate limiting.
 */
import { stringify } from 'yaml';
import { commonNamespace, integerWeights, kubernetesService, routeLabel, serviceOf, usedServices } from './common.ts';
import type { Dropped, PMatch, PModel, PRoute } from './model.ts';

function gwMatches(m: PMatch, drop: (msg: string) => void): unknown[] {
  const base: Record<string, unknown> = {};
  const p = m.path;
  if (p) {
    if (p.kind === 'exact') base['path'] = { type: 'Exact', value: p.value };
    else if (p.kind === 'regex') base['path'] = { type: 'RegularExpression', value: p.value };
    else {
      if (p.kind === 'prefix' && p.value !== '/' && !p.value.endsWith('/')) {
        drop(`the character prefix ${p.value} becomes Gateway API's PathPrefix, which matches whole segments: ${p.value}x no longer matches`);
      }
      base['path'] = { type: 'PathPrefix', value: p.value };
    }
  }
  if (m.headers.length) base['headers'] = m.headers.map((h) => ({ ...(h.regex ? { type: 'RegularExpression' } : {}), name: h.name, value: h.value }));
  if (m.query.length) base['queryParams'] = m.query.map((q) => ({ ...(q.regex ? { type: 'RegularExpression' } : {}), name: q.name, value: q.value }));
  // One method per match: several methods become several matches.
  return m.methods.length ? m.methods.map((method) => ({ ...base, method })) : [base];
}

function filters(r: PRoute, drop: (m: string) => void): unknown[] {
  const out: unknown[] = [];
  if (r.stripPrefix !== undefined) {
    const ok = r.matches.every((m) => m.path && (m.path.kind === 'prefix' || m.path.kind === 'segment-prefix') && m.path.value === r.stripPrefix);
    if (ok) out.push({ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } });
    else drop(`the stripped prefix ${r.stripPrefix} is not the rule's PathPrefix, so ReplacePrefixMatch cannot express it`);
  }
  const mod = (ops: PRoute['requestHeaders']): Record<string, unknown> => ({
    ...(ops.set.length ? { set: ops.set.map(([name, value]) => ({ name, value })) } : {}),
    ...(ops.add.length ? { add: ops.add.map(([name, value]) => ({ name, value })) } : {}),
    ...(ops.remove.length ? { remove: ops.remove } : {}),
  });
  const req = mod(r.requestHeaders);
  if (Object.keys(req).length) out.push({ type: 'RequestHeaderModifier', requestHeaderModifier: req });
  const res = mod(r.responseHeaders);
  if (Object.keys(res).length) out.push({ type: 'ResponseHeaderModifier', responseHeaderModifier: res });
  if (r.rateLimit) drop(`the rate limit (${r.rateLimit.limit} per ${r.rateLimit.periodSeconds}s) cannot be expressed: Gateway API has no rate limiting in its core API`);
  if (!r.preserveHost) drop('sending the backend its own host name instead of the client\'s Host needs a URLRewrite hostname, which is left out');
  return out;
}

export function toGatewayApi(model: PModel): { text: string; dropped: Dropped[] } {
  const dropped: Dropped[] = [];
  // Gateway, routes and Services go into the backends' namespace when they share one.
  const ns = commonNamespace(model);
  const meta = (name: string): Record<string, string> => (ns && ns !== 'default' ? { name, namespace: ns } : { name });
  const docs: unknown[] = [
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: meta('gateway'),
      spec: { gatewayClassName: 'gatelab', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
    },
  ];
  const byHosts = new Map<string, unknown[]>();
  for (const r of model.routes) {
    const drop = (message: string): void => void dropped.push({ message: `route ${r.name}: ${message}`, ...(r.loc ? { loc: r.loc } : {}) });
    const weights = integerWeights(r.backends.map((b) => b.weight));
    const backendRefs = r.backends.map((b, i) => {
      const s = serviceOf(model, b.service);
      const k = s ? kubernetesService(s) : { name: routeLabel(r), external: true };
      return { name: k.name, ...(k.namespace && k.namespace !== (ns ?? 'default') ? { namespace: k.namespace } : {}), port: s?.port ?? 80, ...(r.backends.length > 1 ? { weight: weights[i] } : {}) };
    });
    if (backendRefs.some((b) => 'namespace' in b)) drop('a backend in another namespace also needs a ReferenceGrant there');
    // Hostnames are per HTTPRoute: the rule goes to the route of its match's hosts.
    const groups = new Map<string, PMatch[]>();
    for (const m of r.matches) {
      const key = [...m.hosts].sort().join(',');
      groups.set(key, [...(groups.get(key) ?? []), m]);
    }
    for (const [key, ms] of groups) {
      const f = filters({ ...r, matches: ms }, drop);
      const matches = ms.flatMap((m) => gwMatches(m, drop));
      // ReplacePrefixMatch allows exactly one match per rule: a stripped prefix splits the rule.
      const split = r.stripPrefix !== undefined ? matches.map((m) => [m]) : [matches];
      const rules = split.map((one) => ({ matches: one, ...(f.length ? { filters: f } : {}), backendRefs }));
      byHosts.set(key, [...(byHosts.get(key) ?? []), ...rules]);
    }
  }
  let i = 0;
  for (const [hosts, rules] of byHosts) {
    docs.push({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: meta(byHosts.size === 1 ? 'translated' : `translated-${i++}`),
      spec: { parentRefs: [{ name: 'gateway' }], ...(hosts ? { hostnames: hosts.split(',') } : {}), rules },
    });
  }
  for (const s of usedServices(model)) {
    const k = kubernetesService(s);
    if (s.path) dropped.push({ message: `service ${s.name}: the path ${s.path} it adds upstream is left out (a URLRewrite would express it per rule)` });
    if (!k.external) continue;
    docs.push({ apiVersion: 'v1', kind: 'Service', metadata: meta(k.name), spec: { type: 'ExternalName', externalName: s.targets[0]?.host ?? s.host, ports: [{ port: s.port }] } });
  }
  return { text: docs.map((d) => stringify(d, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n'), dropped };
}
