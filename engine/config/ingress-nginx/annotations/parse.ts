/**
 * One Ingress's annotations → what the controller would do with them. Unknown keys under
 * nginx.ingress.kubernetes.io/ are silently ignored by ingress-nginx (its parsers only look up known
 * keys); gatelab warns and names the nearest known key. On a canary Ingress every annotation except the
 * canary, load-balancing and affinity ones is ignored (inherited from the main Ingress), and said so.
 */
import { nearest } from '../../../core/nearest.ts';
import type { AdaptContext, ResourceNode } from '../context.ts';
import type { CorsPolicy } from '../table.ts';
import { ANNOTATION_PREFIX, CANARY_ALLOWED, FOREIGN_PREFIXES, KNOWN_ANNOTATIONS, NOT_MODELLED } from './catalog.ts';
import {
  type CanaryAnnotations,
  type RateLimitAnnotations,
  type RedirectAnnotations,
  type RewriteAnnotations,
  readCanary,
  readRateLimit,
  readRedirect,
  readRewrite,
  readSourceRange,
} from './groups.ts';
import { readCors } from './cors.ts';
import { type ExternalAuthAnnotations, readExternalAuth } from './auth.ts';
import { type AffinityAnnotations, readAffinity, readCanaryBehavior } from './affinity.ts';
import { AnnotationReader } from './reader.ts';
import { DEFAULT_BALANCER, defaultNextUpstream, readBalancer, readNextUpstream, UNLIMITED_TRIES_CAP, type NextUpstreamAnnotations } from './upstream.ts';
import type { BalancerIR } from '../../../upstream/policy.ts';
import { VALIDATORS } from './values.ts';
import { type NginxBodyLimit, NGINX_DEFAULT_BODY_SIZE, parseNginxSize } from '../../../plugins/request-size-limit/nginx.ts';

export interface IngressAnnotations {
  canary: CanaryAnnotations;
  rewrite: RewriteAnnotations;
  redirect?: RedirectAnnotations;
  rateLimit?: RateLimitAnnotations;
  usePortInRedirects: boolean;
  /** relative-redirects: `absolute_redirect off` — nginx's own redirects keep a relative Location. */
  relativeRedirects: boolean;
  upstreamVhost?: string;
  /** connection-proxy-header: the Connection header sent upstream instead of $connection_upgrade. */
  connectionHeader?: string;
  xForwardedPrefix?: string;
  allowSourceRange?: string[];
  denySourceRange?: string[];
  denied?: string;
  /** default-backend: a Service in the Ingress's namespace, used when the upstream has no endpoints. */
  defaultBackend?: string;
  serverAlias: string[];
  backendProtocol: string;
  timeouts: { connectMs: number; readMs: number; sendMs: number };
  /** proxy-next-upstream-tries; 0 means no limit in nginx. */
  nextUpstreamTries: number;
  nextUpstream: NextUpstreamAnnotations;
  /** load-balance / upstream-hash-by: per upstream, so read on a canary Ingress too. */
  balancer: BalancerIR;
  cors?: CorsPolicy;
  /** auth-url and its group: nginx's auth_request, modelled by forward-auth's nginx flavour. */
  externalAuth?: ExternalAuthAnnotations;
  /** affinity: cookie and its session-cookie-* (not read on a canary: its backend gets the main one's). */
  affinity?: AffinityAnnotations;
  /** proxy-body-size: the location's client_max_body_size; unset, the ConfigMap's (1m) applies. */
  bodySize?: NginxBodyLimit;
  /** affinity-canary-behavior: only a canary Ingress's counts. */
  canaryBehavior: 'sticky' | 'legacy';
}

const NOT_MODELLED_SET = new Set<string>(NOT_MODELLED);

