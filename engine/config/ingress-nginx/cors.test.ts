/**
 * enable-cors and cors-*, ported from ingress-nginx test/e2e/annotations/cors.go (every `It` that sends
 * a request) plus the unit cases of annotations/cors/main_test.go and template_test.go
 * (buildCorsOriginRegex). Each e2e case: one Ingress for cors.foo.com `/` → the echo Service.
 */
import { describe, expect, it } from 'vitest';
import { corsOriginPattern } from '../../routing/ingress-nginx-cors.ts';
import { ask, ingress, ingressIr, session } from './test-kit.ts';
import type { IngressNginxTable } from './table.ts';

const HOST = 'cors.foo.com';
const cors = (anns: Record<string, string>) => ingress('cors', HOST, [['/', 'Prefix', 'echo']], { 'enable-cors': 'true', ...anns });
const get = async (anns: Record<string, string>, origin?: string, method = 'GET') =>
  ask(cors(anns), `http://${HOST}/`, { method, headers: origin === undefined ? {} : { Origin: origin } });
const acao = async (anns: Record<string, string>, origin?: string) => (await get(anns, origin)).response.headers['access-control-allow-origin'];

function policyOf(anns: Record<string, string>) {
  const { ir, diagnostics } = ingressIr(cors(anns));
  const table = ir.router.kind === 'ingress-nginx' ? (ir.router.table as IngressNginxTable) : undefined;
  const loc = table?.servers.find((s) => s.hostname === HOST)?.locations.find((l) => l.ingress === 'default/cors');
  return { policy: loc?.cors, diagnostics };
}

describe('cors.go (e2e)', () => {
  it('should enable cors: the defaults, and a plain GET still gets 200', async () => {
    const r = await get({});
    expect(r.status).toBe(200);
    expect(r.response.headers).toMatchObject({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET, PUT, POST, DELETE, PATCH, OPTIONS',
      'access-control-allow-headers': 'DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization',
      'access-control-max-age': '1728000',
      'access-control-allow-credentials': 'true',
    });
    expect(r.upstream).not.toBeNull();
  });
  it('should set cors methods to only allow POST, GET', async () => {
    expect((await get({ 'cors-allow-methods': 'POST, GET' })).response.headers['access-control-allow-methods']).toBe('POST, GET');
  });
  it('should set cors max-age', async () => {
    expect((await get({ 'cors-max-age': '200' })).response.headers['access-control-max-age']).toBe('200');
  });
  it('should disable cors allow credentials', async () => {
    expect((await get({ 'cors-allow-credentials': 'false' })).response.headers['access-control-allow-credentials']).toBeUndefined();
  });
  it('should allow origin for cors', async () => {
    expect(await acao({ 'cors-allow-origin': 'https://origin.cors.com:8080' }, 'https://origin.cors.com:8080')).toBe('https://origin.cors.com:8080');
  });
  it('should allow headers for cors', async () => {
    expect((await get({ 'cors-allow-headers': 'DNT, User-Agent' })).response.headers['access-control-allow-headers']).toBe('DNT, User-Agent');
  });
  it('should expose headers for cors', async () => {
    const r = await get({ 'cors-expose-headers': 'X-CustomResponseHeader, X-CustomSecondHeader' });
    expect(r.response.headers['access-control-expose-headers']).toBe('X-CustomResponseHeader, X-CustomSecondHeader');
  });
  it('should allow - single origin for multiple cors values', async () => {
    expect(await acao({ 'cors-allow-origin': 'https://origin.cors.com:8080, https://origin2.cors.com' }, 'https://origin.cors.com:8080')).toBe('https://origin.cors.com:8080');
  });
  it('should not allow - single origin for multiple cors values', async () => {
    expect(await acao({ 'cors-allow-origin': 'http://origin2.cors.com, https://origin.com' }, 'http://no.origin.com')).toBeUndefined();
  });
  it('should allow correct origins - single origin for multiple cors values', async () => {
    const anns = { 'cors-allow-origin': 'origin.cors.com:8080, https://origin2.cors.com, https://origin.com' };
    expect(await acao(anns, 'origin.cors.com:8080')).toBeUndefined();
    expect(await acao(anns, 'https://origin2.cors.com')).toBe('https://origin2.cors.com');
    expect(await acao(anns, 'https://origin.com')).toBe('https://origin.com');
  });
  it('should not break functionality ("*", no Origin sent)', async () => {
    expect(await acao({ 'cors-allow-origin': '*' })).toBe('*');
  });
  it('should not break functionality - without `*`', async () => {
    expect(await acao({})).toBe('*');
  });
  it('should not break functionality with extra domain ("*, foo.bar.com")', async () => {
    expect(await acao({ 'cors-allow-origin': '*, foo.bar.com' })).toBe('*');
  });
  it('should not match (https://fooxbar.com against https://foo.bar.com: the dot is quoted)', async () => {
    expect(await acao({ 'cors-allow-origin': 'https://foo.bar.com' }, 'https://fooxbar.com')).toBeUndefined();
  });
  it('should allow - single origin with required port', async () => {
    expect(await acao({ 'cors-allow-origin': 'http://origin.cors.com:8080, http://origin.com:8080' }, 'http://origin.com:8080')).toBe('http://origin.com:8080');
  });
  it('should not allow - single origin with port and origin without port', async () => {
    expect(await acao({ 'cors-allow-origin': 'https://origin2.cors.com, http://origin.com' }, 'http://origin.com:8080')).toBeUndefined();
  });
  it('should not allow - single origin without port and origin with required port', async () => {
    expect(await acao({ 'cors-allow-origin': 'http://origin.cors.com:8080, http://origin.com:8080' }, 'http://origin.com')).toBeUndefined();
  });
  it('should allow - matching origin with wildcard origin (2 subdomains)', async () => {
    const anns = { 'cors-allow-origin': 'http://*.origin.cors.com, http://*.origin.com:8080' };
    expect(await acao(anns, 'http://foo.origin.cors.com')).toBe('http://foo.origin.cors.com');
    expect(await acao(anns, 'http://bar-foo.origin.cors.com')).toBe('http://bar-foo.origin.cors.com');
  });
  it('should not allow - unmatching origin with wildcard origin (2 subdomains)', async () => {
    expect(await acao({ 'cors-allow-origin': 'http://*.origin.cors.com, http://*.origin.com:8080' }, 'http://bar.foo.origin.cors.com')).toBeUndefined();
  });
  it('should allow - matching origin+port with wildcard origin', async () => {
    expect(await acao({ 'cors-allow-origin': 'http://origin.cors.com:8080, http://*.origin.com:8080' }, 'http://abc.origin.com:8080')).toBe('http://abc.origin.com:8080');
  });
  it('should not allow - portless origin with wildcard origin', async () => {
    expect(await acao({ 'cors-allow-origin': 'http://origin.cors.com:8080, http://*.origin.com:8080' }, 'http://abc.origin.com')).toBeUndefined();
  });
  it('should allow correct origins - missing subdomain + origin with wildcard origin and correct origin', async () => {
    const anns = { 'cors-allow-origin': 'http://origin.cors.com:8080, http://*.origin.com:8080' };
    expect(await acao(anns, 'http://origin.com:8080')).toBeUndefined();
    expect(await acao(anns, 'http://bar.origin.com:8080')).toBe('http://bar.origin.com:8080');
  });
  it('should allow - missing origins (should allow all origins)', async () => {
    const anns = { 'cors-allow-origin': '      ' };
    for (const origin of ['http://origin.com', 'http://book.origin.com', 'test.origin.com']) expect(await acao(anns, origin)).toBe('*');
  });
});

