/** Distributed tracing: W3C trace context, span ids, spans derived from the trace, OTLP/JSON. */
export { parseTraceParent, formatTraceParent, isValidId, type TraceParent } from './traceparent.ts';
export { newTraceId, newSpanId, childSpanId, type KeyedDraw } from './ids.ts';
export { startRequestTrace, stampHeaders, upstreamSpanId, TRACE_VAR, type RequestTrace } from './context.ts';
export { propagateToEffect } from './propagate.ts';
export { deriveSpans, spansOfRequest, GATEWAY_SERVICE } from './spans.ts';
export { toOtlpJson, unixNano, type OtlpTracesData } from './otlp.ts';
export type { Span, SpanKind } from './span-types.ts';
