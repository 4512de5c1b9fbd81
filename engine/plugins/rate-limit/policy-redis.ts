/**
 * `policy: redis` with `sync_rate: -1` (and `cluster`, which gatelab models the same way): one round
 * trip per request. Kong's `usage()` runs a script per configured period that INCRs the key and
 * returns the value before the increment (setting EXPIRE W when the key is new), so the count is
 * global across replicas — and every request is counted, rejected ones included: a request rejected
 * by `second` still uses up `minute` quota (semantics §1).
 *
 * TTLs are relative: Kong's EXPIRE is the W table value from the key's first INCR (never an absolute
 * instant), which a real Redis and the simulated store both understand.
 */
import { wait, type EffectResult, type RequestContext, type StoreOp, type Verdict } from '../../pipeline/types.ts';
import type { KongRateLimitingConfig } from './config.ts';
import type { Identifier } from './identifier.ts';
import {
  configuredPeriods,
  decideKongFixedWindow,
  kongCounterKey,
  kongWindowStart,
  KONG_PERIOD_SECONDS,
  type KongLimits,
  type KongPeriod,
  type KongWindowState,
} from './math/kong-fixed-window.ts';
import { snapshotOf, snapshotStates, type CounterSnapshot } from './policy-local.ts';
import { storeFailure, verdictFor } from './respond.ts';

export interface CounterScope {
  routeId?: string;
  serviceId?: string;
}

export interface PeriodKey {
  period: KongPeriod;
  key: string;
  windowStartMs: number;
}

/** The counter key of every configured period for an identifier at an instant. */
export function periodKeys(limits: KongLimits, scope: CounterScope, identifier: string, nowMs: number): PeriodKey[] {
  return configuredPeriods(limits).map((period) => {
    const windowStartMs = kongWindowStart(period, nowMs);
    return { period, windowStartMs, key: kongCounterKey({ ...scope, identifier, period, windowStartMs }) };
  });
}

/** Store results as numbers, or undefined when the answer does not have one number per op. */
export function numericValues(result: EffectResult & { ok: true }, count: number): number[] | undefined {
  const values = result.values ?? [];
  if (values.length !== count) return undefined;
  return values.map((v) => (typeof v === 'number' ? v : 0));
}

/** What this replica last saw of the shared counters, for `snapshot` only. */
export class SeenCounters {
  private readonly byIdentifier = new Map<string, KongWindowState>();

  record(identifier: string, keys: PeriodKey[], values: number[], nowMs: number): void {
    const state: KongWindowState = {};
    keys.forEach((k, i) => {
      state[k.period] = { windowStartMs: k.windowStartMs, count: values[i] ?? 0, expiresAtMs: k.windowStartMs + KONG_PERIOD_SECONDS[k.period] * 1000 };
    });
    this.byIdentifier.set(identifier, state);
    if (this.byIdentifier.size > 1024) {
      for (const [id, s] of this.byIdentifier) if (!snapshotOf(s, nowMs)) this.byIdentifier.delete(id);
    }
  }

  snapshot(nowMs: number): CounterSnapshot {
    return snapshotStates(this.byIdentifier, nowMs);
  }
}

/** The access hook for realtime Redis: INCR every period's key, then decide from the values. */
export function redisRealtimeAccess(
  ctx: RequestContext,
  config: KongRateLimitingConfig,
  limits: KongLimits,
  scope: CounterScope,
  id: Identifier,
  nowMs: number,
  seen: SeenCounters,
): Verdict {
  const keys = periodKeys(limits, scope, id.value, nowMs);
  const ops: StoreOp[] = keys.map((k) => ({ op: 'incr', key: k.key, by: 1, ttlMs: KONG_PERIOD_SECONDS[k.period] * 1000 }));
  const store = config.policy === 'cluster' ? 'the shared counter store (cluster, modelled like redis)' : 'Redis';
  const reason = `INCR ${keys.length === 1 ? `${keys[0]?.period} counter` : `${keys.length} counters (${keys.map((k) => k.period).join(', ')})`} in ${store} for ${id.kind} ${id.value}: Kong counts every request there, rejected ones included`;
  return wait(
    { type: 'store', ops },
    reason,
    (result) => {
      if (!result.ok) return storeFailure(ctx, config, result.error);
      const values = numericValues(result, ops.length);
      if (!values) return storeFailure(ctx, config, `expected ${ops.length} counter values from the store`);
      seen.record(id.value, keys, values, nowMs);
      const usage: Partial<Record<KongPeriod, number>> = {};
      // The script returns INCR − 1: the usage before this request.
      keys.forEach((k, i) => (usage[k.period] = (values[i] as number) - 1));
      return verdictFor(ctx, config, id, decideKongFixedWindow(limits, usage, nowMs), 'shared counters, incremented even when rejected');
    },
    { policy: config.policy, identifier: id.value, keys: keys.length },
  );
}
