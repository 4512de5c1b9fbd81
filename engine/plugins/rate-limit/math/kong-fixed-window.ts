/**
 * Kong OSS `rate-limiting`: fixed windows aligned to the UTC calendar (semantics §1).
 *
 * Kong reads the clock with `ngx.time()` (whole seconds), so every instant is first truncated to the
 * second. A window starts at the current second, minute (:00), hour, day (00:00 UTC), the 1st of the
 * calendar month, or 1 January. A request is rejected when, for any configured period, the usage
 * already counted is >= the limit; otherwise every period's counter grows by one. So exactly `limit`
 * requests pass per window — and 2 × limit can pass within two seconds around a window boundary.
 */
import { MS_PER_SECOND } from './utc-calendar.ts';
import { EMPTY_UUID, KONG_PERIODS, KONG_PERIOD_SECONDS, kongTimestamp, type KongLimits, type KongPeriod } from './kong-windows.ts';
import { kongWindows } from './kong-window-memo.ts';

// The window arithmetic moved to kong-windows.ts; re-exported so callers keep one import.
export { EMPTY_UUID, KONG_PERIODS, KONG_PERIOD_SECONDS, kongResetSeconds, kongTimestamp, kongWindowEnd, kongWindowStart, type KongLimits, type KongPeriod } from './kong-windows.ts';

export interface KongCounterKeyParts {
  routeId?: string;
  serviceId?: string;
  identifier: string;
  period: KongPeriod;
  windowStartMs: number;
}

/** `ratelimit:<route_id>:<service_id>:<identifier>:<window_start_ms>:<period>` (policies/init.lua). */
export function kongCounterKey(p: KongCounterKeyParts): string {
  return `ratelimit:${p.routeId ?? EMPTY_UUID}:${p.serviceId ?? EMPTY_UUID}:${p.identifier}:${p.windowStartMs}:${p.period}`;
}

export interface KongPeriodUsage {
  period: KongPeriod;
  limit: number;
  /** Requests already counted in this window, before this one. */
  usage: number;
  /** `limit - usage`, as Kong computes it (may be negative). */
  remaining: number;
  /** What `X-RateLimit-Remaining-<Period>` shows: max(0, remaining − 1), the −1 skipped for a period that did not stop the request. */
  shownRemaining: number;
  windowStartMs: number;
  windowEndMs: number;
}

export interface KongFixedWindowDecision {
  allowed: boolean;
  /** The second-truncated instant Kong decided at. */
  timestampMs: number;
  /** The period that stopped the request: the largest exhausted window (the one Retry-After speaks of). */
  stop?: KongPeriod;
  /** One entry per configured period, shortest first. */
  periods: KongPeriodUsage[];
  /** The most restrictive period (lowest shown remaining, ties → larger window): the RateLimit-* headers. */
  mostRestrictive: KongPeriodUsage & { resetSeconds: number };
}

/** Configured periods, shortest first. */
export function configuredPeriods(limits: KongLimits): KongPeriod[] {
  // A plain loop: this runs for every decision, and filter's callback showed in the proxy's profile.
  const out: KongPeriod[] = [];
  for (const p of KONG_PERIODS) if (limits[p] !== undefined) out.push(p);
  return out;
}

/**
 * Kong's per-request decision from the usage already counted in each period's current window.
 * Pure: the caller says where usage came from (local counters, Redis INCR − 1, a synced cache).
 */
export function decideKongFixedWindow(
  limits: KongLimits,
  usage: Partial<Record<KongPeriod, number>>,
  nowMs: number,
): KongFixedWindowDecision {
  const periods: KongPeriod[] = [];
  const limitValues: number[] = [];
  const used: number[] = [];
  for (const period of KONG_PERIODS) {
    const limit = limits[period];
    if (limit === undefined) continue;
    periods.push(period);
    limitValues.push(limit);
    used.push(usage[period] ?? 0);
  }
  return decideKongPeriods(periods, limitValues, used, nowMs);
}

/**
 * decideKongFixedWindow with the configured periods (shortest first), their limits and usage given as
 * parallel arrays: a caller that knows its periods once per config skips the record lookups per period.
 */
