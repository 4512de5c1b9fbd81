/**
 * The portable model as gatelab's native IR form (engine/config/native/adapt.ts reads it back): services
 * with their targets, Kong-style routes (`/prefix`, `=/exact`, `~regex` paths; stripPath), and plugins by
 * gatelab id with configs their parse accepts — so a Traefik token bucket stays a Traefik token bucket.
 * Weighted backends become one service whose targets carry the weights.
 */
import { stringify } from 'yaml';
import { dnsLabel, integerWeights, routeLabel, serviceOf } from './common.ts';
import type { Dropped, PMatch, PModel, PRoute } from './model.ts';

const PERIODS: Array<[string, number]> = [['second', 1], ['minute', 60], ['hour', 3600], ['day', 86400], ['month', 2592000], ['year', 31536000]];

function nativePath(m: PMatch, drop: (msg: string) => void): string | undefined {
  const p = m.path;
  if (!p) return undefined;
  if (p.kind === 'exact') return `=${p.value}`;
  if (p.kind === 'regex') {
    if (!p.value.startsWith('^')) drop(`the regex ${p.value} is anchored at the start in the native form (it routes by Kong's rules)`);
    return `~${p.value.replace(/^\^/, '')}`;
  }
  if (p.kind === 'segment-prefix' && p.value !== '/' && !p.value.endsWith('/')) drop(`the segment-wise prefix ${p.value} becomes a character prefix`);
  return p.value;
}

function plugins(r: PRoute, route: string, stripped: boolean, drop: (m: string) => void): unknown[] {
  const out: unknown[] = [];
  const rl = r.rateLimit;
  if (rl) {
    if (rl.algorithm === 'token-bucket') {
      out.push({ plugin: 'rate-limit', route, config: { algorithm: 'token-bucket', flavour: 'traefik', average: rl.limit, period: `${rl.periodSeconds}s`, burst: rl.burst ?? 1, key: rl.key } });
    } else {
      const period = PERIODS.find(([, s]) => s === rl.periodSeconds)?.[0] ?? 'second';
      const limitBy = rl.key === 'ip' ? 'ip' : rl.key.startsWith('header:') ? 'header' : rl.key === 'global' ? 'service' : 'consumer';
      out.push({ plugin: 'rate-limit', route, config: { [period]: rl.limit, limit_by: limitBy, ...(limitBy === 'header' ? { header_name: rl.key.slice(7) } : {}) } });
    }
  }
  if (r.stripPrefix !== undefined && !stripped) out.push({ plugin: 'path-rewrite', route, config: { stripPrefix: { prefixes: [r.stripPrefix] } } });
  const req: Record<string, string> = {};
  const res: Record<string, string> = {};
  for (const [n, v] of r.requestHeaders.set) req[n] = v;
  for (const n of r.requestHeaders.remove) req[n] = '';
  for (const [n, v] of r.responseHeaders.set) res[n] = v;
  for (const n of r.responseHeaders.remove) res[n] = '';
  for (const [n, v] of [...r.requestHeaders.add, ...r.responseHeaders.add]) drop(`appending "${v}" to ${n} is left out (the headers plugin sets values)`);
  if (Object.keys(req).length || Object.keys(res).length) {
    out.push({ plugin: 'headers', route, config: { ...(Object.keys(req).length ? { customRequestHeaders: req } : {}), ...(Object.keys(res).length ? { customResponseHeaders: res } : {}) } });
  }
  return out;
}

export function toNativeIr(model: PModel): { text: string; dropped: Dropped[] } {
  const dropped: Dropped[] = [];
  const services: Array<Record<string, unknown>> = [];
  const routes: unknown[] = [];
  const pluginList: unknown[] = [];
  const addService = (name: string): string | undefined => {
    const s = serviceOf(model, name);
    if (!s) return undefined;
    const n = dnsLabel(name);
    if (!services.some((x) => x['name'] === n)) {
      services.push({
        name: n,
        url: `${s.protocol}://${s.host}:${s.port}${s.path ?? ''}`,
        targets: s.targets.map((t) => ({ target: `${t.host}:${t.port}`, weight: t.weight })),
      });
    }
    return n;
  };
  for (const r of model.routes) {
    const drop = (message: string): void => void dropped.push({ message: `route ${r.name}: ${message}`, ...(r.loc ? { loc: r.loc } : {}) });
    let service: string | undefined;
    if (r.backends.length === 1) service = addService((r.backends[0] as { service: string }).service);
    else if (r.backends.length > 1) {
      service = `${routeLabel(r)}-weighted`;
      const weights = integerWeights(r.backends.map((b) => b.weight));
      const first = serviceOf(model, r.backends[0]?.service ?? '');
      services.push({
        name: service,
        url: `${first?.protocol ?? 'http'}://${first?.host ?? service}:${first?.port ?? 80}`,
        targets: r.backends.map((b, i) => {
          const s = serviceOf(model, b.service);
          return { target: `${s?.targets[0]?.host ?? s?.host ?? b.service}:${s?.targets[0]?.port ?? s?.port ?? 80}`, weight: weights[i] };
        }),
      });
    }
    r.matches.forEach((m, i) => {
      for (const q of m.query) drop(`query condition ${q.name}=${q.value} is left out: the native form routes by Kong's rules, which ignore the query`);
      const name = r.matches.length === 1 ? routeLabel(r) : `${routeLabel(r)}-${i}`;
      const path = nativePath(m, drop);
      const headers: Record<string, string[]> = {};
      for (const h of m.headers) (headers[h.name.toLowerCase()] ??= []).push(h.regex ? `~*${h.value}` : h.value);
      const stripped = r.stripPrefix !== undefined && m.path?.kind === 'prefix' && m.path.value === r.stripPrefix;
      routes.push({
        name,
        ...(service ? { service } : {}),
        ...(m.hosts.length ? { hosts: m.hosts } : {}),
        paths: path ? [path] : ['/'],
        ...(m.methods.length ? { methods: m.methods } : {}),
        ...(Object.keys(headers).length ? { headers } : {}),
        stripPath: stripped,
        preserveHost: r.preserveHost,
      });
      pluginList.push(...plugins(r, name, stripped, drop));
    });
  }
  const doc = { services, routes, ...(pluginList.length ? { plugins: pluginList } : {}) };
  return { text: stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false }), dropped };
}
