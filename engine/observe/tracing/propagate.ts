/**
 * Trace context on sidecalls. The chain hands every effect a plugin asks for through here before the
 * host performs it: once a request has a trace, an HTTP callout (forward-auth, a JWKS fetch) carries a
 * `traceparent` naming its own client span, and every effect (a Redis round trip too, which has no
 * headers) is counted so spans.ts can give it the same id when it reads the trace back.
 */
import type { Effect, RequestContext } from '../../pipeline/types.ts';
import { TRACE_VAR, type RequestTrace } from './context.ts';
import { childSpanId, sidecallLabel } from './ids.ts';
import { formatTraceParent } from './traceparent.ts';

export function propagateToEffect(ctx: RequestContext, effect: Effect, plugin: string): Effect {
  const trace = ctx.vars[TRACE_VAR] as RequestTrace | undefined;
  if (trace === undefined) return effect;
  const n = (trace.calls[plugin] ?? 0) + 1;
  trace.calls[plugin] = n;
  if (effect.type !== 'http') return effect;
  const spanId = childSpanId(trace.spanId, sidecallLabel(plugin, n));
  const headers = effect.headers.filter(([name]) => {
    const lower = name.toLowerCase();
    return lower !== 'traceparent' && lower !== 'tracestate';
  });
  headers.push(['traceparent', formatTraceParent(trace.traceId, spanId, trace.sampled)]);
  if (trace.tracestate !== undefined) headers.push(['tracestate', trace.tracestate]);
  return { ...effect, headers };
}
