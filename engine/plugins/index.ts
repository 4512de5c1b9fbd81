/**
 * Every plugin gatelab knows, listed explicitly (no registration by import side effects), and how
 * each vendor names it.
 */
import type { PluginDefinition } from '../pipeline/types.ts';
import type { Dialect } from '../config/ir.ts';
import { rateLimitPlugin } from './rate-limit/plugin.ts';
import { keyAuthPlugin } from './key-auth/plugin.ts';
import { jwtPlugin } from './jwt/plugin.ts';
import { jwtRemotePlugin } from './jwt-remote/plugin.ts';
import { basicAuthPlugin } from './basic-auth/plugin.ts';
import { forwardAuthPlugin } from './forward-auth/plugin.ts';
import { aclPlugin } from './acl/plugin.ts';
import { usagePlanPlugin } from './usage-plan/plugin.ts';
import { requestTransformerPlugin } from './request-transformer/plugin.ts';
import { responseTransformerPlugin } from './response-transformer/plugin.ts';
import { correlationIdPlugin } from './correlation-id/plugin.ts';
import { corsPlugin } from './cors/plugin.ts';
import { headerModifierPlugin } from './header-modifier/plugin.ts';
import { urlRewritePlugin } from './url-rewrite/plugin.ts';
import { requestRedirectPlugin } from './request-redirect/plugin.ts';
import { requestMirrorPlugin } from './request-mirror/plugin.ts';
import { directResponsePlugin } from './direct-response/plugin.ts';
import { corsFilterPlugin } from './cors-filter/plugin.ts';
import { pathRewritePlugin } from './path-rewrite/plugin.ts';
import { headersPlugin } from './headers/plugin.ts';
import { redirectPlugin } from './redirect/plugin.ts';
import { canaryRolloutPlugin } from './canary-rollout/plugin.ts';
import { traefikCircuitBreakerPlugin } from './traefik-circuit-breaker/plugin.ts';
import { retryPlugin } from './retry/plugin.ts';
import { circuitBreakerPlugin } from './circuit-breaker/plugin.ts';
import { responseRatelimitingPlugin } from './response-ratelimiting/plugin.ts';
import { openTelemetryPlugin } from './opentelemetry/plugin.ts';
import { ipRestrictionPlugin } from './ip-restriction/plugin.ts';
import { requestTerminationPlugin } from './request-termination/plugin.ts';
import { inFlightLimitPlugin } from './in-flight-limit/plugin.ts';
import { requestSizeLimitPlugin } from './request-size-limit/plugin.ts';

export const PLUGINS: ReadonlyArray<PluginDefinition<any>> = [
  rateLimitPlugin,
  // Who may enter and what the backend sees (issue 6): Kong's auth and transform plugins, Envoy's
  // remote-JWKS jwt_authn, Traefik's forwardAuth, AWS usage plans.
  keyAuthPlugin,
  jwtPlugin,
  jwtRemotePlugin,
  basicAuthPlugin,
  forwardAuthPlugin,
  aclPlugin,
  usagePlanPlugin,
  requestTransformerPlugin,
  responseTransformerPlugin,
  correlationIdPlugin,
  corsPlugin,
  // Gateway API filters (engine/config/gateway-api/filters.ts maps filter types to these ids).
  headerModifierPlugin,
  urlRewritePlugin,
  requestRedirectPlugin,
  requestMirrorPlugin,
  directResponsePlugin,
  corsFilterPlugin,
  // Traefik middlewares (engine/config/traefik/middlewares.ts maps middleware types to these ids).
  pathRewritePlugin,
  headersPlugin,
  redirectPlugin,
  // Resilience and releases (issue 8).
  canaryRolloutPlugin,
  traefikCircuitBreakerPlugin,
  retryPlugin,
  circuitBreakerPlugin,
  responseRatelimitingPlugin,
  // Observability (issue 9): W3C trace context on the upstream request and every sidecall.
  openTelemetryPlugin,
  // Edge policies: Kong's ip-restriction and Traefik's ipAllowList (one plugin, two flavours), and
  // Kong's request-termination.
  ipRestrictionPlugin,
  requestTerminationPlugin,
  // Limits at the edge that are not rates: requests in flight at once (Traefik inFlightReq) and body
  // size (Kong request-size-limiting, Traefik buffering's maxRequestBodyBytes).
  inFlightLimitPlugin,
  requestSizeLimitPlugin,
];

/** Vendor plugin names → gatelab plugin ids. */
export const VENDOR_PLUGIN_NAMES: Partial<Record<Dialect, Record<string, string>>> = {
  kong: {
    'rate-limiting': 'rate-limit',
    'response-ratelimiting': 'response-ratelimiting',
    'key-auth': 'key-auth',
    jwt: 'jwt',
    'basic-auth': 'basic-auth',
    acl: 'acl',
    'request-transformer': 'request-transformer',
    'response-transformer': 'response-transformer',
    'correlation-id': 'correlation-id',
    cors: 'cors',
    opentelemetry: 'opentelemetry',
    'ip-restriction': 'ip-restriction',
    'request-termination': 'request-termination',
    'request-size-limiting': 'request-size-limit',
    // Not 'rate-limiting-advanced': the Kong adapter calls parse() without the vendor name, so the
    // plugin could not read it as `algorithm: sliding-window` (rate-limit/README.md).
  },
  'gateway-api': {
    RequestHeaderModifier: 'header-modifier',
    ResponseHeaderModifier: 'header-modifier',
    URLRewrite: 'url-rewrite',
    RequestRedirect: 'request-redirect',
    RequestMirror: 'request-mirror',
    DirectResponse: 'direct-response',
    CORS: 'cors-filter',
  },
  traefik: {
    rateLimit: 'rate-limit',
    forwardAuth: 'forward-auth',
    stripPrefix: 'path-rewrite',
    stripPrefixRegex: 'path-rewrite',
    replacePath: 'path-rewrite',
    replacePathRegex: 'path-rewrite',
    addPrefix: 'path-rewrite',
    headers: 'headers',
    redirectScheme: 'redirect',
    redirectRegex: 'redirect',
    ipAllowList: 'ip-restriction',
    ipWhiteList: 'ip-restriction',
    inFlightReq: 'in-flight-limit',
    buffering: 'request-size-limit',
  },
};

export function findPlugin(id: string): PluginDefinition<any> | undefined {
  return PLUGINS.find((p) => p.id === id);
}

export function findVendorPlugin(dialect: Dialect, vendorName: string): PluginDefinition<any> | undefined {
  const id = VENDOR_PLUGIN_NAMES[dialect]?.[vendorName];
  return id ? findPlugin(id) : undefined;
}

export function knownVendorPluginNames(dialect: Dialect): string[] {
  return Object.keys(VENDOR_PLUGIN_NAMES[dialect] ?? {});
}
