/**
 * The proxy's answers to clients it will not serve, and the listener settings that bound them.
 *
 * Node's parser rejects malformed framing (smuggling attempts, oversized headers) and its timers cut
 * slow clients; by default it then writes a bare status line. Here every such refusal — and every
 * refusal from wire-guard.ts — gets a JSON body with a GL_E_ code, a sentence saying what to send
 * instead and a request id, is traced (request.start, a `request-guard` decision, request.end) so the
 * access log and the live stream show it, and closes the connection: after a framing error the proxy
 * cannot know where the next request would start, so it reads none.
 */
import type { IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { LiveSink } from './live-sink.ts';
import type { WireFacts } from '../../observe/access-log.ts';
import { normalizePeer } from './peer.ts';
import { rawHeadLength } from '../../observe/request-length.ts';
import { poison, type ProxyLimits, type WireRefusal } from './wire-guard.ts';

/** createServer options for the limits (Node checks its timers every connectionsCheckingInterval ms). */
export function listenerOptions(limits: ProxyLimits): ServerOptions {
  const shortest = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  return {
    maxHeaderSize: limits.maxHeaderBytes,
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    // Node's default check runs every 30 s, which would let a slow client stay far past its limit.
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(shortest / 4))),
    // The wire guard refuses a missing Host itself, with a body that says so (Node's own 400 is bare).
    requireHostHeader: false,
  };
}

/** How the trace names the refused request, and when. */
export interface RefusalTrace {
  sink: LiveSink;
  replica: string;
  traceTime: () => number;
  /** A request header as the access log may print it (redacted); the log gets no headers without it. */
  loggable?: (name: string, value: string | undefined) => string | null;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
  501: 'Not Implemented',
  505: 'HTTP Version Not Supported',
};

function refusalBody(refusal: WireRefusal, requestId: string): string {
  return `${JSON.stringify({ message: refusal.reason, code: refusal.code, request_id: requestId })}\n`;
}

/** `wire`: the refused request's Referer, User-Agent and the refusal body's length, for the access log. */
function traceRefusal(trace: RefusalTrace, requestId: string, peer: string, method: string, url: string, refusal: WireRefusal, wire: WireFacts): void {
  const { sink, replica } = trace;
  const t = trace.traceTime();
  sink.emit({ type: 'request.start', t, req: requestId, client: peer, replica, method, url, peerIp: peer }, wire);
  sink.emit({
    type: 'plugin.decision',
    t,
    req: requestId,
    plugin: 'request-guard',
    phase: 'rewrite',
    verdict: 'reply',
    status: refusal.status,
    reason: `${refusal.code}: ${refusal.reason}`,
  });
  sink.emit({ type: 'request.end', t, req: requestId, client: peer, replica, status: refusal.status, source: 'gateway', route: null, service: null, ms: 0, gatewayMs: 0, upstreamMs: null }, wire);
}

/** Answers a request the wire guard refused, traces it and closes the connection after the answer. */
export function refuseRequest(req: IncomingMessage, res: ServerResponse, refusal: WireRefusal, requestId: string, trace: RefusalTrace): void {
  poison(req.socket);
  const peer = normalizePeer(req.socket.remoteAddress ?? '');
  const url = `${req.headers.host ? `http://${req.headers.host}` : 'http://-'}${(req.url ?? '').startsWith('/') ? req.url : '/'}`;
  const body = refusalBody(refusal, requestId);
  const loggable = trace.loggable;
  const wire: WireFacts = {
    referer: loggable ? loggable('referer', req.headers.referer) : null,
    userAgent: loggable ? loggable('user-agent', req.headers['user-agent']) : null,
    bodyBytesSent: req.method === 'HEAD' ? 0 : Buffer.byteLength(body),
    // The line and headers only: the connection closes after the answer, so no body is read.
    requestLength: rawHeadLength(req.method ?? '', req.url ?? '', req.rawHeaders),
    upstreamBytes: 0,
  };
  traceRefusal(trace, requestId, peer, req.method ?? '-', url, refusal, wire);
  res.writeHead(refusal.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close' });
  res.end(body, () => req.socket.destroy());
}

/** What a parser or timer error means for the client: status, code and the sentence. */
function classify(err: NodeJS.ErrnoException & { reason?: string }): WireRefusal | undefined {
  const code = err.code ?? '';
  if (code === 'ECONNRESET' || code === 'EPIPE') return undefined;
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return { status: 408, code: 'GL_E_CLIENT_TOO_SLOW', reason: 'the request was not received in time (header or body timeout); send it without pausing' };
  }
  if (code === 'HPE_HEADER_OVERFLOW') {
    return { status: 431, code: 'GL_E_HEADERS_TOO_LARGE', reason: 'the request line and headers are larger than the proxy accepts; send fewer or shorter headers' };
  }
  const detail = err.reason ?? err.message.replace(/^Parse Error: /, '');
  return { status: 400, code: 'GL_E_MALFORMED_REQUEST', reason: `the request is not valid HTTP/1.1 (${code || 'parse error'}: ${detail}); the connection is closed` };
}

let refusedConnections = 0;

/** Installs the proxy's clientError handler: a clear refusal instead of Node's bare status line. */
export function handleClientErrors(server: Server, trace: RefusalTrace): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    poison(socket);
    const refusal = classify(err);
    // Something was already written on this connection (a response in progress): only close it.
    if (!refusal || !socket.writable || socket.bytesWritten > 0) {
      socket.destroy();
      return;
    }
    const requestId = `conn-${++refusedConnections}`;
    const peer = normalizePeer(socket.remoteAddress ?? '');
    const body = refusalBody(refusal, requestId);
    // Nothing of the request could be read, so no header of it is logged; the body is what was sent.
    // Its length is what the parser consumed before it gave up (0 for a timeout).
    const parsed = (err as { bytesParsed?: unknown }).bytesParsed;
    const requestLength = typeof parsed === 'number' ? parsed : 0;
    traceRefusal(trace, requestId, peer, '-', 'http://-/', refusal, { referer: null, userAgent: null, bodyBytesSent: Buffer.byteLength(body), requestLength, upstreamBytes: 0 });
    const head = `HTTP/1.1 ${refusal.status} ${STATUS_TEXT[refusal.status] ?? 'Error'}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n`;
    socket.end(`${head}${body}`, () => socket.destroy());
  });
}
