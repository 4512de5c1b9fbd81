/**
 * Per-client summaries derived from a trace: what `gatelab run` prints and the lab's summary table
 * shows. Derived from request.end events only, so it works at every trace level.
 */
import type { RequestEndEvent, TraceEvent } from './events.ts';

export interface ClientSummary {
  client: string;
  sent: number;
  /** Requests the gateway let through to a backend (whatever the backend answered). */
  admitted: number;
  /** Requests the gateway answered itself, by status (429 limited, 401 unauthenticated, 502 …). */
  rejected: Record<string, number>;
  byStatus: Record<string, number>;
  p50Ms: number | null;
  p99Ms: number | null;
}

/** Nearest-rank percentile of an ascending list; null for an empty list. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] as number;
}

export function summarizeClients(events: readonly TraceEvent[]): ClientSummary[] {
  const byClient = new Map<string, { ends: RequestEndEvent[] }>();
  for (const e of events) {
    if (e.type !== 'request.end') continue;
    let entry = byClient.get(e.client);
    if (!entry) byClient.set(e.client, (entry = { ends: [] }));
    entry.ends.push(e);
  }
  return [...byClient.entries()].map(([client, { ends }]) => {
    const byStatus: Record<string, number> = {};
    const rejected: Record<string, number> = {};
    let admitted = 0;
    for (const e of ends) {
      byStatus[e.status] = (byStatus[e.status] ?? 0) + 1;
      if (e.source === 'upstream') admitted++;
      else rejected[e.status] = (rejected[e.status] ?? 0) + 1;
    }
    const latencies = ends.map((e) => e.ms).sort((a, b) => a - b);
    return {
      client,
      sent: ends.length,
      admitted,
      rejected,
      byStatus,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
    };
  });
}
