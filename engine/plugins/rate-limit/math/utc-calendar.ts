/**
 * Pure UTC calendar arithmetic on epoch milliseconds. Kong aligns its month and year windows to the
 * calendar, and the engine may not use `Date` (the determinism lint rule), so the civil-date
 * conversions are written out here (Howard Hinnant's days-from-civil algorithms, proleptic Gregorian).
 */

export const MS_PER_SECOND = 1000;
export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;

export interface CivilDate {
  year: number;
  /** 1–12 */
  month: number;
  /** 1–31 */
  day: number;
}

/** Days since 1970-01-01 for a civil date (month 1–12). Negative before the epoch. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400; // [0, 399]
  const mp = (month + 9) % 12; // March = 0 … February = 11
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1; // [0, 365]
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy; // [0, 146096]
  return era * 146_097 + doe - 719_468;
}

/** The civil date of a day number (days since 1970-01-01). */
export function civilFromDays(days: number): CivilDate {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}

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
