/**
 * ingress-nginx `upstream-hash-by` = lua-resty-balancer's chash (semantics §8: the annotation a
 * canary keeps; §10: "nginx … 160 points per unit weight, CRC32"). The pinned pods below were worked
 * out three ways that share no code: this engine, a line-by-line port of chash.c / chash.lua over
 * zlib's CRC (test/semantics/nginx-chash-oracle.ts), and a few lines of Python over zlib.crc32 with
 * bisect — all three agree.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBalancer } from './index.ts';
import { buildChashRing, chashFind, chashFloorSlot, chashPoints, CONSISTENT_POINTS, type ChashRing } from './nginx-chash-ring.ts';
import { request } from './test-kit.ts';
import type { BalancedHost } from './types.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`[fast-check] nginx-chash seed=${seed} (replay: FC_SEED=${seed})`);

const PODS = ['10.0.0.1:80', '10.0.0.2:80', '10.0.0.3:80'];
const hostsOf = (keys: readonly string[], weight = (_i: number) => 1): BalancedHost[] => keys.map((key, i) => ({ key, weight: weight(i) }));
const chash = (hosts: readonly BalancedHost[], variable = 'http_x_user_id') =>
  createBalancer({ kind: 'nginx-chash', hashOn: { source: 'header', name: 'x-user-id' }, variable }, hosts);
const podFor = (hosts: readonly BalancedHost[], key: string | undefined, eligible = hosts.map((_, i) => i), variable?: string): string =>
  hosts[chash(hosts, variable).pick(eligible, request('r', key === undefined ? {} : { hashKey: key })).index]?.key ?? '?';

describe('the ring (chash.c chash_point_init_crc, chash_point_sort)', () => {
  it('a node\'s points are a CRC-32 chain seeded by crc32("address:port")', () => {
    // crc32("10.0.0.1:80") = 0x904a0a98; point 0 = that register fed 00 00 00 00, then inverted.
    expect([...chashPoints('10.0.0.1:80', 3)]).toEqual([0x700587a9, 0x896e595a, 0xd8c200fd]);
  });

  it('160 points per pod, sorted; the lowest of the three pods\' 480 points is 10.0.0.3:80\'s 0x0107f0a7', () => {
    const ring = buildChashRing(PODS.map((id) => ({ id, weight: 1 })));
    expect(ring.hashes.length).toBe(3 * CONSISTENT_POINTS);
    expect(ring.hashes[0]).toBe(0x0107f0a7);
    expect(ring.owners[0]).toBe(2);
    for (let k = 1; k < ring.hashes.length; k++) expect(ring.hashes[k]).toBeGreaterThanOrEqual(ring.hashes[k - 1] as number);
  });

  it('lookup: the last point at or below the hash, the last of equal points, the lowest point below them all — no wrap-around', () => {
    const ring: ChashRing = { hashes: Uint32Array.from([10, 20, 20, 30]), owners: Int32Array.from([0, 1, 2, 3]) };
    expect([5, 10, 19, 20, 29, 30, 0xffffffff].map((h) => chashFind(ring, h))).toEqual([0, 0, 0, 2, 2, 3, 3]);
    expect(chashFloorSlot(ring.hashes, 5)).toBe(-1);
  });
});

describe('which pod a key reaches (semantics §10)', () => {
  const hosts = hostsOf(PODS);

  it('pins the pods nginx picks for a few keys', () => {
    const keys = ['alice', 'bob', 'carol', 'dave', '/', '/index.html', '203.0.113.7'];
    expect(keys.map((k) => podFor(hosts, k))).toEqual(['10.0.0.3:80', '10.0.0.1:80', '10.0.0.3:80', '10.0.0.3:80', '10.0.0.1:80', '10.0.0.1:80', '10.0.0.2:80']);
  });

  it('the reason names the variable, the CRC and the point', () => {
    expect(chash(hosts).pick([0, 1, 2], request('r', { hashKey: 'alice' })).reason).toBe(
      'chash: $http_x_user_id = "alice" hashes to 0x278ebc47 (crc32); last point at or below it (#61 of 480, 0x2770c0b8) → 10.0.0.3:80',
    );
  });

  it('an unset variable is the empty key: crc32("") = 0, below every point, so always the lowest point\'s pod — not random', () => {
    const pick = chash(hosts).pick([0, 1, 2], request('r1'));
    expect(hosts[pick.index]?.key).toBe('10.0.0.3:80');
    expect(chash(hosts).pick([0, 1, 2], request('another-request')).index).toBe(pick.index);
    expect(pick.reason).toContain('$http_x_user_id is empty, so the key "" hashes to 0x00000000; below the lowest point');
  });

  it('$binary_remote_addr hashes the 4 address bytes, not the dotted text', () => {
    expect(podFor(hosts, '203.0.113.7', undefined, 'binary_remote_addr')).toBe('10.0.0.1:80');
    expect(podFor(hosts, '203.0.113.7', undefined, 'remote_addr')).toBe('10.0.0.2:80');
  });

  it('ignores the Service\'s weights: ingress-nginx gives every endpoint weight 1', () => {
    const weighted = hostsOf(PODS, (i) => [1, 5, 100][i] as number);
    for (const k of ['alice', 'bob', 'carol', 'dave']) expect(podFor(weighted, k)).toBe(podFor(hosts, k));
  });

  it('a pod that may not serve: the pick lua-resty-chash makes on the ring rebuilt without it', () => {
    expect(podFor(hosts, '203.0.113.7', [0, 2])).toBe('10.0.0.1:80');
    expect(chash(hosts).pick([0, 2], request('r', { hashKey: '203.0.113.7' })).reason).toContain('10.0.0.2:80 may not serve');
    // The empty key's lowest point is 10.0.0.3:80's; without it, the lowest remaining point.
    expect(podFor(hosts, undefined, [0, 1])).toBe(podFor(hostsOf(PODS.slice(0, 2)), undefined));
  });
});

describe('properties (semantics §10: consistent hashing moves only the lost pod\'s keys)', () => {
  const address = fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.constantFrom(80, 8080, 443)).map(([a, b, port]) => `10.${a}.0.${b}:${port}`);
  const pods = fc.uniqueArray(address, { minLength: 2, maxLength: 8 });
  const keys = fc.array(fc.string({ maxLength: 16 }), { minLength: 1, maxLength: 30 });

  it('a key always reaches the same pod, whatever the request and whatever order the endpoints are listed in', () => {
    fc.assert(
      fc.property(pods, keys, (ids, ks) => {
        const a = hostsOf(ids);
        const b = hostsOf([...ids].reverse());
        const ba = chash(a);
        const bb = chash(b);
        for (const k of ks) {
          const first = a[ba.pick(a.map((_, i) => i), request('one', { hashKey: k })).index]?.key;
          expect(a[ba.pick(a.map((_, i) => i), request('two', { hashKey: k })).index]?.key).toBe(first);
          expect(b[bb.pick(b.map((_, i) => i), request('one', { hashKey: k })).index]?.key).toBe(first);
        }
      }),
      { seed },
    );
  });

  it('removing one pod moves only the keys that were on it; a narrower eligible set equals a rebuilt ring', () => {
    fc.assert(
      fc.property(pods, keys, fc.nat(), (ids, ks, which) => {
        const gone = which % ids.length;
        const full = hostsOf(ids);
        const rest = hostsOf(ids.filter((_, i) => i !== gone));
        const eligible = full.map((_, i) => i).filter((i) => i !== gone);
        for (const k of ks) {
          const before = podFor(full, k);
          const after = podFor(rest, k);
          if (before !== ids[gone]) expect(after).toBe(before);
          expect(podFor(full, k, eligible)).toBe(after);
        }
      }),
      { seed },
    );
  });

  it('every pod owns between 0.6 and 1.4 of its fair share of the 2^32 hash values', () => {
    fc.assert(
      fc.property(pods, (ids) => {
        const ring = buildChashRing(ids.map((id) => ({ id, weight: 1 })));
        const owned = ids.map(() => 0);
        // Slot k owns [hash_k, hash_k+1); slot 0 also owns everything below it.
        for (let k = 0; k < ring.hashes.length; k++) {
          const from = k === 0 ? 0 : (ring.hashes[k] as number);
          const to = k + 1 < ring.hashes.length ? (ring.hashes[k + 1] as number) : 2 ** 32;
          const owner = ring.owners[k] as number;
          owned[owner] = (owned[owner] ?? 0) + to - from;
        }
        for (const o of owned) {
          const share = (o / 2 ** 32) * ids.length;
          expect(share).toBeGreaterThan(0.6);
          expect(share).toBeLessThan(1.4);
        }
      }),
      { seed },
    );
  });
});
