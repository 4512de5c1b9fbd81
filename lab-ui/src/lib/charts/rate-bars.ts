/**
 * The rate chart's stacked bars as plain rectangles, so RateChart can paint them on a canvas: at a
 * few hundred requests per second the chart is hundreds of bars per client, and as SVG every scrub
 * frame re-set their attributes and restyled them. Pure: the component paints and hit-tests these.
 */
import type { Outcome } from '../derive/outcome.ts';
import { stackOf, type ClientRates } from '../derive/rates.ts';
import type { Range } from './axis.ts';

export interface RateBar {
  x: number;
  y: number;
  w: number;
  h: number;
  outcome: Outcome;
  /** The bucket and how many requests the segment counts, for the click and the tooltip. */
  t0: number;
  t1: number;
  count: number;
}

/** One client's bars in pixels: buckets inside the range, each stacked bottom-up by outcome. */
export function rateBars(
  s: ClientRates,
  range: Range,
  x: (t: number) => number,
  y: (perSecond: number) => number,
  barWidth: number,
  perSecond: number,
): RateBar[] {
  const out: RateBar[] = [];
  // A bucket cut by the range's edge is cut at it: a live trace's range ends at its newest event,
  // mid-bucket, and its last bar was drawn past the axis into the page's margin (and a zoomed
  // range's first bar over the y axis).
  const left = x(range[0]);
  const right = x(range[1]);
  for (const b of s.buckets) {
    if (b.t1 <= range[0] || b.t0 >= range[1]) continue;
    const x0 = Math.max(left, x(b.t0));
    const w = Math.min(right, x(b.t0) + barWidth) - x0;
    if (w <= 0) continue;
    for (const seg of stackOf(b.value)) {
      const top = y(seg.y1 * perSecond);
      out.push({ x: x0, y: top, w, h: Math.max(0.5, y(seg.y0 * perSecond) - top), outcome: seg.outcome, t0: b.t0, t1: b.t1, count: seg.y1 - seg.y0 });
    }
  }
  return out;
}

/** The bar under a point (pixels in the chart's frame), or null. */
export function barAt(bars: readonly RateBar[], px: number, py: number): RateBar | null {
  for (const b of bars) if (px >= b.x && px < b.x + b.w && py >= b.y && py <= b.y + b.h) return b;
  return null;
}
