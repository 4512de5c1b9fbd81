/**
 * Kong `opentelemetry` (PRIORITY 14) as far as propagation goes: every request gets a trace context
 * (continued from a valid W3C `traceparent`, or new), the upstream request carries a `traceparent`
 * naming the gateway's upstream span, and — through the chain (observe/tracing/propagate.ts) — so does
 * every HTTP sidecall made after the context exists. In Kong the root span starts in the core before
 * any plugin runs; here a global instance starts it in the rewrite phase, which is the same instant
 * for every plugin that follows. A route-scoped instance starts it in access, after higher-priority
 * plugins (auth at 1000+) have already made their calls — those calls then carry no header.
 */
import { next, type DecisionData, type PluginDefinition, type PluginHooks, type PluginHost, type RequestContext, type Verdict } from '../../pipeline/types.ts';
import { stampHeaders, startRequestTrace, TRACE_VAR, upstreamSpanId, type RequestTrace } from '../../observe/tracing/context.ts';
import { parseOpenTelemetryConfig, type OpenTelemetryConfig } from './config.ts';

export const OPENTELEMETRY_PRIORITY = 14;

function describe(trace: RequestTrace): string {
  const sampled = trace.sampled ? 'sampled' : 'not sampled (spans are not recorded, the header still travels)';
  if (trace.origin === 'continued') return `continued trace ${trace.traceId} from the client's span ${trace.parentId ?? ''}; the gateway span ${trace.spanId} is its child; ${sampled}`;
  if (trace.origin === 'restarted') return `ignored a malformed traceparent (${trace.rejected ?? 'invalid'}) and started trace ${trace.traceId}; the gateway span ${trace.spanId} is the root; ${sampled}`;
  return `no traceparent came in: started trace ${trace.traceId}; the gateway span ${trace.spanId} is the root; ${sampled}`;
}

function decisionData(trace: RequestTrace): DecisionData {
  return {
    traceId: trace.traceId,
    spanId: trace.spanId,
    ...(trace.parentId !== undefined ? { parentId: trace.parentId } : {}),
    sampled: trace.sampled,
    origin: trace.origin,
  };
}

export function createOpenTelemetryHooks(config: OpenTelemetryConfig): PluginHooks {
  const begin = (ctx: RequestContext, host: PluginHost): Verdict => {
    const known = ctx.vars[TRACE_VAR] as RequestTrace | undefined;
    if (known) return next(`trace ${known.traceId} already started`, decisionData(known));
    const trace = startRequestTrace(ctx.request.headers, ctx.request.id, (p, k, i) => host.draw(p, k, i), { samplingRate: config.sampling_rate });
    ctx.vars[TRACE_VAR] = trace;
    // The header names the last upstream try's span, decided now (as Kong's handler does in access).
    stampHeaders(ctx.upstream.headers, trace, upstreamSpanId(trace));
    return next(describe(trace), decisionData(trace));
  };
  return { rewrite: begin, access: begin };
}

export const openTelemetryPlugin: PluginDefinition<OpenTelemetryConfig> = {
  id: 'opentelemetry',
  priority: OPENTELEMETRY_PRIORITY,
  parse: parseOpenTelemetryConfig,
  create: createOpenTelemetryHooks,
};
