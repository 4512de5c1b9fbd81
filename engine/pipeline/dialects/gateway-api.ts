/**
 * The gateway-api dialect's behaviour around the plugin chain, modelled on Envoy Gateway (Envoy as the
 * data plane), the most common Gateway API implementation:
 * - no real-IP processing: the TCP peer is the client (Envoy Gateway trusts no X-Forwarded-For hops
 *   unless a ClientTrafficPolicy says so);
 * - routing by engine/routing/gateway-api-router.ts, the backendRef chosen by weight with a draw keyed
 *   by the request id, so both hosts choose alike;
 * - upstream: the client's Host (unless URLRewrite changed it), X-Forwarded-For appended with Envoy's
 *   `,` separator, X-Forwarded-Proto set to the client's scheme, hop-by-hop headers dropped, no Via;
 * - its own answers as Envoy gives them: 404 with an empty body when no rule matches, 500 with an empty
 *   body for a rule without usable backend, `no healthy upstream` (503), `upstream connect error …`
 *   (503) and `upstream request timeout` (504) as plain text; no headers added to responses.
 */
import type { GatewayIR, RouteIR, ServiceIR, TargetIR, TrafficShiftIR, WeightedBackendIR } from '../../config/ir.ts';
import { stripHopByHop } from '../../net/hop-by-hop.ts';
import { GatewayApiRouter } from '../../routing/gateway-api-router.ts';
import { normalizeRequestPath } from '../../routing/path-normalize.ts';
import type { GwRule, GwTable } from '../../routing/gateway-api-table.ts';
import type { ChainHost, ReplyVerdict } from '../chain.ts';
import type { DialectBehaviour } from '../dialect.ts';

const TEXT: [string, string] = ['content-type', 'text/plain'];

/** Why the chosen backend cannot be used, kept for noService's reason (ctx.vars is per request). */
const VARS_KEY = 'gateway-api-router';
/** The normalised path the rule matched, which Envoy also sends upstream (normalize_path). */
const PATH_KEY = 'gateway-api-path';

function envoyText(status: number, body: string, reason: string): ReplyVerdict {
  return { kind: 'reply', status, reason, headers: body ? [TEXT] : [], body };
}

export function createGatewayApiBehaviour(ir: GatewayIR): DialectBehaviour {
  if (ir.router.kind !== 'gateway-api') throw new Error('the gateway-api behaviour needs a gateway-api router table');
  const table = ir.router.table as GwTable;
  const router = new GatewayApiRouter(table);
  const routes = new Map(ir.routes.map((r) => [r.id, r]));
  const services = new Map(ir.services.map((s) => [s.name, s]));

  return {
    resolveClient() {
      // The peer is the client: nothing in front of the gateway is trusted by default.
    },

    route(ctx, host: ChainHost) {
      const r = ctx.request;
      // Envoy Gateway turns on normalize_path and merge_slashes: rules see the cleaned path.
      const normal = normalizeRequestPath(r.path);
      if (!normal.ok) return { status: 400, body: `${normal.reason}\n`, headers: [TEXT], reason: `${normal.code}: ${normal.reason}` };
      ctx.vars[PATH_KEY] = normal.path;
      const found = router.route({ method: r.method, scheme: r.scheme, host: r.host, port: r.port, path: normal.path, query: r.query, headers: r.headers });
      if (!found.ok) return { status: 404, body: '', headers: [], reason: found.reason };
      const route = routes.get(found.rule.routeId) as RouteIR;
      const choice = chooseBackend(route, found.rule, host.draw('backend', r.id), ir.trafficShift);
      ctx.vars[VARS_KEY] = choice.problem;
      return {
        route,
        service: choice.service ? services.get(choice.service) : undefined,
        reason: `${found.reason}; ${choice.reason}`,
        ...(found.match.path.type === 'PathPrefix' ? { matchedPrefix: found.match.path.value } : {}),
      };
    },

    afterRoute(ctx) {
      // The normalised path goes upstream (Envoy forwards what it routed on); a URLRewrite filter may change it later.
      const path = ctx.vars[PATH_KEY] as string | undefined;
      if (path !== undefined && path !== ctx.request.path) ctx.upstream.path = ctx.request.query ? `${path}?${ctx.request.query}` : path;
    },

    buildUpstream(ctx, _service: ServiceIR, _target: TargetIR) {
      const headers = ctx.upstream.headers;
      stripHopByHop(headers);
      const xff = headers.getAll('X-Forwarded-For');
      headers.set('X-Forwarded-For', [...xff, ctx.request.peerIp].join(','));
      headers.set('X-Forwarded-Proto', ctx.request.scheme);
      headers.set('Host', ctx.upstream.host);
    },

    noService(ctx) {
      const why = (ctx.vars[VARS_KEY] as string | undefined) ?? 'the rule has no usable backend';
      return envoyText(500, '', `${why}: 500 (Envoy Gateway answers a rule without a usable backend with a direct 500)`);
    },

    noTarget(_ctx, service, why) {
      return envoyText(503, 'no healthy upstream', why ?? `Service ${service.name} has no endpoint to send to`);
    },

    upstreamFailed(_ctx, answer) {
      if (answer.failure === 'timeout') return envoyText(504, 'upstream request timeout', `upstream timed out: ${answer.message}`);
      return envoyText(
        503,
        'upstream connect error or disconnect/reset before headers. reset reason: connection failure',
        `upstream connection failed: ${answer.message}`,
      );
    },

    decorateResponse() {
      // Envoy Gateway adds no Via and no latency headers by default.
    },
  };
}

