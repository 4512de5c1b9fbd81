/**
 * Annotations as ingress-nginx applies them, with the cases of kubernetes/ingress-nginx
 * test/e2e/annotations/{rewrite,approot,redirect,forcesslredirect,xforwardedprefix,upstreamvhost,
 * default_backend,ipallowlist,fromtowwwredirect,alias}.go and the unit tests of the annotation parsers.
 */
import { describe, expect, it } from 'vitest';
import { ask, docs, ingress, ingressIr } from './test-kit.ts';

describe('rewrite-target', () => {
  it('captures: /something(/|$)(.*) → /$2 (docs/examples/rewrite)', async () => {
    const yaml = ingress('rewrite', 'rewrite.bar.com', [['/something(/|$)(.*)', 'ImplementationSpecific', 'http-svc']], { 'use-regex': 'true', 'rewrite-target': '/$2' });
    const path = async (p: string) => (await ask(yaml, `http://rewrite.bar.com${p}`)).upstream?.path;
    expect(await path('/something')).toBe('/');
    expect(await path('/something/')).toBe('/');
    expect(await path('/something/new')).toBe('/new');
    expect(await path('/something/new?x=1')).toBe('/new?x=1');
    expect(await path('/SomeThing/new')).toBe('/new');
  });
  it('a target without captures replaces the whole URI: rewrite-target / sends /something/else to /', async () => {
    const yaml = ingress('rw', 'rewrite.foo.com', [['/something', 'Prefix', 'http-svc']], { 'rewrite-target': '/' });
    expect((await ask(yaml, 'http://rewrite.foo.com/something/else')).upstream?.path).toBe('/');
  });
  it('custom rewrite parameters: /foo/bar/(.+) → /new/backend/$1 (should allow for custom rewrite parameters)', async () => {
    const yaml = ingress('regex', 'rewrite.bar.com', [['/foo/bar/(.+)', 'ImplementationSpecific', 'echo']], { 'use-regex': 'true', 'rewrite-target': '/new/backend/$1' });
    expect((await ask(yaml, 'http://rewrite.bar.com/foo/bar/bar')).upstream?.path).toBe('/new/backend/bar');
  });
  it('a rewrite-target equal to the path is no rewrite', async () => {
    const yaml = ingress('same', 'same.example.com', [['/foo', 'Prefix', 'svc']], { 'rewrite-target': '/foo' });
    expect((await ask(yaml, 'http://same.example.com/foo')).upstream?.path).toBe('/foo');
  });
  it('a misspelt rewrit-target has no effect and is warned about', async () => {
    const yaml = ingress('typo', 'typo.example.com', [['/app', 'Prefix', 'svc']], { 'rewrit-target': '/' });
    expect((await ask(yaml, 'http://typo.example.com/app/page')).upstream?.path).toBe('/app/page');
    const { diagnostics } = ingressIr(yaml);
    expect(diagnostics[0]?.code).toBe('GL_W_UNKNOWN_FIELD');
    expect(diagnostics[0]?.hint).toBe("did you mean 'nginx.ingress.kubernetes.io/rewrite-target'?");
  });
  it('an invalid target (a ? in it) is dropped with a warning', async () => {
    const yaml = ingress('bad', 'bad.example.com', [['/a', 'Prefix', 'svc']], { 'rewrite-target': '/b?x=1' });
    expect((await ask(yaml, 'http://bad.example.com/a')).upstream?.path).toBe('/a');
    expect(ingressIr(yaml).diagnostics.some((d) => d.message.includes('rewrite-target'))).toBe(true);
  });
  it('x-forwarded-prefix is sent with a rewrite (e2e xforwardedprefix.go)', async () => {
    const yaml = ingress('xfp', 'xfp.baz.com', [['/', 'Prefix', 'echo']], { 'x-forwarded-prefix': '/test/value', 'rewrite-target': '/foo' });
    const r = await ask(yaml, 'http://xfp.baz.com/');
    expect(r.upstream?.headers['x-forwarded-prefix']).toBe('/test/value');
    expect(r.upstream?.path).toBe('/foo');
  });
  it('an empty x-forwarded-prefix adds nothing', async () => {
    const yaml = ingress('noxfp', 'noxfp.baz.com', [['/', 'Prefix', 'echo']], { 'x-forwarded-prefix': '', 'rewrite-target': '/foo' });
    expect((await ask(yaml, 'http://noxfp.baz.com/')).upstream?.headers['x-forwarded-prefix']).toBeUndefined();
  });
});

