/**
 * The request-termination plugin: Kong's `request-termination` (PRIORITY 2, access phase;
 * kong/plugins/request-termination/handler.lua `access`). The last access plugin to run, so auth,
 * ip-restriction and rate limits have had their say before it answers in the upstream's place.
 *
 * - `trigger` set and neither a header nor a query argument of that name present → nothing happens.
 * - `echo` → `status_code` and a JSON copy of the request (for debugging a route).
 * - `body` → that body, with `content_type`.
 * - otherwise `{"message": message}`, message defaulting to Kong's text for a few codes
 *   (DEFAULT_RESPONSE); a code without one and no message answers with no body at all.
 */
import { next, reply, type PluginDefinition, type PluginHooks, type RequestContext, type Verdict } from '../../pipeline/types.ts';
import { kongJsonReply } from '../kit/kong-auth.ts';
import { parseQuery } from '../kit/query.ts';
import { parseRequestTerminationConfig, type RequestTerminationConfig } from './config.ts';

/** handler.lua DEFAULT_RESPONSE: the message when none is configured. */
const DEFAULT_RESPONSE: Readonly<Record<number, string>> = {
  401: 'Unauthorized',
  404: 'Not found',
  405: 'Method not allowed',
  500: 'An unexpected error occurred',
  502: 'Bad Gateway',
  503: 'Service unavailable',
};

export const requestTerminationPlugin: PluginDefinition<RequestTerminationConfig> = {
  id: 'request-termination',
  priority: 2,
  parse: parseRequestTerminationConfig,
  create(config): PluginHooks {
    return { access: (ctx) => terminate(config, ctx) };
  },
};

/**
 * Whether the trigger is on the request. Kong looks it up in get_headers() (names compared without
 * case) and in get_query() (exact name); any value, even an empty one or `?name` alone, is "present".
 */
function triggerFound(ctx: RequestContext, name: string): string | undefined {
  if (ctx.upstream.headers.has(name)) return `header ${name}`;
  if (parseQuery(ctx.request.query).some((a) => a.name === name)) return `query argument ${name}`;
  return undefined;
}

function echoBody(ctx: RequestContext, message: string | undefined): Record<string, unknown> {
  const query: Record<string, string | true | Array<string | true>> = {};
  for (const a of parseQuery(ctx.request.query)) {
    const v = a.value ?? true;
    const had = query[a.name];
    query[a.name] = had === undefined ? v : Array.isArray(had) ? [...had, v] : [had, v];
  }
  const route = ctx.match?.route;
  const service = ctx.match?.service;
  return {
    ...(message !== undefined ? { message } : {}),
    request: {
      scheme: ctx.request.scheme,
      host: ctx.request.host.replace(/:\d+$/, ''),
      port: ctx.request.port,
      headers: ctx.upstream.headers.toJSON(),
      query,
      raw_body: ctx.request.body ?? '',
      method: ctx.request.method,
      path: ctx.request.path,
    },
    ...(route ? { matched_route: { id: route.id, name: route.name } } : {}),
    ...(service ? { matched_service: { id: service.id, name: service.name } } : {}),
  };
}

function terminate(config: RequestTerminationConfig, ctx: RequestContext): Verdict {
  const status = config.status_code;
  let because = '';
  if (config.trigger !== undefined) {
    const found = triggerFound(ctx, config.trigger);
    if (!found) return next(`request-termination: trigger ${config.trigger} is neither a header nor a query argument of this request, so it passes`);
    because = ` because the request carries the trigger (${found})`;
  }
  const message = config.message ?? DEFAULT_RESPONSE[status];
  if (config.echo) {
    return kongJsonReply(status, echoBody(ctx, message), [], `request-termination: ${status} with an echo of the request${because}`, { status });
  }
  if (config.body !== undefined && config.body !== '') {
    const headers: Array<[string, string]> = config.content_type ? [['Content-Type', config.content_type]] : [];
    return reply(status, `request-termination: ${status} with the configured ${config.body.length}-byte body${because}`, { headers, body: config.body, data: { status } });
  }
  if (message === undefined) return reply(status, `request-termination: ${status} with no body (no message, and Kong has no default text for ${status})${because}`, { data: { status } });
  return kongJsonReply(status, { message }, [], `request-termination: ${status} {"message":"${message}"}${because}`, { status, message });
}
