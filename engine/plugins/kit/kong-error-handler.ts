/**
 * Kong's error handler (`kong/error_handlers.lua`, 3.x; semantics §1, §6): the answer Kong writes when
 * nginx itself ends a request with an error status — 502 after the upstream refused or broke the
 * connection, 504 after it timed out — or when a plugin raised a Lua error (500). Unlike
 * `kong.response.error` it does not read a message from its caller: the status picks one from a fixed
 * table, and the format falls back differently when the request has no Accept header.
 */
import type { HeaderMap } from '../../pipeline/headers.ts';
import { reply, type DecisionData, type RequestContext, type Verdict } from '../../pipeline/types.ts';
import { KONG_ERROR_CONTENT_TYPES, kongErrorResponse, type KongErrorResponse } from './kong-error-response.ts';

/** The handler's message per status (its `BODIES` table); any other status is "The upstream server responded with <status>". */
const HANDLER_MESSAGES: ReadonlyMap<number, string> = new Map([
  [400, 'Bad request'],
  [404, 'Not found'],
  [405, 'Method not allowed'],
  [408, 'Request timeout'],
  [411, 'Length required'],
  [412, 'Precondition failed'],
  [413, 'Payload too large'],
  [414, 'URI too long'],
  [417, 'Expectation failed'],
  [500, 'An unexpected error occurred'],
  [502, 'An invalid response was received from the upstream server'],
  [503, 'The upstream server is currently unavailable'],
  [504, 'The upstream server is timing out'],
]);

/** kong.conf's `error_default_type`, used when the request has neither Accept nor Content-Type. */
export const KONG_ERROR_DEFAULT_TYPE = 'text/plain';

export function kongErrorHandlerMessage(status: number): string {
  return HANDLER_MESSAGES.get(status) ?? `The upstream server responded with ${status}`;
}

/**
 * What the handler reads as the format wish: the first Accept line (kong.request.get_header returns one
 * value), else the request's Content-Type, else error_default_type — so a request with neither gets
 * plain text here while kong.response.error would have answered JSON.
 */
export function kongErrorHandlerAccept(headers: HeaderMap): string {
  return headers.get('accept') ?? headers.get('content-type') ?? KONG_ERROR_DEFAULT_TYPE;
}

/**
 * The handler's answer for a status. An Accept that starts with `application/grpc` makes the message a
 * Lua table, which kong.response.exit sends as compact JSON without request_id; anything else goes
 * through the same negotiation and templates as kong.response.error.
 */
export function kongErrorHandlerResponse(status: number, requestId: string, headers: HeaderMap): KongErrorResponse {
  const message = kongErrorHandlerMessage(status);
  const accept = kongErrorHandlerAccept(headers);
  if (accept.startsWith('application/grpc')) {
    return { format: 'json', headers: [['Content-Type', KONG_ERROR_CONTENT_TYPES.json as string]], body: JSON.stringify({ message }) };
  }
  return kongErrorResponse(message, requestId, accept);
}

/**
 * A plugin's Lua error as a verdict (`error(err)` in Kong's handler): Kong answers 500 through its error
 * handler. Headers are read as earlier plugins left them, as nginx's internal redirect keeps them.
 */
export function kongLuaErrorReply(ctx: RequestContext, reason: string, data?: DecisionData): Verdict {
  const answer = kongErrorHandlerResponse(500, ctx.request.id, ctx.upstream.headers);
  return reply(500, reason, { headers: answer.headers, body: answer.body, ...(data ? { data } : {}) });
}
