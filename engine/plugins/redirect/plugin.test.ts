/**
 * Traefik's redirectScheme and redirectRegex (pkg/middlewares/redirect/redirect_scheme_test.go and
 * redirect_regex_test.go): the Location, the status (302/307, 301/308 when permanent) and when the
 * request simply goes on. Requests are origin-form, as a real client sends them, so an empty path is
 * "/" (Traefik's tests also try the absolute-form request URI, where it is empty).
 */
import { describe, expect, it } from 'vitest';
import type { RequestContext, Verdict } from '../../pipeline/types.ts';
import { collecting, context, hooksOf, host } from '../kit/test-kit.ts';
import { redirectPlugin } from './plugin.ts';

function ctxFor(url: string, opts: { method?: string; xfp?: string } = {}): RequestContext {
  const u = new URL(url);
  // The authority as written (URL would drop a default port the client spelt out).
  const hostHeader = /^[a-z]+:\/\/([^/?#]*)/.exec(url)?.[1] ?? u.host;
  const base = context({ method: opts.method ?? 'GET', path: u.pathname, query: u.search.slice(1), host: hostHeader });
  const request = { ...base.request, scheme: u.protocol === 'https:' ? ('https' as const) : ('http' as const), port: u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80 };
  // What the entryPoint leaves: X-Forwarded-Proto set to the scheme, unless a trusted peer sent one.
  base.upstream.headers.set('X-Forwarded-Proto', opts.xfp ?? request.scheme);
  return { ...base, request };
}

function redirect(config: unknown, url: string, opts: { method?: string; xfp?: string } = {}): { status: number; location?: string } {
  const v = hooksOf(redirectPlugin, config).access?.(ctxFor(url, opts), host()) as Verdict;
  if (v.kind !== 'reply') return { status: 200 };
  return { status: v.status, location: Object.fromEntries(v.headers ?? [])['Location'] };
}

describe('redirectScheme (redirect_scheme_test.go)', () => {
  const cases: Array<[string, Record<string, unknown>, string, { xfp?: string; method?: string }, number, string?]> = [
    ['HTTP to HTTPS', { scheme: 'https' }, 'http://foo', {}, 302, 'https://foo/'],
    ['HTTP to HTTPS, with X-Forwarded-Proto', { scheme: 'https' }, 'http://foo', { xfp: 'http' }, 302, 'https://foo/'],
    ['HTTP to HTTPS, with X-Forwarded-Proto to HTTPS', { scheme: 'https' }, 'http://foo', { xfp: 'https' }, 200],
    ['X-Forwarded-Proto to an unknown value', { scheme: 'https' }, 'http://foo', { xfp: 'bar' }, 302, 'https://foo/'],
    ['X-Forwarded-Proto to ws', { scheme: 'https' }, 'http://foo', { xfp: 'ws' }, 302, 'https://foo/'],
    ['X-Forwarded-Proto to wss', { scheme: 'https' }, 'http://foo', { xfp: 'wss' }, 200],
    ['HTTP with port to HTTPS without port', { scheme: 'https' }, 'http://foo:8080', {}, 302, 'https://foo/'],
    ['HTTP without port to HTTPS with port', { scheme: 'https', port: '8443' }, 'http://foo', {}, 302, 'https://foo:8443/'],
    ['HTTP with port to HTTPS with port', { scheme: 'https', port: '8443' }, 'http://foo:8000', {}, 302, 'https://foo:8443/'],
    ['HTTPS with port to HTTPS with port', { scheme: 'https', port: '8443' }, 'https://foo:8000', {}, 302, 'https://foo:8443/'],
    ['HTTPS with port to HTTPS without port', { scheme: 'https' }, 'https://foo:8000', {}, 302, 'https://foo/'],
    ['already https, path kept', { scheme: 'https' }, 'https://foo:8000/theother', {}, 302, 'https://foo/theother'],
    ['HTTP to HTTPS permanent', { scheme: 'https', port: '8443', permanent: true }, 'http://foo', {}, 301, 'https://foo:8443/'],
    ['to HTTP 80', { scheme: 'http', port: '80' }, 'http://foo:80', {}, 200],
    ['to HTTPS 443', { scheme: 'https', port: '443' }, 'https://foo:443', {}, 200],
    ['HTTP to wss', { scheme: 'wss', port: '9443' }, 'http://foo', {}, 302, 'wss://foo:9443/'],
    ['HTTP to wss without port', { scheme: 'wss' }, 'http://foo', {}, 302, 'wss://foo/'],
    ['HTTP with port to wss without port', { scheme: 'wss' }, 'http://foo:5678', {}, 302, 'wss://foo/'],
    ['HTTP to HTTPS without port', { scheme: 'https' }, 'http://foo:443', {}, 302, 'https://foo/'],
    ['HTTP port redirection', { scheme: 'http', port: '8181' }, 'http://foo:8080', {}, 302, 'http://foo:8181/'],
    ['HTTPS with port 80 to HTTPS without port', { scheme: 'https' }, 'https://foo:80', {}, 302, 'https://foo/'],
    ['IPv6 HTTP to HTTPS without port', { scheme: 'https' }, 'http://[::1]', {}, 302, 'https://[::1]/'],
    ['IPv6 HTTP to HTTPS with port', { scheme: 'https', port: '8443' }, 'http://[::1]', {}, 302, 'https://[::1]:8443/'],
    ['IPv6 HTTP with port 80 to HTTPS without port', { scheme: 'https' }, 'http://[::1]:80', {}, 302, 'https://[::1]/'],
    ['IPv6 HTTP with port 80 to HTTPS with port', { scheme: 'https', port: '8443' }, 'http://[::1]:80', {}, 302, 'https://[::1]:8443/'],
    ['a POST keeps its method: 307', { scheme: 'https' }, 'http://foo/form', { method: 'POST' }, 307, 'https://foo/form'],
    ['a permanent POST: 308', { scheme: 'https', permanent: true }, 'http://foo/form', { method: 'POST' }, 308, 'https://foo/form'],
  ];
  for (const [desc, config, url, opts, status, location] of cases) {
    it(desc, () => {
      expect(redirect({ redirectScheme: config }, url, opts)).toEqual({ status, ...(location ? { location } : {}) });
    });
  }

  it('without scheme Traefik refuses the middleware', () => {
    const r = collecting();
    redirectPlugin.parse({ redirectScheme: {} }, r);
    expect(r.items[0]).toMatchObject({ severity: 'error', path: 'redirectScheme.scheme' });
  });
});

describe('redirectRegex (redirect_regex_test.go)', () => {
  it('simple redirection', () => {
    expect(redirect({ redirectRegex: { regex: '^(?:http?:\\/\\/)(foo)(\\.com)(:\\d+)(.*)$', replacement: 'https://${1}bar$2:443$4' } }, 'http://foo.com:80')).toEqual({ status: 302, location: 'https://foobar.com:443/' });
  });
  it('URL doesn’t match regex: the request goes on', () => {
    expect(redirect({ redirectRegex: { regex: '^(?:http?:\\/\\/)(foo)(\\.com)(:\\d+)(.*)$', replacement: 'https://${1}bar$2:443$4' } }, 'http://bar.com:80')).toEqual({ status: 200 });
  });
  it('path and query are part of the URL', () => {
    expect(redirect({ redirectRegex: { regex: '^http://old\\.example\\.com/(.*)', replacement: 'https://new.example.com/${1}' } }, 'http://old.example.com/a/b?c=1')).toEqual({ status: 302, location: 'https://new.example.com/a/b?c=1' });
  });
  it('permanent, non-GET → 308', () => {
    expect(redirect({ redirectRegex: { regex: '^http://(.*)', replacement: 'https://$1', permanent: true } }, 'http://foo.com/x', { method: 'PUT' })).toEqual({ status: 308, location: 'https://foo.com/x' });
  });
  it('a replacement that yields the same URL is no redirect', () => {
    expect(redirect({ redirectRegex: { regex: '^(.*)$', replacement: '$1' } }, 'http://foo.com/x')).toEqual({ status: 200 });
  });
  it('an invalid regexp is refused', () => {
    const r = collecting();
    redirectPlugin.parse({ redirectRegex: { regex: '(' } }, r);
    expect(r.items[0]?.severity).toBe('error');
  });
});
