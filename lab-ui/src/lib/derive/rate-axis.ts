/**
 * One requests-per-second scale per client across the panels shown. Each panel scaled its bars to its
 * own busiest bucket, so kong-bottleneck's base at 200 req/s and its fix at 500 req/s drew bars of the
 * same height, on axes of 0–200 and 0–400 side by side: the difference the comparison is about was
 * in the tick labels only. The latency split shares its axis the same way (latency.ts).
 */
import { totalOf, buildRateTable, zeroCounts, type RateTable } from './rates.ts';
import type { TraceIndex } from './trace-index.ts';
import { clientCountsAt } from './counters.ts';

// Every panel's chart reads every panel's table: built once per trace, bucket size and preference.
const tables = new WeakMap<TraceIndex, Map<string, RateTable>>();
const NONE: ReadonlySet<string> = new Set();

export function rateTableOf(index: TraceIndex, bucketMs: number, prefer: ReadonlySet<string> = NONE): RateTable {
  let byKey = tables.get(index);
  if (!byKey) tables.set(index, (byKey = new Map()));
  const key = `${bucketMs}|${[...prefer].sort().join('\n')}`;
  let table = byKey.get(key);
  if (!table) byKey.set(key, (table = buildRateTable(index, bucketMs, undefined, prefer)));
  return table;
}

/**
 * The clients whose requests ended differently in the finished runs side by side (admitted or
 * ended counts differ): the charts name them first among clients of equal volume, the same in every
 * panel. Empty for one run, or while any still streams, so the chart's rows do not move under it.
 */
export function differingClients(indexes: readonly TraceIndex[]): ReadonlySet<string> {
  if (indexes.length < 2) return NONE;
  const seen = indexes.map((ix) => new Map(clientCountsAt(ix, Infinity).map((c) => [c.client, `${c.ended}/${c.admitted}`])));
  const out = new Set<string>();
  for (const client of new Set(indexes.flatMap((ix) => ix.clients))) {
    const first = seen[0]?.get(client);
    if (seen.some((m) => m.get(client) !== first)) out.add(client);
  }
  return out;
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
