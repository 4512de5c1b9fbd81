/**
 * enable-cors and the cors-* annotations, read as internal/ingress/annotations/cors/main.go reads them.
 * The group never fails as a whole: each value that does not validate falls back to its default (the
 * controller logs a warning), and single origins that fail the per-origin pattern are skipped (the
 * controller logs "Supplied incorrect origin … Skipping"). The defaults are the controller's.
 */
import { RE2JS } from 're2js';
import type { CorsPolicy } from '../table.ts';
import type { AnnotationReader } from './reader.ts';

export const CORS_DEFAULTS = {
  methods: 'GET, PUT, POST, DELETE, PATCH, OPTIONS',
  headers: 'DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization',
  maxAge: 1728000,
} as const;

// RE2 (linear time) rather than JS regexes: these nested repetitions backtrack exponentially on a
// long value that fails. The validators remove spaces before matching (parser.ValidateRegex(…, true)).
const re = (p: string) => RE2JS.compile(p);
const ORIGIN_LIST = re(String.raw`^(((([a-z]+://)?(\*\.)?[A-Za-z0-9\-.]*(:\d+)?,?)|null)+|\*)?$`);
/** One origin after splitting on commas and trimming: scheme required, one leading `*.` label at most. */
const ONE_ORIGIN = re(String.raw`^([a-z]+://(\*\.)?[A-Za-z0-9\-.]*(:\d+)?|\*|null)?$`);
const METHODS = re(String.raw`^([A-Za-z]+,?\s?)+$`);
const HEADERS = re(String.raw`^[A-Za-z0-9\-_, ]*$`);
const EXPOSE = re(String.raw`^(([A-Za-z0-9\-_]+|\*),?\s?)+$`);

const spaceless = (p: RE2JS) => (s: string) => p.test(s.replaceAll(' ', ''));

export function readCors(r: AnnotationReader): CorsPolicy | undefined {
  const enabled = r.boolOr('enable-cors', false);
  const origins = readOrigins(r);
  const methods = r.stringOr('cors-allow-methods', 'a list of method names', spaceless(METHODS), `"${CORS_DEFAULTS.methods}"`);
  const headers = r.stringOr('cors-allow-headers', 'a list of header names (letters, digits, - and _)', spaceless(HEADERS), `"${CORS_DEFAULTS.headers}"`);
  const expose = r.stringOr('cors-expose-headers', 'a list of header names or *', spaceless(EXPOSE), 'no Access-Control-Expose-Headers');
  const policy: CorsPolicy = {
    allowOrigin: origins,
    allowMethods: methods !== undefined && METHODS.test(methods) ? methods : CORS_DEFAULTS.methods,
    allowHeaders: headers !== undefined && HEADERS.test(headers) ? headers : CORS_DEFAULTS.headers,
    allowCredentials: r.boolOr('cors-allow-credentials', true),
    exposeHeaders: expose !== undefined && EXPOSE.test(expose) ? expose : '',
    maxAge: r.intOr('cors-max-age', CORS_DEFAULTS.maxAge),
  };
  if (enabled) return policy;
  const stray = ['cors-allow-origin', 'cors-allow-methods', 'cors-allow-headers', 'cors-allow-credentials', 'cors-expose-headers', 'cors-max-age'].find((k) => r.has(k));
  if (stray) r.warn(stray, `${stray} has no effect: CORS is off unless nginx.ingress.kubernetes.io/enable-cors is "true"`, 'add nginx.ingress.kubernetes.io/enable-cors: "true"');
  return undefined;
}

/** cors-allow-origin: missing, empty or invalid → ["*"]; a "*" entry wins; bad single origins are skipped. */
function readOrigins(r: AnnotationReader): string[] {
  const got = r.string('cors-allow-origin', spaceless(ORIGIN_LIST));
  if (got.status === 'missing') return ['*'];
  if (got.status === 'invalid') {
    const raw = r.raw('cors-allow-origin') ?? '';
    if (got.validation) r.invalid('cors-allow-origin', raw, 'a comma-separated list of origins such as https://a.example.com or https://*.example.com:8443', '"*" (every origin)');
    else r.warn('cors-allow-origin', 'cors-allow-origin is empty; ingress-nginx allows every origin ("*")');
    return ['*'];
  }
  const out: string[] = [];
  for (const part of got.value.split(',')) {
    const origin = part.trim();
    if (origin === '*') return ['*'];
    if (!ONE_ORIGIN.test(origin)) {
      r.warn('cors-allow-origin', `cors-allow-origin entry "${origin}" is skipped: an origin needs its scheme (http://, https://) and at most one leading *. label`, `write it as https://${origin}`);
      continue;
    }
    if (origin === '') r.warn('cors-allow-origin', 'cors-allow-origin has an empty entry; it becomes an empty alternative in the `if ($http_origin ~* (…)$)` pattern, which then matches every origin', 'remove the stray comma');
    out.push(origin);
  }
  if (out.length === 0) r.warn('cors-allow-origin', 'no entry of cors-allow-origin is a valid origin; the pattern nginx gets is `()$`, which matches every origin (and a request without Origin)', 'write origins as https://a.example.com');
  return out;
}
