/**
 * Envoy MAGLEV (semantics §10; maglev_lb.cc). Every host gets a permutation of the M table slots
 * (offset = h1 mod M, skip = h2 mod (M−1) + 1, both from the host address); hosts take turns, the
 * heavier ones more often, claiming their next preferred slot that is still free until the table is
 * full. A request's key hashes to table[hash mod M]: one lookup, no search.
 *
 * Envoy builds the table over the healthy hosts only and rebuilds it when health changes, so
 * gatelab does the same: one table per eligible set, built lazily and cached, since the same few
 * sets (all hosts, all but the ejected one) come back again and again.
 */
import { ActiveCounts, checkEligible, configError, hostName } from './common.ts';
import { drawnHash53, hash53, hex } from './hash.ts';
import type { BalancedHost, Balancer } from './types.ts';

/** Envoy's upper bound (maglev.proto: table_size lte 5000011). */
export const MAX_TABLE_SIZE = 5_000_011;
/** Tables kept per balancer; each is 4·M bytes (256 KiB at the default M). */
const CACHE_LIMIT = 8;

export function isPrime(n: number): boolean {
  if (!Number.isInteger(n) || n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}

export interface MaglevTable {
  /** slot → host index */
  slots: Int32Array;
  /** Slots each member won, in members order. */
  counts: Map<number, number>;
}

/**
 * Envoy's build loop (OriginalMaglevTable::constructImplementationInternals). Weights are compared as integers (iteration·weight < target, target += max
 * weight) rather than Envoy's normalized doubles: the same schedule, without the rounding that can
 * make a host sit out one extra turn.
 */
export function buildMaglevTable(hosts: readonly BalancedHost[], members: readonly number[], m: number): MaglevTable {
  const slots = new Int32Array(m).fill(-1);
  const counts = new Map<number, number>(members.map((i) => [i, 0]));
  // Envoy sorts hosts by address before building: the fill order decides who wins a contested
  // slot, and sorting makes the table independent of the order hosts were listed in.
  const sorted = [...members].sort((x, y) => {
    const kx = (hosts[x] as BalancedHost).key;
    const ky = (hosts[y] as BalancedHost).key;
    return kx < ky ? -1 : kx > ky ? 1 : x - y;
  });
  const entries = sorted.map((i) => {
    const h = hosts[i] as BalancedHost;
    return { host: i, weight: h.weight, slot: hash53(h.key, 0) % m, skip: (hash53(h.key, 1) % (m - 1)) + 1, target: 0 };
  });
  let maxWeight = 0;
  for (const e of entries) maxWeight = Math.max(maxWeight, e.weight);
  let filled = 0;
  for (let iteration = 1; filled < m && entries.length > 0; iteration++) {
    for (const e of entries) {
      if (filled >= m) break;
      if (iteration * e.weight < e.target) continue;
      e.target += maxWeight;
      // Walk this host's permutation (offset + skip·next) mod M to its next free slot.
      while (slots[e.slot] !== -1) e.slot = (e.slot + e.skip) % m;
      slots[e.slot] = e.host;
      e.slot = (e.slot + e.skip) % m;
      counts.set(e.host, (counts.get(e.host) ?? 0) + 1);
      filled++;
    }
  }
  return { slots, counts };
}

export interface MaglevSpec {
  tableSize: number;
}

export function createMaglev(hosts: readonly BalancedHost[], spec: MaglevSpec): Balancer {
  const m = spec.tableSize;
  if (!isPrime(m) || m > MAX_TABLE_SIZE) {
    throw configError(`maglev table_size ${m} must be a prime no larger than ${MAX_TABLE_SIZE}`, 'Envoy rejects it; the default is 65537');
  }
  const cache = new Map<string, MaglevTable>();
  let lastKey = '';
  const active = new ActiveCounts(hosts.length);

  function tableFor(eligible: readonly number[]): { table: MaglevTable; rebuilt: boolean } {
    const key = eligible.join(',');
    lastKey = key;
    const hit = cache.get(key);
    if (hit) {
      // Refresh recency: a Map iterates in insertion order, so the oldest entry is evicted first.
      cache.delete(key);
      cache.set(key, hit);
      return { table: hit, rebuilt: false };
    }
    const table = buildMaglevTable(hosts, eligible, m);
    cache.set(key, table);
    if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    return { table, rebuilt: true };
  }

  return {
    pick(eligible, req) {
      checkEligible(eligible, hosts.length);
      const { table, rebuilt } = tableFor(eligible);
      const keyed = req.hashKey !== undefined;
      const h = keyed ? hash53(req.hashKey as string) : drawnHash53(req.draw('lb-hash', 0), req.draw('lb-hash', 1));
      const slot = h % m;
      const index = table.slots[slot] as number;
      const from = keyed ? `key "${req.hashKey}" hashes to ${hex(h)}` : `no hash key, so a random hash ${hex(h)} (as Envoy)`;
      const over = eligible.length === hosts.length ? `all ${hosts.length} hosts` : `the ${eligible.length} of ${hosts.length} hosts that may serve`;
      const built = rebuilt ? ', table just built' : '';
      return { index, reason: `maglev: ${from}; slot ${slot} of ${m} → ${hostName(hosts, index)} (table over ${over}${built})` };
    },
    started(i) {
      active.started(i);
    },
    finished(i) {
      active.finished(i);
    },
    snapshot() {
      const last = cache.get(lastKey);
      return {
        algorithm: 'maglev',
        tableSize: m,
        cachedTables: cache.size,
        slotsPerHost: last ? [...last.counts].map(([i, slots]) => ({ host: hostName(hosts, i), slots })) : [],
        active: [...active.counts],
      };
    },
  };
}
