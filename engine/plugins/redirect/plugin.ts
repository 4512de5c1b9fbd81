/**
 * The redirect plugin: Traefik's redirectScheme and redirectRegex. Both rebuild the URL the client
 * asked for, rewrite it with a regular expression and, when the result differs, answer 302 (GET) or
 * 307 (other methods) — 301 / 308 when permanent — with a Location header and the status text as
 * body; when it does not differ the request goes on. redirectScheme reads the scheme from
 * X-Forwarded-Proto (which Traefik's entryPoint has set) and drops the default port of the target
 * scheme. Source: traefik/traefik pkg/middlewares/redirect/{redirect.go,redirect_scheme.go,redirect_regex.go}.
 */
import { next, reply, type PluginDefinition, type PluginHooks, type RequestContext, type Verdict } from '../../pipeline/types.ts';
import { compileGoRegex, goMatch, goReplaceAll } from '../../routing/traefik-regex.ts';
import { parseRedirectConfig, type RedirectConfig } from './config.ts';

export const REDIRECT_ID = 'redirect';

const URI = /^(https?):\/\/(\[[\w:.]+\]|[\w._-]+)?(:\d+)?(.*)$/;
const SCHEME_PATTERN = String.raw`^(https?:\/\/)?(\[[\w:.]+\]|[\w\._-]+)?(:\d+)?(.*)$`;
const STATUS_TEXT: Record<number, string> = { 301: 'Moved Permanently', 302: 'Found', 307: 'Temporary Redirect', 308: 'Permanent Redirect' };

/** Go's net.SplitHostPort on the Host header: [host, ':port'] or [whole, ''] when there is no port. */
function splitHostPort(host: string): [string, string] {
  const m = /^\[([^\]]*)\]:(\d*)$/.exec(host) ?? /^([^:]*):(\d*)$/.exec(host);
  return m ? [m[1]?.includes(':') ? `[${m[1]}]` : (m[1] as string), `:${m[2] ?? ''}`] : [host, ''];
}

/** The URL as the client asked for it: scheme, Host header and the request URI. */
export function clientUrl(ctx: RequestContext, forScheme: boolean): string {
  const r = ctx.request;
  let scheme = r.scheme;
  let host = r.host;
  let port = '';
  if (forScheme) {
    [host, port] = splitHostPort(r.host);
    const xfp = (ctx.upstream.headers.get('X-Forwarded-Proto') ?? '').toLowerCase();
    if (xfp === 'http' || xfp === 'ws') scheme = 'http';
    else if (xfp === 'https' || xfp === 'wss') scheme = 'https';
    if ((scheme === 'http' && port === ':80') || (scheme === 'https' && port === ':443')) port = '';
  }
  // The request URI as it stands now (a path middleware before this one has rewritten it).
  let uri = ctx.upstream.path;
  const abs = URI.exec(uri);
  if (abs) {
    scheme = abs[1] as 'http' | 'https';
    if (abs[2]) host = abs[2];
    if (abs[3]) port = abs[3];
    uri = abs[4] ?? '';
  }
  return `${scheme}://${host}${port}${uri}`;
}

function redirect(config: RedirectConfig, ctx: RequestContext): Verdict {
  const isScheme = config.type === 'redirectScheme';
  const port = isScheme && config.port !== '' && !((config.scheme === 'http' && config.port === '80') || (config.scheme === 'https' && config.port === '443')) ? `:${config.port}` : '';
  const pattern = isScheme ? SCHEME_PATTERN : config.regex;
  const replacement = isScheme ? `${config.scheme}://\${2}${port}\${4}` : config.replacement;
  const c = compileGoRegex(pattern);
  if (!c.ok) return next(`invalid regular expression ${pattern}; request passes`);
  const oldUrl = clientUrl(ctx, isScheme);
  const what = isScheme ? `redirectScheme to ${config.scheme}${port}` : `redirectRegex ${config.regex}`;
  if (!goMatch(c.re, oldUrl)) return next(`${what}: ${oldUrl} does not match, request passes`);
  const newUrl = goReplaceAll(c.re, oldUrl, replacement);
  if (newUrl === oldUrl) return next(`${what}: ${oldUrl} is already where it should be, request passes`);
  const get = ctx.request.method === 'GET';
  const status = config.permanent ? (get ? 301 : 308) : get ? 302 : 307;
  return reply(status, `${what}: ${oldUrl} → ${newUrl} (${status}${get ? '' : ', not a GET so the method is kept'})`, {
    headers: [['Location', newUrl], ['Content-Type', 'text/plain; charset=utf-8']],
    body: STATUS_TEXT[status] ?? '',
  });
}

export const redirectPlugin: PluginDefinition<RedirectConfig> = {
  id: REDIRECT_ID,
  priority: 800,
  parse: parseRedirectConfig,
  create(config): PluginHooks {
    return { access: (ctx) => redirect(config, ctx) };
  },
};
