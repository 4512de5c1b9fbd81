/**
 * Upstream calls through undici: one keep-alive Agent for every target, bodies streamed both ways.
 * Failures become the pipeline's two kinds — could not connect (502) or did not answer in time (504).
 */
import { Agent, errors as undiciErrors, type Dispatcher } from 'undici';
import type { Readable } from 'node:stream';
import { HeaderMap } from '../../pipeline/headers.ts';
import type { UpstreamAnswer, UpstreamCall } from '../../pipeline/host.ts';
import { stripHopByHop } from '../../net/hop-by-hop.ts';

export interface UpstreamClient {
  call(call: UpstreamCall): Promise<UpstreamAnswer>;
  close(): Promise<void>;
}

/**
 * Headers undici refuses to send or that only the connection may set, plus every Proxy-* header and
 * `Proxy` itself: they are addressed to the gateway (Proxy-Authorization is its credential) and
 * `Proxy` is the httpoxy vector. Stricter than Kong, which forwards Proxy-Authorization.
 */
const NEVER_FORWARD = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'expect', 'te', 'trailer', 'proxy']);

export function createUpstreamClient(): UpstreamClient {
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: 256, pipelining: 1 });
  return {
    call(call) {
      let origin = '';
      try {
        const headers: string[] = [];
        // The dialect already removed what its gateway removes; here what undici cannot send and what
        // was meant for the gateway (NEVER_FORWARD) go.
        for (const [name, value] of call.request.headers.list()) {
          const lower = name.toLowerCase();
          if (NEVER_FORWARD.has(lower) || lower.startsWith('proxy-')) continue;
          headers.push(name, value);
        }
        origin = `${call.scheme}://${call.target.host}:${call.target.port}`;
        const body = call.request.stream ?? call.request.body;
        // A plain promise chain rather than an async function: one promise less per request.
        return agent
          .request({
            origin,
            path: call.request.path,
            method: call.request.method as 'GET',
            headers,
            body: body as Readable | string | undefined,
            // A per-try (or what is left of the overall) timeout replaces the service's read timeout.
            headersTimeout: call.timeoutMs ?? call.service.readTimeoutMs,
            bodyTimeout: call.timeoutMs ?? call.service.readTimeoutMs,
          })
          .then(answerOf, (e: unknown) => failure(e, origin));
      } catch (e) {
        return origin === '' ? Promise.reject(e) : Promise.resolve(failure(e, origin));
      }
    },
    close: () => agent.close(),
  };
}

function answerOf(res: Dispatcher.ResponseData): UpstreamAnswer {
  const responseHeaders = new HeaderMap();
  for (const [name, value] of Object.entries(res.headers)) {
    if (value === undefined) continue;
    if (typeof value === 'string') responseHeaders.append(name, value);
    else for (const one of value) responseHeaders.append(name, one);
  }
  stripHopByHop(responseHeaders);
  return new StreamedAnswer(res.statusCode, responseHeaders, res.body);
}

/** An upstream answer whose body is still on the wire; a class, so `discard` is no per-request closure. */
class StreamedAnswer {
  readonly ok = true;
  constructor(
    readonly status: number,
    readonly headers: HeaderMap,
    readonly stream: Dispatcher.ResponseData['body'],
  ) {}

  /** A retried answer's body is thrown away so its connection goes back to the pool. */
  discard(): void {
    void this.stream.dump().catch(() => undefined);
  }
}

function failure(e: unknown, origin: string): UpstreamAnswer {
  const message = e instanceof Error ? e.message : String(e);
  const code = (e as { code?: string }).code ?? '';
  if (
    e instanceof undiciErrors.HeadersTimeoutError ||
    e instanceof undiciErrors.BodyTimeoutError ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT'
  ) {
    return { ok: false, failure: 'timeout', message: `${origin} did not answer in time (${message})` };
  }
  return { ok: false, failure: 'connect', message: `${origin}: ${code || message}` };
}
