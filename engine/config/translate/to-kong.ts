/**
 * The portable model as a Kong 3.x declarative file: services with their URL, routes (hosts, paths,
 * methods, headers; strip_path for a stripped prefix), and rate-limiting, request-transformer and
 * response-transformer plugins. Kong weighs upstream targets, not services, so a weighted route gets
 * an upstream whose targets are its backends — the lesson's "weight via upstream targets".
 */
import { stringify } from 'yaml';
import { dnsLabel, integerWeights, routeLabel, serviceOf } from './common.ts';
import type { Dropped, PMatch, PModel, PRoute } from './model.ts';

const PERIODS: Array<[string, number]> = [['second', 1], ['minute', 60], ['hour', 3600], ['day', 86400]];

function kongPath(m: PMatch, drop: (msg: string) => void): string | undefined {
  const p = m.path;
  if (!p) return undefined;
  switch (p.kind) {
    case 'prefix':
      return p.value;
    case 'segment-prefix':
      if (p.value !== '/' && !p.value.endsWith('/')) drop(`the segment-wise prefix ${p.value} becomes Kong's character prefix, which also matches ${p.value}x`);
      return p.value;
    case 'exact':
      return `~${p.value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
    case 'regex':
      if (!p.value.startsWith('^')) drop(`the regex ${p.value} is anchored at the start in Kong (~ paths match from the first character)`);
      return `~${p.value.replace(/^\^/, '')}`;
  }
}

function plugins(r: PRoute, routeName: string, drop: (m: string) => void): unknown[] {
  const out: unknown[] = [];
  if (r.rateLimit) {
    const rl = r.rateLimit;
    const period = PERIODS.find(([, s]) => s === rl.periodSeconds);
    const config: Record<string, unknown> = { policy: 'local' };
    if (period) config[period[0]] = rl.limit;
    else {
      config['second'] = Math.max(1, Math.round(rl.limit / rl.periodSeconds));
      drop(`a limit per ${rl.periodSeconds}s has no Kong window; it becomes ${String(config['second'])} per second`);
    }
    if (rl.algorithm === 'token-bucket') drop(`the token bucket (burst ${rl.burst ?? 1}) becomes Kong's fixed window: the burst and the smoothing cannot be expressed`);
    if (rl.key === 'ip') config['limit_by'] = 'ip';
    else if (rl.key.startsWith('header:')) Object.assign(config, { limit_by: 'header', header_name: rl.key.slice(7) });
    else if (rl.key === 'global') config['limit_by'] = 'service';
    out.push({ name: 'rate-limiting', route: routeName, config });
  }
  const req = r.requestHeaders;
  if (req.set.length || req.add.length || req.remove.length) {
    out.push({
      name: 'request-transformer',
      route: routeName,
      config: {
        ...(req.remove.length ? { remove: { headers: req.remove } } : {}),
        // replace changes an existing header and add creates a missing one: together, Traefik's "set".
        ...(req.set.length ? { replace: { headers: req.set.map(([n, v]) => `${n}:${v}`) }, add: { headers: req.set.map(([n, v]) => `${n}:${v}`) } } : {}),
        ...(req.add.length ? { append: { headers: req.add.map(([n, v]) => `${n}:${v}`) } } : {}),
      },
    });
  }
  const res = r.responseHeaders;
  if (res.set.length || res.add.length || res.remove.length) {
    out.push({
      name: 'response-transformer',
      route: routeName,
      config: {
        ...(res.remove.length ? { remove: { headers: res.remove } } : {}),
        ...(res.set.length ? { replace: { headers: res.set.map(([n, v]) => `${n}:${v}`) }, add: { headers: res.set.map(([n, v]) => `${n}:${v}`) } } : {}),
        ...(res.add.length ? { append: { headers: res.add.map(([n, v]) => `${n}:${v}`) } } : {}),
      },
    });
  }
  return out;
}

