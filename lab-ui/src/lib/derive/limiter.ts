/**
 * Limiter state over time, found generically: every numeric field a stage puts in its decision
 * `data`, and every numeric leaf of a `plugin.state` snapshot, becomes a series. A new plugin's
 * fields therefore chart themselves with no UI change. One line per replica, because local policies
 * keep one counter per replica and that difference is often the lesson.
 */
import { upperBound } from './search.ts';
import type { TraceIndex } from './trace-index.ts';

export interface SeriesPoint {
  t: number;
  v: number;
  req?: string;
}

export interface SeriesLine {
  group: string;
  points: SeriesPoint[];
  times: Float64Array;
}

export interface LimiterSeries {
  key: string;
  plugin: string;
  field: string;
  source: 'decision' | 'state';
  lines: SeriesLine[];
  min: number;
  max: number;
  /** Set when the field never changes (a configured limit): shown as a caption, not a chart. */
  constant: number | null;
}

/** Instants (epoch ms such as windowStart) are numbers but not state worth a line. */
const EPOCH_LIKE = 1e11;
/** Decisions after the answer (adding headers, logging) report bookkeeping, not limiter state. */
const AFTER_ANSWER = new Set(['response', 'header_filter', 'body_filter', 'log']);
const MAX_STATE_LEAVES = 12;

function flatten(value: unknown, path: string, out: Array<[string, number]>, depth: number): void {
  if (out.length >= MAX_STATE_LEAVES || depth > 3) return;
  if (typeof value === 'number' && Number.isFinite(value)) out.push([path, value]);
  else if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flatten(v, path ? `${path}.${k}` : k, out, depth + 1);
  }
}

export function limiterSeries(index: TraceIndex): LimiterSeries[] {
  const series = new Map<string, { plugin: string; field: string; source: 'decision' | 'state'; lines: Map<string, SeriesPoint[]> }>();
  const epochLike = new Set<string>();
  const add = (source: 'decision' | 'state', plugin: string, field: string, group: string, p: SeriesPoint): void => {
    const key = `${plugin}\u0000${source}\u0000${field}`;
    if (Math.abs(p.v) >= EPOCH_LIKE) epochLike.add(key);
    let s = series.get(key);
    if (!s) series.set(key, (s = { plugin, field, source, lines: new Map() }));
    let line = s.lines.get(group);
    if (!line) s.lines.set(group, (line = []));
    line.push(p);
  };
  // Fixed windows a limiter's decisions were counted in, per plugin and line: the count starts again
  // at each window's end, which no decision reports (see windowReset).
  const windows = new Map<string, { plugin: string; group: string; end: number; limit: number; remaining: boolean }>();
  const closeWindow = (key: string, before: number): void => {
    const w = windows.get(key);
    if (!w || w.end > before) return;
    windows.delete(key);
    add('decision', w.plugin, 'usage', w.group, { t: w.end, v: 0 });
    if (w.remaining) add('decision', w.plugin, 'remaining', w.group, { t: w.end, v: w.limit });
  };
  for (const e of index.events) {
    if (e.type === 'plugin.decision' && e.data && !AFTER_ANSWER.has(e.phase)) {
      const group = index.byId.get(e.req)?.replica ?? 'gateway';
      const wkey = `${e.plugin}\u0000${group}`;
      closeWindow(wkey, e.t);
      const end = windowEnd(e.data, index.startEpoch);
      if (end !== null && end > e.t) windows.set(wkey, { plugin: e.plugin, group, end, limit: e.data.limit as number, remaining: typeof e.data.remaining === 'number' });
      for (const [field, v] of Object.entries(e.data)) {
        if (typeof v === 'number' && Number.isFinite(v)) add('decision', e.plugin, field, group, { t: e.t, v, req: e.req });
      }
    } else if (e.type === 'plugin.state') {
      const leaves: Array<[string, number]> = [];
      flatten(e.state, '', leaves, 0);
      for (const [field, v] of leaves) add('state', e.plugin, field, e.replica, { t: e.t, v });
    }
  }
  for (const key of [...windows.keys()]) closeWindow(key, index.endT);
  const out: LimiterSeries[] = [];
  for (const [key, s] of series) {
    if (epochLike.has(key)) continue;
    let min = Infinity;
    let max = -Infinity;
    const lines: SeriesLine[] = [...s.lines].map(([group, points]) => {
      for (const p of points) {
        min = Math.min(min, p.v);
        max = Math.max(max, p.v);
      }
      return { group, points, times: Float64Array.from(points, (p) => p.t) };
    });
    out.push({ key, plugin: s.plugin, field: s.field, source: s.source, lines, min, max, constant: min === max ? min : null });
  }
  // Stages in pipeline order, then changing fields before constant ones.
  const rank = (p: string): number => {
    const i = index.stages.indexOf(p);
    return i < 0 ? index.stages.length : i;
  };
  return out.sort((a, b) => rank(a.plugin) - rank(b.plugin) || Number(a.constant !== null) - Number(b.constant !== null));
}