describe('redirects', () => {
  it('app-root: / → 302 to $scheme://$http_host/foo (e2e approot.go)', async () => {
    const r = await ask(ingress('approot', 'approot.bar.com', [['/', 'Prefix', 'echo']], { 'app-root': '/foo' }), 'http://approot.bar.com/');
    expect(r.status).toBe(302);
    expect(r.redirect?.location).toBe('http://approot.bar.com/foo');
    expect(r.route).toBe('default/approot');
  });
  it('app-root leaves other paths alone', async () => {
    const r = await ask(ingress('approot', 'approot.bar.com', [['/', 'Prefix', 'echo']], { 'app-root': '/foo' }), 'http://approot.bar.com/foo');
    expect(r.status).toBe(200);
  });
  it('permanent-redirect: 301 with the URL as Location (e2e redirect.go)', async () => {
    const r = await ask(ingress('redirect', 'redirect', [['/something', 'Prefix', 'echo']], { 'permanent-redirect': 'http://redirect.example.com' }), 'http://redirect/something');
    expect(r).toMatchObject({ status: 301, redirect: { location: 'http://redirect.example.com' }, backend: null });
  });
  it('permanent-redirect-code 302 (e2e: should respond with a custom redirect code)', async () => {
    const r = await ask(ingress('redirect', 'redirect', [['/something', 'Prefix', 'echo']], { 'permanent-redirect': 'http://redirect.example.com', 'permanent-redirect-code': '302' }), 'http://redirect/something');
    expect(r.status).toBe(302);
  });
  it.each([
    ['308', 308],
    ['418', 301],
    ['299', 301],
  ])('permanent-redirect-code %s → %i (redirect_test.go)', async (code, status) => {
    const r = await ask(ingress('r', 'r.example.com', [['/', 'Prefix', 'echo']], { 'permanent-redirect': 'http://some-site.com', 'permanent-redirect-code': code }), 'http://r.example.com/');
    expect(r.status).toBe(status);
  });
  it.each([
    [undefined, 302],
    ['307', 307],
    ['418', 302],
  ])('temporal-redirect (code %s) → %i, and wins over permanent-redirect', async (code, status) => {
    const anns: Record<string, string> = { 'temporal-redirect': 'http://some-site.com', 'permanent-redirect': 'http://other.com' };
    if (code) anns['temporal-redirect-code'] = code;
    const r = await ask(ingress('r', 'r.example.com', [['/', 'Prefix', 'echo']], anns), 'http://r.example.com/');
    expect(r.status).toBe(status);
    expect(r.redirect?.location).toBe('http://some-site.com');
  });
  it('a redirect annotation also answers the host\'s other paths (the catch-all / carries the annotations)', async () => {
    const r = await ask(ingress('redirect', 'redirect', [['/something', 'Prefix', 'echo']], { 'permanent-redirect': 'http://redirect.example.com' }), 'http://redirect/elsewhere');
    expect(r.status).toBe(301);
  });
  it('permanent-redirect to a path: nginx makes the Location absolute (e2e relativeredirects.go)', async () => {
    const r = await ask(ingress('rr', 'rr.foo.com', [['/something', 'Prefix', 'echo']], { 'permanent-redirect': '/new-location', 'relative-redirects': 'false' }), 'http://rr.foo.com/something');
    expect(r).toMatchObject({ status: 301, redirect: { location: 'http://rr.foo.com/new-location' } });
  });
  it('relative-redirects: "true" keeps it relative (absolute_redirect off)', async () => {
    const r = await ask(ingress('rr', 'rr.foo.com', [['/something', 'Prefix', 'echo']], { 'permanent-redirect': '/new-location', 'relative-redirects': 'true' }), 'http://rr.foo.com/something');
    expect(r).toMatchObject({ status: 301, redirect: { location: '/new-location' } });
  });
  it('relative-redirects also applies to nginx\'s trailing-slash redirect', async () => {
    const yaml = ingress('rr', 'rr.foo.com', [['/docs/', 'Prefix', 'echo']], { 'relative-redirects': 'true' });
    expect((await ask(yaml, 'http://rr.foo.com/docs')).redirect?.location).toBe('/docs/');
  });
  it('temporal-redirect without http(s) is invalid: no redirect', async () => {
    const r = await ask(ingress('r', 'r.example.com', [['/', 'Prefix', 'echo']], { 'temporal-redirect': 'ftp://x.com' }), 'http://r.example.com/');
    expect(r.status).toBe(200);
  });
  it('from-to-www-redirect: www.foo.com → foo.com with 308', async () => {
    const r = await ask(ingress('www', 'foo.com', [['/', 'Prefix', 'echo']], { 'from-to-www-redirect': 'true' }), 'http://www.foo.com/a/');
    expect(r.status).toBe(308);
    expect(r.redirect?.location).toBe('http://foo.com/a');
  });
});

