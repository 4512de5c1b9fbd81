/**
 * The `request.end` of an answer the pipeline did not make: the front balancer's 502 (refused or
 * reset connection), 503 (no live replica) or 504 (its timeout), or a replica's 503 for a request
 * dropped from its wait queue. Same fields as any other end, with no route, service or upstream.
 */
import type { RequestEndEvent } from '../../../trace/events.ts';

export interface FrontAnswer {
  t: number;
  id: string;
  client: string;
  replica: string;
  status: number;
  source: 'front' | 'gateway';
  ms: number;
  gatewayMs: number;
}

export function frontAnswerEvent(a: FrontAnswer): RequestEndEvent {
  return {
    type: 'request.end',
    t: a.t,
    req: a.id,
    client: a.client,
    replica: a.replica,
    status: a.status,
    source: a.source,
    route: null,
    service: null,
    ms: a.ms,
    gatewayMs: a.gatewayMs,
    upstreamMs: null,
  };
}