describe('the preflight and where the headers go (nginx.tmpl "CORS" block)', () => {
  it('an OPTIONS request whose Origin matches is answered 204 by nginx, never proxied', async () => {
    const r = await get({ 'cors-allow-origin': 'https://a.example.com' }, 'https://a.example.com', 'OPTIONS');
    expect(r.status).toBe(204);
    expect(r.upstream).toBeNull();
    expect(r.route).toBe('default/cors');
    expect(r.response.headers).toMatchObject({
      'access-control-allow-origin': 'https://a.example.com',
      'content-type': 'text/plain charset=UTF-8',
      'content-length': '0',
      server: 'nginx',
    });
  });
  it('an OPTIONS request whose Origin does not match goes to the backend without CORS headers', async () => {
    const r = await get({ 'cors-allow-origin': 'https://a.example.com' }, 'https://b.example.com', 'OPTIONS');
    expect(r.status).toBe(200);
    expect(r.upstream).not.toBeNull();
    expect(r.response.headers['access-control-allow-origin']).toBeUndefined();
  });
  it('preflights are answered before limit_req, so they use none of the limit', async () => {
    const send = session(cors({ 'limit-rps': '1', 'limit-burst-multiplier': '1' }));
    for (let i = 0; i < 5; i++) expect((await send(`http://${HOST}/`, { method: 'OPTIONS' })).status).toBe(204);
    expect((await send(`http://${HOST}/`)).status).toBe(200);
    expect((await send(`http://${HOST}/`)).status).toBe(200);
    expect((await send(`http://${HOST}/`)).status).toBe(503);
  });
  it('with "*" every OPTIONS request is a preflight, Origin or not', async () => {
    expect((await get({}, undefined, 'OPTIONS')).status).toBe(204);
  });
  it('more_set_headers skips error statuses: a 404 from the backend has no CORS headers', async () => {
    const r = await ask(cors({}), `http://${HOST}/`, { upstreamStatus: 404 });
    expect(r.status).toBe(404);
    expect(r.response.headers['access-control-allow-origin']).toBeUndefined();
  });
  it('the CORS block runs before permanent-redirect: the 301 carries the headers, and OPTIONS gets 204', async () => {
    const yaml = cors({ 'permanent-redirect': 'https://www.google.com' });
    const r = await ask(yaml, `http://${HOST}/`);
    expect(r.status).toBe(301);
    expect(r.response.headers['access-control-allow-origin']).toBe('*');
    expect((await ask(yaml, `http://${HOST}/`, { method: 'OPTIONS' })).status).toBe(204);
  });
  it('the preflight comes before ssl-redirect (rewrite module before rewrite_by_lua)', async () => {
    const yaml = ingress('cors', HOST, [['/', 'Prefix', 'echo']], { 'enable-cors': 'true' }, { tls: [HOST] });
    expect((await ask(yaml, `http://${HOST}/`, { method: 'OPTIONS' })).status).toBe(204);
    const redirected = await ask(yaml, `http://${HOST}/`);
    expect(redirected.status).toBe(308);
    expect(redirected.response.headers['access-control-allow-origin']).toBe('*');
  });
  it('without enable-cors the cors-* annotations do nothing (and gatelab says so)', async () => {
    const yaml = ingress('cors', HOST, [['/', 'Prefix', 'echo']], { 'cors-allow-origin': 'https://a.example.com' });
    const r = await ask(yaml, `http://${HOST}/`, { headers: { Origin: 'https://a.example.com' } });
    expect(r.response.headers['access-control-allow-origin']).toBeUndefined();
    expect(ingressIr(yaml).diagnostics.map((d) => d.message).join('\n')).toMatch(/enable-cors/);
  });
});

