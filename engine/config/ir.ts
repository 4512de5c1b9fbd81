/**
 * The one intermediate representation every vendor dialect is translated into. The core understands
 * only this; adapters in engine/config/<dialect>/ produce it, together with diagnostics that point at
 * the vendor file's own lines.
 */
import type { SourceLoc } from '../core/errors.ts';
import type { TrafficPolicyIR } from './istio/types.ts';
import type { UpstreamPolicyIR } from '../upstream/policy.ts';

export type Dialect = 'kong' | 'gateway-api' | 'ingress-nginx' | 'traefik' | 'ir';

export interface ListenerIR {
  name: string;
  port: number;
  protocol: 'http' | 'https';
}

export interface TargetIR {
  /** host:port of one upstream instance. */
  host: string;
  port: number;
  weight: number;
}

export interface ServiceIR {
  /** Unique name; backends in a scenario bind to it (or to its host). */
  name: string;
  id: string;
  protocol: 'http' | 'https';
  host: string;
  port: number;
  /** Path prefix the service adds upstream (Kong's service.path); undefined when none. */
  path?: string;
  targets: TargetIR[];
  retries: number;
  connectTimeoutMs: number;
  readTimeoutMs: number;
  writeTimeoutMs: number;
  /** Balancing, health, ejection, pool limits, retries and timeouts (engine/upstream/policy.ts). */
  policy?: UpstreamPolicyIR;
  /**
   * The upstream group this service balances over, when the vendor keeps one balancer and one health
   * checker per group rather than per service: services with the same key share both (Kong, whose
   * adapter sets it to the upstream's name when the service's host names an upstream). Absent: the
   * service has its own, as in nginx, Envoy, Traefik and the native IR.
   */
  upstreamKey?: string;
  loc?: SourceLoc;
}

export type PathMatchIR =
  /** A plain character prefix (Kong: not segment-aware). */
  | { kind: 'prefix'; value: string }
  | { kind: 'exact'; value: string }
  /** A regex, anchored at the start, evaluated with a linear-time engine. */
  | { kind: 'regex'; value: string };

export interface RouteIR {
  name: string;
  id: string;
  /** The service name this route sends to, or null for a route without one. */
  service: string | null;
  protocols: Array<'http' | 'https'>;
  methods: string[];
  /** Host patterns; `*.example.com` and `example.*` wildcards, optional `:port`. */
  hosts: string[];
  paths: PathMatchIR[];
  /** Header name (lower-case) → accepted values (any of). */
  headers: Record<string, string[]>;
  /**
   * Weighted backends (Gateway API backendRefs, Traefik weighted services, an ingress-nginx canary):
   * the dialect picks one per request with a draw keyed by the request id. When absent, `service`.
   */
  backends?: WeightedBackendIR[];
  stripPath: boolean;
  preserveHost: boolean;
  pathHandling: 'v0' | 'v1';
  regexPriority: number;
  httpsRedirectStatusCode: number;
  /**
   * Kong `request_buffering: false` (set only then): the request body is streamed to the upstream
   * (nginx `proxy_request_buffering off`), so nginx never passes the request to another upstream once
   * any of it was sent (`request_body_no_buffering`). Absent: the body is buffered first, as by default.
   */
  requestBuffering?: false;
  loc?: SourceLoc;
}

export interface WeightedBackendIR {
  /** A service name, or null for a backend that does not exist (Gateway API answers 500 for its share). */
  service: string | null;
  weight: number;
  /** Plugin instance ids that run only when this backend is chosen (Gateway API per-backendRef filters). */
  plugins?: string[];
}

export interface CredentialIR {
  /** The plugin the credential belongs to: key-auth, jwt, basic-auth. */
  kind: string;
  id: string;
  fields: Record<string, unknown>;
}

export interface ConsumerIR {
  id: string;
  username?: string;
  customId?: string;
  groups: string[];
  credentials: CredentialIR[];
  loc?: SourceLoc;
}

/** One configured plugin instance, before the pipeline resolves which instance applies to a request. */
export interface PluginInstanceIR {
  /** Unique, stable instance id (Kong's plugin id). */
  instanceId: string;
  /** gatelab plugin id = folder under engine/plugins/. */
  plugin: string;
  /** The name the vendor uses (Kong `rate-limiting`), for messages. */
  vendorName: string;
  /** Parsed config with defaults filled, as the plugin's `parse` returned it. */
  config: unknown;
  scope: { route?: string; service?: string; consumer?: string };
  enabled: boolean;
  loc?: SourceLoc;
}

/** How the real client address is recovered from forwarding headers (nginx realip, Kong trusted_ips). */
export interface RealIpIR {
  trustedCidrs: string[];
  header: string;
  recursive: boolean;
}

/**
 * How a dialect chooses a route: the behaviour that differs per vendor. Each non-Kong dialect keeps
 * its own routing table (opaque here) that its behaviour module in engine/pipeline/dialects/ reads.
 */
export type RouterIR =
  | {
      kind: 'kong';
      /** Kong answers with these when no route matches. */
      notFound: { status: number; body: string };
    }
  | { kind: 'gateway-api'; table: unknown }
  | { kind: 'ingress-nginx'; table: unknown }
  | { kind: 'traefik'; table: unknown };

export interface GatewayIR {
  dialect: Dialect;
  router: RouterIR;
  /**
   * How plugins of one phase are ordered: Kong by priority (semantics §6); Traefik middlewares,
   * Gateway API filters and Envoy filters in declared order (`plugins` order). Default priority.
   */
  pluginOrder?: 'priority' | 'declared';
  listeners: ListenerIR[];
  services: ServiceIR[];
  routes: RouteIR[];
  plugins: PluginInstanceIR[];
  consumers: ConsumerIR[];
  realIp?: RealIpIR;
  /** Istio DestinationRules found beside the config, as Envoy cluster settings (engine/config/istio/). */
  trafficPolicies?: TrafficPolicyIR[];
  /**
   * Set (and changed over time) by a rollout controller outside the gateway — what Flagger or Argo
   * Rollouts do when they rewrite HTTPRoute weights or the canary-weight annotation: the canary
   * gets `percent` of the traffic that the weights would split between the two. Header and cookie
   * rules still decide first. Mutable on purpose: one controller drives every replica.
   */
  trafficShift?: TrafficShiftIR;
}

export interface TrafficShiftIR {
  primary: string;
  canary: string;
  percent: number;
  /** Who set it, for reasons ("rollout step 2 of 5"). */
  by: string;
}
