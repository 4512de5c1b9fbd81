/**
 * The url-rewrite plugin: Gateway API's URLRewrite filter. It changes what the backend receives — the
 * Host header and the path — never what the client asked for, so the route was already chosen on the
 * original path, and a later RequestRedirect (not allowed in the same rule) could not see it anyway.
 */
import { next, type PluginDefinition, type PluginHooks, type RequestContext } from '../../pipeline/types.ts';
import { parseUrlRewriteConfig, type UrlRewriteConfig } from './config.ts';
import { describeModifier, modifyPath } from './path-modifier.ts';

export const URL_REWRITE_ID = 'url-rewrite';

export const urlRewritePlugin: PluginDefinition<UrlRewriteConfig> = {
  id: URL_REWRITE_ID,
  // Between header transforms and auth in Kong terms; only used where plugins run by priority.
  priority: 790,
  parse: parseUrlRewriteConfig,
  create(config): PluginHooks {
    return {
      access(ctx: RequestContext) {
        const done: string[] = [];
        if (config.hostname !== undefined) {
          done.push(`Host ${ctx.upstream.host} → ${config.hostname}`);
          ctx.upstream.host = config.hostname;
        }
        if (config.path) {
          const q = ctx.request.query;
          const path = modifyPath(ctx.request.path, config.path, ctx.match?.matchedPrefix);
          const before = ctx.upstream.path;
          ctx.upstream.path = q ? `${path}?${q}` : path;
          done.push(`path ${before} → ${ctx.upstream.path} (${describeModifier(config.path)}${config.path.type === 'ReplacePrefixMatch' ? ` of matched prefix ${ctx.match?.matchedPrefix ?? '(none)'}` : ''})`);
        }
        return next(done.length ? `rewrote ${done.join('; ')}` : 'nothing to rewrite');
      },
    };
  },
};
