/**
 * The upstream stage's trace events: what was sent to which backend, and how it answered. Kept apart
 * from dispatch.ts, which decides; these only describe.
 */
import type { PipelineHost, UpstreamAnswer } from '../pipeline/host.ts';
import type { RequestContext } from '../pipeline/types.ts';
import type { UpstreamResponseEvent, UpstreamSendEvent } from '../trace/events.ts';

export function emitSend(host: PipelineHost, ctx: RequestContext, service: string, target: string): void {
  const sink = host.sink;
  if (!sink.wants('upstream.send')) return;
  const event: UpstreamSendEvent = {
    type: 'upstream.send',
    t: host.traceTime(),
    req: ctx.request.id,
    service,
    target,
    method: ctx.upstream.method,
    host: ctx.upstream.host,
    path: ctx.upstream.path,
  };
  // Added in place, last, as the spread put it: the spread cost two objects per event.
  if (sink.level === 'full') event.headers = ctx.upstream.headers.toJSON();
  sink.emit(event);
}

export function emitResponse(host: PipelineHost, ctx: RequestContext, answer: UpstreamAnswer, ms: number): void {
  const sink = host.sink;
  if (!sink.wants('upstream.response')) return;
  const event: UpstreamResponseEvent = {
    type: 'upstream.response',
    t: host.traceTime(),
    req: ctx.request.id,
    status: answer.ok ? answer.status : 0,
    ms,
  };
  if (!answer.ok) event.error = answer.message;
  sink.emit(event);
}
