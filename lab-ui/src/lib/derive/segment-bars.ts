/**
 * Where the state-machine timeline draws each segment, in pixels. A breaker's HALF_OPEN lasts a few
 * hundred milliseconds between two 10-second OPEN stretches: at its true width it was an 8 px sliver
 * at 1440 px and under 2 px on a phone, too thin to see or click. Every segment is drawn at least
 * `minPx` wide, and clickable over at least `hitPx`; a widened segment takes the room from its
 * neighbours (drawn over them, not beside them), stays centred on its true middle as far as the
 * drawing area allows, and never reaches past the cursor, so it never shows a future it does not
 * know. Its true times stay in the reason shown on click.
 */

export interface SegmentBar<T> {
  /** The caller's segment. */
  s: T;
  /** The true extent, in pixels. */
  x0: number;
  x1: number;
  /** The drawn extent: the true one, or widened to the minimum within [xMin, xMax]. */
  drawX0: number;
  drawX1: number;
  /** The clickable extent, at least `hitPx` wide within [xMin, xMax]. */
  hitX0: number;
  hitX1: number;
  /** Drawn wider than it is: the view outlines it and draws it over its neighbours. */
  widened: boolean;
}

/** At least `min` wide around the middle of [x0, x1], moved (not shrunk) to stay in [lo, hi]. */
function widen(x0: number, x1: number, min: number, lo: number, hi: number): [number, number] {
  if (x1 - x0 >= min) return [x0, x1];
  const w = Math.min(min, hi - lo);
  let a = (x0 + x1) / 2 - w / 2;
  a = Math.max(lo, Math.min(a, hi - w));
  return [a, a + w];
}

/**
 * The bars of one row. `bars` are in time order with their true pixel extent; [xMin, xMax] is what
 * may be drawn (the axis start, and the cursor or the axis end, whichever comes first). Bars of zero
 * true width are kept: a state entered and left in the same instant is still a state it was in. The
 * result puts widened bars last, so they are painted over the stretches around them.
 */
export function segmentBars<T>(bars: ReadonlyArray<{ s: T; x0: number; x1: number }>, xMin: number, xMax: number, minPx: number, hitPx: number): Array<SegmentBar<T>> {
  const out: Array<SegmentBar<T>> = [];
  for (const b of bars) {
    const x0 = Math.max(xMin, Math.min(b.x0, xMax));
    const x1 = Math.max(x0, Math.min(b.x1, xMax));
    const [drawX0, drawX1] = widen(x0, x1, minPx, xMin, xMax);
    const [hitX0, hitX1] = widen(drawX0, drawX1, hitPx, xMin, xMax);
    out.push({ s: b.s, x0, x1, drawX0, drawX1, hitX0, hitX1, widened: drawX1 - drawX0 > x1 - x0 + 1e-9 });
  }
  // Stable: wide bars keep their order, widened ones follow in theirs.
  return [...out.filter((b) => !b.widened), ...out.filter((b) => b.widened)];
}
