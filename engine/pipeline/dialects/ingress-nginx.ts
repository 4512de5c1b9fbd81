/**
 * ingress-nginx's behaviour around the plugin chain: the router in engine/routing/ingress-nginx-*.ts
 * decides everything nginx decides before limit_req (redirects, rewrites, the default backend, 503
 * without endpoints, the canary). Answers given in that rewrite phase use a twin of the location's
 * route that carries no plugins, so limit_req never counts them — as in nginx, where the preaccess
 * phase never runs for them; so does a client in limit-allowlist (its limit key is empty). Deny/allow
 * source ranges run after the limits (access phase): their 403 comes from `noService`.
 *
 * client_max_body_size's up-front check is nginx's find-config step, right after the location is
 * chosen and before anything of the rewrite phase: a declared Content-Length over the location's limit
 * (proxy-body-size, else the ConfigMap's 1m) is answered 413 here, before redirects and limits.
 *
 * Upstream headers, X-Request-ID and the error pages are nginx.tmpl's, with ingress-nginx's defaults:
 * use-forwarded-headers false (the client address is the TCP peer), server_tokens off, HSTS on TLS hosts.
 */
import type { GatewayIR, RouteIR, ServiceIR, TargetIR } from '../../config/ir.ts';
import type { AffinityEntry, IngressNginxTable, ServerEntry, UpstreamEntry } from '../../config/ingress-nginx/table.ts';
import { STICKY_PICK, type StickyPick } from '../../upstream/balancer/types.ts';
import { affinitySetCookie, shouldSetCookie } from '../../routing/ingress-nginx-affinity.ts';
import { parseCidrList } from '../../net/cidr.ts';
import { CORS_STATUSES } from '../../routing/ingress-nginx-cors.ts';
import { HTML, nginxPage, PLAIN } from '../../routing/ingress-nginx-pages.ts';
import { nginxHeader } from '../../routing/ingress-nginx-canary.ts';
import { type NginxAnswer, routeRequest } from '../../routing/ingress-nginx-router.ts';
import { ingressNginxUpstreamHeaders, nginxRequestId } from '../../routing/ingress-nginx-upstream.ts';
import { hostOnly } from '../../routing/ingress-nginx-uri.ts';
import type { ReplyVerdict } from '../chain.ts';
import type { DialectBehaviour, RouteMiss } from '../dialect.ts';
import type { RequestContext } from '../types.ts';
import { findConfigCheck, NGINX_413_BODY, NGINX_413_HEADERS } from '../../plugins/request-size-limit/nginx.ts';

/** What route() leaves for the later hooks of the same request. */
interface NginxVars {
  server?: ServerEntry;
  upstreamPath?: string;
  requestId?: string;
  upstreamVhost?: string;
  connectionHeader?: string;
  xForwardedPrefix?: string;
  standIn?: { namespace: string; ingress: string; service: string; port: string };
  /** An answer decided before proxying, given by noService (the route carries no service then). */
  reply?: ReplyVerdict;
  /** The location's CORS block matched: these headers go on the response (some statuses only). */
  cors?: Array<[string, string]>;
  /**
   * Headers a plugin set with proxy_set_header semantics (auth-response-headers: auth_request_set +
   * proxy_set_header). buildUpstream rebuilds the request from the client's headers, so they are
   * applied on top there; an empty value sends nothing, and a client's own value never survives.
   */
  proxySetHeaders?: Array<[string, string]>;
  /** The chosen backend is sticky and this location may set its cookie (sticky.lua should_set_cookie). */
  affinity?: { entry: AffinityEntry; locationPath: string; nowSeconds: number };
}

const VARS = 'ingress-nginx';

function vars(ctx: RequestContext): NginxVars {
  return (ctx.vars[VARS] ??= {}) as NginxVars;
}

function page(status: number, reason: string, extra: Array<[string, string]> = []): ReplyVerdict {
  return { kind: 'reply', status, reason, headers: [HTML, ...extra], body: nginxPage(status) };
}

function answerReply(a: NginxAnswer): ReplyVerdict {
  if (a.empty) return { kind: 'reply', status: a.status, reason: a.why, headers: a.empty, body: '' };
  if (a.text !== undefined) return { kind: 'reply', status: a.status, reason: a.why, headers: [PLAIN], body: a.text };
  return page(a.status, a.why, a.location ? [['Location', a.location]] : []);
}

