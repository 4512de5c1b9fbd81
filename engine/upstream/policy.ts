/**
 * How a gateway talks to one service's hosts: the balancer, health, outlier ejection, connection-pool
 * limits (Envoy's "circuit breakers"), retries and timeouts. Every vendor dialect maps its knobs onto
 * this one shape (ServiceIR.policy); engine/upstream/ runs it identically under both hosts.
 * Durations are milliseconds. Sources: semantics §9 (Envoy, Istio), §10 (balancers), §5 (AWS).
 */

/** Where a consistent-hash balancer reads its key from. */
export type HashOnIR =
  | { source: 'ip' }
  | { source: 'header'; name: string }
  | { source: 'cookie'; name: string }
  | { source: 'path' }
  | { source: 'query'; name: string };

export type BalancerIR =
  /** Plain rotation over eligible hosts, weights ignored (nginx without weights, Kong round-robin with equal weights). */
  | { kind: 'round-robin' }
  /** nginx smooth weighted round robin (semantics §10); `wheel`: Kong's wheel of weight-many slots per target. */
  | { kind: 'weighted-round-robin'; wheel?: boolean }
  /** nginx least_conn: min conns/weight, ties by smooth WRR. */
  | { kind: 'least-connections' }
  /** Envoy least_request: P2C of `choiceCount` when weights are equal, else weight/(active+1)^bias. */
  | { kind: 'least-request'; choiceCount: number; activeRequestBias: number }
  | { kind: 'random' }
  /** Kong `latency` / ingress-nginx `ewma`: peak EWMA of round-trip time, P2C. */
  | { kind: 'ewma'; decayMs: number }
  /** Envoy ring hash (Ketama). */
  | { kind: 'ring-hash'; hashOn: HashOnIR; minRingSize: number; maxRingSize: number }
  /** Envoy Maglev. */
  | { kind: 'maglev'; hashOn: HashOnIR; tableSize: number }
  /** ingress-nginx `upstream-hash-by` (lua-resty-balancer chash, 160 CRC-32 points per pod); `variable` without `$`. */
  | { kind: 'nginx-chash'; hashOn: HashOnIR; variable: string }
  /** ingress-nginx cookie affinity (balancer/sticky_{balanced,persistent}.lua); `salt` is the backend's name. */
  | { kind: 'sticky'; mode: 'balanced' | 'persistent'; cookie: string; salt: string };

/** Envoy outlier detection, every field as Envoy enforces it (defaults in engine/upstream/outlier/). */
export interface OutlierPolicyIR {
  consecutive5xx: number;
  enforcingConsecutive5xx: number;
  consecutiveGatewayFailure: number;
  enforcingConsecutiveGatewayFailure: number;
  intervalMs: number;
  baseEjectionTimeMs: number;
  maxEjectionTimeMs: number;
  maxEjectionPercent: number;
  /** Envoy ≥ 1.31: eject one host even when max_ejection_percent would forbid it. */
  alwaysEjectOneHost: boolean;
  enforcingSuccessRate: number;
  successRateMinimumHosts: number;
  successRateRequestVolume: number;
  successRateStdevFactor: number;
  failurePercentageThreshold: number;
  enforcingFailurePercentage: number;
  failurePercentageMinimumHosts: number;
  failurePercentageRequestVolume: number;
  splitExternalLocalOriginErrors: boolean;
  /** LB ignores health when fewer than this percent of hosts are healthy; 0 disables panic mode. */
  healthyPanicThreshold: number;
  /**
   * Envoy's successful_active_health_check_uneject_host (default true): with active health checks on
   * the cluster too, a passing check on an ejected host that active checks call healthy ends its
   * ejection at once instead of at a sweep. Inert without active checks.
   */
  successfulActiveHealthCheckUnejectHost: boolean;
}

/** Envoy cluster circuit breakers: concurrency limits, overflow answered locally with 503. */
export interface ConnectionPoolPolicyIR {
  maxConnections: number;
  maxPendingRequests: number;
  maxRequests: number;
  maxRetries: number;
  /** Envoy retry_budget; when set it replaces maxRetries. */
  retryBudget?: { budgetPercent: number; minRetryConcurrency: number };
}

/** Passive health as nginx (max_fails/fail_timeout), Kong (healthchecks.passive) or Traefik (passiveHealthCheck) define it. */
export type PassiveHealthIR =
  | { kind: 'nginx'; maxFails: number; failTimeoutMs: number }
  /** Traefik v3.6+ loadBalancer.passiveHealthCheck (health/traefik-passive.ts). */
  | { kind: 'traefik'; maxFailedAttempts: number; failureWindowMs: number }
  | {
      kind: 'kong';
      /** Statuses that count as an HTTP failure (Kong: 429, 500, 503). */
      unhealthyStatuses: number[];
      httpFailures: number;
      tcpFailures: number;
      timeouts: number;
      /** Successes that make an unhealthy host healthy again (Kong passive: 0 = never by itself). */
      healthySuccesses: number;
      healthyStatuses: number[];
    };

