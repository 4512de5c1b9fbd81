/**
 * Whether a failed try is retried, and how long the gateway waits first. Pure: the backoff draw is
 * keyed by the request id and the attempt, so the simulation and the real proxy wait the same time.
 * Sources: Envoy retry policy (x-envoy-retry-on conditions as retry_state_impl.cc decides them,
 * fully jittered backoff with a 25 ms base and a 10× cap; the method is never looked at), nginx proxy_next_upstream (error timeout by default;
 * ngx_http_upstream_next adds NON_IDEMPOTENT for a POST, LOCK or PATCH only once `request_sent`),
 * Kong (the same nginx rule under its balancer's retries), Traefik retry (pkg/middlewares/retry:
 * network errors only while nothing was written, any method; statuses only for idempotent methods;
 * an exponential backoff from initialInterval with multiplier 2^(1/(attempts−1)) and its library's
 * default ±50 % randomisation and 60 s interval cap). semantics §9, feature table "Retries".
 */
import type { RetryOnIR, RetryPolicyIR } from './policy.ts';

/** How one try ended, as the retry rules see it. */
export type TryOutcome =
  | { kind: 'response'; status: number }
  | { kind: 'failure'; failure: 'connect' | 'timeout' | 'reset' };

const GATEWAY_ERRORS = new Set([502, 503, 504]);

/**
 * What nginx and Traefik refuse to retry once the request was sent: POST, LOCK and PATCH
 * (ngx_http_upstream_next's NGX_HTTP_POST|LOCK|PATCH test; retry.go isIdempotent). Every other
 * method, one they have never heard of (PURGE) included, is retried.
 */
export const NOT_RETRIED_ONCE_SENT = ['POST', 'LOCK', 'PATCH'];

/**
 * Whether any of the request reached the upstream before the try ended. A connect failure (refused,
 * unreachable, a connect timeout, a name that did not resolve) wrote nothing; a reset or a timeout
 * waiting for the answer came after the request was sent, and an answer means it was read.
 */
export function requestWritten(outcome: TryOutcome): boolean {
  return outcome.kind === 'response' || outcome.failure !== 'connect';
}

/**
 * The outcome as the policy judges it: with `failuresAnsweredAs` (Traefik) a failure after the
 * request was written is the status the gateway's proxy answered with, a connect failure stays one.
 */
function judged(policy: RetryPolicyIR, outcome: TryOutcome): TryOutcome {
  const as = policy.failuresAnsweredAs;
  if (!as || outcome.kind === 'response' || outcome.failure === 'connect') return outcome;
  return { kind: 'response', status: outcome.failure === 'timeout' ? as.timeout : as.reset };
}

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
        // Envoy: every stream reset but overflow, a failed connection too; a per-try timeout is not one.
        return outcome.failure !== 'timeout';
      case 'reset-before-request':
        return !requestWritten(outcome);
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
 * draw for this attempt. `bodyStreamed`: the route streams the request body to the upstream instead
 * of buffering it first (Kong `request_buffering: false`).
 */
