/**
 * The classic circuit breaker's knobs, named and defaulted exactly as resilience4j's
 * CircuitBreakerConfig (semantics §9), with every duration in milliseconds. One addition that
 * resilience4j does not have: `consecutiveFailures`, the "trip after N failures in a row" rule that
 * Polly's classic breaker, sony/gobreaker's default, Envoy's outlier detection (consecutive_5xx) and
 * Kong's passive health checks use, and that lessons often describe as `failureThreshold: n`.
 */

export type SlidingWindowType = 'COUNT_BASED' | 'TIME_BASED';

export interface BreakerConfig {
  /** Percentage of failed calls (in the sliding window) at or above which CLOSED trips to OPEN. */
  failureRateThreshold: number;
  /** Percentage of slow calls at or above which the breaker trips, like failures. */
  slowCallRateThreshold: number;
  /** A call that takes longer than this (strictly) is slow, in ms. */
  slowCallDurationThreshold: number;
  /** COUNT_BASED: the last N calls; TIME_BASED: the calls of the last N epoch seconds. */
  slidingWindowType: SlidingWindowType;
  /** N: calls (COUNT_BASED) or seconds (TIME_BASED). */
  slidingWindowSize: number;
  /** No decision below this many calls in the window; capped at slidingWindowSize when COUNT_BASED. */
  minimumNumberOfCalls: number;
  /** How long OPEN rejects every call before it lets trial calls through, in ms (at least 1). */
  waitDurationInOpenState: number;
  /** true: OPEN becomes HALF_OPEN at the instant the wait ends; false: on the first call after it. */
  automaticTransitionFromOpenToHalfOpenEnabled: boolean;
  /** Trial calls HALF_OPEN lets through; further calls are rejected until they have been judged. */
  permittedNumberOfCallsInHalfOpenState: number;
  /** HALF_OPEN gives up and reopens after this long without a verdict, in ms; 0 = wait forever. */
  maxWaitDurationInHalfOpenState: number;
  /**
   * Consecutive mode (not resilience4j): trip after this many failures in a row; a success resets the
   * count, and in HALF_OPEN one failed trial reopens. Unset = resilience4j's rate mode.
   */
  consecutiveFailures?: number;
}

/** resilience4j's CircuitBreakerConfig defaults (semantics §9). */
export const RESILIENCE4J_DEFAULTS: Readonly<BreakerConfig> = Object.freeze({
  failureRateThreshold: 50,
  slowCallRateThreshold: 100,
  slowCallDurationThreshold: 60_000,
  slidingWindowType: 'COUNT_BASED',
  slidingWindowSize: 100,
  minimumNumberOfCalls: 100,
  waitDurationInOpenState: 60_000,
  automaticTransitionFromOpenToHalfOpenEnabled: false,
  permittedNumberOfCallsInHalfOpenState: 10,
  maxWaitDurationInHalfOpenState: 0,
});

export function breakerConfig(partial: Partial<BreakerConfig> = {}): BreakerConfig {
  return { ...RESILIENCE4J_DEFAULTS, ...partial };
}

/** CLOSED decides once this many calls are in the window (CircuitBreakerMetrics: capped when count-based). */
export function closedMinimumCalls(config: BreakerConfig): number {
  return config.slidingWindowType === 'COUNT_BASED'
    ? Math.min(config.minimumNumberOfCalls, config.slidingWindowSize)
    : config.minimumNumberOfCalls;
}

/**
 * HALF_OPEN judges its trial calls in a count-based window of permittedNumberOfCallsInHalfOpenState,
 * so the same cap applies: with minimumNumberOfCalls below that number the verdict comes early.
 */
export function halfOpenMinimumCalls(config: BreakerConfig): number {
  return Math.min(config.minimumNumberOfCalls, config.permittedNumberOfCallsInHalfOpenState);
}

export function isConsecutiveMode(config: BreakerConfig): config is BreakerConfig & { consecutiveFailures: number } {
  return config.consecutiveFailures !== undefined && config.consecutiveFailures > 0;
}
