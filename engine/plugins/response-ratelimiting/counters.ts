/**
 * Counters one gateway replica holds: Kong's `local` policy (the node's shared dict, so N nodes count
 * N separate quotas), and, for `redis`, what this replica last read — only for `snapshot`.
 *
 * Kong's local `shm:incr` sets no TTL; a key simply stops being read once its window has passed. So
 * gatelab forgets a counter once its window has ended (it can never be read again), sweeping when the
 * map has doubled since the last sweep.
 */
import { kongWindowEnd, type KongPeriod } from '../rate-limit/math/kong-fixed-window.ts';

const MIN_SWEEP_SIZE = 1024;

interface Counter {
  identifier: string;
  name: string;
  period: KongPeriod;
  windowStartMs: number;
  windowEndMs: number;
  value: number;
}

/** identifier → limit name → period → { windowStart, count }: what the lab and `state` expectations read. */
export type UsageSnapshot = Record<string, Record<string, Partial<Record<KongPeriod, { windowStart: number; count: number }>>>>;

export interface CounterRef {
  identifier: string;
  name: string;
  period: KongPeriod;
  key: string;
  windowStartMs: number;
}

export class ReplicaCounters {
  private readonly byKey = new Map<string, Counter>();
  private sweepAt = MIN_SWEEP_SIZE;

  /** Usage of a counter at `nowMs` (0 when never counted or its window has passed). */
  get(key: string, nowMs: number): number {
    const c = this.byKey.get(key);
    return c && c.windowEndMs > nowMs ? c.value : 0;
  }

  /** Adds `by` (negative refunds) — Kong's `shm:incr(key, value, 0)`. */
  add(ref: CounterRef, by: number, nowMs: number): number {
    const c = this.byKey.get(ref.key);
    const value = (c?.value ?? 0) + by;
    this.byKey.set(ref.key, { ...ref, windowEndMs: kongWindowEnd(ref.period, ref.windowStartMs), value });
    if (this.byKey.size >= this.sweepAt) this.sweep(nowMs);
    return value;
  }

  /** Records a value read from (or written to) the shared store, so `snapshot` can show it. */
  remember(ref: CounterRef, value: number, nowMs: number): void {
    const c = this.byKey.get(ref.key);
    // The same counter read again (every request of a window does): update its value in place
    // rather than copying the ref into a new object per read. Same fields, same map order.
    if (c !== undefined && c.identifier === ref.identifier && c.name === ref.name && c.period === ref.period && c.windowStartMs === ref.windowStartMs) {
      c.value = value;
      return;
    }
    this.byKey.set(ref.key, { ...ref, windowEndMs: kongWindowEnd(ref.period, ref.windowStartMs), value });
    if (this.byKey.size >= this.sweepAt) this.sweep(nowMs);
  }

  sweep(nowMs: number): void {
    for (const [k, c] of this.byKey) if (c.windowEndMs <= nowMs) this.byKey.delete(k);
    this.sweepAt = Math.max(MIN_SWEEP_SIZE, this.byKey.size * 2);
  }

  get size(): number {
    return this.byKey.size;
  }

  snapshot(nowMs: number): UsageSnapshot {
    const out: UsageSnapshot = {};
    for (const c of this.byKey.values()) {
      if (c.windowEndMs <= nowMs || c.value === 0) continue;
      const byName = (out[c.identifier] ??= {});
      const byPeriod = (byName[c.name] ??= {});
      byPeriod[c.period] = { windowStart: c.windowStartMs, count: c.value };
    }
    return out;
  }
}
