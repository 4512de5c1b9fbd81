/** Traefik forwardAuth (semantics §4): the auth call as an http effect, 2xx passes, anything else returns. */
import { describe, expect, it } from 'vitest';
import type { Effect, EffectResult } from '../../pipeline/types.ts';
import { collecting, context, hooksOf, replyOf, run } from '../kit/test-kit.ts';
import { authRequestHeaders, forwardAuthPlugin } from './plugin.ts';

// Snippet 04's middleware, as the lesson writes it.
const OAUTH2 = {
  address: 'http://oauth2-proxy.auth.svc:4180/oauth2/auth',
  trustForwardHeader: true,
  authResponseHeaders: ['X-Auth-Request-User', 'X-Auth-Request-Email', 'X-Auth-Request-Groups'],
};

const allow = (): EffectResult => ({ ok: true, status: 202, headers: [['x-auth-request-user', 'ada'], ['x-auth-request-email', 'ada@example.com'], ['x-other', 'no']], body: '' });
const deny = (): EffectResult => ({ ok: true, status: 401, headers: [['content-type', 'text/html'], ['www-authenticate', 'Bearer'], ['connection', 'close']], body: '<h1>Unauthorized</h1>' });

describe('forward-auth (Traefik forwardAuth, semantics §4)', () => {
  it('§4 the auth call: GET to address with the request headers and X-Forwarded-*', async () => {
    let seen: Extract<Effect, { type: 'http' }> | undefined;
    const ctx = context({ method: 'POST', path: '/orders', query: 'a=1', headers: [['Cookie', '_oauth2_proxy=abc'], ['Connection', 'keep-alive']] });
    await run(hooksOf(forwardAuthPlugin, OAUTH2), ctx, undefined, {}, (e) => ((seen = e), allow()));
    expect(seen?.method).toBe('GET');
    expect(seen?.url).toBe(OAUTH2.address);
    const h = new Map(seen?.headers.map(([n, v]) => [n.toLowerCase(), v]));
    expect(h.get('cookie')).toBe('_oauth2_proxy=abc');
    expect(h.has('connection')).toBe(false);
    expect(h.get('x-forwarded-method')).toBe('POST');
    expect(h.get('x-forwarded-uri')).toBe('/orders?a=1');
    expect(h.get('x-forwarded-host')).toBe('api.example.com');
    expect(h.get('x-forwarded-for')).toBe('203.0.113.7');
  });

  it('§4 2xx allows; authResponseHeaders replace what the client sent; other auth headers are not copied', async () => {
    const ctx = context({ headers: [['X-Auth-Request-User', 'forged-admin'], ['X-Auth-Request-Groups', 'admins']] });
    const { verdict } = await run(hooksOf(forwardAuthPlugin, OAUTH2), ctx, undefined, {}, allow);
    expect(verdict.kind).toBe('next');
    expect(ctx.upstream.headers.getAll('X-Auth-Request-User')).toEqual(['ada']);
    expect(ctx.upstream.headers.get('X-Auth-Request-Email')).toBe('ada@example.com');
    // Listed but absent from the auth answer: removed, so a forged value cannot slip through.
    expect(ctx.upstream.headers.has('X-Auth-Request-Groups')).toBe(false);
    expect(ctx.upstream.headers.has('x-other')).toBe(false);
  });

  it('§4 any other status goes back to the client with the auth body and headers (minus hop-by-hop)', async () => {
    const { verdict } = await run(hooksOf(forwardAuthPlugin, OAUTH2), context(), undefined, {}, deny);
    const r = replyOf(verdict);
    expect(r.status).toBe(401);
    expect(r.body).toBe('<h1>Unauthorized</h1>');
    expect(r.headers).toContainEqual(['www-authenticate', 'Bearer']);
    expect(r.headers?.some(([n]) => n === 'connection')).toBe(false);
  });

  it('§4 a 302 from the auth server is returned too, its relative Location made absolute', async () => {
    const redirect = (): EffectResult => ({ ok: true, status: 302, headers: [['location', '/oauth2/start?rd=%2F']], body: '' });
    const r = replyOf((await run(hooksOf(forwardAuthPlugin, OAUTH2), context(), undefined, {}, redirect)).verdict);
    expect(r.status).toBe(302);
    expect(r.headers).toContainEqual(['Location', 'http://oauth2-proxy.auth.svc:4180/oauth2/start?rd=%2F']);
  });

  it('§4 the auth server unreachable: 500 with an empty body', async () => {
    const r = replyOf((await run(hooksOf(forwardAuthPlugin, OAUTH2), context(), undefined, {}, () => ({ ok: false, error: 'ECONNREFUSED' }))).verdict);
    expect([r.status, r.body]).toEqual([500, '']);
  });

  it('§4 trustForwardHeader: true appends to the client\'s XFF and keeps its X-Forwarded-Host; false drops them', () => {
    const ctx = context({ headers: [['X-Forwarded-For', '1.2.3.4'], ['X-Forwarded-Host', 'evil.example'], ['X-Forwarded-Prefix', '/p']] });
    const trusted = authRequestHeaders({ ...forwardAuthPlugin.parse(OAUTH2, collecting()) }, ctx);
    expect(trusted.get('x-forwarded-for')).toBe('1.2.3.4, 203.0.113.7');
    expect(trusted.get('x-forwarded-host')).toBe('evil.example');
    const untrusted = authRequestHeaders(forwardAuthPlugin.parse({ ...OAUTH2, trustForwardHeader: false }, collecting()), ctx);
    expect(untrusted.get('x-forwarded-for')).toBe('203.0.113.7');
    expect(untrusted.get('x-forwarded-host')).toBe('api.example.com');
    expect(untrusted.has('x-forwarded-prefix')).toBe(false);
  });

  it('§4 trustForwardHeader unset: legacy — XFF and Host overwritten, X-Forwarded-Prefix passed, and a warning', () => {
    const r = collecting();
    const config = forwardAuthPlugin.parse({ address: OAUTH2.address }, r);
    expect(r.items[0]).toMatchObject({ severity: 'warning', code: 'GL_W_DEPRECATED' });
    const ctx = context({ headers: [['X-Forwarded-For', '1.2.3.4'], ['X-Forwarded-Prefix', '/p']] });
    const h = authRequestHeaders(config, ctx);
    expect(h.get('x-forwarded-for')).toBe('203.0.113.7');
    expect(h.get('x-forwarded-prefix')).toBe('/p');
  });

  it('authRequestHeaders limits what the auth server sees', () => {
    const config = forwardAuthPlugin.parse({ ...OAUTH2, authRequestHeaders: ['Cookie'] }, collecting());
    const h = authRequestHeaders(config, context({ headers: [['Cookie', 'c=1'], ['X-Secret', 's']] }));
    expect(h.has('x-secret')).toBe(false);
    expect(h.get('cookie')).toBe('c=1');
  });
});