export function decideKongPeriods(periods: readonly KongPeriod[], limits: readonly number[], used: readonly number[], nowMs: number): KongFixedWindowDecision {
  return decideKongPeriodsInto(newKongDecision(), periods, limits, used, nowMs);
}

/** An empty decision for decideKongPeriodsInto to fill (the key order of every decision and row). */
export function newKongDecision(): KongFixedWindowDecision {
  const mostRestrictive = { period: 'second' as KongPeriod, limit: 0, usage: 0, remaining: 0, shownRemaining: 0, windowStartMs: 0, windowEndMs: 0, resetSeconds: 0 };
  return { allowed: true, timestampMs: 0, stop: undefined, periods: [], mostRestrictive };
}

/**
 * decideKongPeriods written into `d`, its rows and its `mostRestrictive` refilled in place. For a
 * caller that reads the decision at once and keeps nothing of it (realtime Redis turns it into a
 * verdict, copying every number it shows): one decision object for the process instead of the rows,
 * the most restrictive copy and the decision per request. The result is `d`, equal field by field to
 * decideKongPeriods' fresh one (fast-check, kong-fixed-window-into.property.test.ts).
 */
export function decideKongPeriodsInto(
  d: KongFixedWindowDecision,
  periods: readonly KongPeriod[],
  limits: readonly number[],
  used: readonly number[],
  nowMs: number,
): KongFixedWindowDecision {
  if (periods.length === 0) throw new Error('Kong rate-limiting needs at least one period');
  const rows = d.periods;
  // Kong remembers the last exhausted period it iterated; which one does not change any header
  // (all exhausted periods show 0), so gatelab names the largest, the one Retry-After speaks of.
  let stop: KongPeriod | undefined;
  for (let i = 0; i < periods.length; i++) {
    const period = periods[i] as KongPeriod;
    const limit = limits[i] as number;
    const usage = used[i] ?? 0;
    // Bounds from the per-second memo: the same numbers as kongWindowStart / kongWindowEnd.
    const windowStartMs = kongWindows.windowStart(period, nowMs);
    const windowEndMs = kongWindows.windowEnd(period, nowMs);
    const remaining = limit - usage;
    if (remaining <= 0) stop = period;
    const row = rows[i];
    if (row === undefined) rows.push({ period, limit, usage, remaining, shownRemaining: 0, windowStartMs, windowEndMs });
    else {
      row.period = period;
      row.limit = limit;
      row.usage = usage;
      row.remaining = remaining;
      row.shownRemaining = 0;
      row.windowStartMs = windowStartMs;
      row.windowEndMs = windowEndMs;
    }
  }
  // pop, not `length =` (V8's slow length setter); a reused decision keeps one config's periods anyway.
  while (rows.length > periods.length) rows.pop();
  let best = rows[0] as KongPeriodUsage;
  for (const r of rows) {
    const own = stop === undefined || stop === r.period ? 1 : 0;
    r.shownRemaining = Math.max(0, r.remaining - own);
    const wider = KONG_PERIOD_SECONDS[r.period] > KONG_PERIOD_SECONDS[best.period];
    if (r.shownRemaining < best.shownRemaining || (r.shownRemaining === best.shownRemaining && wider)) best = r;
  }
  // Written field by field (a spread took a slow object-clone path); the same key order as a row.
  const m = d.mostRestrictive;
  m.period = best.period;
  m.limit = best.limit;
  m.usage = best.usage;
  m.remaining = best.remaining;
  m.shownRemaining = best.shownRemaining;
  m.windowStartMs = best.windowStartMs;
  m.windowEndMs = best.windowEndMs;
  m.resetSeconds = kongWindows.resetSeconds(best.period, nowMs);
  d.allowed = stop === undefined;
  d.timestampMs = kongTimestamp(nowMs);
  d.stop = stop;
  return d;
}

const HEADER_SUFFIX: Record<KongPeriod, string> = {
  second: 'Second',
  minute: 'Minute',
  hour: 'Hour',
  day: 'Day',
  month: 'Month',
  year: 'Year',
};

