/**
 * The consistent-hash ring of lua-resty-balancer (openresty/lua-resty-balancer chash.c and
 * lib/resty/chash.lua), which ingress-nginx runs for `upstream-hash-by` (semantics §8, §10):
 *
 * - A node id is a string ("10.0.0.1:8080"); it gets CONSISTENT_POINTS (160) points per unit of weight.
 * - Its points form a CRC-32 chain: base = crc32(id); point k = the CRC register started at `base`
 *   (not re-inverted), fed the 4 little-endian bytes of point k−1 (0 for the first), then inverted.
 * - The ring is sorted by point value; equal values keep their insertion order (nodes in the order
 *   they were added, each node's points in chain order), which is what chash_point_sort produces.
 * - A key hashes to crc32(key). It belongs to the *last* point at or below that value — the ring is
 *   read counter-clockwise — and a value below the lowest point belongs to the lowest point: there is
 *   no wrap-around to the top (chash.lua _find_id).
 */
import { crc32, crc32Update } from './crc32.ts';

/** lua-resty-balancer's CONSISTENT_POINTS: points per node per unit of weight. */
export const CONSISTENT_POINTS = 160;

export interface ChashNode {
  id: string;
  /** lua-resty-chash's weight (ingress-nginx always passes 1); truncated to an integer as the C side does. */
  weight: number;
}

export interface ChashRing {
  /** Point values, ascending (ties in insertion order). */
  hashes: Uint32Array;
  /** owners[k] = index into the node list of the node that owns hashes[k]. */
  owners: Int32Array;
}

/** The `count` point values of one node id, in chain order (chash_point_init_crc). */
export function chashPoints(id: string, count: number): Uint32Array {
  const out = new Uint32Array(count);
  const base = crc32(id);
  const prev = new Uint8Array(4);
  let hash = 0;
  for (let k = 0; k < count; k++) {
    prev[0] = hash & 0xff;
    prev[1] = (hash >>> 8) & 0xff;
    prev[2] = (hash >>> 16) & 0xff;
    prev[3] = (hash >>> 24) & 0xff;
    hash = (crc32Update(base, prev) ^ 0xffffffff) >>> 0;
    out[k] = hash;
  }
  return out;
}

export function buildChashRing(nodes: readonly ChashNode[]): ChashRing {
  const values: number[] = [];
  const owners: number[] = [];
  nodes.forEach((node, i) => {
    const count = Math.max(0, Math.trunc(node.weight * CONSISTENT_POINTS));
    for (const h of chashPoints(node.id, count)) {
      values.push(h);
      owners.push(i);
    }
  });
  // Sorting positions by (value, position) is a stable sort by value: the order chash_point_sort
  // leaves equal points in (the test checks this against a line-by-line port of the C sort).
  const order = Uint32Array.from(values.keys()).sort((x, y) => (values[x] as number) - (values[y] as number) || x - y);
  const ring: ChashRing = { hashes: new Uint32Array(order.length), owners: new Int32Array(order.length) };
  order.forEach((o, k) => {
    ring.hashes[k] = values[o] as number;
    ring.owners[k] = owners[o] as number;
  });
  return ring;
}

/**
 * The slot of the last point whose value is ≤ h, or -1 when h is below every point (chash.lua's
 * _find_id then answers with slot 0). A binary search: _find_id guesses a slot from h and scans
 * linearly, which finds the same slot.
 */
export function chashFloorSlot(hashes: Uint32Array, h: number): number {
  let lo = 0;
  let hi = hashes.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((hashes[mid] as number) <= h) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** The node lua-resty-chash's find() returns for key value h: the floor slot, or slot 0 below the lowest point. */
export function chashFind(ring: ChashRing, h: number): number {
  if (ring.hashes.length === 0) return -1;
  return ring.owners[Math.max(0, chashFloorSlot(ring.hashes, h))] as number;
}
