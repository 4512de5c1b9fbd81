/**
 * The Traefik part of the IR (`RouterIR.table` for `kind: 'traefik'`): plain, JSON-able data that the
 * adapter writes and engine/pipeline/dialects/traefik.ts reads. Routes, services and middlewares
 * (as plugin instances) stay in the common IR; this table holds what only Traefik has: entryPoints,
 * each router's rule and priority, per-service settings, entryPoint forwarded-header trust, and the
 * discovery timeline.
 */

export interface TraefikEntryPointIR {
  name: string;
  port: number;
  protocol: 'http' | 'https';
  /** Routers without entryPoints listen on the entryPoints marked asDefault, or on all when none is. */
  asDefault: boolean;
  /** forwardedHeaders.trustedIPs: peers whose X-Forwarded-* headers are kept. */
  trustedIPs: string[];
  /** forwardedHeaders.insecure: keep every peer's X-Forwarded-* headers. */
  insecure: boolean;
}

export interface TraefikRouterIR {
  /** The RouteIR this router is (its `name`). */
  route: string;
  /** The rule as written (`match`). */
  rule: string;
  syntax: 'v3' | 'v2';
  /** Explicit priority; 0 means Traefik's default (the rule's length). */
  priority: number;
  /** entryPoints listed on the IngressRoute; empty = the default entryPoints. */
  entryPoints: string[];
  /** The IngressRoute has `tls`: a TLS router, which answers HTTPS requests only. */
  tls?: boolean;
  /** Why Traefik would not serve this router (it logs an error and keeps the others); absent when served. */
  disabled?: string;
}

export interface TraefikServiceSettingsIR {
  /** passHostHeader (default true): the client's Host goes upstream, else the server's host:port. */
  passHostHeader: boolean;
  /** The Kubernetes Service's namespace and name, for messages. */
  kubernetes: string;
}

/** A server (pod) that joins a service at an instant, through the provider's watch (discovery). */
export interface TraefikDiscoveredServerIR {
  service: string;
  host: string;
  port: number;
  /** Epoch ms at which Traefik applies the configuration that contains this server. */
  visibleFromMs: number;
  /** Epoch ms at which the pod appeared (for the reason sentence). */
  appearedAtMs: number;
  pod: string;
}

export interface TraefikTable {
  entryPoints: TraefikEntryPointIR[];
  routers: TraefikRouterIR[];
  services: Record<string, TraefikServiceSettingsIR>;
  /** entryPoints.*.http.sanitizePath (default true). */
  sanitizePath: boolean;
  /** X-Forwarded-Server: the Traefik host's name. */
  hostname: string;
  /** providers.kubernetesCRD.allowEmptyServices: a service without endpoints answers 503 instead of being dropped. */
  allowEmptyServices: boolean;
  /** Servers that appear during a run; a service's other targets are there from the start. */
  discovery: TraefikDiscoveredServerIR[];
}

export function isTraefikTable(t: unknown): t is TraefikTable {
  return typeof t === 'object' && t !== null && Array.isArray((t as TraefikTable).routers) && Array.isArray((t as TraefikTable).entryPoints);
}
