/** Numbers as a student reads them in a decision: "60 %", "25 s", "12:00:05". */
import { formatIsoInstant } from '../../core/calendar.ts';

const trim = (n: number, digits: number): string => Number(n.toFixed(digits)).toString();

/** part/whole as a percentage, one decimal at most: "60 %", "33.3 %". */
export function percent(part: number, whole: number): string {
  return `${trim(whole === 0 ? 0 : (part * 100) / whole, 1)} %`;
}

/** A span of time: "400 ms", "25 s", "1.5 s", "2 min". */
export function span(ms: number): string {
  const v = Math.max(0, Math.round(ms));
  if (v < 1000) return `${v} ms`;
  if (v < 120_000) return `${trim(v / 1000, 1)} s`;
  return `${trim(v / 60_000, 1)} min`;
}

/** The UTC time of day of an instant, "12:00:05" (".250" added when not on a whole second). */
export function clock(ms: number): string {
  const iso = formatIsoInstant(Math.round(ms));
  const millis = iso.slice(20, 23);
  return millis === '000' ? iso.slice(11, 19) : iso.slice(11, 23);
}

export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