const PERIOD_MS: Readonly<Record<string, number>> = { second: 1000, minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/**
 * Where the fixed window a decision was counted in ends, as a scenario offset, or null. Kong's
 * rate-limiting reports its window (`period`, `windowStart`, `usage`, `remaining`, `limit`) only when
 * a request comes, so the chart held "usage 100" from 12:01:00 — when the minute's count started
 * again (semantics §1) — to the next request at 12:01:01: boundary-burst's whole point, drawn late.
 */
export function windowEnd(data: Readonly<Record<string, unknown>>, startEpoch: number): number | null {
  const ms = typeof data.period === 'string' ? PERIOD_MS[data.period] : undefined;
  if (ms === undefined || typeof data.windowStart !== 'number' || typeof data.usage !== 'number' || typeof data.limit !== 'number') return null;
  return data.windowStart + ms - startEpoch;
}

/** The points of a line up to t. */
export function pointsUntil(line: SeriesLine, t: number): SeriesPoint[] {
  return line.points.slice(0, upperBound(line.times, t));
}

/** The value a line holds at t (its last point at or before t), or null before its first point. */
export function valueAt(line: SeriesLine, t: number): number | null {
  const i = upperBound(line.times, t);
  return i > 0 ? (line.points[i - 1] as SeriesPoint).v : null;
}

/** One pixel column's first, lowest, highest and last point, in time order (M4): every spike survives. Appends to `out`. */
export function reduceColumn(bucket: readonly SeriesPoint[], out: SeriesPoint[]): void {
  if (bucket.length === 0) return;
  const first = bucket[0] as SeriesPoint;
  const last = bucket[bucket.length - 1] as SeriesPoint;
  let lo = first;
  let hi = first;
  for (const p of bucket) {
    if (p.v < lo.v) lo = p;
    if (p.v > hi.v) hi = p;
  }
  out.push(...[first, lo, hi, last].filter((p, i, a) => a.indexOf(p) === i).sort((a, b) => a.t - b.t));
}

/**
 * Keeps a line drawable at any size: per pixel column, the first, min, max and last point, which
 * preserves every spike (M4 downsampling) while drawing at most four points per column.
 */
export function downsample(points: readonly SeriesPoint[], t0: number, t1: number, columns: number): SeriesPoint[] {
  if (points.length <= columns * 4) return [...points];
  const width = Math.max(1e-9, (t1 - t0) / columns);
  const out: SeriesPoint[] = [];
  let col = -1;
  let bucket: SeriesPoint[] = [];
  const flush = (): void => {
    reduceColumn(bucket, out);
    bucket = [];
  };
  for (const p of points) {
    const c = Math.floor((p.t - t0) / width);
    if (c !== col) {
      flush();
      col = c;
    }
    bucket.push(p);
  }
  flush();
  return out;
}
