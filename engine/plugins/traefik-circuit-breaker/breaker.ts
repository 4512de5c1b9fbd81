/**
 * The breaker's state machine as vulcand/oxy cbreaker/cbreaker.go + ratio.go run it, as pure
 * functions of (state, timings, now). Nothing happens between requests: every transition is taken by
 * the first request or response that finds it due, so the two hosts differ only in how `now` moves.
 *
 * - standby: every request is forwarded. The condition is checked when a forwarded request's
 *   response comes back, at most once per checkPeriod: the first response strictly after
 *   `lastCheck` checks, and moves `lastCheck` to its own instant + checkPeriod. The checks are
 *   therefore response-driven, not on a fixed grid, and no traffic means no checks.
 * - tripped (the condition matched): metrics are reset and every request gets the fallback until
 *   `until` = trip instant + fallbackDuration. Responses of requests already in flight are still
 *   recorded, but no check runs while tripped.
 * - recovering: entered by the first request at or after `until`, at that request's instant (not at
 *   `until`), for recoveryDuration. oxy's ratio controller admits a request when admitting it would
 *   keep allowed/(allowed+denied) below 0.5 × elapsed/recoveryDuration — so the share of requests let
 *   through right now grows linearly from 0 to 100 %. Checks run on their responses; a match trips the
 *   breaker again (a new fallbackDuration, a new ramp afterwards).
 * - back to standby: the first request strictly after the recovery's end; metrics are not reset.
 */

export type BreakerStateName = 'standby' | 'tripped' | 'recovering';

export interface BreakerTimings {
  checkPeriodMs: number;
  fallbackDurationMs: number;
  recoveryDurationMs: number;
}

export interface RatioController {
  start: number;
  allowed: number;
  denied: number;
}

export interface BreakerCore {
  state: BreakerStateName;
  /** tripped: when the fallback ends; recovering: when the ramp ends; standby: when it was entered. */
  until: number;
  /** A response strictly after this instant runs a check (Go's zero time at first: the first one does). */
  lastCheck: number;
  recovery: RatioController | null;
  /** The last trip, for reasons a student reads ("tripped at 12:00:04 because …"). */
  trip: { at: number; because: string } | null;
}

export const INITIAL_BREAKER: BreakerCore = {
  state: 'standby',
  until: Number.NEGATIVE_INFINITY,
  lastCheck: Number.NEGATIVE_INFINITY,
  recovery: null,
  trip: null,
};

export interface Transition {
  from: BreakerStateName;
  to: BreakerStateName;
  at: number;
}

/** The ratio controller's arithmetic for one recovering request. */
export interface RampDecision {
  elapsedMs: number;
  /** 0.5 × elapsed / recoveryDuration: the cumulative share of recovering requests allowed so far. */
  target: number;
  /** allowed / (allowed + denied) if this request were allowed too. */
  ifAllowed: number;
  allowed: number;
  denied: number;
}

export interface AdmitResult {
  core: BreakerCore;
  forward: boolean;
  transitions: Transition[];
  ramp?: RampDecision;
}

/** A request arrives: forward it or answer with the fallback (oxy's activateFallback). */
export function admit(core: BreakerCore, t: BreakerTimings, now: number): AdmitResult {
  if (core.state === 'standby') return { core, forward: true, transitions: [] };
  const transitions: Transition[] = [];
  let next = core;
  if (next.state === 'tripped') {
    if (now < next.until) return { core, forward: false, transitions };
    next = { ...next, state: 'recovering', until: now + t.recoveryDurationMs, recovery: { start: now, allowed: 0, denied: 0 } };
    transitions.push({ from: 'tripped', to: 'recovering', at: now });
  }
  if (now > next.until) {
    transitions.push({ from: 'recovering', to: 'standby', at: now });
    return { core: { ...next, state: 'standby', until: now, recovery: null }, forward: true, transitions };
  }
  const rc = next.recovery ?? { start: now, allowed: 0, denied: 0 };
  const elapsedMs = now - rc.start;
  const target = (0.5 * elapsedMs) / t.recoveryDurationMs;
  const ifAllowed = (rc.allowed + 1) / (rc.allowed + rc.denied + 1);
  const forward = ifAllowed < target;
  const recovery = forward ? { ...rc, allowed: rc.allowed + 1 } : { ...rc, denied: rc.denied + 1 };
  return {
    core: { ...next, recovery },
    forward,
    transitions,
    ramp: { elapsedMs, target, ifAllowed, allowed: recovery.allowed, denied: recovery.denied },
  };
}

export type ObserveResult =
  /** No check: the last one was less than checkPeriod ago. */
  | { kind: 'not-due'; core: BreakerCore; nextAfter: number }
  /** Due, but the breaker is tripped: oxy moves lastCheck on and skips the condition. */
  | { kind: 'skipped'; core: BreakerCore; nextAfter: number }
  | { kind: 'checked'; core: BreakerCore; matched: boolean; because: string; nextAfter: number; transition?: Transition };

/**
 * A forwarded request's response has been recorded in the metrics (oxy's checkAndSet). `condition`
 * is asked only when a check is due; on a match the caller must reset the metrics.
 */
export function observe(core: BreakerCore, t: BreakerTimings, now: number, condition: () => { matched: boolean; because: string }): ObserveResult {
  if (!(now > core.lastCheck)) return { kind: 'not-due', core, nextAfter: core.lastCheck };
  const nextAfter = now + t.checkPeriodMs;
  const checkedCore = { ...core, lastCheck: nextAfter };
  if (core.state === 'tripped') return { kind: 'skipped', core: checkedCore, nextAfter };
  const { matched, because } = condition();
  if (!matched) return { kind: 'checked', core: checkedCore, matched, because, nextAfter };
  return {
    kind: 'checked',
    core: { ...checkedCore, state: 'tripped', until: now + t.fallbackDurationMs, recovery: null, trip: { at: now, because } },
    matched,
    because,
    nextAfter,
    transition: { from: core.state, to: 'tripped', at: now },
  };
}
