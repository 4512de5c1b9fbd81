/**
 * Kong Advanced's client headers, as its published examples show them: per window
 * `X-RateLimit-Limit-<window_size>` and `X-RateLimit-Remaining-<window_size>` (the size in seconds,
 * e.g. `X-RateLimit-Limit-30`), then `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` for
 * the tightest window, and `Retry-After` on a 429. How Kong computes Remaining and Reset for a
 * sliding estimate is not public; gatelab's choices are below and in the README (UNCONFIRMED).
 */
import type { SlidingWindowDecision } from '../math/sliding-window.ts';

export interface WindowOutcome {
  seconds: number;
  decision: SlidingWindowDecision;
  /** Requests that would still be admitted right now, after this one. */
  remaining: number;
  nowMs: number;
  windowMs: number;
}

/** Float noise must not turn "exactly at the limit" into one more or one fewer. */
const EPS = 1e-9;

/**
 * How many more requests the window admits now: with the estimate after this request e, the rule
 * `e < limit` (gte) admits ceil(limit − e) more, `e <= limit` (gt) admits floor(limit − e) + 1.
 */
export function remainingAfter(d: SlidingWindowDecision, counted: boolean, rule: 'gte' | 'gt'): number {
  const room = d.limit - (d.estimate + (counted ? 1 : 0));
  const n = rule === 'gte' ? Math.ceil(room - EPS) : Math.floor(room + EPS) + 1;
  return Math.max(0, n);
}

/** Lowest remaining; ties go to the larger window, as Kong OSS does for its periods (§1). */
export function tightest(outcomes: readonly WindowOutcome[]): WindowOutcome {
  let best = outcomes[0] as WindowOutcome;
  for (const o of outcomes) if (o.remaining < best.remaining || (o.remaining === best.remaining && o.seconds > best.seconds)) best = o;
  return best;
}

/** Of the windows that refused, the one whose wait is longest: a retry must satisfy them all. */
export function decisiveRejection(outcomes: readonly WindowOutcome[]): WindowOutcome {
  const refused = outcomes.filter((o) => !o.decision.allowed);
  return refused.reduce((a, b) => ((b.decision.retryAfterMs ?? 0) > (a.decision.retryAfterMs ?? 0) ? b : a), refused[0] as WindowOutcome);
}

/** Seconds until the current window ends (admitted) or until a retry would pass (rejected), at least 1. */
function resetSeconds(o: WindowOutcome): number {
  const ms = o.decision.allowed ? o.decision.windowStartMs + o.windowMs - o.nowMs : (o.decision.retryAfterMs ?? o.windowMs);
  return Math.max(1, Math.ceil(ms / 1000));
}

export function advancedHeaders(outcomes: readonly WindowOutcome[], allowed: boolean): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const o of outcomes) {
    out.push([`X-RateLimit-Limit-${o.seconds}`, String(o.decision.limit)]);
    out.push([`X-RateLimit-Remaining-${o.seconds}`, String(o.remaining)]);
  }
  const t = allowed ? tightest(outcomes) : decisiveRejection(outcomes);
  const reset = String(resetSeconds(t));
  out.push(['RateLimit-Limit', String(t.decision.limit)], ['RateLimit-Remaining', String(t.remaining)], ['RateLimit-Reset', reset]);
  if (!allowed) out.push(['Retry-After', reset]);
  return out;
}
