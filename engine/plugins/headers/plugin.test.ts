/**
 * Traefik's headers middleware (pkg/middlewares/headers/header_test.go, secure_test.go): custom request
 * and response headers with "" to remove, Host, CORS preflight and simple requests, security headers,
 * and only responses that came back through the middleware are touched.
 */
import { describe, expect, it } from 'vitest';
import { HeaderMap } from '../../pipeline/headers.ts';
import type { RequestContext, Verdict } from '../../pipeline/types.ts';
import { collecting, context, hooksOf, host } from '../kit/test-kit.ts';
import { canonicalHeaderKey } from './config.ts';
import { headersPlugin } from './plugin.ts';

function respond(ctx: RequestContext, headers: Array<[string, string]> = []): void {
  ctx.response = { status: 200, headers: new HeaderMap(headers), source: 'upstream' };
}

describe('custom request headers', () => {
  it('sets, removes ("") and changes the Host sent upstream', () => {
    const hooks = hooksOf(headersPlugin, { customRequestHeaders: { 'X-Custom-Request-Header': 'test_request', 'X-Remove': '', host: 'internal.example' } });
    const ctx = context({ headers: [['X-Remove', 'x'], ['X-Custom-Request-Header', 'old']] });
    hooks.access?.(ctx, host());
    expect(ctx.upstream.headers.toJSON()).toMatchObject({ 'x-custom-request-header': 'test_request', host: 'internal.example' });
    expect(ctx.upstream.headers.has('X-Remove')).toBe(false);
    expect(ctx.upstream.host).toBe('internal.example');
  });

  it('canonicalises names as Go does', () => {
    expect(canonicalHeaderKey('x-custom-header')).toBe('X-Custom-Header');
    expect(canonicalHeaderKey('X_weird')).toBe('X_weird');
  });
});

describe('custom response headers', () => {
  it('sets and removes on the way back', () => {
    const hooks = hooksOf(headersPlugin, { customResponseHeaders: { 'X-Custom-Response-Header': 'value', Server: '' } });
    const ctx = context();
    hooks.access?.(ctx, host());
    respond(ctx, [['Server', 'nginx'], ['X-Custom-Response-Header', 'backend']]);
    hooks.response?.(ctx, host());
    expect(ctx.response?.headers.toJSON()).toEqual({ 'x-custom-response-header': 'value' });
  });

  it('leaves alone a response made before the middleware ran (an earlier 429)', () => {
    const hooks = hooksOf(headersPlugin, { customResponseHeaders: { 'X-Custom': 'v' } });
    const ctx = context();
    respond(ctx);
    const v = hooks.response?.(ctx, host()) as Verdict;
    expect(ctx.response?.headers.has('X-Custom')).toBe(false);
    expect(v.reason).toMatch(/did not pass through/);
  });
});

describe('CORS', () => {
  const cors = {
    accessControlAllowMethods: ['GET', 'OPTIONS', 'PUT'],
    accessControlAllowHeaders: ['X-Custom'],
    accessControlAllowOriginList: ['https://foo.bar.org', 'https://example.org'],
    accessControlMaxAge: 100,
    addVaryHeader: true,
  };

  it('answers a preflight itself', () => {
    const hooks = hooksOf(headersPlugin, cors);
    const ctx = context({ method: 'OPTIONS', headers: [['Origin', 'https://foo.bar.org'], ['Access-Control-Request-Method', 'GET']] });
    const v = hooks.access?.(ctx, host()) as Verdict;
    expect(v).toMatchObject({ kind: 'reply', status: 200 });
    expect(v.kind === 'reply' ? Object.fromEntries(v.headers ?? []) : {}).toEqual({
      'Access-Control-Allow-Headers': 'X-Custom',
      'Access-Control-Allow-Methods': 'GET,OPTIONS,PUT',
      'Access-Control-Allow-Origin': 'https://foo.bar.org',
      'Access-Control-Max-Age': '100',
    });
  });

  it('a simple request gets Allow-Origin and Vary on the response', () => {
    const hooks = hooksOf(headersPlugin, cors);
    const ctx = context({ headers: [['Origin', 'https://example.org']] });
    hooks.access?.(ctx, host());
    respond(ctx, [['Vary', 'Accept-Encoding']]);
    hooks.response?.(ctx, host());
    expect(ctx.response?.headers.toJSON()).toEqual({ vary: 'Accept-Encoding,Origin', 'access-control-allow-origin': 'https://example.org' });
  });

  it('an origin outside the list gets no Allow-Origin', () => {
    const hooks = hooksOf(headersPlugin, { accessControlAllowOriginList: ['https://a.org'] });
    const ctx = context({ headers: [['Origin', 'https://evil.org']] });
    hooks.access?.(ctx, host());
    respond(ctx);
    hooks.response?.(ctx, host());
    expect(ctx.response?.headers.has('Access-Control-Allow-Origin')).toBe(false);
  });

  it('origins may match a regular expression', () => {
    const hooks = hooksOf(headersPlugin, { accessControlAllowOriginListRegex: ['^https://([a-z]+)\\.example\\.org$'] });
    const ctx = context({ headers: [['Origin', 'https://app.example.org']] });
    hooks.access?.(ctx, host());
    respond(ctx);
    hooks.response?.(ctx, host());
    expect(ctx.response?.headers.get('Access-Control-Allow-Origin')).toBe('https://app.example.org');
  });
});

describe('security headers', () => {
  it('writes the secure handler’s headers; custom headers override them', () => {
    const hooks = hooksOf(headersPlugin, { frameDeny: true, contentTypeNosniff: true, browserXssFilter: true, referrerPolicy: 'no-referrer', customResponseHeaders: { 'X-Frame-Options': 'SAMEORIGIN' } });
    const ctx = context();
    hooks.access?.(ctx, host());
    respond(ctx);
    hooks.response?.(ctx, host());
    expect(ctx.response?.headers.toJSON()).toEqual({
      'x-frame-options': 'SAMEORIGIN',
      'x-content-type-options': 'nosniff',
      'x-xss-protection': '1; mode=block',
      'referrer-policy': 'no-referrer',
    });
  });

  it('Strict-Transport-Security only on HTTPS unless forced', () => {
    const cfg = { stsSeconds: 315360000, stsIncludeSubdomains: true, stsPreload: true };
    const hooks = hooksOf(headersPlugin, cfg);
    const plain = context();
    hooks.access?.(plain, host());
    respond(plain);
    hooks.response?.(plain, host());
    expect(plain.response?.headers.has('Strict-Transport-Security')).toBe(false);
    const secure = { ...context(), request: { ...context().request, scheme: 'https' as const } };
    hooks.access?.(secure, host());
    respond(secure);
    hooks.response?.(secure, host());
    expect(secure.response?.headers.get('Strict-Transport-Security')).toBe('max-age=315360000; includeSubDomains; preload');
  });

  it('warns about fields gatelab does not model', () => {
    const r = collecting();
    headersPlugin.parse({ allowedHosts: ['a.com'] }, r);
    expect(r.items.map((i) => i.code)).toEqual(['GL_W_NO_EFFECT']);
  });
});
