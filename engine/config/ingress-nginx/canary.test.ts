/**
 * Canary routing (semantics §8; balancer.lua route_to_alternative_balancer), with the cases of
 * kubernetes/ingress-nginx test/e2e/annotations/canary.go: header (always / never / other), header
 * value, header value + cookie, cookie, weight 0 and 100, a canary without a main Ingress, a canary
 * catch-all, and the weight draw with canary-weight-total.
 */
import { describe, expect, it } from 'vitest';
import { ask, docs, ingress, ingressIr, session } from './test-kit.ts';

const main = ingress('foo', 'foo', [['/', 'Prefix', 'http-svc']]);
const canary = (annotations: Record<string, string>, path = '/', host = 'foo') =>
  ingress('foo-canary', host, [[path, 'Prefix', 'http-svc-canary']], { canary: 'true', ...annotations });

const backendFor = async (yaml: string, headers: Record<string, string> = {}, url = 'http://foo/') => (await ask(yaml, url, { headers })).backend;

describe('canary by header (no value)', () => {
  const yaml = docs(main, canary({ 'canary-by-header': 'CanaryByHeader' }));
  it.each([
    ['always', 'http-svc-canary'],
    ['never', 'http-svc'],
    ['badheadervalue', 'http-svc'],
  ])('CanaryByHeader: %s → %s', async (value, backend) => expect(await backendFor(yaml, { CanaryByHeader: value })).toBe(backend));
  it('without the header → the main backend', async () => expect(await backendFor(yaml)).toBe('http-svc'));
  it('header names compare case-insensitively, - and _ alike (nginx $http_*)', async () => expect(await backendFor(yaml, { canarybyheader: 'always' })).toBe('http-svc-canary'));
  it('the route is the main Ingress even when the canary serves', async () => {
    const r = await ask(yaml, 'http://foo/', { headers: { CanaryByHeader: 'always' } });
    expect(r.route).toBe('default/foo');
  });
  it('also when the main Ingress is created after the canary', async () => {
    const later = docs(canary({ 'canary-by-header': 'CanaryByHeader' }), main);
    expect(await backendFor(later, { CanaryByHeader: 'always' })).toBe('http-svc-canary');
    expect(await backendFor(later, { CanaryByHeader: 'never' })).toBe('http-svc');
  });
});

describe('canary by header value', () => {
  const yaml = docs(main, canary({ 'canary-by-header': 'CanaryByHeader', 'canary-by-header-value': 'DoCanary' }));
  it.each([
    ['DoCanary', 'http-svc-canary'],
    ['always', 'http-svc'],
    ['never', 'http-svc'],
    ['otherheadervalue', 'http-svc'],
    ['docanary', 'http-svc'],
  ])('CanaryByHeader: %s → %s', async (value, backend) => expect(await backendFor(yaml, { CanaryByHeader: value })).toBe(backend));
});

describe('canary by header value and cookie', () => {
  const yaml = docs(main, canary({ 'canary-by-header': 'CanaryByHeader', 'canary-by-header-value': 'DoCanary', 'canary-by-cookie': 'CanaryByCookie' }));
  it('a non-matching header value falls through to the cookie (always → canary)', async () => {
    expect(await backendFor(yaml, { CanaryByHeader: 'otherheadervalue', Cookie: 'CanaryByCookie=always' })).toBe('http-svc-canary');
  });
});

describe('canary by header pattern', () => {
  const yaml = docs(main, canary({ 'canary-by-header': 'CanaryByHeader', 'canary-by-header-pattern': '^(Do|Should)Canary$' }));
  it.each([
    ['DoCanary', 'http-svc-canary'],
    ['ShouldCanary', 'http-svc-canary'],
    ['DoNotCanary', 'http-svc'],
    ['always', 'http-svc'],
  ])('CanaryByHeader: %s → %s', async (value, backend) => expect(await backendFor(yaml, { CanaryByHeader: value })).toBe(backend));
  it('the value wins over the pattern when both are set', async () => {
    const both = docs(main, canary({ 'canary-by-header': 'H', 'canary-by-header-value': 'exact', 'canary-by-header-pattern': 'pat.*' }));
    expect(await backendFor(both, { H: 'pattern' })).toBe('http-svc');
    expect(await backendFor(both, { H: 'exact' })).toBe('http-svc-canary');
  });
});

