/** The time range every panel's charts share. */
import type { TraceIndex } from './trace-index.ts';

/**
 * The time range the charts show: the busy stretch of the runs' traces, padded, within [0, end], or
 * all of it. `growing` is the scenario's duration while runs stream (0 otherwise): the charts then
 * span the whole scenario and fill in from the left. A `cursor` past the busy stretch stretches it
 * until the cursor is on it: token-bucket-walkthrough's charts stopped at 12:00:02.6 while the
 * student stepped on to 12:00:06, the cursor off every chart and "now: 6" beside a line that never
 * reached it. It doubles the range's width at a time, up to the run's end, rather than jumping to the
 * end: boundary-burst's last narration point (12:01:02, just past its busy stretch) showed the two
 * bursts it talks about squeezed into the chart's first 4 %, the rest a minute of nothing. Doubling
 * also keeps the range still while the cursor plays across each new half, as the charts re-derive
 * their scales whenever it changes.
 */
export function chartRangeOf(indexes: readonly TraceIndex[], endT: number, growing: number, zoomToActivity: boolean, cursor = 0): [number, number] {
  const end = Math.max(1, endT, growing);
  if (!zoomToActivity || indexes.length === 0) return [0, end];
  let lo = Infinity;
  let hi = -Infinity;
  for (const i of indexes) {
    const first = i.requests[0];
    if (first) lo = Math.min(lo, first.sentT);
    const last = i.endTimes[i.endTimes.length - 1];
    if (last !== undefined) hi = Math.max(hi, last);
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, end];
  hi = Math.max(hi, growing);
  const pad = Math.max(500, (hi - lo) * 0.08);
  const from = Math.max(0, lo - pad);
  let top = Math.min(end, hi + pad);
  while (cursor > top && top < end) top = Math.min(end, from + (top - from) * 2);
  return [from, top];
}

/** `last` when `next` holds the same values: every chart re-derives its scales when the range object changes. */
export function sameRangeOr(last: [number, number] | null, next: [number, number]): [number, number] {
  return last && last[0] === next[0] && last[1] === next[1] ? last : next;
}