export function createIngressNginxBehaviour(ir: GatewayIR): DialectBehaviour {
  if (ir.router.kind !== 'ingress-nginx') throw new Error('the ingress-nginx dialect needs an ingress-nginx routing table');
  const table = ir.router.table as IngressNginxTable;
  const upstreams = new Map<string, UpstreamEntry>(table.upstreams.map((u) => [u.name, u]));
  const services = new Map<string, ServiceIR>(ir.services.map((s) => [s.name, s]));
  // A twin per route without plugins: rewrite-phase answers and limit-allowlist clients skip limit_req.
  const unlimited = new Map<RouteIR, RouteIR>(ir.routes.map((r) => [r, { ...r, id: `${r.id}#rewrite-phase` }]));
  const matchers = new Map<string, ReturnType<typeof parseCidrList>['matcher']>();
  const matcher = (cidrs: readonly string[]) => {
    const key = cidrs.join(',');
    let m = matchers.get(key);
    if (!m) matchers.set(key, (m = parseCidrList(cidrs).matcher));
    return m;
  };

  /**
   * The find-config 413, or undefined. Answers nginx gives before choosing a location (a bad request
   * line, the www redirect server, app-root's server-level `if`) come before the check and keep theirs.
   */
  const bodyTooLarge = (outcome: ReturnType<typeof routeRequest>, headers: RequestContext['request']['headers']): string | undefined => {
    if (!outcome.server) return undefined;
    if (outcome.kind === 'answer' && outcome.answer.why.startsWith('app-root:')) return undefined;
    return findConfigCheck(headers, outcome.location?.clientMaxBodySize ?? table.config.proxyBodySize);
  };

  return {
    resolveClient() {
      // use-forwarded-headers is false by default: $remote_addr is the TCP peer, already ctx.clientIp.
    },

    route(ctx, host) {
      const r = ctx.request;
      const v = vars(ctx);
      v.requestId = nginxHeader(r.headers, 'x-request-id') ?? nginxRequestId((i) => host.draw('request-id', r.id, i));
      const outcome = routeRequest(table, upstreams, {
        method: r.method,
        port: r.port,
        scheme: r.scheme,
        hostHeader: r.headers.get('host') ?? '',
        path: r.path,
        query: r.query,
        headers: r.headers,
        draw: () => host.draw('canary', r.id),
        ...(ir.trafficShift ? { shift: ir.trafficShift } : {}),
      });
      if (outcome.server) v.server = outcome.server;
      if (outcome.cors) v.cors = outcome.cors;
      const route = outcome.location?.route !== null && outcome.location?.route !== undefined ? ir.routes[outcome.location.route] : undefined;
      const steps = outcome.steps.join('; ');
      const tooLarge = bodyTooLarge(outcome, r.headers);
      if (tooLarge) {
        const reason = `${steps}; ${tooLarge}`;
        // The CORS block's `set $cors` is rewrite-phase work, which a find-config 413 never reaches.
        delete v.cors;
        if (!route) return { status: 413, body: NGINX_413_BODY, reason, headers: NGINX_413_HEADERS };
        v.reply = { kind: 'reply', status: 413, reason: tooLarge, headers: NGINX_413_HEADERS, body: NGINX_413_BODY };
        return { route: unlimited.get(route) as RouteIR, service: undefined, reason };
      }
      if (outcome.kind === 'answer') {
        const reply = answerReply(outcome.answer);
        const reason = `${steps ? `${steps}; ` : ''}${outcome.answer.why}`;
        // Answers that belong to an Ingress keep its route name; the rest (404, 400) have none.
        if (route && outcome.answer.text === undefined) {
          v.reply = { ...reply, reason };
          return { route: unlimited.get(route) as RouteIR, service: undefined, reason };
        }
        const miss: RouteMiss = { status: reply.status, body: reply.body ?? '', reason, headers: reply.headers ?? [] };
        return miss;
      }
      const loc = outcome.location;
      v.upstreamPath = outcome.upstreamPath;
      const aff = outcome.upstream.affinity;
      if (aff && shouldSetCookie(aff, outcome.server.hostname, hostOnly(r.headers.get('host') ?? r.host), loc.ingressPath)) {
        v.affinity = { entry: aff, locationPath: loc.ingressPath, nowSeconds: Math.floor(host.now() / 1000) };
      }
      if (loc.upstreamVhost) v.upstreamVhost = loc.upstreamVhost;
      if (loc.connectionHeader) v.connectionHeader = loc.connectionHeader;
      if (loc.xForwardedPrefix) v.xForwardedPrefix = loc.xForwardedPrefix;
      if (outcome.standIn && loc.ingress) {
        const original = outcome.standIn.service ? services.get(outcome.standIn.service) : undefined;
        const [namespace = '', ingress = ''] = loc.ingress.split('/');
        v.standIn = { namespace, ingress, service: original?.host.split('.')[0] ?? '', port: String(original?.port ?? '') };
      }
      const service = outcome.upstream.service ? services.get(outcome.upstream.service) : undefined;
      const reason = `${steps}; proxy to ${outcome.upstream.service ?? outcome.upstream.name}`;
      if (!route) return { status: 404, body: table.config.defaultBackendBody, reason, headers: [PLAIN] };
      const client = ctx.clientIp;
      if (loc.denySourceRange && matcher(loc.denySourceRange).contains(client)) {
        v.reply = page(403, `${client} is in denylist-source-range: deny (access phase, after the limits)`);
        return { route, service: undefined, reason };
      }
      if (loc.allowSourceRange && !matcher(loc.allowSourceRange).contains(client)) {
        v.reply = page(403, `${client} is not in allowlist-source-range: deny all (access phase, after the limits)`);
        return { route, service: undefined, reason };
      }
      if (loc.limitAllowlist && matcher(loc.limitAllowlist).contains(client)) {
        return { route: unlimited.get(route) as RouteIR, service, reason: `${reason}; ${client} is in limit-allowlist, so limit_req skips it` };
      }
      return { route, service, reason };
    },

    afterRoute(ctx) {
      const v = vars(ctx);
      if (v.upstreamPath !== undefined) ctx.upstream.path = v.upstreamPath;
    },

    buildUpstream(ctx, _service: ServiceIR, _target: TargetIR) {
      const r = ctx.request;
      const v = vars(ctx);
      ctx.upstream.headers = ingressNginxUpstreamHeaders({
        incoming: r.headers,
        remoteAddr: ctx.clientIp,
        scheme: r.scheme,
        port: r.port,
        fallbackHost: hostOnly(r.host),
        requestId: v.requestId ?? '',
        ...(v.upstreamVhost ? { upstreamVhost: v.upstreamVhost } : {}),
        ...(v.connectionHeader ? { connectionHeader: v.connectionHeader } : {}),
        ...(v.xForwardedPrefix ? { xForwardedPrefix: v.xForwardedPrefix } : {}),
        ...(v.standIn ? { standIn: v.standIn } : {}),
      });
      for (const [name, value] of v.proxySetHeaders ?? []) {
        ctx.upstream.headers.delete(name);
        if (value !== '') ctx.upstream.headers.set(name, value);
      }
      ctx.upstream.host = ctx.upstream.headers.get('Host') ?? r.host;
    },

    noService(ctx) {
      return vars(ctx).reply ?? page(503, 'the location has no upstream');
    },

    noTarget(_ctx, service, why) {
      return page(503, why ? `${why}: balancer.lua answers 503` : `service ${service.name} has no endpoints: balancer.lua answers 503`);
    },

    upstreamFailed(_ctx, answer) {
      if (answer.failure === 'timeout') return page(504, `upstream timed out (proxy_read_timeout): ${answer.message}`);
      return page(502, `upstream connection failed: ${answer.message}`);
    },

    decorateResponse(ctx) {
      const headers = ctx.response?.headers;
      if (!headers) return;
      // proxy_hide_header drops the upstream's Server; nginx sends its own (server_tokens off).
      headers.set('Server', 'nginx');
      const v = vars(ctx);
      if (v.cors && CORS_STATUSES.has(ctx.response?.status ?? 0)) for (const [name, value] of v.cors) headers.set(name, value);
      // The sticky balancer picked anew (no usable cookie): sticky.lua set_cookie, whatever the status.
      const sticky = ctx.vars[STICKY_PICK] as StickyPick | undefined;
      if (v.affinity && sticky?.fresh) headers.append('Set-Cookie', affinitySetCookie(v.affinity.entry, { key: sticky.key, locationPath: v.affinity.locationPath, https: ctx.request.scheme === 'https', nowSeconds: v.affinity.nowSeconds }));
      const server = v.server;
      if (ctx.request.scheme === 'https' && server?.tls) headers.set('Strict-Transport-Security', table.config.hsts);
    },
  };
}
