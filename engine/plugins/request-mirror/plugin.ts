/**
 * The request-mirror plugin: Gateway API's RequestMirror filter. A copy of the request goes to one
 * endpoint of another backend and its answer is thrown away, so the mirror can never change what the
 * client gets, nor delay it. The hook decides (by a draw keyed by the request id) and picks the
 * endpoint; the copy itself is a detached effect that the host sends when the request goes upstream.
 */
import type { TargetIR } from '../../config/ir.ts';
import { next, type PluginDefinition, type PluginHooks, type PluginHost, type RequestContext, type RequestCopy, type Verdict } from '../../pipeline/types.ts';
import { parseRequestMirrorConfig, type RequestMirrorConfig } from './config.ts';

export const REQUEST_MIRROR_ID = 'request-mirror';

/** Envoy appends this to a shadow's Host unless `disable_shadow_host_suffix_append` (Envoy Gateway leaves it on). */
export const SHADOW_HOST_SUFFIX = '-shadow';

/**
 * A shadow gives up with its route's timeout (Envoy router.cc hands the shadow writer the route's
 * global timeout); a route that sets none has Envoy's default route timeout, 15 s. A route timeout of
 * 0 is disabled, so its shadow has none (RequestCopy timeoutMs 0, which both hosts read as "never").
 */
export const MIRROR_TIMEOUT_MS = 15_000;

export const requestMirrorPlugin: PluginDefinition<RequestMirrorConfig> = {
  id: REQUEST_MIRROR_ID,
  priority: 0,
  parse: parseRequestMirrorConfig,
  create(config, env): PluginHooks {
    const service = config.service === null ? undefined : env.services?.find((s) => s.name === config.service);
    const endpoints = service ? service.targets.filter((t) => t.weight > 0) : [];
    const totalWeight = endpoints.reduce((sum, t) => sum + t.weight, 0);
    return {
      access(ctx: RequestContext, host: PluginHost): Verdict {
        if (config.service === null) {
          return next(`mirror to ${config.target} skipped: ${config.problem ?? 'the backendRef does not resolve'}`);
        }
        const mirrored = config.share >= 1 || (config.share > 0 && host.draw(`mirror:${env.instanceId}`, ctx.request.id) < config.share);
        if (!mirrored) {
          return next(`not copied: outside the mirrored ${Math.round(config.share * 100)}% of requests`, { mirrored, service: config.service });
        }
        const target = service ? pickEndpoint(endpoints, totalWeight, host.draw(`mirror-endpoint:${env.instanceId}`, ctx.request.id)) : undefined;
        if (!service || !target) {
          return next(`mirror to ${config.service} skipped: the Service has no endpoint to copy to`, { mirrored: false, service: config.service });
        }
        const endpoint = `${target.host}:${target.port}`;
        const copy: RequestCopy = { type: 'request-copy', purpose: 'mirror', service, target, hostSuffix: SHADOW_HOST_SUFFIX, timeoutMs: config.timeoutMs ?? MIRROR_TIMEOUT_MS };
        const untimed = copy.timeoutMs === 0 ? ', and it has no timeout (the rule disabled it with timeouts.request: 0s)' : '';
        return {
          kind: 'next',
          reason: `copied to ${config.service} (${config.target}) at ${endpoint} when the request goes upstream; its response is ignored${untimed}`,
          data: { mirrored, service: config.service, endpoint },
          detach: [copy],
        };
      },
    };
  },
};

/** One endpoint by weight (Envoy balances the mirror cluster like any other); a draw in [0, 1). */
function pickEndpoint(endpoints: readonly TargetIR[], totalWeight: number, draw: number): TargetIR | undefined {
  let left = draw * totalWeight;
  for (const t of endpoints) {
    left -= t.weight;
    if (left < 0) return t;
  }
  return endpoints.at(-1);
}

