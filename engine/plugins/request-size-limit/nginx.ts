/**
 * nginx's `client_max_body_size` (ngx_http_core_module), which ingress-nginx renders in every location
 * from the `proxy-body-size` annotation or, without it, the ConfigMap's `proxy-body-size` ("1m").
 *
 * nginx checks it twice, at two different moments of a request:
 * - ngx_http_core_find_config_phase, right after the location is chosen and before any rewrite-phase
 *   work: a declared Content-Length strictly greater than the limit is answered 413 and the body is
 *   discarded unread. `findConfigCheck` below is that check; the ingress-nginx dialect runs it where it
 *   picks the location, so it comes before redirects, limit_req and auth_request, as in nginx.
 * - while reading the body (ngx_http_request_body_chunked_filter), which proxy_pass does in the content
 *   phase: a chunked body is counted as it arrives and refused once it passes the limit. The plugin's
 *   nginx flavour (`nginxHooks`) is that read.
 * `0` disables both. Sizes are ngx_parse_offset's: digits with an optional k, m or g (1024-based, either case).
 */
import { next, reply, type PluginHooks, type RequestContext, type Verdict } from '../../pipeline/types.ts';
import type { HeaderMap } from '../../pipeline/headers.ts';

/** nginx's own 413 page (ngx_http_special_response.c, server_tokens off: the footer is just "nginx"). */
export const NGINX_413_BODY =
  '<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n<center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
export const NGINX_413_HEADERS: Array<[string, string]> = [['Content-Type', 'text/html']];

/** client_max_body_size's own default, and ingress-nginx's ConfigMap default for proxy-body-size. */
export const NGINX_DEFAULT_BODY_SIZE = '1m';

const UNIT: Record<string, number> = { '': 1, k: 1024, m: 1024 * 1024, g: 1024 * 1024 * 1024 };

/** ngx_parse_offset: bytes for "8m", "512k", "0"; undefined for anything nginx would refuse. */
export function parseNginxSize(text: string): number | undefined {
  const m = /^(\d+)([kKmMgG]?)$/.exec(text.trim());
  if (!m) return undefined;
  const bytes = Number(m[1]) * (UNIT[(m[2] ?? '').toLowerCase()] as number);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** A location's limit: as written (for reasons), in bytes, and where it came from. */
export interface NginxBodyLimit {
  value: string;
  bytes: number;
  /** "proxy-body-size annotation", "proxy-body-size default", …: named in every reason. */
  origin: string;
}

function describe(limit: NginxBodyLimit): string {
  return `client_max_body_size ${limit.value} (${limit.origin})`;
}

/** nginx sets content_length_n to -1 for a chunked request: then only the read can tell. */
function upFrontLength(headers: HeaderMap): number | undefined {
  if (headers.getAll('transfer-encoding').length > 0) return undefined;
  const all = headers.getAll('content-length');
  if (all.length !== 1) return undefined;
  const text = (all[0] as string).trim();
  return /^\d+$/.test(text) ? Number(text) : undefined;
}

/**
 * The find-config check: the reason for a 413 when the declared Content-Length is over the limit,
 * else undefined. Equal to the limit passes (nginx compares `client_max_body_size < content_length_n`).
 */
export function findConfigCheck(headers: HeaderMap, limit: NginxBodyLimit): string | undefined {
  if (limit.bytes === 0) return undefined;
  const length = upFrontLength(headers);
  if (length === undefined || length <= limit.bytes) return undefined;
  return `Content-Length ${length} > ${describe(limit)} → 413, the body discarded unread`;
}

function refuse(reason: string, data: Record<string, number | null>): Verdict {
  return reply(413, reason, { headers: NGINX_413_HEADERS, body: NGINX_413_BODY, data });
}

/** How a read body is measured is the caller's (plugin.ts shares one reader between the flavours). */
export type MeasureBody = (ctx: RequestContext, maxBytes: number, purpose: string, reason: string, then: (bytes: number | 'over') => Verdict) => Verdict;

export function nginxHooks(limit: NginxBodyLimit, measure: MeasureBody): PluginHooks {
  const what = describe(limit);
  return {
    access(ctx) {
      if (limit.bytes === 0) return next(`${what}: 0 means no limit`);
      // Standing alone the flavour checks a declared length itself; behind the ingress-nginx dialect
      // that check has already run at find-config time, so here it only ever passes.
      const refused = findConfigCheck(ctx.upstream.headers, limit);
      if (refused) return refuse(refused, { bytes: upFrontLength(ctx.upstream.headers) ?? null, max: limit.bytes });
      const declared = upFrontLength(ctx.upstream.headers);
      if (declared !== undefined) return next(`Content-Length ${declared} ≤ ${what}`, { bytes: declared, max: limit.bytes });
      // No length up front: proxy_pass reads the body (request buffering on) and the chunked filter
      // refuses it as soon as the bytes read pass the limit.
      return measure(ctx, limit.bytes, 'client_max_body_size body', `reading the chunked body, at most ${limit.bytes} bytes`, (bytes) => {
        if (bytes === 'over') return refuse(`chunked body: more than ${limit.bytes} bytes read > ${what} → 413`, { bytes: null, max: limit.bytes });
        if (bytes > limit.bytes) return refuse(`chunked body: ${bytes} bytes > ${what} → 413`, { bytes, max: limit.bytes });
        return next(`body ${bytes} bytes ≤ ${what}`, { bytes, max: limit.bytes });
      });
    },
  };
}