/** Annotations whose only effect is logging, buffering or TLS details — one shared sentence each. */
function notModelledMessage(key: string): string {
  if (key.endsWith('-snippet')) {
    return `${ANNOTATION_PREFIX}${key} injects raw nginx directives; gatelab does not model them. With ingress-nginx's defaults (allow-snippet-annotations: false, annotations-risk-level: High) the admission webhook refuses this Ingress`;
  }
  if (key === 'auth-cache-key' || key === 'auth-cache-duration') {
    return `${ANNOTATION_PREFIX}${key} makes nginx cache the auth service's answers (proxy_cache; by default 200, 202 and 401 for 5m); gatelab does not model the cache and asks the auth service on every request, so an auth outage reaches every request here, where the cache would carry the keys it holds`;
  }
  if (key.startsWith('auth-keepalive')) return `${ANNOTATION_PREFIX}${key} tunes connection reuse to the auth service; gatelab does not model it (each auth call costs the same)`;
  if (key === 'auth-proxy-set-headers') return `${ANNOTATION_PREFIX}auth-proxy-set-headers adds the headers of a ConfigMap to the auth call (a missing ConfigMap denies the locations); gatelab does not read ConfigMaps and sends none`;
  if (key === 'session-cookie-domain') return `${ANNOTATION_PREFIX}session-cookie-domain is not modelled: gatelab's affinity cookie carries no Domain (a scenario client keeps cookies per client, not per domain)`;
  return `gatelab does not model ${ANNOTATION_PREFIX}${key}; ingress-nginx would apply it, the simulation ignores it`;
}

