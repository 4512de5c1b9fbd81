/**
 * The few nginx variables ingress-nginx's external auth uses or people write into auth-url and
 * auth-signin (`https://$host/oauth2/start?rd=$escaped_request_uri` is oauth2-proxy's own example).
 * nginx expands them per request; an unknown one is left as written (the adapter warns about it).
 * With use-forwarded-headers false (the default) $pass_access_scheme is the connection's scheme and
 * $best_http_host the client's Host header.
 */
import type { RequestContext } from '../../pipeline/types.ts';

/** Names gatelab expands; the adapter warns about any other `$name` in auth-url or auth-signin. */
export const KNOWN_NGINX_VARS = ['host', 'http_host', 'best_http_host', 'scheme', 'pass_access_scheme', 'request_uri', 'escaped_request_uri', 'request_method', 'remote_addr'] as const;

/** `$name` or `${name}`, as nginx's script compiler reads them. */
const VAR = /\$(?:\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g;

/** $request_uri: the path and query exactly as the client sent them. */
export function requestUri(ctx: RequestContext): string {
  const r = ctx.request;
  return r.query ? `${r.path}?${r.query}` : r.path;
}

/**
 * set_escape_uri (set-misc-nginx-module), which ingress-nginx applies to $request_uri for the signin
 * redirect: every byte but letters, digits and `-._~` percent-encoded, so `/a?b=1` → `%2Fa%3Fb%3D1`.
 * The module's exact table is not in the sources read for this; RFC 3986's unreserved set is assumed.
 */
export function escapeUri(s: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(s)) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function valueOf(name: string, ctx: RequestContext): string | undefined {
  const r = ctx.request;
  const httpHost = r.headers.get('host') ?? r.host;
  switch (name) {
    case 'host':
      // $host: the Host header without its port, in lower case.
      return httpHost.replace(/:\d+$/, '').toLowerCase();
    case 'http_host':
    case 'best_http_host':
      return httpHost;
    case 'scheme':
    case 'pass_access_scheme':
      return r.scheme;
    case 'request_uri':
      return requestUri(ctx);
    case 'escaped_request_uri':
      return escapeUri(requestUri(ctx));
    case 'request_method':
      return r.method;
    case 'remote_addr':
      return ctx.clientIp;
    default:
      return undefined;
  }
}

/** The template with the known variables replaced by this request's values. */
export function expandNginxVars(template: string, ctx: RequestContext): string {
  if (!template.includes('$')) return template;
  return template.replace(VAR, (whole, braced: string | undefined, bare: string | undefined) => valueOf(braced ?? bare ?? '', ctx) ?? whole);
}

/** Variable names in a template that gatelab does not expand (for the adapter's warning). */
export function unknownNginxVars(template: string): string[] {
  const known = new Set<string>(KNOWN_NGINX_VARS);
  return [...template.matchAll(VAR)].map((m) => m[1] ?? m[2] ?? '').filter((n) => !known.has(n));
}
