/**
 * A second, independent reading of lua-resty-balancer's consistent hash, kept as close to the
 * sources as TypeScript allows so that the engine's version (engine/upstream/balancer/nginx-chash*.ts)
 * can be checked against it: the CRC comes from zlib (node:zlib), not from the engine's table, and
 * the sort and the lookup are statement-by-statement ports of chash.c's chash_point_sort and
 * chash.lua's _find_id — not the shortcuts the engine takes (a library sort, a binary search).
 * No Lua runs on this machine (`command -v luajit` finds nothing), so this port is the oracle.
 */
import { crc32 as zlibCrc32 } from 'node:zlib';

export interface OraclePoint {
  hash: number;
  /** 1-based node index, 0 = empty slot (as in chash.c). */
  id: number;
}

/** chash_point_init_crc: the register starts at crc32(id) itself, fed the previous point's 4 LE bytes. */
export function oraclePoints(nodeId: string, num: number, id: number): OraclePoint[] {
  const base = zlibCrc32(nodeId);
  const out: OraclePoint[] = [];
  const prev = Buffer.alloc(4);
  for (let i = 0; i < num; i++) {
    // zlib un-inverts the value it continues from and inverts its result: passing ~base starts the
    // register at base, and the result is crc32_final of the register, as in chash.c.
    const hash = zlibCrc32(prev, (base ^ 0xffffffff) >>> 0);
    out.push({ hash, id });
    prev.writeUInt32LE(hash, 0);
  }
  return out;
}

/** chash_point_sort, line by line (a bucketed insertion sort into a table of m ≥ 1.6·n slots). */
export function oracleSort(arr: OraclePoint[]): OraclePoint[] {
  const n = arr.length;
  const minSz = Math.trunc(n * 1.6);
  let m = 2;
  while (m <= minSz) m *= 2;
  const step = Math.trunc(2 ** 32 / m);
  // One slot past the end: C reads points[end + 1] there (always an empty slot in practice).
  const points: OraclePoint[] = Array.from({ length: m + 1 }, () => ({ hash: 0, id: 0 }));
  const at = (k: number): OraclePoint => points[k] as OraclePoint;
  const move = (to: number, from: number): void => {
    at(to).hash = at(from).hash;
    at(to).id = at(from).id;
  };
  for (const node of arr) {
    const index = Math.trunc(node.hash / step);
    let end = index;
    let start: number;
    let placed = false;
    for (end = index; end >= 0; end--) {
      if (at(end).id === 0) {
        placed = true;
        break;
      }
      if (node.hash >= at(end).hash) break;
    }
    if (!placed) {
      for (start = end - 1; start >= 0; start--) {
        if (at(start).id === 0) {
          for (let j = start; j < end; j++) move(j, j + 1);
          while (at(end + 1).id !== 0 && at(end + 1).hash < node.hash) {
            move(end, end + 1);
            end += 1;
          }
          placed = true;
          break;
        }
      }
    }
    if (!placed) {
      let free = false;
      for (end = end + 1; end < m; end++) {
        if (at(end).id === 0) {
          free = true;
          break;
        }
        if (node.hash < at(end).hash) break;
      }
      if (!free) {
        for (start = end + 1; start < m; start++) if (at(start).id === 0) break;
        for (let j = start; j > end; j--) move(j, j - 1);
      }
    }
    at(end).id = node.id;
    at(end).hash = node.hash;
  }
  return points.slice(0, m).filter((p) => p.id !== 0);
}

/** chash.lua _find_id, line by line: guess a slot from the hash, then scan up or down. */
export function oracleFindId(points: readonly OraclePoint[], hash: number): number {
  const npoints = points.length;
  const step = 2 ** 32 / npoints;
  let index = Math.floor(hash / step);
  const maxIndex = npoints - 1;
  if (index > maxIndex) index = maxIndex;
  const p = (k: number): OraclePoint => points[k] as OraclePoint;
  if (hash >= p(index).hash) {
    for (let i = index; i <= maxIndex; i++) {
      if (i === maxIndex || hash < p(i + 1).hash) return p(i).id;
    }
  }
  for (let i = index - 1; i >= 0; i--) {
    if (i === 0 || hash >= p(i).hash) return p(i).id;
  }
  return p(0).id;
}

/** resty.chash new() + find(), with ingress-nginx's nodes (weight 1 each, 160 points), in the given order. */
export function oracleChash(nodeIds: readonly string[]): (key: string | Buffer) => string {
  const all: OraclePoint[] = [];
  nodeIds.forEach((nodeId, i) => all.push(...oraclePoints(nodeId, 160, i + 1)));
  const ring = oracleSort(all);
  return (key) => nodeIds[oracleFindId(ring, zlibCrc32(key)) - 1] as string;
}
