/**
 * The affinity cookie around the balancer (semantics §8 rule 1): nginx src/core/ngx_times.c
 * `ngx_http_cookie_time` (two-digit year up to 2037), balancer/sticky.lua `should_set_cookie` (host,
 * `_` on the catch-all server, the `*.` wildcard) and resty.cookie's exact-name lookup.
 */
import { describe, expect, it } from 'vitest';
import { HeaderMap } from '../pipeline/headers.ts';
import type { AffinityEntry } from '../config/ingress-nginx/table.ts';
import { exactCookie, ngxCookieTime, shouldSetCookie } from './ingress-nginx-affinity.ts';

const aff = (locations: Record<string, string[]>): AffinityEntry => ({
  mode: 'balanced',
  cookie: { name: 'INGRESSCOOKIE', conditionalSameSiteNone: false, changeOnFailure: false },
  backendKey: 'k',
  locations,
  from: 'Ingress t/t',
});

describe('ingress-nginx affinity helpers', () => {
  it('ngx.cookie_time: "Thu, 01-Jan-70 00:00:00 GMT", four digits from 2038', () => {
    expect(ngxCookieTime(0)).toBe('Thu, 01-Jan-70 00:00:00 GMT');
    expect(ngxCookieTime(1_767_268_800 + 3_661)).toBe('Thu, 01-Jan-26 13:01:01 GMT');
    expect(ngxCookieTime(2_145_916_800)).toBe('Fri, 01-Jan-2038 00:00:00 GMT');
  });
  it('should_set_cookie: the host\'s paths, the wildcard\'s, and `_` on the catch-all server', () => {
    expect(shouldSetCookie(aff({ 'shop.example.com': ['/'] }), 'shop.example.com', 'Shop.Example.com', '/')).toBe(true);
    expect(shouldSetCookie(aff({ 'shop.example.com': ['/'] }), 'shop.example.com', 'shop.example.com', '/cart')).toBe(false);
    expect(shouldSetCookie(aff({ '*.example.com': ['/'] }), '*.example.com', 'a.example.com', '/')).toBe(true);
    expect(shouldSetCookie(aff({ _: ['/'] }), '_', 'anything.test', '/')).toBe(true);
  });
  it('resty.cookie reads the exact name, the first one sent', () => {
    const h = new HeaderMap();
    h.append('Cookie', 'ingresscookie=a; INGRESSCOOKIE=b');
    h.append('Cookie', 'INGRESSCOOKIE=c');
    expect(exactCookie(h, 'INGRESSCOOKIE')).toBe('b');
  });
});
