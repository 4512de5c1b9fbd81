/**
 * What differs per vendor around the plugin chain: how the client address and the route are found, how
 * the upstream request is built, and what the gateway's own answers look like.
 */
import type { GatewayIR, ServiceIR, TargetIR } from '../config/ir.ts';
import type { ChainHost, ReplyVerdict } from './chain.ts';
import type { UpstreamAnswer } from './host.ts';
import type { RequestContext, RouteMatch } from './types.ts';
import { createKongBehaviour } from './dialects/kong.ts';
import { createGatewayApiBehaviour } from './dialects/gateway-api.ts';
import { createIngressNginxBehaviour } from './dialects/ingress-nginx.ts';
import { createTraefikBehaviour } from './dialects/traefik.ts';

export interface RouteMiss {
  status: number;
  body: string;
  reason: string;
  /** Headers the gateway's own answer carries (Location on a redirect, Upgrade on a 426). */
  headers?: Array<[string, string]>;
}

export interface DialectBehaviour {
  /** Sets ctx.clientIp from forwarding headers where the config trusts the peer. */
  resolveClient(ctx: RequestContext, host: ChainHost): void;
  /** Chooses the route (and, for weighted backends, the service, with `host.draw` keyed by request id). */
  route(ctx: RequestContext, host: ChainHost): RouteMatch | RouteMiss;
  /** Sets the upstream path the route implies (strip_path …) before plugins may change it further. */
  afterRoute(ctx: RequestContext): void;
  /** Rewrites ctx.upstream (Host, forwarding headers) for the chosen service and target. */
  buildUpstream(ctx: RequestContext, service: ServiceIR, target: TargetIR): void;
  noService(ctx: RequestContext): ReplyVerdict;
  /**
   * No host to send to; `why` says which rule left none (all ejected, all marked down). `triesSoFar`
   * counts the tries already sent for this request (0: the first pick failed; more: a retry's did).
   */
  noTarget(ctx: RequestContext, service: ServiceIR, why?: string, triesSoFar?: number): ReplyVerdict;
  upstreamFailed(ctx: RequestContext, answer: Extract<UpstreamAnswer, { ok: false }>): ReplyVerdict;
  /** Headers the gateway itself adds to every response (Via, latency headers). */
  decorateResponse(ctx: RequestContext, timing: { upstreamMs: number | null; gatewayMs: number }): void;
}

export function createDialect(ir: GatewayIR): DialectBehaviour {
  switch (ir.router.kind) {
    case 'kong':
      return createKongBehaviour(ir);
    case 'gateway-api':
      return createGatewayApiBehaviour(ir);
    case 'ingress-nginx':
      return createIngressNginxBehaviour(ir);
    case 'traefik':
      return createTraefikBehaviour(ir);
  }
}