/** Active probes sent by the gateway on its own schedule. */
export interface ActiveHealthIR {
  path: string;
  /**
   * The probe timer's period: the hosts wake every intervalMs and probe the targets due then. Without
   * the two per-state intervals below, every target is due on every tick.
   */
  intervalMs: number;
  timeoutMs: number;
  /** Passing probes in a row that bring an unhealthy host back (Kong: healthy.successes). */
  healthyThreshold: number;
  /** Failed probes in a row that take a healthy host out; unused when failureThresholds is set. */
  unhealthyThreshold: number;
  healthyStatuses: number[];
  /**
   * What a probe is: an HTTP GET of `path` (the default), the same over TLS, or only a TCP connect
   * (Kong `type: tcp`: the connection opening is the pass, no request is sent).
   */
  probe?: 'http' | 'https' | 'tcp';
  /**
   * How often targets in each state are probed, a multiple of intervalMs; 0 = targets in that state
   * are not probed at all. Absent = intervalMs. Kong: healthy.interval and unhealthy.interval, each
   * its own round on its own clock from the config's load (lua-resty-healthcheck's active_check_timer).
   */
  healthyIntervalMs?: number;
  unhealthyIntervalMs?: number;
  /**
   * Kong's separate failure counters (0 = that kind never counts). When set, probes are counted the
   * way lua-resty-healthcheck's incr_counter counts them, not as runs of pass/fail: see
   * engine/upstream/health/kong-active.ts. Absent: every failed probe counts against unhealthyThreshold.
   */
  failureThresholds?: { http: number; tcp: number; timeouts: number };
  /**
   * With failureThresholds: the statuses that count as an HTTP failure. A status in neither this nor
   * healthyStatuses changes nothing (Kong's report_http_status ignores it).
   */
  unhealthyStatuses?: number[];
  /**
   * Whose rules decide what a probe does to a server. Absent: the thresholds above (nginx, Envoy, Kong).
   * `traefik`: one probe decides, the up flag shared with the passive check
   * (engine/upstream/health/traefik-active.ts).
   */
  flavour?: 'traefik';
}

/**
 * Envoy's retry_on conditions plus `timeout` (nginx's). `reset` is any failure but a timeout, a
 * connect failure included; `reset-before-request` only one before any byte was sent — Envoy's
 * RetryStateImpl::wouldRetryFromReset.
 */
export type RetryOnIR = '5xx' | 'gateway-error' | 'connect-failure' | 'reset' | 'reset-before-request' | 'timeout' | 'retriable-status-codes';

export interface RetryPolicyIR {
  /** Retries after the first try (Envoy num_retries, Kong retries, Traefik attempts − 1). */
  numRetries: number;
  retryOn: RetryOnIR[];
  retriableStatusCodes: number[];
  /**
   * Only these methods are retried once any of the request was written to the upstream (an answer, a
   * reset or a timeout after sending); empty = all. A try that wrote nothing (a connect failure) is
   * retried whatever the method. Envoy never looks at the method (empty); the native IR may list some.
   */
  methods: string[];
  /**
   * These methods are not retried once any of the request was written, whatever `methods` says. nginx
   * and Traefik name the methods they refuse (POST, LOCK, PATCH), not the ones they allow, so a method
   * they do not know (PURGE) is retried: ngx_http_upstream_next marks a non-idempotent request only
   * when `request_sent`, and Traefik's network-error retry ignores the method. Absent = none.
   */
  methodsNotRetried?: string[];
  /**
   * Traefik: its network-error retry covers only tries that wrote nothing; a try that failed after
   * writing is the status its proxy answered (502 for a reset, 504 for a timeout), retried only
   * when that status is in `retriableStatusCodes` (and the method allows it). Absent elsewhere.
   */
  failuresAnsweredAs?: { reset: number; timeout: number };
  /**
   * Traefik's retry `timeout`: once this long has passed since the retry middleware began the
   * request's first attempt, an answer or a network error goes to the client as it is (retry.go
   * `timedOut` in WriteHeader). Absent or 0: no such limit.
   */
  timeoutMs?: number;
  /** Pick a host not tried yet for this request when one exists. */
  otherHost: boolean;
  backoff:
    | { kind: 'none' }
    /** Envoy: uniform in [0, (2^n − 1)·base], capped at max (default 10 × base). */
    | { kind: 'envoy-jitter'; baseMs: number; maxMs: number }
    /** The native IR's plain exponential: initial, doubled per attempt, capped at max; no jitter. */
    | { kind: 'exponential'; initialMs: number; maxMs: number }
    /**
     * Traefik's retry middleware: an exponential backoff from initialInterval whose multiplier is
     * 2^(1/(attempts−1)), each wait drawn within ± `randomization` of the interval (0.5, its backoff
     * library's default), intervals capped at `maxIntervalMs` (60 s, the same library's default).
     */
    | { kind: 'traefik'; initialMs: number; multiplier: number; randomization: number; maxIntervalMs: number };
  /** Who retries, for messages: the flavour changes only wording. */
  flavour: 'envoy' | 'nginx' | 'kong' | 'traefik' | 'gateway-api';
}

export interface TimeoutPolicyIR {
  connectMs: number;
  /** Per try (Kong read_timeout, Envoy per_try_timeout, nginx proxy_read_timeout); 0 = none. */
  perTryMs: number;
  /** The whole exchange across retries (Envoy route timeout, Gateway API request timeout); 0 = none. */
  overallMs: number;
  /** What answers a timeout, and how: AWS says 504 with its own body. */
  flavour: 'generic' | 'aws-rest' | 'aws-http';
}

export interface UpstreamPolicyIR {
  balancer?: BalancerIR;
  passiveHealth?: PassiveHealthIR;
  activeHealth?: ActiveHealthIR;
  /**
   * Kong `healthchecks.threshold` (percent), on a balancer that checks it on every pick: while the
   * targets the health checks let in carry this share of the weight or less, the balancer refuses
   * every pick ("Balancer is unhealthy"). balancers.lua updateStatus: healthy = available weight /
   * total × 100 > threshold, strictly, so 50 with one of two equal targets out already refuses.
   */
  healthyWeightThreshold?: number;
  outlierDetection?: OutlierPolicyIR;
  connectionPool?: ConnectionPoolPolicyIR;
  retry?: RetryPolicyIR;
  timeouts?: TimeoutPolicyIR;
  /** Where the policy came from (a DestinationRule, a Kong upstream), for messages. */
  origin?: string;
}
