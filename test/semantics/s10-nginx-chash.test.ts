/**
 * Semantics §10 (nginx consistent hashing: 160 points per unit of weight, CRC32) and §8 (ingress-nginx
 * keeps `upstream-hash-by` per upstream): the engine's chash against an independent port of
 * lua-resty-balancer (chash.c, lib/resty/chash.lua) and ingress-nginx's balancer/chash.lua — CRC from
 * node:zlib, the C sort and the Lua lookup statement by statement (nginx-chash-oracle.ts).
 */
import fc from 'fast-check';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createBalancer } from '../../engine/upstream/balancer/index.ts';
import { crc32 } from '../../engine/upstream/balancer/crc32.ts';
import { chashFind, chashPoints } from '../../engine/upstream/balancer/nginx-chash-ring.ts';
import { oracleChash, oracleFindId, oraclePoints, oracleSort, type OraclePoint } from './nginx-chash-oracle.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`[fast-check] s10-nginx-chash seed=${seed} (replay: FC_SEED=${seed})`);

const address = fc
  .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 65535 }))
  .map(([a, b, port]) => `10.${a}.${b}.7:${port}`);

describe('§10 CRC-32: the engine\'s table against zlib', () => {
  it('same checksum for any bytes, and the same point chain for any node id', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), address, (bytes, id) => {
        expect(crc32(bytes)).toBe(zlibCrc32(bytes));
        expect([...chashPoints(id, 160)]).toEqual(oraclePoints(id, 160, 1).map((p) => p.hash));
      }),
      { seed, numRuns: 200 },
    );
  });
});

describe('§10 chash_point_sort is a stable sort by value', () => {
  // Small value ranges force many equal points, the case where the order of equals matters.
  const points = fc.array(fc.tuple(fc.nat({ max: 60 }), fc.integer({ min: 1, max: 9 })), { minLength: 1, maxLength: 400 });
  const spread = fc.constantFrom(1, 1000, 2 ** 26, 2 ** 32 / 64);

  it('the C sort leaves equal values in insertion order', () => {
    fc.assert(
      fc.property(points, spread, (raw, scale) => {
        const input: OraclePoint[] = raw.map(([v, id]) => ({ hash: Math.min(v * scale, 2 ** 32 - 1), id }));
        const stable = input.map((p, i) => ({ ...p, i })).sort((x, y) => x.hash - y.hash || x.i - y.i);
        expect(oracleSort(input.map((p) => ({ ...p })))).toEqual(stable.map(({ hash, id }) => ({ hash, id })));
      }),
      { seed },
    );
  });

  it('_find_id\'s guess-and-scan finds the slot the engine\'s binary search finds, equal values included', () => {
    fc.assert(
      fc.property(points, spread, fc.array(fc.nat({ max: 2 ** 32 - 1 }), { maxLength: 20 }), (raw, scale, probes) => {
        // Each point's id is its own slot + 1, so equal answers mean the same slot, not just the same node.
        const sorted = raw
          .map(([v]) => Math.min(v * scale, 2 ** 32 - 1))
          .sort((x, y) => x - y)
          .map((hash, k) => ({ hash, id: k + 1 }));
        const ring = { hashes: Uint32Array.from(sorted, (p) => p.hash), owners: Int32Array.from(sorted, (_, k) => k) };
        const near = sorted.flatMap((p) => [p.hash, Math.max(0, p.hash - 1), Math.min(2 ** 32 - 1, p.hash + 1)]);
        for (const h of [...probes, ...near, 0, 2 ** 32 - 1]) {
          expect(chashFind(ring, h) + 1).toBe(oracleFindId(sorted, h));
        }
      }),
      { seed },
    );
  });
});

describe('§8 §10 ingress-nginx upstream-hash-by: the engine picks the pod the port of chash.lua picks', () => {
  it('for any endpoints and any key', () => {
    fc.assert(
      fc.property(fc.uniqueArray(address, { minLength: 1, maxLength: 10 }), fc.array(fc.string({ maxLength: 24 }), { minLength: 1, maxLength: 40 }), (ids, keys) => {
        const oracle = oracleChash(ids);
        const b = createBalancer({ kind: 'nginx-chash', hashOn: { source: 'header', name: 'x-k' }, variable: 'http_x_k' }, ids.map((key) => ({ key, weight: 1 })));
        const all = ids.map((_, i) => i);
        for (const key of keys) {
          const pick = b.pick(all, { requestId: 'r', hashKey: key, now: 0, draw: () => 0 });
          expect(ids[pick.index]).toBe(oracle(key));
        }
      }),
      { seed, numRuns: 60 },
    );
  });

  it('$binary_remote_addr: the 4 raw bytes of the client address', () => {
    const ids = ['10.0.0.1:80', '10.0.0.2:80', '10.0.0.3:80'];
    const b = createBalancer({ kind: 'nginx-chash', hashOn: { source: 'ip' }, variable: 'binary_remote_addr' }, ids.map((key) => ({ key, weight: 1 })));
    for (const ip of ['203.0.113.7', '198.51.100.10', '192.0.2.1']) {
      const bytes = Buffer.from(ip.split('.').map(Number));
      expect(ids[b.pick([0, 1, 2], { requestId: 'r', hashKey: ip, now: 0, draw: () => 0 }).index]).toBe(oracleChash(ids)(bytes));
    }
  });
});
