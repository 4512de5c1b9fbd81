/**
 * The modeled counter store (Redis in the real proxy): keys with relative TTLs, answered after a
 * round trip of simulated time. Down while an outage says so, so `fault_tolerant` can be seen to act.
 */
import type { EffectResult, StoreOp } from '../../pipeline/types.ts';

interface Entry {
  value: number;
  expiresAt: number;
}

export class ModeledStore {
  private readonly entries = new Map<string, Entry>();
  /** Sweep expired keys when the map reaches this size, then double it: amortised O(1) per apply. */
  private sweepAt = 100_000;
  private downUntil = -Infinity;
  private downFrom = Infinity;

  /** Marks the store unreachable in [fromMs, untilMs) of host time (epoch ms). */
  outage(fromMs: number, untilMs: number): void {
    this.downFrom = fromMs;
    this.downUntil = untilMs;
  }

  isDown(now: number): boolean {
    return now >= this.downFrom && now < this.downUntil;
  }

  apply(ops: readonly StoreOp[], now: number): EffectResult {
    if (this.isDown(now)) return { ok: false, error: 'connection refused: the counter store is down' };
    const values: Array<number | null> = [];
    for (const op of ops) {
      const current = this.entries.get(op.key);
      const live = current && current.expiresAt > now ? current : undefined;
      if (op.op === 'get') {
        values.push(live ? live.value : null);
        continue;
      }
      // Like Redis EXPIRE after INCR: the TTL is set when the key is created and kept afterwards.
      // The entry is updated in place (no new object, no second lookup to store it).
      if (live) {
        live.value += op.by;
        values.push(live.value);
      } else if (current) {
        current.value = op.by;
        current.expiresAt = now + op.ttlMs;
        values.push(current.value);
      } else {
        this.entries.set(op.key, { value: op.by, expiresAt: now + op.ttlMs });
        values.push(op.by);
      }
    }
    if (this.entries.size >= this.sweepAt) {
      this.evictExpired(now);
      this.sweepAt = Math.max(100_000, this.entries.size * 2);
    }
    return { ok: true, values };
  }

  size(): number {
    return this.entries.size;
  }

  private evictExpired(now: number): void {
    for (const [k, e] of this.entries) if (e.expiresAt <= now) this.entries.delete(k);
  }
}
