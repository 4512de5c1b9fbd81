/** Scenario time as students read it: the UTC wall clock of the scenario, and offsets from start. */

const p2 = (n: number): string => String(n).padStart(2, '0');
const p3 = (n: number): string => String(n).padStart(3, '0');

/** 12:01:02.000 for startEpoch + t, in UTC (scenario time is anchored in UTC, never local time). */
export function formatClock(startEpoch: number, t: number, withMs = true): string {
  const ms = Math.round(startEpoch + t);
  const day = ((ms % 86_400_000) + 86_400_000) % 86_400_000;
  const h = Math.floor(day / 3_600_000);
  const m = Math.floor((day % 3_600_000) / 60_000);
  const s = Math.floor((day % 60_000) / 1000);
  const base = `${p2(h)}:${p2(m)}:${p2(s)}`;
  return withMs ? `${base}.${p3(day % 1000)}` : base;
}

/** +1:02.000 — an offset from the scenario's start. */
export function formatOffset(t: number): string {
  const ms = Math.max(0, Math.round(t));
  const m = Math.floor(ms / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  return `+${m}:${p2(s)}.${p3(ms % 1000)}`;
}

/** Parses "12:01:02", "12:01:02.5" (scenario clock) into an offset from start; null if not a clock. */
export function parseClock(text: string, startEpoch: number): number | null {
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/.exec(text.trim());
  if (!m) return null;
  const dayStart = startEpoch - (((startEpoch % 86_400_000) + 86_400_000) % 86_400_000);
  const ms = Number(m[1]) * 3_600_000 + Number(m[2]) * 60_000 + Number(m[3] ?? 0) * 1000 + Number((m[4] ?? '0').padEnd(3, '0'));
  return dayStart + ms - startEpoch;
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
