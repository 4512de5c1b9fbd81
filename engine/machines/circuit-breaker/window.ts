/**
 * The breaker's sliding windows as plain immutable data (resilience4j's FixedSizeSlidingWindowMetrics
 * and SlidingTimeWindowMetrics). Time-based buckets are epoch seconds, as in resilience4j, so the
 * window rolls on second boundaries and is computed from `now` when touched, never by a timer.
 */
import type { SlidingWindowType } from './config.ts';

export interface Tally {
  calls: number;
  failed: number;
  slow: number;
}

/** The last `size` outcomes, oldest first, with running totals so a tally costs nothing. */
export interface CountWindow extends Tally {
  kind: 'count';
  size: number;
  /** One entry per call: bit 1 = failed, bit 2 = slow. */
  outcomes: readonly number[];
}

export interface Bucket extends Tally {
  /** The epoch second this bucket aggregates. */
  second: number;
}

/** Per-second aggregates of the last `seconds` epoch seconds, oldest first. */
export interface TimeWindow {
  kind: 'time';
  seconds: number;
  buckets: readonly Bucket[];
}

export type CallWindow = CountWindow | TimeWindow;

export interface Outcome {
  failed: boolean;
  slow: boolean;
}

const FAILED = 1;
const SLOW = 2;

export function emptyWindow(type: SlidingWindowType, size: number): CallWindow {
  return type === 'COUNT_BASED'
    ? { kind: 'count', size, outcomes: [], calls: 0, failed: 0, slow: 0 }
    : { kind: 'time', seconds: size, buckets: [] };
}

const epochSecond = (now: number): number => Math.floor(now / 1000);

/** Buckets still inside a window that ends in the epoch second of `now`. */
function liveBuckets(w: TimeWindow, now: number): readonly Bucket[] {
  const oldest = epochSecond(now) - w.seconds + 1;
  return w.buckets[0] !== undefined && w.buckets[0].second < oldest ? w.buckets.filter((b) => b.second >= oldest) : w.buckets;
}

export function record(w: CallWindow, outcome: Outcome, now: number): CallWindow {
  const bits = (outcome.failed ? FAILED : 0) | (outcome.slow ? SLOW : 0);
  if (w.kind === 'count') {
    const outcomes = [...w.outcomes, bits];
    let { calls, failed, slow } = w;
    calls += 1;
    failed += outcome.failed ? 1 : 0;
    slow += outcome.slow ? 1 : 0;
    if (outcomes.length > w.size) {
      const evicted = outcomes.shift() as number;
      calls -= 1;
      failed -= evicted & FAILED ? 1 : 0;
      slow -= evicted & SLOW ? 1 : 0;
    }
    return { ...w, outcomes, calls, failed, slow };
  }
  const buckets = [...liveBuckets(w, now)];
  const last = buckets.at(-1);
  const second = epochSecond(now);
  // A clock that stepped back (the proxy's wall clock) adds to the newest bucket rather than reorder.
  if (last && last.second >= second) {
    buckets[buckets.length - 1] = { ...last, calls: last.calls + 1, failed: last.failed + (outcome.failed ? 1 : 0), slow: last.slow + (outcome.slow ? 1 : 0) };
  } else {
    buckets.push({ second, calls: 1, failed: outcome.failed ? 1 : 0, slow: outcome.slow ? 1 : 0 });
  }
  return { ...w, buckets };
}

export function tally(w: CallWindow, now: number): Tally {
  if (w.kind === 'count') return { calls: w.calls, failed: w.failed, slow: w.slow };
  const t = { calls: 0, failed: 0, slow: 0 };
  for (const b of liveBuckets(w, now)) {
    t.calls += b.calls;
    t.failed += b.failed;
    t.slow += b.slow;
  }
  return t;
}

/** "the last 100 calls" / "the last 10 s", for reasons. */
export function describeWindow(w: CallWindow): string {
  return w.kind === 'count' ? `the last ${w.size} call${w.size === 1 ? '' : 's'}` : `the last ${w.seconds} s`;
}
