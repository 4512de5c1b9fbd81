/**
 * Kong's `kong.response.error(status, message)` (semantics §1, §6): the body's format follows the
 * request's `Accept` header — JSON, HTML, XML or plain text — and every format carries the message and
 * the request id. Kong's own rules, read from `kong/pdk/response.lua` and `kong/tools/http.lua`
 * (`get_response_type`, `get_mime_type`, `get_error_template`), are in docs/dialects/kong.md
 * ("Error bodies"). Plugins that answer with `kong.response.exit` and a table (jwt) do not come here;
 * the answers Kong's error handler writes (502/504 from nginx, a plugin's Lua error) are in
 * kong-error-handler.ts, which shares the negotiation and templates below.
 */
import type { HeaderMap } from '../../pipeline/headers.ts';
import { reply, type DecisionData, type RequestContext, type Verdict } from '../../pipeline/types.ts';
import { BoundedMemo } from './bounded-memo.ts';

/** The formats Kong can answer in. `grpc-empty`: an Accept of `application/grpc` maps to Kong's empty gRPC entry. */
export type KongErrorFormat = 'json' | 'html' | 'xml' | 'plain' | 'grpc-empty';

/** The Content-Type Kong sends with each format (none with grpc-empty, whose entry is the empty string). */
export const KONG_ERROR_CONTENT_TYPES: Readonly<Record<KongErrorFormat, string | undefined>> = {
  json: 'application/json; charset=utf-8',
  html: 'text/html; charset=utf-8',
  xml: 'application/xml; charset=utf-8',
  plain: 'text/plain; charset=utf-8',
  'grpc-empty': undefined,
};

/** Kong's table of exact media types (keys are compared case-sensitively, as Kong's Lua table does). */
const EXACT_TYPES: ReadonlyMap<string, KongErrorFormat> = new Map([
  ['application/json', 'json'],
  ['text/html', 'html'],
  ['application/xml', 'xml'],
  ['text/plain', 'plain'],
  ['application/grpc', 'grpc-empty'],
]);

// Kong's pattern, split in three so each parameter can be read one at a time: a JS regex forgets a
// capture made in an earlier round of a repeated group, PCRE keeps the last one that matched.
const TOKEN = '[a-z0-9][a-z0-9!#$&^_+.\\-]+';
const LUA_SPACE = '[ \\t\\n\\v\\f\\r]*';
const MEDIA_RANGE = new RegExp(`^((?:${TOKEN}|\\*)/(?:${TOKEN}|\\*))`, 'i');
const Q_PARAM = new RegExp(`${LUA_SPACE};${LUA_SPACE}q=(1(?:\\.0{0,3})?|0(?:\\.[0-9]{0,3})?)`, 'iy');
const OTHER_PARAM = new RegExp(`${LUA_SPACE};${LUA_SPACE}${TOKEN}(?:=[^;]*)?`, 'iy');
const EDGE_SPACE = /^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g;

/** One media range as Kong reads it: its type and q, or undefined when Kong's pattern does not match. */
export function readMediaRange(range: string): { mediaType: string; q: number } | undefined {
  const part = range.replace(EDGE_SPACE, '');
  const m = MEDIA_RANGE.exec(part);
  if (!m) return undefined;
  let at = m[0].length;
  let q: string | undefined;
  // Parameters in order; the first one neither pattern reads ends the range (Kong's pattern is not
  // anchored at the end, so what follows is ignored). A q Kong cannot read (q=.5, q=2) is no q at all.
  for (;;) {
    Q_PARAM.lastIndex = at;
    const qm = Q_PARAM.exec(part);
    if (qm) {
      q = qm[1];
      at = Q_PARAM.lastIndex;
      continue;
    }
    OTHER_PARAM.lastIndex = at;
    if (!OTHER_PARAM.exec(part)) break;
    at = OTHER_PARAM.lastIndex;
  }
  return { mediaType: m[1] as string, q: q === undefined ? 1 : Number(q) };
}