/** The per-period header names, built once rather than two template strings per period per request. */
const LIMIT_HEADER = Object.fromEntries(KONG_PERIODS.map((p) => [p, `X-RateLimit-Limit-${HEADER_SUFFIX[p]}`])) as Record<KongPeriod, string>;
const REMAINING_HEADER = Object.fromEntries(KONG_PERIODS.map((p) => [p, `X-RateLimit-Remaining-${HEADER_SUFFIX[p]}`])) as Record<KongPeriod, string>;

/**
 * The client headers Kong sends for a decision: per-period X-RateLimit-*, then RateLimit-* for the
 * most restrictive period, then Retry-After on a rejection. Kong iterates a Lua hash (no fixed order);
 * gatelab prints shortest period first so traces are stable.
 */
export function kongRateLimitHeaders(d: KongFixedWindowDecision): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const r of d.periods) {
    out.push([LIMIT_HEADER[r.period], String(r.limit)]);
    out.push([REMAINING_HEADER[r.period], String(r.shownRemaining)]);
  }
  const m = d.mostRestrictive;
  out.push(['RateLimit-Limit', String(m.limit)], ['RateLimit-Remaining', String(m.shownRemaining)]);
  out.push(['RateLimit-Reset', String(m.resetSeconds)]);
  if (!d.allowed) out.push(['Retry-After', String(m.resetSeconds)]);
  return out;
}

/**
 * kongRateLimitHeaders as one flat list (name, value, name, value, …): what an admitted request keeps
 * until its response, one array instead of one per header.
 */
export function kongRateLimitHeaderLines(d: KongFixedWindowDecision): string[] {
  const out: string[] = [];
  for (const r of d.periods) out.push(LIMIT_HEADER[r.period], String(r.limit), REMAINING_HEADER[r.period], String(r.shownRemaining));
  const m = d.mostRestrictive;
  out.push('RateLimit-Limit', String(m.limit), 'RateLimit-Remaining', String(m.shownRemaining), 'RateLimit-Reset', String(m.resetSeconds));
  if (!d.allowed) out.push('Retry-After', String(m.resetSeconds));
  return out;
}

// ---------------------------------------------------------------------------------------------
// The local policy as a state machine: one identifier's counters.

export interface KongCounter {
  windowStartMs: number;
  count: number;
  /**
   * When the shared-dict entry expires: its first increment + the W table value. For month and year
   * this can fall before the calendar window ends (a 31-day month, a leap year) — and then Kong's
   * counter really does restart at zero for the rest of the window.
   */
  expiresAtMs: number;
}

export type KongWindowState = Partial<Record<KongPeriod, KongCounter>>;

/** The usage a local counter holds at `nowMs` for the window `nowMs` is in (0 if stale or expired). */
export function kongCounterUsage(counter: KongCounter | undefined, period: KongPeriod, nowMs: number): number {
  if (!counter) return 0;
  if (counter.windowStartMs !== kongWindows.windowStart(period, nowMs) || nowMs >= counter.expiresAtMs) return 0;
  return counter.count;
}

/**
 * One request under `policy: local`: decide from the counters, then (only if allowed) increment
 * every period. Counters of ended windows are dropped. Rejected requests leave the counts unchanged.
 */
export function kongFixedWindow(
  limits: KongLimits,
  state: KongWindowState,
  nowMs: number,
): { decision: KongFixedWindowDecision; state: KongWindowState } {
  const usage: Partial<Record<KongPeriod, number>> = {};
  for (const p of configuredPeriods(limits)) usage[p] = kongCounterUsage(state[p], p, nowMs);
  const decision = decideKongFixedWindow(limits, usage, nowMs);
  const next: KongWindowState = {};
  for (const row of decision.periods) {
    const live = (usage[row.period] ?? 0) > 0 ? state[row.period] : undefined;
    if (!decision.allowed) {
      if (live) next[row.period] = live;
      continue;
    }
    next[row.period] = live
      ? { ...live, count: live.count + 1 }
      : { windowStartMs: row.windowStartMs, count: 1, expiresAtMs: nowMs + KONG_PERIOD_SECONDS[row.period] * MS_PER_SECOND };
  }
  return { decision, state: next };
}

/** True when no counter in the state can count again (all windows ended or expired): safe to drop. */
export function kongStateIsStale(state: KongWindowState, nowMs: number): boolean {
  return KONG_PERIODS.every((p) => kongCounterUsage(state[p], p, nowMs) === 0);
}
