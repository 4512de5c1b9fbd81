/**
 * Refuse a request body over a size, in Kong's way or Traefik's (config.ts names the two flavours).
 *
 * Kong `request-size-limiting` (PRIORITY 951, access; Kong/kong kong/plugins/request-size-limiting/
 * handler.lua, `access` and `check_size`):
 * - A numeric Content-Length is compared with the limit without reading the body.
 * - Without one: `require_content_length` answers 411 unless Transfer-Encoding is exactly `chunked`;
 *   otherwise the body is read (kong.request.get_raw_body, or the temporary file's size) and its
 *   length compared — a chunked body is counted.
 * - Over the limit (strictly greater): 417 when `Expect: 100-continue`, else 413, both through
 *   kong.response.error with "Request size limit exceeded".
 *
 * Traefik `buffering` (vulcand/oxy buffer/buffer.go, `checkLimit` and the multibuf read): a
 * Content-Length over maxRequestBodyBytes is refused before reading; a body without one (chunked) is
 * read up to the limit and refused past it; both answer 413 `Request Entity Too Large`
 * (SizeErrHandler). 0 means no limit.
 *
 * nginx `client_max_body_size` (ingress-nginx's proxy-body-size): see nginx.ts.
 */
import { replaceReadStream } from '../../pipeline/read-body.ts';
import { next, reply, wait, type EffectResult, type PluginDefinition, type PluginHooks, type RequestContext, type Verdict } from '../../pipeline/types.ts';
import type { HeaderMap } from '../../pipeline/headers.ts';
import { kongErrorReply } from '../kit/kong-error-response.ts';
import { parseRequestSizeLimitConfig, type KongSizeConfig, type RequestSizeLimitConfig, type TraefikBufferingConfig } from './config.ts';
import { nginxHooks } from './nginx.ts';

export const REQUEST_SIZE_LIMIT_ID = 'request-size-limit';
/** Kong's request-size-limiting priority (semantics §6): after ip-restriction (990), before acl (950). */
export const REQUEST_SIZE_LIMIT_PRIORITY = 951;

const KONG_MESSAGE = 'Request size limit exceeded';
/** Go's http.StatusText(413), written with no Content-Type: net/http sniffs text/plain. */
const TRAEFIK_BODY = 'Request Entity Too Large';
const TRAEFIK_HEADERS: Array<[string, string]> = [['Content-Type', 'text/plain; charset=utf-8']];

/** The one Content-Length a request declares, when it is a number; a repeated header is none (Lua's tonumber of a table). */
export function declaredLength(headers: HeaderMap): number | undefined {
  const all = headers.getAll('content-length');
  if (all.length !== 1) return undefined;
  const text = (all[0] as string).trim();
  return /^\d+$/.test(text) ? Number(text) : undefined;
}

/** Bytes of a body a read-body effect returned: the proxy's Buffer, or the text a simulation holds. */
function bytesOf(result: Extract<EffectResult, { ok: true }>): number {
  const v = result.value;
  if (v instanceof Uint8Array) return v.byteLength;
  return utf8Bytes(typeof v === 'string' ? v : (result.body ?? ''));
}

function utf8Bytes(text: string): number {
  return new TextEncoder().encode(text).byteLength;
}

/**
 * The body has to be read to be measured: through a read-body effect when the host holds the
 * client's stream, else from the text the pipeline holds. `maxBytes` stops a read early: what is
 * past it changes no answer, and a proxy should not hold a huge body to say no to it.
 */
function measureBody(ctx: RequestContext, maxBytes: number, purpose: string, reason: string, then: (bytes: number | 'over') => Verdict): Verdict {
  const source = ctx.upstream.stream;
  if (source === undefined) return then(utf8Bytes(ctx.upstream.body ?? ''));
  return wait({ type: 'read-body', purpose, maxBytes, source }, reason, (result) => {
    if (!result.ok) return next(`${purpose}: the body could not be read (${result.error}); nothing to measure`);
    if (result.bodyTooLarge) return then('over');
    // The bytes read go upstream in place of the consumed stream, as both gateways forward the buffer.
    replaceReadStream(ctx, result);
    return then(bytesOf(result));
  });
}

