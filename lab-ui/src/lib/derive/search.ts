/** Binary searches over ascending number arrays: the cursor turns into an index with these. */

export type Sorted = ArrayLike<number>;

/** How many elements are ≤ t (the index of the first element > t). */
export function upperBound(sorted: Sorted, t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** How many elements are < t (the index of the first element ≥ t). */
export function lowerBound(sorted: Sorted, t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
