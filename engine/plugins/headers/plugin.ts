/**
 * The headers plugin: Traefik's `headers` middleware. In the access phase it answers a CORS preflight
 * itself and edits the request headers (customRequestHeaders; `""` deletes, `Host` changes the Host
 * that goes upstream). In the response phase — only for responses that came back through it, as a
 * Go middleware only sees what its inner handler wrote — it writes the security headers, then the
 * custom response headers (`""` deletes), then CORS. Source: traefik/traefik
 * pkg/middlewares/headers/{headers.go,header.go,secure.go}.
 */
import { next, reply, type PluginDefinition, type PluginHooks, type RequestContext, type Verdict } from '../../pipeline/types.ts';
import { compileGoRegex, goMatch } from '../../routing/traefik-regex.ts';
import { parseHeadersConfig, type CorsConfig, type HeadersConfig } from './config.ts';

export const HEADERS_ID = 'headers';

function originAllowed(cors: CorsConfig, origin: string): string | undefined {
  for (const item of cors.allowOriginList) if (item === '*' || item === origin) return item;
  for (const p of cors.allowOriginListRegex) {
    const c = compileGoRegex(p);
    if (c.ok && goMatch(c.re, origin)) return origin;
  }
  return undefined;
}

function preflight(cors: CorsConfig, ctx: RequestContext): Verdict | undefined {
  const h = ctx.request.headers;
  const method = h.get('Access-Control-Request-Method') ?? '';
  const origin = h.get('Origin') ?? '';
  if (method === '' || origin === '' || ctx.request.method !== 'OPTIONS') return undefined;
  const headers: Array<[string, string]> = [];
  if (cors.allowCredentials) headers.push(['Access-Control-Allow-Credentials', 'true']);
  if (cors.allowHeaders.length) headers.push(['Access-Control-Allow-Headers', cors.allowHeaders.join(',')]);
  if (cors.allowMethods.length) headers.push(['Access-Control-Allow-Methods', cors.allowMethods.join(',')]);
  const allowed = originAllowed(cors, origin);
  if (allowed !== undefined) headers.push(['Access-Control-Allow-Origin', allowed]);
  headers.push(['Access-Control-Max-Age', String(cors.maxAge)]);
  return reply(200, `CORS preflight from ${origin} for ${method}: answered by the headers middleware${allowed === undefined ? ' (origin not allowed: no Access-Control-Allow-Origin)' : ''}`, { headers, body: '' });
}

function access(config: HeadersConfig, marker: string, ctx: RequestContext): Verdict {
  if (config.cors) {
    const answered = preflight(config.cors, ctx);
    if (answered) return answered;
  }
  ctx.vars[marker] = true;
  const done: string[] = [];
  for (const [name, value] of config.customRequestHeaders) {
    if (value === '') {
      ctx.upstream.headers.delete(name);
      done.push(`removed ${name}`);
    } else if (name.toLowerCase() === 'host') {
      ctx.upstream.host = value;
      ctx.upstream.headers.set('Host', value);
      done.push(`Host → ${value}`);
    } else {
      ctx.upstream.headers.set(name, value);
      done.push(`${name}: ${value}`);
    }
  }
  return next(done.length ? `request headers: ${done.join('; ')}` : 'no request headers to change');
}

function response(config: HeadersConfig, marker: string, ctx: RequestContext): Verdict {
  const headers = ctx.response?.headers;
  // A response made before this middleware ran (an earlier middleware's 429) never passes through it.
  if (!headers || ctx.vars[marker] !== true) return next('the response did not pass through this middleware');
  const done: string[] = [];
  for (const [name, value] of config.security) {
    headers.set(name, value);
    done.push(`${name}: ${value}`);
  }
  if (config.sts && (config.sts.force || ctx.request.scheme === 'https')) {
    headers.set('Strict-Transport-Security', config.sts.value);
    done.push(`Strict-Transport-Security: ${config.sts.value}`);
  }
  for (const [name, value] of config.customResponseHeaders) {
    if (value === '') {
      headers.delete(name);
      done.push(`removed ${name}`);
    } else {
      headers.set(name, value);
      done.push(`${name}: ${value}`);
    }
  }
  const cors = config.cors;
  if (cors) {
    const allowed = originAllowed(cors, ctx.request.headers.get('Origin') ?? '');
    if (allowed !== undefined) headers.set('Access-Control-Allow-Origin', allowed);
    if (cors.allowCredentials) headers.set('Access-Control-Allow-Credentials', 'true');
    if (cors.exposeHeaders.length) headers.set('Access-Control-Expose-Headers', cors.exposeHeaders.join(','));
    if (cors.addVaryHeader) {
      const vary = headers.get('Vary') ?? '';
      if (vary !== 'Origin') headers.set('Vary', vary ? `${vary},Origin` : 'Origin');
    }
    done.push('CORS headers');
  }
  return next(done.length ? `response headers: ${done.join('; ')}` : 'no response headers to change');
}

export const headersPlugin: PluginDefinition<HeadersConfig> = {
  id: HEADERS_ID,
  priority: 800,
  parse: parseHeadersConfig,
  create(config, env): PluginHooks {
    const marker = `headers:${env.instanceId}`;
    return {
      access: (ctx) => access(config, marker, ctx),
      response: (ctx) => response(config, marker, ctx),
    };
  },
};
