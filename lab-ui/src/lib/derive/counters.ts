/** What has happened by time t, read from the index's cumulative arrays in O(log n). */
import { OUTCOMES, type Outcome } from './outcome.ts';
import { upperBound } from './search.ts';
import type { TraceIndex } from './trace-index.ts';

export interface CountsAt {
  /** Requests that reached the gateway by t. */
  arrived: number;
  ended: number;
  inFlight: number;
  /** A backend answered (whatever it said): the same meaning as `gatelab run`'s admitted. */
  admitted: number;
  /**
   * Turned away by the gateway (its own 4xx, or a limiter's refusal whatever its status: nginx
   * limit_req's 503), by status: the chart's "rejected by the gateway". The
   * gateway's own failures (a 503 from an open breaker, a 502, a 504) are `gatewayErrors`, and a
   * client that stopped waiting is `gaveUp` — each request in the group outcomeOf puts it in.
   */
  rejected: Array<{ status: number; count: number }>;
  rejectedTotal: number;
  gatewayErrors: Array<{ status: number; count: number }>;
  gatewayErrorTotal: number;
  gaveUp: number;
  /**
   * Admitted requests the backend answered with a 5xx, by status: the chart's "backend error". Part
   * of `admitted` (a backend answered), and the number that differs when a breaker or an outlier
   * rule is switched off: without it, no-outlier-detection's 53 503s sat under "admitted 600", the
   * same as base's, and no counter said the variants differed.
   */
  backendErrors: Array<{ status: number; count: number }>;
  backendErrorTotal: number;
  byStatus: Array<{ status: number; count: number }>;
}

function read(index: TraceIndex, key: string, n: number): number {
  return index.cumulative.get(key)?.[n] ?? 0;
}

/** The requests of one outcome no backend answered, by status, ended among the first `ended`. */
function byStatusOf(index: TraceIndex, outcome: Outcome, ended: number): Array<{ status: number; count: number }> {
  return index.statuses.map((status) => ({ status, count: read(index, `gateway-status:${outcome}:${status}`, ended) })).filter((r) => r.count > 0);
}

export function countsAt(index: TraceIndex, t: number): CountsAt {
  const ended = upperBound(index.endTimes, t);
  const arrived = upperBound(index.startTimes, t);
  const rejected = byStatusOf(index, 'rejected', ended);
  const gatewayErrors = byStatusOf(index, 'gateway-error', ended);
  // By status: every request of that status, less those no backend answered (every outcome of them).
  const backendErrors = index.statuses
    .filter((status) => status >= 500)
    .map((status) => ({ status, count: read(index, `status:${status}`, ended) - OUTCOMES.reduce((n, o) => n + read(index, `gateway-status:${o}:${status}`, ended), 0) }))
    .filter((r) => r.count > 0);
  return {
    arrived,
    ended,
    inFlight: Math.max(0, arrived - ended),
    admitted: read(index, 'admitted', ended),
    rejected,
    rejectedTotal: rejected.reduce((s, r) => s + r.count, 0),
    gatewayErrors,
    gatewayErrorTotal: gatewayErrors.reduce((s, r) => s + r.count, 0),
    gaveUp: read(index, 'outcome:gave-up', ended),
    backendErrors,
    backendErrorTotal: read(index, 'outcome:upstream-error', ended),
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
