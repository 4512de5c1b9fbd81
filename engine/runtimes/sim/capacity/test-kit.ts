/** Helpers the capacity tests share: a run's events, sorted into one list per request. */
import type { TraceEvent } from '../../../trace/events.ts';

/** Each request's events in trace order, keyed by request id; events without a request are left out. */
export function eventsByRequest(events: readonly TraceEvent[]): Map<string, TraceEvent[]> {
  const byReq = new Map<string, TraceEvent[]>();
  for (const e of events) {
    if (!('req' in e)) continue;
    const list = byReq.get(e.req);
    if (list) list.push(e);
    else byReq.set(e.req, [e]);
  }
  return byReq;
}
