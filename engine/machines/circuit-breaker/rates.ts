/**
 * resilience4j's threshold check (CircuitBreakerMetrics.checkIfThresholdsExceeded): below the minimum
 * number of calls nothing is decided; otherwise the failure rate and the slow-call rate are each
 * compared with `≥`. Compared in integers (failed·100 ≥ threshold·calls) so 1 of 3 never rounds.
 */
import type { BreakerConfig } from './config.ts';
import type { Tally } from './window.ts';
import { percent, span } from './words.ts';

export type Evaluation =
  | { kind: 'too-few'; text: string }
  | { kind: 'below'; text: string }
  | { kind: 'exceeded'; failureRate: boolean; slowCallRate: boolean; text: string };

const atLeast = (part: number, whole: number, threshold: number): boolean => part * 100 >= threshold * whole;

export function failureText(t: Tally, config: BreakerConfig, what = 'calls'): string {
  const cmp = atLeast(t.failed, t.calls, config.failureRateThreshold) ? '≥' : '<';
  return `${t.failed} of ${t.calls} ${what} failed (${percent(t.failed, t.calls)} ${cmp} ${config.failureRateThreshold} %)`;
}

export function slowText(t: Tally, config: BreakerConfig, what = 'calls'): string {
  const cmp = atLeast(t.slow, t.calls, config.slowCallRateThreshold) ? '≥' : '<';
  return `${t.slow} of ${t.calls} ${what} slower than ${span(config.slowCallDurationThreshold)} (${percent(t.slow, t.calls)} ${cmp} ${config.slowCallRateThreshold} %)`;
}

export function evaluate(t: Tally, minimumCalls: number, config: BreakerConfig, what = 'calls'): Evaluation {
  if (t.calls === 0 || t.calls < minimumCalls) {
    return { kind: 'too-few', text: `${t.calls} ${t.calls === 1 ? what.replace(/s$/, '') : what} so far; no decision below ${minimumCalls} (minimumNumberOfCalls)` };
  }
  const failureRate = atLeast(t.failed, t.calls, config.failureRateThreshold);
  const slowCallRate = atLeast(t.slow, t.calls, config.slowCallRateThreshold);
  if (failureRate || slowCallRate) {
    const parts = [failureRate && failureText(t, config, what), slowCallRate && slowText(t, config, what)].filter(Boolean);
    return { kind: 'exceeded', failureRate, slowCallRate, text: parts.join(' and ') };
  }
  const slow = t.slow > 0 ? `; ${slowText(t, config, what)}` : '';
  return { kind: 'below', text: `${failureText(t, config, what)}${slow}` };
}
