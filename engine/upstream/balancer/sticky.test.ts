/**
 * ingress-nginx's sticky balancers (semantics §8 rule 1, §10): kubernetes/ingress-nginx
 * rootfs/etc/nginx/lua/balancer/sticky.lua `balance`, sticky_persistent.lua over util/nodemap.lua
 * (`create_map`: key = ngx.md5(salt .. endpoint); `find`; `random_except`) and sticky_balanced.lua
 * (`pick_new_upstream`: "<ngx.now()+i>.<pid>.<random(999999)>" keys on resty.chash).
 */
import { describe, expect, it } from 'vitest';
import { crc32 } from './crc32.ts';
import { buildChashRing, chashFind } from './nginx-chash-ring.ts';
import { createSticky, ngxMd5, stickyKeyOf } from './sticky.ts';
import type { PickRequest } from './types.ts';

const hosts = [
  { key: '10.0.0.1:8080', weight: 1 },
  { key: '10.0.0.2:8080', weight: 1 },
  { key: '10.0.0.3:8080', weight: 1 },
];
const all = [0, 1, 2];
const NOW = Date.UTC(2026, 0, 1, 12, 0, 0, 250);

function req(cookie: string | undefined, u = 0.5): PickRequest {
  return { requestId: 'r1', ...(cookie !== undefined ? { hashKey: cookie } : {}), draw: () => u, now: NOW };
}

describe('ngx.md5 and the cookie value', () => {
  it('ngx.md5 is lower-case hex MD5', () => {
    expect(ngxMd5('')).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(ngxMd5('abc')).toBe('900150983cd24fb0d6963f7d28e17f72');
  });
  it('get_cookie_parsed: the key is what comes before "|"', () => {
    expect(stickyKeyOf('abc|def')).toBe('abc');
    expect(stickyKeyOf('abc')).toBe('abc');
    expect(stickyKeyOf('|def')).toBeUndefined();
  });
});

describe('sticky_persistent (nodemap.lua create_map / find / random_except)', () => {
  const b = createSticky(hosts, { mode: 'persistent', cookie: 'INGRESSCOOKIE', salt: 'shop-v1-8080' });
  const keyOf = (i: number): string => ngxMd5(`shop-v1-8080${hosts[i]?.key}`);
  it('a cookie holding md5(backend name .. endpoint) goes to that endpoint and sets nothing', () => {
    const p = b.pick(all, req(`${keyOf(2)}|whatever`));
    expect(p.index).toBe(2);
    expect(p.sticky).toEqual({ key: keyOf(2), fresh: false });
    expect(p.reason).toContain('the session stays there');
  });
  it('without a cookie: an endpoint at random, and its key is the new cookie', () => {
    const p = b.pick(all, req(undefined, 0.9));
    expect(p.index).toBe(2);
    expect(p.sticky).toEqual({ key: keyOf(2), fresh: true });
  });
  it('a key of an endpoint that is gone finds nothing: a new pick and a new cookie', () => {
    const p = b.pick(all, req(`${ngxMd5('shop-v1-808010.0.0.9:8080')}|x`, 0));
    expect(p.index).toBe(0);
    expect(p.sticky?.fresh).toBe(true);
    expect(p.reason).toContain('names no current endpoint');
  });
  it('a cookie endpoint gatelab does not allow for this try is picked anew', () => {
    const p = b.pick([0, 1], req(`${keyOf(2)}|x`, 0.6));
    expect(p.index).toBe(1);
    expect(p.sticky).toEqual({ key: keyOf(1), fresh: true });
  });
});

describe('sticky_balanced (resty.chash find; pick_new_upstream)', () => {
  const b = createSticky(hosts, { mode: 'balanced', cookie: 'route', salt: 'shop-v1-8080' });
  const ring = buildChashRing(hosts.map((h) => ({ id: h.key, weight: 1 })));
  it('any key finds the endpoint the ring gives it, with no new cookie', () => {
    for (const key of ['a', 'some-old-key', '1767268801.1.42']) {
      const p = b.pick(all, req(`${key}|backend`));
      expect(p.index).toBe(chashFind(ring, crc32(key)));
      expect(p.sticky).toEqual({ key, fresh: false });
    }
  });
  it('a new key is "<ngx.now()+1>.<pid>.<random(999999)>" and its ring endpoint is chosen', () => {
    const p = b.pick(all, req(undefined, 0.5));
    // ngx.now() = …00.25 s: Lua prints 1767268801.25; random(999999) from the draw 0.5 → 500000.
    expect(p.sticky).toEqual({ key: '1767268801.25.1.500000', fresh: true });
    expect(p.index).toBe(chashFind(ring, crc32('1767268801.25.1.500000')));
  });
  it('keys whose endpoint is not allowed are skipped, up to 20', () => {
    const first = chashFind(ring, crc32('1767268801.25.1.500000'));
    const others = all.filter((i) => i !== first);
    const p = b.pick(others, req(undefined, 0.5));
    expect(others).toContain(p.index);
    expect(p.sticky?.key).not.toBe('1767268801.25.1.500000');
  });
});