export function decideRetry(
  policy: RetryPolicyIR,
  outcome: TryOutcome,
  ctx: { triesSoFar: number; method: string; draw: number; bodyStreamed?: boolean; elapsedMs?: number },
): RetryDecision {
  const seen = judged(policy, outcome);
  const condition = matchingCondition(policy, seen);
  const what = seen !== outcome && seen.kind === 'response' ? `${describeOutcome(outcome)} (answered ${seen.status})` : describeOutcome(outcome);
  if (!condition) return { retry: false, reason: `${what} matches no retry condition (${policy.retryOn.join(', ') || 'none'})${unwrittenOnly(policy, outcome)}` };
  // nginx and Traefik refuse a method only once some of the request went out: nothing was done yet.
  const methodRefused = methodRefusedOnceSent(policy, ctx.method.toUpperCase());
  if (methodRefused && requestWritten(outcome)) {
    return { retry: false, reason: `${what} would be retried, but ${ctx.method} is not retried (${describeMethods(policy)})` };
  }
  if (ctx.bodyStreamed && streamedBodyRefused(policy, outcome)) {
    return { retry: false, reason: `${what} would be retried, but the route streams the request body (request_buffering off): nginx never passes such a request to the next upstream once any of it was sent, whatever the method` };
  }
  const limit = policy.timeoutMs ?? 0;
  if (limit > 0 && ctx.elapsedMs !== undefined && ctx.elapsedMs >= limit) {
    return { retry: false, reason: `${what} would be retried, but the retry timeout has passed: ${formatMs(ctx.elapsedMs)} since the first attempt began (timeout ${formatMs(limit)})` };
  }
  const retriesDone = ctx.triesSoFar - 1;
  if (retriesDone >= policy.numRetries) {
    return { retry: false, reason: `${what}: all ${policy.numRetries} retr${policy.numRetries === 1 ? 'y' : 'ies'} used` };
  }
  const backoffMs = backoff(policy, retriesDone + 1, ctx.draw);
  const wait = backoffMs > 0 ? ` after ${articleFor(formatMs(backoffMs))} ${formatMs(backoffMs)} backoff` : '';
  return {
    retry: true,
    condition,
    backoffMs,
    reason: `${what} matches retry-on ${condition}: retry ${retriesDone + 1} of ${policy.numRetries}${wait}${methodRefused ? `, ${ctx.method} too: nothing of it was sent` : ''}`,
  };
}

/**
 * nginx, under Kong too: a request whose body is streamed (proxy_request_buffering off) cannot be
 * sent again, so ngx_http_upstream_next finalizes it once `u->request_sent && r->request_body_no_buffering`,
 * for every method. A try that wrote nothing (a refused connection) is still passed on.
 */
function streamedBodyRefused(policy: RetryPolicyIR, outcome: TryOutcome): boolean {
  return (policy.flavour === 'kong' || policy.flavour === 'nginx') && requestWritten(outcome);
}

/** Whether the policy refuses this (upper-case) method once some of the request was written. */
export function methodRefusedOnceSent(policy: RetryPolicyIR, method: string): boolean {
  if (policy.methodsNotRetried?.includes(method)) return true;
  return policy.methods.length > 0 && !policy.methods.includes(method);
}

/** Why a failure after sending is not a network-error retry under Traefik's rule, for the reason. */
function unwrittenOnly(policy: RetryPolicyIR, outcome: TryOutcome): string {
  if (!policy.failuresAnsweredAs || !requestWritten(outcome) || outcome.kind === 'response') return '';
  return `; ${policy.flavour} retries a network error only before any of the request was written`;
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
  if (policy.flavour === 'nginx' || policy.flavour === 'traefik' || policy.flavour === 'kong') {
    return `${policy.flavour} does not retry a non-idempotent request once it was sent`;
  }
  const refused = policy.methodsNotRetried?.length ? `${policy.methodsNotRetried.join(', ')} are not retried` : '';
  const only = policy.methods.length ? `only ${policy.methods.join(', ')} are retried` : '';
  return `${[refused, only].filter(Boolean).join(' and ')} once the request was sent`;
}

/**
 * "a" or "an" before a number as it is read aloud: an 8, an 18, an 11, an 80, an 800 ms, an 11.5 s;
 * a 1, a 25, a 100. Eleven and eighteen are heard in 11/18, 11xxx/18xxx and so on (groups of three).
 */
export function articleFor(numberText: string): 'a' | 'an' {
  const digits = /^\d+/.exec(numberText)?.[0] ?? '';
  if (digits.startsWith('8')) return 'an';
  const lead = digits.length % 3 === 2 ? digits.slice(0, 2) : '';
  return lead === '11' || lead === '18' ? 'an' : 'a';
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
