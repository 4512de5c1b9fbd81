/** Shared chart helpers: d3 computes scales and ticks, components draw them. */
import { scaleLinear, type ScaleLinear } from 'd3';
import { formatClock } from '../derive/time-format.ts';

export interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export function frame(width: number, height: number): Frame {
  return { width: Math.max(120, width), height, left: 44, right: 10, top: 10, bottom: 20 };
}

export type Range = readonly [number, number];

export function timeScale(f: Frame, range: Range): ScaleLinear<number, number> {
  const [t0, t1] = range;
  return scaleLinear().domain([t0, Math.max(t0 + 1, t1)]).range([f.left, f.width - f.right]);
}

export function inRange(range: Range, t: number): boolean {
  return t >= range[0] && t <= range[1];
}

export function valueScale(f: Frame, min: number, max: number): ScaleLinear<number, number> {
  return scaleLinear().domain([min, max === min ? min + 1 : max]).nice().range([f.height - f.bottom, f.top]);
}

/** The axes' labels are 10.5 px monospace (Axes.svelte): about 6.3 px a character. */
const TICK_CHAR_PX = 6.3;

/**
 * The centre-to-centre distance two time labels need: a label's width and a gap, and half a label
 * more so that the last one, anchored at its end (tickAnchor), clears its neighbour too.
 */
export function tickSpacing(labelChars: number): number {
  return labelChars * TICK_CHAR_PX * 1.5 + 6;
}

/**
 * At most `count` time ticks, and no more than the chart's width holds: on a phone five wall-clock
 * labels ran into each other ("12:00:0012:00:2012:00:40").
 */
export function timeTicks(x: ScaleLinear<number, number>, startEpoch: number, count = 5): Array<{ x: number; label: string }> {
  const [t0, t1] = x.domain() as [number, number];
  const [x0, x1] = x.range() as [number, number];
  // A few seconds of scenario time need tenths of a second; minutes read better as a wall clock.
  const fine = t1 - t0 < 10_000;
  const label = (t: number): string => (fine ? formatClock(startEpoch, t).slice(3, 10) : formatClock(startEpoch, t, false));
  const spacing = tickSpacing(fine ? 7 : 8);
  const fits = Math.max(2, Math.floor(Math.abs(x1 - x0) / spacing));
  // d3's count is a hint and may give a few more: drop any tick too close to the one kept before it.
  const out: Array<{ x: number; label: string }> = [];
  for (const t of x.ticks(Math.min(count, fits))) {
    const px = x(t);
    const prev = out[out.length - 1];
    if (prev && px - prev.x < spacing) continue;
    out.push({ x: px, label: label(t) });
  }
  return out;
}

/**
 * How a time tick's label is anchored: centred, except near the right edge, where a centred label
 * ran past the chart and was cut by the panel's edge (the last tick of a run, "12:01:10").
 */
export function tickAnchor(f: Frame, x: number): 'middle' | 'end' {
  return x > f.width - f.right - 26 ? 'end' : 'middle';
}

export function valueTicks(y: ScaleLinear<number, number>, count = 3): Array<{ y: number; label: string }> {
  return y.ticks(count).map((v) => ({ y: y(v), label: Math.abs(v) >= 10_000 ? `${Math.round(v / 1000)}k` : String(+v.toFixed(2)) }));
}
