/**
 * forwardAuth's two byte limits (semantics §4; traefik/traefik pkg/middlewares/auth/forward.go,
 * readResponseBodyBytes and readBodyBytes): an auth answer whose body is over maxResponseBodySize is a
 * 401 with an empty body whatever its status; with forwardBody, a request body over maxBodySize is a
 * 401 before the auth server is asked. Both default to -1, no limit. Exactly the limit passes.
 */
import { describe, expect, it } from 'vitest';
import type { BackendSpec } from '../../scenario/types.ts';
import type { Effect, EffectResult } from '../../pipeline/types.ts';
import { calloutAnswer } from '../../runtimes/sim/callouts.ts';
import { collecting, context, hooksOf, replyOf, run } from '../kit/test-kit.ts';
import { parseForwardAuthConfig } from './config.ts';
import { forwardAuthPlugin } from './plugin.ts';

type HttpEffect = Extract<Effect, { type: 'http' }>;

const BASE = { address: 'http://auth.internal/check', trustForwardHeader: false, authResponseHeaders: ['X-User'] };
const answer = (status: number, body: string): EffectResult => ({ ok: true, status, headers: [['x-user', 'ada'], ['content-type', 'text/plain']], body });

describe('forwardAuth maxResponseBodySize (semantics §4)', () => {
  it('§4 an allowing answer with a body one byte over the limit is a 401 with an empty body; the backend is never called', async () => {
    const ctx = context();
    const { verdict } = await run(hooksOf(forwardAuthPlugin, { ...BASE, maxResponseBodySize: 4 }), ctx, undefined, {}, () => answer(200, 'hello'));
    const r = replyOf(verdict);
    expect([r.status, r.body, r.headers]).toEqual([401, '', []]);
    expect(r.reason).toContain('over maxResponseBodySize 4 bytes');
    expect(ctx.upstream.headers.has('x-user'), 'nothing copied from an answer Traefik refused to read').toBe(false);
  });

  it('§4 exactly the limit passes; the limit counts bytes, not characters', async () => {
    const ok = await run(hooksOf(forwardAuthPlugin, { ...BASE, maxResponseBodySize: 5 }), context(), undefined, {}, () => answer(200, 'hello'));
    expect(ok.verdict.kind).toBe('next');
    // "héllo" is 6 bytes in UTF-8.
    const over = await run(hooksOf(forwardAuthPlugin, { ...BASE, maxResponseBodySize: 5 }), context(), undefined, {}, () => answer(200, 'héllo'));
    expect(replyOf(over.verdict).status).toBe(401);
  });

  it('§4 a denying answer over the limit is a 401 too (the body is read before the status), not the auth server\'s own answer', async () => {
    const { verdict } = await run(hooksOf(forwardAuthPlugin, { ...BASE, maxResponseBodySize: 3 }), context(), undefined, {}, () => answer(403, '<h1>Forbidden</h1>'));
    const r = replyOf(verdict);
    expect([r.status, r.body, r.headers]).toEqual([401, '', []]);
  });

  it('§4 the effect asks the host to read at most the limit; a host that stopped reading (bodyTooLarge) gives the same 401', async () => {
    let seen: HttpEffect | undefined;
    const { verdict } = await run(hooksOf(forwardAuthPlugin, { ...BASE, maxResponseBodySize: 0 }), context(), undefined, {}, (e) => ((seen = e), { ok: true, status: 200, headers: [], bodyTooLarge: true }));
    expect(seen?.maxBodyBytes).toBe(0);
    expect(replyOf(verdict).status).toBe(401);
    // 0 still lets an empty body through (Go's io.ReadFull sees EOF at once).
    const empty = await run(hooksOf(forwardAuthPlugin, { ...BASE, maxResponseBodySize: 0 }), context(), undefined, {}, () => answer(200, ''));
    expect(empty.verdict.kind).toBe('next');
  });

  it('§4 the default (-1) reads any size and puts no limit on the call', async () => {
    let seen: HttpEffect | undefined;
    const { verdict } = await run(hooksOf(forwardAuthPlugin, BASE), context(), undefined, {}, (e) => ((seen = e), answer(200, 'x'.repeat(100_000))));
    expect(verdict.kind).toBe('next');
    expect(seen && 'maxBodyBytes' in seen).toBe(false);
  });

  it('§4 the simulation\'s auth backend answers bodyTooLarge instead of a body over the limit', () => {
    const backend = { name: 'auth.internal', status: 200, headers: [], body: 'twelve bytes' } as unknown as BackendSpec;
    const effect: HttpEffect = { type: 'http', purpose: 'forward-auth', method: 'GET', url: 'http://auth.internal/check', headers: [], timeoutMs: 30_000, maxBodyBytes: 11 };
    const m = { networkMs: 1, workMs: 1, down: false, failed: false, errorStatus: 500 };
    expect(calloutAnswer(effect, backend, m).result).toEqual({ ok: true, status: 200, headers: [], bodyTooLarge: true });
    expect(calloutAnswer({ ...effect, maxBodyBytes: 12 }, backend, m).result).toMatchObject({ ok: true, body: 'twelve bytes' });
  });
});

describe('forwardAuth maxBodySize with forwardBody (semantics §4)', () => {
  it('§4 a request body over maxBodySize is a 401 at once: no auth call at all', async () => {
    const effects: HttpEffect[] = [];
    const ctx = context({ method: 'POST', body: '{"amount":100}' });
    const { verdict } = await run(hooksOf(forwardAuthPlugin, { ...BASE, forwardBody: true, maxBodySize: 13 }), ctx, undefined, {}, (e) => (effects.push(e), answer(200, '')));
    const r = replyOf(verdict);
    expect([r.status, r.body, effects.length]).toEqual([401, '', 0]);
    expect(r.reason).toContain('over maxBodySize 13 bytes');
  });

  it('§4 a body of exactly maxBodySize goes to the auth server', async () => {
    const effects: HttpEffect[] = [];
    const { verdict } = await run(hooksOf(forwardAuthPlugin, { ...BASE, forwardBody: true, maxBodySize: 14 }), context({ method: 'POST', body: '{"amount":100}' }), undefined, {}, (e) => (effects.push(e), answer(200, '')));
    expect(verdict.kind).toBe('next');
    expect(effects.map((e) => e.body)).toEqual(['{"amount":100}']);
  });

  it('§4 without forwardBody no body is read, so maxBodySize has no effect (warned)', async () => {
    const r = collecting();
    const c = parseForwardAuthConfig({ ...BASE, maxBodySize: 1 }, r);
    expect(r.items.map((i) => `${i.severity} ${i.path} ${i.code}`)).toEqual(['warning maxBodySize GL_W_NO_EFFECT']);
    const { verdict } = await run(forwardAuthPlugin.create(c, { instanceId: 'fa', scope: {} }), context({ method: 'POST', body: 'far more than one byte' }), undefined, {}, () => answer(200, ''));
    expect(verdict.kind).toBe('next');
  });

  it('both limits are whole numbers; -1 is the default', () => {
    const r = collecting();
    const c = parseForwardAuthConfig({ ...BASE, forwardBody: true, maxResponseBodySize: 1.5, maxBodySize: 'big' }, r);
    expect(r.items.map((i) => `${i.path} ${i.code}`)).toEqual(['maxBodySize GL_E_TYPE', 'maxResponseBodySize GL_E_CONFIG_INVALID']);
    expect([c.maxBodySize, c.maxResponseBodySize]).toEqual([-1, -1]);
  });
});
