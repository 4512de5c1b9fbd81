/**
 * `policy: redis` with `sync_rate > 0`: each replica reads a counter from Redis once, then counts
 * locally and flushes its deltas every `sync_rate` seconds (Kong: INCRBY + EXPIREAT in a timer, then
 * it drops its cache and re-reads on the next request). Between two syncs a replica only knows the
 * shared total it last read plus its own requests, so N replicas can together admit up to
 * N × (traffic in sync_rate) beyond the limit — the overshoot of semantics §1.
 *
 * gatelab has no timers, so the flush is lazy: the first request on this replica at or after the
 * instant the sync falls due (sync_rate s after the first unsynced count) carries one store round
 * trip that INCRBYs every local delta and reads back the totals it needs. A replica that goes idle
 * therefore holds its deltas until its next request (a real Kong flushes them on time).
 *
 * Kong quirk kept on purpose: a cached counter whose expiry (window start + the W table value) has
 * passed restarts at 0 locally; for month and year that expiry can fall inside the window.
 */
import { wait, type RequestContext, type StoreOp, type Verdict } from '../../pipeline/types.ts';
import type { KongRateLimitingConfig } from './config.ts';
import type { Identifier } from './identifier.ts';
import { configuredPeriods, decideKongPeriodsInto, kongWindowStart, newKongDecision, KONG_PERIOD_SECONDS, type KongLimits, type KongPeriod } from './math/kong-fixed-window.ts';
import type { CounterSnapshot } from './policy-local.ts';
import { numericValues, periodKeys, type CounterScope, type PeriodKey } from './policy-redis.ts';
import { storeFailure, verdictFor } from './respond.ts';

interface SyncEntry {
  identifier: string;
  period: KongPeriod;
  windowStartMs: number;
  /** The shared total as last read from Redis. */
  total: number;
  /** Requests this replica admitted since then, not yet flushed. */
  delta: number;
  /** Kong's cur_usage_expire_at: window start + W, in ms. */
  expiresAtMs: number;
}

const expiryOf = (k: PeriodKey): number => k.windowStartMs + KONG_PERIOD_SECONDS[k.period] * 1000;

/**
 * One synced decision at a time (decide runs to its verdict without waiting): its usage list and
 * decision are refilled per request, and verdictFor copies what it keeps (policy-redis.ts does the same).
 */
const SCRATCH_USED: number[] = [];
const SCRATCH_DECISION = newKongDecision();

export class SyncedCounters {
  private readonly entries = new Map<string, SyncEntry>();
  /** When the pending sync falls due (undefined: nothing to flush). */
  private dueAtMs: number | undefined;
  private flushing = false;
  private pruneAt = 1024;
  /** The configured periods, shortest first, and their limits: the order periodKeys gives the keys in. */
  private readonly periods: readonly KongPeriod[];
  private readonly limitValues: readonly number[];

  constructor(
    private readonly config: KongRateLimitingConfig,
    private readonly limits: KongLimits,
    private readonly scope: CounterScope,
  ) {
    this.periods = configuredPeriods(limits);
    this.limitValues = this.periods.map((p) => limits[p] as number);
  }

  access(ctx: RequestContext, id: Identifier, nowMs: number): Verdict {
    const keys = periodKeys(this.limits, this.scope, id.value, nowMs);
    for (const k of keys) {
      const e = this.entries.get(k.key);
      // Kong compares expire_at (whole seconds) with ngx.time(); past it, the cache restarts at 0.
      if (e && Math.floor(e.expiresAtMs / 1000) <= Math.floor(nowMs / 1000)) Object.assign(e, { total: 0, delta: 0 });
    }
    if (this.dueAtMs !== undefined && nowMs >= this.dueAtMs && !this.flushing) return this.flushAndRead(ctx, id, keys, nowMs);
    const missing = keys.filter((k) => !this.entries.has(k.key));
    if (missing.length === 0) return this.decide(ctx, id, keys, nowMs);
    const ops: StoreOp[] = missing.map((k) => ({ op: 'get', key: k.key }));
    return wait(
      { type: 'store', ops },
      `first request of these windows on this replica: reading ${missing.length} shared counter(s) from Redis for ${id.kind} ${id.value}; after that it counts locally until the next sync`,
      (result) => {
        if (!result.ok) return storeFailure(ctx, this.config, result.error);
        const values = numericValues(result, ops.length);
        if (!values) return storeFailure(ctx, this.config, `expected ${ops.length} counter values from the store`);
        missing.forEach((k, i) => this.remember(id.value, k, values[i] as number, nowMs));
        return this.decide(ctx, id, keys, nowMs);
      },
      { policy: 'redis', identifier: id.value, syncRate: this.config.sync_rate, reads: ops.length },
    );
  }

