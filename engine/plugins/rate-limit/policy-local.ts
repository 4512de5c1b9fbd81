/**
 * `policy: local`: Kong's counters in the node's shared dict (lua_shared_dict), one set per gateway
 * replica — so N replicas behind a load balancer admit up to N × limit between them.
 *
 * Kong increments in a 0-delay timer after the response, so concurrent requests on a real node can
 * briefly overshoot; gatelab's hooks are synchronous, so here the increment is immediate (documented
 * in the README as a simplification).
 *
 * Memory stays bounded: a touched identifier's ended windows are dropped by the math, and when the
 * map has doubled since the last sweep, identifiers with no live window are deleted.
 */
import {
  configuredPeriods,
  decideKongPeriods,
  decideKongPeriodsInto,
  kongCounterUsage,
  kongStateIsStale,
  KONG_PERIOD_SECONDS,
  KONG_PERIODS,
  type KongFixedWindowDecision,
  type KongLimits,
  type KongPeriod,
  type KongPeriodUsage,
  type KongWindowState,
} from './math/kong-fixed-window.ts';
import { kongWindows } from './math/kong-window-memo.ts';
import { MS_PER_SECOND } from './math/utc-calendar.ts';

const MIN_SWEEP_SIZE = 1024;

/** identifier → period → { windowStart, count }: the shape the lab and `state` expectations read. */
export type CounterSnapshot = Record<string, Record<string, { windowStart: number; count: number }>>;

