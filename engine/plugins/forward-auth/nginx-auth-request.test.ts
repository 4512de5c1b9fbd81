/**
 * forward-auth's nginx flavour (ingress-nginx auth-url). Sources pinned here:
 * - nginx src/http/modules/ngx_http_auth_request_module.c, ngx_http_auth_request_handler: 2xx → NGX_OK;
 *   401 → 401 with the subrequest's WWW-Authenticate copied; 403 → 403; anything else → "auth request
 *   unexpected status", 500; `sr->header_only = 1` (the auth body never reaches the client).
 * - kubernetes/ingress-nginx rootfs/etc/nginx/template/nginx.tmpl, the `location = {{ $authPath }}`
 *   block (headers, proxy_pass_request_body off, proxy_method) and the main location's auth_request,
 *   add_header Set-Cookie $auth_cookie, error_page 401 for auth-signin.
 * - internal/ingress/controller/template/template.go: buildAuthResponseHeaders, buildAuthSignURL.
 * Traefik's forwardAuth (semantics §4) is the contrast: it returns the auth server's own answer.
 */
import { describe, expect, it } from 'vitest';
import type { Effect, EffectResult } from '../../pipeline/types.ts';
import { collecting, context, hooksOf, replyOf, run } from '../kit/test-kit.ts';
import { forwardAuthPlugin } from './plugin.ts';
import { escapeUri, expandNginxVars } from './nginx-vars.ts';

type HttpEffect = Extract<Effect, { type: 'http' }>;

const NGINX = { flavour: 'nginx', address: 'http://oauth2-proxy.auth.svc:4180/oauth2/auth', authResponseHeaders: ['X-Auth-Request-User', 'X-Auth-Request-Email'] };
const TRAEFIK = { address: NGINX.address, trustForwardHeader: false, authResponseHeaders: NGINX.authResponseHeaders };

const answer = (status: number, headers: Array<[string, string]> = [], body = 'from the auth service'): (() => EffectResult) => () => ({ ok: true, status, headers, body });

async function nginxRun(status: number, headers: Array<[string, string]> = [], extra: Record<string, unknown> = {}, upstream = {}) {
  const ctx = context({ path: '/orders', query: 'id=7', headers: [['X-Auth-Request-User', 'forged-admin']] });
  const out = await run(hooksOf(forwardAuthPlugin, { ...NGINX, ...extra }), ctx, undefined, upstream, answer(status, headers));
  return { ...out, ctx };
}

describe('nginx auth_request: the status rules (ngx_http_auth_request_handler)', () => {
  it('any 2xx lets the request through; auth-response-headers replace the client\'s, a listed header missing from the answer is dropped', async () => {
    const { verdict, ctx } = await nginxRun(202, [['x-auth-request-email', 'ada@example.com']]);
    expect(verdict.kind).toBe('next');
    expect(verdict.reason).toContain('answered 202 → nginx auth_request lets any 2xx through');
    expect(ctx.upstream.headers.get('X-Auth-Request-Email')).toBe('ada@example.com');
    // proxy_set_header 'X-Auth-Request-User' $authHeader0 with an empty variable sends no header at all.
    expect(ctx.upstream.headers.has('X-Auth-Request-User')).toBe(false);
  });

  it('401: nginx\'s own 401 page with the auth service\'s WWW-Authenticate; the auth body is not passed on', async () => {
    const r = replyOf((await nginxRun(401, [['www-authenticate', 'Bearer realm="shop"'], ['x-other', 'no']])).verdict);
    expect(r.status).toBe(401);
    expect(r.body).toContain('<title>401 Authorization Required</title>');
    expect(r.body).not.toContain('from the auth service');
    expect(r.headers).toContainEqual(['WWW-Authenticate', 'Bearer realm="shop"']);
    expect(r.headers?.some(([n]) => n.toLowerCase() === 'x-other')).toBe(false);
  });

  it('403: nginx\'s 403 page', async () => {
    const r = replyOf((await nginxRun(403)).verdict);
    expect([r.status, r.body?.includes('403 Forbidden')]).toEqual([403, true]);
  });

  it.each([302, 404, 429, 503])('%i from the auth service is a 500 (auth request unexpected status) — Traefik would pass it on', async (status) => {
    const r = replyOf((await nginxRun(status, [['location', '/login']])).verdict);
    expect(r.status).toBe(500);
    expect(r.body).toContain('500 Internal Server Error');
    expect(r.reason).toContain(`answered ${status} → nginx auth_request turns any status other than 2xx/401/403 into 500`);
    expect(r.headers?.some(([n]) => n.toLowerCase() === 'location')).toBe(false);
    // The contrast, semantics §4: Traefik's forwardAuth returns the auth server's status as it is.
    const traefik = await run(hooksOf(forwardAuthPlugin, TRAEFIK), context(), undefined, {}, answer(status));
    expect(replyOf(traefik.verdict).status).toBe(status);
  });

  it('an auth service that refuses or times out is a 500 too, and the reason says which rule decided', async () => {
    for (const error of ['ECONNREFUSED', 'no answer within 60000 ms']) {
      const { verdict } = await run(hooksOf(forwardAuthPlugin, NGINX), context(), undefined, {}, () => ({ ok: false, error }));
      const r = replyOf(verdict);
      expect(r.status).toBe(500);
      expect(r.reason).toContain(`failed (${error}) → the auth subrequest fails`);
    }
  });
});

