/**
 * The points a step chart draws for one line at cursor time t, in O(columns + one column's points)
 * per frame instead of O(points): what used to be pointsUntil → clip to the range → downsample.
 *
 * Scrubbing moves only t. The pixel columns (range and width) stay put, and every column left of the
 * one t is in holds the same points whatever t is, so their downsampled points are computed once per
 * (line, range, columns) and reused; only the column under the cursor is reduced again. The answer is
 * exactly what the old pipeline gave (view-points.test.ts checks it against that pipeline).
 */
import { lowerBound, upperBound } from './search.ts';
import { reduceColumn, type SeriesLine, type SeriesPoint } from './limiter.ts';

/** Downsampled points of every complete column of the line's points inside one range. */
interface ColumnPlan {
  r0: number;
  r1: number;
  columns: number;
  /** Index (into line.points) of the first point drawn: the last one before r0, when there is one. */
  start: number;
  /** That first point, moved to r0 when it lies before the range. */
  first: SeriesPoint;
  /** Per column, in order: the index of its first point and how many output points precede it. */
  colStart: number[];
  outBefore: number[];
  out: SeriesPoint[];
}

const plans = new WeakMap<SeriesLine, ColumnPlan>();

function pointAt(line: SeriesLine, plan: Pick<ColumnPlan, 'start' | 'first'>, i: number): SeriesPoint {
  return i === plan.start ? plan.first : (line.points[i] as SeriesPoint);
}

function planFor(line: SeriesLine, r0: number, r1: number, columns: number, start: number): ColumnPlan {
  const cached = plans.get(line);
  if (cached && cached.r0 === r0 && cached.r1 === r1 && cached.columns === columns) return cached;
  const raw = line.points[start] as SeriesPoint;
  const plan: ColumnPlan = { r0, r1, columns, start, first: raw.t < r0 ? { ...raw, t: r0 } : raw, colStart: [], outBefore: [], out: [] };
  const end = upperBound(line.times, r1);
  const width = Math.max(1e-9, (r1 - r0) / columns);
  let col = Number.NaN;
  let bucket: SeriesPoint[] = [];
  for (let i = start; i < end; i++) {
    const p = pointAt(line, plan, i);
    const c = Math.floor((p.t - r0) / width);
    if (c !== col) {
      reduceColumn(bucket, plan.out);
      bucket = [];
      col = c;
      plan.colStart.push(i);
      plan.outBefore.push(plan.out.length);
    }
    bucket.push(p);
  }
  reduceColumn(bucket, plan.out);
  plans.set(line, plan);
  return plan;
}

/**
 * The points to draw for `line` up to time t within `range`, downsampled to `columns` pixel columns
 * once there are more than four points per column. Points are drawn from the last one before the
 * range (moved to the range's start, so the line enters at the right level) to the last one ≤ t.
 */
export function viewPoints(line: SeriesLine, range: readonly [number, number], t: number, columns: number): SeriesPoint[] {
  const [r0, r1] = range;
  const n = upperBound(line.times, t);
  const firstIn = lowerBound(line.times, r0);
  if (firstIn >= n) {
    // Nothing inside the range yet: the last point before it holds the level.
    const p = line.points[n - 1];
    return p ? [p.t < r0 ? { ...p, t: r0 } : p] : [];
  }
  const start = Math.max(0, firstIn - 1);
  const end = Math.min(n, upperBound(line.times, r1));
  if (end <= start) return [];
  if (end - start <= columns * 4) {
    const out: SeriesPoint[] = [];
    const raw = line.points[start] as SeriesPoint;
    out.push(raw.t < r0 ? { ...raw, t: r0 } : raw);
    for (let i = start + 1; i < end; i++) out.push(line.points[i] as SeriesPoint);
    return out;
  }
  const plan = planFor(line, r0, r1, columns, start);
  // The column holding the last point shown is the only one that may be cut short by t.
  const k = upperBound(plan.colStart, end - 1) - 1;
  const out = plan.out.slice(0, plan.outBefore[k]);
  const bucket: SeriesPoint[] = [];
  for (let i = plan.colStart[k] as number; i < end; i++) bucket.push(pointAt(line, plan, i));
  reduceColumn(bucket, out);
  return out;
}