export function toKong(model: PModel): { text: string; dropped: Dropped[] } {
  const dropped: Dropped[] = [];
  const services: Array<Record<string, unknown>> = [];
  const upstreams: unknown[] = [];
  const routes: unknown[] = [];
  const pluginList: unknown[] = [];
  const serviceName = (name: string): string => {
    const s = serviceOf(model, name);
    const n = dnsLabel(name);
    if (s && !services.some((x) => x['name'] === n)) {
      const url = `${s.protocol}://${s.targets.length === 1 ? `${s.targets[0]?.host}:${s.targets[0]?.port}` : `${s.host}:${s.port}`}${s.path ?? ''}`;
      services.push({ name: n, url });
      if (s.targets.length > 1) {
        upstreams.push({ name: s.host, targets: s.targets.map((t) => ({ target: `${t.host}:${t.port}`, weight: t.weight })) });
      }
    }
    return n;
  };
  for (const r of model.routes) {
    const drop = (message: string): void => void dropped.push({ message: `route ${r.name}: ${message}`, ...(r.loc ? { loc: r.loc } : {}) });
    let service: string | undefined;
    if (r.backends.length === 1) service = serviceName((r.backends[0] as { service: string }).service);
    else if (r.backends.length > 1) {
      // One upstream whose targets are the weighted backends.
      const up = `${routeLabel(r)}-weighted`;
      const weights = integerWeights(r.backends.map((b) => b.weight));
      upstreams.push({
        name: up,
        targets: r.backends.map((b, i) => {
          const s = serviceOf(model, b.service);
          if (s && s.targets.length > 1) drop(`backend ${b.service} has several targets; only the first joins the weighted upstream`);
          return { target: `${s?.targets[0]?.host ?? s?.host ?? b.service}:${s?.targets[0]?.port ?? s?.port ?? 80}`, weight: weights[i] };
        }),
      });
      const first = serviceOf(model, r.backends[0]?.service ?? '');
      services.push({ name: up, url: `${first?.protocol ?? 'http'}://${up}${first?.path ?? ''}` });
      service = up;
    }
    // Kong ANDs hosts, paths, methods and headers; matches that differ in more than their paths
    // become routes of their own.
    const groups: PMatch[][] = [];
    for (const m of r.matches) {
      for (const q of m.query) drop(`query condition ${q.name}=${q.value} cannot be expressed: Kong routes do not match on the query string`);
      const key = JSON.stringify({ h: m.hosts, me: m.methods, he: m.headers });
      const g = r.stripPrefix ? undefined : groups.find((x) => JSON.stringify({ h: x[0]?.hosts, me: x[0]?.methods, he: x[0]?.headers }) === key);
      if (g) g.push(m);
      else groups.push([m]);
    }
    groups.forEach((group, i) => {
      const first = group[0] as PMatch;
      const name = groups.length === 1 ? routeLabel(r) : `${routeLabel(r)}-${i}`;
      const paths = group.map((m) => kongPath(m, drop)).filter((p): p is string => p !== undefined);
      // Kong wants at least one of hosts, paths, methods or headers; "everything" is the path /.
      if (paths.length === 0 && first.hosts.length === 0 && first.methods.length === 0 && first.headers.length === 0) paths.push('/');
      const headers: Record<string, string[]> = {};
      for (const h of first.headers) (headers[h.name.toLowerCase()] ??= []).push(h.regex ? `~*${h.value}` : h.value);
      const strip = r.stripPrefix !== undefined && paths.length === 1 && paths[0] === r.stripPrefix;
      if (r.stripPrefix !== undefined && !strip) drop(`the stripped prefix ${r.stripPrefix} is not the route's path, so strip_path cannot express it`);
      routes.push({
        name,
        ...(service ? { service } : {}),
        ...(first.hosts.length ? { hosts: first.hosts } : {}),
        ...(paths.length ? { paths } : {}),
        ...(first.methods.length ? { methods: first.methods } : {}),
        ...(Object.keys(headers).length ? { headers } : {}),
        strip_path: strip,
        preserve_host: r.preserveHost,
      });
      pluginList.push(...plugins(r, name, drop));
    });
  }
  const doc = {
    _format_version: '3.0',
    services,
    routes,
    ...(upstreams.length ? { upstreams } : {}),
    ...(pluginList.length ? { plugins: pluginList } : {}),
  };
  return { text: stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false }), dropped };
}