describe('nginx auth_request: the subrequest (nginx.tmpl auth location)', () => {
  it('GET without a body, the client headers, and the X-Original-* family; X-Forwarded-Proto blanked, X-Forwarded-For = $remote_addr', async () => {
    let seen: HttpEffect | undefined;
    const ctx = context({ method: 'POST', path: '/orders', query: 'id=7', body: '{"a":1}', headers: [['Cookie', '_oauth2_proxy=abc'], ['Content-Length', '7'], ['X-Forwarded-Proto', 'https'], ['X-Forwarded-For', '1.2.3.4'], ['Connection', 'keep-alive']] });
    await run(hooksOf(forwardAuthPlugin, NGINX), ctx, undefined, {}, (e) => ((seen = e), { ok: true, status: 200, headers: [], body: '' }));
    expect([seen?.method, seen?.body, seen?.timeoutMs]).toEqual(['GET', undefined, 60_000]);
    const h = new Map(seen?.headers.map(([n, v]) => [n.toLowerCase(), v]));
    expect(h.get('cookie')).toBe('_oauth2_proxy=abc');
    expect(h.get('host')).toBe('oauth2-proxy.auth.svc');
    expect(h.get('x-original-url')).toBe('http://api.example.com/orders?id=7');
    expect(h.get('x-original-method')).toBe('POST');
    expect(h.get('x-sent-from')).toBe('nginx-ingress-controller');
    expect(h.get('x-real-ip')).toBe('203.0.113.7');
    expect(h.get('x-forwarded-for')).toBe('203.0.113.7');
    expect(h.get('x-auth-request-redirect')).toBe('/orders?id=7');
    for (const gone of ['x-forwarded-proto', 'content-length', 'connection', 'x-original-uri']) expect(h.has(gone), gone).toBe(false);
  });

  it('auth-method sets the method and adds X-Original-URI and X-Scheme; auth-request-redirect replaces X-Auth-Request-Redirect', async () => {
    let seen: HttpEffect | undefined;
    await run(hooksOf(forwardAuthPlugin, { ...NGINX, method: 'POST', requestRedirect: 'https://$host/back' }), context({ path: '/a' }), undefined, {}, (e) => ((seen = e), { ok: true, status: 204, headers: [], body: '' }));
    const h = new Map(seen?.headers.map(([n, v]) => [n.toLowerCase(), v]));
    expect(seen?.method).toBe('POST');
    expect([h.get('x-original-uri'), h.get('x-scheme'), h.get('x-auth-request-redirect')]).toEqual(['/a', 'http', 'https://api.example.com/back']);
  });

  it('auth-method must be one of authreq.go\'s upper-case methods', () => {
    const r = collecting();
    forwardAuthPlugin.parse({ ...NGINX, method: 'get' }, r);
    expect(r.items[0]).toMatchObject({ severity: 'error', path: 'method' });
  });
});

