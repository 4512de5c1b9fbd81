/**
 * `gatelab serve`'s $request_length (semantics §11): the request line and headers rebuilt from what
 * Node's parser kept (observe/request-length.ts rawHeadLength) plus the body. Node's parser reads the
 * socket in C++ and hands JS no byte count per request; socket.bytesRead deltas would be wrong for
 * pipelined requests (one read can hold several), whereas a count built per request gives each
 * keep-alive or pipelined request its own bytes. What it cannot see (chunk framing, the spaces
 * around a header value) is listed in docs/proxy.md, "Byte counts".
 */
import type { IncomingMessage } from 'node:http';
import type { IncomingRequest } from '../../pipeline/types.ts';
import { declaredLength, rawHeadLength } from '../../observe/request-length.ts';

/** Data bytes of a chunked request body as Node's parser hands them over (its framing is not seen). */
export interface ChunkedCount {
  bytes: number;
}

/**
 * Counts a chunked body's data bytes where the parser hands them to the request (`push`), so the
 * count is the same whoever reads the stream — undici, a plugin, or nobody — and reading it is left
 * as it was: a 'data' listener would start the stream flowing before its reader is there. Only
 * chunked requests (rare) get the wrapper; a Content-Length body is counted from its header.
 */
export function countChunkedBody(req: IncomingMessage): ChunkedCount {
  const count: ChunkedCount = { bytes: 0 };
  const push = req.push;
  req.push = (chunk: unknown, encoding?: BufferEncoding): boolean => {
    if (chunk !== null && chunk !== undefined) count.bytes += (chunk as Buffer).length;
    return push.call(req, chunk, encoding);
  };
  return count;
}

/**
 * The request's length once its response has finished. The body is the Content-Length it declared
 * (nginx reads or discards all of it before it logs, so a body the gateway never read counts too),
 * or the chunked data counted, or nothing. `target` is the request target as received.
 */
export function requestLengthOf(req: IncomingMessage, target: string, request: IncomingRequest, chunked: ChunkedCount | undefined): number {
  const head = rawHeadLength(req.method ?? '', target, req.rawHeaders);
  if (request.stream === undefined) return head;
  if (chunked) return head + chunked.bytes;
  const declared = request.headers.get('content-length');
  return head + (declared === undefined ? 0 : declaredLength(declared));
}
