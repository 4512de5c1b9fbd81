/**
 * A run's trace while it still streams in: the page indexes every batch as it arrives and now and
 * then hands the panel a snapshot of the prefix, so a student can play the start of a long run while
 * the engine simulates the rest. Plus the rules for the shared timeline while panels grow.
 */
import type { TraceEvent } from '../../../engine/trace/events.ts';
import { TraceIndexBuilder, type TraceIndex } from './derive/trace-index.ts';

export interface SnapshotPolicy {
  /** A new snapshot once the trace holds this many times the events of the last one… */
  growth: number;
  /** …or once this long has passed since the last one (wall ms), so a slow run still moves. */
  maxWaitMs: number;
}

// Each snapshot costs O(events so far), here and in every view that precomputes per index (rate
// buckets, limiter series…). Geometric spacing keeps the run's total within a few full indexes
// (at 300k requests: ≈ 12 snapshots, not 120 — one per batch).
export const DEFAULT_SNAPSHOTS: SnapshotPolicy = { growth: 1.5, maxWaitMs: 3000 };

/** Whether a trace of `count` events deserves a new snapshot, the last one having `published`. */
export function snapshotDue(policy: SnapshotPolicy, published: number, count: number, sinceMs: number): boolean {
  if (count <= published) return false;
  if (published === 0) return true;
  return count >= published * policy.growth || sinceMs >= policy.maxWaitMs;
}

export class StreamingIndex {
  private readonly builder = new TraceIndexBuilder();
  private published = 0;
  private lastAt = 0;

  constructor(
    private readonly clock: () => number,
    private readonly policy: SnapshotPolicy = DEFAULT_SNAPSHOTS,
  ) {}

  /**
   * Indexes one batch; `soFar` is every event received, this batch included. Returns a snapshot of
   * the prefix when one is due, else null.
   */
  add(batch: readonly TraceEvent[], soFar: readonly TraceEvent[]): TraceIndex | null {
    this.builder.add(batch);
    const now = this.clock();
    if (!snapshotDue(this.policy, this.published, soFar.length, now - this.lastAt)) return null;
    this.published = soFar.length;
    this.lastAt = now;
    // A copy: the client's array keeps growing, and views read `events` by length.
    return this.builder.snapshot(soFar.slice());
  }

  finish(events: readonly TraceEvent[]): TraceIndex {
    return this.builder.finish(events);
  }
}

export interface PanelProgress {
  status: 'running' | 'ready' | 'error';
  index: TraceIndex | null;
}

/**
 * How far the shared timeline reaches. The panels move together on one cursor, so while any run
 * still streams the timeline ends where every running panel's trace is known (a finished panel's
 * reaches further; one not yet started holds it at 0); once all are done, at the longest run's end.
 */
export function timelineOf(panels: readonly PanelProgress[]): { endT: number; growing: boolean } {
  let done = 0;
  let known = Infinity;
  let growing = false;
  for (const p of panels) {
    if (p.status === 'error') continue;
    const end = p.index?.endT ?? 0;
    if (p.status === 'running') {
      growing = true;
      known = Math.min(known, end);
    } else done = Math.max(done, end);
  }
  return { endT: growing ? known : done, growing };
}

/**
 * Whether a shared URL's time and request can be applied: once the timeline reaches its time, or
 * once every run is done (a time past the end then lands on the end; a request alone waits for it).
 */
export function pendingDue(pending: { t?: number }, timeline: { endT: number; growing: boolean }): boolean {
  if (!timeline.growing) return true;
  return pending.t !== undefined && timeline.endT > 0 && timeline.endT >= pending.t;
}
