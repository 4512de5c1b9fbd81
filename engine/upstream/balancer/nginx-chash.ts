/**
 * ingress-nginx's `upstream-hash-by` balancer (rootfs/etc/nginx/lua/balancer/chash.lua over
 * lua-resty-balancer's resty.chash; semantics §8, §10), pod for pod:
 *
 * - every endpoint is a node "address:port" of weight 1 — the Service's weights are not used;
 * - the key is the annotation's nginx variable evaluated for the request; an unset variable
 *   evaluates to "" (util.generate_var_value), so keyless requests all go to one pod, not at random;
 * - the pod is the owner of the last ring point at or below crc32(key) (nginx-chash-ring.ts).
 *
 * balancer.lua calls this on every try of a request, so a retry hashes to the same pod again
 * (the dialect turns "retry on another host" off for it). gatelab may still pass a narrower
 * eligible set — hosts the simulation has taken away; the pick is then the one lua-resty-chash
 * makes on the ring rebuilt without them, which ingress-nginx does when the endpoints change: walk
 * down to the nearest eligible point, or, below the lowest one, take the lowest eligible point.
 */
import { parseIp } from '../../net/ip-address.ts';
import { ActiveCounts, checkEligible, hostName } from './common.ts';
import { crc32 } from './crc32.ts';
import { buildChashRing, chashFloorSlot, CONSISTENT_POINTS } from './nginx-chash-ring.ts';
import type { BalancedHost, Balancer } from './types.ts';

export interface NginxChashSpec {
  /** The nginx variable hashed, without `$` ("remote_addr", "http_x_user_id"), as reasons show it. */
  variable: string;
}

const encoder = new TextEncoder();

/** The bytes nginx hashes for the variable's value: $binary_remote_addr is the raw 4 or 16 address bytes. */
export function keyBytes(variable: string, value: string): Uint8Array {
  if (variable === 'binary_remote_addr') {
    const ip = parseIp(value);
    if (ip) return Uint8Array.from(ip.bytes);
  }
  return encoder.encode(value);
}

function hex32(h: number): string {
  return `0x${h.toString(16).padStart(8, '0')}`;
}

export function createNginxChash(hosts: readonly BalancedHost[], spec: NginxChashSpec): Balancer {
  // build_node_map: node_map[address:port] = 1 for every endpoint, whatever its weight.
  const ring = buildChashRing(hosts.map((h) => ({ id: h.key, weight: 1 })));
  const size = ring.hashes.length;
  const active = new ActiveCounts(hosts.length);
  return {
    pick(eligible, req) {
      checkEligible(eligible, hosts.length);
      const value = req.hashKey ?? '';
      const h = crc32(keyBytes(spec.variable, value));
      const floor = chashFloorSlot(ring.hashes, h);
      // Most picks may use every host: no mask needed then.
      const everyHost = eligible.length === hosts.length;
      const ok = everyHost ? undefined : new Uint8Array(hosts.length);
      if (ok) for (const i of eligible) ok[i] = 1;
      const allowed = (slot: number): boolean => !ok || ok[ring.owners[slot] as number] === 1;
      let slot = floor;
      while (slot >= 0 && !allowed(slot)) slot--;
      const below = slot < 0;
      if (below) for (slot = 0; !allowed(slot); slot++);
      const owner = ring.owners[slot] as number;
      const key = req.hashKey === undefined ? `$${spec.variable} is empty, so the key "" hashes to ${hex32(h)}` : `$${spec.variable} = "${value}" hashes to ${hex32(h)} (crc32)`;
      const fromFloor = slot !== (below ? 0 : floor);
      const where = below
        ? `${floor < 0 ? 'below the lowest point' : 'no allowed point at or below it'}, so the lowest ${fromFloor ? 'allowed ' : ''}point (#${slot} of ${size}, ${hex32(ring.hashes[slot] as number)})`
        : `last ${fromFloor ? 'allowed ' : ''}point at or below it (#${slot} of ${size}, ${hex32(ring.hashes[slot] as number)})`;
      const first = ring.owners[Math.max(0, floor)] as number;
      const skipped = owner !== first ? `; ${hostName(hosts, first)} may not serve, so the pod lua-resty-chash picks on the ring without it` : '';
      return { index: owner, reason: `chash: ${key}; ${where} → ${hostName(hosts, owner)}${skipped}` };
    },
    started(i) {
      active.started(i);
    },
    finished(i) {
      active.finished(i);
    },
    snapshot() {
      return {
        algorithm: 'nginx-chash',
        variable: `$${spec.variable}`,
        ringSize: size,
        pointsPerHost: hosts.map((h) => ({ host: h.key, points: CONSISTENT_POINTS })),
        active: [...active.counts],
      };
    },
  };
}
