/**
 * The sentences outlier decisions carry. Each says what was measured, against which knob, and what
 * happens next, in the words Envoy's docs and stats use, so a student can find the knob to turn.
 */
import type { OutlierPolicyIR } from '../policy.ts';
import type { OutlierRule } from './rules.ts';
import { ms, ordinal, pct } from './words.ts';

const KNOB: Record<OutlierRule, string> = {
  'consecutive-5xx': 'enforcing_consecutive_5xx',
  'consecutive-gateway-failure': 'enforcing_consecutive_gateway_failure',
  'success-rate': 'enforcing_success_rate',
  'failure-percentage': 'enforcing_failure_percentage',
};

export function consecutiveDetected(rule: 'consecutive-5xx' | 'consecutive-gateway-failure', count: number, host: string): string {
  return rule === 'consecutive-5xx'
    ? `consecutive 5xx: ${count} in a row from ${host} (threshold ${count})`
    : `consecutive gateway failures (502/503/504, refused connections, resets, timeouts): ${count} in a row from ${host} (threshold ${count})`;
}

export function successRateDetected(
  host: string,
  rate: number,
  volume: number,
  stats: { mean: number; stdev: number; threshold: number },
  policy: OutlierPolicyIR,
  qualified: number,
): string {
  return (
    `success rate: ${host} answered ${pct(rate)} of ${volume} requests in the last interval, below the cluster threshold ` +
    `${pct(stats.threshold)} (mean ${pct(stats.mean)} − ${policy.successRateStdevFactor / 1000} × stdev ${pct(stats.stdev)}, ` +
    `over the ${qualified} hosts with at least ${policy.successRateRequestVolume} requests)`
  );
}

export function failurePercentageDetected(host: string, rate: number, volume: number, policy: OutlierPolicyIR): string {
  return (
    `failure percentage: ${pct(100 - rate)} of ${volume} requests to ${host} failed in the last interval ` +
    `(threshold ${policy.failurePercentageThreshold} %, counted on hosts with at least ${policy.failurePercentageRequestVolume} requests)`
  );
}

export function ejected(detected: string, ejectionMs: number, times: number, returnsInMs: number, policy: OutlierPolicyIR): string {
  const base = policy.baseEjectionTimeMs;
  // The multiplier only comes down one step per healthy sweep, so a host that relapses serves longer.
  const grown = ejectionMs > base ? ` (base ${ms(base)} × ${Math.round(ejectionMs / base)}: it relapsed before earning its earlier ejections back)` : '';
  return (
    `${detected} — ejected for ${ms(ejectionMs)}${grown} (${ordinal(times)} ejection); it rejoins at the first sweep ` +
    `after that, ${ms(returnsInMs)} from now (sweeps every ${ms(policy.intervalMs)})`
  );
}

export function overflow(detected: string, ejectedNow: number, hostCount: number, policy: OutlierPolicyIR): string {
  const would = (100 * (ejectedNow + 1)) / hostCount;
  const max = Math.min(100, policy.maxEjectionPercent);
  const first =
    ejectedNow !== 0
      ? ''
      : max <= 0
        ? ' — 0 % forbids every ejection; always_eject_one_host (Envoy 1.31) would allow one'
        : ` — since Envoy 1.27 even the first ejection must fit, so with fewer than ${Math.ceil(100 / max)} hosts ` +
          'nothing is ever ejected; always_eject_one_host (Envoy 1.31) allows one';
  return (
    `${detected}, but not ejected: ${ejectedNow} of ${hostCount} hosts are out already and one more would make ` +
    `${pct(would)}, above max_ejection_percent ${policy.maxEjectionPercent} % (counted in ejections_overflow)${first}`
  );
}

export function notEnforced(detected: string, rule: OutlierRule, percent: number, drew: number | undefined): string {
  if (percent <= 0) {
    const why =
      rule === 'consecutive-gateway-failure'
        ? "Envoy's default: gateway failures are counted, not acted on"
        : rule === 'success-rate'
          ? 'Istio always turns success-rate ejection off'
          : rule === 'failure-percentage'
            ? "Envoy's default: failure-percentage ejection is off"
            : 'ejection for this rule is turned off';
    return `${detected}, but not ejected: ${KNOB[rule]} is 0 % (${why})`;
  }
  return `${detected}, but not ejected: ${KNOB[rule]} is ${percent} % and this time the draw (${drew?.toFixed(3)}) fell outside it`;
}

export function unejected(host: string, sinceMs: number, ejectionMs: number, multiplier: number, policy: OutlierPolicyIR): string {
  return (
    `ejection over: ${host} was ejected ${ms(sinceMs)} ago, at least its ejection time ${ms(ejectionMs)} ` +
    `(base ${ms(policy.baseEjectionTimeMs)} × ${multiplier}, capped at ${ms(Math.max(policy.maxEjectionTimeMs, policy.baseEjectionTimeMs))}), ` +
    'so it rejoins at this sweep with its consecutive-error counters back at 0'
  );
}

/**
 * An ejection ended early by a passing active health check (successful_active_health_check_uneject_host).
 * Says what it skipped, and that the multiplier is not forgiven: a relapse is ejected for longer.
 */
export function unejectedByActiveCheck(host: string, sinceMs: number, ejectionMs: number, sweepInMs: number, multiplier: number): string {
  return (
    `an active health check on ${host} passed, so the host was unejected early: ${ms(sinceMs)} into its ${ms(ejectionMs)} ` +
    `ejection, ${Number.isFinite(sweepInMs) ? `${ms(sweepInMs)} before the sweep that would have returned it` : 'with no sweep to return it (interval 0)'} ` +
    '(successful_active_health_check_uneject_host, ' +
    `true by default); its consecutive-error counters are back at 0, its ejection multiplier stays ${multiplier}`
  );
}
