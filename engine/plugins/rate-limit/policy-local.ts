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
  kongCounterUsage,
  kongFixedWindow,
  kongStateIsStale,
  KONG_PERIODS,
  type KongFixedWindowDecision,
  type KongLimits,
  type KongWindowState,
} from './math/kong-fixed-window.ts';

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

export class LocalCounters {
  private readonly byIdentifier = new Map<string, KongWindowState>();
  private sweepAt = MIN_SWEEP_SIZE;

  /** Decides one request and, if it passes, counts it in every period. */
  check(limits: KongLimits, identifier: string, nowMs: number): KongFixedWindowDecision {
    const { decision, state } = kongFixedWindow(limits, this.byIdentifier.get(identifier) ?? {}, nowMs);
    if (Object.keys(state).length > 0) this.byIdentifier.set(identifier, state);
    else this.byIdentifier.delete(identifier);
    if (this.byIdentifier.size >= this.sweepAt) this.sweep(nowMs);
    return decision;
  }

  /** Deletes identifiers whose every window has ended or expired. */
  sweep(nowMs: number): void {
    for (const [id, state] of this.byIdentifier) if (kongStateIsStale(state, nowMs)) this.byIdentifier.delete(id);
    this.sweepAt = Math.max(MIN_SWEEP_SIZE, this.byIdentifier.size * 2);
  }

  get size(): number {
    return this.byIdentifier.size;
  }

  snapshot(nowMs: number): CounterSnapshot {
    const out: CounterSnapshot = {};
    for (const [id, state] of this.byIdentifier) {
      const s = snapshotOf(state, nowMs);
      if (s) out[id] = s;
    }
    return out;
  }
}
