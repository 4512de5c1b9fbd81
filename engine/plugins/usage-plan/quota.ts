/** Calendar periods of a usage-plan quota, in UTC: a day, a week from Sunday (+offset), a month from the 1st (+offset). */
import { civilFromDays, daysFromCivil } from '../../core/calendar.ts';
import type { QuotaPeriod } from './config.ts';

const DAY_MS = 86_400_000;

/** Start of the quota period containing `nowMs`, and the start of the next one. */
export function quotaWindow(period: QuotaPeriod, offset: number, nowMs: number): { start: number; end: number } {
  const day = Math.floor(nowMs / DAY_MS);
  if (period === 'DAY') return { start: day * DAY_MS, end: (day + 1) * DAY_MS };
  if (period === 'WEEK') {
    // 1970-01-01 was a Thursday: day 0 has weekday 4 (Sunday = 0).
    const weekday = (((day + 4) % 7) + 7) % 7;
    const back = (((weekday - offset) % 7) + 7) % 7;
    const start = day - back;
    return { start: start * DAY_MS, end: (start + 7) * DAY_MS };
  }
  const { year, month, day: dom } = civilFromDays(day);
  const thisStart = daysFromCivil(year, month, 1) + offset;
  const [y, m] = dom - 1 >= offset ? [year, month] : month === 1 ? [year - 1, 12] : [year, month - 1];
  const start = m === month && y === year ? thisStart : daysFromCivil(y, m, 1) + offset;
  const [ny, nm] = m === 12 ? [y + 1, 1] : [y, m + 1];
  return { start: start * DAY_MS, end: (daysFromCivil(ny, nm, 1) + offset) * DAY_MS };
}
