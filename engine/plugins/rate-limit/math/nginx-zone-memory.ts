/**
 * The memory of one nginx `limit_req_zone` (semantics §2; ngx_http_limit_req_module.c `_lookup`,
 * `_expire`, `_init_zone`): a fixed slab pool holding one node per key, and an LRU queue.
 *
 * - A key's node takes offsetof(ngx_rbtree_node_t, color) + offsetof(ngx_http_limit_req_node_t, data)
 *   + key bytes = 80 + k bytes on x86-64 (40 + k on 32-bit), rounded up by the slab (nginx-slab.ts).
 * - Every lookup of a known key moves it to the front of the queue, even one that is then refused.
 * - Only a key nginx has not seen costs memory. Before allocating, nginx frees at most two nodes from
 *   the back of the queue, stopping at the first that is not idle for 60 s and drained
 *   (`expire(ctx, 1)`: the loop runs while n < 3, from n = 1). If the allocation still fails it
 *   frees the oldest node whatever its state, then at most two more idle ones (`expire(ctx, 0)`), and
 *   tries once more; failing again, the request gets limit_req_status ("could not allocate node").
 * - A node in use by a request that is still between lookup and accounting (`count` > 0) stops the
 *   sweep in nginx; gatelab decides each request in one step, so no node is ever in use then.
 */
import type { LimitReqNode } from './nginx-limit-req.ts';
import { SlabPool, X86_64, type SlabHandle, type SlabPlatform } from './nginx-slab.ts';

/** Idle this long (and drained) before nginx drops a node by itself. */
export const IDLE_MS = 60_000;

/**
 * A node nginx created for a first-seen key in an earlier zone of a request that a later zone then
 * refused: excess 0 and `last` 0 on nginx's monotonic clock, i.e. long ago. One hour ago drains every
 * rate nginx accepts (at least 16 milli-requests per second) past a whole request.
 */
export const STALE_AGE_MS = 3_600_000;

/** Bytes of a limit_req node for a key of `keyBytes` bytes, before slab rounding. */
export function nodeBytes(keyBytes: number, p: SlabPlatform = X86_64): number {
  return 10 * p.pointerBytes + keyBytes;
}

export interface Eviction {
  key: string;
  /** true: dropped as the oldest whatever its state; false: idle ≥ 60 s and drained. */
  forced: boolean;
  node: LimitReqNode;
}

export type InsertResult = { ok: true; evicted: Eviction[] } | { ok: false; evicted: Eviction[] };

interface Entry {
  node: LimitReqNode;
  handle: SlabHandle;
}

export class LimitReqZoneMemory {
  private readonly pool: SlabPool;
  /** Map order is the LRU queue: the first entry is the back (oldest), the last the front. */
  private readonly entries = new Map<string, Entry>();

  constructor(
    readonly zoneBytes: number,
    zoneName: string,
    private readonly rateMilli: number,
    private readonly platform: SlabPlatform = X86_64,
  ) {
    this.pool = new SlabPool(zoneBytes, platform);
    // ngx_http_limit_req_init_zone: the tree, sentinel and queue heads (10 words), then the log
    // context " in limit_req zone \"<name>\"" with its NUL (22 + name bytes). Both stay for good.
    this.pool.alloc(10 * platform.pointerBytes);
    this.pool.alloc(22 + utf8Bytes(zoneName));
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): LimitReqNode | undefined {
    return this.entries.get(key)?.node;
  }

  /** A lookup that found the key: to the front of the queue. */
  touch(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    this.entries.set(key, e);
  }

  /** A found key's new state after accounting (its place in the queue does not move). */
  update(key: string, node: LimitReqNode): void {
    const e = this.entries.get(key);
    if (e) e.node = node;
  }

  /**
   * A key nginx has not seen: make room as nginx does and allocate its node at the front of the
   * queue with `node` as its state, or fail (the request is refused) with nothing allocated.
   */
  insert(key: string, keyBytes: number, node: LimitReqNode, nowMs: number): InsertResult {
    const bytes = nodeBytes(keyBytes, this.platform);
    const evicted: Eviction[] = [];
    this.expire(1, nowMs, evicted);
    let handle = this.pool.alloc(bytes);
    if (!handle) {
      this.expire(0, nowMs, evicted);
      handle = this.pool.alloc(bytes);
      if (!handle) return { ok: false, evicted };
    }
    this.entries.set(key, { node, handle });
    return { ok: true, evicted };
  }

  /** ngx_http_limit_req_expire: n = 0 first drops the oldest by force; then idle, drained ones while n < 3. */
  private expire(n: number, nowMs: number, out: Eviction[]): void {
    while (n < 3) {
      const oldest = this.entries.entries().next();
      if (oldest.done) return;
      const [key, e] = oldest.value;
      const forced = n === 0;
      n += 1;
      if (!forced) {
        const ms = Math.abs(nowMs - e.node.last);
        if (ms < IDLE_MS) return;
        if (e.node.excess - Math.floor((this.rateMilli * ms) / 1000) > 0) return;
      }
      this.entries.delete(key);
      this.pool.free(e.handle);
      out.push({ key, forced, node: e.node });
    }
  }

  /** Keys from the back of the queue (oldest) to the front. */
  keys(): IterableIterator<string> {
    return this.entries.keys();
  }

  *nodes(): IterableIterator<[string, LimitReqNode]> {
    for (const [k, e] of this.entries) yield [k, e.node];
  }

  get pagesFree(): number {
    return this.pool.pagesFree;
  }
}

export function utf8Bytes(s: string): number {
  return new TextEncoder().encode(s).length;
}

/**
 * How many nodes of a `keyBytes`-byte key a fresh zone of `zoneBytes` holds: the docs' figure
 * ("one megabyte … about 16 thousand 64-byte states or about 8 thousand 128-byte states").
 */
export function zoneCapacity(zoneBytes: number, keyBytes: number, zoneName = 'one', platform: SlabPlatform = X86_64): number {
  const z = new LimitReqZoneMemory(zoneBytes, zoneName, 1000, platform);
  // Every node is fresh (not idle), so the first eviction or failure means the zone was full.
  for (let n = 0; ; n++) {
    const r = z.insert(`k${n}`, keyBytes, { excess: 0, last: 0 }, 0);
    if (!r.ok || r.evicted.length > 0) return n;
  }
}
