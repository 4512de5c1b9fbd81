/**
 * Config of the headers plugin: Traefik's `headers` middleware with its own field names. Custom
 * request and response headers (an empty value removes the header), CORS, and the security headers
 * Traefik's secure handler writes. Fields that depend on things gatelab does not model (TLS client
 * details, proxy header trust lists, key pinning) are accepted with a warning.
 */
import type { ConfigReporter } from '../../pipeline/types.ts';
import { ConfigReader } from '../kit/config-reader.ts';
import { compileGoRegex } from '../../routing/traefik-regex.ts';

export interface CorsConfig {
  allowCredentials: boolean;
  allowHeaders: string[];
  allowMethods: string[];
  allowOriginList: string[];
  allowOriginListRegex: string[];
  exposeHeaders: string[];
  maxAge: number;
  addVaryHeader: boolean;
}

export interface HeadersConfig {
  /** name → value; '' removes the header; `Host` changes the Host sent upstream. */
  customRequestHeaders: Array<[string, string]>;
  /** name → value; '' removes the header from the response. */
  customResponseHeaders: Array<[string, string]>;
  /** Present when any accessControl* field is set. */
  cors?: CorsConfig;
  /** Response headers of the secure handler (X-Frame-Options, CSP …), in Traefik's order. */
  security: Array<[string, string]>;
  /** Strict-Transport-Security value, sent on HTTPS requests (or always with forceSTSHeader). */
  sts?: { value: string; force: boolean };
}

const CORS_FIELDS = [
  'accessControlAllowCredentials', 'accessControlAllowHeaders', 'accessControlAllowMethods', 'accessControlAllowOriginList',
  'accessControlAllowOriginListRegex', 'accessControlExposeHeaders', 'accessControlMaxAge', 'addVaryHeader',
];
const SECURITY_FIELDS = [
  'frameDeny', 'customFrameOptionsValue', 'contentTypeNosniff', 'browserXssFilter', 'customBrowserXSSValue', 'contentSecurityPolicy',
  'contentSecurityPolicyReportOnly', 'referrerPolicy', 'permissionsPolicy', 'stsSeconds', 'stsIncludeSubdomains', 'stsPreload', 'forceSTSHeader',
];
const NOT_MODELLED = ['allowedHosts', 'hostsProxyHeaders', 'sslProxyHeaders', 'publicKey', 'isDevelopment'];
export const HEADERS_FIELDS = ['customRequestHeaders', 'customResponseHeaders', ...CORS_FIELDS, ...SECURITY_FIELDS, ...NOT_MODELLED];

/** Go's http.CanonicalHeaderKey: x-custom-header → X-Custom-Header. */
export function canonicalHeaderKey(name: string): string {
  if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) return name;
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_, d: string, c: string) => d + c.toUpperCase());
}

function headerMap(r: ConfigReader, key: string): Array<[string, string]> {
  const v = r.obj[key];
  if (v === undefined || v === null) return [];
  if (typeof v !== 'object' || Array.isArray(v)) {
    r.report.error([...r.path, key], 'GL_E_TYPE', `${key} must be a mapping of header name to value`);
    return [];
  }
  const out: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(v as Record<string, unknown>)) {
    if (typeof value !== 'string') {
      r.report.error([...r.path, key, name], 'GL_E_TYPE', `${key}.${name} must be a string ("" removes the header)`);
      continue;
    }
    out.push([canonicalHeaderKey(name), value]);
  }
  return out;
}

export function parseHeadersConfig(raw: unknown, report: ConfigReporter): HeadersConfig {
  const r = new ConfigReader(raw, report, HEADERS_FIELDS, [], 'headers');
  for (const k of NOT_MODELLED) if (r.has(k)) r.warn(k, 'GL_W_NO_EFFECT', `${k} is not modelled by gatelab's headers middleware; it has no effect here`);
  const out: HeadersConfig = {
    customRequestHeaders: headerMap(r, 'customRequestHeaders'),
    customResponseHeaders: headerMap(r, 'customResponseHeaders'),
    security: [],
  };
  if (CORS_FIELDS.some((k) => r.has(k))) {
    const regex = r.strList('accessControlAllowOriginListRegex', []);
    regex.forEach((p, i) => {
      const c = compileGoRegex(p);
      if (!c.ok) r.error(['accessControlAllowOriginListRegex', i], `error occurred during origin parsing: ${c.error}`);
    });
    out.cors = {
      allowCredentials: r.bool('accessControlAllowCredentials', false),
      allowHeaders: r.strList('accessControlAllowHeaders', []),
      allowMethods: r.strList('accessControlAllowMethods', []),
      allowOriginList: r.strList('accessControlAllowOriginList', []),
      allowOriginListRegex: regex,
      exposeHeaders: r.strList('accessControlExposeHeaders', []),
      maxAge: r.num('accessControlMaxAge', 0, { integer: true }),
      addVaryHeader: r.bool('addVaryHeader', false),
    };
  }
  const frame = r.str('customFrameOptionsValue') ?? (r.bool('frameDeny', false) ? 'DENY' : undefined);
  if (frame) out.security.push(['X-Frame-Options', frame]);
  if (r.bool('contentTypeNosniff', false)) out.security.push(['X-Content-Type-Options', 'nosniff']);
  const xss = r.str('customBrowserXSSValue') ?? (r.bool('browserXssFilter', false) ? '1; mode=block' : undefined);
  if (xss) out.security.push(['X-XSS-Protection', xss]);
  const csp = r.str('contentSecurityPolicy');
  if (csp) out.security.push(['Content-Security-Policy', csp]);
  const cspro = r.str('contentSecurityPolicyReportOnly');
  if (cspro) out.security.push(['Content-Security-Policy-Report-Only', cspro]);
  const referrer = r.str('referrerPolicy');
  if (referrer) out.security.push(['Referrer-Policy', referrer]);
  const permissions = r.str('permissionsPolicy');
  if (permissions) out.security.push(['Permissions-Policy', permissions]);
  const sts = r.num('stsSeconds', 0, { integer: true, min: 0 });
  if (sts > 0) {
    const value = `max-age=${sts}${r.bool('stsIncludeSubdomains', false) ? '; includeSubDomains' : ''}${r.bool('stsPreload', false) ? '; preload' : ''}`;
    out.sts = { value, force: r.bool('forceSTSHeader', false) };
  }
  return out;
}
