/**
 * Kong's fixed windows themselves (semantics §1): the periods, the W table, and where the UTC-aligned
 * window holding an instant starts and ends. Kong reads the clock with `ngx.time()` (whole seconds),
 * so every instant is first truncated to the second. Split from kong-fixed-window.ts so the per-second
 * memo (kong-window-memo.ts) can use these without an import cycle.
 */
import { civilOfEpochMs, epochMsOfCivil, MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, MS_PER_SECOND } from './utc-calendar.ts';

export type KongPeriod = 'second' | 'minute' | 'hour' | 'day' | 'month' | 'year';

/** Shortest first: the order Kong's schema validates limits in, and the order gatelab prints headers in. */
export const KONG_PERIODS: readonly KongPeriod[] = ['second', 'minute', 'hour', 'day', 'month', 'year'];

/**
 * Kong's `expiration.lua` table, in seconds. It is used as the counter TTL and as W in
 * RateLimit-Reset; month is always 30 days and year 365, so their reset values are approximate.
 */
export const KONG_PERIOD_SECONDS: Readonly<Record<KongPeriod, number>> = {
  second: 1,
  minute: 60,
  hour: 3600,
  day: 86_400,
  month: 2_592_000,
  year: 31_536_000,
};

/** The route/service id Kong uses in a counter key when the plugin is not scoped to one. */
export const EMPTY_UUID = '00000000-0000-0000-0000-000000000000';

export type KongLimits = Partial<Record<KongPeriod, number>>;

/** `ngx.time() * 1000`: Kong's notion of "now" has whole-second resolution. */
export function kongTimestamp(nowMs: number): number {
  return Math.floor(nowMs / MS_PER_SECOND) * MS_PER_SECOND;
}

/** Start (epoch ms) of the calendar-aligned UTC window of `period` that contains `nowMs`. */
export function kongWindowStart(period: KongPeriod, nowMs: number): number {
  const ts = kongTimestamp(nowMs);
  switch (period) {
    case 'second':
      return ts;
    case 'minute':
      return Math.floor(ts / MS_PER_MINUTE) * MS_PER_MINUTE;
    case 'hour':
      return Math.floor(ts / MS_PER_HOUR) * MS_PER_HOUR;
    case 'day':
      return Math.floor(ts / MS_PER_DAY) * MS_PER_DAY;
    case 'month': {
      const { year, month } = civilOfEpochMs(ts);
      return epochMsOfCivil(year, month, 1);
    }
    case 'year':
      return epochMsOfCivil(civilOfEpochMs(ts).year, 1, 1);
  }
}

/** The instant the window that starts at `windowStartMs` ends (the next window's start). */
export function kongWindowEnd(period: KongPeriod, windowStartMs: number): number {
  switch (period) {
    case 'month': {
      const { year, month } = civilOfEpochMs(windowStartMs);
      return month === 12 ? epochMsOfCivil(year + 1, 1, 1) : epochMsOfCivil(year, month + 1, 1);
    }
    case 'year':
      return epochMsOfCivil(civilOfEpochMs(windowStartMs).year + 1, 1, 1);
    default:
      return windowStartMs + KONG_PERIOD_SECONDS[period] * MS_PER_SECOND;
  }
}

/** `RateLimit-Reset` for a period: seconds left, from the fixed W table, at least 1. */
export function kongResetSeconds(period: KongPeriod, nowMs: number): number {
  const ts = kongTimestamp(nowMs);
  const elapsedSeconds = Math.floor((ts - kongWindowStart(period, nowMs)) / MS_PER_SECOND);
  return Math.max(1, KONG_PERIOD_SECONDS[period] - elapsedSeconds);
}
