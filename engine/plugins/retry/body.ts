/**
 * Which request bodies Traefik's retry keeps for a second attempt (retry.go ServeHTTP with the mirror
 * package's reusable request, v3.7). Only when `status` retries apply to the request — `status` is set
 * and the method is not POST, PATCH or LOCK, or `retryNonIdempotentMethod` is on — does the middleware
 * read the body, up to maxRequestBodyBytes + 1 bytes (any negative limit: all of it):
 *   - no body (or Content-Length 0): nothing to read, every retry applies;
 *   - at most maxRequestBodyBytes bytes: kept in memory, each attempt gets a fresh copy;
 *   - more: the status retries are off for this request (statusCodes = nil) and the body streams on
 *     to the first attempt as it came (the bytes read first, then the rest); network-error retries
 *     (nothing written yet) still apply, since nothing of the body was consumed by a server;
 *   - the read fails (the client went away): 500.
 * A body of unknown length (chunked) is judged by the bytes that arrive, not by a header.
 */
import type { RequestContext } from '../../pipeline/types.ts';
import { methodRefusedOnceSent } from '../../upstream/retry.ts';
import type { RetryConfig } from './config.ts';

export type BodyPlan =
  /** The status retries do not apply to this request, or it has no body: nothing is read. */
  | { kind: 'untouched' }
  /** Content-Length already says the body is over the limit: no need to read it to know. */
  | { kind: 'too-large'; bytes: number }
  /** Read the body (at most `maxBytes` bytes, -1: all of it) from `source`, then judge its length. */
  | { kind: 'read'; source: unknown; maxBytes: number };

/** Whether this request's status retries are armed (retry.go: `statusCodes` non-nil). */
export function statusRetriesApply(config: RetryConfig, method: string): boolean {
  const { policy } = config;
  if (policy.numRetries < 1 || policy.retriableStatusCodes.length === 0) return false;
  return !methodRefusedOnceSent(policy, method.toUpperCase());
}

export function planBody(config: RetryConfig, ctx: RequestContext): BodyPlan {
  if (!statusRetriesApply(config, ctx.request.method)) return { kind: 'untouched' };
  const source = ctx.upstream.stream ?? ctx.upstream.body;
  if (source === undefined || source === '') return { kind: 'untouched' };
  // A body the host holds as text (the simulation) has a known length, as a client's Content-Length
  // would say, so both hosts decide without reading when it is over the limit.
  const declared = declaredLength(ctx) ?? (typeof source === 'string' && !ctx.request.headers.has('transfer-encoding') ? bodyBytes(undefined, source) : undefined);
  if (declared === 0) return { kind: 'untouched' };
  const limit = config.maxRequestBodyBytes;
  if (limit >= 0 && declared !== undefined && declared > limit) return { kind: 'too-large', bytes: declared };
  // A declared length within the limit cannot trip a read capped at the limit; an unknown one is read
  // to its end and measured (gatelab keeps it all, where Traefik stops after limit + 1 bytes).
  return { kind: 'read', source, maxBytes: limit >= 0 && declared !== undefined ? limit : -1 };
}

/** Content-Length as Go's server reads it; chunked (Transfer-Encoding) means unknown. */
function declaredLength(ctx: RequestContext): number | undefined {
  const headers = ctx.request.headers;
  if (headers.has('transfer-encoding')) return undefined;
  const raw = headers.get('content-length');
  if (raw === undefined || !/^\d+$/.test(raw.trim())) return undefined;
  return Number(raw.trim());
}

/** The byte length of a read body: the bytes the proxy host kept, else the text's UTF-8 length. */
export function bodyBytes(value: unknown, text: string | undefined): number {
  if (value instanceof Uint8Array) return value.byteLength;
  return new TextEncoder().encode(text ?? '').byteLength;
}
