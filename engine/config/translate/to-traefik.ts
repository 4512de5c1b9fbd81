/**
 * The portable model as Traefik v3 CRDs: one IngressRoute whose routes carry v3 rules, weighted
 * services and Middlewares (stripPrefix, headers, rateLimit); a `kind: Service` per backend that is
 * not a cluster Service (ExternalName, which Traefik only follows with allowExternalNameServices, so
 * a `_gatelab` document switches it on for gatelab and says what a cluster needs).
 */
import { stringify } from 'yaml';
import { commonNamespace, dnsLabel, integerWeights, kubernetesService, routeLabel, serviceOf, usedServices } from './common.ts';
import type { Dropped, PMatch, PModel, PRoute } from './model.ts';

const bt = (v: string): string => `\`${v}\``;

function or(parts: string[]): string {
  return parts.length === 1 ? (parts[0] as string) : `(${parts.join(' || ')})`;
}

export function traefikRule(m: PMatch): string {
  const terms: string[] = [];
  if (m.hosts.length) terms.push(or(m.hosts.map((h) => `Host(${bt(h)})`)));
  const p = m.path;
  if (p) {
    if (p.kind === 'prefix') terms.push(`PathPrefix(${bt(p.value)})`);
    else if (p.kind === 'exact') terms.push(`Path(${bt(p.value)})`);
    else if (p.kind === 'regex') terms.push(`PathRegexp(${bt(p.value.startsWith('^') ? p.value : `^${p.value}`)})`);
    // Gateway API's segment-wise prefix, exactly: the path itself or anything below it.
    else terms.push(p.value === '/' ? 'PathPrefix(`/`)' : `(Path(${bt(p.value.replace(/\/$/, ''))}) || PathPrefix(${bt(`${p.value.replace(/\/$/, '')}/`)}))`);
  }
  if (m.methods.length) terms.push(or(m.methods.map((x) => `Method(${bt(x)})`)));
  for (const h of m.headers) terms.push(h.regex ? `HeaderRegexp(${bt(h.name)}, ${bt(h.value)})` : `Header(${bt(h.name)}, ${bt(h.value)})`);
  for (const q of m.query) terms.push(q.regex ? `QueryRegexp(${bt(q.name)}, ${bt(q.value)})` : q.value === '' ? `Query(${bt(q.name)})` : `Query(${bt(q.name)}, ${bt(q.value)})`);
  return terms.length ? terms.join(' && ') : 'PathPrefix(`/`)';
}

function middlewares(r: PRoute, drop: (m: string) => void): Array<{ name: string; spec: Record<string, unknown> }> {
  const out: Array<{ name: string; spec: Record<string, unknown> }> = [];
  const base = routeLabel(r);
  if (r.rateLimit) {
    const rl = r.rateLimit;
    const spec: Record<string, unknown> = { average: rl.limit, period: `${rl.periodSeconds}s`, burst: rl.burst ?? rl.limit };
    if (rl.algorithm !== 'token-bucket') drop(`the ${rl.algorithm} limit of ${rl.limit} per ${rl.periodSeconds}s becomes Traefik's token bucket (average ${rl.limit}, burst ${rl.burst ?? rl.limit}): a fixed window cannot be expressed`);
    if (rl.key.startsWith('header:')) spec['sourceCriterion'] = { requestHeaderName: rl.key.slice(7) };
    else if (rl.key !== 'ip') drop(`the rate limit is shared per ${rl.key}; Traefik keys it by source only, here the client address`);
    out.push({ name: `${base}-ratelimit`, spec: { rateLimit: spec } });
  }
  if (r.stripPrefix) out.push({ name: `${base}-strip`, spec: { stripPrefix: { prefixes: [r.stripPrefix] } } });
  const req: Record<string, string> = {};
  const res: Record<string, string> = {};
  for (const [n, v] of r.requestHeaders.set) req[n] = v;
  for (const n of r.requestHeaders.remove) req[n] = '';
  for (const [n, v] of r.responseHeaders.set) res[n] = v;
  for (const n of r.responseHeaders.remove) res[n] = '';
  for (const [n, v] of [...r.requestHeaders.add, ...r.responseHeaders.add]) {
    drop(`appending "${v}" to ${n} cannot be expressed: Traefik's custom headers replace the value`);
  }
  if (Object.keys(req).length || Object.keys(res).length) {
    out.push({ name: `${base}-headers`, spec: { headers: { ...(Object.keys(req).length ? { customRequestHeaders: req } : {}), ...(Object.keys(res).length ? { customResponseHeaders: res } : {}) } } });
  }
  return out;
}

export function toTraefik(model: PModel): { text: string; dropped: Dropped[] } {
  const dropped: Dropped[] = [];
  const docs: unknown[] = [];
  // Everything goes into the backends' namespace when they share one, so no reference crosses one.
  const ns = commonNamespace(model);
  const meta = (name: string): Record<string, string> => (ns && ns !== 'default' ? { name, namespace: ns } : { name });
  const routes: unknown[] = [];
  const mwDocs: unknown[] = [];
  for (const r of model.routes) {
    const drop = (message: string): void => void dropped.push({ message: `route ${r.name}: ${message}`, ...(r.loc ? { loc: r.loc } : {}) });
    if (r.matches.length === 0) continue;
    const rule = r.matches.length === 1 ? traefikRule(r.matches[0] as PMatch) : r.matches.map((m) => `(${traefikRule(m)})`).join(' || ');
    const weights = integerWeights(r.backends.map((b) => b.weight));
    const services = r.backends.map((b, i) => {
      const s = serviceOf(model, b.service);
      const k = s ? kubernetesService(s) : { name: dnsLabel(b.service), external: true };
      return {
        name: k.name,
        ...(k.namespace && k.namespace !== (ns ?? 'default') ? { namespace: k.namespace } : {}),
        port: s?.port ?? 80,
        ...(r.backends.length > 1 ? { weight: weights[i] } : {}),
        ...(r.preserveHost ? {} : { passHostHeader: false }),
      };
    });
    const mws = middlewares(r, drop);
    mwDocs.push(...mws.map((m) => ({ apiVersion: 'traefik.io/v1alpha1', kind: 'Middleware', metadata: meta(m.name), spec: m.spec })));
    routes.push({ match: rule, kind: 'Rule', services, ...(mws.length ? { middlewares: mws.map((m) => ({ name: m.name })) } : {}) });
  }
  docs.push({ apiVersion: 'traefik.io/v1alpha1', kind: 'IngressRoute', metadata: meta('translated'), spec: { routes } }, ...mwDocs);
  let external = false;
  for (const s of usedServices(model)) {
    const k = kubernetesService(s);
    if (s.path) dropped.push({ message: `service ${s.name}: the path ${s.path} it adds upstream has no counterpart on a Traefik service (an addPrefix middleware would)` });
    if (s.targets.length > 1) dropped.push({ message: `service ${s.name}: its ${s.targets.length} targets become one Kubernetes Service; their weights are left to Kubernetes` });
    if (!k.external) continue;
    external = true;
    docs.push({ apiVersion: 'v1', kind: 'Service', metadata: meta(k.name), spec: { type: 'ExternalName', externalName: s.targets[0]?.host ?? s.host, ports: [{ port: s.port }] } });
  }
  if (external) docs.push({ _gatelab: { providers: { kubernetesCRD: { allowExternalNameServices: true } } } });
  return { text: docs.map((d) => stringify(d, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n'), dropped };
}
