/**
 * The access log and Prometheus metrics at the cursor, built by the engine's own observers
 * (engine/observe) from the trace, so the lab shows exactly what the CLI and the proxy will write.
 */
import { AccessLogBuilder, type AccessRecord } from '../../../../engine/observe/access-log.ts';
import { formatAccessJson, formatUpstreamInfo } from '../../../../engine/observe/access-log-format.ts';
import { MetricsRegistry } from '../../../../engine/observe/metrics.ts';
import type { TraceEvent } from '../../../../engine/trace/events.ts';
import { upperBound } from './search.ts';
import type { RequestRow, TraceIndex } from './trace-index.ts';

export interface AccessLine {
  t: number;
  row: RequestRow;
  record: AccessRecord;
}

/** One access record per ended request, aligned with index.ends (both follow request.end order). */
export function buildAccessLog(index: TraceIndex): AccessRecord[] {
  const builder = new AccessLogBuilder(index.startEpoch);
  const out: AccessRecord[] = [];
  for (const e of index.events) {
    const r = builder.add(e);
    if (r) out.push(r);
  }
  return out;
}

/** The last `limit` lines written by time t, oldest first. */
export function accessLogAt(index: TraceIndex, records: readonly AccessRecord[], t: number, limit: number): AccessLine[] {
  const n = Math.min(records.length, upperBound(index.endTimes, t));
  const out: AccessLine[] = [];
  for (let i = Math.max(0, n - limit); i < n; i++) out.push({ t: index.endTimes[i] as number, row: index.ends[i] as RequestRow, record: records[i] as AccessRecord });
  return out;
}

/** How many access-log lines are written by t: a binary search, not a scan of the lines. */
export function accessLogWritten(index: TraceIndex, records: readonly AccessRecord[], t: number): number {
  return Math.min(records.length, upperBound(index.endTimes, t));
}

/** The line above the log: how many are written and which of them are shown, in words that agree. */
export function accessLogNote(written: number, limit: number): string {
  if (written === 0) return 'No line written by this instant.';
  const lines = `${written.toLocaleString('en-US')} line${written === 1 ? '' : 's'} written by this instant`;
  return written <= limit ? `${lines}; all shown.` : `${lines}; the last ${limit.toLocaleString('en-US')} are shown.`;
}

export function formatAccessLine(r: AccessRecord, format: 'upstreaminfo' | 'json'): string {
  return format === 'json' ? formatAccessJson(r) : formatUpstreamInfo(r);
}

/**
 * The Prometheus exposition a scrape at time t would return: every event up to t goes to the
 * registry, as the proxy's admin listener subscribes it to the whole trace, so mirror copies
 * (copy.end), retries, breaker moves and replica load count as they would there. The registry skips
 * the types it does not count.
 */
export function metricsAt(index: TraceIndex, t: number): string {
  const registry = new MetricsRegistry();
  const n = Math.min(index.events.length, upperBound(index.times, t));
  for (let i = 0; i < n; i++) registry.add(index.events[i] as TraceEvent);
  return registry.exposition();
}

/** The counters the Metrics view puts in tables, in this order; the rest is in the whole exposition. */
export const METRIC_TABLES = ['gatelab_http_requests_total', 'gatelab_upstream_shadow_requests_total', 'gatelab_upstream_retries_total'] as const;

export interface MetricSample {
  name: string;
  labels: string;
  value: string;
}

/** Splits an exposition into samples (comments dropped) for a table view. */
export function parseExposition(text: string): MetricSample[] {
  const out: MetricSample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{(.*)\})?\s+(\S+)$/.exec(line);
    if (m) out.push({ name: m[1] as string, labels: m[3] ?? '', value: m[4] as string });
  }
  return out;
}

/** Events up to t, newest last, optionally only some types: the raw trace view. */
export function eventsAt(index: TraceIndex, t: number, limit: number, types?: ReadonlySet<string>): Array<{ i: number; event: TraceEvent }> {
  const n = upperBound(index.times, t);
  const out: Array<{ i: number; event: TraceEvent }> = [];
  for (let i = n - 1; i >= 0 && out.length < limit; i--) {
    const event = index.events[i] as TraceEvent;
    if (!types || types.has(event.type)) out.push({ i, event });
  }
  return out.reverse();
}