export function parseAnnotations(ctx: AdaptContext, node: ResourceNode): IngressAnnotations | { rejected: string } {
  const meta = (node.value['metadata'] ?? {}) as Record<string, unknown>;
  const raw = meta['annotations'];
  const values: Record<string, string> = {};
  if (raw !== undefined && raw !== null) {
    if (typeof raw !== 'object' || Array.isArray(raw)) {
      ctx.warn(node, ['metadata', 'annotations'], 'GL_W_NO_EFFECT', 'metadata.annotations must be a mapping of strings; the API server rejects this Ingress');
      return { rejected: 'annotations are not a mapping' };
    }
    for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
      if (typeof value !== 'string') {
        ctx.warn(node, ['metadata', 'annotations', key], 'GL_W_NO_EFFECT', `annotation ${key} has a ${value === null ? 'null' : typeof value} value; annotation values are strings, so the API server rejects this Ingress`, `quote it: "${String(value)}"`);
        return { rejected: `annotation ${key} is not a string` };
      }
      values[key] = value;
    }
  }
  const r = new AnnotationReader(ctx, node, values);
  const canary = readCanary(r);
  scanKeys(ctx, node, values, canary.enabled);
  // A canary's other annotations never reach nginx: do not read them (their warnings are above).
  if (canary.enabled) {
    warnCanaryAffinity(r);
    return { ...defaultAnnotations(), canary, balancer: readBalancer(r), canaryBehavior: readCanaryBehavior(r) };
  }
  const out: IngressAnnotations = {
    canary,
    rewrite: readRewrite(r),
    usePortInRedirects: r.boolOr('use-port-in-redirects', false),
    relativeRedirects: r.boolOr('relative-redirects', false),
    serverAlias: [],
    backendProtocol: 'HTTP',
    timeouts: {
      connectMs: r.intOr('proxy-connect-timeout', 5) * 1000,
      readMs: r.intOr('proxy-read-timeout', 60) * 1000,
      sendMs: r.intOr('proxy-send-timeout', 60) * 1000,
    },
    nextUpstreamTries: readTries(r),
    nextUpstream: readNextUpstream(r),
    balancer: readBalancer(r),
    canaryBehavior: 'sticky',
  };
  const affinity = readAffinity(r);
  if (affinity) out.affinity = affinity;
  if (r.has('affinity-canary-behavior')) r.warn('affinity-canary-behavior', `${ANNOTATION_PREFIX}affinity-canary-behavior has no effect on a main Ingress: the controller reads it from the canary Ingress (mergeAlternativeBackend)`, 'put it on the canary Ingress');
  const redirect = readRedirect(r);
  if (redirect) out.redirect = redirect;
  const rateLimit = readRateLimit(r);
  if (rateLimit) out.rateLimit = rateLimit;
  const vhost = r.stringOr('upstream-vhost', 'a host name', VALIDATORS.serverName);
  if (vhost) out.upstreamVhost = vhost;
  const connection = r.stringOr('connection-proxy-header', 'a header value (letters, digits, - . _ ~ / :)', VALIDATORS.basicChars);
  if (connection) out.connectionHeader = connection;
  const prefix = r.stringOr('x-forwarded-prefix', 'a path of letters, digits and /', VALIDATORS.basicChars);
  if (prefix) out.xForwardedPrefix = prefix;
  const allow = readSourceRange(r, ['allowlist-source-range', 'whitelist-source-range']);
  if (allow.cidrs) out.allowSourceRange = allow.cidrs;
  const deny = readSourceRange(r, ['denylist-source-range']);
  if (deny.cidrs) out.denySourceRange = deny.cidrs;
  if (allow.denied ?? deny.denied) out.denied = allow.denied ?? deny.denied;
  const cors = readCors(r);
  if (cors) out.cors = cors;
  const auth = readExternalAuth(r);
  if (auth.rejected) return { rejected: auth.rejected };
  // Extract keeps the first LocationDenied it meets (Go map order); either way the location answers 503.
  if (auth.denied && !out.denied) out.denied = auth.denied;
  if (auth.auth && !auth.denied) out.externalAuth = auth.auth;
  const bodySize = readBodySize(r);
  if (bodySize) out.bodySize = bodySize;
  const backend = r.stringOr('default-backend', 'a Service name', VALIDATORS.serviceName);
  if (backend) out.defaultBackend = backend;
  const alias = r.stringOr('server-alias', 'host names separated by commas', (s) => s.split(',').every(VALIDATORS.serverName));
  if (alias) out.serverAlias = alias.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const protocol = r.stringOr('backend-protocol', 'one of HTTP, HTTPS, AUTO_HTTP, GRPC, GRPCS, FCGI', (s) => ['HTTP', 'HTTPS', 'AUTO_HTTP', 'GRPC', 'GRPCS', 'FCGI'].includes(s.toUpperCase()), 'HTTP');
  if (protocol) {
    out.backendProtocol = protocol.toUpperCase();
    if (!['HTTP', 'HTTPS'].includes(out.backendProtocol)) r.warn('backend-protocol', `backend-protocol ${out.backendProtocol} is not modelled; gatelab speaks HTTP to the backend`);
  }
  if (out.rateLimit && out.rateLimit.burstMultiplier <= 0 && (out.rateLimit.rps > 0 || out.rateLimit.rpm > 0)) {
    r.warn('limit-burst-multiplier', `limit-burst-multiplier ${out.rateLimit.burstMultiplier} renders limit_req … burst=${out.rateLimit.burstMultiplier * Math.max(out.rateLimit.rps, out.rateLimit.rpm)}, which nginx refuses ("invalid burst value"); the admission webhook rejects this Ingress`, 'use a multiplier of 1 or more');
    return { rejected: 'limit-burst-multiplier gives an invalid burst' };
  }
  return out;
}

function defaultAnnotations(): IngressAnnotations {
  return {
    canary: { enabled: false, policy: { weight: 0, weightTotal: 100 } },
    rewrite: { target: '', sslRedirect: true, forceSslRedirect: false, preserveTrailingSlash: false, useRegex: false, appRoot: '' },
    usePortInRedirects: false,
    relativeRedirects: false,
    serverAlias: [],
    backendProtocol: 'HTTP',
    timeouts: { connectMs: 5000, readMs: 60000, sendMs: 60000 },
    nextUpstreamTries: 3,
    nextUpstream: defaultNextUpstream(),
    balancer: DEFAULT_BALANCER,
    canaryBehavior: 'sticky',
  };
}

/**
 * A canary's backend never gets its own Ingress's affinity: getBackendServers skips backends that
 * serve no location, and mergeAlternativeBackend gives it the main backend's (sticky) or leaves it
 * without (legacy). Only affinity-canary-behavior counts there.
 */