  private remember(identifier: string, k: PeriodKey, total: number, nowMs: number): void {
    const prev = this.entries.get(k.key);
    if (!prev && this.entries.size >= this.pruneAt) {
      this.prune(nowMs);
      this.pruneAt = Math.max(1024, this.entries.size * 2);
    }
    this.entries.set(k.key, { identifier, period: k.period, windowStartMs: k.windowStartMs, total, delta: prev?.delta ?? 0, expiresAtMs: expiryOf(k) });
  }

  private flushAndRead(ctx: RequestContext, id: Identifier, keys: PeriodKey[], nowMs: number): Verdict {
    // Deltas stay in the cache while the sync is in flight (Kong clears them only after the commit),
    // so a request meanwhile still counts them; the resume subtracts exactly what was sent.
    const flushed = [...this.entries.entries()].filter(([, e]) => e.delta !== 0).map(([key, e]) => ({ key, amount: e.delta, expiresAtMs: e.expiresAtMs }));
    const ops: StoreOp[] = flushed.map((f) => ({ op: 'incr', key: f.key, by: f.amount, ttlMs: Math.max(1, f.expiresAtMs - nowMs) }));
    const counts = flushed.reduce((n, f) => n + f.amount, 0);
    for (const k of keys) if (!flushed.some((f) => f.key === k.key)) ops.push({ op: 'get', key: k.key });
    this.flushing = true;
    this.dueAtMs = undefined;
    return wait(
      { type: 'store', ops },
      `sync_rate ${this.config.sync_rate} s is up on this replica: INCRBY ${counts} local count(s) on ${flushed.length} key(s) and read the shared totals back — between syncs each replica only sees its own requests`,
      (result) => {
        this.flushing = false;
        if (!result.ok) {
          // Kong clears its local counters when a sync fails: those counts are lost.
          this.entries.clear();
          return storeFailure(ctx, this.config, result.error);
        }
        const values = numericValues(result, ops.length);
        if (!values) return storeFailure(ctx, this.config, `expected ${ops.length} counter values from the store`);
        for (const f of flushed) {
          const e = this.entries.get(f.key);
          if (e) e.delta -= f.amount;
        }
        // Kong drops its whole cache after a sync; counts made while the sync was in flight stay.
        for (const [key, e] of this.entries) if (e.delta === 0) this.entries.delete(key);
        ops.forEach((op, i) => {
          const k = keys.find((x) => x.key === op.key);
          if (k) this.remember(id.value, k, values[i] as number, nowMs);
        });
        return this.decide(ctx, id, keys, nowMs);
      },
      { policy: 'redis', identifier: id.value, syncRate: this.config.sync_rate, flushedKeys: flushed.length, flushedCounts: counts },
    );
  }

  /** Drops cached counters of ended windows that have nothing left to flush. */
  private prune(nowMs: number): void {
    for (const [key, e] of this.entries) {
      if (e.delta === 0 && kongWindowStart(e.period, nowMs) !== e.windowStartMs) this.entries.delete(key);
    }
  }

  private decide(ctx: RequestContext, id: Identifier, keys: PeriodKey[], nowMs: number): Verdict {
    // keys[i] is the counter of periods[i] (periodKeys walks configuredPeriods), as the array form takes them.
    const used = SCRATCH_USED;
    for (let i = 0; i < keys.length; i++) {
      const e = this.entries.get((keys[i] as PeriodKey).key);
      used[i] = e ? e.total + e.delta : 0;
    }
    while (used.length > keys.length) used.pop();
    const decision = decideKongPeriodsInto(SCRATCH_DECISION, this.periods, this.limitValues, used, nowMs);
    if (decision.allowed) {
      for (const k of keys) {
        const e = this.entries.get(k.key);
        if (e) e.delta += 1;
      }
      this.dueAtMs ??= nowMs + this.config.sync_rate * 1000;
    }
    return verdictFor(ctx, this.config, id, decision, `redis with sync_rate ${this.config.sync_rate} s: last shared total plus this replica's own counts`);
  }

  snapshot(nowMs: number): CounterSnapshot {
    const out: CounterSnapshot = {};
    for (const e of this.entries.values()) {
      if (kongWindowStart(e.period, nowMs) !== e.windowStartMs) continue;
      (out[e.identifier] ??= {})[e.period] = { windowStart: e.windowStartMs, count: e.total + e.delta };
    }
    return out;
  }
}
