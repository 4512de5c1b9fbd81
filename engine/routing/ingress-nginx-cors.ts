/**
 * The CORS block ingress-nginx writes into a location with enable-cors (template "CORS" and
 * buildCorsOriginRegex): `"*"` sets `$http_origin` to `*` and always matches; otherwise
 * `if ($http_origin ~* ((o1)|(o2))$)` — each origin regex-quoted, its first `*` turned into one DNS
 * label, case-insensitive, anchored at the end only. A matching OPTIONS request is answered 204 right
 * there; any other matching request gets the headers on its response, but only for the statuses
 * headers-more's more_set_headers touches by default.
 */
import type { CorsPolicy } from '../config/ingress-nginx/table.ts';
import type { HeaderMap } from '../pipeline/headers.ts';
import { nginxHeader } from './ingress-nginx-canary.ts';
import { compileNginxRegex } from './ingress-nginx-regex.ts';

/** more_set_headers without -s: 200, 201, 204, 206, 301, 302, 303, 304, 307, 308. */
export const CORS_STATUSES = new Set([200, 201, 204, 206, 301, 302, 303, 304, 307, 308]);

export type CorsOutcome =
  | { kind: 'off'; why: string }
  | { kind: 'preflight'; headers: Array<[string, string]>; why: string }
  | { kind: 'decorate'; headers: Array<[string, string]>; why: string };

/** Go's regexp.QuoteMeta. */
function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, (c) => `\\${c}`);
}

/** buildCorsOriginRegex: the alternatives, with `|` between entries (an empty entry leaves an empty alternative). */
export function corsOriginPattern(origins: readonly string[]): string {
  let out = '(';
  origins.forEach((origin, i) => {
    const o = origin.trim();
    if (o !== '') out += `(${quoteMeta(o).replace('\\*', String.raw`[A-Za-z0-9\-]+`)})`;
    if (i !== origins.length - 1) out += '|';
  });
  return `${out})$`;
}

export function corsFor(policy: CorsPolicy, method: string, headers: HeaderMap): CorsOutcome {
  const sent = nginxHeader(headers, 'origin') ?? '';
  let origin: string;
  let why: string;
  if (policy.allowOrigin.length === 1 && policy.allowOrigin[0] === '*') {
    origin = '*';
    why = 'CORS: cors-allow-origin is "*", so every request matches and Access-Control-Allow-Origin is *';
  } else {
    const pattern = corsOriginPattern(policy.allowOrigin);
    const re = compileNginxRegex(`(?i)${pattern}`);
    if (!re.ok || !re.re.test(sent)) {
      return { kind: 'off', why: `CORS: Origin ${sent ? `"${sent}"` : '(none)'} does not match $http_origin ~* ${pattern}, so no CORS headers` };
    }
    origin = sent;
    why = `CORS: Origin ${sent ? `"${sent}"` : '(none)'} matches $http_origin ~* ${pattern}`;
  }
  const out: Array<[string, string]> = [
    ['Access-Control-Allow-Origin', origin],
    ['Access-Control-Allow-Methods', policy.allowMethods],
    ['Access-Control-Allow-Headers', policy.allowHeaders],
    ['Access-Control-Max-Age', String(policy.maxAge)],
  ];
  if (policy.allowCredentials) out.push(['Access-Control-Allow-Credentials', 'true']);
  if (policy.exposeHeaders) out.push(['Access-Control-Expose-Headers', policy.exposeHeaders]);
  // more_set_headers with an empty value removes the header instead of sending it empty.
  const headersOut = out.filter(([, v]) => v !== '');
  if (method === 'OPTIONS') {
    return {
      kind: 'preflight',
      headers: [...headersOut, ['Content-Type', 'text/plain charset=UTF-8'], ['Content-Length', '0']],
      why: `${why}; an OPTIONS request is answered 204 in the location (preflight)`,
    };
  }
  return { kind: 'decorate', headers: headersOut, why: `${why}; the response gets the CORS headers (for ${[...CORS_STATUSES].join('/')})` };
}
