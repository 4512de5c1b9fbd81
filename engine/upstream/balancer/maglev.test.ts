import { describe, expect, it } from 'vitest';
import { hash53 } from './hash.ts';
import { createBalancer } from './index.ts';
import { buildMaglevTable, isPrime } from './maglev.ts';
import { addresses, all, request, scripted, tally } from './test-kit.ts';
import type { BalancedHost } from './types.ts';

const MAGLEV = { kind: 'maglev', hashOn: { source: 'header', name: 'x-user' }, tableSize: 65537 } as const;

/** Listing 1 of the Maglev paper, verbatim in spirit: full permutation arrays, hosts take turns. */
function paperTable(hosts: readonly BalancedHost[], m: number): number[] {
  const perm = hosts.map((h) => {
    const offset = hash53(h.key, 0) % m;
    const skip = (hash53(h.key, 1) % (m - 1)) + 1;
    return Array.from({ length: m }, (_, j) => (offset + j * skip) % m);
  });
  const next = hosts.map(() => 0);
  const entry = new Array<number>(m).fill(-1);
  let n = 0;
  for (;;) {
    for (let i = 0; i < hosts.length; i++) {
      let c = perm[i]?.[next[i] ?? 0] as number;
      while (entry[c] !== -1) {
        next[i] = (next[i] ?? 0) + 1;
        c = perm[i]?.[next[i] ?? 0] as number;
      }
      entry[c] = i;
      next[i] = (next[i] ?? 0) + 1;
      if (++n === m) return entry;
    }
  }
}

describe('maglev: Envoy Maglev table (semantics §10)', () => {
  it('equal weights build exactly the table of the Maglev paper', () => {
    const hosts = addresses(4);
    expect([...buildMaglevTable(hosts, all(4), 31).slots]).toEqual(paperTable(hosts, 31));
    expect([...buildMaglevTable(hosts, all(4), 65537).slots]).toEqual(paperTable(hosts, 65537));
  });

  it('fills every slot, and equal hosts differ by at most one slot', () => {
    const t = buildMaglevTable(addresses(3), all(3), 13);
    expect([...t.slots].every((s) => s >= 0)).toBe(true);
    expect([...t.counts.values()].sort()).toEqual([4, 4, 5]);
  });

  it('weights 1:2:3 claim slots 1:2:3 (10923 / 21846 / 32768 of 65537)', () => {
    const t = buildMaglevTable(addresses(3, (i) => i + 1), all(3), 65537);
    expect([...t.counts.entries()]).toEqual([
      [0, 10923],
      [1, 21846],
      [2, 32768],
    ]);
  });

  it('the table does not depend on the order hosts are listed in (Envoy sorts by address)', () => {
    const hosts = addresses(4);
    const reversed = [...hosts].reverse();
    const a = buildMaglevTable(hosts, all(4), 251);
    const b = buildMaglevTable(reversed, all(4), 251);
    expect([...b.slots].map((i) => reversed[i]?.key)).toEqual([...a.slots].map((i) => hosts[i]?.key));
  });

  it('looks up table[hash mod M] and reports the slot', () => {
    const hosts = addresses(3);
    const b = createBalancer(MAGLEV, hosts);
    const t = buildMaglevTable(hosts, all(3), 65537);
    const slot = hash53('alice') % 65537;
    const pick = b.pick(all(3), request('r', { hashKey: 'alice' }));
    expect(pick.index).toBe(t.slots[slot]);
    expect(pick.reason).toBe(
      `maglev: key "alice" hashes to 0x${hash53('alice').toString(16).padStart(14, '0')}; slot ${slot} of 65537 → ${hosts[pick.index]?.key} (table over all 3 hosts, table just built)`,
    );
  });

  it('rebuilds over the eligible hosts, as Envoy rebuilds over healthy ones, and caches each table', () => {
    const b = createBalancer(MAGLEV, addresses(3));
    b.pick(all(3), request('1', { hashKey: 'k' }));
    const partial = b.pick([0, 2], request('2', { hashKey: 'k' }));
    expect(partial.reason).toContain('table over the 2 of 3 hosts that may serve, table just built');
    expect(b.pick(all(3), request('3', { hashKey: 'k' })).reason).not.toContain('just built');
    expect(b.snapshot()).toMatchObject({ algorithm: 'maglev', tableSize: 65537, cachedTables: 2 });
  });

  it('removing one of 5 hosts moves a bounded share of keys: 1,975 of 10,000, 7 of them not the lost host\'s', () => {
    // Measured with keys user-0..9999: 5 hosts → 1,975 moved (1,968 owned by the removed host, 7
    // others, 0.07 %); 3 hosts → 3,325 (5 others); 10 hosts → 1,043 (25 others). Ring hash under the
    // same change moves only the lost host's keys (see ring-hash.test.ts).
    const b = createBalancer(MAGLEV, addresses(5));
    let moved = 0;
    let others = 0;
    for (let k = 0; k < 10_000; k++) {
      const key = `user-${k}`;
      const before = b.pick(all(5), request(key, { hashKey: key })).index;
      const after = b.pick([0, 2, 3, 4], request(key, { hashKey: key })).index;
      if (before !== after) moved++;
      if (before !== after && before !== 1) others++;
    }
    expect(moved).toBe(1975);
    expect(others).toBe(7);
    expect(others / 10_000).toBeLessThan(0.01);
  });

  it('keys spread by weight 1:2:3 within 2 percentage points', () => {
    const counts = tally(createBalancer(MAGLEV, addresses(3, (i) => i + 1)), 3, 10_000, { prefix: 'user', hashed: true });
    [1 / 6, 2 / 6, 3 / 6].forEach((want, i) => expect(Math.abs((counts[i] ?? 0) / 10_000 - want)).toBeLessThan(0.02));
  });

  it('no hash key: a random hash from the request-keyed draws', () => {
    const hosts = addresses(3);
    const b = createBalancer(MAGLEV, hosts);
    expect(b.pick(all(3), scripted({ 'lb-hash': [0, 0] })).index).toBe(buildMaglevTable(hosts, all(3), 65537).slots[0]);
  });

  it('accepts only prime table sizes up to 5000011, as Envoy', () => {
    expect(isPrime(65537)).toBe(true);
    expect(isPrime(5000011)).toBe(true);
    expect(isPrime(65536)).toBe(false);
    expect(() => createBalancer({ ...MAGLEV, tableSize: 65536 }, addresses(2))).toThrow(/must be a prime/);
    expect(() => createBalancer({ ...MAGLEV, tableSize: 5000077 }, addresses(2))).toThrow(/GL_E_CONFIG_INVALID/);
  });
});
