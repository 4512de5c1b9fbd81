/**
 * The `span` expectation subject: spans are derived from the trace (observe/tracing/spans.ts) once per
 * run, only when some expectation asks for one, then read by request and name.
 */
import { deriveSpans, GATEWAY_SERVICE } from '../observe/tracing/spans.ts';
import type { Span } from '../observe/tracing/span-types.ts';
import type { TraceEvent } from '../trace/events.ts';
import type { ExpectationSubject } from './types.ts';

type Measured = { value: number | string | boolean } | { missing: string };

/** Spans by request, derived on first use. */
export function lazySpans(events: readonly TraceEvent[]): () => Map<string, Span[]> {
  let spans: Map<string, Span[]> | undefined;
  return () => (spans ??= deriveSpans(events));
}

export function measureSpan(s: Extract<ExpectationSubject, { kind: 'span' }>, spans: Map<string, Span[]>): Measured {
  const all = spans.get(s.request);
  if (!all) return { missing: `request ${s.request} has no spans (is the opentelemetry plugin on its route, and the request sampled?)` };
  const named = all.filter((x) => x.name === s.name);
  if (s.field === 'count') return { value: named.length };
  // Spans are sorted by start: the last one is the latest try or call.
  const span = named.at(-1);
  if (!span) return { missing: `request ${s.request} has no span named ${s.name} (it has: ${[...new Set(all.map((x) => x.name))].join(', ')})` };
  switch (s.field) {
    case 'traceId':
      return { value: span.traceId };
    case 'spanId':
      return { value: span.spanId };
    case 'parentId':
      return span.parentSpanId === undefined ? { missing: `span ${s.name} is a root (no parent)` } : { value: span.parentSpanId };
    case 'parent': {
      if (span.parentSpanId === undefined) return { missing: `span ${s.name} is a root (no parent)` };
      const parent = all.find((x) => x.spanId === span.parentSpanId && x.traceId === span.traceId);
      return { value: parent ? parent.name : `a span outside this trace (${span.parentSpanId})` };
    }
    case 'sameTrace': {
      const root = all.find((x) => x.name === GATEWAY_SERVICE && x.service === GATEWAY_SERVICE);
      return root ? { value: root.traceId === span.traceId } : { missing: `request ${s.request} has no gateway span` };
    }
    case 'duration':
      return { value: Math.round((span.endMs - span.startMs) * 1000) / 1000 };
  }
}
