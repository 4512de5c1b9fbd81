/**
 * A request's trace context: continued from a valid incoming `traceparent`, or started fresh. The
 * gateway's root span gets its own id either way; what differs is its parent (the caller's span, or
 * none) and whose trace id every later hop carries. Kept in `ctx.vars` under TRACE_VAR so the chain
 * can stamp every sidecall (propagate.ts) and later plugins can read it.
 */
import type { HeaderMap } from '../../pipeline/headers.ts';
import { childSpanId, newSpanId, newTraceId, UPSTREAM_LABEL, type KeyedDraw } from './ids.ts';
import { formatTraceParent, parseTraceParent } from './traceparent.ts';

/** Where the request's trace context lives in RequestContext.vars. */
export const TRACE_VAR = 'opentelemetry';

export interface RequestTrace {
  traceId: string;
  /** The gateway's root span. */
  spanId: string;
  /** The caller's span id when the trace was continued; absent when the gateway is the root. */
  parentId?: string;
  sampled: boolean;
  /** Passed through unchanged, only beside a valid traceparent. */
  tracestate?: string;
  /** continued = a valid traceparent came in; started = none came; restarted = a malformed one was ignored. */
  origin: 'continued' | 'started' | 'restarted';
  /** Why an incoming traceparent was ignored. */
  rejected?: string;
  /** Effects each plugin asked for since the trace began: the n-th one's span is `plugin#n`. */
  calls: Record<string, number>;
}

export interface TraceStartOptions {
  /** Fraction of new traces recorded (0–1); a continued trace keeps its caller's sampled flag. */
  samplingRate: number;
}

/** Reads the incoming headers and decides the request's trace (semantics §11, "W3C traceparent"). */
export function startRequestTrace(headers: HeaderMap, requestId: string, draw: KeyedDraw, opts: TraceStartOptions): RequestTrace {
  const spanId = newSpanId(draw, requestId);
  // Several traceparent headers are as malformed as one bad one: nobody can tell which is meant.
  const sent = headers.getAll('traceparent');
  if (sent.length === 1) {
    const parsed = parseTraceParent(sent[0] as string);
    if (parsed.ok) {
      const state = headers.getAll('tracestate').join(',');
      return {
        traceId: parsed.value.traceId,
        spanId,
        parentId: parsed.value.parentId,
        sampled: parsed.value.sampled,
        ...(state !== '' ? { tracestate: state } : {}),
        origin: 'continued',
        calls: {},
      };
    }
    return fresh(spanId, requestId, draw, opts, 'restarted', parsed.reason);
  }
  if (sent.length > 1) return fresh(spanId, requestId, draw, opts, 'restarted', `${sent.length} traceparent headers came in`);
  return fresh(spanId, requestId, draw, opts, 'started');
}

function fresh(spanId: string, requestId: string, draw: KeyedDraw, opts: TraceStartOptions, origin: 'started' | 'restarted', rejected?: string): RequestTrace {
  const sampled = opts.samplingRate >= 1 || (opts.samplingRate > 0 && draw('trace-sample', requestId) < opts.samplingRate);
  return { traceId: newTraceId(draw, requestId), spanId, sampled, origin, ...(rejected ? { rejected } : {}), calls: {} };
}

/** The span id the upstream call carries: the last try's span, named in advance as Kong does. */
export function upstreamSpanId(trace: RequestTrace): string {
  return childSpanId(trace.spanId, UPSTREAM_LABEL);
}

/** Sets `traceparent` (and the caller's `tracestate`) on outgoing headers, naming `spanId` as the parent. */
export function stampHeaders(headers: HeaderMap, trace: RequestTrace, spanId: string): void {
  headers.set('traceparent', formatTraceParent(trace.traceId, spanId, trace.sampled));
  // A tracestate without a valid traceparent must not travel (the spec drops it with the parent).
  if (trace.tracestate !== undefined) headers.set('tracestate', trace.tracestate);
  else headers.delete('tracestate');
}