/** Live counters of one identifier's state at `nowMs`, in snapshot form (undefined when none). */
export function snapshotOf(state: KongWindowState, nowMs: number): Record<string, { windowStart: number; count: number }> | undefined {
  const out: Record<string, { windowStart: number; count: number }> = {};
  for (const p of KONG_PERIODS) {
    const c = state[p];
    const count = kongCounterUsage(c, p, nowMs);
    if (c && count > 0) out[p] = { windowStart: c.windowStartMs, count };
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Every identifier's live counters at `nowMs`, for stores that keep one state object per identifier. */
export function snapshotStates(states: ReadonlyMap<string, KongWindowState>, nowMs: number): CounterSnapshot {
  const out: CounterSnapshot = {};
  for (const [id, state] of states) {
    const s = snapshotOf(state, nowMs);
    if (s) out[id] = s;
  }
  return out;
}

/**
 * One period's counters for every tracked identifier, in parallel typed arrays indexed by slot. Each
 * field keeps the exact value the object form held (epoch ms as doubles, so nothing is boxed); a
 * count of 0 means the identifier has no counter in this period.
 */
interface PeriodColumns {
  windowStartMs: Float64Array;
  count: Float64Array;
  expiresAtMs: Float64Array;
}

const INITIAL_SLOTS = 64;

/**
 * The counters of `policy: local`, compact: identifier → slot in a Map, and per configured period
 * three typed-array columns. A client then costs its key string, one Map entry and 24 bytes per
 * period, with no object per client for the GC to trace (201 → ≈ 100 bytes per IPv4 client for a
 * `minute` limit; docs/benchmarks.md). Each decision is still made by `kongFixedWindow` on the state
 * object form, rebuilt from the columns and written back, so decisions are those of the math.
 */
export class LocalCounters {
  private readonly slotOf = new Map<string, number>();
  private readonly columns: Array<PeriodColumns | undefined> = KONG_PERIODS.map(() => undefined);
  private capacity = 0;
  /** Slots [0, used) have been handed out at least once; the ones released since wait in freeSlots. */
  private used = 0;
  private readonly freeSlots: number[] = [];
  private sweepAt = MIN_SWEEP_SIZE;
  /** `check`'s usage per configured period, refilled per call. */
  private readonly usedScratch: number[] = [];

  /** Per limits object: its periods in order, their limits and column indexes (one config, one object). */
  private shapeOf: { limits: KongLimits; periods: KongPeriod[]; limitValues: number[]; columns: number[] } | undefined;

  /**
   * Decides one request and, if it passes, counts it in every period. Read and written on the columns
   * directly: the same decision and counters as running `kongFixedWindow` on the slot's object form
   * (policy-local.test.ts checks it against that definition), without a state, usage and next-state
   * object per request.
   *
   * `into`: a decision to refill instead of a fresh one (decideKongPeriodsInto), for a caller that reads
   * it at once and keeps nothing of it; the result is then `into`.
   */
  check(limits: KongLimits, identifier: string, nowMs: number, into?: KongFixedWindowDecision): KongFixedWindowDecision {
    const shape = this.shape(limits);
    const held = this.slotOf.get(identifier);
    // Refilled per call: read only until this method returns.
    const used = this.usedScratch;
    for (let i = 0; i < shape.periods.length; i++) used[i] = held === undefined ? 0 : this.usageAt(held, shape.columns[i] as number, nowMs);
    while (used.length > shape.periods.length) used.pop();
    const decision = into !== undefined ? decideKongPeriodsInto(into, shape.periods, shape.limitValues, used, nowMs) : decideKongPeriods(shape.periods, shape.limitValues, used, nowMs);
    if (decision.allowed) {
      const slot = held ?? this.claim(identifier);
      this.clearUnconfigured(slot, shape.columns);
      for (let i = 0; i < shape.periods.length; i++) {
        const p = shape.columns[i] as number;
        const col = (this.columns[p] ??= newColumns(this.capacity));
        // A live counter grows by one; otherwise the window starts now, expiring W seconds from now.
        if ((used[i] as number) > 0) col.count[slot] = (col.count[slot] as number) + 1;
        else {
          col.windowStartMs[slot] = (decision.periods[i] as KongPeriodUsage).windowStartMs;
          col.count[slot] = 1;
          col.expiresAtMs[slot] = nowMs + KONG_PERIOD_SECONDS[shape.periods[i] as KongPeriod] * MS_PER_SECOND;
        }
      }
    } else if (held !== undefined) {
      // Rejected: live counters stay as they are, stale ones go; with none left the identifier goes.
      let live = 0;
      for (let i = 0; i < shape.periods.length; i++) {
        if ((used[i] as number) > 0) live++;
        else {
          const col = this.columns[shape.columns[i] as number];
          if (col) col.count[held] = 0;
        }
      }
      if (live === 0) this.release(identifier, held);
      else this.clearUnconfigured(held, shape.columns);
    }
    if (this.slotOf.size >= this.sweepAt) this.sweep(nowMs);
    return decision;
  }

  private shape(limits: KongLimits): NonNullable<LocalCounters['shapeOf']> {
    if (this.shapeOf?.limits !== limits) {
      const periods = configuredPeriods(limits);
      this.shapeOf = { limits, periods, limitValues: periods.map((p) => limits[p] as number), columns: periods.map((p) => KONG_PERIODS.indexOf(p)) };
    }
    return this.shapeOf;
  }

  /** kongCounterUsage of one slot's counter in column `p`: its count while its window is current. */
  private usageAt(slot: number, p: number, nowMs: number): number {
    const col = this.columns[p];
    if (!col) return 0;
    const count = col.count[slot] as number;
    if (!(count > 0)) return 0;
    const period = KONG_PERIODS[p] as KongPeriod;
    return col.windowStartMs[slot] !== kongWindows.windowStart(period, nowMs) || nowMs >= (col.expiresAtMs[slot] as number) ? 0 : count;
  }

  /** Drops the slot's counters in periods these limits do not configure (kongFixedWindow keeps none). */
  private clearUnconfigured(slot: number, configured: readonly number[]): void {
    for (let p = 0; p < this.columns.length; p++) {
      const col = this.columns[p];
      if (col && !configured.includes(p)) col.count[slot] = 0;
    }
  }

  /** Deletes identifiers whose every window has ended or expired. */
  sweep(nowMs: number): void {
    for (const [id, slot] of this.slotOf) if (kongStateIsStale(this.stateAt(slot), nowMs)) this.release(id, slot);
    this.sweepAt = Math.max(MIN_SWEEP_SIZE, this.slotOf.size * 2);
  }

  get size(): number {
    return this.slotOf.size;
  }

  snapshot(nowMs: number): CounterSnapshot {
    const out: CounterSnapshot = {};
    for (const [id, slot] of this.slotOf) {
      const s = snapshotOf(this.stateAt(slot), nowMs);
      if (s) out[id] = s;
    }
    return out;
  }

  /** The object form of one slot's counters. */
  private stateAt(slot: number): KongWindowState {
    const state: KongWindowState = {};
    for (let p = 0; p < KONG_PERIODS.length; p++) {
      const col = this.columns[p];
      if (!col) continue;
      const count = col.count[slot] as number;
      if (count > 0) state[KONG_PERIODS[p] as KongPeriod] = { windowStartMs: col.windowStartMs[slot] as number, count, expiresAtMs: col.expiresAtMs[slot] as number };
    }
    return state;
  }

  private store(slot: number, state: KongWindowState): void {
    for (let p = 0; p < KONG_PERIODS.length; p++) {
      const counter = state[KONG_PERIODS[p] as KongPeriod];
      let col = this.columns[p];
      if (!counter) {
        if (col) col.count[slot] = 0;
        continue;
      }
      col ??= this.columns[p] = newColumns(this.capacity);
      col.windowStartMs[slot] = counter.windowStartMs;
      col.count[slot] = counter.count;
      col.expiresAtMs[slot] = counter.expiresAtMs;
    }
  }

  private claim(identifier: string): number {
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      if (this.used === this.capacity) this.grow();
      slot = this.used++;
    }
    this.slotOf.set(identifier, slot);
    return slot;
  }

  private release(identifier: string, slot: number): void {
    this.slotOf.delete(identifier);
    for (const col of this.columns) if (col) col.count[slot] = 0;
    this.freeSlots.push(slot);
  }

  /** Doubles every column. */
  private grow(): void {
    const next = Math.max(INITIAL_SLOTS, this.capacity * 2);
    for (let p = 0; p < this.columns.length; p++) {
      const col = this.columns[p];
      if (!col) continue;
      const wider = newColumns(next);
      wider.windowStartMs.set(col.windowStartMs);
      wider.count.set(col.count);
      wider.expiresAtMs.set(col.expiresAtMs);
      this.columns[p] = wider;
    }
    this.capacity = next;
  }
}

function newColumns(capacity: number): PeriodColumns {
  return { windowStartMs: new Float64Array(capacity), count: new Float64Array(capacity), expiresAtMs: new Float64Array(capacity) };
}
