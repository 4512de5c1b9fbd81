/**
 * The request-mirror plugin: Gateway API's RequestMirror filter. A copy of the request goes to another
 * backend and its answer is thrown away, so the mirror can never change what the client gets, nor
 * delay it. gatelab records the decision (which requests would be copied, by a draw keyed by the
 * request id) and sends nothing: the copy has no observable effect on the request being explained.
 */
import { next, type PluginDefinition, type PluginHooks, type PluginHost, type RequestContext } from '../../pipeline/types.ts';
import { parseRequestMirrorConfig, type RequestMirrorConfig } from './config.ts';

export const REQUEST_MIRROR_ID = 'request-mirror';

export const requestMirrorPlugin: PluginDefinition<RequestMirrorConfig> = {
  id: REQUEST_MIRROR_ID,
  priority: 0,
  parse: parseRequestMirrorConfig,
  create(config, env): PluginHooks {
    return {
      access(ctx: RequestContext, host: PluginHost) {
        if (config.service === null) {
          return next(`mirror to ${config.target} skipped: ${config.problem ?? 'the backendRef does not resolve'}`);
        }
        const mirrored = config.share >= 1 || (config.share > 0 && host.draw(`mirror:${env.instanceId}`, ctx.request.id) < config.share);
        return next(
          mirrored
            ? `copied to ${config.service} (${config.target}); its response is ignored`
            : `not copied: outside the mirrored ${Math.round(config.share * 100)}% of requests`,
          { mirrored, service: config.service },
        );
      },
    };
  },
};
