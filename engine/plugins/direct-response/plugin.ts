/**
 * The direct-response plugin: Gateway API's experimental DirectResponse filter. The gateway answers
 * with the configured status and body; a rule with it needs no backendRefs.
 */
import { reply, type PluginDefinition, type PluginHooks } from '../../pipeline/types.ts';
import { parseDirectResponseConfig, type DirectResponseConfig } from './config.ts';

export const directResponsePlugin: PluginDefinition<DirectResponseConfig> = {
  id: 'direct-response',
  priority: 0,
  parse: parseDirectResponseConfig,
  create(config): PluginHooks {
    return {
      access: () =>
        reply(config.statusCode, `DirectResponse: ${config.statusCode}${config.body ? ` with a ${config.body.length}-byte body` : ', no body'}`, {
          headers: config.body ? [['content-type', 'text/plain']] : [],
          body: config.body,
        }),
    };
  },
};
