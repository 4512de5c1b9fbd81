/**
 * Traefik retry `maxRequestBodyBytes` (traefik/traefik pkg/middlewares/retry/retry.go, v3.7 ServeHTTP;
 * the mirror package's reusable request; dynamic.RetryDefaultMaxRequestBodyBytes = 2 MiB). The body is
 * read only when status retries apply (status set, method not POST/PATCH/LOCK or
 * retryNonIdempotentMethod); a body over the limit turns those retries off for the request and leaves
 * the network-error ones; a body within it is kept and sent again on every attempt.
 */
import { describe, expect, it } from 'vitest';
import { HeaderMap } from '../../pipeline/headers.ts';
import type { EffectResult, PluginHost, RequestContext, Verdict } from '../../pipeline/types.ts';
import { fakeContext, fakeHost } from '../rate-limit/test-kit.ts';
import { TRAEFIK_RETRY_DEFAULT_MAX_BODY_BYTES, parseRetryConfig } from './config.ts';
import { createRetryHooks } from './plugin.ts';
import { collecting } from '../kit/test-kit.ts';

const T0 = 1_767_268_800_000;
const MiB = 1024 * 1024;

function hooks(raw: Record<string, unknown>) {
  const report = collecting();
  const config = parseRetryConfig(raw, report);
  expect(report.items ?? [], 'config parses').toEqual([]);
  return { config, hooks: createRetryHooks(config) };
}

/** A request with `body` held as text (the simulation's way), and the headers given. */
function request(method: string, body: string | undefined, headers: Record<string, string> = {}): RequestContext {
  const ctx = fakeContext({ method, headers: new HeaderMap(headers), ...(body !== undefined ? { body } : {}) });
  if (body !== undefined) ctx.upstream.body = body;
  return ctx;
}

/** Runs the access hook; a read-body wait is answered with `answer(effect)` (default: the held text). */
function run(h: ReturnType<typeof hooks>['hooks'], ctx: RequestContext, answer?: (source: unknown, maxBytes: number) => EffectResult): { first: Verdict; last: Verdict; read?: { maxBytes: number } } {
  const host: PluginHost = fakeHost(T0);
  const first = h.access?.(ctx, host) as Verdict;
  if (first.kind !== 'wait') return { first, last: first };
  const effect = first.effect;
  if (effect.type !== 'read-body') throw new Error(`unexpected ${effect.type}`);
  const text = typeof effect.source === 'string' ? effect.source : '';
  const result = answer ? answer(effect.source, effect.maxBytes) : { ok: true as const, body: text, value: text };
  return { first, last: first.resume(result), read: { maxBytes: effect.maxBytes } };
}

const STATUS = { attempts: 3, status: ['503'] };

