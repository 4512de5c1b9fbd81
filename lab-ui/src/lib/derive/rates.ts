/**
 * Requests per second by outcome, one series per client: the "what got through" chart. A scenario
 * with many clients shows the busiest few by name and folds the rest into one series.
 */
import { buildBuckets, bucketsAt, type Bucket, type BucketTable, type Reducer } from './buckets.ts';
import { lowerBound, upperBound } from './search.ts';
import { OUTCOMES, type Outcome } from './outcome.ts';
import type { RequestRow, TraceIndex } from './trace-index.ts';

export type OutcomeCounts = Record<Outcome, number>;

export interface ClientRates {
  client: string;
  /** Counts per bucket; divide by bucket seconds for a rate. */
  buckets: Array<Bucket<OutcomeCounts>>;
  /** The largest bucket total over the whole run, so the y axis does not jump while playing. */
  peak: number;
}

export interface RateTable {
  groups: string[];
  table: BucketTable<Record<string, OutcomeCounts>>;
  /** Per ended request (index.ends order): its group × OUTCOMES.length + its outcome, for rateCursor. */
  codes: Uint16Array;
}

export const OTHER_CLIENTS = 'other clients';

export function zeroCounts(): OutcomeCounts {
  return Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as OutcomeCounts;
}

export function totalOf(c: OutcomeCounts): number {
  return OUTCOMES.reduce((s, o) => s + c[o], 0);
}

/**
 * `prefer`: clients named before others of the same volume (rate-axis.ts's differingClients: those
 * whose requests ended differently in the panels side by side). auth-at-the-edge's thirteen clients
 * each send two requests, and the two that tell its story were folded into "other clients".
 */
export function buildRateTable(index: TraceIndex, bucketMs: number, maxGroups = 6, prefer: ReadonlySet<string> = new Set()): RateTable {
  const volume = new Map<string, number>();
  for (const r of index.requests) volume.set(r.client, (volume.get(r.client) ?? 0) + 1);
  const ranked = [...index.clients].sort((a, b) => (volume.get(b) ?? 0) - (volume.get(a) ?? 0) || Number(prefer.has(b)) - Number(prefer.has(a)));
  const named = new Set(ranked.length > maxGroups ? ranked.slice(0, maxGroups - 1) : ranked);
  const groups = index.clients.filter((c) => named.has(c));
  if (named.size < ranked.length) groups.push(OTHER_CLIENTS);
  const reduce = (rows: readonly RequestRow[]): Record<string, OutcomeCounts> => {
    const out: Record<string, OutcomeCounts> = {};
    for (const g of groups) out[g] = zeroCounts();
    for (const r of rows) (out[named.has(r.client) ? r.client : OTHER_CLIENTS] as OutcomeCounts)[r.outcome] += 1;
    return out;
  };
  const groupOf = new Map(index.clients.map((c) => [c, named.has(c) ? groups.indexOf(c) : groups.indexOf(OTHER_CLIENTS)]));
  const outcomeAt = new Map(OUTCOMES.map((o, k) => [o, k]));
  const other = groups.indexOf(OTHER_CLIENTS);
  const codes = new Uint16Array(index.ends.length);
  let codable = true;
  index.ends.forEach((r, i) => {
    const group = groupOf.get(r.client);
    const outcome = outcomeAt.get(r.outcome);
    if (group === undefined || outcome === undefined) codable = false;
    codes[i] = (group ?? other) * OUTCOMES.length + (outcome as number);
  });
  // When every request has a group and an outcome (else the reducer would throw), the full buckets
  // are counted from the codes, as rateCursor does, instead of a Set lookup, a keyed write and a
  // row slice per request (≈ 70 ms of a 60k-request run's last frame before it plays).
  const table = codable ? countedBuckets(index, bucketMs, groups, codes, reduce) : buildBuckets(index, bucketMs, reduce);
  return { groups, table, codes };
}

