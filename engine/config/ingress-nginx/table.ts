/**
 * The routing table the ingress-nginx adapter hands to its dialect (RouterIR.table). It mirrors what
 * the controller renders into nginx.conf: one server per host, its locations in the order nginx sees
 * them, and the upstreams with their canary alternatives. It is plain JSON so golden files can show
 * it, and the dialect (engine/pipeline/dialects/ingress-nginx.ts) needs nothing else to route.
 */
import type { AffinityCookie } from './annotations/affinity.ts';
import type { NginxBodyLimit } from '../../plugins/request-size-limit/nginx.ts';

export type PathType = 'Exact' | 'Prefix' | 'ImplementationSpecific';

/** The nginx location modifier the template writes: `= /p`, `/p`, or `~* "^/p"`. */
export type LocationModifier = 'exact' | 'prefix' | 'regex';

/** The controller's built-in upstream for requests no rule takes (nginx answers 404 for it). */
export const DEFAULT_UPSTREAM = 'upstream-default-backend';

/** Canary traffic shaping, as the controller passes it to balancer.lua. */
export interface CanaryPolicy {
  header?: string;
  headerValue?: string;
  headerPattern?: string;
  cookie?: string;
  weight: number;
  weightTotal: number;
}

/** enable-cors and the cors-* annotations, with the controller's defaults filled in. */
export interface CorsPolicy {
  /** ["*"] for every origin; otherwise the origins nginx's `if ($http_origin ~* (…)$)` accepts. */
  allowOrigin: string[];
  allowMethods: string;
  allowHeaders: string;
  allowCredentials: boolean;
  /** '' when unset (no Access-Control-Expose-Headers). */
  exposeHeaders: string;
  maxAge: number;
}

/**
 * A backend's cookie affinity as the controller hands it to balancer.lua (sessionAffinityConfig):
 * the main Ingress's settings, also on its canary backend unless affinity-canary-behavior is legacy.
 */
export interface AffinityEntry {
  mode: 'balanced' | 'persistent';
  cookie: AffinityCookie;
  /** sticky.lua sync: ngx.md5(ngx.md5(name) .. name), the part of the cookie after `|`. */
  backendKey: string;
  /** Host (`_` for the catch-all) → the Ingress paths where the answer may set the cookie (should_set_cookie). */
  locations: Record<string, string[]>;
  /** Which Ingress the settings come from (and, on a canary, why), for reasons. */
  from: string;
}

export interface UpstreamEntry {
  /** `<namespace>-<service>-<port>`, the controller's upstream name. */
  name: string;
  /** The IR service it sends to (null for the default backend). */
  service: string | null;
  /** False when the Service is missing or has no such port: the balancer has no peers (503). */
  endpoints: boolean;
  /** Upstreams merged into this one as canaries; balancer.lua only ever uses the first. */
  alternatives: string[];
  /** Set on a canary upstream: which Ingress it came from and how traffic is shaped. */
  canary?: { ingress: string; policy: CanaryPolicy };
  /** `affinity: cookie`: the backend is balanced by sticky.lua and the canary decision looks at its cookie. */
  affinity?: AffinityEntry;
}

export interface LocationEntry {
  /** The location path nginx sees (a Prefix path normalised to end in `/`). */
  path: string;
  /** The path as the Ingress wrote it. */
  ingressPath: string;
  /** The pathType as written; ingress-nginx treats ImplementationSpecific (and none) as Prefix. */
  ingressPathType: string;
  /** The pathType nginx works with: Exact, or Prefix (also for ImplementationSpecific). */
  pathType: 'Exact' | 'Prefix';
  modifier: LocationModifier;
  /** Upstream name; DEFAULT_UPSTREAM for the controller's 404 backend. */
  upstream: string;
  /** The server's catch-all `/` that no rule has taken over (IsDefBackend). */
  defaultBackend: boolean;
  /** `namespace/name` of the Ingress whose annotations this location carries, or null. */
  ingress: string | null;
  /** Index into GatewayIR.routes of the route standing for this location, or null. */
  route: number | null;
  /** `rewrite "(?i)<path>" <target> break;` — only when the target differs from the path. */
  rewriteTarget?: string;
  /** X-Forwarded-Prefix, sent only with a rewrite (buildProxyPass). */
  xForwardedPrefix?: string;
  /** `return <code> <url>;` from permanent-redirect / temporal-redirect. */
  redirect?: { url: string; code: number };
  /** app-root: `if ($uri = /) { return 302 $scheme://$http_host<appRoot>; }` at server level. */
  appRoot?: string;
  sslRedirect: boolean;
  forceSslRedirect: boolean;
  preserveTrailingSlash: boolean;
  usePortInRedirects: boolean;
  /** relative-redirects (`absolute_redirect off`): set only when true. */
  relativeRedirects?: true;
  /** The ConfigMap's no-tls-redirect-locations prefix matched this location (ACME challenges). */
  noTlsRedirect: boolean;
  upstreamVhost?: string;
  /** connection-proxy-header: `proxy_set_header Connection <value>` instead of $connection_upgrade. */
  connectionHeader?: string;
  /** allowlist-source-range / denylist-source-range (allow/deny in the access phase). */
  allowSourceRange?: string[];
  denySourceRange?: string[];
  /** An annotation error the controller turns into `return 503;` for the whole location. */
  denied?: string;
  /** limit-allowlist: these clients get an empty limit key, so limit_req skips them. */
  limitAllowlist?: string[];
  /** The default-backend annotation's upstream, used when `upstream` has no endpoints. */
  fallbackUpstream?: string;
  /** enable-cors: the location's CORS block (rewrite phase, before redirects and the rewrite). */
  cors?: CorsPolicy;
  /** proxy-body-size: this location's client_max_body_size; unset, `config.proxyBodySize` applies. */
  clientMaxBodySize?: NginxBodyLimit;
}

export interface ServerEntry {
  /** Host name, `*.example.com` for a wildcard (one label, as ingress-nginx renders it), `_` for the catch-all. */
  hostname: string;
  aliases: string[];
  /** Some Ingress with a `tls` section covers this host: ssl-redirect and HSTS apply. */
  tls: boolean;
  /** use-regex or a rewrite on any location: every location becomes `~* "^path"` (template.go). */
  enforceRegex: boolean;
  locations: LocationEntry[];
}

export interface IngressNginxTable {
  /** Servers sorted by hostname, as the template writes them; `_` is the default server. */
  servers: ServerEntry[];
  /** from-to-www-redirect servers. */
  redirectServers: Array<{ from: string; to: string }>;
  upstreams: UpstreamEntry[];
  /** The ConfigMap values gatelab models (ingress-nginx defaults unless said otherwise). */
  config: {
    httpRedirectCode: number;
    limitReqStatusCode: number;
    /** limit-conn-status-code: limit_conn_status. */
    limitConnStatusCode: number;
    /** proxy-body-size: client_max_body_size of every location without the annotation. */
    proxyBodySize: NginxBodyLimit;
    hsts: string;
    defaultBackendBody: string;
  };
}
