/**
 * From the controller's locations to what nginx.conf holds (location.go updateServerLocations and
 * template.go buildLocation / enforceRegexModifier / needsRewrite):
 *
 * - A Prefix path without rewrite or use-regex becomes `location /p/` plus an exact `location = /p`
 *   (only the `/p/` one when an Exact `/p` already exists); that is what makes Prefix segment-wise.
 * - If any location of a server uses use-regex or a rewrite, every location of that server becomes a
 *   case-insensitive regex `~* "^<path>"` — Exact ones too — checked in order, first match wins.
 */
import type { Loc, Server } from './servers.ts';
import type { LocationEntry, ServerEntry } from './table.ts';

/** ConfigMap no-tls-redirect-locations default: ACME HTTP-01 challenges stay on plain HTTP. */
const NO_TLS_REDIRECT_LOCATIONS = ['/.well-known/acme-challenge'];

function needsRewrite(loc: Loc): boolean {
  const target = loc.anns?.rewrite.target ?? '';
  return target !== '' && target !== loc.path;
}

function usesRegex(loc: Loc): boolean {
  return loc.anns?.rewrite.useRegex ?? false;
}

/** updateServerLocations: normalised Prefix paths and their exact twins, in place order. */
export function updateServerLocations(locations: readonly Loc[]): Loc[] {
  const exact = new Set(locations.filter((l) => l.pathType === 'Exact').map((l) => l.path));
  const out: Loc[] = [];
  for (const loc of locations) {
    if (loc.path === '/' || loc.pathType !== 'Prefix' || needsRewrite(loc) || usesRegex(loc)) {
      out.push(loc);
      continue;
    }
    const normalized = loc.path.endsWith('/') ? loc.path : `${loc.path}/`;
    out.push({ ...loc, path: normalized });
    if (!exact.has(loc.path)) out.push({ ...loc, pathType: 'Exact' });
  }
  return out;
}

export interface FinalLocation {
  entry: Omit<LocationEntry, 'route'>;
  loc: Loc;
}

/** One server's final locations, as nginx reads them, with the facts the dialect needs per location. */
export function finalLocations(server: Server): { enforceRegex: boolean; locations: FinalLocation[] } {
  const updated = updateServerLocations(server.locations);
  const enforceRegex = updated.some((l) => needsRewrite(l) || usesRegex(l));
  const locations = updated.map((loc): FinalLocation => {
    const anns = loc.anns;
    const entry: Omit<LocationEntry, 'route'> = {
      path: loc.path,
      ingressPath: loc.written.path,
      ingressPathType: loc.written.pathType,
      pathType: loc.pathType,
      modifier: enforceRegex ? 'regex' : loc.pathType === 'Exact' ? 'exact' : 'prefix',
      upstream: loc.upstream,
      defaultBackend: loc.isDefBackend,
      ingress: loc.ing?.key ?? null,
      sslRedirect: anns?.rewrite.sslRedirect ?? true,
      forceSslRedirect: anns?.rewrite.forceSslRedirect ?? false,
      preserveTrailingSlash: anns?.rewrite.preserveTrailingSlash ?? false,
      usePortInRedirects: anns?.usePortInRedirects ?? false,
      noTlsRedirect: NO_TLS_REDIRECT_LOCATIONS.some((p) => loc.path.startsWith(p)),
    };
    if (needsRewrite(loc)) {
      entry.rewriteTarget = anns?.rewrite.target ?? '';
      if (anns?.xForwardedPrefix) entry.xForwardedPrefix = anns.xForwardedPrefix;
    }
    if (anns?.redirect?.url) entry.redirect = { url: anns.redirect.url, code: anns.redirect.code };
    if (anns?.rewrite.appRoot) entry.appRoot = anns.rewrite.appRoot;
    if (anns?.upstreamVhost) entry.upstreamVhost = anns.upstreamVhost;
    if (anns?.connectionHeader) entry.connectionHeader = anns.connectionHeader;
    if (anns?.relativeRedirects) entry.relativeRedirects = true;
    if (anns?.allowSourceRange) entry.allowSourceRange = anns.allowSourceRange;
    if (anns?.denySourceRange) entry.denySourceRange = anns.denySourceRange;
    if (anns?.denied) entry.denied = anns.denied;
    if (anns?.rateLimit?.allowlist.length) entry.limitAllowlist = anns.rateLimit.allowlist;
    if (anns?.cors) entry.cors = anns.cors;
    if (anns?.bodySize) entry.clientMaxBodySize = anns.bodySize;
    return { entry, loc };
  });
  return { enforceRegex, locations };
}

export function serverEntry(server: Server, enforceRegex: boolean, locations: LocationEntry[]): ServerEntry {
  return { hostname: server.hostname, aliases: server.aliases, tls: server.tls, enforceRegex, locations };
}