describe('canary by cookie', () => {
  const yaml = docs(main, canary({ 'canary-by-cookie': 'Canary-By-Cookie' }));
  it.each([
    ['Canary-By-Cookie=always', 'http-svc-canary'],
    ['Canary-By-Cookie=never', 'http-svc'],
    ['Canary-By-Cookie=badcookievalue', 'http-svc'],
    ['other=1; Canary-By-Cookie=always', 'http-svc-canary'],
  ])('Cookie: %s → %s', async (cookie, backend) => expect(await backendFor(yaml, { Cookie: cookie })).toBe(backend));
});

describe('precedence: header → cookie → weight (§8)', () => {
  const yaml = docs(main, canary({ 'canary-by-header': 'X-Canary', 'canary-by-cookie': 'canary', 'canary-weight': '100' }));
  it('header never beats cookie always and weight 100', async () => {
    expect(await backendFor(yaml, { 'X-Canary': 'never', Cookie: 'canary=always' })).toBe('http-svc');
  });
  it('cookie never beats weight 100', async () => expect(await backendFor(yaml, { Cookie: 'canary=never' })).toBe('http-svc'));
  it('a header value that decides nothing falls to the cookie', async () => {
    expect(await backendFor(yaml, { 'X-Canary': 'maybe', Cookie: 'canary=never' })).toBe('http-svc');
  });
  it('nothing decides: weight 100 sends everything to the canary', async () => expect(await backendFor(yaml)).toBe('http-svc-canary'));
});

describe('canary by weight', () => {
  it('weight 0: never the canary', async () => {
    const yaml = docs(main, canary({ 'canary-weight': '0' }));
    for (let seed = 1; seed <= 20; seed++) expect((await ask(yaml, 'http://foo/', { seed })).backend).toBe('http-svc');
  });
  it('weight 100: always the canary', async () => {
    const yaml = docs(main, canary({ 'canary-weight': '100' }));
    for (let seed = 1; seed <= 20; seed++) expect((await ask(yaml, 'http://foo/', { seed })).backend).toBe('http-svc-canary');
  });
  it('weight 10 sends about one request in ten, decided per request id', async () => {
    const send = session(docs(main, canary({ 'canary-weight': '10' })));
    let hits = 0;
    for (let i = 0; i < 2000; i++) if ((await send('http://foo/')).backend === 'http-svc-canary') hits++;
    expect(hits).toBeGreaterThan(140);
    expect(hits).toBeLessThan(260);
  });
  it('canary-weight-total 1000 with weight 250: a quarter', async () => {
    const send = session(docs(main, canary({ 'canary-weight': '250', 'canary-weight-total': '1000' })));
    let hits = 0;
    for (let i = 0; i < 2000; i++) if ((await send('http://foo/')).backend === 'http-svc-canary') hits++;
    expect(hits).toBeGreaterThan(420);
    expect(hits).toBeLessThan(580);
  });
  it('canary-weight-total below 100 counts as 100 (weight 50 of 60 is half, not 5/6)', async () => {
    const send = session(docs(main, canary({ 'canary-weight': '50', 'canary-weight-total': '60' })));
    let hits = 0;
    for (let i = 0; i < 2000; i++) if ((await send('http://foo/')).backend === 'http-svc-canary') hits++;
    expect(hits).toBeGreaterThan(900);
    expect(hits).toBeLessThan(1100);
  });
  it('the same request id always gets the same choice (simulation and proxy agree)', async () => {
    const yaml = docs(main, canary({ 'canary-weight': '50' }));
    const a = await ask(yaml, 'http://foo/', { seed: 7 });
    const b = await ask(yaml, 'http://foo/', { seed: 7 });
    expect(a.backend).toBe(b.backend);
  });
});