/** Kong's get_mime_type for one media type: wildcards by their main type, unknown types as JSON. */
export function formatOfMediaType(mediaType: string): KongErrorFormat {
  const slash = mediaType.indexOf('/');
  const main = mediaType.slice(0, slash);
  const sub = mediaType.slice(slash + 1);
  if (sub === '*') return main === 'text' ? 'plain' : 'json';
  return EXACT_TYPES.get(mediaType) ?? 'json';
}

/**
 * Kong's get_response_type: the first range with the highest q wins — even one Kong does not know,
 * which then means JSON. A range with q=0 is never chosen; no Accept, or nothing readable, is JSON.
 */
export function negotiateKongErrorFormat(accept: string | undefined): KongErrorFormat {
  if (accept === undefined) return 'json';
  return FORMAT_MEMO.get(accept, negotiate);
}

/** Clients repeat their Accept header: remembering the answer saves re-reading every range (µs per 429). */
const FORMAT_MEMO = new BoundedMemo<KongErrorFormat>(256);

function negotiate(accept: string): KongErrorFormat {
  let format: KongErrorFormat = 'json';
  let best = 0;
  for (const range of accept.split(',')) {
    const read = readMediaRange(range);
    if (read && read.q > best) {
      best = read.q;
      format = formatOfMediaType(read.mediaType);
    }
  }
  return format;
}

/** The Accept header as Kong reads it: several lines are joined with commas, as if one. */
export function acceptOf(headers: HeaderMap): string | undefined {
  const lines = headers.getAll('accept');
  return lines.length === 0 ? undefined : lines.join(',');
}

/**
 * The body of one format: Kong's templates (`ERROR_TEMPLATES` in kong/tools/http.lua) byte for byte,
 * message and id inserted unescaped as Kong's string.format does — even into the JSON, so a message
 * with a quote gives JSON no parser accepts, as Kong's does.
 */
export function kongErrorBody(format: KongErrorFormat, message: string, requestId: string): string {
  switch (format) {
    case 'json':
      // Four lines and no newline at the end: a real Kong 3.10's router 404 has Content-Length 103.
      return `{\n  "message":"${message}",\n  "request_id":"${requestId}"\n}`;
    case 'html':
      return (
        '<!doctype html>\n<html>\n  <head>\n    <meta charset="utf-8">\n    <title>Error</title>\n  </head>\n' +
        `  <body>\n    <h1>Error</h1>\n    <p>${message}.</p>\n    <p>request_id: ${requestId}</p>\n  </body>\n</html>\n`
      );
    case 'xml':
      return `<?xml version="1.0" encoding="UTF-8"?>\n<error>\n  <message>${message}</message>\n  <requestid>${requestId}</requestid>\n</error>\n`;
    case 'plain':
      return `${message}\nrequest_id: ${requestId}\n`;
    case 'grpc-empty':
      return '';
  }
}

export interface KongErrorResponse {
  format: KongErrorFormat;
  /** The Content-Type line, absent for grpc-empty. */
  headers: Array<[string, string]>;
  body: string;
}

/** Status aside, what kong.response.error sends for this message, request id and Accept header. */
export function kongErrorResponse(message: string, requestId: string, accept: string | undefined): KongErrorResponse {
  const format = negotiateKongErrorFormat(accept);
  const type = KONG_ERROR_CONTENT_TYPES[format];
  return { format, headers: type === undefined ? [] : [['Content-Type', type]], body: kongErrorBody(format, message, requestId) };
}

/**
 * A plugin's `kong.response.error` as a verdict: `headers` (WWW-Authenticate, rate-limit headers) come
 * first, then the Content-Type of the negotiated format. Accept is read from the request as plugins
 * that ran earlier left it, like Kong's ngx.req.get_headers().
 */
export function kongErrorReply(
  ctx: RequestContext,
  status: number,
  message: string,
  reason: string,
  opts: { headers?: ReadonlyArray<[string, string]>; data?: DecisionData } = {},
): Verdict {
  const answer = kongErrorResponse(message, ctx.request.id, acceptOf(ctx.upstream.headers));
  const headers = opts.headers ? [...opts.headers, ...answer.headers] : answer.headers;
  return reply(status, reason, { headers, body: answer.body, ...(opts.data ? { data: opts.data } : {}) });
}
