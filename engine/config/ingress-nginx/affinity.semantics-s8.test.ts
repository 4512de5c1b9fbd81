/**
 * Cookie session affinity and the sticky canary (semantics §8 rule 1), from kubernetes/ingress-nginx:
 * - rootfs/etc/nginx/lua/balancer.lua `get_alternative_or_original_balancer`: affinitized to the main
 *   backend → main, before anything; affinitized to the canary → canary, before header, cookie, weight;
 * - balancer/sticky.lua `is_affinitized` (the cookie's part after "|" is the backend's key
 *   md5(md5(name) .. name), `sync`), `set_cookie`, `should_set_cookie`;
 * - internal/ingress/annotations/sessionaffinity/main.go (defaults, the max-age/expires regex);
 * - internal/ingress/controller/controller.go `mergeAlternativeBackend` (the canary backend copies
 *   the main backend's affinity unless the canary Ingress says affinity-canary-behavior: legacy).
 */
import { describe, expect, it } from 'vitest';
import { backendKey } from './affinity.ts';
import type { IngressNginxTable } from './table.ts';
import { docs, ingress, ingressIr, session } from './test-kit.ts';

const main = (anns: Record<string, string> = {}) => ingress('foo', 'foo', [['/', 'Prefix', 'http-svc']], { affinity: 'cookie', ...anns });
const canary = (anns: Record<string, string> = {}) => ingress('foo-canary', 'foo', [['/', 'Prefix', 'http-svc-canary']], { canary: 'true', ...anns });
const MAIN_KEY = backendKey('default-http-svc-80');
const CANARY_KEY = backendKey('default-http-svc-canary-80');
const table = (yaml: string) => (ingressIr(yaml).ir.router as { table: IngressNginxTable }).table;
const warnings = (yaml: string) => ingressIr(yaml).diagnostics.map((d) => d.message);

describe('§8 rule 1: an affinitized request stays (balancer.lua get_alternative_or_original_balancer)', () => {
  it('a cookie with the canary backend\'s key goes to the canary even at canary-weight 0 and header never', async () => {
    const s = session(docs(main(), canary({ 'canary-weight': '0', 'canary-by-header': 'X-Canary' })));
    const r = await s('http://foo/', { headers: { Cookie: `INGRESSCOOKIE=k|${CANARY_KEY}`, 'X-Canary': 'never' } });
    expect(r.backend).toBe('http-svc-canary');
    expect(r.decisions.find((d) => d.plugin === 'router')?.reason).toContain('→ canary, affinity-canary-behavior sticky');
  });
  it('a cookie with the main backend\'s key stays on the main backend even with the header always and weight 100', async () => {
    const s = session(docs(main(), canary({ 'canary-weight': '100', 'canary-by-header': 'X-Canary' })));
    const r = await s('http://foo/', { headers: { Cookie: `INGRESSCOOKIE=k|${MAIN_KEY}`, 'X-Canary': 'always' } });
    expect(r.backend).toBe('http-svc');
    expect(r.decisions.find((d) => d.plugin === 'router')?.reason).toContain('affinitized to the main backend');
  });
  it('a cookie with another key, or none, goes through the canary rules', async () => {
    const s = session(docs(main(), canary({ 'canary-weight': '100' })));
    expect((await s('http://foo/', { headers: { Cookie: 'INGRESSCOOKIE=k|0000' } })).backend).toBe('http-svc-canary');
    expect((await s('http://foo/')).backend).toBe('http-svc-canary');
  });
  it('the cookie name is exact (resty.cookie), unlike canary-by-cookie\'s $cookie_', async () => {
    const s = session(docs(main(), canary({ 'canary-weight': '100' })));
    expect((await s('http://foo/', { headers: { Cookie: `ingresscookie=k|${MAIN_KEY}` } })).backend).toBe('http-svc-canary');
  });
  it('legacy: the canary backend has no affinity, so its key keeps nobody (resty.lua is_affinitized is false)', async () => {
    const yaml = docs(main(), canary({ 'canary-weight': '0', 'affinity-canary-behavior': 'legacy' }));
    expect(table(yaml).upstreams.find((u) => u.name === 'default-http-svc-canary-80')?.affinity).toBeUndefined();
    const r = await session(yaml)('http://foo/', { headers: { Cookie: `INGRESSCOOKIE=k|${CANARY_KEY}` } });
    expect(r.backend).toBe('http-svc');
  });
});

