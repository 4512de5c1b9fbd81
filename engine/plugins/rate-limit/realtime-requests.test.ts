/**
 * realtime Redis's per-(identifier, second) memo against the per-request construction it replaced:
 * for any sequence of identifiers and instants, the keys, the store ops, the reason and the wait's
 * data are exactly what building them for that request alone gives.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KONG_RATE_LIMITING_DEFAULTS, type KongRateLimitingConfig } from './config.ts';
import type { Identifier } from './identifier.ts';
import { KONG_PERIOD_SECONDS, KONG_PERIODS, type KongLimits } from './math/kong-fixed-window.ts';
import { periodKeys, type CounterScope } from './policy-redis.ts';
import { RealtimeRequests } from './realtime-requests.ts';

// Engine code takes no randomness from the machine: the seed is fixed unless FC_SEED names another.
const seed = Number(process.env['FC_SEED'] ?? 20_261_126);
console.log(`[fast-check] realtime-requests seed=${seed} (replay: FC_SEED=${seed})`);

/** The old redisRealtimeAccess's per-request construction, verbatim in behaviour; cluster reads first. */
function reference(config: KongRateLimitingConfig, limits: KongLimits, scope: CounterScope, id: Identifier, nowMs: number) {
  const keys = periodKeys(limits, scope, id.value, nowMs);
  const incr = keys.map((k) => ({ op: 'incr', key: k.key, by: 1, ttlMs: KONG_PERIOD_SECONDS[k.period] * 1000 }));
  const counted = keys.length === 1 ? `${keys[0]?.period} counter` : `${keys.length} counters (${keys.map((k) => k.period).join(', ')})`;
  const data = { policy: config.policy, identifier: id.value, keys: keys.length };
  if (config.policy === 'cluster') {
    const reason = `read the ${counted} from the shared counter store (Kong's cluster policy: Postgres) for ${id.kind} ${id.value}: Kong counts a request there only once it is admitted`;
    return { keys, ops: keys.map((k) => ({ op: 'get', key: k.key })), incr, reason, data };
  }
  const reason = `INCR ${counted} in Redis for ${id.kind} ${id.value}: Kong counts every request there, rejected ones included`;
  return { keys, ops: incr, incr, reason, data };
}

const limits = fc.dictionary(fc.constantFrom(...KONG_PERIODS), fc.integer({ min: 1, max: 100 }), { minKeys: 1, maxKeys: 6 }) as fc.Arbitrary<KongLimits>;
const identifier = fc.record({ value: fc.constantFrom('198.51.100.80', '203.0.113.7', 'c1'), kind: fc.constantFrom('ip', 'consumer'), fellBack: fc.boolean() });
const START = Date.UTC(2026, 0, 31, 23, 59, 57);
const instant = fc.integer({ min: START, max: START + 6_000 });

describe('realtime Redis requests, built once per identifier and second', () => {
  it('equal the per-request construction for any sequence of requests', () => {
    fc.assert(
      fc.property(limits, fc.constantFrom('redis', 'cluster'), fc.array(fc.tuple(identifier, instant), { minLength: 1, maxLength: 60 }), (l, policy, requests) => {
        const config: KongRateLimitingConfig = { ...KONG_RATE_LIMITING_DEFAULTS, ...l, policy: policy as KongRateLimitingConfig['policy'] };
        const scope: CounterScope = { routeId: 'r1' };
        const memo = new RealtimeRequests(config, l, scope);
        for (const [id, at] of requests) {
          const got = memo.of(id, at);
          const want = reference(config, l, scope, id, at);
          expect(got.keys).toEqual(want.keys);
          expect(got.effect).toEqual({ type: 'store', ops: want.ops });
          expect(got.increment).toEqual({ type: 'store', ops: want.incr });
          expect(got.reason).toBe(want.reason);
          // Key order too: the trace serialises the data as it is.
          expect(JSON.stringify(got.data)).toBe(JSON.stringify(want.data));
        }
      }),
      { seed, numRuns: 300 },
    );
  });
});
