/**
 * request-size-limit in both flavours. Kong: Kong/kong kong/plugins/request-size-limiting/handler.lua
 * (access, check_size, unit_multiplication_factor) and schema.lua (defaults). Traefik: vulcand/oxy
 * buffer/buffer.go (checkLimit, the multibuf read with MaxBytes, SizeErrHandler) behind
 * traefik/traefik pkg/middlewares/buffering/buffering.go.
 */
import { describe, expect, it } from 'vitest';
import { collecting, context, drive, hooksOf, host, parsed, replyOf } from '../kit/test-kit.ts';
import { requestSizeLimitPlugin } from './plugin.ts';
import type { Effect } from '../../pipeline/types.ts';

const h = host();
type Spec = Parameters<typeof context>[0];

async function access(raw: unknown, spec: Spec, stream?: unknown) {
  const hooks = hooksOf(requestSizeLimitPlugin, raw);
  const ctx = context({ method: 'POST', ...spec });
  if (stream !== undefined) ctx.upstream.stream = stream;
  return { ctx, ...(await drive(hooks.access!(ctx, h))) };
}

describe('request-size-limit, Kong flavour (request-size-limiting, PRIORITY 951)', () => {
  it('schema.lua defaults: 128 megabytes, 1024-based, require_content_length off; §6 priority 951', () => {
    expect(parsed(requestSizeLimitPlugin, {})).toEqual({ flavour: 'kong', allowed_payload_size: 128, size_unit: 'megabytes', require_content_length: false, allowedBytes: 128 * 1048576 });
    expect(parsed(requestSizeLimitPlugin, { allowed_payload_size: 2, size_unit: 'kilobytes' })).toMatchObject({ allowedBytes: 2048 });
    expect(requestSizeLimitPlugin.priority).toBe(951);
  });

  it('check_size: a Content-Length over the limit is 413 {"message":"Request size limit exceeded"}, the body unread', async () => {
    const r = await access({ allowed_payload_size: 10, size_unit: 'bytes' }, { headers: [['Content-Length', '11']], body: 'x'.repeat(11) });
    const v = replyOf(r.verdict);
    expect(v.status).toBe(413);
    expect(JSON.parse(v.body ?? '')).toMatchObject({ message: 'Request size limit exceeded' });
    expect(v.reason).toBe('Content-Length 11 bytes > allowed_payload_size 10 bytes (10 bytes) → 413');
    expect(r.effects).toEqual([]);
  });

  it('check_size: equal to the limit passes (strictly greater is refused)', async () => {
    const r = await access({ allowed_payload_size: 10, size_unit: 'bytes' }, { headers: [['Content-Length', '10']] });
    expect(r.verdict.kind).toBe('next');
  });

  it('check_size: Expect: 100-continue (any case, padded) turns the 413 into 417', async () => {
    const r = await access({ allowed_payload_size: 1, size_unit: 'kilobytes' }, { headers: [['Content-Length', '1025'], ['Expect', ' 100-Continue ']] });
    expect(replyOf(r.verdict).status).toBe(417);
  });

  it('access: no Content-Length (chunked): the body is read and counted', async () => {
    const chunked: Spec = { headers: [['Transfer-Encoding', 'chunked']] };
    const over = await access({ allowed_payload_size: 4, size_unit: 'bytes' }, chunked, 'hello');
    expect(over.effects.map((e: Effect) => e.type)).toEqual(['read-body']);
    expect(replyOf(over.verdict).status).toBe(413);
    const under = await access({ allowed_payload_size: 5, size_unit: 'bytes' }, chunked, 'hello');
    expect(under.verdict.kind).toBe('next');
    // The bytes read go upstream in place of the stream the read consumed.
    expect(under.ctx.upstream.stream).toBe('hello');
  });

  it('access: require_content_length answers 411 unless Transfer-Encoding is exactly chunked', async () => {
    const conf = { require_content_length: true };
    const none = await access(conf, {});
    expect(replyOf(none.verdict).status).toBe(411);
    expect(JSON.parse(replyOf(none.verdict).body ?? '')).toMatchObject({ message: 'A valid Content-Length header is required' });
    expect(replyOf((await access(conf, { headers: [['Transfer-Encoding', 'gzip, chunked']] })).verdict).status).toBe(411);
    expect((await access(conf, { headers: [['Transfer-Encoding', 'chunked']] }, 'abc')).verdict.kind).toBe('next');
    expect((await access(conf, { headers: [['Content-Length', '3']] })).verdict.kind).toBe('next');
  });

  it('schema: size_unit outside its one_of is an error', () => {
    const r = collecting();
    requestSizeLimitPlugin.parse({ size_unit: 'gigabytes' }, r);
    expect(r.items).toEqual([expect.objectContaining({ severity: 'error', path: 'size_unit' })]);
  });
});

describe('request-size-limit, Traefik flavour (buffering maxRequestBodyBytes)', () => {
  const conf = (max: number, extra: Record<string, unknown> = {}) => ({ flavour: 'traefik', maxRequestBodyBytes: max, ...extra });

  it('checkLimit: a Content-Length over the limit is 413 "Request Entity Too Large" before reading', async () => {
    const r = await access(conf(10), { headers: [['Content-Length', '11']] }, 'x'.repeat(11));
    const v = replyOf(r.verdict);
    expect([v.status, v.body]).toEqual([413, 'Request Entity Too Large']);
    expect(r.effects).toEqual([]);
  });

  it('multibuf MaxBytes: a chunked body is read up to the limit and refused past it', async () => {
    const chunked: Spec = { headers: [['Transfer-Encoding', 'chunked']] };
    const over = await access(conf(4), chunked, 'hello');
    expect(over.effects).toEqual([expect.objectContaining({ type: 'read-body', maxBytes: 4 })]);
    expect(replyOf(over.verdict).status).toBe(413);
    expect((await access(conf(5), chunked, 'hello')).verdict.kind).toBe('next');
  });

  it('checkLimit: 0 (the default) is no limit; the body is not read', async () => {
    const r = await access(conf(0), { headers: [['Content-Length', '999999']] }, 'x');
    expect(r.verdict.kind).toBe('next');
    expect(r.effects).toEqual([]);
  });

  it('retryExpression and maxResponseBodyBytes are warned as not modelled, at their own key', () => {
    const r = collecting();
    requestSizeLimitPlugin.parse(conf(1, { retryExpression: 'IsNetworkError() && Attempts() < 2', maxResponseBodyBytes: 10, memRequestBodyBytes: 5 }), r);
    expect(r.items.map((i) => `${i.severity} ${i.path}`)).toEqual(['warning maxResponseBodyBytes', 'warning retryExpression']);
  });
});
