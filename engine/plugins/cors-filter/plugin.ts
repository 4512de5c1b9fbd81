/**
 * The cors-filter plugin: Gateway API's experimental CORS filter, as Envoy's CORS filter answers it
 * (Envoy Gateway's data plane). A preflight (OPTIONS with Origin and Access-Control-Request-Method)
 * from an admitted origin is answered by the gateway itself: 200, the origin echoed, the allowed
 * methods and headers (a `*` echoes what the browser asked for, so it also works with credentials),
 * Max-Age. An actual request from an admitted origin goes to the backend and its response gets
 * Allow-Origin (echoed), Allow-Credentials and Expose-Headers. A request from any other origin passes
 * untouched, without CORS headers: the browser, not the gateway, then refuses it.
 */
import { next, reply, type PluginDefinition, type PluginHooks, type RequestContext } from '../../pipeline/types.ts';
import { originAllowed, parseCorsFilterConfig, type CorsFilterConfig } from './config.ts';

const VARS = 'cors-filter';

function preflightHeaders(config: CorsFilterConfig, ctx: RequestContext, origin: string): Array<[string, string]> {
  const h = ctx.request.headers;
  const out: Array<[string, string]> = [['access-control-allow-origin', origin]];
  if (config.allowCredentials) out.push(['access-control-allow-credentials', 'true']);
  const requestedMethod = h.get('access-control-request-method') ?? '';
  const methods = config.allowMethods.includes('*') ? requestedMethod : config.allowMethods.join(', ');
  if (methods) out.push(['access-control-allow-methods', methods]);
  const requestedHeaders = h.get('access-control-request-headers') ?? '';
  const headers = config.allowHeaders.includes('*') ? requestedHeaders : config.allowHeaders.join(', ');
  if (headers) out.push(['access-control-allow-headers', headers]);
  if (config.exposeHeaders.length > 0) out.push(['access-control-expose-headers', config.exposeHeaders.join(', ')]);
  out.push(['access-control-max-age', String(config.maxAge)]);
  return out;
}

export const corsFilterPlugin: PluginDefinition<CorsFilterConfig> = {
  id: 'cors-filter',
  priority: 2000,
  parse: parseCorsFilterConfig,
  create(config): PluginHooks {
    return {
      access(ctx) {
        const origin = ctx.request.headers.get('origin');
        if (origin === undefined) return next('no Origin header: not a CORS request');
        if (!originAllowed(config.allowOrigins, origin)) return next(`origin ${origin} is not in allowOrigins: no CORS headers`);
        const preflight = ctx.request.method === 'OPTIONS' && ctx.request.headers.has('access-control-request-method');
        if (preflight) return reply(200, `CORS preflight from ${origin} answered by the gateway`, { headers: preflightHeaders(config, ctx, origin), body: '' });
        ctx.vars[VARS] = origin;
        return next(`origin ${origin} admitted; CORS headers go on the response`);
      },
      response(ctx) {
        const origin = ctx.vars[VARS] as string | undefined;
        const headers = ctx.response?.headers;
        if (origin === undefined || !headers) return next('no CORS headers to add');
        headers.set('access-control-allow-origin', origin);
        if (config.allowCredentials) headers.set('access-control-allow-credentials', 'true');
        if (config.exposeHeaders.length > 0) headers.set('access-control-expose-headers', config.exposeHeaders.join(', '));
        return next(`added Access-Control-Allow-Origin: ${origin}`);
      },
    };
  },
};
