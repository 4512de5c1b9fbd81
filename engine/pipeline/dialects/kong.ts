/**
 * Kong's behaviour around the plugin chain (semantics §6): realip from kong.conf's trusted_ips, the
 * traditional_compatible router, strip_path / preserve_host, the X-Forwarded-* and Via headers Kong
 * sends upstream, its error bodies and the headers it adds to responses.
 */
import type { GatewayIR, ServiceIR, TargetIR } from '../../config/ir.ts';
import { parseCidrList } from '../../net/cidr.ts';
import { resolveRealIp } from '../../net/real-ip.ts';
import { kongUpstreamForwarding } from '../../net/forwarded-headers.ts';
import { createKongRouter } from '../../routing/kong-router.ts';
import { kongUpstreamHost } from '../../routing/kong-path.ts';
import type { KongMatchRequest, KongRouteMatch } from '../../routing/kong-router.ts';
import type { ChainHost, ChainStage, ReplyVerdict } from '../chain.ts';
import type { DialectBehaviour } from '../dialect.ts';
import type { RequestContext } from '../types.ts';
import { acceptOf, kongErrorResponse } from '../../plugins/kit/kong-error-response.ts';
import { kongErrorHandlerResponse } from '../../plugins/kit/kong-error-handler.ts';

export const KONG_VERSION = '3.10.0';
const JSON_TYPE: [string, string] = ['content-type', 'application/json; charset=utf-8'];
/** Strings every request would otherwise build again from KONG_VERSION. */
const SERVER_TOKEN = `kong/${KONG_VERSION}`;
const RESPONSE_VIA = `1.1 ${SERVER_TOKEN}`;
const NO_SERVICE_BODY = JSON.stringify({ message: 'no Service found with those values' });
/** The trace name of the realip step; `decided` reads only plugin and phase, so one object serves every request. */
const REAL_IP_STAGE: ChainStage = { plugin: 'real-ip', phase: 'rewrite', run: () => ({ kind: 'next', reason: '' }) };

/**
 * Kong's `kong.response.error(status, message)` from the runloop (semantics §1, §6): the format follows
 * the request's Accept header as plugins left it, and every format carries the request id.
 */
function kongError(ctx: RequestContext, status: number, message: string, reason: string, extra: ReadonlyArray<[string, string]> = []): ReplyVerdict {
  const answer = kongErrorResponse(message, ctx.request.id, acceptOf(ctx.upstream.headers));
  return { kind: 'reply', status, reason, headers: extra.length > 0 ? [...answer.headers, ...extra] : answer.headers, body: answer.body };
}

/** What nginx's error_page hands to Kong's error handler (kong/error_handlers.lua): its own message per status. */
function kongHandledError(ctx: RequestContext, status: 502 | 503 | 504, reason: string): ReplyVerdict {
  const answer = kongErrorHandlerResponse(status, ctx.request.id, ctx.upstream.headers);
  return { kind: 'reply', status, reason, headers: answer.headers, body: answer.body };
}

