/** The time range every panel's charts share. */
import type { TraceIndex } from './trace-index.ts';

/**
 * The time range the charts show: the busy stretch of the runs' traces, padded, within [0, end], or
 * all of it. `growing` is the scenario's duration while runs stream (0 otherwise): the charts then
 * span the whole scenario and fill in from the left. A `cursor` past the busy stretch stretches it to
 * the run's end: token-bucket-walkthrough's charts stopped at 12:00:02.6 while the student stepped
 * on to 12:00:06, the cursor off every chart and "now: 6" beside a line that never reached it.
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
  const top = Math.min(end, hi + pad);
  return [Math.max(0, lo - pad), cursor > top ? end : top];
}

/** `last` when `next` holds the same values: every chart re-derives its scales when the range object changes. */
export function sameRangeOr(last: [number, number] | null, next: [number, number]): [number, number] {
  return last && last[0] === next[0] && last[1] === next[1] ? last : next;
}