function warnCanaryAffinity(r: AnnotationReader): void {
  for (const key of ['affinity', 'affinity-mode', 'session-cookie-name', 'session-cookie-path', 'session-cookie-max-age', 'session-cookie-expires', 'session-cookie-samesite', 'session-cookie-secure', 'session-cookie-change-on-failure', 'session-cookie-conditional-samesite-none']) {
    if (r.has(key)) r.warn(key, `${ANNOTATION_PREFIX}${key} on a canary Ingress does not reach balancer.lua: the canary backend takes the main Ingress's affinity (affinity-canary-behavior sticky) or has none (legacy)`, 'put it on the main Ingress');
  }
}

/**
 * proxy-body-size (annotations/proxy/main.go): the value must match parser.SizeRegex, else the
 * controller logs it and keeps the ConfigMap's proxy-body-size. nginx.tmpl writes it into the
 * location as `client_max_body_size`.
 */
function readBodySize(r: AnnotationReader): NginxBodyLimit | undefined {
  const fallback = `the ConfigMap's proxy-body-size (${NGINX_DEFAULT_BODY_SIZE})`;
  const value = r.stringOr('proxy-body-size', 'a size (digits and an optional k, m or g)', (s) => parseNginxSize(s) !== undefined, fallback);
  if (value === undefined) return undefined;
  return { value, bytes: parseNginxSize(value) as number, origin: 'proxy-body-size annotation' };
}

function readTries(r: AnnotationReader): number {
  const tries = r.intOr('proxy-next-upstream-tries', 3);
  if (tries < 0) {
    r.warn('proxy-next-upstream-tries', `proxy-next-upstream-tries ${tries} is negative: nginx refuses the rendered proxy_next_upstream_tries (with the admission webhook, the Ingress is rejected); gatelab uses the default 3`);
    return 3;
  }
  if (tries === 0) r.warn('proxy-next-upstream-tries', `proxy-next-upstream-tries 0 means no limit: nginx keeps retrying until proxy-next-upstream-timeout passes (never, when that is 0 too); gatelab stops after ${UNLIMITED_TRIES_CAP} tries`);
  return tries;
}

/** Unknown, foreign, unmodelled and (on a canary) ignored keys: one warning each, at the key. */
function scanKeys(ctx: AdaptContext, node: ResourceNode, values: Record<string, string>, isCanary: boolean): void {
  for (const full of Object.keys(values)) {
    const at = ['metadata', 'annotations', full];
    if (full.startsWith(ANNOTATION_PREFIX)) {
      const key = full.slice(ANNOTATION_PREFIX.length);
      if (!KNOWN_ANNOTATIONS.includes(key)) {
        const near = nearest(key, KNOWN_ANNOTATIONS);
        ctx.warn(
          node,
          at,
          'GL_W_UNKNOWN_FIELD',
          `unknown annotation ${full}: ingress-nginx reads only the keys it knows, so this one is silently ignored and has no effect`,
          near ? `did you mean '${ANNOTATION_PREFIX}${near}'?` : 'see docs/user-guide/nginx-configuration/annotations.md for the known keys',
          true,
        );
        continue;
      }
      if (isCanary && !CANARY_ALLOWED.has(key)) {
        ctx.warn(node, at, 'GL_W_NO_EFFECT', `${full} is ignored on a canary Ingress: a canary only adds an alternative backend, and every other annotation comes from the main Ingress`, 'put it on the main Ingress', true);
        continue;
      }
      if (NOT_MODELLED_SET.has(key)) ctx.warn(node, at, 'GL_W_NO_EFFECT', notModelledMessage(key), undefined, true);
      continue;
    }
    for (const foreign of FOREIGN_PREFIXES) {
      if (!full.startsWith(foreign.prefix)) continue;
      const key = full.slice(foreign.prefix.length);
      const near = nearest(key, KNOWN_ANNOTATIONS);
      ctx.warn(node, at, 'GL_W_UNKNOWN_FIELD', `${full} is ${foreign.why}, so it has no effect`, near ? `did you mean '${ANNOTATION_PREFIX}${near}'?` : undefined, true);
    }
  }
}