describe('the Set-Cookie (sticky.lua set_cookie, lua-resty-cookie bake)', () => {
  it('a request without a cookie gets INGRESSCOOKIE=<key>|<backend key>; Path=<location path>; HttpOnly', async () => {
    const r = await session(docs(main()))('http://foo/cart');
    expect(r.response.headers['set-cookie']).toMatch(new RegExp(`^INGRESSCOOKIE=[0-9.]+\\|${MAIN_KEY}; Path=/; HttpOnly$`));
  });
  it('the canary answer carries the canary backend\'s key (sticky) and none at all (legacy)', async () => {
    const sticky = await session(docs(main(), canary({ 'canary-weight': '100' })))('http://foo/');
    expect(sticky.response.headers['set-cookie']).toContain(`|${CANARY_KEY};`);
    const legacy = await session(docs(main(), canary({ 'canary-weight': '100', 'affinity-canary-behavior': 'legacy' })))('http://foo/');
    expect(legacy.response.headers['set-cookie']).toBeUndefined();
  });
  it('attributes in bake order: Expires, Max-Age, Path, Secure, HttpOnly, SameSite', async () => {
    const yaml = docs(main({ 'session-cookie-name': 'route', 'session-cookie-expires': '172800', 'session-cookie-max-age': '172800', 'session-cookie-path': '/shop', 'session-cookie-samesite': 'Strict', 'session-cookie-secure': 'true', 'affinity-mode': 'persistent' }));
    const r = await session(yaml)('http://foo/');
    // The test kit's clock is 2026-01-01T00:00:00Z; two days later, nginx writes a two-digit year.
    expect(r.response.headers['set-cookie']).toMatch(/^route=[0-9a-f]{32}\|[0-9a-f]{32}; Expires=Sat, 03-Jan-26 00:00:00 GMT; Max-Age=172800; Path=\/shop; Secure; HttpOnly; SameSite=Strict$/);
  });
  it('a usable cookie gets no new one; a persistent key of a gone pod does', async () => {
    const s = session(docs(main({ 'affinity-mode': 'persistent' })));
    const first = (await s('http://foo/')).response.headers['set-cookie'] as string;
    const value = first.split(';')[0]?.split('=')[1] as string;
    expect((await s('http://foo/', { headers: { Cookie: `INGRESSCOOKIE=${value}` } })).response.headers['set-cookie']).toBeUndefined();
    expect((await s('http://foo/', { headers: { Cookie: `INGRESSCOOKIE=${'0'.repeat(32)}|${MAIN_KEY}` } })).response.headers['set-cookie']).toBeDefined();
  });
  it('no cookie where the location is not one of the affinity Ingress\'s paths (should_set_cookie)', async () => {
    const other = ingress('bar', 'foo', [['/other', 'Prefix', 'http-svc']]);
    const s = session(docs(main(), other));
    expect((await s('http://foo/other')).response.headers['set-cookie']).toBeUndefined();
    expect((await s('http://foo/')).response.headers['set-cookie']).toBeDefined();
  });
});

describe('the annotations (sessionaffinity/main.go) and the adapter', () => {
  it('cookie affinity wins over upstream-hash-by: the service is balanced sticky, salted with the backend name', () => {
    const ir = ingressIr(docs(main({ 'upstream-hash-by': '$request_uri' }))).ir;
    expect(ir.services.find((s) => s.name.includes('http-svc'))?.policy?.balancer).toEqual({ kind: 'sticky', mode: 'balanced', cookie: 'INGRESSCOOKIE', salt: 'default-http-svc-80' });
  });
  it('without change-on-failure a retry stays on the cookie\'s pod; with it, another pod', () => {
    const policy = (anns: Record<string, string>) => ingressIr(docs(main(anns))).ir.services[0]?.policy?.retry?.otherHost;
    expect(policy({})).toBe(false);
    expect(policy({ 'session-cookie-change-on-failure': 'true' })).toBe(true);
  });
  it('max-age and expires follow the controller\'s unanchored regex; other values are dropped with a warning', () => {
    const w = warnings(docs(main({ 'session-cookie-max-age': 'abc', 'session-cookie-expires': 'x5' })));
    expect(w.some((m) => m.includes('session-cookie-max-age "abc" does not match'))).toBe(true);
    expect(w.some((m) => m.includes('session-cookie-expires "x5" passes the controller\'s unanchored check'))).toBe(true);
    expect(table(docs(main({ 'session-cookie-max-age': 'abc' }))).upstreams.find((u) => u.affinity)?.affinity?.cookie.maxAge).toBeUndefined();
  });
  it('affinity is no longer "not modelled"; what is not modelled says so precisely', () => {
    const w = warnings(docs(main({ 'session-cookie-domain': 'example.com', 'session-cookie-samesite': 'None', 'session-cookie-conditional-samesite-none': 'true' }), canary({ affinity: 'cookie', 'canary-weight': '10' })));
    expect(w.some((m) => m.includes('affinity (cookie session affinity) is not modelled'))).toBe(false);
    expect(w.some((m) => m.includes('session-cookie-domain is not modelled'))).toBe(true);
    expect(w.some((m) => m.includes('gatelab does not read User-Agents'))).toBe(true);
    expect(w.some((m) => m.includes('affinity on a canary Ingress does not reach balancer.lua'))).toBe(true);
  });
  it('affinity-canary-behavior on the main Ingress has no effect, and says so', () => {
    expect(warnings(docs(main({ 'affinity-canary-behavior': 'legacy' }), canary())).some((m) => m.includes('has no effect on a main Ingress'))).toBe(true);
  });
  it('a canary of a main Ingress without affinity gets none (the copy of nothing)', () => {
    const yaml = docs(ingress('foo', 'foo', [['/', 'Prefix', 'http-svc']]), canary());
    expect(table(yaml).upstreams.some((u) => u.affinity)).toBe(false);
  });
});
