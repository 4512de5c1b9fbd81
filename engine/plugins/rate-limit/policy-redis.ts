/**
 * `policy: redis` with `sync_rate: -1`, and `policy: cluster`: one round trip per request. Kong's `usage()` runs a script per configured period that INCRs the key and
 * returns the value before the increment (setting EXPIRE W when the key is new), so the count is
 * global across replicas — and every request is counted, rejected ones included: a request rejected
 * by `second` still uses up `minute` quota (semantics §1).
 *
 * `cluster` (Kong's Postgres table) reads the counters instead, decides, and counts an admitted request
 * afterwards without waiting (semantics §1: "counter NOT incremented (local/cluster)" on a rejection).
 *
 * TTLs are relative: Kong's EXPIRE is the W table value from the key's first INCR (never an absolute
 * instant), which a real Redis and the simulated store both understand.
 */
import { wait, type EffectResult, type RequestContext, type Verdict } from '../../pipeline/types.ts';
import type { KongRateLimitingConfig } from './config.ts';
import type { Identifier } from './identifier.ts';
import {
  configuredPeriods,
  decideKongPeriodsInto,
  newKongDecision,
  kongCounterKey,
  kongWindowStart,
  KONG_PERIOD_SECONDS,
  type KongLimits,
  type KongPeriod,
  type KongWindowState,
} from './math/kong-fixed-window.ts';
import { snapshotOf, snapshotStates, type CounterSnapshot } from './policy-local.ts';
import type { RealtimeRequests } from './realtime-requests.ts';
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
export function numericValues(result: EffectResult & { ok: true }, count: number): readonly number[] | undefined {
  const values = result.values ?? [];
  if (values.length !== count) return undefined;
  // Counters answer numbers: hand the store's own array over rather than copying it per request.
  let allNumbers = true;
  for (const v of values) if (typeof v !== 'number') allNumbers = false;
  if (allNumbers) return values as readonly number[];
  return values.map((v) => (typeof v === 'number' ? v : 0));
}

/** What this replica last saw of the shared counters, for `snapshot` only. */
export class SeenCounters {
  private readonly byIdentifier = new Map<string, KongWindowState>();

  /** `values[i]` is the count of `keys[i]`'s counter after this request (0 when missing). */
  record(identifier: string, keys: readonly PeriodKey[], values: readonly number[], nowMs: number): void {
    // An identifier's state is updated in place: its periods are the config's, the same every time,
    // so this equals replacing it with a fresh object and saves one object per period per request.
    let state = this.byIdentifier.get(identifier);
    if (state === undefined) this.byIdentifier.set(identifier, (state = {}));
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as PeriodKey;
      const count = values[i] ?? 0;
      const expiresAtMs = k.windowStartMs + KONG_PERIOD_SECONDS[k.period] * 1000;
      const c = state[k.period];
      if (c === undefined) state[k.period] = { windowStartMs: k.windowStartMs, count, expiresAtMs };
      else {
        c.windowStartMs = k.windowStartMs;
        c.count = count;
        c.expiresAtMs = expiresAtMs;
      }
    }
    if (this.byIdentifier.size > 1024) {
      for (const [id, s] of this.byIdentifier) if (!snapshotOf(s, nowMs)) this.byIdentifier.delete(id);
    }
  }

  snapshot(nowMs: number): CounterSnapshot {
    return snapshotStates(this.byIdentifier, nowMs);
  }
}

/**
 * One realtime decision at a time (the chain resumes synchronously): its usage list and decision are
 * refilled per request. verdictFor and seen.record read them at once and copy what they keep (numbers
 * into strings, headers, counters); nothing holds either past the answer's callback.
 */
const SCRATCH_USED: number[] = [];
const SCRATCH_DECISION = newKongDecision();

/** The access hook for realtime Redis and cluster: one store round trip, then decide from the values. */
export function redisRealtimeAccess(
  ctx: RequestContext,
  config: KongRateLimitingConfig,
  id: Identifier,
  nowMs: number,
  seen: SeenCounters,
  requests: RealtimeRequests,
): Verdict {
  const r = requests.of(id, nowMs);
  const keys = r.keys;
  const cluster = config.policy === 'cluster';
  return wait(
    r.effect,
    r.reason,
    (result) => {
      if (!result.ok) return storeFailure(ctx, config, result.error);
      const values = numericValues(result, keys.length);
      if (!values) return storeFailure(ctx, config, `expected ${keys.length} counter values from the store`);
      // Redis's script returns INCR − 1, the usage before this request; cluster's read is that usage
      // already. The keys are the configured periods in order, as the array form of the decision takes them.
      const used = SCRATCH_USED;
      for (let i = 0; i < keys.length; i++) used[i] = cluster ? (values[i] as number) : (values[i] as number) - 1;
      while (used.length > keys.length) used.pop();
      const decision = decideKongPeriodsInto(SCRATCH_DECISION, requests.periods, requests.limitValues, used, nowMs);
      if (!cluster) {
        seen.record(id.value, keys, values, nowMs);
        return verdictFor(ctx, config, id, decision, 'shared counters, incremented even when rejected');
      }
      seen.record(id.value, keys, decision.allowed ? used.map((u) => u + 1) : used, nowMs);
      const verdict = verdictFor(ctx, config, id, decision, decision.allowed ? 'shared counters; this request is counted after the decision, without waiting' : 'shared counters; a rejected request is not counted');
      return verdict.kind === 'next' ? { ...verdict, detach: [r.increment] } : verdict;
    },
    r.data,
  );
}
