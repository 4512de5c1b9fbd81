/**
 * Which server and which location nginx picks for a request, given the table the ingress-nginx adapter
 * built. Servers: an exact server_name (aliases too), then the wildcard servers — which ingress-nginx
 * renders as `~^(?<subdomain>[\w-]+)\.example\.com$`, one label only — in the order nginx.conf lists
 * them, then the default server `_`. Locations (ngx_http_core_find_location): in a server whose
 * locations are all regexes, the first `~*` regex that matches `$uri`; otherwise an exact `=` match,
 * else a prefix location equal to `$uri`, else the auto-redirect (a `/p/` location answers `/p` with
 * 301 to `/p/`), else the longest prefix.
 */
import type { IngressNginxTable, LocationEntry, ServerEntry } from '../config/ingress-nginx/table.ts';
import { compileNginxRegex, locationPattern } from './ingress-nginx-regex.ts';

export type ServerChoice =
  | { kind: 'server'; server: ServerEntry; why: string }
  | { kind: 'www-redirect'; to: string; why: string };

export function selectServer(table: IngressNginxTable, host: string): ServerChoice {
  const fallback = table.servers.find((s) => s.hostname === '_') as ServerEntry;
  if (host !== '') {
    const exact = table.servers.find((s) => s.hostname === host || s.aliases.includes(host));
    if (exact) return { kind: 'server', server: exact, why: `server_name ${exact.hostname === host ? host : `${exact.hostname} (alias ${host})`}` };
    const redirect = table.redirectServers.find((r) => r.from === host);
    if (redirect) return { kind: 'www-redirect', to: redirect.to, why: `from-to-www-redirect server for ${host}` };
    for (const s of table.servers) {
      if (!s.hostname.startsWith('*.')) continue;
      const suffix = s.hostname.slice(1);
      if (host.endsWith(suffix) && /^[A-Za-z0-9_-]+$/.test(host.slice(0, host.length - suffix.length))) {
        return { kind: 'server', server: s, why: `wildcard server ${s.hostname} (one label, as ingress-nginx renders it)` };
      }
    }
  }
  return { kind: 'server', server: fallback, why: host === '' ? 'no Host: the default server' : `no server for ${host}: the default server _` };
}

export type LocationChoice =
  | { kind: 'location'; location: LocationEntry; why: string }
  | { kind: 'auto-redirect'; location: LocationEntry; why: string }
  | { kind: 'none'; why: string };

export function selectLocation(server: ServerEntry, uri: string): LocationChoice {
  if (server.enforceRegex) {
    for (const loc of server.locations) {
      const compiled = compileNginxRegex(locationPattern(loc.path));
      if (compiled.ok && compiled.re.matcher(uri).lookingAt()) {
        return { kind: 'location', location: loc, why: `location ~* "^${loc.path}" (every location of this server is a regex because of use-regex or rewrite-target; first match in order)` };
      }
    }
    return { kind: 'none', why: 'no regex location matches' };
  }
  const exact = server.locations.find((l) => l.modifier === 'exact' && l.path === uri);
  if (exact) return { kind: 'location', location: exact, why: `location = ${exact.path}` };
  const equal = server.locations.find((l) => l.modifier === 'prefix' && l.path === uri);
  if (equal) return { kind: 'location', location: equal, why: `location ${equal.path}` };
  const slash = server.locations.find((l) => l.modifier === 'prefix' && l.path === `${uri}/`);
  if (slash) return { kind: 'auto-redirect', location: slash, why: `location ${slash.path} (nginx redirects ${uri} to ${uri}/: a prefix location ending in / answers its name without the slash)` };
  let best: LocationEntry | undefined;
  for (const l of server.locations) {
    if (l.modifier === 'prefix' && uri.startsWith(l.path) && (!best || l.path.length > best.path.length)) best = l;
  }
  return best ? { kind: 'location', location: best, why: `location ${best.path} (longest prefix)` } : { kind: 'none', why: 'no location matches' };
}

/** How a location came about, in a few words, for reasons. */
export function describeLocation(loc: LocationEntry): string {
  const written = `${loc.ingressPathType} ${loc.ingressPath || '(empty)'}`;
  if (loc.defaultBackend) return loc.ingress ? `the catch-all / of host (from ${loc.ingress})` : 'the catch-all /';
  if (loc.pathType === 'Exact' && loc.ingressPathType !== 'Exact') return `the exact twin of ${written} from ${loc.ingress}`;
  return `${written} from ${loc.ingress}`;
}