function kongHooks(config: KongSizeConfig): PluginHooks {
  const limit = `allowed_payload_size ${config.allowed_payload_size} ${config.size_unit} (${config.allowedBytes} bytes)`;
  const check = (ctx: RequestContext, length: number | 'over', what: string): Verdict => {
    const data = { bytes: length === 'over' ? null : length, allowedBytes: config.allowedBytes };
    if (length !== 'over' && length <= config.allowedBytes) return next(`${what} ${length} bytes ≤ ${limit}`, data);
    const expect = ctx.upstream.headers.get('expect');
    const status = expect !== undefined && expect.trim().toLowerCase() === '100-continue' ? 417 : 413;
    const size = length === 'over' ? `more than ${config.allowedBytes}` : String(length);
    const why = status === 417 ? ' (417: the client sent Expect: 100-continue)' : '';
    return kongErrorReply(ctx, status, KONG_MESSAGE, `${what} ${size} bytes > ${limit} → ${status}${why}`, { data });
  };
  return {
    access(ctx) {
      const headers = ctx.upstream.headers;
      const cl = declaredLength(headers);
      if (cl !== undefined) return check(ctx, cl, 'Content-Length');
      const te = headers.getAll('transfer-encoding');
      if (config.require_content_length && !(te.length === 1 && te[0] === 'chunked')) {
        return kongErrorReply(ctx, 411, 'A valid Content-Length header is required', 'no valid Content-Length and no Transfer-Encoding: chunked, and require_content_length is on → 411');
      }
      // The body is read whole (nginx buffers it, to a file past client_body_buffer_size) and measured.
      const max = Math.max(0, config.allowedBytes);
      return measureBody(ctx, max, 'request-size-limiting body', 'no Content-Length: reading the body to measure it', (bytes) => check(ctx, bytes, 'body read:'));
    },
  };
}

function traefikHooks(config: TraefikBufferingConfig): PluginHooks {
  const max = config.maxRequestBodyBytes;
  const limit = `maxRequestBodyBytes ${max}`;
  const refuse = (size: string, data: Record<string, number | null>): Verdict =>
    reply(413, `${size} > ${limit} → 413`, { headers: TRAEFIK_HEADERS, body: TRAEFIK_BODY, data });
  return {
    access(ctx) {
      if (max <= 0) return next('maxRequestBodyBytes 0: no limit on the request body');
      const cl = declaredLength(ctx.upstream.headers);
      if (cl !== undefined && cl > max) return refuse(`Content-Length ${cl}`, { bytes: cl, max });
      // Go's ContentLength is -1 for a chunked body: only reading it tells its size.
      return measureBody(ctx, max, 'buffering body', `reading the request body, at most ${max} bytes`, (bytes) => {
        if (bytes === 'over') return refuse(`body read: more than ${max} bytes`, { bytes: null, max });
        if (bytes > max) return refuse(`body read: ${bytes} bytes`, { bytes, max });
        return next(`body ${bytes} bytes ≤ ${limit}`, { bytes, max });
      });
    },
  };
}

export function createRequestSizeLimitHooks(config: RequestSizeLimitConfig): PluginHooks {
  if (config.flavour === 'nginx') {
    return nginxHooks({ value: config.client_max_body_size, bytes: config.maxBytes, origin: config.origin }, measureBody);
  }
  return config.flavour === 'kong' ? kongHooks(config) : traefikHooks(config);
}

export const requestSizeLimitPlugin: PluginDefinition<RequestSizeLimitConfig> = {
  id: REQUEST_SIZE_LIMIT_ID,
  priority: REQUEST_SIZE_LIMIT_PRIORITY,
  parse: parseRequestSizeLimitConfig,
  create: (config) => createRequestSizeLimitHooks(config),
};
