/** What has happened by time t, read from the index's cumulative arrays in O(log n). */
import { upperBound } from './search.ts';
import type { TraceIndex } from './trace-index.ts';

export interface CountsAt {
  /** Requests that reached the gateway by t. */
  arrived: number;
  ended: number;
  inFlight: number;
  /** A backend answered (whatever it said): the same meaning as `gatelab run`'s admitted. */
  admitted: number;
  /** Answered by the gateway itself, by status. */
  rejected: Array<{ status: number; count: number }>;
  rejectedTotal: number;
  byStatus: Array<{ status: number; count: number }>;
}

function read(index: TraceIndex, key: string, n: number): number {
  return index.cumulative.get(key)?.[n] ?? 0;
}

export function countsAt(index: TraceIndex, t: number): CountsAt {
  const ended = upperBound(index.endTimes, t);
  const arrived = upperBound(index.startTimes, t);
  const rejected = index.statuses
    .map((status) => ({ status, count: read(index, `gateway-status:${status}`, ended) }))
    .filter((r) => r.count > 0);
  return {
    arrived,
    ended,
    inFlight: Math.max(0, arrived - ended),
    admitted: read(index, 'admitted', ended),
    rejected,
    rejectedTotal: rejected.reduce((s, r) => s + r.count, 0),
    byStatus: index.statuses.map((status) => ({ status, count: read(index, `status:${status}`, ended) })).filter((r) => r.count > 0),
  };
}

/** Per-client admitted and ended counts at t. */
export function clientCountsAt(index: TraceIndex, t: number): Array<{ client: string; ended: number; admitted: number }> {
  const ended = upperBound(index.endTimes, t);
  return index.clients.map((client) => ({
    client,
    ended: read(index, `client:${client}:ended`, ended),
    admitted: read(index, `client:${client}:admitted`, ended),
  }));
}
