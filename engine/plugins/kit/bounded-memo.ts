/**
 * A memo for pure functions of a string (a JWT's parse, a JWKS body's parse), bounded so that a
 * client sending a fresh token per request cannot grow it without limit. Real gateways keep such
 * caches too (Kong caches decoded credentials, Envoy parsed JWKS keys); here it only saves our own
 * runtime: the simulation charges the modelled CPU cost per request whether or not the memo hits.
 *
 * Only for functions whose answer depends on the key alone and whose answer callers never mutate:
 * a hit returns the same object a miss returned the first time.
 */
export class BoundedMemo<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly maxEntries: number) {
    if (!(maxEntries >= 1)) throw new Error(`a BoundedMemo needs room for at least one entry, not ${maxEntries}`);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The remembered answer for `key`, or `compute(key)` remembered now. */
  get(key: string, compute: (key: string) => V): V {
    const hit = this.entries.get(key);
    if (hit !== undefined || this.entries.has(key)) return hit as V;
    const value = compute(key);
    // Oldest first: a Map iterates in insertion order, so its first key is the one to drop.
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, value);
    return value;
  }
}
