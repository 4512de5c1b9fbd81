/**
 * Sliding-window counter, as Kong's `rate-limiting-advanced` describes it (semantics §1): two fixed
 * windows of W ms aligned to epoch multiples of W, and an estimate that lets the previous window's
 * count fade out linearly:
 *
 *     estimate = current + previous × (W − elapsed) / W
 *
 * The exact comparison Kong uses is UNCONFIRMED (closed source). gatelab's default, `reject: 'gte'`,
 * rejects when the estimate of requests already counted (not including this one) is >= limit — the
 * same shape as Kong OSS's `remaining = limit − usage <= 0`, so a window that follows an idle one
 * admits exactly `limit`. `reject: 'gt'` is the literal reading of "exceeds" and admits one more.
 *
 * `disablePenalty` (Kong's `disable_penalty`): by default denied requests are counted too, so a client
 * that keeps retrying while over the limit stays blocked; with `true` only admitted requests count.
 *
 * `fixed` (Kong's `window_type: fixed`) keeps the same aligned windows but gives the previous one no
 * weight at all: a plain fixed window of arbitrary size, with the same penalty rule.
 *
 * The comparison is done in integers (everything multiplied by W, instants truncated to whole ms) so
 * no float rounding decides a request.
 */

export interface SlidingWindowConfig {
  /** Requests per window. */
  limit: number;
  /** Window size W in ms (Kong's window_size is in seconds). */
  windowMs: number;
  /** When to reject: estimate >= limit (default) or estimate > limit. */
  reject?: 'gte' | 'gt';
  /** Kong's disable_penalty: false (default) counts denied requests in the current window. */
  disablePenalty?: boolean;
  /** Kong's window_type: fixed — the previous window carries no weight (default false: sliding). */
  fixed?: boolean;
}

export interface SlidingWindowState {
  /** Start of the current window (a multiple of W). */
  windowStartMs: number;
  current: number;
  previous: number;
}

export interface SlidingWindowDecision {
  allowed: boolean;
  /** The estimate this request was judged by (requests already counted, previous weighted). */
  estimate: number;
  limit: number;
  current: number;
  previous: number;
  /** Weight of the previous window, (W − elapsed)/W, from 1 at the window start to 0 at its end. */
  previousWeight: number;
  elapsedMs: number;
  windowStartMs: number;
  /** Whether a denied request was added to the count (the penalty). */
  penalised: boolean;
  /** On a rejection: ms until a request would be admitted if no more arrive (and none were counted). */
  retryAfterMs?: number;
}

/** Rolls the state forward to the window that contains `nowMs`. */
export function rollSlidingWindow(config: SlidingWindowConfig, state: SlidingWindowState | undefined, nowMs: number): SlidingWindowState {
  const W = config.windowMs;
  const start = Math.floor(nowMs / W) * W;
  if (!state) return { windowStartMs: start, current: 0, previous: 0 };
  if (start === state.windowStartMs || start < state.windowStartMs) return state;
  const previous = start - state.windowStartMs === W ? state.current : 0;
  return { windowStartMs: start, current: 0, previous };
}

/** current·W + previous·(W − elapsed), compared against limit·W: the estimate scaled by W. */
function scaledEstimate(current: number, previous: number, W: number, elapsed: number): number {
  return current * W + previous * (W - elapsed);
}

function admits(scaled: number, limit: number, W: number, rule: 'gte' | 'gt'): boolean {
  return rule === 'gte' ? scaled < limit * W : scaled <= limit * W;
}

/**
 * Smallest elapsed e (integer ms, from a window start) at which `fading·(W − e) < room·W` (gte) or
 * `<=` (gt), where `room` is what is left of the limit: e > W − room·W/fading, solved in integers.
 */
function firstAdmittingElapsed(fading: number, room: number, W: number, rule: 'gte' | 'gt'): number {
  if (fading === 0) return 0;
  const num = (fading - room) * W;
  const e = rule === 'gte' ? Math.floor(num / fading) + 1 : Math.ceil(num / fading);
  return Math.max(0, e);
}

/** Wait (ms) until the estimate admits, assuming nothing else is counted meanwhile. */
function retryAfter(config: SlidingWindowConfig, s: SlidingWindowState, nowMs: number, rule: 'gte' | 'gt'): number {
  const W = config.windowMs;
  const elapsed = nowMs - s.windowStartMs;
  const toNext = W - elapsed;
  // A fixed window forgets everything at its end.
  if (config.fixed) return toNext;
  // Within this window only the previous window's weight fades; that helps if `current` alone fits.
  if (admits(s.current * W, config.limit, W, rule) && s.previous > 0) {
    const e = firstAdmittingElapsed(s.previous, config.limit - s.current, W, rule);
    if (e < W) return Math.max(1, e - elapsed);
  }
  // Next window: this window's count becomes the fading previous one.
  return toNext + firstAdmittingElapsed(s.current, config.limit, W, rule);
}

/** One request at `nowMs`. */
export function slidingWindow(
  config: SlidingWindowConfig,
  state: SlidingWindowState | undefined,
  instantMs: number,
): { decision: SlidingWindowDecision; state: SlidingWindowState } {
  const nowMs = Math.floor(instantMs);
  const W = config.windowMs;
  const rule = config.reject ?? 'gte';
  const s = rollSlidingWindow(config, state, nowMs);
  const elapsed = Math.min(W, Math.max(0, nowMs - s.windowStartMs));
  const previous = config.fixed ? 0 : s.previous;
  const scaled = scaledEstimate(s.current, previous, W, elapsed);
  const allowed = admits(scaled, config.limit, W, rule);
  const penalised = !allowed && !config.disablePenalty;
  const nextState = allowed || penalised ? { ...s, current: s.current + 1 } : s;
  const decision: SlidingWindowDecision = {
    allowed,
    estimate: scaled / W,
    limit: config.limit,
    current: s.current,
    previous,
    previousWeight: config.fixed ? 0 : (W - elapsed) / W,
    elapsedMs: elapsed,
    windowStartMs: s.windowStartMs,
    penalised,
  };
  if (!allowed) decision.retryAfterMs = retryAfter(config, nextState, nowMs, rule);
  return { decision, state: nextState };
}
