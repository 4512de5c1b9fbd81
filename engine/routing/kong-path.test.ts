import { describe, expect, it } from 'vitest';
import { kongUpstreamHost, kongUpstreamPath } from './kong-path.ts';

/** Route `/foo` unless said otherwise; v0, strip_path on. */
function up(requestPath: string, servicePath: string | undefined, opts: { strip?: boolean; v1?: boolean; prefix?: string; query?: string } = {}): string {
  return kongUpstreamPath({
    stripPath: opts.strip ?? true,
    pathHandling: opts.v1 ? 'v1' : 'v0',
    servicePath,
    matchedPrefix: opts.prefix ?? '/foo',
    requestPath,
    ...(opts.query !== undefined ? { query: opts.query } : {}),
  });
}

describe('kongUpstreamPath, v0 with strip_path (semantics §6)', () => {
  it.each([
    ['/foo', '/bar'],
    ['/foo/', '/bar/'],
    ['/foo/baz', '/bar/baz'],
    ['/foobar', '/bar/bar'],
  ])('§6 strip_path v0: %s with svc /bar → %s', (req, want) => {
    expect(up(req, '/bar')).toBe(want);
  });

  it('§6 strip_path v0: /foo with svc /bar/ → /bar (the trailing slash is dropped when nothing follows)', () => {
    expect(up('/foo', '/bar/')).toBe('/bar');
  });

  it.each([
    ['/foo/', '/bar/'],
    ['/foo/baz', '/bar/baz'],
    ['/foobar', '/bar/bar'],
  ])('§6 strip_path v0: %s with svc /bar/ → %s', (req, want) => {
    expect(up(req, '/bar/')).toBe(want);
  });

  it.each([
    ['/foo', '/'],
    ['/foo/', '/'],
    ['/foo/baz', '/baz'],
    ['/foobar', '/bar'],
  ])('§6 strip_path v0: %s with no service path → %s', (req, want) => {
    expect(up(req, undefined)).toBe(want);
  });

  it('§6 strip_path v0: an empty service path counts as "/"', () => {
    expect(up('/foo/baz', '')).toBe('/baz');
  });

  it('§6 strip_path v0: route /foo/ with svc /bar/ and request /foo/ → /bar/ (post empty, request ends with "/")', () => {
    expect(up('/foo/', '/bar/', { prefix: '/foo/' })).toBe('/bar/');
  });

  it('§6 strip_path v0: route /foo/ with svc /bar and request /foo/ → /bar/ (post empty, request longer than "/" ends with "/")', () => {
    expect(up('/foo/', '/bar', { prefix: '/foo/' })).toBe('/bar/');
  });

  it('§6 strip_path v0: lesson exercise 1, /api/v1/orders/123 with route /api/v1/orders and no service path → /123', () => {
    expect(up('/api/v1/orders/123', undefined, { prefix: '/api/v1/orders' })).toBe('/123');
  });

  it('§6 strip_path v0: a regex route strips exactly the text the regex matched', () => {
    expect(up('/api/v2/items', '/x', { prefix: '/api/v2' })).toBe('/x/items');
  });

  it('§6 strip_path v0: leftover "./" or ".." right after the prefix is dropped (sanitize_uri_postfix)', () => {
    // The request path is normalised first; a prefix ending in "." leaves "./…" behind.
    expect(up('/foo./x', '/bar', { prefix: '/foo.' })).toBe('/bar/x');
    expect(up('/foo..', '/bar', { prefix: '/foo' })).toBe('/bar');
  });

  it('§6 strip_path v0: a route without paths strips nothing', () => {
    expect(up('/foo/baz', '/bar', { prefix: '' })).toBe('/bar/foo/baz');
    expect(up('/', '/bar', { prefix: '' })).toBe('/bar');
    expect(up('/', undefined, { prefix: '' })).toBe('/');
  });
});

