/**
 * Traefik's bounded source map (semantics §4: "kept in a TTL map (max 65536 sources…)"; traefik/traefik
 * pkg/middlewares/ratelimiter/ttlmap/ttlmap.go and its ttlmap_test.go, whose cases are repeated here).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TRAEFIK_MAX_SOURCES, TRAEFIK_SWEEP_BUDGET, TraefikTtlMap } from './traefik-ttl-map.ts';

const T = 1_000_000; // Unix second 1000, as ttlmap_test.go's clock

describe('Traefik ttlmap (semantics §4, ttlmap.go)', () => {
  it('§4 the cap is 65,536 sources per middleware; a Set reclaims at most 16 expired entries', () => {
    expect(TRAEFIK_MAX_SOURCES).toBe(65_536);
    expect(TRAEFIK_SWEEP_BUDGET).toBe(16);
  });

  it('§4 an entry expires once its whole-second expiry is reached, and a Set refreshes it', () => {
    const m = new TraefikTtlMap(10);
    m.set('key', 10, T);
    expect(m.get('key', T + 9_999)).toBe(true);
    expect(m.get('key', T + 10_000)).toBe(false);
    expect(m.size).toBe(0);
    m.set('k2', 10, T);
    m.set('k2', 10, T + 8_000);
    expect(m.get('k2', T + 16_000)).toBe(true);
  });

  it('§4 a full map drops the entry closest to expiry for a new key (TestMap_capacityEvictsClosestToExpiry)', () => {
    const m = new TraefikTtlMap(2);
    expect(m.set('a', 100, T)).toBeUndefined();
    expect(m.set('b', 200, T)).toBeUndefined();
    expect(m.set('c', 300, T)).toBe('a');
    expect([m.get('a', T), m.get('b', T), m.get('c', T)]).toEqual([false, true, true]);
    // Refreshing a held key never drops anything.
    expect(m.set('b', 200, T)).toBeUndefined();
  });

  it('§4 the sweep is bounded: 21 expired entries take two Sets to reclaim (TestMap_sweepIsBounded)', () => {
    const m = new TraefikTtlMap(100);
    for (let i = 0; i < TRAEFIK_SWEEP_BUDGET + 5; i++) m.set(String(i), 10, T);
    m.set('fresh-1', 10, T + 11_000);
    expect(m.size).toBe(5 + 1);
    m.set('fresh-2', 10, T + 11_000);
    expect(m.size).toBe(2);
  });

  it('§4 among entries expiring in the same second the heap order decides: Go\'s container/heap keeps the first pushed at the root', () => {
    const m = new TraefikTtlMap(3);
    for (const k of ['a', 'b', 'c']) m.set(k, 2, T);
    expect(m.set('d', 2, T)).toBe('a');
    // Popping the root moved the last leaf up: of b and c (same expiry) c is now the root.
    expect(m.set('e', 2, T)).toBe('c');
  });

  it('§4 property: the size never passes the cap, and a dropped key always had the earliest expiry of those held (seed printed)', () => {
    const seed = Date.now() % 1_000_000;
    console.log(`traefik ttlmap property seed ${seed}`);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.record({ key: fc.integer({ min: 0, max: 12 }), gapMs: fc.integer({ min: 0, max: 1500 }), ttl: fc.integer({ min: 1, max: 3 }), get: fc.boolean() }), { maxLength: 80 }),
        (capacity, ops) => {
          const m = new TraefikTtlMap(capacity);
          // A plain model of the expiries held: key → expiry second.
          const held = new Map<string, number>();
          let now = T;
          for (const op of ops) {
            now += op.gapMs;
            const sec = Math.floor(now / 1000);
            const key = String(op.key);
            if (op.get) {
              const live = m.get(key, now);
              expect(live).toBe((held.get(key) ?? -Infinity) > sec);
              if (!live) held.delete(key);
              continue;
            }
            const dropped = m.set(key, op.ttl, now);
            if (dropped !== undefined) {
              const earliest = Math.min(...[...held.entries()].filter(([, e]) => e !== undefined).map(([, e]) => e));
              expect(held.get(dropped)).toBe(earliest);
              held.delete(dropped);
            }
            // Swept entries were expired: forget every expired one the map no longer holds.
            for (const [k, e] of [...held]) if (e <= sec && k !== key && !m.get(k, now)) held.delete(k);
            held.set(key, sec + op.ttl);
            expect(m.size).toBeLessThanOrEqual(capacity);
          }
        },
      ),
      { seed, numRuns: 300 },
    );
  });
});
