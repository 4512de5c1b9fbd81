/**
 * Writes the pipeline's answer to the client socket: the status line and headers, then the body or
 * the upstream's stream.
 */
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { GatewayResponse } from '../../pipeline/types.ts';

/**
 * The response's headers as the flat list `writeHead` takes: lower-case names in first-seen order,
 * a repeated header as one name with its values in arrival order (Node writes one line per value).
 */
export function flatResponseHeaders(response: GatewayResponse): Array<string | string[]> {
  const flat: Array<string | string[]> = [];
  for (const name of response.headers.names()) {
    const values = response.headers.getAll(name);
    flat.push(name, values.length === 1 ? (values[0] as string) : values);
  }
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

/** Sends the body: the upstream's stream piped unbuffered, or the gateway's own body. */
export function sendGatewayBody(res: ServerResponse, response: GatewayResponse): void {
  const stream = response.stream as (NodeJS.ReadableStream & { destroy?: (e?: Error) => void }) | undefined;
  if (stream) {
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  } else {
    res.end(response.body ?? '');
  }
}