describe('canaries that do not attach', () => {
  it('a canary alone is ignored: 404 even with the header (should return 404 … if no matching ingress is found)', async () => {
    const yaml = canary({ 'canary-by-header': 'CanaryByHeader' });
    const r = await ask(yaml, 'http://foo/', { headers: { CanaryByHeader: 'always' } });
    expect(r.status).toBe(404);
  });
  it('a canary whose host has no main Ingress is ignored, and its host is no server (should not use canary with domain as a server)', async () => {
    const yaml = docs(canary({ 'canary-by-header': 'CanaryByHeader' }), ingress('bar', 'bar', [['/', 'Prefix', 'http-svc']]));
    const { ir, diagnostics } = ingressIr(yaml);
    const table = (ir.router as { table: { servers: Array<{ hostname: string }> } }).table;
    expect(table.servers.map((s) => s.hostname)).toEqual(['_', 'bar']);
    expect(diagnostics.map((d) => d.message).join('\n')).toContain('no main Ingress serves host foo');
    expect((await ask(yaml, 'http://foo/', { headers: { CanaryByHeader: 'always' } })).status).toBe(404);
  });
  it('the canary path must equal the main path and pathType exactly', async () => {
    const yaml = docs(main, canary({ 'canary-weight': '100' }, '/api'));
    expect(await backendFor(yaml, {}, 'http://foo/api')).toBe('http-svc');
  });
  it('a canary catch-all attaches to the main catch-all (should not use canary as a catch-all server)', async () => {
    const catchAll = (name: string, svc: string, annotations: string) => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ${name}
  annotations: {${annotations}}
spec:
  ingressClassName: nginx
  defaultBackend: { service: { name: ${svc}, port: { number: 80 } } }`;
    const yaml = docs(
      catchAll('foo-canary', 'http-svc-canary', '"nginx.ingress.kubernetes.io/canary": "true", "nginx.ingress.kubernetes.io/canary-by-header": "CanaryByHeader"'),
      catchAll('foo', 'http-svc', ''),
    );
    expect(await backendFor(yaml, {}, 'http://any.host/')).toBe('http-svc');
    expect(await backendFor(yaml, { CanaryByHeader: 'always' }, 'http://any.host/')).toBe('http-svc-canary');
  });
  it('canary annotations without canary: "true" make an ordinary Ingress (configured but not enabled)', async () => {
    const yaml = docs(main, ingress('foo-canary', 'foo', [['/', 'Prefix', 'http-svc-canary']], { 'canary-weight': '100' }));
    expect(await backendFor(yaml)).toBe('http-svc');
  });
  it('an invalid canary-weight falls back to 0', async () => {
    const yaml = docs(main, canary({ 'canary-weight': 'ten' }));
    expect(await backendFor(yaml)).toBe('http-svc');
  });
  it('a canary Service without endpoints leaves traffic on the main backend', async () => {
    const svc = `apiVersion: v1
kind: Service
metadata: { name: http-svc }
spec: { ports: [{ port: 80 }] }`;
    const yaml = docs(svc, main, canary({ 'canary-weight': '100' }));
    expect(await backendFor(yaml)).toBe('http-svc');
  });
  it('a main Service without endpoints gives 503 even when the canary has some', async () => {
    const svc = `apiVersion: v1
kind: Service
metadata: { name: http-svc-canary }
spec: { ports: [{ port: 80 }] }`;
    const r = await ask(docs(svc, main, canary({ 'canary-weight': '100' })), 'http://foo/');
    expect(r.status).toBe(503);
    expect(r.route).toBe('default/foo');
    expect(r.backend).toBeNull();
  });
});

describe('the canary is per upstream, not per path (controller.go mergeAlternativeBackends)', () => {
  it('a canary on /a also serves /b when the main Ingress sends both to the same Service', async () => {
    const yaml = docs(ingress('main', 'foo', [['/a', 'Prefix', 'svc'], ['/b', 'Prefix', 'svc']]), ingress('c', 'foo', [['/a', 'Prefix', 'svc-canary']], { canary: 'true', 'canary-weight': '100' }));
    expect(await backendFor(yaml, {}, 'http://foo/b')).toBe('svc-canary');
  });
});
