/**
 * nginx's $request_length (semantics §11; nginx ngx_http_request.c and ngx_http_request_body.c):
 * the request as received — the request line with its CRLF, every header line with its CRLF, the
 * empty line that ends the header block, and the body bytes read from the socket. Bytes are counted
 * per request, so a keep-alive connection's later requests count only their own.
 *
 * Both hosts rebuild the head from what their parser kept: Node's rawHeaders in `gatelab serve`, the
 * trace's headers in the simulation and the lab. Node drops the whitespace around a header value and
 * the lines' exact spelling, so a line is counted as `Name: value CRLF`, the form clients send.
 */
import type { HeaderRecord } from '../trace/events.ts';

/** ` HTTP/1.1\r\n` after the target, the space after the method, and the empty line's CRLF. */
const LINE_AND_END = 1 + 1 + 'HTTP/1.1'.length + 2 + 2;
/** `: ` and the CRLF around a header line's name and value. */
const PER_HEADER = 4;

/**
 * The request line and header block from Node's parser: `rawHeaders` alternates names and values as
 * received, read as Latin-1 (one character per byte, so a length is a byte count). `target` is the
 * request target as the client wrote it (before any rewrite of an absolute-form target).
 */
export function rawHeadLength(method: string, target: string, rawHeaders: readonly string[]): number {
  let n = method.length + target.length + LINE_AND_END;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) n += (rawHeaders[i] as string).length + (rawHeaders[i + 1] as string).length + PER_HEADER;
  return n;
}

/**
 * The same count from a trace's request.start (level `full`): its method, the target cut from its URL
 * as written, and its headers (a repeated header is one line per value). Values are text, sent as
 * UTF-8. The body is the Content-Length the request declared: the trace records no request body, and
 * nginx reads (or discards) all of it before it logs.
 */
export function traceRequestLength(method: string, url: string, headers: HeaderRecord): number {
  let n = method.length + utf8Length(targetOf(url)) + LINE_AND_END;
  let body = 0;
  for (const name in headers) {
    const value = headers[name] as string | string[];
    if (typeof value === 'string') n += name.length + utf8Length(value) + PER_HEADER;
    else for (const one of value) n += name.length + utf8Length(one) + PER_HEADER;
    if (name === 'content-length') body = declaredLength(typeof value === 'string' ? value : (value[0] ?? ''));
  }
  return n + body;
}

/** A Content-Length value as a byte count, 0 when it is not one plain decimal number. */
export function declaredLength(value: string): number {
  if (value.length === 0 || value.length > 15) return 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return 0;
  }
  return Number(value);
}

/** `/path?query` of `scheme://authority/path?query` as written (no normalising), `/` when it has none. */
function targetOf(url: string): string {
  const scheme = url.indexOf('://');
  if (scheme < 0) return url;
  const slash = url.indexOf('/', scheme + 3);
  const query = url.indexOf('?', scheme + 3);
  if (slash < 0 || (query >= 0 && query < slash)) return query < 0 ? '/' : `/${url.slice(query)}`;
  return url.slice(slash);
}

/** Bytes of a string in UTF-8, without an encoder (this module also runs in the lab's browser). */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      // A surrogate pair: 4 bytes for its 2 units.
      n += 2;
      i++;
    } else n += 2; // the rest of the BMP, and a lone surrogate (written as U+FFFD, 3 bytes)
  }
  return n;
}
