/**
 * The request-redirect plugin: Gateway API's RequestRedirect filter. It answers the client itself with
 * a 3xx and a Location, so nothing reaches a backend — which is why a rule that only redirects needs
 * no backendRefs and does not answer 500. The answer has no body, as Envoy's redirects have none.
 */
import { reply, type PluginDefinition, type PluginHooks, type RequestContext } from '../../pipeline/types.ts';
import { parseRequestRedirectConfig, type RequestRedirectConfig } from './config.ts';
import { redirectLocation } from './location.ts';

export const REQUEST_REDIRECT_ID = 'request-redirect';

export const requestRedirectPlugin: PluginDefinition<RequestRedirectConfig> = {
  id: REQUEST_REDIRECT_ID,
  // Kong's redirect plugin priority (779); only used where plugins run by priority.
  priority: 779,
  parse: parseRequestRedirectConfig,
  create(config): PluginHooks {
    return {
      access(ctx: RequestContext) {
        const r = ctx.request;
        const location = redirectLocation(config, {
          scheme: r.scheme,
          host: r.host,
          listenerPort: r.port,
          path: r.path,
          query: r.query,
          ...(ctx.match?.matchedPrefix !== undefined ? { matchedPrefix: ctx.match.matchedPrefix } : {}),
        });
        return reply(config.statusCode, `RequestRedirect: ${config.statusCode} to ${location}`, {
          headers: [['location', location]],
          body: '',
          data: { location },
        });
      },
    };
  },
};
