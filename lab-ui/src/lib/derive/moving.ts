/**
 * How many requests are travelling at t: sent by their client and not yet answered. The topology's
 * summary says it on every frame, so it is two binary searches over times sorted once per run, not
 * a walk over the dots (which also counted only the dots drawn, not every request).
 */
import { upperBound } from './search.ts';
import type { TraceIndex } from './trace-index.ts';

/** Built once per trace; the returned function answers for any t in O(log n). */
export function buildMovingCount(index: TraceIndex): (t: number) => number {
  // A request ends after it is sent, so every request ended by t was sent by t: the difference is
  // exactly the requests with sentT ≤ t < endT (never-answered ones have no end and stay counted).
  const sent = Float64Array.from(index.requests, (r) => r.sentT).sort();
  const ended = index.endTimes;
  return (t) => upperBound(sent, t) - upperBound(ended, t);
}
