/**
 * The arithmetic of Envoy outlier detection as pure functions (semantics §9; Envoy
 * source/common/upstream/outlier_detection_impl.cc), so each rule can be tested on its own.
 */
import type { OutlierPolicyIR } from '../policy.ts';

export type OutlierRule = 'consecutive-5xx' | 'consecutive-gateway-failure' | 'success-rate' | 'failure-percentage';

/** Envoy's "gateway errors": what consecutive_gateway_failure counts. */
export function isGatewayError(status: number): boolean {
  return status === 502 || status === 503 || status === 504;
}

export function is5xx(status: number): boolean {
  return status >= 500 && status <= 599;
}

/**
 * How Envoy turns a local-origin failure into a status when split_external_local_origin_errors is
 * false: a timeout is a 504, a refused or reset connection a 503 — both gateway errors and both 5xx.
 */
export function localFailureStatus(failure: 'connect' | 'timeout' | 'reset'): number {
  return failure === 'timeout' ? 504 : 503;
}

/** The ejection time a host with multiplier m serves: min(base × m, max(max, base)) (no jitter here). */
export function ejectionTimeMs(policy: OutlierPolicyIR, multiplier: number): number {
  const cap = Math.max(policy.maxEjectionTimeMs, policy.baseEjectionTimeMs);
  return Math.min(policy.baseEjectionTimeMs * multiplier, cap);
}

/**
 * The multiplier after one more ejection. Envoy increments it only while m·base < max + base, so it
 * stops one step above the cap: a host that hit the cap needs that many healthy sweeps to come down.
 */
export function multiplierAfterEjection(policy: OutlierPolicyIR, multiplier: number): number {
  const cap = Math.max(policy.maxEjectionTimeMs, policy.baseEjectionTimeMs);
  return multiplier * policy.baseEjectionTimeMs < cap + policy.baseEjectionTimeMs ? multiplier + 1 : multiplier;
}

/**
 * Envoy ≥ 1.27 (PR #27909; the runtime guard went away in 1.31): eject only if the ejection keeps
 * 100·(ejected+1)/hosts ≤ max_ejection_percent, so the default 10 % ejects nothing below 10 hosts —
 * unless always_eject_one_host (1.31+) and nothing is ejected yet.
 */
export function maxEjectionAllowed(policy: OutlierPolicyIR, ejected: number, hostCount: number): boolean {
  if (hostCount <= 0) return false;
  const max = Math.min(100, policy.maxEjectionPercent);
  if ((100 * (ejected + 1)) / hostCount <= max) return true;
  return policy.alwaysEjectOneHost && ejected === 0;
}

/** The enforcing_* percentage that applies to a rule. */
export function enforcingPercent(policy: OutlierPolicyIR, rule: OutlierRule): number {
  switch (rule) {
    case 'consecutive-5xx':
      return policy.enforcingConsecutive5xx;
    case 'consecutive-gateway-failure':
      return policy.enforcingConsecutiveGatewayFailure;
    case 'success-rate':
      return policy.enforcingSuccessRate;
    case 'failure-percentage':
      return policy.enforcingFailurePercentage;
  }
}

/**
 * Envoy's runtime featureEnabled(percent): enforced when a uniform draw falls under percent/100.
 * 0 and 100 decide without consuming a draw, so the common configs do not depend on the stream.
 */
export function enforced(percent: number, draw: () => number): { yes: boolean; drew?: number } {
  if (percent >= 100) return { yes: true };
  if (percent <= 0) return { yes: false };
  const drew = draw();
  return { yes: drew * 100 < percent, drew };
}

export interface SuccessRateStats {
  mean: number;
  stdev: number;
  threshold: number;
}

/**
 * Envoy's success-rate threshold over the hosts that qualified: mean − (stdev_factor/1000)·stdev,
 * with the population standard deviation. {50,100,100,100,100} at factor 1900 → mean 90, stdev 20,
 * threshold 52.
 */
export function successRateThreshold(rates: readonly number[], stdevFactor: number): SuccessRateStats {
  const mean = rates.reduce((a, b) => a + b, 0) / rates.length;
  const variance = rates.reduce((a, r) => a + (r - mean) ** 2, 0) / rates.length;
  const stdev = Math.sqrt(variance);
  return { mean, stdev, threshold: mean - (stdevFactor / 1000) * stdev };
}

/**
 * A deterministic [0,1) draw keyed by what is being decided, for sweep-time enforcement when the
 * caller gives no draw: the same (rule, host, instant) always draws the same number (FNV-1a).
 */
export function keyedDraw(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h / 0x1_0000_0000;
}
