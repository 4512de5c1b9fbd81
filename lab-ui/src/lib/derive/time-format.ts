/** Scenario time as students read it: the UTC wall clock of the scenario, and offsets from start. */

const p2 = (n: number): string => String(n).padStart(2, '0');
const p3 = (n: number): string => String(n).padStart(3, '0');

/**
 * 12:01:02.000 for startEpoch + t, in UTC (scenario time is anchored in UTC, never local time). The
 * millisecond is the one the instant is in, as a clock counts: an event at 8360.717 ms is 12:00:08.360
 * (it was rounded to .361, beside "t": 8360.717 in the trace view and 12:00:08.360717 on the player).
 * Only float noise under half a microsecond is rounded away first, so 59999.99999999 is 12:01:00.000.
 */
export function formatClock(startEpoch: number, t: number, withMs = true): string {
  const ms = startEpoch + Math.floor(Math.round(t * 1000) / 1000);
  const day = ((ms % 86_400_000) + 86_400_000) % 86_400_000;
  const h = Math.floor(day / 3_600_000);
  const m = Math.floor((day % 3_600_000) / 60_000);
  const s = Math.floor((day % 60_000) / 1000);
  const base = `${p2(h)}:${p2(m)}:${p2(s)}`;
  return withMs ? `${base}.${p3(day % 1000)}` : base;
}

/**
 * The player's clock split in two: 12:00:20.000 and, for an instant between milliseconds, its
 * microseconds ("198"). The capacity scenarios' events fall between milliseconds, a few hundred
 * microseconds apart, and the clock rounded each to the millisecond: → moved the cursor and the clock
 * kept saying 12:00:20.000, as if the key did nothing. The millisecond part is cut, not rounded, when
 * microseconds follow, so both parts read as one number (12:00:20.000765 was shown as .001).
 */
export function formatClockParts(startEpoch: number, t: number): { ms: string; micros: string } {
  const us = Math.round(t * 1000);
  const rest = ((us % 1000) + 1000) % 1000;
  if (rest === 0) return { ms: formatClock(startEpoch, us / 1000), micros: '' };
  return { ms: formatClock(startEpoch, (us - rest) / 1000), micros: String(rest).padStart(3, '0') };
}

/**
 * 12:00:20.9 — a moment students jump to (a narration point): the wall clock to the second, and the
 * fraction only when there is one, without trailing zeros. The caption used to cut it off, so the
 * narration at 20.9 s read "12:00:20", the same as the one at 20 s, while the player's clock said
 * 12:00:20.900 beside it.
 */
export function formatMoment(startEpoch: number, t: number): string {
  const [clock, fraction = ''] = formatClock(startEpoch, t).split('.');
  const digits = fraction.replace(/0+$/, '');
  return digits ? `${clock}.${digits}` : (clock as string);
}

/** +1:02.000 — an offset from the scenario's start. */
export function formatOffset(t: number): string {
  // The millisecond the instant is in, as formatClock counts it, so the two lines of the player agree.
  const ms = Math.max(0, Math.floor(Math.round(t * 1000) / 1000));
  const m = Math.floor(ms / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  return `+${m}:${p2(s)}.${p3(ms % 1000)}`;
}

/** Parses "12:01:02", "12:01:02.5", "12:00:20.000198" (scenario clock) into an offset from start; null if not a clock. */
export function parseClock(text: string, startEpoch: number): number | null {
  // Up to six decimals: what the player's clock shows between milliseconds can be typed back.
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?$/.exec(text.trim());
  if (!m) return null;
  // From the start's place in its day, not from the epoch: at 1.7e12 ms a double has no microseconds left.
  const startInDay = ((startEpoch % 86_400_000) + 86_400_000) % 86_400_000;
  const ms = Number(m[1]) * 3_600_000 + Number(m[2]) * 60_000 + Number(m[3] ?? 0) * 1000 + Number((m[4] ?? '0').padEnd(6, '0')) / 1000;
  return ms - startInDay;
}

/** 5 ms, 1.2 s — a duration for captions. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const min = ms / 60_000;
  return `${Number.isInteger(min) ? min : min.toFixed(1)} min`;
}
