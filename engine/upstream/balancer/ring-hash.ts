/**
 * Envoy RING_HASH, Ketama style (semantics §10; ring_hash_lb.cc). Each host is hashed onto the ring
 * as "host:port_0", "host:port_1", … — as many points as its share of the weight times the scale,
 * where the scale gives the lightest host a whole number of points and the ring holds at least
 * minRingSize (capped at maxRingSize). A request's key hashes to a point; the first host point
 * clockwise (wrapping past the top) serves it.
 *
 * An ineligible host is skipped by walking on clockwise, as nginx `hash … consistent` and Kong do.
 * Envoy instead rebuilds the ring over the healthy hosts; the two agree on every key whose owner
 * stays eligible, and differ only in where the lost host's keys land (see docs/upstream/load-balancing.md).
 * Only when no eligible host has a single point (a ring capped below the host count) does gatelab
 * build a ring over the eligible hosts, as Envoy would.
 */
import { ActiveCounts, checkEligible, configError, hostName } from './common.ts';
import { drawnHash53, hash53, hex } from './hash.ts';
import type { BalancedHost, Balancer } from './types.ts';

/** Envoy's upper bound for both ring sizes (ring_hash.proto: lte 8388608). */
export const MAX_RING_SIZE = 8_388_608;

export interface Ring {
  /** Sorted 53-bit positions. */
  points: Float64Array;
  /** owners[k] = host index of points[k]. */
  owners: Int32Array;
  /** Points each host got (Envoy reports min/max of these as stats). */
  perHost: number[];
}

export function buildRing(hosts: readonly BalancedHost[], minRingSize: number, maxRingSize: number): Ring {
  if (!Number.isInteger(minRingSize) || !Number.isInteger(maxRingSize) || minRingSize < 1 || maxRingSize > MAX_RING_SIZE) {
    throw configError(`ring hash sizes ${minRingSize}..${maxRingSize} are outside 1..${MAX_RING_SIZE}`, 'Envoy defaults are 1024 and 8388608');
  }
  if (minRingSize > maxRingSize) {
    throw configError(`ring hash: minimum_ring_size (${minRingSize}) > maximum_ring_size (${maxRingSize})`, 'Envoy rejects this cluster');
  }
  const perHost = hosts.map(() => 0);
  if (hosts.length === 0) return { points: new Float64Array(0), owners: new Int32Array(0), perHost };
  let sum = 0;
  for (const h of hosts) sum += h.weight;
  const normalized = hosts.map((h) => h.weight / sum);
  const minNorm = Math.min(...normalized);
  const scale = Math.min(Math.ceil(minNorm * minRingSize) / minNorm, maxRingSize);

  const pos: number[] = [];
  const own: number[] = [];
  // Running sums, as Envoy keeps them, so fractional shares round consistently across hosts.
  let current = 0;
  let target = 0;
  hosts.forEach((h, i) => {
    target += scale * (normalized[i] as number);
    for (let k = 0; current < target; k++, current++) {
      pos.push(hash53(`${h.key}_${k}`));
      own.push(i);
      perHost[i] = k + 1;
    }
  });

  // Ties on position are practically impossible at 53 bits; the host index breaks them anyway so
  // the ring never depends on sort stability.
  const order = Uint32Array.from(pos.keys()).sort((x, y) => (pos[x] as number) - (pos[y] as number) || (own[x] as number) - (own[y] as number));
  const points = new Float64Array(order.length);
  const owners = new Int32Array(order.length);
  order.forEach((o, k) => {
    points[k] = pos[o] as number;
    owners[k] = own[o] as number;
  });
  return { points, owners, perHost };
}

/** First point at or after h, wrapping to 0 past the top (Ketama's ketama_get_server). */
export function ringSlot(points: Float64Array, h: number): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((points[mid] as number) < h) lo = mid + 1;
    else hi = mid;
  }
  return lo === points.length ? 0 : lo;
}

export interface RingHashSpec {
  minRingSize: number;
  maxRingSize: number;
}

export function createRingHash(hosts: readonly BalancedHost[], spec: RingHashSpec): Balancer {
  const ring = buildRing(hosts, spec.minRingSize, spec.maxRingSize);
  const active = new ActiveCounts(hosts.length);
  const size = ring.points.length;
  const subRings = new Map<string, Ring>();
  const subRing = (eligible: readonly number[]): Ring => {
    const key = eligible.join(',');
    let r = subRings.get(key);
    if (!r) {
      r = buildRing(eligible.map((i) => hosts[i] as BalancedHost), spec.minRingSize, spec.maxRingSize);
      // Rare (tiny rings only), so a small bound is plenty.
      if (subRings.size >= 8) subRings.clear();
      subRings.set(key, r);
    }
    return r;
  };
  return {
    pick(eligible, req) {
      checkEligible(eligible, hosts.length);
      const ok = new Uint8Array(hosts.length);
      for (const i of eligible) ok[i] = 1;
      const keyed = req.hashKey !== undefined;
      const h = keyed ? hash53(req.hashKey as string) : drawnHash53(req.draw('lb-hash', 0), req.draw('lb-hash', 1));
      const from = keyed ? `key "${req.hashKey}" hashes to ${hex(h)}` : `no hash key, so a random point ${hex(h)} (as Envoy)`;
      const start = ringSlot(ring.points, h);
      const skipped = new Set<number>();
      for (let step = 0, k = start; step < size; step++, k = (k + 1) % size) {
        const owner = ring.owners[k] as number;
        if (!ok[owner]) {
          skipped.add(owner);
          continue;
        }
        const walk = skipped.size > 0 ? `; its owner ${[...skipped].map((i) => hostName(hosts, i)).join(', ')} may not serve, walked on clockwise` : '';
        return { index: owner, reason: `ring hash: ${from}; first point clockwise (#${k} of ${size}) → ${hostName(hosts, owner)}${walk}` };
      }
      // A ring capped below the host count leaves some hosts without a point; when only those may
      // serve, fall back to what Envoy always does: a ring built over the eligible hosts alone.
      const sub = subRing(eligible);
      const slot = ringSlot(sub.points, h);
      const index = eligible[sub.owners[slot] as number] as number;
      return {
        index,
        reason: `ring hash: ${from}; no eligible host has a point on the ${size}-point ring, so on a ring over the eligible hosts only (#${slot} of ${sub.points.length}) → ${hostName(hosts, index)}`,
      };
    },
    started(i) {
      active.started(i);
    },
    finished(i) {
      active.finished(i);
    },
    snapshot() {
      return {
        algorithm: 'ring-hash',
        ringSize: size,
        minRingSize: spec.minRingSize,
        maxRingSize: spec.maxRingSize,
        pointsPerHost: hosts.map((h, i) => ({ host: h.key, points: ring.perHost[i] ?? 0 })),
        active: [...active.counts],
      };
    },
  };
}
