/**
 * Writes the pipeline's answer to the client socket: the status line and headers, then the body or
 * the upstream's stream.
 */
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { GatewayResponse } from '../../pipeline/types.ts';
import type { HeaderMap } from '../../pipeline/headers.ts';
import { UpstreamBody } from './upstream-body.ts';

/**
 * The response's headers as the flat list `writeHead` takes: lower-case names in first-seen order,
 * a repeated header as one name with its values in arrival order (Node writes one line per value).
 */
export function flatResponseHeaders(response: GatewayResponse): Array<string | string[]> {
  // One pass over the lines (names() then getAll() per name scanned the list once per name).
  const headers = response.headers;
  // Sized once for the most it can hold and cut to what it holds: grown by push, a 15-header answer
  // reallocated its backing store twice (≈ 0.5 KB per request).
  const flat = new Array<string | string[]>(headers.size * 2);
  let used = 0;
  for (let i = 0; i < headers.size; i++) {
    const lower = headers.lowerAt(i);
    const value = headers.valueAt(i);
    let at = -1;
    for (let j = 0; j < used; j += 2) {
      if (flat[j] === lower) {
        at = j + 1;
        break;
      }
    }
    if (at < 0) {
      flat[used++] = lower;
      flat[used++] = value;
      continue;
    }
    const prev = flat[at] as string | string[];
    if (Array.isArray(prev)) prev.push(value);
    else flat[at] = [prev, value];
  }
  // Only when a repeated header was grouped: the length setter is a slow path.
  if (used !== flat.length) flat.length = used;
  return flat;
}

/**
 * Sets the status line and headers. When the response carries Content-Length they go out in one
 * `writeHead` (one validation pass, no per-header bookkeeping). Without it they are set one by one
 * and sent with the body, so that Node still chooses the framing from what is finally written
 * (Content-Length for a body it holds whole, chunked for a stream): an early writeHead would turn
 * every such answer chunked. A header Node refuses (a plugin bug or a hostile upstream) becomes a
 * 502 naming the header, already sent; the proxy never crashes on it. Returns false then.
 */
export function writeGatewayHead(res: ServerResponse, response: GatewayResponse): boolean {
  try {
    if (response.headers.has('content-length')) {
      res.writeHead(response.status, flatResponseHeaders(response));
      return true;
    }
    res.statusCode = response.status;
    for (const name of response.headers.names()) {
      const values = response.headers.getAll(name);
      res.setHeader(name, values.length === 1 ? (values[0] as string) : values);
    }
    return true;
  } catch (e) {
    // writeHead validates before it stores anything, so the status line is all there is to undo.
    res.statusCode = 502;
    res.statusMessage = STATUS_CODES[502] as string;
    res.setHeader('content-type', 'text/plain');
    res.end(`bad response header: ${e instanceof Error ? e.message : String(e)}\n`);
    return false;
  }
}

/**
 * The Content-Length the head was written with (writeGatewayHead's one-writeHead path), or -1 when
 * the head is not written yet (Node still picks the framing) or the value is not one plain number.
 */
function declaredLength(res: ServerResponse, response: GatewayResponse): number {
  if (!res.headersSent) return -1;
  const value = response.headers.get('content-length');
  if (value === undefined || value.length === 0 || value.length > 15) return -1;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
  }
  return Number(value);
}

/** Bytes of any other piped stream (not UpstreamBody), counted as they pass: a rare path, so a map. */
const pipedBytes = new WeakMap<ServerResponse, number>();

/** Sends the body: the upstream's body written through unbuffered (upstream-body.ts), or the gateway's own. */
export function sendGatewayBody(res: ServerResponse, response: GatewayResponse): void {
  const stream = response.stream;
  if (stream instanceof UpstreamBody) {
    stream.sendTo(res, declaredLength(res, response));
  } else if (stream) {
    // Any other stream a host might hand over: piped, and a broken one cuts the answer.
    const readable = stream as NodeJS.ReadableStream;
    readable.on('error', () => res.destroy());
    pipedBytes.set(res, 0);
    readable.on('data', (chunk: string | Buffer) => pipedBytes.set(res, (pipedBytes.get(res) ?? 0) + Buffer.byteLength(chunk)));
    readable.pipe(res);
  } else {
    res.end(response.body ?? '');
  }
}

/**
 * nginx's $body_bytes_sent for a response that has finished: the body bytes written to the client,
 * without the status line, headers or chunked framing. A HEAD answer, a 204, a 304 and a 1xx carry no
 * body (Node drops what is written to them, as nginx does), so they count 0 whatever the upstream's
 * Content-Length said. Called only after 'finish', when every byte handed over was written.
 */
export function bodyBytesSent(method: string, res: ServerResponse, response: GatewayResponse): number {
  const status = res.statusCode;
  if (method === 'HEAD' || status === 204 || status === 304 || status < 200) return 0;
  const stream = response.stream;
  if (stream instanceof UpstreamBody) return stream.bytesReceived;
  if (stream) return pipedBytes.get(res) ?? 0;
  const body = response.body;
  return body ? Buffer.byteLength(body) : 0;
}

/**
 * Upstream bodies a response plugin read whole (proxy-host.ts bufferBody) and their byte counts, keyed
 * by the answer's header map, which the response keeps: the body itself becomes the pipeline's text.
 */
const collectedBytes = new WeakMap<HeaderMap, number>();

export function noteCollectedBody(headers: HeaderMap, bytes: number): void {
  collectedBytes.set(headers, bytes);
}

/**
 * The last try's $upstream_response_length: the body bytes received from the upstream whose answer
 * became the response, after 'finish' — streamed (every byte that arrived was written) or read whole
 * by a plugin. Bytes as undici hands them: a chunked answer's framing is not among them. 0 when the
 * gateway answered instead (nginx has read no body of a try it replaced).
 */
export function upstreamBodyBytes(response: GatewayResponse): number {
  const stream = response.stream;
  if (stream instanceof UpstreamBody) return stream.bytesReceived;
  if (response.source !== 'upstream') return 0;
  return collectedBytes.get(response.headers) ?? 0;
}