export function createKongBehaviour(ir: GatewayIR): DialectBehaviour {
  const router = createKongRouter(ir);
  const trusted = ir.realIp ? parseCidrList(ir.realIp.trustedCidrs).matcher : undefined;

  return {
    resolveClient(ctx, host: ChainHost) {
      if (!ir.realIp || !trusted) return;
      const result = resolveRealIp({
        peerIp: ctx.request.peerIp,
        headers: ctx.request.headers,
        trusted,
        header: ir.realIp.header,
        recursive: ir.realIp.recursive,
      });
      ctx.clientIp = result.clientIp;
      host.decided(REAL_IP_STAGE, { kind: 'next', reason: result.reason, data: { clientIp: result.clientIp, peerIp: ctx.request.peerIp } });
    },

    route(ctx) {
      const r = ctx.request;
      const request: KongMatchRequest = { method: r.method, scheme: r.scheme, host: r.host, port: r.port, path: r.path, query: r.query, headers: r.headers };
      // handler.lua takes X-Forwarded-Proto/-Host only from a trusted peer (kong.ip.is_trusted): they
      // decide whether an https-only route was reached over TLS, and where its redirect points.
      if (trusted?.contains(r.peerIp)) {
        const proto = r.headers.get('X-Forwarded-Proto');
        const host = r.headers.get('X-Forwarded-Host');
        if (proto !== undefined) request.forwardedProto = proto;
        if (host !== undefined) request.forwardedHost = host;
      }
      const outcome = router.match(request);
      if ('route' in outcome) return outcome;
      // A redirect is kong.response.exit without a body: nginx's own page, which the router built whole.
      if (outcome.message === undefined) return { status: outcome.status, reason: outcome.reason, body: outcome.body, headers: outcome.headers };
      // The 404 and 426 are kong.response.error: Content-Type first, then the router's own headers (Upgrade).
      const { headers, body } = kongError(ctx, outcome.status, outcome.message, outcome.reason, outcome.headers.filter(([name]) => name.toLowerCase() !== 'content-type'));
      return { status: outcome.status, reason: outcome.reason, body: body ?? '', headers };
    },

    afterRoute(ctx) {
      // The router computed the upstream path from the normalised request path (semantics §6).
      ctx.upstream.path = (ctx.match as KongRouteMatch).upstreamPath;
    },

    buildUpstream(ctx, service: ServiceIR, target: TargetIR) {
      const route = ctx.match?.route;
      const r = ctx.request;
      ctx.upstream.host = kongUpstreamHost({
        preserveHost: route?.preserveHost ?? false,
        clientHost: r.host,
        targetHost: target.host,
        targetPort: target.port,
        protocol: service.protocol,
      });
      const trustedPeer = trusted ? trusted.contains(r.peerIp) : false;
      ctx.upstream.headers = kongUpstreamForwarding({
        incoming: ctx.upstream.headers,
        peerIp: r.peerIp,
        // nginx's $realip_remote_addr: the TCP peer, before realip replaced $remote_addr.
        realipRemoteAddr: r.peerIp,
        clientIp: ctx.clientIp,
        scheme: r.scheme,
        host: r.host,
        port: r.port,
        path: r.path,
        trustedPeer,
        viaToken: SERVER_TOKEN,
      });
      ctx.upstream.headers.set('Host', ctx.upstream.host);
    },

    noService() {
      // kong/init.lua answers with kong.response.exit and a table: compact JSON, no request_id, no Accept.
      return { kind: 'reply', status: 503, reason: 'the matched route has no service', headers: [JSON_TYPE], body: NO_SERVICE_BODY };
    },

    noTarget(ctx, service, why, triesSoFar = 0) {
      const reason = why ?? `service ${service.name} has no target with weight above 0`;
      // kong/init.lua Kong.balancer: a retry asks the balancer again in nginx's balancer phase, where a
      // failure is `ngx.exit(errcode)` (503) — nginx's error_page then hands it to Kong's error handler.
      if (triesSoFar > 0) {
        return kongHandledError(ctx, 503, `try ${triesSoFar + 1}: ${reason}; Kong's balancer phase ends the retry with 503, answered by its error handler`);
      }
      // The first pick runs in the access phase (kong/runloop/handler.lua): kong.response.error.
      return kongError(ctx, 503, 'failure to get a peer from the ring-balancer', reason);
    },

    upstreamFailed(ctx, answer) {
      // nginx ends the request with 502/504 and its error_page hands it to Kong's error handler.
      if (answer.failure === 'timeout') return kongHandledError(ctx, 504, `upstream timed out: ${answer.message}`);
      return kongHandledError(ctx, 502, `upstream connection failed: ${answer.message}`);
    },

    decorateResponse(ctx, timing) {
      const headers = ctx.response?.headers;
      // The native IR form borrows Kong's routing rules, not its branding: no Kong headers there.
      if (!headers || ir.dialect !== 'kong') return;
      // Kong's default `headers` setting: server_tokens, latency_tokens and X-Kong-Request-Id.
      headers.set('X-Kong-Request-Id', ctx.request.id);
      if (ctx.response?.source === 'upstream') {
        headers.append('Via', RESPONSE_VIA);
        headers.set('X-Kong-Upstream-Latency', String(Math.round(timing.upstreamMs ?? 0)));
        headers.set('X-Kong-Proxy-Latency', String(Math.round(timing.gatewayMs)));
      } else {
        headers.set('Server', SERVER_TOKEN);
        headers.set('X-Kong-Response-Latency', String(Math.round(timing.gatewayMs)));
      }
    },
  };
}
