/**
 * The copies a request's mirror filters made (Gateway API RequestMirror, Envoy's shadows), as its
 * events tell them by the cursor: where each copy went and how it ended. The copy's answer never
 * reaches the client, so it usually ends after the request itself: its copy.end is one of the
 * request's events all the same (same request id), and the inspector follows it past request.end.
 */
import type { TraceEvent } from '../../../../engine/trace/events.ts';
import { formatDuration } from './time-format.ts';

export interface RequestCopy {
  /** The Service the copy was sent to (the mirror's backendRef). */
  service: string;
  /** Its endpoint (host:port), once known. */
  target: string | null;
  state: 'on-its-way' | 'answered' | 'failed' | 'not-sent';
  /** The mirror's status (answered), or 0. */
  status: number;
  /** From sending the copy to its end, once ended. */
  ms: number | null;
  /** One sentence: where it went and how it ended, or why it never left. */
  text: string;
}

/** The copies of one request, from its events up to the cursor (`events` are already cut at t). */
export function requestCopies(events: readonly TraceEvent[]): RequestCopy[] {
  const copies: RequestCopy[] = [];
  for (const e of events) {
    if (e.type === 'plugin.decision' && e.plugin === 'request-mirror') {
      const service = e.data?.['service'];
      if (e.data?.['mirrored'] === true && typeof service === 'string') {
        const endpoint = e.data['endpoint'];
        copies.push({ service, target: typeof endpoint === 'string' ? endpoint : null, state: 'on-its-way', status: 0, ms: null, text: `copy to ${service}: sent, no answer by the cursor (nobody waits for it)` });
      } else if (e.data?.['skipped'] === 'no-host') {
        // The request reached no upstream host: every copy still waiting to leave stayed home.
        for (const c of copies) if (c.state === 'on-its-way') Object.assign(c, { state: 'not-sent', text: `copy to ${c.service}: not sent — the request reached no upstream host` });
      }
    } else if (e.type === 'copy.end') {
      const copy = copies.find((c) => c.state === 'on-its-way' && c.service === e.service);
      const ended = endedCopy(e);
      if (copy) Object.assign(copy, ended);
      // A copy.end with no mirror decision before it (a trace cut to its summary, say) still shows.
      else copies.push(ended);
    }
  }
  return copies;
}

function endedCopy(e: Extract<TraceEvent, { type: 'copy.end' }>): RequestCopy {
  const after = formatDuration(e.ms);
  if (e.error === undefined) {
    return { service: e.service, target: e.target, state: 'answered', status: e.status, ms: e.ms, text: `copy to ${e.service} (${e.target}): answered ${e.status} after ${after}, thrown away` };
  }
  const why = e.error === 'timeout' ? 'timed out' : e.error === 'connect' ? 'refused (no connection)' : 'reset';
  return { service: e.service, target: e.target, state: 'failed', status: 0, ms: e.ms, text: `copy to ${e.service} (${e.target}): ${why} after ${after}; the client never knew` };
}

/**
 * How many copies each mirror backend has answered (or failed) by t, for the topology's backend
 * nodes: copies are no request rows, so no dot or stage count shows them. A walk over the copy.end
 * events up to t (few beside the requests; the first one past t ends it).
 */
export function copiesEndedAt(index: { events: readonly TraceEvent[]; times: Float64Array; copyEnds: readonly number[] }, t: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const i of index.copyEnds) {
    if (i >= index.events.length || (index.times[i] as number) > t) break;
    const e = index.events[i] as Extract<TraceEvent, { type: 'copy.end' }>;
    out.set(e.service, (out.get(e.service) ?? 0) + 1);
  }
  return out;
}
