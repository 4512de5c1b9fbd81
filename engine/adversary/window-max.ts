/**
 * The busiest half-open window [t, t + W) over a set of admission instants, exactly, in one pass.
 *
 * Only windows that start at an admission instant need checking: sliding a window's start forward to
 * its first admitted instant keeps every instant it held (they are all ≥ that one) and may add more at
 * its end, so the maximum is always reached by a window starting at some instant.
 */

export interface BusiestWindow {
  /** How many instants the busiest window holds (0 for an empty list). */
  count: number;
  /** Where that window starts: the earliest instant it holds (0 for an empty list). */
  startMs: number;
}

/** `sorted` must be in ascending order (equal values allowed). Two pointers: O(n). */
export function busiestWindow(sorted: readonly number[], windowMs: number): BusiestWindow {
  let best: BusiestWindow = { count: 0, startMs: 0 };
  let end = 0;
  for (let start = 0; start < sorted.length; start++) {
    const from = sorted[start] as number;
    // Equal instants: the first of them starts the window; later ones can only see a subset.
    if (start > 0 && sorted[start - 1] === from) continue;
    if (end < start) end = start;
    while (end < sorted.length && (sorted[end] as number) < from + windowMs) end++;
    if (end - start > best.count) best = { count: end - start, startMs: from };
  }
  return best;
}
