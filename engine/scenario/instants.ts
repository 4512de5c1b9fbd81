/**
 * Instants, rates and tolerances as scenario files write them. Pure arithmetic on purpose: engine/ may
 * not touch Date (the lint rule), and a hand-written civil-calendar conversion is exact for any year.
 */
import { parseDuration } from '../core/duration.ts';
import { daysFromCivil, daysInMonth } from '../core/calendar.ts';

export { daysFromCivil };

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?Z$/;

/** Epoch milliseconds of `YYYY-MM-DDTHH:MM:SS(.sss)?Z`, or undefined when it is not a real UTC time. */
export function parseIsoInstant(text: string): number | undefined {
  const m = ISO.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  // No leap seconds: the simulation's calendar is POSIX time, like every gateway's window arithmetic.
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  // Digits past the millisecond are dropped, not rounded, so an instant never moves into the next ms.
  const fraction = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  return daysFromCivil(year, month, day) * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1000 + fraction;
}

export function isIsoInstant(text: string): boolean {
  return ISO.test(text);
}

/** A Go duration string, or the bare number 0 (YAML reads `0` as a number), in milliseconds. */
export function durationMs(value: unknown): number | undefined {
  if (value === 0) return 0;
  return typeof value === 'string' ? parseDuration(value) : undefined;
}

export type InstantResult = { ms: number } | { error: 'syntax' | 'before-start' };

/** An instant as an offset from start in ms: a duration offset or an ISO time not before start. */
export function instantOffsetMs(value: unknown, startMs: number): InstantResult {
  if (typeof value === 'string' && ISO.test(value)) {
    const epoch = parseIsoInstant(value);
    if (epoch === undefined) return { error: 'syntax' };
    return epoch < startMs ? { error: 'before-start' } : { ms: epoch - startMs };
  }
  const ms = durationMs(value);
  if (ms === undefined) return { error: 'syntax' };
  return ms < 0 ? { error: 'before-start' } : { ms };
}

const RATE = /^(\d+(?:\.\d*)?|\.\d+)\/(s|m|h)$/;
const PER_SECOND: Record<string, number> = { s: 1, m: 60, h: 3600 };

/** Requests per second from `15/s`, `100/m`, `900/h` or a plain number (already per second). */
export function ratePerSecond(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = RATE.exec(value.trim());
  if (!m) return undefined;
  return Number(m[1]) / (PER_SECOND[m[2] as string] as number);
}

/** `5%` → relative 0.05; a number → absolute. */
export function parseTolerance(value: unknown): { tolerance: number; relative: boolean } | undefined {
  if (typeof value === 'number') return value >= 0 ? { tolerance: value, relative: false } : undefined;
  if (typeof value !== 'string') return undefined;
  const m = /^(\d+(?:\.\d*)?|\.\d+)%$/.exec(value.trim());
  return m ? { tolerance: Number(m[1]) / 100, relative: true } : undefined;
}
