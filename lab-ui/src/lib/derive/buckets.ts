/**
 * Time buckets over ended requests, for the per-second charts. Full buckets are reduced once per
 * run; only the bucket the cursor is inside is reduced again each frame, so scrubbing a 300k-request
 * trace costs the size of one bucket, not the whole run.
 */
import { lowerBound, upperBound } from './search.ts';
import type { RequestRow, TraceIndex } from './trace-index.ts';

const NICE_MS = [100, 200, 250, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000];

/** A round bucket width that gives roughly `target` buckets over the run. */
export function bucketSizeFor(durationMs: number, target = 120): number {
  const raw = Math.max(1, durationMs) / target;
  return NICE_MS.find((n) => n >= raw) ?? NICE_MS[NICE_MS.length - 1]!;
}

export interface Bucket<R> {
  t0: number;
  t1: number;
  value: R;
}

export type Reducer<R> = (rows: readonly RequestRow[], t0: number, t1: number) => R;

export interface BucketTable<R> {
  bucketMs: number;
  full: Array<Bucket<R>>;
  reduce: Reducer<R>;
}

export function buildBuckets<R>(index: TraceIndex, bucketMs: number, reduce: Reducer<R>): BucketTable<R> {
  const count = Math.max(1, Math.ceil((index.endT + 1) / bucketMs));
  const full: Array<Bucket<R>> = [];
  for (let b = 0; b < count; b++) {
    const t0 = b * bucketMs;
    const t1 = t0 + bucketMs;
    const rows = index.ends.slice(lowerBound(index.endTimes, t0), lowerBound(index.endTimes, t1));
    full.push({ t0, t1, value: reduce(rows, t0, t1) });
  }
  return { bucketMs, full, reduce };
}

/** The buckets as they stand at time t: complete ones as built, the current one cut at t. */
export function bucketsAt<R>(table: BucketTable<R>, index: TraceIndex, t: number): Array<Bucket<R>> {
  const current = Math.floor(Math.max(0, t) / table.bucketMs);
  const out = table.full.slice(0, Math.min(current, table.full.length));
  const cut = currentBucket(table, index, t);
  if (cut) out.push(cut);
  return out;
}

/** The bucket the cursor is in, cut at t; null once t is past the last bucket. */
export function currentBucket<R>(table: BucketTable<R>, index: TraceIndex, t: number): Bucket<R> | null {
  const last = table.full[Math.floor(Math.max(0, t) / table.bucketMs)];
  if (!last) return null;
  const rows = index.ends.slice(lowerBound(index.endTimes, last.t0), upperBound(index.endTimes, t));
  return { t0: last.t0, t1: last.t1, value: table.reduce(rows, last.t0, Math.min(last.t1, t)) };
}
