/**
 * `policy: redis` (and `cluster`, modelled alike): the counters live in the shared store.
 *
 * Reading (access): Kong's `usage()` opens a pooled connection and sends one GET per (limit, period),
 * one after another — so each is its own round trip, on the request's path: a config with two limits
 * of two periods waits for four. gatelab chains one store effect per GET for the same reason.
 *
 * Writing (Kong's log phase): see `incrementEffect`.
 */
import { wait, type RequestContext, type StoreOp, type Verdict } from '../../pipeline/types.ts';
import { KONG_PERIOD_SECONDS } from '../rate-limit/math/kong-fixed-window.ts';
import type { ResponseRateLimitingConfig } from './config.ts';
import type { ReplicaCounters } from './counters.ts';
import { accessVerdict, usageFailure, type ResponseRateLimitingVars } from './respond.ts';
import { incrementKeys, usageRows, type CounterScope, type UsageSlot } from './usage.ts';

function storeName(config: ResponseRateLimitingConfig): string {
  return config.policy === 'cluster' ? 'the shared counter store (cluster, modelled like redis)' : 'Redis';
}

/** The access hook's chain of GETs, then the decision. */
export function readUsageFromStore(
  ctx: RequestContext,
  config: ResponseRateLimitingConfig,
  vars: ResponseRateLimitingVars,
  slots: readonly UsageSlot[],
  seen: ReplicaCounters,
  nowMs: number,
): Verdict {
  const values: number[] = [];
  const step = (i: number): Verdict => {
    if (i === slots.length) {
      return accessVerdict(ctx, config, vars, usageRows(slots, values), `${slots.length} GET round trip${slots.length === 1 ? '' : 's'} to ${storeName(config)}`);
    }
    const slot = slots[i] as UsageSlot;
    const reason = `GET ${slot.name} ${slot.period} counter from ${storeName(config)} (round trip ${i + 1} of ${slots.length}) for ${vars.identifier.kind} ${vars.identifier.value}`;
    return wait({ type: 'store', ops: [{ op: 'get', key: slot.key }] }, reason, (result) => {
      if (!result.ok) return usageFailure(ctx, config, vars, result.error);
      const v = result.values?.[0];
      const usage = typeof v === 'number' ? v : 0;
      seen.remember({ identifier: vars.identifier.value, name: slot.name, period: slot.period, key: slot.key, windowStartMs: slot.windowStartMs }, usage, nowMs);
      values.push(usage);
      return step(i + 1);
    }, { policy: config.policy, key: slot.key });
  };
  return step(0);
}

/**
 * The INCRBYs for a response's increments: every one of the six periods of each named limit (Kong's
 * increment walks them all, configured or not), TTL = the period's W (Kong's EXPIRE on a new key).
 * Redis refuses a fractional INCRBY, so such an increment is left out: the counter does not move.
 *
 * Kong sends these from a 0-delay timer after the response is sent (per limit: an EXISTS per period
 * and one pipelined INCRBY/EXPIRE), so the client never waits for them. The plugin contract gives a
 * log hook no effects, so gatelab sends them in the response phase as one round trip the client does
 * wait for: the simulation over-charges Redis-policy latency by one round trip per counted response.
 */
export function incrementOps(scope: CounterScope, identifier: string, timestampMs: number, increments: ReadonlyMap<string, number>): { ops: StoreOp[]; skipped: string[] } {
  const ops: StoreOp[] = [];
  const skipped: string[] = [];
  for (const [name, by] of increments) {
    if (by === 0) continue;
    if (!Number.isInteger(by)) {
      skipped.push(`${name}=${by}`);
      continue;
    }
    for (const k of incrementKeys(scope, identifier, name, timestampMs)) ops.push({ op: 'incr', key: k.key, by, ttlMs: KONG_PERIOD_SECONDS[k.period] * 1000 });
  }
  return { ops, skipped };
}
