/**
 * Two more per-Ingress limits as plugin instances, beside limit_req (plugins.ts):
 *
 * - `limit-connections: N` → `limit_conn_zone $limit_<id> zone=<ns>_<name>_conn:5m` and, in each of the
 *   Ingress's locations, `limit_conn <ns>_<name>_conn N` (ratelimit/main.go Connections; template.go
 *   buildRateLimitZones and buildRateLimit), refused with the ConfigMap's limit-conn-status-code (503).
 *   The in-flight-limit plugin's nginx flavour, keyed by client address. limit_conn is a preaccess
 *   handler like limit_req; nginx runs a phase's handlers in the reverse of their modules' order, and
 *   ngx_http_limit_conn_module is listed before ngx_http_limit_req_module, so limit_req decides first:
 *   a request limit_req refuses never holds a connection slot.
 * - `proxy-body-size` → the location's `client_max_body_size`. Its up-front check (a declared
 *   Content-Length, at find-config time) is the dialect's, for every location, so the default 1m costs
 *   no plugin step; what remains is the read of a chunked body, which proxy_pass does in the content
 *   phase — after limit_req, limit_conn and auth_request. That read is the request-size-limit plugin's
 *   nginx flavour, placed last, on the Ingresses that set the annotation (a non-zero size).
 */
import type { Diagnostic } from '../../core/errors.ts';
import { findPlugin } from '../../plugins/index.ts';
import type { ConfigReporter } from '../../pipeline/types.ts';
import type { PluginInstanceIR } from '../ir.ts';
import type { AdaptContext } from './context.ts';
import type { ParsedIngress } from './ingress-read.ts';
import { ANNOTATION_PREFIX } from './annotations/catalog.ts';
import { ingressRouteId } from './plugins.ts';

/** The ConfigMap's limit-conn-status-code default (config.go: LimitConnStatusCode 503). */
export const LIMIT_CONN_STATUS = 503;

/** One instance for an Ingress; a plugin error is gatelab's mapping failing, so it becomes a warning. */
function instance(ctx: AdaptContext, ing: ParsedIngress, pluginId: string, annotation: string, suffix: string, raw: unknown): PluginInstanceIR | undefined {
  const at = ['metadata', 'annotations', ANNOTATION_PREFIX + annotation];
  const def = findPlugin(pluginId);
  if (!def) {
    ctx.warn(ing.node, at, 'GL_W_NO_EFFECT', `the ${pluginId} plugin is not available; ${annotation} is ignored`);
    return undefined;
  }
  const problems: Diagnostic[] = [];
  const report = (severity: Diagnostic['severity']) => (_path: Array<string | number>, code: Diagnostic['code'], message: string, hint?: string) => {
    problems.push({ severity, code, message: `${annotation}: ${message}`, ...(hint ? { hint } : {}), loc: ctx.loc(ing.node, at) });
  };
  const reporter: ConfigReporter = { error: report('error'), warn: report('warning') };
  const config: unknown = def.parse(raw, reporter);
  for (const p of problems) ctx.diagnostics.push({ ...p, severity: 'warning', code: p.severity === 'error' ? 'GL_W_NO_EFFECT' : p.code });
  if (problems.some((p) => p.severity === 'error')) return undefined;
  return {
    instanceId: `${ing.key}#${suffix}`,
    plugin: def.id,
    vendorName: annotation,
    config,
    // Scoped by the route id, as limit_req is: answers of the rewrite phase and allow-listed clients
    // (an empty $limit_ key) take the dialect's twin route and skip both.
    scope: { route: ingressRouteId(ing.key) },
    enabled: true,
    loc: ctx.loc(ing.node, at),
  };
}

export function buildLimitConnPlugins(ctx: AdaptContext, ingresses: readonly ParsedIngress[], status = LIMIT_CONN_STATUS): PluginInstanceIR[] {
  const out: PluginInstanceIR[] = [];
  for (const ing of ingresses) {
    const conn = ing.anns.rateLimit?.connections ?? 0;
    if (conn <= 0 || ing.anns.canary.enabled) continue;
    const zone = `${ing.node.namespace}_${ing.node.name}_conn`;
    const made = instance(ctx, ing, 'in-flight-limit', 'limit-connections', 'limit-connections', { flavour: 'nginx', zone, conn, status });
    if (made) out.push(made);
  }
  return out;
}

export function buildBodySizePlugins(ctx: AdaptContext, ingresses: readonly ParsedIngress[]): PluginInstanceIR[] {
  const out: PluginInstanceIR[] = [];
  for (const ing of ingresses) {
    const size = ing.anns.bodySize;
    if (!size || size.bytes === 0 || ing.anns.canary.enabled) continue;
    const raw = { flavour: 'nginx', client_max_body_size: size.value, origin: size.origin };
    const made = instance(ctx, ing, 'request-size-limit', 'proxy-body-size', 'proxy-body-size', raw);
    if (made) out.push(made);
  }
  return out;
}
