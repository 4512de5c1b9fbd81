/** Numbers as a student reads them in a reason: "0.4 %", "12:03:10", "step 2 of 5". */
import { formatIsoInstant } from '../../core/calendar.ts';

/** A fraction as a percentage with two significant digits below 10 % and one decimal above. */
export function pct(fraction: number): string {
  const v = fraction * 100;
  if (v === 0) return '0 %';
  return `${v >= 10 ? Number(v.toFixed(1)) : Number(v.toPrecision(2))} %`;
}

/** A weight that is already a percentage (5, 12.5). */
export function weightPct(weight: number): string {
  return `${Number(weight.toFixed(2))} %`;
}

/** UTC time of day, with milliseconds only when the instant has some (the scenario clock is UTC). */
export function clock(ms: number): string {
  const iso = formatIsoInstant(ms);
  return ms % 1000 === 0 ? iso.slice(11, 19) : iso.slice(11, 23);
}

export function requests(n: number): string {
  return `${n} request${n === 1 ? '' : 's'}`;
}
