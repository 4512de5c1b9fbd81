/**
 * Rate-limit annotations → rate-limit plugin instances in the nginx-limit-req flavour (semantics §8,
 * template.go buildRateLimitZones / buildRateLimit): `limit-rps: N` is `limit_req_zone … rate=Nr/s` and
 * `limit_req … burst=N×multiplier nodelay`, `limit-rpm` the same per minute, the multiplier 5 by
 * default, status 503 (the ConfigMap's limit-req-status-code), keyed by client address. Zones belong to
 * the Ingress (`<ns>_<name>_rps`), so every path of one Ingress shares them: the instance is scoped to
 * the route id every location of that Ingress carries. nginx runs the rps zone before the rpm zone,
 * as one limit_req phase: with both annotations the instance holds both zones (semantics §2).
 */
import type { Diagnostic } from '../../core/errors.ts';
import { findPlugin } from '../../plugins/index.ts';
import type { ConfigReporter } from '../../pipeline/types.ts';
import type { PluginInstanceIR } from '../ir.ts';
import type { AdaptContext } from './context.ts';
import type { ParsedIngress } from './ingress-read.ts';
import { ANNOTATION_PREFIX } from './annotations/catalog.ts';

export const LIMIT_REQ_STATUS = 503;

/**
 * Every zone the controller renders is `limit_req_zone $limit_<id> zone=<name>:5m …`: SharedSize is
 * the constant defSharedSize = 5 (MB) in internal/ingress/annotations/ratelimit, with no annotation
 * or ConfigMap key to change it. `$limit_<id>` is `$binary_remote_addr` (or "" for an allow-listed
 * client), so a zone holds 40,671 IPv4 clients per replica (math/nginx-zone-memory.ts).
 */
export const LIMIT_REQ_ZONE_BYTES = 5 * 1024 * 1024;

/** The route id shared by every location of one Ingress; plugin scopes point at it. */
export function ingressRouteId(key: string): string {
  return `ingress:${key}`;
}

export function buildRateLimitPlugins(ctx: AdaptContext, ingresses: readonly ParsedIngress[]): PluginInstanceIR[] {
  const def = findPlugin('rate-limit');
  const out: PluginInstanceIR[] = [];
  for (const ing of ingresses) {
    const rl = ing.anns.rateLimit;
    if (!rl || ing.anns.canary.enabled) continue;
    const zoneBase = `${ing.node.namespace}_${ing.node.name}`;
    // buildRateLimit's order: the rps line, then the rpm line, both with burst = limit × multiplier.
    const lines = ([['limit-rps', rl.rps, 's'], ['limit-rpm', rl.rpm, 'm']] as const)
      .filter(([, limit]) => limit > 0)
      .map(([annotation, limit, unit]) => ({ annotation, zone: { zone: `${zoneBase}_${annotation.slice(-3)}`, zone_size: LIMIT_REQ_ZONE_BYTES, rate: `${limit}r/${unit}`, burst: limit * rl.burstMultiplier, nodelay: true } }));
    const [first, ...rest] = lines;
    if (!first) continue;
    const annotations = lines.map((l) => l.annotation);
    const at = ['metadata', 'annotations', ANNOTATION_PREFIX + first.annotation];
    if (!def) {
      ctx.warn(ing.node, at, 'GL_W_NO_EFFECT', 'the rate-limit plugin is not available; the limit is ignored');
      continue;
    }
    // Both lines in one location are one limit_req phase in nginx: checked together, so one instance
    // holds them (`also`), and a request the rpm zone refuses is not counted in the rps zone (§2).
    const raw = {
      algorithm: 'nginx-limit-req',
      ...first.zone,
      ...(rest.length > 0 ? { also: rest.map((l) => l.zone) } : {}),
      status: LIMIT_REQ_STATUS,
      key: 'ip',
    };
    const problems: Diagnostic[] = [];
    const label = annotations.join(', ');
    const report = (severity: Diagnostic['severity']) => (_path: Array<string | number>, code: Diagnostic['code'], message: string, hint?: string) => {
      problems.push({ severity, code, message: `${label}: ${message}`, ...(hint ? { hint } : {}), loc: ctx.loc(ing.node, at) });
    };
    const reporter: ConfigReporter = { error: report('error'), warn: report('warning') };
    const config: unknown = def.parse(raw, reporter);
    // A plugin error here is gatelab's mapping failing, not the student's file: keep it visible but loadable.
    for (const p of problems) ctx.diagnostics.push({ ...p, severity: 'warning', code: p.severity === 'error' ? 'GL_W_NO_EFFECT' : p.code });
    if (problems.some((p) => p.severity === 'error')) continue;
    out.push({
      instanceId: `${ing.key}#${annotations.join('+')}`,
      plugin: def.id,
      vendorName: label,
      config,
      scope: { route: ingressRouteId(ing.key) },
      enabled: true,
      loc: ctx.loc(ing.node, at),
    });
  }
  return out;
}
