/**
 * The request.start and request.end objects a client try hands to a sink that keeps no event
 * (trace/sink.ts `retainsEvents: false`: the lab's worker encodes each event inside `emit`). One
 * object per set of keys, each built with all of its keys in the trace's order, so a refilled event
 * has exactly the keys, in the order, that a fresh one would (none is ever left `undefined`). At
 * `full` that is ≈ 1.5 events per war-story request that would otherwise be fresh objects. They are
 * refilled and emitted synchronously, so runs that interleave never see each other's values. Nothing
 * that listens behind such a sink keeps a request.end any more: runVariant counts the client summary
 * as the events go by (client-tally.ts).
 */
import type { HeaderRecord, RequestEndEvent, RequestStartEvent } from '../../trace/events.ts';

const NO_HEADERS: HeaderRecord = {};

function end(): RequestEndEvent {
  return { type: 'request.end', t: 0, req: '', client: '', replica: '', status: 0, source: 'upstream', route: null, service: null, ms: 0, gatewayMs: 0, upstreamMs: null };
}

/** `request.end` without headers (below `full`, and every answer the pipeline did not make). */
export const SHARED_END = end();
/** `request.end` at `full`: the response's headers. */
export const SHARED_END_HEADERS: RequestEndEvent = Object.assign(end(), { headers: NO_HEADERS });
/** `request.end` at `full` with a body. */
export const SHARED_END_BODY: RequestEndEvent = Object.assign(end(), { headers: NO_HEADERS, body: '' });

function start(): RequestStartEvent {
  return { type: 'request.start', t: 0, req: '', client: '', replica: '', method: '', url: '', peerIp: '' };
}

/** `request.start` below `full`. */
export const SHARED_START = start();
/** `request.start` at `full`: the request's headers. */
export const SHARED_START_HEADERS: RequestStartEvent = Object.assign(start(), { headers: NO_HEADERS });

/**
 * The request.start a try fills in: the shared one for a sink that keeps none, else a fresh object
 * (to which `full` adds its headers in place, last, as the trace orders them).
 */
export function startToFill(refill: boolean, full: boolean): RequestStartEvent {
  return refill ? (full ? SHARED_START_HEADERS : SHARED_START) : start();
}

/** The request.end a try fills in, likewise; `withBody` picks the shared object that has a body key. */
export function endToFill(refill: boolean, full: boolean, withBody: boolean): RequestEndEvent {
  return refill ? (full ? (withBody ? SHARED_END_BODY : SHARED_END_HEADERS) : SHARED_END) : end();
}
