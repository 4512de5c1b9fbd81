/**
 * The annotation groups gatelab models, each read as its ingress-nginx parser reads it: a group whose
 * parser returns an error is dropped as a whole (annotations.go `Extract` skips it), a field with an
 * invalid value falls back to its default. Sources: internal/ingress/annotations/{canary,rewrite,
 * redirect,ratelimit,ipallowlist,ipdenylist}/main.go.
 */
import type { CanaryPolicy } from '../table.ts';
import type { AnnotationReader } from './reader.ts';
import { isHttpUrl, parseCidrs, VALIDATORS } from './values.ts';

export interface CanaryAnnotations {
  enabled: boolean;
  policy: CanaryPolicy;
}

export function readCanary(r: AnnotationReader): CanaryAnnotations {
  const enabled = r.boolOr('canary', false);
  const weight = r.intOr('canary-weight', 0);
  const weightTotal = r.intOr('canary-weight-total', 100);
  const header = r.stringOr('canary-by-header', 'a header name (letters, digits, - . _ ~ / :)', VALIDATORS.basicChars, "''");
  const headerValue = r.stringOr('canary-by-header-value', 'a plain value (letters, digits, - . _ ~ / :)', VALIDATORS.basicChars, "''");
  const headerPattern = r.stringOr('canary-by-header-pattern', 'a regex of letters, digits and regex characters', VALIDATORS.regexChars, "''");
  const cookie = r.stringOr('canary-by-cookie', 'a cookie name (letters, digits, - . _ ~ / :)', VALIDATORS.basicChars, "''");
  const policy: CanaryPolicy = { weight, weightTotal };
  if (header) policy.header = header;
  if (headerValue) policy.headerValue = headerValue;
  if (headerPattern) policy.headerPattern = headerPattern;
  if (cookie) policy.cookie = cookie;
  if (!enabled && (weight > 0 || header || headerValue || cookie || headerPattern)) {
    // parser error "configured but not enabled": the whole canary group is dropped, silently.
    const key = ['canary-weight', 'canary-by-header', 'canary-by-header-value', 'canary-by-cookie', 'canary-by-header-pattern'].find((k) => r.has(k)) ?? 'canary';
    r.warn(key, 'canary annotations without nginx.ingress.kubernetes.io/canary: "true" are dropped ("configured but not enabled"); this Ingress is an ordinary one', 'add nginx.ingress.kubernetes.io/canary: "true" to make it a canary');
    return { enabled: false, policy: { weight: 0, weightTotal: 100 } };
  }
  if (enabled && headerValue && !header) r.warn('canary-by-header-value', 'canary-by-header-value has no effect without canary-by-header', 'add nginx.ingress.kubernetes.io/canary-by-header');
  if (enabled && headerPattern && !header) r.warn('canary-by-header-pattern', 'canary-by-header-pattern has no effect without canary-by-header', 'add nginx.ingress.kubernetes.io/canary-by-header');
  if (enabled && headerPattern && headerValue) r.warn('canary-by-header-pattern', 'canary-by-header-pattern is ignored while canary-by-header-value is set (the value wins)');
  return { enabled, policy };
}

export interface RewriteAnnotations {
  target: string;
  sslRedirect: boolean;
  forceSslRedirect: boolean;
  preserveTrailingSlash: boolean;
  useRegex: boolean;
  appRoot: string;
}

export function readRewrite(r: AnnotationReader): RewriteAnnotations {
  const target = r.stringOr('rewrite-target', 'a path of letters, digits, / and $N captures', VALIDATORS.pathWithCapture, 'no rewrite') ?? '';
  const out: RewriteAnnotations = {
    target,
    sslRedirect: r.boolOr('ssl-redirect', true),
    forceSslRedirect: r.boolOr('force-ssl-redirect', false),
    preserveTrailingSlash: r.boolOr('preserve-trailing-slash', false),
    useRegex: r.boolOr('use-regex', false),
    appRoot: '',
  };
  const appRoot = r.stringOr('app-root', 'a path of letters, digits and /', VALIDATORS.pathWithCapture, 'no app-root');
  if (appRoot !== undefined) {
    if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(appRoot)) r.warn('app-root', `app-root "${appRoot}" is an absolute URL; ingress-nginx allows only a path and ignores it`, 'write a path such as /app1');
    else if (!appRoot.startsWith('/')) r.warn('app-root', `app-root "${appRoot}" is not a path (url.ParseRequestURI fails); ingress-nginx ignores it`, 'start it with /');
    else out.appRoot = appRoot;
  }
  return out;
}

export interface RedirectAnnotations {
  url: string;
  code: number;
  fromToWww: boolean;
}

