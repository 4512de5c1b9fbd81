/**
 * Whether a failed try is retried, and how long the gateway waits first. Pure: the backoff draw is
 * keyed by the request id and the attempt, so the simulation and the real proxy wait the same time.
 * Sources: Envoy retry policy (x-envoy-retry-on conditions, fully jittered backoff with a 25 ms base
 * and a 10× cap), nginx proxy_next_upstream (error timeout by default, never a non-idempotent method
 * once it was sent), Kong (retries on connection failures and timeouts only), Traefik retry
 * (pkg/middlewares/retry: an exponential backoff from initialInterval with multiplier
 * 2^(1/(attempts−1)) and its library's default ±50 % randomisation and 60 s interval cap).
 */
import type { RetryOnIR, RetryPolicyIR } from './policy.ts';

/** How one try ended, as the retry rules see it. */
export type TryOutcome =
  | { kind: 'response'; status: number }
  | { kind: 'failure'; failure: 'connect' | 'timeout' | 'reset' };

const GATEWAY_ERRORS = new Set([502, 503, 504]);

/** Which retry-on condition (if any) matches this outcome. */
export function matchingCondition(policy: RetryPolicyIR, outcome: TryOutcome): RetryOnIR | undefined {
  for (const on of policy.retryOn) {
    if (conditionHolds(on, policy, outcome)) return on;
  }
  return undefined;
}

function conditionHolds(on: RetryOnIR, policy: RetryPolicyIR, outcome: TryOutcome): boolean {
  if (outcome.kind === 'failure') {
    switch (on) {
      case '5xx':
      case 'gateway-error':
        return true;
      case 'connect-failure':
        return outcome.failure === 'connect';
      case 'reset':
        return outcome.failure === 'reset';
      case 'timeout':
        return outcome.failure === 'timeout';
      case 'retriable-status-codes':
        return false;
    }
  }
  switch (on) {
    case '5xx':
      return outcome.status >= 500;
    case 'gateway-error':
      return GATEWAY_ERRORS.has(outcome.status);
    case 'retriable-status-codes':
      return policy.retriableStatusCodes.includes(outcome.status);
    default:
      return false;
  }
}

/** Words for an outcome, for reasons. */
export function describeOutcome(outcome: TryOutcome): string {
  if (outcome.kind === 'response') return `status ${outcome.status}`;
  return outcome.failure === 'connect' ? 'connection refused' : outcome.failure === 'timeout' ? 'timeout' : 'connection reset';
}

export type RetryDecision =
  | { retry: true; condition: RetryOnIR; backoffMs: number; reason: string }
  | { retry: false; reason: string };

/**
 * `triesSoFar` counts the tries already made (1 after the first). `draw` is the request's keyed
 * draw for this attempt.
 */
export function decideRetry(
  policy: RetryPolicyIR,
  outcome: TryOutcome,
  ctx: { triesSoFar: number; method: string; draw: number },
): RetryDecision {
  const condition = matchingCondition(policy, outcome);
  const what = describeOutcome(outcome);
  if (!condition) return { retry: false, reason: `${what} matches no retry condition (${policy.retryOn.join(', ') || 'none'})` };
  if (policy.methods.length > 0 && !policy.methods.includes(ctx.method.toUpperCase())) {
    return { retry: false, reason: `${what} would be retried, but ${ctx.method} is not retried (${describeMethods(policy)})` };
  }
  const retriesDone = ctx.triesSoFar - 1;
  if (retriesDone >= policy.numRetries) {
    return { retry: false, reason: `${what}: all ${policy.numRetries} retr${policy.numRetries === 1 ? 'y' : 'ies'} used` };
  }
  const backoffMs = backoff(policy, retriesDone + 1, ctx.draw);
  const wait = backoffMs > 0 ? ` after a ${formatMs(backoffMs)} backoff` : '';
  return {
    retry: true,
    condition,
    backoffMs,
    reason: `${what} matches retry-on ${condition}: retry ${retriesDone + 1} of ${policy.numRetries}${wait}`,
  };
}

/** Backoff before retry number `n` (1-based). */
export function backoff(policy: RetryPolicyIR, n: number, draw: number): number {
  const b = policy.backoff;
  switch (b.kind) {
    case 'none':
      return 0;
    case 'envoy-jitter': {
      // Envoy: uniform over [0, (2^n − 1) × base], the upper end capped at max_interval.
      const ceiling = Math.min((2 ** n - 1) * b.baseMs, b.maxMs);
      return Math.floor(draw * ceiling);
    }
    case 'exponential':
      return Math.min(b.initialMs * 2 ** (n - 1), b.maxMs);
    case 'traefik': {
      // The library grows its interval after each wait and caps the grown value, never the first.
      const interval = n === 1 ? b.initialMs : Math.min(b.initialMs * b.multiplier ** (n - 1), b.maxIntervalMs);
      const spread = b.randomization * interval;
      return Math.floor(interval - spread + draw * 2 * spread);
    }
  }
}

function describeMethods(policy: RetryPolicyIR): string {
  return policy.flavour === 'nginx' || policy.flavour === 'traefik'
    ? `${policy.flavour} does not retry a non-idempotent request once it was sent`
    : `only ${policy.methods.join(', ')} are retried`;
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s` : `${ms} ms`;
}

/** Envoy's defaults when a route sets a retry policy: one retry, 25 ms base (semantics §9). */
export function envoyRetryPolicy(partial: Partial<RetryPolicyIR> = {}): RetryPolicyIR {
  return {
    numRetries: 1,
    retryOn: ['5xx', 'connect-failure', 'reset'],
    retriableStatusCodes: [],
    methods: [],
    otherHost: true,
    backoff: { kind: 'envoy-jitter', baseMs: 25, maxMs: 250 },
    flavour: 'envoy',
    ...partial,
  };
}
