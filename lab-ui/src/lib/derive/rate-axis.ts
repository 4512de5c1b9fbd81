/**
 * One requests-per-second scale per client across the panels shown. Each panel scaled its bars to its
 * own busiest bucket, so kong-bottleneck's base at 200 req/s and its fix at 500 req/s drew bars of the
 * same height, on axes of 0–200 and 0–400 side by side: the difference the comparison is about was
 * in the tick labels only. The latency split shares its axis the same way (latency.ts).
 */
import { totalOf, buildRateTable, zeroCounts, type RateTable } from './rates.ts';
import type { TraceIndex } from './trace-index.ts';

// Every panel's chart reads every panel's table: built once per trace and bucket size.
const tables = new WeakMap<TraceIndex, Map<number, RateTable>>();

export function rateTableOf(index: TraceIndex, bucketMs: number): RateTable {
  let byBucket = tables.get(index);
  if (!byBucket) tables.set(index, (byBucket = new Map()));
  let table = byBucket.get(bucketMs);
  if (!table) byBucket.set(bucketMs, (table = buildRateTable(index, bucketMs)));
  return table;
}

/** The largest bucket total of each client over all the tables (at least 1), as ratesAt's `peak`. */
export function sharedRatePeaks(all: readonly RateTable[]): Map<string, number> {
  const peaks = new Map<string, number>();
  for (const rt of all) {
    for (const client of rt.groups) {
      let peak = peaks.get(client) ?? 1;
      for (const b of rt.table.full) peak = Math.max(peak, totalOf(b.value[client] ?? zeroCounts()));
      peaks.set(client, peak);
    }
  }
  return peaks;
}
