/**
 * What the proxy checks on a request Node's parser has already accepted, before the pipeline sees it.
 * Node (llhttp, strict mode) refuses most smuggling forms itself — Content-Length with
 * Transfer-Encoding, repeated Content-Length, obs-fold, bare CR or LF, bad chunk sizes — and those
 * reach client-error-guard.ts instead. These are the ones it lets through:
 *
 * - More header lines than `maxHeaders` → 431 (Node's own cap silently drops the extra lines).
 * - A Transfer-Encoding other than exactly `chunked` → 400 when chunked is not the final coding (the
 *   body has no reliable end, RFC 9112 §6.3) and 501 when other codings come first (the proxy cannot
 *   undo them, RFC 9112 §7). Node passes `identity, chunked`, and calls the handler for `xchunked`
 *   before it notices.
 * - An HTTP version other than 1.0 and 1.1 → 505; HTTP/1.1 without Host → 400 (RFC 9112 §3.2).
 * - An absolute-form target (`GET http://a.example/x HTTP/1.1`): its authority is the host (RFC
 *   9112 §3.2.2), so one that disagrees with the Host header → 400; one that agrees is rewritten to
 *   origin-form. Userinfo in it, or another scheme → 400. Any other non-`/` target → 400.
 * A refused request's connection is closed and marked, so bytes after it (a smuggled second request
 * already in the buffer) are never handled.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

export interface ProxyLimits {
  /** Header lines a request may carry; more → 431. */
  maxHeaders: number;
  /** Bytes of request line plus headers (Node's maxHeaderSize); more → 431 from the parser. */
  maxHeaderBytes: number;
  /** Time for the client to send the whole header block; then 408 (Node's headersTimeout). */
  headersTimeoutMs: number;
  /** Time for the client to send the whole request, body included; then 408 (Node's requestTimeout). */
  requestTimeoutMs: number;
}

export const DEFAULT_LIMITS: ProxyLimits = { maxHeaders: 100, maxHeaderBytes: 16_384, headersTimeoutMs: 10_000, requestTimeoutMs: 60_000 };

export interface WireRefusal {
  status: 400 | 408 | 431 | 501 | 505;
  code: string;
  reason: string;
}

export type WireVerdict = { ok: true; url: string } | { ok: false; refusal: WireRefusal };

/** Connections that already got a refusal: anything more they send is dropped unread. */
const poisoned = new WeakSet<Socket>();

export function poison(socket: Socket): void {
  poisoned.add(socket);
}

export function isPoisoned(socket: Socket): boolean {
  return poisoned.has(socket);
}

const refuse = (status: WireRefusal['status'], code: string, reason: string): WireVerdict => ({ ok: false, refusal: { status, code, reason } });

/**
 * The header lines the checks read, gathered in one pass over rawHeaders (every request pays for it).
 * Host is nearly always one line and Transfer-Encoding nearly always absent: the first Host and a
 * count, and an array only for Transfer-Encoding lines, so a plain request allocates no arrays.
 */
interface FramingLines {
  transferEncoding: string[] | undefined;
  contentLength: number;
  firstHost: string | undefined;
  hosts: number;
}

function framingLines(req: IncomingMessage): FramingLines {
  const out: FramingLines = { transferEncoding: undefined, contentLength: 0, firstHost: undefined, hosts: 0 };
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    // Only names of these lengths can match: skips lower-casing almost every header.
    if (name.length === 4 && name.toLowerCase() === 'host') {
      if (out.hosts++ === 0) out.firstHost = raw[i + 1] as string;
    } else if (name.length === 14 && name.toLowerCase() === 'content-length') out.contentLength++;
    else if (name.length === 17 && name.toLowerCase() === 'transfer-encoding') (out.transferEncoding ??= []).push(raw[i + 1] as string);
  }
  return out;
}

function checkTransferEncoding(found: FramingLines): WireVerdict | undefined {
  const lines = found.transferEncoding;
  if (lines === undefined) return undefined;
  if (found.contentLength > 0) {
    return refuse(400, 'GL_E_TE_WITH_CL', 'the request has both Transfer-Encoding and Content-Length; send one of them');
  }
  const codings = lines.join(',').split(',').map((c) => c.trim().toLowerCase()).filter((c) => c !== '');
  if (codings.length === 1 && codings[0] === 'chunked') return undefined;
  if (codings[codings.length - 1] !== 'chunked') {
    return refuse(400, 'GL_E_TRANSFER_ENCODING', `Transfer-Encoding "${lines.join(', ')}" does not end in chunked, so the body has no end; send "Transfer-Encoding: chunked" or a Content-Length`);
  }
  return refuse(501, 'GL_E_TRANSFER_CODING', `Transfer-Encoding "${lines.join(', ')}" uses codings the proxy cannot pass on; send "Transfer-Encoding: chunked" only`);
}

/** Host without a default port, lower case, for comparing an absolute-form authority with Host. */
function comparableHost(host: string, scheme: string): string {
  const h = host.trim().toLowerCase();
  const defaultPort = scheme === 'https' ? ':443' : ':80';
  return h.endsWith(defaultPort) ? h.slice(0, -defaultPort.length) : h;
}

function checkTarget(req: IncomingMessage, host: string | undefined): WireVerdict {
  const url = req.url ?? '';
  if (url.startsWith('/')) return { ok: true, url };
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/.exec(url);
  if (!m) return refuse(400, 'GL_E_REQUEST_TARGET', `the request target "${url.slice(0, 100)}" is neither a path starting with / nor an http(s) URL`);
  const scheme = (m[1] as string).toLowerCase();
  const authority = m[2] as string;
  if (scheme !== 'http' && scheme !== 'https') return refuse(400, 'GL_E_REQUEST_TARGET', `the request target uses scheme "${scheme}"; only http and https are proxied`);
  if (authority.includes('@')) return refuse(400, 'GL_E_REQUEST_TARGET', 'the request target carries user info (user@host); send credentials in Authorization instead');
  if (authority === '') return refuse(400, 'GL_E_REQUEST_TARGET', 'the request target has an empty host');
  if (host !== undefined && comparableHost(host, scheme) !== comparableHost(authority, scheme)) {
    return refuse(400, 'GL_E_HOST_MISMATCH', `the request target names host "${authority}" but the Host header says "${host}"; send the same host in both`);
  }
  const rest = m[3] as string;
  return { ok: true, url: rest.startsWith('/') ? rest : `/${rest}` };
}

/** The first rule the request breaks, or the origin-form URL the pipeline should see. */
export function checkWire(req: IncomingMessage, limits: ProxyLimits): WireVerdict {
  const lines = req.rawHeaders.length / 2;
  if (lines > limits.maxHeaders) {
    return refuse(431, 'GL_E_TOO_MANY_HEADERS', `the request has ${lines} header lines; at most ${limits.maxHeaders} are accepted`);
  }
  if (req.httpVersion !== '1.1' && req.httpVersion !== '1.0') {
    return refuse(505, 'GL_E_HTTP_VERSION', `HTTP/${req.httpVersion} is not served; use HTTP/1.1`);
  }
  const found = framingLines(req);
  const te = checkTransferEncoding(found);
  if (te) return te;
  if (found.hosts === 0 && req.httpVersion === '1.1') return refuse(400, 'GL_E_MISSING_HOST', 'an HTTP/1.1 request needs a Host header');
  return checkTarget(req, found.firstHost);
}