/** redirect.go: temporal wins over permanent; an invalid URL drops the whole group. */
export function readRedirect(r: AnnotationReader): RedirectAnnotations | undefined {
  const fromToWww = r.boolOr('from-to-www-redirect', false);
  const dropped = (key: string, why: string): undefined => {
    r.warn(key, `${why}; ingress-nginx drops every redirect annotation of this Ingress (from-to-www-redirect included)`);
    return undefined;
  };
  const temporal = r.string('temporal-redirect', VALIDATORS.url);
  if (temporal.status === 'invalid') return dropped('temporal-redirect', `temporal-redirect "${r.raw('temporal-redirect') ?? ''}" has characters ingress-nginx does not accept in a URL`);
  const trc = r.int('temporal-redirect-code');
  if (trc.status === 'invalid') return dropped('temporal-redirect-code', `temporal-redirect-code "${r.raw('temporal-redirect-code') ?? ''}" is not an integer`);
  if (temporal.status === 'ok') {
    if (!isHttpUrl(temporal.value)) return dropped('temporal-redirect', `temporal-redirect "${temporal.value}" is not an http(s) URL`);
    let code = trc.status === 'ok' ? trc.value : 302;
    if (code < 300 || code > 307) {
      if (trc.status === 'ok') r.warn('temporal-redirect-code', `temporal-redirect-code ${code} is outside 300–307; ingress-nginx uses 302`);
      code = 302;
    }
    if (r.has('permanent-redirect')) r.warn('permanent-redirect', 'permanent-redirect is ignored: temporal-redirect is set on the same Ingress and wins');
    return { url: temporal.value, code, fromToWww };
  }
  const permanent = r.string('permanent-redirect', VALIDATORS.url);
  if (permanent.status === 'invalid') return dropped('permanent-redirect', `permanent-redirect "${r.raw('permanent-redirect') ?? ''}" has characters ingress-nginx does not accept in a URL`);
  const prc = r.int('permanent-redirect-code');
  if (prc.status === 'invalid') return dropped('permanent-redirect-code', `permanent-redirect-code "${r.raw('permanent-redirect-code') ?? ''}" is not an integer`);
  let code = prc.status === 'ok' ? prc.value : 301;
  if (code < 300 || code > 308) {
    if (prc.status === 'ok') r.warn('permanent-redirect-code', `permanent-redirect-code ${code} is outside 300–308; ingress-nginx uses 301`);
    code = 301;
  }
  if (permanent.status === 'ok' || fromToWww) return { url: permanent.status === 'ok' ? permanent.value : '', code, fromToWww };
  return undefined;
}

export interface RateLimitAnnotations {
  rps: number;
  rpm: number;
  connections: number;
  burstMultiplier: number;
  allowlist: string[];
}

/** ratelimit/main.go: a non-integer limit or a bad allowlist drops every limit of the Ingress. */
export function readRateLimit(r: AnnotationReader): RateLimitAnnotations | undefined {
  const limits: Record<'limit-rps' | 'limit-rpm' | 'limit-connections', number> = { 'limit-rps': 0, 'limit-rpm': 0, 'limit-connections': 0 };
  for (const key of ['limit-rpm', 'limit-rps', 'limit-connections'] as const) {
    const got = r.int(key);
    if (got.status === 'invalid' && got.validation) {
      r.warn(key, `${key} "${r.raw(key) ?? ''}" is not an integer; ingress-nginx drops every rate limit of this Ingress, so nothing is limited`);
      return undefined;
    }
    if (got.status === 'ok') limits[key] = got.value;
  }
  const burstMultiplier = r.intOr('limit-burst-multiplier', 5);
  const allow = r.string(['limit-allowlist', 'limit-whitelist']);
  let allowlist: string[] = [];
  if (allow.status === 'ok' || (allow.status === 'invalid' && allow.validation)) {
    const key = allow.key ?? 'limit-allowlist';
    const parsed = parseCidrs(r.raw(key) ?? '');
    if ('error' in parsed) {
      r.warn(key, `${key}: ${parsed.error}; ingress-nginx drops every rate limit of this Ingress, so nothing is limited`);
      return undefined;
    }
    allowlist = parsed.cidrs;
  }
  const out = { rps: limits['limit-rps'], rpm: limits['limit-rpm'], connections: limits['limit-connections'], burstMultiplier, allowlist };
  return out.rps === 0 && out.rpm === 0 && out.connections === 0 ? undefined : out;
}

/** allowlist-source-range (alias whitelist-source-range) / denylist-source-range; a bad CIDR denies the location (503). */
export function readSourceRange(r: AnnotationReader, keys: readonly string[]): { cidrs?: string[]; denied?: string } {
  const got = r.string(keys);
  if (got.status !== 'ok') return {};
  const key = got.key ?? (keys[0] as string);
  const parsed = parseCidrs(got.value);
  if ('error' in parsed) {
    r.warn(key, `${key}: ${parsed.error}; ingress-nginx denies the location, so every request to it gets 503`);
    return { denied: `${key}: ${parsed.error}` };
  }
  return parsed.cidrs.length > 0 ? { cidrs: parsed.cidrs } : {};
}
