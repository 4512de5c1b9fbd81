/**
 * Pure UTC calendar arithmetic on epoch milliseconds. Kong aligns its month and year windows to the
 * calendar, and the engine may not use `Date` (the determinism lint rule), so the civil-date
 * conversions are written out here (Howard Hinnant's days-from-civil algorithms, proleptic Gregorian).
 */

export const MS_PER_SECOND = 1000;
export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;

// The civil-date conversions live in engine/core/calendar.ts; re-exported for the limiter's callers.
export { civilFromDays, daysFromCivil, type CivilDate } from '../../../core/calendar.ts';
import { civilFromDays, daysFromCivil, type CivilDate } from '../../../core/calendar.ts';

/** Epoch ms of 00:00:00 UTC on the given civil date. */
export function epochMsOfCivil(year: number, month: number, day: number): number {
  return daysFromCivil(year, month, day) * MS_PER_DAY;
}

/** The civil date (UTC) an instant falls on. */
export function civilOfEpochMs(ms: number): CivilDate {
  return civilFromDays(Math.floor(ms / MS_PER_DAY));
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** `HH:MM:SS` of an instant in UTC. */
export function formatUtcTime(ms: number): string {
  const inDay = ((ms % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY;
  const totalSeconds = Math.floor(inDay / MS_PER_SECOND);
  return `${pad2(Math.floor(totalSeconds / 3600))}:${pad2(Math.floor(totalSeconds / 60) % 60)}:${pad2(totalSeconds % 60)}`;
}

/** `YYYY-MM-DD` of an instant in UTC. */
export function formatUtcDate(ms: number): string {
  const { year, month, day } = civilOfEpochMs(ms);
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
}

/** `YYYY-MM-DDTHH:MM:SSZ` (whole seconds) of an instant in UTC. */
export function formatUtcInstant(ms: number): string {
  return `${formatUtcDate(ms)}T${formatUtcTime(ms)}Z`;
}
