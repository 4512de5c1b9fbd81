/**
 * Traefik's in-memory rateLimit keeps each source's bucket in a map of bounded size with a per-entry
 * expiry (traefik/traefik pkg/middlewares/ratelimiter/ttlmap, capacity `maxSources` = 65,536 per
 * middleware). Only its bookkeeping is modelled here — which sources it holds and which one a full map
 * drops — so the token-bucket flavour can forget the dropped source's bucket (it comes back full).
 *
 * The rules, as ttlmap.go has them:
 *   - expiry = Unix seconds of (now + ttl); an entry is expired once expiry <= now (Unix seconds);
 *   - Get removes the entry it finds expired;
 *   - Set first pops up to 16 expired entries from the expiry heap (sweepBudget), then refreshes an
 *     existing key (heap.Fix) or, for a new key with the map full, pops the heap's root — the entry
 *     closest to expiry — and pushes the new one.
 * The heap is Go's container/heap (a binary min-heap on expiry, strict `<`), reproduced step for step
 * because among entries that expire in the same second the heap's layout decides which one goes.
 * Releases that still used github.com/mailgun/ttlmap drop the same entry by expiry (an expired one
 * first), without the sweep, and may order same-second entries differently.
 */

/** pkg/middlewares/ratelimiter: `maxSources = 65536`. */
export const TRAEFIK_MAX_SOURCES = 65_536;
/** ttlmap.go `sweepBudget`: expired entries reclaimed per Set. */
export const TRAEFIK_SWEEP_BUDGET = 16;

interface Item {
  key: string;
  /** Unix seconds. */
  expiry: number;
  /** Position in the heap. */
  index: number;
}

export class TraefikTtlMap {
  private readonly items = new Map<string, Item>();
  private readonly heap: Item[] = [];

  constructor(readonly capacity = TRAEFIK_MAX_SOURCES) {}

  get size(): number {
    return this.items.size;
  }

  /** Map.Get: whether `key` is held and live at `nowMs`; an expired entry is removed. */
  get(key: string, nowMs: number): boolean {
    const it = this.items.get(key);
    if (!it) return false;
    if (it.expiry <= unix(nowMs)) {
      this.removeAt(it.index);
      this.items.delete(key);
      return false;
    }
    return true;
  }

  /**
   * Map.Set with `ttlSeconds` at `nowMs`. Returns the key a full map dropped to make room (a live
   * source whose bucket is now forgotten, or an expired one), if any; swept expired keys are not
   * reported — they were already gone for Get.
   */
  set(key: string, ttlSeconds: number, nowMs: number): string | undefined {
    const now = unix(nowMs);
    this.sweepExpired(now);
    // time.Now().Add(ttl).Unix(): whole seconds, ttl being whole seconds too.
    const expiry = now + ttlSeconds;
    const it = this.items.get(key);
    if (it) {
      it.expiry = expiry;
      this.fix(it.index);
      return undefined;
    }
    let dropped: string | undefined;
    if (this.items.size >= this.capacity && this.heap.length > 0) {
      const root = this.pop();
      this.items.delete(root.key);
      dropped = root.key;
    }
    const fresh: Item = { key, expiry, index: -1 };
    this.items.set(key, fresh);
    this.push(fresh);
    return dropped;
  }

  private sweepExpired(now: number): void {
    for (let i = 0; i < TRAEFIK_SWEEP_BUDGET; i++) {
      const root = this.heap[0];
      if (!root || root.expiry > now) return;
      this.pop();
      this.items.delete(root.key);
    }
  }

  // container/heap, with Less(i, j) = h[i].expiry < h[j].expiry.

  private less(i: number, j: number): boolean {
    return (this.heap[i] as Item).expiry < (this.heap[j] as Item).expiry;
  }

  private swap(i: number, j: number): void {
    const a = this.heap[i] as Item;
    const b = this.heap[j] as Item;
    this.heap[i] = b;
    this.heap[j] = a;
    b.index = i;
    a.index = j;
  }

  private up(j: number): void {
    for (;;) {
      const i = Math.trunc((j - 1) / 2); // Go's integer division truncates: (0-1)/2 == 0
      if (i === j || !this.less(j, i)) break;
      this.swap(i, j);
      j = i;
    }
  }

  private down(i0: number, n: number): boolean {
    let i = i0;
    for (;;) {
      const j1 = 2 * i + 1;
      if (j1 >= n) break;
      let j = j1;
      const j2 = j1 + 1;
      if (j2 < n && this.less(j2, j1)) j = j2;
      if (!this.less(j, i)) break;
      this.swap(i, j);
      i = j;
    }
    return i > i0;
  }

  /** heap.Push. */
  private push(it: Item): void {
    it.index = this.heap.length;
    this.heap.push(it);
    this.up(this.heap.length - 1);
  }

  /** heap.Pop: the root. */
  private pop(): Item {
    const n = this.heap.length - 1;
    this.swap(0, n);
    this.down(0, n);
    const it = this.heap.pop() as Item;
    it.index = -1;
    return it;
  }

  /** heap.Remove. */
  private removeAt(i: number): void {
    const n = this.heap.length - 1;
    if (n !== i) {
      this.swap(i, n);
      if (!this.down(i, n)) this.up(i);
    }
    const it = this.heap.pop() as Item;
    it.index = -1;
  }

  /** heap.Fix. */
  private fix(i: number): void {
    if (!this.down(i, this.heap.length)) this.up(i);
  }
}

function unix(ms: number): number {
  return Math.floor(ms / 1000);
}
