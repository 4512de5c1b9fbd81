/**
 * The controller's assembly of nginx servers from Ingresses, step for step as
 * internal/ingress/controller/controller.go does it: createUpstreams, createServers (a catch-all `/`
 * per host pointing at the default backend or the Ingress's spec.defaultBackend), getBackendServers
 * (first Ingress wins a host+path+pathType; a path `/` takes over the catch-all), canaries merged as
 * alternative backends of the primary upstream, locations sorted (path descending, then longest first).
 * Ingresses arrive sorted by creation. Path normalisation happens later (locations.ts).
 */
import type { JsonPath } from '../yaml-source.ts';
import type { AdaptContext } from './context.ts';
import type { IngressAnnotations } from './annotations/parse.ts';
import type { BackendRef, ParsedIngress } from './ingress-read.ts';
import { type Endpoints, type ServiceCatalog, upstreamName } from './services.ts';
import { type AffinityEntry, type CanaryPolicy, DEFAULT_UPSTREAM } from './table.ts';

export interface Upstream {
  name: string;
  ref: BackendRef | null;
  endpoints: Endpoints | null;
  /** A canary's upstream: it serves no location of its own. */
  noServer: boolean;
  canary?: { ingress: string; policy: CanaryPolicy };
  alternatives: string[];
  /** The Ingress that created it (its backend-protocol and timeouts apply). */
  owner: ParsedIngress | null;
  /** Cookie affinity (affinity.ts assignAffinity), set after the canaries are merged. */
  affinity?: AffinityEntry;
}

export interface Loc {
  path: string;
  pathType: 'Exact' | 'Prefix';
  upstream: string;
  isDefBackend: boolean;
  /** The Ingress this location belongs to (nginx's $ingress_name). */
  ing: ParsedIngress | null;
  /** The annotations applied to it (locationApplyAnnotations), or null for the bare default. */
  anns: IngressAnnotations | null;
  /** The path and pathType as the Ingress wrote them, and where. */
  written: { path: string; pathType: string; at?: JsonPath };
}

export interface Server {
  hostname: string;
  aliases: string[];
  tls: boolean;
  locations: Loc[];
  fromToWww: boolean;
}

export interface Built {
  servers: Map<string, Server>;
  upstreams: Map<string, Upstream>;
}

/** ImplementationSpecific and a missing pathType become Prefix (k8s.SetDefaultNGINXPathType). */
export function effectivePathType(t: string): 'Exact' | 'Prefix' {
  return t === 'Exact' ? 'Exact' : 'Prefix';
}

export function buildServers(ctx: AdaptContext, ingresses: readonly ParsedIngress[], catalog: ServiceCatalog): Built {
  const upstreams = createUpstreams(ingresses, catalog);
  const servers = createServers(ingresses, upstreams);
  const canaries: ParsedIngress[] = [];
  for (const ing of ingresses) {
    for (const rule of ing.rules) {
      const host = rule.host || '_';
      const server = servers.get(host) ?? (servers.get('_') as Server);
      if (!rule.http) continue;
      for (const path of rule.paths) {
        if (!path.service) continue;
        const ups = upstreams.get(upstreamName(path.service)) as Upstream;
        if (ups.noServer) continue;
        addLocation(ctx, server, ing, path.path || '/', effectivePathType(path.pathType), ups, path.at, { path: path.path, pathType: path.pathType, at: path.at });
      }
    }
    if (ing.anns.canary.enabled) canaries.push(ing);
  }
  if (ingresses.length > canaries.length) {
    for (const canary of canaries) mergeCanary(ctx, canary, upstreams, servers);
  } else {
    for (const canary of canaries) {
      ctx.warn(canary.node, ['metadata', 'annotations'], 'GL_W_LESSON_DIFFERS', `canary Ingress ${canary.key} has no main Ingress to attach to (there is no non-canary Ingress at all); ingress-nginx ignores it, so its hosts and paths get the default backend (404)`, 'add the main Ingress for the same host and path, without the canary annotations');
    }
  }
  for (const server of servers.values()) {
    // getBackendServers: stable sort by path descending, then by length descending.
    server.locations.sort((a, b) => (a.path > b.path ? -1 : a.path < b.path ? 1 : 0));
    server.locations.sort((a, b) => b.path.length - a.path.length);
  }
  return { servers, upstreams };
}

