/** Latency split into the gateway's own time and the upstream's, per time bucket. */
import { percentile } from '../../../../engine/trace/summary.ts';
import { buildBuckets, bucketsAt, type Bucket, type BucketTable } from './buckets.ts';
import type { TraceIndex } from './trace-index.ts';

export interface LatencyStats {
  n: number;
  /** Means in ms: what a stacked bar of "gateway + upstream" adds up from. */
  gatewayMean: number;
  upstreamMean: number;
  p50: number | null;
  p99: number | null;
  /** p99 of each part on its own: in the war story the gateway's is seconds while the upstream's is ms. */
  gatewayP99: number | null;
  upstreamP99: number | null;
}

export function buildLatencyTable(index: TraceIndex, bucketMs: number): BucketTable<LatencyStats> {
  return buildBuckets(index, bucketMs, (rows) => {
    let g = 0;
    let u = 0;
    const totals: number[] = [];
    const gateway: number[] = [];
    const upstream: number[] = [];
    for (const r of rows) {
      g += r.gatewayMs ?? 0;
      u += r.upstreamMs ?? 0;
      totals.push(r.ms ?? 0);
      if (r.gatewayMs !== null) gateway.push(r.gatewayMs);
      if (r.upstreamMs !== null) upstream.push(r.upstreamMs);
    }
    const asc = (a: number, b: number): number => a - b;
    totals.sort(asc);
    gateway.sort(asc);
    upstream.sort(asc);
    const n = rows.length;
    return {
      n,
      gatewayMean: n ? g / n : 0,
      upstreamMean: n ? u / n : 0,
      p50: percentile(totals, 50),
      p99: percentile(totals, 99),
      gatewayP99: percentile(gateway, 99),
      upstreamP99: percentile(upstream, 99),
    };
  });
}

export function latencyAt(index: TraceIndex, table: BucketTable<LatencyStats>, t: number): Array<Bucket<LatencyStats>> {
  return bucketsAt(table, index, t);
}

/** The y-axis top for the whole run (stable while playing). */
export function latencyPeak(table: BucketTable<LatencyStats>): number {
  let peak = 1;
  for (const b of table.full) peak = Math.max(peak, b.value.p99 ?? 0, b.value.gatewayMean + b.value.upstreamMean);
  return peak;
}

/**
 * Whether the two parts differ so much that a linear axis hides one (the war story: gateway seconds,
 * upstream milliseconds): then the chart draws both as lines on a log axis instead of stacked bars.
 */
export function latencySpread(table: BucketTable<LatencyStats>): { gateway: number; upstream: number; log: boolean } {
  let gateway = 0;
  let upstream = 0;
  for (const b of table.full) {
    gateway = Math.max(gateway, b.value.gatewayP99 ?? 0);
    upstream = Math.max(upstream, b.value.upstreamP99 ?? 0);
  }
  const lo = Math.min(gateway, upstream);
  const hi = Math.max(gateway, upstream);
  return { gateway, upstream, log: lo > 0 && hi / lo >= 20 };
}

const tables = new WeakMap<TraceIndex, Map<number, BucketTable<LatencyStats>>>();

/** buildLatencyTable, once per index and bucket size: every panel's chart reads every panel's table. */
export function latencyTableOf(index: TraceIndex, bucketMs: number): BucketTable<LatencyStats> {
  let byBucket = tables.get(index);
  if (!byBucket) tables.set(index, (byBucket = new Map()));
  let table = byBucket.get(bucketMs);
  if (!table) byBucket.set(bucketMs, (table = buildLatencyTable(index, bucketMs)));
  return table;
}

/**
 * One latency axis for every panel shown, so that variants side by side compare: log if any panel
 * needs it, up to the highest peak. Each chose its own before, and bottleneck-diagnosis put the
 * base's stacked bars up to 1000 ms beside wrong-fix's log lines up to 1 s — the fix's effect could
 * not be read off the two.
 */
export function sharedLatencyAxis(all: ReadonlyArray<BucketTable<LatencyStats>>): { log: boolean; peak: number } {
  let log = false;
  let peak = 1;
  for (const table of all) {
    log ||= latencySpread(table).log;
    peak = Math.max(peak, latencyPeak(table));
  }
  return { log, peak };
}
