/**
 * Explain results read from a run's trace alone: `explain --scenario` asks about a request some client
 * of the run sent (the scenario's own with `--client`, or the probe's client with `--at`), whose
 * whole story is in the full trace.
 */
import type { HeaderRecord, RequestEndEvent, SlotWaitEvent, TraceEvent, UpstreamSendEvent } from '../../trace/events.ts';
import { decisionsOf, parseBody, waitsOf, type ExplainResult } from './explain.ts';

/**
 * A client's request as the trace (level full) tells it, or undefined when the trace has no end for
 * it. `sentAtMs` is when the client sent it (its schedule), not when it reached the gateway.
 */
export function recordedExplainResult(events: readonly TraceEvent[], id: string, client: string, sentAtMs: number): ExplainResult | undefined {
  let end: RequestEndEvent | undefined;
  let send: UpstreamSendEvent | undefined;
  for (const e of events) {
    if (!('req' in e) || e.req !== id) continue;
    if (e.type === 'request.end') end = e;
    else if (e.type === 'upstream.send') send = e; // the last one: after any retries, what the backend got
  }
  if (!end) return undefined;
  const headers: HeaderRecord = end.headers ?? {};
  const location = headerValue(headers, 'location');
  const proxied = end.source === 'upstream' || send !== undefined;
  const decisions = decisionsOf(events, id);
  const slot = lastSlotWait(events, id);
  const waits = waitsOf(events, id);
  // Killed while it ran (its CPU work cut short), or while it waited for a slot: either way an OOM kill.
  const killed = slot?.outcome === 'oom-killed' || (waits.waits ?? []).some((w) => w.ended === 'oom-killed');
  const answeredBy = answeredByOf(end, decisions.length > 0, slot, killed);
  return {
    status: end.status,
    route: end.route,
    backend: proxied ? end.service : null,
    upstream: send ? { method: send.method, host: send.host, path: send.path, headers: send.headers ?? {} } : null,
    response: { headers, body: parseBody(end.body) },
    redirect: location && end.status >= 300 && end.status < 400 ? { location } : null,
    decisions,
    ...waits,
    ...(answeredBy ? { answeredBy } : {}),
    request: { id, client, sentAtMs },
  };
}

/**
 * Who answered when the pipeline did not. The trace keeps no reason with these answers: the request's
 * slot.wait, or a wait that an OOM kill ended, says which refusal or kill a 502 was; the rest is read
 * from the status.
 */
function answeredByOf(end: RequestEndEvent, ranPipeline: boolean, slot: SlotWaitEvent | undefined, oomKilled: boolean): ExplainResult['answeredBy'] {
  if (end.source === 'client') return { source: 'client', reason: `it gave up: its timeout passed after ${end.ms} ms with no answer` };
  if (end.source === 'front') {
    const reason =
      end.status === 504 ? `front balancer timeout: ${end.replica} sent nothing in time`
      : end.status === 503 ? 'no live replica: every gateway replica was down'
      : end.status === 502 && slot?.outcome === 'refused' ? `connection refused: ${end.replica}'s queue is full (${slot.ahead} waiting)`
      : end.status === 502 && oomKilled ? `connection reset: ${end.replica} was OOM-killed`
      : end.status === 502 ? `connection refused or reset by ${end.replica} (an OOM kill, or its pod going away)`
      : `it answered ${end.status}`;
    return { source: 'front', reason };
  }
  // A 503 from the replica that never ran the pipeline: dropped from the wait queue (capacity model).
  if (end.source === 'gateway' && !ranPipeline && end.status === 503) return { source: 'gateway', reason: `dropped after waiting for a slot on ${end.replica} past the queue timeout` };
  return undefined;
}

function lastSlotWait(events: readonly TraceEvent[], id: string): SlotWaitEvent | undefined {
  let found: SlotWaitEvent | undefined;
  for (const e of events) if (e.type === 'slot.wait' && e.req === id) found = e;
  return found;
}

function headerValue(headers: HeaderRecord, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}
