/**
 * An Istio DestinationRule as the Envoy cluster settings istiod would generate from it (semantics §9;
 * istio/istio pilot/pkg/networking/core/cluster_traffic_policy.go). Values are what Envoy enforces, with
 * Istio's defaults filled in where the rule is silent — not the YAML as written — so the resilience
 * behaviour (a later issue) reads one shape. Durations are milliseconds.
 */
import type { SourceLoc } from '../../core/errors.ts';
import type { HashOnIR } from '../../upstream/policy.ts';

/** 2^32 − 1: Istio's default for every circuit-breaker threshold (Envoy's own are 1024 / 3). */
export const ISTIO_UNLIMITED = 4294967295;

export interface ConnectionPoolIR {
  /** tcp.maxConnections → max_connections. */
  maxConnections: number;
  /** tcp.connectTimeout → cluster connect_timeout (mesh default 10 s). */
  connectTimeoutMs: number;
  /** http.http1MaxPendingRequests → max_pending_requests. */
  maxPendingRequests: number;
  /** http.http2MaxRequests → max_requests (HTTP/1.1 and HTTP/2 alike). */
  maxRequests: number;
  /** http.maxRetries → max_retries (concurrent retries). */
  maxRetries: number;
  /** http.maxRequestsPerConnection; 0 = unlimited. */
  maxRequestsPerConnection: number;
  /** http.idleTimeout, when set (Envoy's default is 1 h). */
  idleTimeoutMs?: number;
  /** http.h2UpgradePolicy: DEFAULT, DO_NOT_UPGRADE or UPGRADE. */
  h2UpgradePolicy: string;
}

export interface OutlierDetectionIR {
  consecutive5xx: number;
  /** 100 when consecutive5xxErrors > 0 (or unset), 0 when it is 0. */
  enforcingConsecutive5xx: number;
  consecutiveGatewayFailure: number;
  /** 0 unless consecutiveGatewayErrors > 0: Envoy counts gateway errors but does not eject for them. */
  enforcingConsecutiveGatewayFailure: number;
  intervalMs: number;
  baseEjectionTimeMs: number;
  /** Envoy max_ejection_time: 300 s, or the base time when that is larger. */
  maxEjectionTimeMs: number;
  maxEjectionPercent: number;
  /** Istio always turns success-rate ejection off. */
  enforcingSuccessRate: 0;
  /** minHealthPercent → healthy_panic_threshold; Istio's 0 disables panic mode. */
  healthyPanicThreshold: number;
  splitExternalLocalOriginErrors: boolean;
  consecutiveLocalOriginFailure?: number;
}

/** loadBalancer.consistentHash: where the key comes from and which Envoy hash balancer uses it. */
export interface ConsistentHashIR {
  /** httpHeaderName, httpCookie (name), useSourceIp, httpQueryParameterName. */
  hashOn: HashOnIR;
  /** `maglev` when set, else Envoy's ring hash (ringHash, or the deprecated top-level minimumRingSize). */
  algorithm: 'ring-hash' | 'maglev';
  /** Ring hash: minimum ring size (Envoy's default 1024). */
  minimumRingSize: number;
  /** Maglev: table size, a prime (Envoy's default 65537). */
  tableSize: number;
}

export interface LoadBalancerIR {
  simple?: string;
  consistentHash?: ConsistentHashIR;
}

export interface TrafficPolicySettingsIR {
  connectionPool: ConnectionPoolIR;
  /** Absent when the rule sets no outlierDetection: Istio configures no ejection at all then. */
  outlierDetection?: OutlierDetectionIR;
  loadBalancer?: LoadBalancerIR;
  /** tls.mode when set (DISABLE, SIMPLE, MUTUAL, ISTIO_MUTUAL). */
  tlsMode?: string;
}

export interface TrafficPolicyIR {
  /** `namespace/name` of the DestinationRule. */
  name: string;
  namespace: string;
  /** spec.host as written, and as Istio resolves a short name in the rule's namespace. */
  host: string;
  fqdn: string;
  exportTo: string[];
  policy: TrafficPolicySettingsIR;
  /** portLevelSettings: each section that is set replaces the top-level one for that port. */
  portLevel: Array<{ port: number; policy: TrafficPolicySettingsIR }>;
  /** Subsets with their effective policy (the subset's sections replace the top-level ones). */
  subsets: Array<{ name: string; labels: Record<string, string>; policy: TrafficPolicySettingsIR }>;
  loc?: SourceLoc;
  /** Where spec.host is written, for "this rule matches no service". */
  hostLoc?: SourceLoc;
}