function createUpstreams(ingresses: readonly ParsedIngress[], catalog: ServiceCatalog): Map<string, Upstream> {
  const ups = new Map<string, Upstream>();
  ups.set(DEFAULT_UPSTREAM, { name: DEFAULT_UPSTREAM, ref: null, endpoints: null, noServer: false, alternatives: [], owner: null });
  const shaping = (ing: ParsedIngress, u: Upstream): void => {
    if (!ing.anns.canary.enabled) return;
    u.noServer = true;
    u.canary = { ingress: ing.key, policy: ing.anns.canary.policy };
  };
  for (const ing of ingresses) {
    if (ing.defaultBackend) {
      // The controller creates this upstream afresh for every Ingress naming it.
      const u: Upstream = { name: upstreamName(ing.defaultBackend), ref: ing.defaultBackend, endpoints: catalog.resolve(ing.defaultBackend), noServer: false, alternatives: [], owner: ing };
      shaping(ing, u);
      ups.set(u.name, u);
    }
    for (const rule of ing.rules) {
      for (const path of rule.paths) {
        if (!path.service) continue;
        const name = upstreamName(path.service);
        if (ups.has(name)) continue;
        const u: Upstream = { name, ref: path.service, endpoints: catalog.resolve(path.service), noServer: false, alternatives: [], owner: ing };
        shaping(ing, u);
        ups.set(name, u);
      }
    }
  }
  return ups;
}

function createServers(ingresses: readonly ParsedIngress[], upstreams: Map<string, Upstream>): Map<string, Server> {
  const servers = new Map<string, Server>();
  const catchAll: Loc = { path: '/', pathType: 'Prefix', upstream: DEFAULT_UPSTREAM, isDefBackend: true, ing: null, anns: null, written: { path: '/', pathType: 'Prefix' } };
  servers.set('_', { hostname: '_', aliases: [], tls: false, locations: [catchAll], fromToWww: false });
  for (const ing of ingresses) {
    if (ing.anns.canary.enabled) continue;
    let un = DEFAULT_UPSTREAM;
    if (ing.defaultBackend && upstreams.has(upstreamName(ing.defaultBackend))) {
      un = upstreamName(ing.defaultBackend);
      catchAll.upstream = un;
      catchAll.ing = ing;
      if (catchAll.isDefBackend && ing.rules.length === 0) {
        // A backend and no rules: it configures the catch-all server, redirects and rewrites aside.
        catchAll.isDefBackend = false;
        catchAll.anns = { ...ing.anns, rewrite: { ...ing.anns.rewrite, target: '', appRoot: '' } };
        delete catchAll.anns.redirect;
      }
    }
    for (const rule of ing.rules) {
      const host = rule.host || '_';
      if (servers.has(host)) continue;
      const root: Loc = { path: '/', pathType: 'Prefix', upstream: un, isDefBackend: true, ing, anns: ing.anns, written: { path: '/', pathType: 'Prefix' } };
      servers.set(host, { hostname: host, aliases: [], tls: false, locations: [root], fromToWww: false });
    }
  }
  for (const ing of ingresses) {
    if (ing.anns.canary.enabled) continue;
    for (const rule of ing.rules) {
      const server = servers.get(rule.host || '_') as Server;
      if (server.aliases.length === 0) server.aliases = ing.anns.serverAlias.filter((a) => a !== server.hostname);
      // Any tls section gives the Ingress's hosts a certificate (its own, or the default one).
      if (!server.tls && server.hostname !== '_' && ing.tlsHosts !== null) server.tls = true;
    }
  }
  for (const server of servers.values()) server.aliases = [...new Set(server.aliases.filter((a) => !servers.has(a)))];
  return servers;
}