describe('nginx auth_request: auth-signin and the auth cookie', () => {
  it('auth-signin turns a 401 into a 302 with rd=<scheme>://<host><escaped request uri> and the auth service\'s Set-Cookie', async () => {
    const r = replyOf((await nginxRun(401, [['set-cookie', 'csrf=1']], { signinUrl: 'https://auth.example.com/oauth2/start' })).verdict);
    expect(r.status).toBe(302);
    expect(r.headers).toContainEqual(['Location', 'https://auth.example.com/oauth2/start?rd=http://api.example.com%2Forders%3Fid%3D7']);
    expect(r.headers).toContainEqual(['Set-Cookie', 'csrf=1']);
  });

  it('a signin URL that already carries rd= is kept, with its nginx variables expanded; other params get &rd=', async () => {
    const kept = replyOf((await nginxRun(401, [], { signinUrl: 'https://$host/oauth2/start?rd=$escaped_request_uri' })).verdict);
    expect(kept.headers).toContainEqual(['Location', 'https://api.example.com/oauth2/start?rd=%2Forders%3Fid%3D7']);
    const added = replyOf((await nginxRun(401, [], { signinUrl: 'https://login.example.com/?app=shop', signinRedirectParam: 'next' })).verdict);
    expect(added.headers).toContainEqual(['Location', 'https://login.example.com/?app=shop&next=http://api.example.com%2Forders%3Fid%3D7']);
  });

  it('a 403 is not redirected (error_page covers 401 only)', async () => {
    expect(replyOf((await nginxRun(403, [], { signinUrl: 'https://auth.example.com/start' })).verdict).status).toBe(403);
  });

  it('the auth cookie goes on a 200 from the backend but not on a 500 from it, unless auth-always-set-cookie', async () => {
    const ok = await nginxRun(200, [['set-cookie', 'session=s1']], {}, { status: 200 });
    expect(ok.response?.headers.getAll('set-cookie')).toEqual(['session=s1']);
    const failed = await nginxRun(200, [['set-cookie', 'session=s1']], {}, { status: 500 });
    expect(failed.response?.headers.getAll('set-cookie')).toEqual([]);
    const always = await nginxRun(200, [['set-cookie', 'session=s1']], { alwaysSetCookie: true }, { status: 500 });
    expect(always.response?.headers.getAll('set-cookie')).toEqual(['session=s1']);
  });

  it('a denial carries the cookie only with auth-always-set-cookie (401 is not in add_header\'s list)', async () => {
    const plain = replyOf((await nginxRun(401, [['set-cookie', 'x=1']])).verdict);
    expect(plain.headers?.some(([n]) => n === 'Set-Cookie')).toBe(false);
    const always = replyOf((await nginxRun(401, [['set-cookie', 'x=1']], { alwaysSetCookie: true })).verdict);
    expect(always.headers).toContainEqual(['Set-Cookie', 'x=1']);
  });
});

describe('nginx variables in auth-url and auth-signin', () => {
  it('$host drops the port and lower-cases; $escaped_request_uri escapes all but unreserved characters', () => {
    const ctx = context({ host: 'Shop.Example.com:8443', headers: [['Host', 'Shop.Example.com:8443']], path: '/a b/c', query: 'x=1&y=2' });
    expect(expandNginxVars('https://$host/auth?u=$escaped_request_uri&m=${request_method}&z=$unknown', ctx)).toBe('https://shop.example.com/auth?u=%2Fa%20b%2Fc%3Fx%3D1%26y%3D2&m=GET&z=$unknown');
    expect(escapeUri('é~')).toBe('%C3%A9~');
  });
});
