/**
 * Upstream calls through undici: one keep-alive Agent for every target, bodies streamed both ways.
 * Failures become the pipeline's three kinds — could not connect (nothing written, 502), broke after
 * the request went out (a reset, 502) or did not answer in time (504) — as the simulation makes them,
 * so both hosts agree on what retry rules that depend on "was anything written" decide.
 */
import { Agent, errors as undiciErrors, type Dispatcher } from 'undici';
import type { Readable } from 'node:stream';
import type { HeaderMap } from '../../pipeline/headers.ts';
import type { UpstreamAnswer, UpstreamCall } from '../../pipeline/host.ts';
import { responseHeaders } from './upstream-response-headers.ts';
import { UpstreamBody } from './upstream-body.ts';

export interface UpstreamClient {
  /** Answers through `done`, always after `call` has returned. */
  call(call: UpstreamCall, done: (answer: UpstreamAnswer) => void): void;
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
  // Copies nobody waits for (a mirror's shadow) may have no timeout at all (timeoutMs 0): closing
  // the client ends them, or the agent's close would wait for a backend that never answers.
  const detached = new Set<UpstreamHandler>();
  return {
    call(call, done) {
      let origin = '';
      try {
        // The dialect already removed what its gateway removes; here what undici cannot send and what
        // was meant for the gateway (NEVER_FORWARD) go. Walked by index: list() built a pair per line.
        // Sized once and cut to what it holds: grown by push, a dozen lines reallocated it twice.
        const from = call.request.headers;
        const headers = new Array<string>(from.size * 2);
        let used = 0;
        for (let i = 0; i < from.size; i++) {
          const lower = from.lowerAt(i);
          if (NEVER_FORWARD.has(lower) || lower.startsWith('proxy-')) continue;
          headers[used++] = from.nameAt(i);
          headers[used++] = from.valueAt(i);
        }
        if (used !== headers.length) headers.length = used;
        origin = originOf(call.scheme, call.target.host, call.target.port);
        const body = call.request.stream ?? call.request.body;
        const handler = new UpstreamHandler(origin, done);
        if (call.detached === true) {
          detached.add(handler);
          handler.settled = () => detached.delete(handler);
        }
        agent.dispatch(
          {
            origin,
            path: call.request.path,
            method: call.request.method as Dispatcher.HttpMethod,
            headers,
            body: body as Readable | string | undefined,
            // A per-try (or what is left of the overall) timeout replaces the service's read timeout;
            // 0 (a copy whose route disabled its timeout) turns undici's timers off.
            headersTimeout: call.timeoutMs ?? call.service.readTimeoutMs,
            bodyTimeout: call.timeoutMs ?? call.service.readTimeoutMs,
          },
          handler,
        );
        handler.dispatched();
      } catch (e) {
        const answer: UpstreamAnswer = origin === '' ? { ok: false, failure: 'connect', message: String(e) } : failure(e, origin, false);
        queueMicrotask(() => done(answer));
      }
    },
    close: () => {
      for (const handler of detached) handler.cancel(new Error('the proxy shut down'));
      detached.clear();
      return agent.close();
    },
  };
}

/** The last origin string built: a proxy sends request after request to the same few targets. */
let lastOrigin = { scheme: '', host: '', port: -1, origin: '' };

function originOf(scheme: string, host: string, port: number): string {
  const last = lastOrigin;
  if (last.port === port && last.host === host && last.scheme === scheme) return last.origin;
  lastOrigin = { scheme, host, port, origin: `${scheme}://${host}:${port}` };
  return lastOrigin.origin;
}

/** What `abort` is until undici hands over its own: one function for every handler, not one each. */
const NOT_CONNECTED = (): void => undefined;

/**
 * One upstream exchange through undici's `dispatch` (its own handler interface): the answer goes to
 * `done` as soon as the status and headers are in, the body follows as an UpstreamBody. Against
 * `request()` this saves a promise and two microtask hops, an async-resource scope and a header
 * object per request.
 */
class UpstreamHandler implements Dispatcher.DispatchHandler {
  private abort: (reason?: Error) => void = NOT_CONNECTED;
  private body?: UpstreamBody;
  private answered = false;
  /** Until dispatch() returned an error is reported a microtask later, as a promise would have. */
  private inDispatch = true;

  constructor(
    private readonly origin: string,
    private readonly done: (answer: UpstreamAnswer) => void,
  ) {}

  dispatched(): void {
    this.inDispatch = false;
  }

  /**
   * undici calls onConnect on a connected socket right before it writes the request (client-h1.js
   * writeH1), never for a refused dial or a connect timeout: from here on the request was written.
   */
  private wrote = false;

  /** Called once the exchange is over, its body included (set for copies only). */
  settled: (() => void) | undefined = undefined;

  /** Why the exchange was called off before undici handed over its abort (it is aborted then). */
  private cancelled: Error | undefined;

  /** Ends the exchange now: its `done` hears a failure, as for any error undici reports. */
  cancel(reason: Error): void {
    if (this.wrote) this.abort(reason);
    else this.cancelled = reason;
  }

  onConnect(abort: (reason?: Error) => void): void {
    this.abort = abort;
    this.wrote = true;
    if (this.cancelled) abort(this.cancelled);
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    // 1xx informational answers are not the response (undici's request() skips them the same way).
    if (statusCode < 200) return true;
    this.answered = true;
    this.body = new UpstreamBody(resume, (reason) => this.abort(reason));
    const answer = new StreamedAnswer(statusCode, responseHeaders(rawHeaders), this.body);
    try {
      this.done(answer);
    } catch (e) {
      // A bug past this point is the proxy's, not the upstream's: keep it out of undici's parser and
      // let it surface as before (an unhandled error), as undici's request() does with its callback.
      queueMicrotask(() => {
        throw e;
      });
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    return this.body ? this.body.accept(chunk) : true;
  }

  onComplete(): void {
    this.settled?.();
    this.body?.end();
  }

  onError(err: Error): void {
    this.settled?.();
    if (this.answered) {
      // After the headers the client already has the answer: the body ends in an error instead.
      this.body?.fail(err);
      return;
    }
    this.answered = true;
    const answer = failure(err, this.origin, this.wrote);
    if (this.inDispatch) queueMicrotask(() => this.done(answer));
    else this.done(answer);
  }
}

/** An upstream answer whose body is still on the wire; a class, so `discard` is no per-request closure. */
class StreamedAnswer {
  readonly ok = true;
  constructor(
    readonly status: number,
    readonly headers: HeaderMap,
    readonly stream: UpstreamBody,
  ) {}

  /** A retried answer's body is thrown away so its connection goes back to the pool. */
  discard(): void {
    this.stream.discard();
  }
}

/** `wrote`: the request had started going out (ECONNRESET, UND_ERR_SOCKET then mean a reset). */
function failure(e: unknown, origin: string, wrote: boolean): UpstreamAnswer {
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
  // ECONNREFUSED, ENOTFOUND, UND_ERR_CONNECT_TIMEOUT: no connection, nothing written.
  return { ok: false, failure: wrote ? 'reset' : 'connect', message: `${origin}: ${code || message}` };
}
