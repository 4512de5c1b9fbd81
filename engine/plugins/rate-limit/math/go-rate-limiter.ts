/**
 * golang.org/x/time/rate's Limiter, the bucket behind Traefik's rateLimit (semantics §4), reproduced
 * step by step: `advance`, `reserveN` with an unbounded future reservation (what `Reserve()` does),
 * and `CancelAt` for a reservation that was the last one made. Durations are integer nanoseconds
 * and conversions truncate exactly like Go's `durationFromTokens` / `tokensFromDuration`.
 *
 * Two properties matter for students: tokens may go negative (a reservation borrows from the future
 * and the caller sleeps), and a brand-new limiter is "full" only through `advance`'s catch-up from the
 * zero time, capped so it never exceeds `burst` (it can be a hair under, e.g. 0.999999999 at r = 3).
 */

export interface GoLimiterParams {
  /** Tokens per second; `Infinity` is rate.Inf (everything allowed, burst ignored). */
  limit: number;
  burst: number;
}

export interface GoLimiterState {
  tokens: number;
  /** When `tokens` was last updated; -Infinity for a new limiter (Go's zero time). */
  lastMs: number;
}

/** A limiter as rate.NewLimiter leaves it: no tokens, last = the zero time. */
export const NEW_GO_LIMITER: GoLimiterState = { tokens: 0, lastMs: -Infinity };

const NS_PER_S = 1e9;
const NS_PER_MS = 1e6;

/** `time.Duration(1e9 * (tokens / limit))`: truncated toward zero. */
export function durationFromTokensNs(limit: number, tokens: number): number {
  const seconds = tokens / limit;
  return Math.trunc(NS_PER_S * seconds);
}

/** Whole seconds and the nanosecond rest are converted separately, as Go does (issue 34861). */
export function tokensFromDurationNs(limit: number, ns: number): number {
  const sec = Math.trunc(ns / NS_PER_S) * limit;
  const nsec = (ns % NS_PER_S) * limit;
  return sec + nsec / NS_PER_S;
}

/** The limiter's tokens at `nowMs`, without changing it. A clock that went back acts at `last`. */
export function goAdvance(p: GoLimiterParams, s: GoLimiterState, nowMs: number): { nowMs: number; lastMs: number; tokens: number } {
  if (nowMs < s.lastMs) return { nowMs: s.lastMs, lastMs: s.lastMs, tokens: s.tokens };
  const maxElapsedNs = durationFromTokensNs(p.limit, p.burst - s.tokens);
  const elapsedNs = s.lastMs === -Infinity ? maxElapsedNs : Math.min(Math.round((nowMs - s.lastMs) * NS_PER_MS), maxElapsedNs);
  const tokens = Math.min(p.burst, s.tokens + tokensFromDurationNs(p.limit, elapsedNs));
  return { nowMs, lastMs: s.lastMs, tokens };
}

export interface GoReservation {
  ok: boolean;
  /** ns the caller must wait from `nowMs` (Reservation.DelayFrom(now)); 0 when it may act at once. */
  delayNs: number;
  /** Tokens left after the reservation (negative: borrowed from the future). */
  tokensAfter: number;
  /** Tokens the limiter had at this instant, before the reservation. */
  tokensBefore: number;
}

/** `lim.ReserveN(now, 1)`: never refuses for time, only when burst < 1. */
export function goReserve(p: GoLimiterParams, s: GoLimiterState, nowMs: number): { reservation: GoReservation; state: GoLimiterState } {
  if (p.limit === Infinity) {
    return { reservation: { ok: true, delayNs: 0, tokensAfter: s.tokens, tokensBefore: s.tokens }, state: s };
  }
  const adv = goAdvance(p, s, nowMs);
  const tokens = adv.tokens - 1;
  const waitNs = tokens < 0 ? durationFromTokensNs(p.limit, -tokens) : 0;
  const ok = 1 <= p.burst;
  if (!ok) {
    return { reservation: { ok, delayNs: Infinity, tokensAfter: adv.tokens, tokensBefore: adv.tokens }, state: { ...s, lastMs: adv.lastMs } };
  }
  const delayNs = Math.round((adv.nowMs - nowMs) * NS_PER_MS) + waitNs;
  return {
    reservation: { ok, delayNs, tokensAfter: tokens, tokensBefore: adv.tokens },
    state: { tokens, lastMs: adv.nowMs },
  };
}

/**
 * `reservation.CancelAt(now)` right after `goReserve`, when that reservation is still the limiter's
 * last event: its one token is given back (capped at burst), so a rejected request costs nothing.
 */
export function goCancelLast(p: GoLimiterParams, s: GoLimiterState, nowMs: number): GoLimiterState {
  if (p.limit === Infinity) return s;
  const adv = goAdvance(p, s, nowMs);
  return { tokens: Math.min(p.burst, adv.tokens + 1), lastMs: adv.nowMs };
}
