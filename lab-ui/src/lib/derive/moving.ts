/**
 * How many requests are travelling at t: arrived at the gateway and not yet answered. The topology's
 * summary says it on every frame, so it is two binary searches over times sorted once per run, not
 * a walk over the dots (which also counted only the dots drawn, not every request).
 */
import { upperBound } from './search.ts';
import type { TraceIndex } from './trace-index.ts';

/** Built once per trace; the returned function answers for any t in O(log n). */
export function buildMovingCount(index: TraceIndex): (t: number) => number {
  // A request ends after it arrives, so every request ended by t arrived by t: the difference is
  // exactly the requests with startT ≤ t < endT (never-answered ones have no end and stay counted).
  // Arrivals, not sends: the send time is known only from request.end, after the cursor.
  const arrived = index.startTimes;
  const ended = index.endTimes;
  return (t) => upperBound(arrived, t) - upperBound(ended, t);
}