describe('annotation parsing (cors/main.go, main_test.go)', () => {
  it('the unit test values pass through', () => {
    const { policy } = policyOf({
      'cors-allow-headers': 'DNT,X-CustomHeader, Keep-Alive,User-Agent',
      'cors-allow-origin': 'https://origin123.test.com:4443',
      'cors-allow-methods': 'GET, PUT',
      'cors-allow-credentials': 'false',
      'cors-expose-headers': '*, X-CustomResponseHeader',
      'cors-max-age': '600',
    });
    expect(policy).toEqual({
      allowOrigin: ['https://origin123.test.com:4443'],
      allowMethods: 'GET, PUT',
      allowHeaders: 'DNT,X-CustomHeader, Keep-Alive,User-Agent',
      allowCredentials: false,
      exposeHeaders: '*, X-CustomResponseHeader',
      maxAge: 600,
    });
  });
  it('invalid values fall back to the defaults, with a warning each', () => {
    const { policy, diagnostics } = policyOf({
      'cors-allow-headers': '$request_uri',
      'cors-allow-methods': 'GET, $PUT',
      'cors-allow-origin': '$http_origin',
      'cors-expose-headers': '$x',
      'cors-max-age': 'ten',
      'cors-allow-credentials': 'maybe',
    });
    expect(policy).toEqual({
      allowOrigin: ['*'],
      allowMethods: 'GET, PUT, POST, DELETE, PATCH, OPTIONS',
      allowHeaders: 'DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization',
      allowCredentials: true,
      exposeHeaders: '',
      maxAge: 1728000,
    });
    expect(diagnostics.filter((d) => /cors/.test(d.message)).length).toBe(6);
  });
  it('origins without a scheme are skipped; "null" is an origin', () => {
    expect(policyOf({ 'cors-allow-origin': 'origin.cors.com, https://a.com, null' }).policy?.allowOrigin).toEqual(['https://a.com', 'null']);
  });
});

describe('buildCorsOriginRegex (template_test.go)', () => {
  it('quotes each origin and turns the first * into one label', () => {
    expect(corsOriginPattern(['*.xpto.com', '  lalala.com'])).toBe(String.raw`(([A-Za-z0-9\-]+\.xpto\.com)|(lalala\.com))$`);
  });
  it('a stray comma leaves an empty alternative, which matches any Origin', async () => {
    expect(corsOriginPattern(['https://a.com', ''])).toBe(String.raw`((https://a\.com)|)$`);
    expect(await acao({ 'cors-allow-origin': 'https://a.com,' }, 'https://evil.example')).toBe('https://evil.example');
  });
});
