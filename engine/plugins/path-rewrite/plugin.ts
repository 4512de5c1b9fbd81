/**
 * The path-rewrite plugin: Traefik's stripPrefix, stripPrefixRegex, replacePath, replacePathRegex and
 * addPrefix middlewares. It rewrites the path that goes upstream (the query stays) in the access
 * phase, so a later middleware and the backend see the result, and adds the header Traefik adds
 * (X-Forwarded-Prefix, X-Replaced-Path).
 */
import { next, reply, type PluginDefinition, type PluginHooks, type RequestContext, type Verdict } from '../../pipeline/types.ts';
import { parsePathRewriteConfig, type PathRewriteConfig } from './config.ts';
import { addPrefix, formatUpstreamPath, parseUpstreamPath, replacePath, replacePathRegex, stripPrefix, stripPrefixRegex, type Rewrite } from './path.ts';

export const PATH_REWRITE_ID = 'path-rewrite';

function rewrite(config: PathRewriteConfig, url: Rewrite['url']): Rewrite | undefined {
  switch (config.type) {
    case 'stripPrefix':
      return stripPrefix(url, config.prefixes, config.forceSlash);
    case 'stripPrefixRegex':
      return stripPrefixRegex(url, config.regex);
    case 'replacePath':
      return replacePath(url, config.path);
    case 'replacePathRegex':
      return replacePathRegex(url, config.regex, config.replacement);
    case 'addPrefix':
      return addPrefix(url, config.prefix);
  }
}

function describeConfig(c: PathRewriteConfig): string {
  switch (c.type) {
    case 'stripPrefix':
      return `stripPrefix [${c.prefixes.join(', ')}]`;
    case 'stripPrefixRegex':
      return `stripPrefixRegex [${c.regex.join(', ')}]`;
    case 'replacePath':
      return `replacePath ${c.path}`;
    case 'replacePathRegex':
      return `replacePathRegex ${c.regex} → ${c.replacement}`;
    case 'addPrefix':
      return `addPrefix ${c.prefix}`;
  }
}

export function applyPathRewrite(config: PathRewriteConfig, ctx: RequestContext): Verdict {
  const before = ctx.upstream.path;
  const { url, query } = parseUpstreamPath(before);
  const result = rewrite(config, url);
  const what = describeConfig(config);
  if (!result) return next(`${what}: ${url.path} does not match, unchanged`);
  if (result.header) ctx.upstream.headers.append(result.header[0], result.header[1]);
  if (result.error) {
    // Traefik answers with http.Error: the message, a newline, text/plain.
    return reply(500, `${what}: ${result.error} → 500`, {
      headers: [['Content-Type', 'text/plain; charset=utf-8'], ['X-Content-Type-Options', 'nosniff']],
      body: `${result.error}\n`,
    });
  }
  ctx.upstream.path = formatUpstreamPath(result.url, query);
  const added = result.header ? ` (${result.header[0]}: ${result.header[1]})` : '';
  return next(`${what}: ${before} → ${ctx.upstream.path}${added}`, { from: before, to: ctx.upstream.path });
}

export const pathRewritePlugin: PluginDefinition<PathRewriteConfig> = {
  id: PATH_REWRITE_ID,
  // Only Traefik uses it, and Traefik runs middlewares in declared order; the number matters nowhere.
  priority: 800,
  parse: parsePathRewriteConfig,
  create(config): PluginHooks {
    return { access: (ctx: RequestContext) => applyPathRewrite(config, ctx) };
  },
};