describe('kongUpstreamPath, v0 without strip_path (semantics §6)', () => {
  it('§6 strip_path=false v0: /foo/baz with svc /bar → /bar/foo/baz', () => {
    expect(up('/foo/baz', '/bar', { strip: false })).toBe('/bar/foo/baz');
  });

  it('§6 strip_path=false v0: /foo/baz with svc /bar/ → /bar/foo/baz (base + request[1:])', () => {
    expect(up('/foo/baz', '/bar/', { strip: false })).toBe('/bar/foo/baz');
  });

  it('§6 strip_path=false v0: request "/" with svc /bar → /bar', () => {
    expect(up('/', '/bar', { strip: false, prefix: '/' })).toBe('/bar');
  });

  it('§6 strip_path=false v0: no service path keeps the request path', () => {
    expect(up('/foo/baz', undefined, { strip: false })).toBe('/foo/baz');
  });
});

describe('kongUpstreamPath, v1 (semantics §6; traditional router only)', () => {
  it('§6 path_handling v1: /foobar with svc /bar → /barbar (base + post, no "/" added)', () => {
    expect(up('/foobar', '/bar', { v1: true })).toBe('/barbar');
  });

  it('§6 path_handling v1: /foo/baz with svc /bar/ → /bar/baz (one "//" collapsed)', () => {
    expect(up('/foo/baz', '/bar/', { v1: true })).toBe('/bar/baz');
  });

  it('§6 path_handling v1: strip_path=false, /foo with svc /bar → /barfoo', () => {
    expect(up('/foo', '/bar', { v1: true, strip: false })).toBe('/barfoo');
  });
});

describe('kongUpstreamPath, query and encoding', () => {
  it('keeps the query string unchanged', () => {
    expect(up('/foo/baz', '/bar', { query: 'a=1&b=%20' })).toBe('/bar/baz?a=1&b=%20');
  });

  it('§6 normalises the request path before stripping, as Kong routes on the normalised path', () => {
    expect(up('/foo//baz/./x/../y', '/bar')).toBe('/bar/baz/y');
  });

  it('percent-encodes again what normalisation decoded and Kong does not send raw (a space)', () => {
    expect(up('/foo/a%20b', '/bar')).toBe('/bar/a%20b');
    expect(up('/foo/%7Euser', '/bar')).toBe('/bar/~user');
  });
});

describe('kongUpstreamHost (semantics §6)', () => {
  const base = { clientHost: 'api.example.com:8000', targetHost: 'orders.svc', targetPort: 8080, protocol: 'http' as const };

  it('§6 preserve_host sends the client Host header as it came', () => {
    expect(kongUpstreamHost({ ...base, preserveHost: true })).toBe('api.example.com:8000');
  });

  it('§6 without preserve_host: target host and port', () => {
    expect(kongUpstreamHost({ ...base, preserveHost: false })).toBe('orders.svc:8080');
  });

  it('§6 without preserve_host: the scheme default port is left out', () => {
    expect(kongUpstreamHost({ ...base, preserveHost: false, targetPort: 80 })).toBe('orders.svc');
    expect(kongUpstreamHost({ ...base, preserveHost: false, targetPort: 443, protocol: 'https' })).toBe('orders.svc');
    expect(kongUpstreamHost({ ...base, preserveHost: false, targetPort: 80, protocol: 'https' })).toBe('orders.svc:80');
  });

  it('brackets an IPv6 target', () => {
    expect(kongUpstreamHost({ ...base, preserveHost: false, targetHost: '2001:db8::1', targetPort: 9000 })).toBe('[2001:db8::1]:9000');
  });

  it('remembered texts per target host and port stay right, also past the memo bound', () => {
    // Identity (one string per target) cannot be seen from JavaScript; the texts are what the trace needs.
    expect(kongUpstreamHost({ ...base, preserveHost: false })).toBe('orders.svc:8080');
    expect(kongUpstreamHost({ ...base, preserveHost: false })).toBe('orders.svc:8080');
    expect(kongUpstreamHost({ ...base, preserveHost: false, targetPort: 8081 })).toBe('orders.svc:8081');
    expect(kongUpstreamHost({ ...base, preserveHost: false, targetHost: 'other.svc' })).toBe('other.svc:8080');
    for (let port = 1000; port < 1300; port++) expect(kongUpstreamHost({ ...base, preserveHost: false, targetHost: `h${port}`, targetPort: port })).toBe(`h${port}:${port}`);
    expect(kongUpstreamHost({ ...base, preserveHost: false, targetHost: '2001:db8::1', targetPort: 9000 })).toBe('[2001:db8::1]:9000');
    expect(kongUpstreamHost({ ...base, preserveHost: false })).toBe('orders.svc:8080');
  });
});
