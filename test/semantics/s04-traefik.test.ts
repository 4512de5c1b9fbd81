/**
 * Semantics §4 (Traefik rateLimit and forwardAuth): the knobs other tests leave unpinned — the bucket TTL
 * below 1 r/s, burst 0, the 2xx boundary, preserveRequestMethod, forwardBody, authSigninURL,
 * preserveLocationHeader and authResponseHeadersRegex.
 */
import { describe, expect, it } from 'vitest';
import { tokenBucketCapacity, traefikBucketEvicted, traefikBucketTtlSeconds } from '../../engine/plugins/rate-limit/math/token-bucket.ts';
import { forwardAuthPlugin } from '../../engine/plugins/forward-auth/plugin.ts';
import { context, hooksOf, replyOf, run } from '../../engine/plugins/kit/test-kit.ts';
import type { Effect, EffectResult } from '../../engine/pipeline/types.ts';

const ADDRESS = 'http://auth.internal:9000/check';
type HttpEffect = Extract<Effect, { type: 'http' }>;

async function ask(config: Record<string, unknown>, answer: EffectResult, spec: Parameters<typeof context>[0] = {}) {
  let sent: HttpEffect | undefined;
  const ctx = context(spec);
  const out = await run(hooksOf(forwardAuthPlugin, { address: ADDRESS, trustForwardHeader: false, ...config }), ctx, undefined, {}, (e) => ((sent = e), answer));
  return { ...out, ctx, sent };
}

describe('semantics §4 Traefik rateLimit', () => {
  it('§4 bucket TTL: 2 s for r ≥ 1, else 1 + 1/r s (whole seconds), after which an idle source starts full again', () => {
    expect(traefikBucketTtlSeconds(5)).toBe(2);
    expect(traefikBucketTtlSeconds(1)).toBe(2);
    expect(traefikBucketTtlSeconds(0.5)).toBe(3);
    expect(traefikBucketTtlSeconds(0.25)).toBe(5);
    // 0.5 r/s: a bucket touched at t=0 is still there at 2.9 s and gone at 3 s.
    expect(traefikBucketEvicted(0.5, 0, 2_900)).toBe(false);
    expect(traefikBucketEvicted(0.5, 0, 3_000)).toBe(true);
  });

  it('§4 burst is max(burst, 1): burst 0 still holds one token', () => {
    expect(tokenBucketCapacity({ flavour: 'traefik', average: 10, periodMs: 1000, burst: 0 })).toBe(1);
    expect(tokenBucketCapacity({ flavour: 'traefik', average: 10, periodMs: 1000 })).toBe(1);
    expect(tokenBucketCapacity({ flavour: 'traefik', average: 10, periodMs: 1000, burst: 7 })).toBe(7);
  });
});

describe('semantics §4 Traefik forwardAuth', () => {
  it('§4 2xx means 200–299: 299 lets the request through, 300 goes back to the client', async () => {
    expect((await ask({}, { ok: true, status: 299, headers: [], body: '' })).verdict.kind).toBe('next');
    const r = replyOf((await ask({}, { ok: true, status: 300, headers: [], body: 'choose' })).verdict);
    expect([r.status, r.body]).toEqual([300, 'choose']);
  });

  it('§4 the auth call is GET unless preserveRequestMethod; the body goes only with forwardBody', async () => {
    const spec = { method: 'POST', body: 'order=1' };
    const plain = await ask({}, { ok: true, status: 200, headers: [], body: '' }, spec);
    expect(plain.sent?.method).toBe('GET');
    expect(plain.sent?.body).toBeUndefined();
    const kept = await ask({ preserveRequestMethod: true, forwardBody: true }, { ok: true, status: 200, headers: [], body: '' }, spec);
    expect(kept.sent?.method).toBe('POST');
    expect(kept.sent?.body).toBe('order=1');
  });

  it('§4 authSigninURL turns the auth server’s 401 into a 302 to that URL; other statuses are untouched', async () => {
    const config = { authSigninURL: 'https://login.example/start' };
    const r401 = replyOf((await ask(config, { ok: true, status: 401, headers: [], body: 'no' })).verdict);
    expect(r401.status).toBe(302);
    expect(r401.headers).toContainEqual(['Location', 'https://login.example/start']);
    expect(replyOf((await ask(config, { ok: true, status: 403, headers: [], body: 'no' })).verdict).status).toBe(403);
  });

  it('§4 a relative Location is made absolute against the auth address unless preserveLocationHeader', async () => {
    const answer: EffectResult = { ok: true, status: 302, headers: [['location', '/login']], body: '' };
    expect(replyOf((await ask({}, answer)).verdict).headers).toContainEqual(['Location', 'http://auth.internal:9000/login']);
    expect(replyOf((await ask({ preserveLocationHeader: true }, answer)).verdict).headers).toContainEqual(['location', '/login']);
  });

  it('§4 authResponseHeadersRegex: matching auth headers replace the request’s matching ones', async () => {
    const answer: EffectResult = { ok: true, status: 200, headers: [['X-User-Id', '42'], ['X-Other', 'no']], body: '' };
    const { ctx } = await ask({ authResponseHeadersRegex: '^X-User-' }, answer, { headers: [['X-User-Role', 'forged-admin']] });
    expect(ctx.upstream.headers.get('x-user-id')).toBe('42');
    expect(ctx.upstream.headers.has('x-user-role')).toBe(false);
    expect(ctx.upstream.headers.has('x-other')).toBe(false);
  });
});
