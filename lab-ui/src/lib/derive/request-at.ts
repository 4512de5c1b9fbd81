/**
 * A request as the trace says it is at the cursor. Views read rows through these, never a row's
 * answer directly, so each view is a function of the events at or before t, streaming or not.
 */
import type { TraceEvent } from '../../../../engine/trace/events.ts';
import type { RequestRow, TraceIndex } from './trace-index.ts';

/** A request's events at or before t that the index holds, in order. */
export function knownEvents(index: TraceIndex, row: RequestRow, t: number): TraceEvent[] {
  const out: TraceEvent[] = [];
  for (const i of row.events) {
    // A row's events are in trace order, which is time order: the first one past t ends the list.
    if (i >= index.events.length || (index.times[i] as number) > t) break;
    out.push(index.events[i] as TraceEvent);
  }
  return out;
}

/**
 * A request as the trace says it is at t. Rows are filled in as the trace goes on (a snapshot of a
 * streaming run shares them with later batches), so before its request.end a row may already hold
 * its status, latency and the stage that answered it; here it is in flight, with the decision only
 * once made and only its events up to t. Before request.end the send time is not known either: the
 * arrival stands in for it. The same row back when nothing is hidden.
 */
export function rowAt(index: TraceIndex, row: RequestRow, t: number): RequestRow {
  const last = row.events[row.events.length - 1] ?? -1;
  if (t >= row.endT && last < index.events.length && (index.times[last] as number) <= t) return row;
  let n = 0;
  while (n < row.events.length && (row.events[n] as number) < index.events.length && (index.times[row.events[n] as number] as number) <= t) n++;
  const events = row.events.slice(0, n);
  if (t >= row.endT) return { ...row, events };
  const decided = row.decidedT !== null && row.decidedT <= t;
  return {
    ...row, sentT: row.startT, endT: Infinity, status: null, source: null, outcome: 'in-flight', ms: null, gatewayMs: null, upstreamMs: null,
    decidedBy: decided ? row.decidedBy : null, decidedT: decided ? row.decidedT : null, reason: decided ? row.reason : null, events, endEvent: -1,
  };
}
