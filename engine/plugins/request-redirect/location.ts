/**
 * The Location of a Gateway API RequestRedirect (semantics §7, HTTPRequestRedirectFilter):
 * - scheme: the filter's, else the request's;
 * - host: the filter's hostname, else the request's Host without its port;
 * - port: the filter's; else, when the filter names a scheme, that scheme's well-known port (80, 443);
 *   else the listener's port — and :80 for http, :443 for https are left out of the Location;
 * - path: the path modifier's result, else the request path; the query is kept.
 */
import { requestHostname } from '../../routing/gateway-api-hostname.ts';
import { modifyPath, type PathModifier } from '../url-rewrite/path-modifier.ts';

export interface RedirectSpec {
  scheme?: 'http' | 'https';
  hostname?: string;
  port?: number;
  path?: PathModifier;
}

export interface RedirectRequest {
  scheme: 'http' | 'https';
  /** The Host header as received (its port is ignored). */
  host: string;
  /** The listener port the request arrived on. */
  listenerPort: number;
  path: string;
  query: string;
  matchedPrefix?: string;
}

const WELL_KNOWN: Record<'http' | 'https', number> = { http: 80, https: 443 };

export function redirectLocation(spec: RedirectSpec, req: RedirectRequest): string {
  const scheme = spec.scheme ?? req.scheme;
  const host = spec.hostname ?? requestHostname(req.host);
  const port = spec.port ?? (spec.scheme ? WELL_KNOWN[spec.scheme] : req.listenerPort);
  const showPort = port !== WELL_KNOWN[scheme];
  const path = spec.path ? modifyPath(req.path, spec.path, req.matchedPrefix) : req.path;
  const authority = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `${scheme}://${authority}${showPort ? `:${port}` : ''}${path}${req.query ? `?${req.query}` : ''}`;
}
