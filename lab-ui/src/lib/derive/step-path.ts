/**
 * The SVG path text of a step line, as d3's `line().curve(curveStepAfter)` writes it (coordinates
 * rounded to 3 decimals, d3-shape's default), kept from one scrub step to the next.
 *
 * The limiter and replica charts redrew every line from its first point on each step: at 300k
 * requests that is thousands of points per line, each formatted into a new string, a megabyte of
 * short-lived strings per step that the collector then had to sweep (the scrub's slowest steps were
 * mostly minor GC; docs/benchmarks.md, the lab's seventeenth pass). A scrub step moves only the
 * cursor, so the points drawn keep a long common start with the previous step's: the text up to the
 * last common point is kept (a slice of the previous text) and only the points after it are written.
 * The text is exactly d3's for the same points (step-path.test.ts checks it against d3).
 */
import type { SeriesPoint } from './limiter.ts';

/** d3-path's rounding with `digits(3)`: the same arithmetic, so the same text. */
const round = (v: number): number => Math.round(v * 1000) / 1000;

export type Coordinate = (value: number) => number;

export class StepPath {
  private ts: number[] = [];
  private vs: number[] = [];
  /** The text after each point (ends[i]: length up to and including point i). */
  private ends: number[] = [];
  /** Each point's x and y as d3 passed them on (the step's next segment starts from them). */
  private xs: number[] = [];
  private ys: number[] = [];
  private text = '';
  private x: Coordinate | null = null;
  private y: Coordinate | null = null;

  /**
   * The path for `points` under the scales `x` and `y` (functions of t and v). Points equal in t and
   * v to the previous call's, from the start, reuse its text, as long as the scales are the same
   * functions (a new scale starts over).
   */
  path(points: readonly SeriesPoint[], x: Coordinate, y: Coordinate): string {
    const n = points.length;
    if (n === 0) return '';
    let keep = 0;
    if (x === this.x && y === this.y) {
      const max = Math.min(n, this.ts.length);
      while (keep < max) {
        const p = points[keep] as SeriesPoint;
        if (p.t !== this.ts[keep] || p.v !== this.vs[keep]) break;
        keep++;
      }
    } else {
      this.x = x;
      this.y = y;
    }
    let text = keep > 0 ? this.text.slice(0, this.ends[keep - 1]) : '';
    this.ts.length = this.vs.length = this.ends.length = this.xs.length = this.ys.length = keep;
    for (let i = keep; i < n; i++) {
      const p = points[i] as SeriesPoint;
      // line() reads +x(d), +y(d); the curve then coerces again and keeps them for the next point.
      const px = +x(p.t);
      const py = +y(p.v);
      if (i === 0) text += `M${round(px)},${round(py)}`;
      else {
        // curveStepAfter is Step with t = 1: x1 = x0 * (1 - t) + x * t, to the previous y, then down.
        const x1 = (this.xs[i - 1] as number) * 0 + px * 1;
        text += `L${round(x1)},${round(this.ys[i - 1] as number)}L${round(x1)},${round(py)}`;
      }
      this.ts.push(p.t);
      this.vs.push(p.v);
      this.xs.push(px);
      this.ys.push(py);
      this.ends.push(text.length);
    }
    this.text = text;
    // A single point: d3 closes the path, a lone move then `Z`.
    return n === 1 ? `${text}Z` : text;
  }
}