describe('ssl-redirect and force-ssl-redirect (lua_ingress.lua)', () => {
  const tls = (anns: Record<string, string> = {}) => ingress('ssl', 'sslredirect.bar.com', [['/', 'Prefix', 'echo']], anns, { tls: ['sslredirect.bar.com'] });
  it('a host with TLS redirects plain HTTP with 308, dropping one trailing slash', async () => {
    const r = await ask(tls(), 'http://sslredirect.bar.com/');
    expect(r).toMatchObject({ status: 308, redirect: { location: 'https://sslredirect.bar.com' } });
    expect((await ask(tls(), 'http://sslredirect.bar.com/a/b/?q=1')).redirect?.location).toBe('https://sslredirect.bar.com/a/b/?q=1');
    expect((await ask(tls(), 'http://sslredirect.bar.com/a/b/')).redirect?.location).toBe('https://sslredirect.bar.com/a/b');
  });
  it('preserve-trailing-slash keeps it', async () => {
    expect((await ask(tls({ 'preserve-trailing-slash': 'true' }), 'http://sslredirect.bar.com/a/')).redirect?.location).toBe('https://sslredirect.bar.com/a/');
  });
  it('use-port-in-redirects adds :443', async () => {
    expect((await ask(tls({ 'use-port-in-redirects': 'true' }), 'http://sslredirect.bar.com/a')).redirect?.location).toBe('https://sslredirect.bar.com:443/a');
  });
  it('ssl-redirect "false" turns it off', async () => expect((await ask(tls({ 'ssl-redirect': 'false' }), 'http://sslredirect.bar.com/')).status).toBe(200));
  it('HTTPS passes and gets HSTS', async () => {
    const r = await ask(tls(), 'https://sslredirect.bar.com/');
    expect(r.status).toBe(200);
    expect(r.response.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  });
  it('without TLS there is no redirect, unless force-ssl-redirect (e2e forcesslredirect.go)', async () => {
    const plain = (anns: Record<string, string>) => ingress('f', 'forcesslredirect.bar.com', [['/', 'Prefix', 'echo']], anns);
    expect((await ask(plain({}), 'http://forcesslredirect.bar.com/')).status).toBe(200);
    const r = await ask(plain({ 'force-ssl-redirect': 'true' }), 'http://forcesslredirect.bar.com/');
    expect(r).toMatchObject({ status: 308, redirect: { location: 'https://forcesslredirect.bar.com' } });
  });
  it('ACME challenges stay on HTTP (no-tls-redirect-locations)', async () => {
    const yaml = ingress('acme', 'sslredirect.bar.com', [['/.well-known/acme-challenge', 'Prefix', 'solver']], {}, { tls: ['sslredirect.bar.com'] });
    expect((await ask(yaml, 'http://sslredirect.bar.com/.well-known/acme-challenge/token')).status).toBe(200);
  });
  it('permanent-redirect comes before ssl-redirect (rewrite module before Lua)', async () => {
    const r = await ask(tls({ 'permanent-redirect': 'https://elsewhere.com' }), 'http://sslredirect.bar.com/');
    expect(r.redirect?.location).toBe('https://elsewhere.com');
  });
});

describe('upstream-vhost and other headers', () => {
  it('upstream-vhost replaces the Host sent upstream (e2e upstreamvhost.go)', async () => {
    const r = await ask(ingress('vhost', 'upstreamvhost.bar.com', [['/', 'Prefix', 'echo']], { 'upstream-vhost': 'upstreamvhost.bar.com.internal' }), 'http://upstreamvhost.bar.com/');
    expect(r.upstream?.host).toBe('upstreamvhost.bar.com.internal');
    expect(r.upstream?.headers['x-forwarded-host']).toBe('upstreamvhost.bar.com');
  });
  it('connection-proxy-header sets the Connection header sent upstream (e2e connection.go)', async () => {
    const yaml = ingress('connection', 'connection.foo.com', [['/', 'Prefix', 'echo']], { 'connection-proxy-header': 'keep-alive' });
    expect((await ask(yaml, 'http://connection.foo.com/')).upstream?.headers['connection']).toBe('keep-alive');
    expect((await ask(yaml, 'http://connection.foo.com/', { headers: { Upgrade: 'websocket', Connection: 'Upgrade' } })).upstream?.headers['connection']).toBe('keep-alive');
  });
});

describe('source ranges', () => {
  it('allowlist-source-range: others get 403', async () => {
    const yaml = ingress('ip', 'ip.example.com', [['/', 'Prefix', 'echo']], { 'allowlist-source-range': '18.0.0.0/8, 56.0.0.1' });
    expect((await ask(yaml, 'http://ip.example.com/', { clientIp: '18.1.2.3' })).status).toBe(200);
    expect((await ask(yaml, 'http://ip.example.com/', { clientIp: '56.0.0.1' })).status).toBe(200);
    expect((await ask(yaml, 'http://ip.example.com/', { clientIp: '1.2.3.4' })).status).toBe(403);
  });
  it('whitelist-source-range is the older name of the same annotation', async () => {
    const yaml = ingress('ip', 'ip.example.com', [['/', 'Prefix', 'echo']], { 'whitelist-source-range': '10.0.0.0/8' });
    expect((await ask(yaml, 'http://ip.example.com/', { clientIp: '1.2.3.4' })).status).toBe(403);
  });
  it('denylist-source-range: those get 403', async () => {
    const yaml = ingress('ip', 'ip.example.com', [['/', 'Prefix', 'echo']], { 'denylist-source-range': '1.2.3.0/24' });
    expect((await ask(yaml, 'http://ip.example.com/', { clientIp: '1.2.3.4' })).status).toBe(403);
    expect((await ask(yaml, 'http://ip.example.com/', { clientIp: '1.2.4.4' })).status).toBe(200);
  });
  it('an invalid CIDR denies the location: 503 for everyone', async () => {
    const yaml = ingress('ip', 'ip.example.com', [['/', 'Prefix', 'echo']], { 'allowlist-source-range': '10.0.0.0/33' });
    expect((await ask(yaml, 'http://ip.example.com/', { clientIp: '10.1.1.1' })).status).toBe(503);
  });
});

describe('default-backend annotation (e2e default_backend.go)', () => {
  it('an upstream without endpoints is served by the annotation\'s Service, with X-Code 503', async () => {
    const svc = `apiVersion: v1
kind: Service
metadata: { name: echo }
spec: { ports: [{ port: 80 }] }`;
    const yaml = docs(svc, ingress('default-backend', 'default-backend', [['/', 'Prefix', 'invalid']], { 'default-backend': 'echo' }));
    const r = await ask(yaml, 'http://default-backend/alma/armud', { headers: { 'x-request-id': 'something-unique' } });
    expect(r.status).toBe(200);
    expect(r.backend).toBe('echo');
    expect(r.upstream?.headers).toMatchObject({ 'x-code': '503', 'x-ingress-name': 'default-backend', 'x-service-name': 'invalid', 'x-request-id': 'something-unique' });
  });
});

describe('server-alias', () => {
  it('the alias host reaches the same server', async () => {
    const yaml = ingress('alias', 'foo', [['/', 'Prefix', 'echo']], { 'server-alias': 'bar, baz' });
    expect((await ask(yaml, 'http://bar/')).backend).toBe('echo');
    expect((await ask(yaml, 'http://baz/')).backend).toBe('echo');
    expect((await ask(yaml, 'http://qux/')).status).toBe(404);
  });
});