describe('Traefik retry maxRequestBodyBytes (retry.go v3.7)', () => {
  it('the default is 2 MiB (dynamic.RetryDefaultMaxRequestBodyBytes); a negative value means any size', () => {
    expect(TRAEFIK_RETRY_DEFAULT_MAX_BODY_BYTES).toBe(2_097_152);
    expect(hooks(STATUS).config.maxRequestBodyBytes).toBe(2 * MiB);
    expect(hooks({ ...STATUS, maxRequestBodyBytes: -1 }).config.maxRequestBodyBytes).toBe(-1);
  });

  it('a body within the limit is read and kept: the status retries stay', () => {
    const { config, hooks: h } = hooks({ ...STATUS, maxRequestBodyBytes: 16 });
    const ctx = request('PUT', '0123456789abcdef', { 'content-length': '16' });
    const { first, last, read } = run(h, ctx);
    expect(first.reason).toBe('reading the request body to send it again on a status retry, at most maxRequestBodyBytes 16 bytes');
    expect(read).toEqual({ maxBytes: 16 });
    expect(ctx.retryPolicy).toBe(config.policy);
    expect(last.reason).toContain('; the request body (16 bytes) is kept to send again');
  });

  it('a declared Content-Length over the limit turns the status retries off without reading; network errors are still retried', () => {
    const { config, hooks: h } = hooks({ ...STATUS, maxRequestBodyBytes: 16 });
    const ctx = request('PUT', '0123456789abcdefg', { 'content-length': '17' });
    const { first } = run(h, ctx);
    expect(first.kind).toBe('next');
    expect(ctx.retryPolicy).toBe(config.bodyTooLargePolicy);
    expect(ctx.retryPolicy).toMatchObject({ retryOn: ['connect-failure'], retriableStatusCodes: [], numRetries: 2 });
    expect(first.reason).toContain('but the request body is 17 bytes, over maxRequestBodyBytes 16: its status retries are off (Traefik keeps no copy to send again), only a network error before anything is written is retried');
  });

  it('with disableRetryOnNetworkError too, a body over the limit is not retried at all', () => {
    const { hooks: h } = hooks({ ...STATUS, maxRequestBodyBytes: 4, disableRetryOnNetworkError: true });
    const ctx = request('GET', 'hello', { 'content-length': '5' });
    expect(run(h, ctx).first.reason).toContain('nothing is retried');
    expect(ctx.retryPolicy).toMatchObject({ retryOn: [], retriableStatusCodes: [] });
  });

  it('a body of unknown length (chunked) is read to its end and judged by its bytes', () => {
    const { config, hooks: h } = hooks({ ...STATUS, maxRequestBodyBytes: 4 });
    const ctx = request('PUT', 'hello', { 'transfer-encoding': 'chunked' });
    const { read, last } = run(h, ctx);
    expect(read).toEqual({ maxBytes: -1 });
    expect(ctx.retryPolicy).toBe(config.bodyTooLargePolicy);
    expect(last.reason).toContain('the request body is 5 bytes, over maxRequestBodyBytes 4');
  });

  it('bytes, not characters: a 4-character body of 8 UTF-8 bytes is over a limit of 6', () => {
    const { config, hooks: h } = hooks({ ...STATUS, maxRequestBodyBytes: 6 });
    const ctx = request('PUT', 'éééé', {});
    run(h, ctx);
    expect(ctx.retryPolicy).toBe(config.bodyTooLargePolicy);
  });

  it('exactly at the limit is kept (Traefik reads limit + 1 bytes to tell)', () => {
    const { config, hooks: h } = hooks({ ...STATUS, maxRequestBodyBytes: 5 });
    const ctx = request('PUT', 'hello', {});
    run(h, ctx);
    expect(ctx.retryPolicy).toBe(config.policy);
  });

  it('nothing is read when the status retries do not apply: no status, a POST, one attempt, or no body', () => {
    for (const [raw, method, body] of [
      [{ attempts: 3 }, 'PUT', 'x'.repeat(100)],
      [{ ...STATUS, maxRequestBodyBytes: 1 }, 'POST', 'x'.repeat(100)],
      [{ attempts: 1, status: ['503'], maxRequestBodyBytes: 1 }, 'PUT', 'x'.repeat(100)],
      [{ ...STATUS, maxRequestBodyBytes: 1 }, 'GET', undefined],
      [{ ...STATUS, maxRequestBodyBytes: 1 }, 'PUT', ''],
    ] as const) {
      const { config, hooks: h } = hooks(raw);
      const ctx = request(method, body, body ? { 'content-length': String(body.length) } : {});
      const { first } = run(h, ctx);
      expect(first.kind, `${method} ${JSON.stringify(raw)}`).toBe('next');
      expect(ctx.retryPolicy).toBe(config.policy);
    }
  });

  it('retryNonIdempotentMethod: a POST\'s status retries apply, so its body is judged too', () => {
    const { config, hooks: h } = hooks({ ...STATUS, retryNonIdempotentMethod: true, maxRequestBodyBytes: 2 });
    const ctx = request('POST', 'abc', { 'content-length': '3' });
    run(h, ctx);
    expect(ctx.retryPolicy).toBe(config.bodyTooLargePolicy);
  });

  it('a body that cannot be read (the client went away) is answered 500, as http.Error does', () => {
    const { hooks: h } = hooks(STATUS);
    const { last } = run(h, request('PUT', 'abc', {}), () => ({ ok: false, error: 'reading the request body failed: aborted' }));
    expect(last).toMatchObject({ kind: 'reply', status: 500, body: 'Internal Server Error\n' });
  });

  it('a read on the proxy host leaves the bytes in the stream\'s place, so every attempt sends them', () => {
    const { hooks: h } = hooks(STATUS);
    const ctx = request('PUT', undefined, { 'content-length': '3' });
    ctx.upstream.stream = { opaque: 'stream' };
    const bytes = new TextEncoder().encode('abc');
    run(h, ctx, () => ({ ok: true, body: 'abc', value: bytes }));
    expect(ctx.upstream.stream).toBe(bytes);
  });
});
