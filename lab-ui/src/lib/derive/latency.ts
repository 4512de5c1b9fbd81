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
}

export function buildLatencyTable(index: TraceIndex, bucketMs: number): BucketTable<LatencyStats> {
  return buildBuckets(index, bucketMs, (rows) => {
    let g = 0;
    let u = 0;
    const totals: number[] = [];
    for (const r of rows) {
      g += r.gatewayMs ?? 0;
      u += r.upstreamMs ?? 0;
      totals.push(r.ms ?? 0);
    }
    totals.sort((a, b) => a - b);
    const n = rows.length;
    return { n, gatewayMean: n ? g / n : 0, upstreamMean: n ? u / n : 0, p50: percentile(totals, 50), p99: percentile(totals, 99) };
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
