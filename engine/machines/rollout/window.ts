/**
 * The analysis window as counts per slice. The window is cut into 60 slices of windowMs / 60
 * (1 s for a 1m window, like a Prometheus scrape), aligned to the rollout's start; "the window at
 * now" is the slice holding `now` and the 59 before it. Counts are kept per (slice, step) so the
 * step gate can ask for this step's requests only, without the previous weight's traffic.
 */
import type { OutcomeBucket, RolloutAnalysis } from './plan.ts';

export const WINDOW_SLICES = 60;

export interface WindowStats {
  total: number;
  failed: number;
  /** failed / total; 0 when there is nothing to divide. */
  rate: number;
}

export function sliceOf(analysis: RolloutAnalysis, startedAt: number, t: number): number {
  return Math.floor((t - startedAt) / (analysis.windowMs / WINDOW_SLICES));
}

/** The buckets still inside the window that ends in the slice of `now`. Returns the input when nothing expired. */
export function prune(buckets: readonly OutcomeBucket[], currentSlice: number): readonly OutcomeBucket[] {
  const oldest = currentSlice - WINDOW_SLICES + 1;
  let drop = 0;
  while (drop < buckets.length && (buckets[drop] as OutcomeBucket).slice < oldest) drop++;
  return drop === 0 ? buckets : buckets.slice(drop);
}

/** One more canary outcome in (slice, step); a new array, the input untouched. */
export function record(buckets: readonly OutcomeBucket[], slice: number, step: number, failed: boolean): OutcomeBucket[] {
  const last = buckets[buckets.length - 1];
  const add = failed ? 1 : 0;
  const out = buckets.slice();
  if (last && last.slice === slice && last.step === step) out[out.length - 1] = { slice, step, total: last.total + 1, failed: last.failed + add };
  else out.push({ slice, step, total: 1, failed: add });
  return out;
}

/** Totals over the (already pruned) buckets; only those of `step` when given. */
export function stats(buckets: readonly OutcomeBucket[], step?: number): WindowStats {
  let total = 0;
  let failed = 0;
  for (const b of buckets) {
    if (step !== undefined && b.step !== step) continue;
    total += b.total;
    failed += b.failed;
  }
  return { total, failed, rate: total === 0 ? 0 : failed / total };
}
