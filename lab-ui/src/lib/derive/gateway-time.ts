/**
 * The inspector's "gateway time", from facts the trace holds. When the client gave up, its
 * request.end comes from the client, not from the gateway, and carries no gateway time (the engine
 * writes 0 there): the gateway had not finished. What is known is how far it had got when the client
 * left — in the gateway since it arrived, sent upstream at some instant, or waiting on some work.
 */
import type { TraceEvent } from '../../../../engine/trace/events.ts';
import { formatDuration } from './time-format.ts';
import type { RequestRow } from './trace-index.ts';

export interface GatewayTime {
  /** What the "gateway time" cell shows. */
  value: string;
  /** Why the value is not a plain duration, or null when it is one. */
  note: string | null;
}

/** `events`: the request's events up to the cursor, in order (knownEvents). */
export function gatewayTimeOf(row: RequestRow, events: readonly TraceEvent[]): GatewayTime {
  if (row.source !== 'client' || row.endT === Infinity) return { value: formatDuration(row.gatewayMs), note: null };
  const leftAt = row.endT;
  let sentUpstream: number | null = null;
  let answered = false;
  const open: string[] = [];
  for (const e of events) {
    if (e.t > leftAt) break;
    // Events at the very instant the client left but after its request.end happened without it.
    if (e.type === 'request.end') break;
    if (e.type === 'upstream.send') sentUpstream = e.t;
    else if (e.type === 'upstream.response') answered = true;
    else if (e.type === 'effect.start') open.push(e.effect);
    else if (e.type === 'effect.end') open.pop();
  }
  const waited = formatDuration(leftAt - row.startT);
  if (sentUpstream !== null && !answered) {
    return {
      value: `${formatDuration(sentUpstream - row.startT)}, then waiting on the backend`,
      note: `not finished when the client left: the gateway sent it upstream ${formatDuration(sentUpstream - row.startT)} after it arrived, and the backend had not answered ${formatDuration(leftAt - sentUpstream)} later`,
    };
  }
  const doing = open.length > 0 ? `, waiting on ${open[open.length - 1]}` : '';
  const what = answered ? 'the backend had answered, but the gateway had not sent the answer on' : 'not processed before the client left';
  return { value: `not finished (${waited} in the gateway)`, note: `${what}: it had been in the gateway ${waited}${doing}` };
}
