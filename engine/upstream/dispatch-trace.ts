/**
 * The upstream stage's trace events: what was sent to which backend, and how it answered, the names
 * its decisions carry and the pool's overflow answer. Kept apart from dispatch.ts, which decides;
 * these only describe.
 */
import type { ChainStage, ReplyVerdict } from '../pipeline/chain.ts';
import type { PipelineHost, UpstreamAnswer } from '../pipeline/host.ts';
import type { RequestContext } from '../pipeline/types.ts';
import type { UpstreamResponseEvent, UpstreamSendEvent } from '../trace/events.ts';
import type { Admission } from './pool.ts';

/** The trace names of the upstream stage's decisions; `decided` reads only plugin and phase. */
const stage = (plugin: string): ChainStage => ({ plugin, phase: 'access', run: () => ({ kind: 'next', reason: '' }) });
export const BALANCER = stage('balancer');
export const POOL = stage('connection-pool');
export const RETRY = stage('retry');
export const PROXY = stage('proxy');
export const OUTLIER = stage('outlier-detection');

/** Envoy's answer when the connection pool is full (semantics §9): 503 with x-envoy-overloaded. */
export function overflowVerdict(admission: Extract<Admission, { kind: 'overflow' }>, service: string): ReplyVerdict {
  return {
    kind: 'reply',
    status: 503,
    reason: `connection pool overflow: ${admission.reason}`,
    headers: [['x-envoy-overloaded', 'true'], ['content-type', 'text/plain']],
    body: 'upstream connect error or disconnect/reset before headers. reset reason: overflow',
    data: { limit: admission.limit, flag: 'UO', service },
  };
}

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