interface BackendChoice {
  service: string | null;
  problem: string | null;
  reason: string;
}

/**
 * A rollout controller rewrites the two backendRefs' weights (canary = percent, primary = the rest),
 * as Flagger does to the HTTPRoute; other backendRefs keep theirs.
 */
function shifted(backends: readonly WeightedBackendIR[], shift: TrafficShiftIR | undefined): readonly WeightedBackendIR[] {
  if (!shift || !backends.some((b) => b.service === shift.canary) || !backends.some((b) => b.service === shift.primary)) return backends;
  return backends.map((b) =>
    b.service === shift.canary ? { ...b, weight: shift.percent } : b.service === shift.primary ? { ...b, weight: 100 - shift.percent } : b,
  );
}

/**
 * One backendRef by weight (share = weight / Σ weights); a weight of 0 never wins. The draw is in
 * [0, 1) and keyed by the request id. An invalid backend keeps its share, and that share gets 500.
 */
export function chooseBackend(route: RouteIR, rule: GwRule, draw: number, shift?: TrafficShiftIR): BackendChoice {
  if (rule.invalid !== null) return { service: null, problem: rule.invalid, reason: `the rule cannot be served: ${rule.invalid}` };
  const backends = shifted(route.backends ?? [], shift);
  const total = backends.reduce((sum, b) => sum + b.weight, 0);
  if (backends.length === 0) return { service: null, problem: 'the rule has no backendRefs', reason: 'no backendRefs' };
  if (total === 0) return { service: null, problem: 'every backendRef of the rule has weight 0', reason: 'all backendRef weights are 0' };
  let point = draw * total;
  let index = backends.findIndex((b) => {
    if (point < b.weight) return true;
    point -= b.weight;
    return false;
  });
  if (index < 0) index = backends.findLastIndex((b) => b.weight > 0);
  const chosen = backends[index] as (typeof backends)[number];
  const info = rule.backends[index];
  const share = `weight ${chosen.weight} of ${total}`;
  if (chosen.service === null) {
    const problem = `backendRef ${info?.label ?? index} is invalid (${info?.problem ?? 'unresolved'})`;
    return { service: null, problem, reason: `chose ${info?.label ?? index} (${share}), which cannot be served` };
  }
  return { service: chosen.service, problem: null, reason: `backend ${chosen.service} (${share}${backends.length > 1 ? `, draw ${draw.toFixed(3)}` : ''})` };
}
