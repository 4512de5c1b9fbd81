/** Kong `cors` config (Kong 3.10 schema), with Kong's defaults. */
import type { ConfigReporter } from '../../pipeline/types.ts';
import { ConfigReader } from '../kit/config-reader.ts';

export const KONG_CORS_METHODS = ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT'];

export interface CorsConfig {
  /** Allowed origins: exact ("https://app.example.com") or a regex (any character outside A-Za-z0-9.:/-); empty or ["*"] = any. */
  origins: string[];
  /** Access-Control-Allow-Headers; empty = echo the preflight's Access-Control-Request-Headers. */
  headers: string[];
  /** Access-Control-Expose-Headers on actual responses. */
  exposed_headers: string[];
  /** Access-Control-Allow-Methods (default every method Kong knows). */
  methods: string[];
  /** Access-Control-Max-Age in seconds; unset = not sent. */
  max_age?: number;
  /** Send Access-Control-Allow-Credentials: true (and never `*` as the origin then). */
  credentials: boolean;
  /** Answer Access-Control-Request-Private-Network preflights. */
  private_network: boolean;
  /** Pass preflights on to the upstream instead of answering them (default false). */
  preflight_continue: boolean;
  /** Add the CORS headers even when the request has no Origin (default true). */
  allow_origin_absent: boolean;
}

export function parseCorsConfig(raw: unknown, report: ConfigReporter): CorsConfig {
  const fields = ['origins', 'headers', 'exposed_headers', 'methods', 'max_age', 'credentials', 'private_network', 'preflight_continue', 'allow_origin_absent'];
  const r = new ConfigReader(raw, report, fields, [], 'cors');
  const out: CorsConfig = {
    origins: r.strList('origins', []),
    headers: r.strList('headers', []),
    exposed_headers: r.strList('exposed_headers', []),
    methods: r.strList('methods', KONG_CORS_METHODS),
    credentials: r.bool('credentials', false),
    private_network: r.bool('private_network', false),
    preflight_continue: r.bool('preflight_continue', false),
    allow_origin_absent: r.bool('allow_origin_absent', true),
  };
  out.methods.forEach((m, i) => {
    if (!KONG_CORS_METHODS.includes(m)) r.error(['methods', i], `methods[${i}] must be one of ${KONG_CORS_METHODS.join(', ')}`);
  });
  if (r.has('max_age')) out.max_age = r.num('max_age', 0);
  return out;
}