function addLocation(
  ctx: AdaptContext,
  server: Server,
  ing: ParsedIngress,
  path: string,
  pathType: 'Exact' | 'Prefix',
  ups: Upstream,
  at: JsonPath,
  written: Loc['written'],
): void {
  for (const loc of server.locations) {
    if (loc.path !== path) continue;
    // Same path, other type: both are kept (the loop stops at the first same-path location).
    if (loc.pathType !== pathType) break;
    if (!loc.isDefBackend) {
      ctx.warn(ing.node, at, 'GL_W_NO_EFFECT', `${pathType} path ${path} on host ${server.hostname} is already taken by Ingress ${loc.ing?.key ?? '?'} (created earlier); ingress-nginx keeps the first and ignores this one`);
      return;
    }
    Object.assign(loc, { upstream: ups.name, isDefBackend: false, ing, anns: ing.anns, written });
    if (ing.anns.redirect?.fromToWww) server.fromToWww = true;
    return;
  }
  server.locations.push({ path, pathType, upstream: ups.name, isDefBackend: false, ing, anns: ing.anns, written });
  if (ing.anns.redirect?.fromToWww) server.fromToWww = true;
}

/** mergeAlternativeBackends: a canary path joins the location with the same host, path and pathType. */
function mergeCanary(ctx: AdaptContext, ing: ParsedIngress, upstreams: Map<string, Upstream>, servers: Map<string, Server>): void {
  const tryMerge = (alt: Upstream, server: Server, match: (loc: Loc) => boolean): boolean => {
    let merged = false;
    for (const loc of server.locations) {
      const pri = upstreams.get(loc.upstream) as Upstream;
      if (pri.name === alt.name) {
        ctx.warn(ing.node, ['spec'], 'GL_W_NO_EFFECT', `canary ${ing.key} sends to the same upstream (${alt.name}) as the main Ingress at ${server.hostname}${loc.path}; it changes nothing`);
        return true;
      }
      if (pri.name !== DEFAULT_UPSTREAM && !pri.noServer && match(loc)) {
        if (!pri.alternatives.includes(alt.name)) pri.alternatives.push(alt.name);
        merged = true;
      }
    }
    return merged;
  };
  if (ing.defaultBackend) {
    const alt = upstreams.get(upstreamName(ing.defaultBackend));
    if (alt && !tryMerge(alt, servers.get('_') as Server, () => true)) upstreams.delete(alt.name);
  }
  for (const rule of ing.rules) {
    const host = rule.host || '_';
    for (const path of rule.paths) {
      if (!path.service) continue;
      const alt = upstreams.get(upstreamName(path.service));
      if (!alt) continue;
      const server = servers.get(host);
      if (!server) {
        ctx.warn(ing.node, [...rule.at, 'host'], 'GL_W_LESSON_DIFFERS', `canary ${ing.key}: no main Ingress serves host ${host}, so this canary is ignored (ingress-nginx: "cannot merge alternative backend into hostname that does not exist")`, 'add a main Ingress for this host and path');
        continue;
      }
      const want = effectivePathType(path.pathType);
      // Compared as written: an empty canary path does not meet the main Ingress's "/".
      if (!tryMerge(alt, server, (loc) => loc.path === path.path && loc.pathType === want)) {
        ctx.warn(ing.node, path.at, 'GL_W_LESSON_DIFFERS', `canary ${ing.key}: no main Ingress has ${want} path ${path.path || '(empty)'} on host ${host}; ingress-nginx drops this canary backend ("unable to find real backend")`, 'give the canary exactly the main Ingress\'s host, path and pathType');
        upstreams.delete(alt.name);
      }
    }
  }
}

