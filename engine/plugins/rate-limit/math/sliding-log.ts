/**
 * Exact sliding log: remember the instant of every admitted request and admit a new one only if
 * fewer than `limit` fall in the last W ms. No vendor in semantics uses it as its default; it is the
 * reference every approximate algorithm is measured against (and what Redis ZSET recipes do).
 *
 * Interval choice: the window is half-open, (now − W, now]. A request admitted at t stops counting at
 * exactly t + W. With this choice "at most `limit` in ANY half-open interval of length W" holds
 * exactly. (A closed [now − W, now] would make a request at t still count at t + W, admitting one
 * request fewer at that boundary instant.) Denied requests are not logged.
 */

export interface SlidingLogConfig {
  limit: number;
  windowMs: number;
}

export interface SlidingLogState {
  /** Admission instants still inside the window, oldest first. */
  log: readonly number[];
}

export interface SlidingLogDecision {
  allowed: boolean;
  limit: number;
  /** Requests counted in (now − W, now] before this one. */
  inWindow: number;
  /** Oldest counted instant, if any. */
  oldestMs?: number;
  /** On a rejection: ms until enough entries age out for one request to fit. */
  retryAfterMs?: number;
}

/** Entries still inside (now − W, now]. Times are non-decreasing in practice; the log is kept sorted. */
function prune(log: readonly number[], nowMs: number, windowMs: number): number[] {
  const cutoff = nowMs - windowMs;
  let i = 0;
  while (i < log.length && (log[i] as number) <= cutoff) i++;
  return log.slice(i);
}

export function slidingLog(
  config: SlidingLogConfig,
  state: SlidingLogState | undefined,
  nowMs: number,
): { decision: SlidingLogDecision; state: SlidingLogState } {
  const log = prune(state?.log ?? [], nowMs, config.windowMs);
  const inWindow = log.length;
  const allowed = inWindow < config.limit;
  const decision: SlidingLogDecision = { allowed, limit: config.limit, inWindow, oldestMs: log[0] };
  if (!allowed) {
    // The oldest floor(inWindow − limit) + 1 entries must age out; the last of them leaves at its instant + W.
    const leaving = log[Math.floor(inWindow - config.limit)] as number;
    decision.retryAfterMs = leaving + config.windowMs - nowMs;
    return { decision, state: { log } };
  }
  // Insert in order, so a log stays sorted even if an instant arrives out of order.
  let at = log.length;
  while (at > 0 && (log[at - 1] as number) > nowMs) at--;
  log.splice(at, 0, nowMs);
  return { decision, state: { log } };
}