/** The same buckets as buildBuckets(index, bucketMs, reduce), each counted from the requests' codes. */
function countedBuckets(index: TraceIndex, bucketMs: number, groups: readonly string[], codes: Uint16Array, reduce: Reducer<Record<string, OutcomeCounts>>): BucketTable<Record<string, OutcomeCounts>> {
  const count = Math.max(1, Math.ceil((index.endT + 1) / bucketMs));
  const counts = new Int32Array(groups.length * OUTCOMES.length);
  const full: Array<Bucket<Record<string, OutcomeCounts>>> = [];
  for (let b = 0; b < count; b++) {
    const t0 = b * bucketMs;
    const t1 = t0 + bucketMs;
    // Rows with end times in [t0, t1), as buildBuckets slices them.
    const from = lowerBound(index.endTimes, t0);
    const to = lowerBound(index.endTimes, t1);
    counts.fill(0);
    for (let i = from; i < to; i++) (counts[codes[i] as number] as number) += 1;
    const value: Record<string, OutcomeCounts> = {};
    groups.forEach((g, k) => {
      const c = zeroCounts();
      OUTCOMES.forEach((o, j) => (c[o] = counts[k * OUTCOMES.length + j] as number));
      value[g] = c;
    });
    full.push({ t0, t1, value });
  }
  return { bucketMs, full, reduce };
}

export function ratesAt(index: TraceIndex, rt: RateTable, t: number): ClientRates[] {
  const visible = bucketsAt(rt.table, index, t);
  return rt.groups.map((client) => ({
    client,
    buckets: visible.map((b) => ({ t0: b.t0, t1: b.t1, value: b.value[client] ?? zeroCounts() })),
    peak: Math.max(1, ...rt.table.full.map((b) => totalOf(b.value[client] ?? zeroCounts()))),
  }));
}

/**
 * ratesAt(t) in two parts, for a chart that paints the whole run once and redraws only the cursor's
 * bucket: every bucket before `cut` is complete (as in `ratesAt(index, rt, Infinity)`), and
 * `current[g]` is group g's bucket at the cursor, cut at t (null once t is past the last bucket).
 */
export function rateCursor(index: TraceIndex, rt: RateTable, t: number): { cut: number; current: Array<Bucket<OutcomeCounts> | null> } {
  const bucket = rt.table.full[Math.floor(Math.max(0, t) / rt.table.bucketMs)];
  if (!bucket) return { cut: Infinity, current: rt.groups.map(() => null) };
  // Counted from the precomputed codes, a typed-array loop, instead of reducing the bucket's rows
  // (thousands a frame in a 300k-request run): the same counts as currentBucket(...).value.
  const counts = new Int32Array(rt.groups.length * OUTCOMES.length);
  const to = upperBound(index.endTimes, t);
  for (let i = lowerBound(index.endTimes, bucket.t0); i < to; i++) (counts[rt.codes[i] as number] as number) += 1;
  const current = rt.groups.map((_, g) => {
    const value = zeroCounts();
    OUTCOMES.forEach((o, k) => (value[o] = counts[g * OUTCOMES.length + k] as number));
    return { t0: bucket.t0, t1: bucket.t1, value };
  });
  return { cut: bucket.t0, current };
}

/** The outcomes some group has a request of, in buckets before `cut` or in the cursor's buckets. */
export function outcomesSeen(full: readonly ClientRates[], cut: number, current: ReadonlyArray<Bucket<OutcomeCounts> | null>): Outcome[] {
  const has = (o: Outcome): boolean =>
    current.some((b) => b !== null && b.value[o] > 0) || full.some((s) => s.buckets.some((b) => b.t0 < cut && b.value[o] > 0));
  return OUTCOMES.filter(has);
}

/** Stack offsets for one bucket, bottom-up in the fixed outcome order (admitted at the bottom). */
export function stackOf(counts: OutcomeCounts): Array<{ outcome: Outcome; y0: number; y1: number }> {
  let y = 0;
  const out: Array<{ outcome: Outcome; y0: number; y1: number }> = [];
  for (const o of OUTCOMES) {
    if (counts[o] === 0) continue;
    out.push({ outcome: o, y0: y, y1: y + counts[o] });
    y += counts[o];
  }
  return out;
}
